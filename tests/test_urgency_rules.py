"""Which contracts need action and in which order: the rule the home page and exports follow."""

from decimal import Decimal

import pytest

from clauses.rules.compliance import Compliance, Status
from clauses.rules.urgency import (
    ALL,
    MISSING_REPORT,
    NEEDS_ACTION,
    NO_ACTION,
    selected,
    urgency,
    urgency_key,
)


def state(status: Status, realised: int, expected: int = 100, missing: bool = False) -> Compliance:
    return Compliance(status, Decimal(1000), Decimal(expected), Decimal(realised), 0, missing, 0)


@pytest.mark.parametrize(
    ("c", "rank"),
    [
        (state(Status.ENDED_SHORT, 50), 0),
        (state(Status.BEHIND, 10), 1),
        (state(Status.BEHIND, 10, missing=True), 1),
        (state(Status.ON_TRACK, 100, missing=True), 2),
        (state(Status.AT_RISK, 70, missing=True), 2),
        (state(Status.FULFILLED, 1000, missing=True), 2),
        (state(Status.AT_RISK, 70), 3),
        (state(Status.ON_TRACK, 100), None),
        (state(Status.FULFILLED, 1000), None),
        (state(Status.NOT_STARTED, 0, 0), None),
    ],
)
def test_urgency_ranks(c, rank):
    assert urgency(c) == rank


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ((state(Status.BEHIND, 30), "B"), (state(Status.BEHIND, 50), "A")),  # lower ratio first
        ((state(Status.BEHIND, 50), "a"), (state(Status.BEHIND, 50), "B")),  # then the reference
        ((state(Status.AT_RISK, 70), "Z"), (state(Status.ON_TRACK, 100), "A")),  # action first
        ((state(Status.NOT_STARTED, 0, 0), "A"), (state(Status.ON_TRACK, 100), "B")),  # ratio 1
    ],
)
def test_urgency_key_orders_within_and_after_the_ranks(first, then):
    assert urgency_key(*first) < urgency_key(*then)
    assert urgency_key(state(Status.ON_TRACK, 100), "A")[0] == NO_ACTION


@pytest.mark.parametrize(
    ("c", "selection", "shown"),
    [
        (state(Status.ON_TRACK, 100), ALL, True),
        (state(Status.ON_TRACK, 100), NEEDS_ACTION, False),
        (state(Status.ON_TRACK, 100, missing=True), NEEDS_ACTION, True),
        (state(Status.ON_TRACK, 100, missing=True), MISSING_REPORT, True),
        (state(Status.BEHIND, 10), MISSING_REPORT, False),
        (state(Status.BEHIND, 10), "behind", True),
        (state(Status.BEHIND, 10), "at_risk", False),
    ],
)
def test_selected(c, selection, shown):
    assert selected(c, selection) is shown
