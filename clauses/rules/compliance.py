"""Each contract's compliance at a date (DESIGN.md, "Compliance rules"). Plain data in and out.

Hours for a month arrive in the first days of the next one, so with as-of date D the reporting
month R is the month before D's month.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from clauses.rules.dates import add_months, last_day_of_month, months_between, previous_month

FULL_TIME_MONTH = Decimal("151.67")
CENT = Decimal("0.01")


class Status(StrEnum):
    NOT_STARTED = "not_started"
    FULFILLED = "fulfilled"
    ENDED_SHORT = "ended_short"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"


@dataclass(frozen=True)
class Thresholds:
    """Ratios of realised to expected hours; an admin may change them."""

    on_track: Decimal = Decimal("0.9")
    at_risk: Decimal = Decimal("0.6")


@dataclass(frozen=True)
class ContractTerms:
    start: date
    end: date
    committed_hours: Decimal
    # The optional monthly schedule ("Échéancier"): expected hours per month, first days.
    schedule: Mapping[date, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class MonthHours:
    """Hours of a contract for a month, for people validated on a date (None: not validated)."""

    month: date
    validated_on: date | None
    hours: Decimal


@dataclass(frozen=True)
class Compliance:
    status: Status
    committed_hours: Decimal
    expected_hours: Decimal
    realised_hours: Decimal
    pending_hours: Decimal
    missing_report: bool
    open_places: int

    @property
    def ratio(self) -> Decimal | None:
        """Realised over expected, None when nothing is expected yet."""
        return self.realised_hours / self.expected_hours if self.expected_hours else None


def reporting_month(as_of: date) -> date:
    return previous_month(as_of)


def expected_hours(terms: ContractTerms, month: date) -> Decimal:
    """The share of the commitment due by the end of `month`: the schedule's months up to it
    (capped at the commitment) where there is one, else linear over the contract's days."""
    if terms.schedule:
        scheduled = sum((h for m, h in terms.schedule.items() if m <= month), Decimal(0))
        return min(scheduled, terms.committed_hours)
    elapsed = (min(terms.end, last_day_of_month(month)) - terms.start).days + 1
    duration = (terms.end - terms.start).days + 1
    share = min(max(Decimal(elapsed) / Decimal(duration), Decimal(0)), Decimal(1))
    return terms.committed_hours * share


def assess(
    terms: ContractTerms,
    hours: Iterable[MonthHours],
    declared_months: Iterable[date],
    as_of: date,
    thresholds: Thresholds = Thresholds(),
) -> Compliance:
    r = reporting_month(as_of)
    records = list(hours)
    # A participant validated on or before D counts for all months.
    realised_by_month: dict[date, Decimal] = {}
    pending = Decimal(0)
    for record in records:
        if record.validated_on is not None and record.validated_on <= as_of:
            if record.month <= r:
                realised_by_month[record.month] = (
                    realised_by_month.get(record.month, 0) + record.hours
                )
        else:
            pending += record.hours
    realised = sum(realised_by_month.values(), Decimal(0))
    expected = expected_hours(terms, r)
    status = _status(terms, r, realised, expected, thresholds)
    reported = {record.month for record in records} | set(declared_months)
    return Compliance(
        status=status,
        committed_hours=terms.committed_hours,
        expected_hours=_cents(expected),
        realised_hours=_cents(realised),
        pending_hours=_cents(pending),
        missing_report=is_active(terms, r) and r not in reported,
        open_places=open_places(terms, r, status, realised, realised_by_month),
    )


def _status(
    terms: ContractTerms, r: date, realised: Decimal, expected: Decimal, thresholds: Thresholds
) -> Status:
    if terms.start > last_day_of_month(r):
        return Status.NOT_STARTED
    if realised >= terms.committed_hours:
        return Status.FULFILLED
    if terms.end < r:
        return Status.ENDED_SHORT
    ratio = realised / expected if expected else Decimal(1)
    if ratio >= thresholds.on_track:
        return Status.ON_TRACK
    if ratio >= thresholds.at_risk:
        return Status.AT_RISK
    return Status.BEHIND


def is_active(terms: ContractTerms, r: date) -> bool:
    """The contract runs during month `r` (a report is due for it)."""
    return terms.start <= last_day_of_month(r) and terms.end >= r


OPEN_STATUSES = (Status.ON_TRACK, Status.AT_RISK, Status.BEHIND)


def open_places(
    terms: ContractTerms,
    r: date,
    status: Status,
    realised: Decimal,
    realised_by_month: Mapping[date, Decimal],
) -> int:
    """Insertion places to fill: the monthly hours still needed beyond the recent pace, in
    full-time months. This is where facilitators send people."""
    if status not in OPEN_STATUSES or terms.end <= last_day_of_month(r):
        return 0
    months_left = months_between(add_months(r, 1), terms.end.replace(day=1))
    needed = (terms.committed_hours - realised) / months_left
    recent = [
        m for m in (add_months(r, -2), add_months(r, -1), r) if m >= terms.start.replace(day=1)
    ]
    pace = sum((realised_by_month.get(m, Decimal(0)) for m in recent), Decimal(0)) / len(recent)
    return math.ceil(max(Decimal(0), needed - pace) / FULL_TIME_MONTH)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
