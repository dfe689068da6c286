"""A contract's page: its compliance at a date with the curve behind it, its hours by month, person
and employment type, the months still to report, the files and reminders about it.

Every figure is an aggregate computed in SQL (sums per month, person, type or file), so the page
runs the same handful of queries for 3 people or 300, on a table of millions of hour entries.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.access import policy
from clauses.models import (
    BatchLine,
    BatchState,
    Contract,
    EmploymentType,
    HourEntry,
    ImportBatch,
    NoHoursDeclaration,
    Participant,
    Reminder,
    User,
)
from clauses.rules.compliance import (
    Compliance,
    ContractTerms,
    Thresholds,
    expected_hours,
    reporting_month,
)
from clauses.rules.dates import last_day_of_month, months_of
from clauses.services import compliance
from clauses.services.contracts import hours

REMINDERS_SHOWN = 50


@dataclass(frozen=True)
class CurvePoint:
    """Cumulative hours at the end of a month: expected, and realised up to the reporting month."""

    month: date
    expected: Decimal
    realised: Decimal | None


@dataclass(frozen=True)
class HoursSplit:
    """Hours declared, those of people whose eligibility is validated, and how many people."""

    hours: Decimal
    validated: Decimal
    people: int

    @property
    def pending(self) -> Decimal:
        return self.hours - self.validated


@dataclass(frozen=True)
class MonthSplit(HoursSplit):
    month: date
    scheduled: Decimal | None = None


@dataclass(frozen=True)
class TypeSplit(HoursSplit):
    employment_type: EmploymentType


@dataclass(frozen=True)
class PersonHours:
    """Hours of one person on the contract, all months and employment types together."""

    participant_id: int
    name: str
    hours: Decimal
    months: int
    first_month: date
    last_month: date
    # None when the viewer may not know eligibility (contractors).
    is_validated: bool | None


@dataclass(frozen=True)
class ContractHours:
    months: list[MonthSplit]
    people: list[PersonHours] = field(default_factory=list)
    # Validated / pending per month, next to names, would tell a contractor whose eligibility
    # is validated: the split is for the clause team, and for buyers who see no names.
    shows_eligibility: bool = False

    @property
    def total(self) -> Decimal:
        return sum((m.hours for m in self.months), Decimal(0))

    @property
    def validated(self) -> Decimal:
        return sum((m.validated for m in self.months), Decimal(0))

    @property
    def pending(self) -> Decimal:
        return self.total - self.validated

    @property
    def has_schedule(self) -> bool:
        return any(m.scheduled is not None for m in self.months)


@dataclass(frozen=True)
class BatchSummary:
    """A file with lines on this contract; `lines` and `hours` count this contract's only."""

    id: int
    filename: str
    uploaded_at: datetime
    as_of: date
    state: BatchState
    rows_rejected: int
    lines: int
    hours: Decimal
    is_visible: bool  # the viewer may open its page


@dataclass(frozen=True)
class ReminderRow:
    sent_at: datetime
    month: date
    recipient: str
    is_sent: bool
    error: str


