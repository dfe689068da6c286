"""Which contracts need the clause team's action, and in which order: plain data in and out.

A contract list shows a selection of contracts: those needing action (the team's default), all
of them, one status, or those whose report for the reporting month is missing.
"""

from decimal import Decimal

from clauses.rules.compliance import Compliance, Status

# The order pages show statuses in: a contract's life, good news before bad.
STATUS_ORDER = (
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.BEHIND,
    Status.FULFILLED,
    Status.ENDED_SHORT,
)
NEEDS_ACTION = "needs_action"
ALL = "all"
MISSING_REPORT = "missing_report"
SELECTIONS = (NEEDS_ACTION, ALL, *(status.value for status in STATUS_ORDER), MISSING_REPORT)
NO_ACTION = 4  # the rank of contracts needing none: after every other


def urgency(c: Compliance) -> int | None:
    """A contract's rank among those needing action, 0 first; None when it needs none.

    Ended short first: the commitment is missed for good, only the buyer's penalties are left.
    Then behind (hours to catch up, people to send), then a missing report (a reminder is due
    before anything can be judged), then at risk."""
    if c.status is Status.ENDED_SHORT:
        return 0
    if c.status is Status.BEHIND:
        return 1
    if c.missing_report:
        return 2
    if c.status is Status.AT_RISK:
        return 3
    return None


def urgency_key(c: Compliance, reference: str) -> tuple[int, Decimal, str]:
    """Most urgent first; within a rank, the lowest share of the expected hours realised, then
    the reference. Contracts needing no action come last."""
    rank = urgency(c)
    ratio = c.ratio if c.ratio is not None else Decimal(1)
    return (NO_ACTION if rank is None else rank, ratio, reference.upper())


def selected(c: Compliance, selection: str) -> bool:
    """Whether a list showing `selection` (one of SELECTIONS) shows this contract."""
    if selection == ALL:
        return True
    if selection == MISSING_REPORT:
        return c.missing_report
    if selection == NEEDS_ACTION:
        return urgency(c) is not None
    return c.status.value == selection