@dataclass(frozen=True)
class ContractPage:
    as_of: date
    reporting_month: date
    compliance: Compliance
    thresholds: Thresholds
    hours: ContractHours
    curve: list[CurvePoint]
    types: list[TypeSplit]
    people_count: int
    missing_months: list[date]
    declared_months: list[date]
    batches: list[BatchSummary]
    reminders: list[ReminderRow]

    @property
    def reporting_end(self) -> date:
        return last_day_of_month(self.reporting_month)

    @property
    def percent(self) -> int | None:
        """Realised over expected hours, as a whole percentage (None: nothing expected yet)."""
        ratio = self.compliance.ratio
        if ratio is None:
            return None
        return int((ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def load(session: Session, viewer: User, contract: Contract, as_of: date) -> ContractPage:
    r = reporting_month(as_of)
    thresholds = compliance.current_thresholds(session)
    (status,) = compliance.statuses(
        session, as_of, sa.select(Contract).where(Contract.id == contract.id), thresholds
    )
    per_month = contract_hours(session, viewer, contract, as_of)
    declared = declared_months(session, contract)
    return ContractPage(
        as_of=as_of,
        reporting_month=r,
        compliance=status.compliance,
        thresholds=thresholds,
        hours=per_month,
        curve=curve(terms_of(contract), per_month, r),
        types=hours_by_type(session, contract, as_of),
        people_count=people_count(session, contract),
        missing_months=missing_months(contract, per_month, declared, r),
        declared_months=declared,
        batches=batches(session, viewer, contract),
        reminders=reminders(session, contract),
    )


def terms_of(contract: Contract) -> ContractTerms:
    schedule = {s.month: s.hours for s in contract.schedule}
    return ContractTerms(contract.start_date, contract.end_date, contract.committed_hours, schedule)


def curve(terms: ContractTerms, per_month: ContractHours, r: date) -> list[CurvePoint]:
    """Month by month from the start month to the end month. Hours of a month outside the
    contract (an import accepts them with a warning) count in its first or last month, so the
    curve ends where the status's realised hours do."""
    first, last = terms.start.replace(day=1), terms.end.replace(day=1)
    validated: dict[date, Decimal] = {}
    for m in per_month.months:
        if m.month <= r:
            month = min(max(m.month, first), last)
            validated[month] = validated.get(month, Decimal(0)) + m.validated
    points, realised = [], Decimal(0)
    for month in months_of(first, last):
        realised += validated.get(month, Decimal(0))
        expected = expected_hours(terms, month).quantize(Decimal("0.01"), ROUND_HALF_UP)
        points.append(CurvePoint(month, expected, realised if month <= r else None))
    return points


def contract_hours(
    session: Session, viewer: User, contract: Contract, as_of: date
) -> ContractHours:
    """Hours per month (with the schedule, if any), and per person for those who may see names.

    Hours count as validated when the person's eligibility was validated on or before as_of.
    """
    rows = session.execute(
        sa.select(HourEntry.month, *_split_columns(as_of))
        .join(HourEntry.participant)
        .where(HourEntry.contract_id == contract.id)
        .group_by(HourEntry.month)
    ).all()
    declared = {row.month: _split(row) for row in rows}
    scheduled = {s.month: s.hours for s in contract.schedule}
    empty = HoursSplit(Decimal("0.00"), Decimal("0.00"), 0)
    months = [
        MonthSplit(
            **asdict(declared.get(month, empty)), month=month, scheduled=scheduled.get(month)
        )
        for month in sorted(set(declared) | set(scheduled))
    ]
    people = _people_hours(session, viewer, contract, as_of)
    shows_eligibility = policy.sees_eligibility_split(viewer)
    return ContractHours(months, people, shows_eligibility)


def hours_by_type(session: Session, contract: Contract, as_of: date) -> list[TypeSplit]:
    total, validated, people = _split_columns(as_of)
    rows = session.execute(
        sa.select(HourEntry.employment_type, total, validated, people)
        .join(Participant, Participant.id == HourEntry.participant_id)
        .where(HourEntry.contract_id == contract.id)
        .group_by(HourEntry.employment_type)
        .order_by(total.desc(), HourEntry.employment_type)
    )
    return [TypeSplit(**asdict(_split(row)), employment_type=row.employment_type) for row in rows]


def _validated(as_of: date) -> sa.ColumnElement[bool]:
    return Participant.eligibility_validated_on <= as_of


def _split_columns(as_of: date) -> tuple[sa.Label[Any], sa.Label[Any], sa.Label[int]]:
    """Sums of a group of entries joined to their people: hours, validated hours, people."""
    return (
        sa.func.sum(HourEntry.hours).label("hours"),
        sa.func.sum(sa.case((_validated(as_of), HourEntry.hours), else_=0)).label("validated"),
        sa.func.count(sa.distinct(HourEntry.participant_id)).label("people"),
    )


def _split(row: Any) -> HoursSplit:
    return HoursSplit(hours(row.hours), hours(row.validated), row.people)


def _people_hours(
    session: Session, viewer: User, contract: Contract, as_of: date
) -> list[PersonHours]:
    # Names come through policy.participants_of: a buyer's scope holds no one, so no name
    # can reach a buyer's page even by mistake in a template.
    people = policy.participants_of(viewer).subquery()
    rows = session.execute(
        sa.select(
            people.c.id,
            people.c.last_name,
            people.c.first_name,
            sa.func.sum(HourEntry.hours).label("hours"),
            sa.func.count(sa.distinct(HourEntry.month)).label("months"),
            sa.func.min(HourEntry.month).label("first_month"),
            sa.func.max(HourEntry.month).label("last_month"),
            sa.func.max(sa.case((_validated(as_of), 1), else_=0)).label("is_validated"),
        )
        .join(people, people.c.id == HourEntry.participant_id)
        .join(Participant, Participant.id == HourEntry.participant_id)
        .where(HourEntry.contract_id == contract.id)
        .group_by(people.c.id, people.c.last_name, people.c.first_name)
        .order_by(people.c.last_name, people.c.first_name, people.c.id)
    ).all()
    return [
        PersonHours(
            participant_id=row.id,
            name=f"{row.last_name.upper()} {row.first_name}",
            hours=hours(row.hours),
            months=row.months,
            first_month=row.first_month,
            last_month=row.last_month,
            is_validated=bool(row.is_validated) if policy.sees_personal_data(viewer) else None,
        )
        for row in rows
    ]


def people_count(session: Session, contract: Contract) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(sa.distinct(HourEntry.participant_id))).where(
                HourEntry.contract_id == contract.id
            )
        )
        or 0
    )


def declared_months(session: Session, contract: Contract) -> list[date]:
    return list(
        session.scalars(
            sa.select(NoHoursDeclaration.month)
            .where(NoHoursDeclaration.contract_id == contract.id)
            .order_by(NoHoursDeclaration.month)
        )
    )


def missing_months(
    contract: Contract, per_month: ContractHours, declared: list[date], r: date
) -> list[date]:
    """The contract's months up to R with no hour entry (validated or not) and no "nothing to
    report": the reports still owed. R is among them exactly when the status says so."""
    reported = {m.month for m in per_month.months if m.people} | set(declared)
    months = months_of(contract.start_date, contract.end_date)
    return [m for m in months if m <= r and m not in reported]


def batches(session: Session, viewer: User, contract: Contract) -> list[BatchSummary]:
    lines = (
        sa.select(
            BatchLine.batch_id,
            sa.func.count().label("lines"),
            sa.func.sum(BatchLine.hours).label("hours"),
        )
        .where(BatchLine.contract_id == contract.id)
        .group_by(BatchLine.batch_id)
        .subquery()
    )
    # A batch sent by the clause team for a contractor is not the contractor's to open.
    visible = policy.batches_of(viewer).with_only_columns(ImportBatch.id).subquery()
    rows = session.execute(
        sa.select(
            ImportBatch.id,
            ImportBatch.filename,
            ImportBatch.uploaded_at,
            ImportBatch.as_of,
            ImportBatch.state,
            ImportBatch.rows_rejected,
            lines.c.lines,
            lines.c.hours,
            visible.c.id.is_not(None).label("is_visible"),
        )
        .join(lines, lines.c.batch_id == ImportBatch.id)
        .outerjoin(visible, visible.c.id == ImportBatch.id)
        .order_by(ImportBatch.uploaded_at.desc(), ImportBatch.id.desc())
    )
    return [
        BatchSummary(
            row.id,
            row.filename,
            row.uploaded_at,
            row.as_of,
            row.state,
            row.rows_rejected,
            row.lines,
            hours(row.hours),
            bool(row.is_visible),
        )
        for row in rows
    ]


def reminders(session: Session, contract: Contract) -> list[ReminderRow]:
    rows = session.execute(
        sa.select(
            Reminder.sent_at, Reminder.month, Reminder.recipient, Reminder.is_sent, Reminder.error
        )
        .where(Reminder.contract_id == contract.id)
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        .limit(REMINDERS_SHOWN)
    )
    return [ReminderRow(*row) for row in rows]
