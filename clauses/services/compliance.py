"""Each contract's compliance at a date, from aggregated hours (monthly_hours), never from
every hour entry: the rules of clauses/rules/compliance.py fed by a handful of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.errors import (
    ContractNotFound,
    DeclarationNotDue,
    DeclarationOutsideContract,
    ThresholdsOutOfOrder,
)
from clauses.models import (
    Contract,
    HourEntry,
    MonthlyHours,
    NoHoursDeclaration,
    Participant,
    ScheduledHours,
    Setting,
    User,
)
from clauses.rules.compliance import (
    Compliance,
    ContractTerms,
    MonthHours,
    Thresholds,
    assess,
    reporting_month,
)
from clauses.rules.dates import add_months
from clauses.services import audit

CHUNK = 500
THRESHOLD_KEYS = ("threshold_on_track", "threshold_at_risk")


@dataclass(frozen=True)
class ContractStatus:
    contract_id: int
    reference: str
    compliance: Compliance

    def as_json(self) -> dict[str, object]:
        c = self.compliance
        return {
            "reference": self.reference,
            "status": c.status.value,
            "committed_hours": float(c.committed_hours),
            "expected_hours": float(c.expected_hours),
            "realised_hours": float(c.realised_hours),
            "pending_hours": float(c.pending_hours),
            "missing_report": c.missing_report,
            "open_places": c.open_places,
        }


def statuses(
    session: Session,
    as_of: date,
    contracts: sa.Select[Contract] | None = None,
    thresholds: Thresholds | None = None,
) -> list[ContractStatus]:
    """The status of each contract of `contracts` (all by default), sorted by reference."""
    scope = (contracts if contracts is not None else sa.select(Contract)).subquery()
    terms = _terms(session, scope)
    hours = _hours(session, scope, as_of)
    declared = _declared(session, scope, reporting_month(as_of))
    limits = thresholds or current_thresholds(session)
    return [
        ContractStatus(
            contract_id,
            reference,
            assess(
                contract_terms, hours.get(contract_id, ()), declared[contract_id], as_of, limits
            ),
        )
        for contract_id, (reference, contract_terms) in sorted(
            terms.items(), key=lambda item: item[1][0]
        )
    ]


def _terms(session: Session, scope: sa.Subquery) -> dict[int, tuple[str, ContractTerms]]:
    schedules: defaultdict[int, dict[date, Decimal]] = defaultdict(dict)
    for contract_id, month, hours in session.execute(
        sa.select(ScheduledHours.contract_id, ScheduledHours.month, ScheduledHours.hours).join(
            scope, scope.c.id == ScheduledHours.contract_id
        )
    ):
        schedules[contract_id][month] = hours
    rows = session.execute(
        sa.select(
            scope.c.id,
            scope.c.reference,
            scope.c.start_date,
            scope.c.end_date,
            scope.c.committed_hours,
        )
    )
    return {
        id_: (ref, ContractTerms(start, end, committed, schedules.get(id_, {})))
        for id_, ref, start, end, committed in rows
    }


def _hours(session: Session, scope: sa.Subquery, as_of: date) -> dict[int, list[MonthHours]]:
    """Validated and pending hours per contract as of D, summed in SQL into the periods the rules
    tell apart, so that thousands of contracts read a few rows each, not one per month.

    The summary holds today's eligibility; the hours of people validated after D go back to
    pending (few people, found through the index on the validation date, their entries read
    from ix_hour_entry_participant_hours alone)."""
    r = reporting_month(as_of)
    validated_later = sa.select(Participant.id).where(Participant.eligibility_validated_on > as_of)
    # IN, not a join: SQLite would otherwise read every entry in (contract, month) order to
    # spare the GROUP BY a sort, instead of the entries of those few people.
    later = _per_period(
        session,
        sa.select(HourEntry.contract_id, HourEntry.month, HourEntry.hours)
        .join(scope, scope.c.id == HourEntry.contract_id)
        .where(HourEntry.participant_id.in_(validated_later)),
        r,
    )
    summary = sa.select(
        MonthlyHours.contract_id,
        MonthlyHours.month,
        MonthlyHours.validated_hours,
        MonthlyHours.pending_hours,
    ).join(scope, scope.c.id == MonthlyHours.contract_id)
    months = [add_months(r, shift) for shift in PERIODS]
    result: defaultdict[int, list[MonthHours]] = defaultdict(list)
    for key, (validated, pending) in _per_period(session, summary, r).items():
        moved = later[key][0] if key in later else Decimal(0)
        contract_id, period = key
        if validated - moved:
            result[contract_id].append(MonthHours(months[period], as_of, validated - moved))
        if pending + moved:
            result[contract_id].append(MonthHours(months[period], None, pending + moved))
    return result


# The rules read validated hours up to R, those of and R one by one (the pace), pending
# hours of any month, and whether R has hours (its report). So hours are summed over five
# periods, each handed to the rules as one of its months: before R-2 (as R-3), R-2, R-1, R,
# after R (as R+1), given as months from R.
PERIODS = (-3, -2, -1, 0, 1)


def _per_period(
    session: Session, rows: sa.Select[*tuple[Any, ...]], r: date
) -> dict[tuple[int, int], tuple[Decimal, ...]]:
    """The sums of `rows` (contract id, month, then amounts) per contract and period."""
    contract_id, month, *amounts = rows.selected_columns
    period = sa.case(
        *((month < add_months(r, shift + 1), index) for index, shift in enumerate(PERIODS[:-1])),
        else_=len(PERIODS) - 1,
    )
    periods = rows.with_only_columns(contract_id, period.label("period"), *amounts).subquery()
    sums = session.execute(
        sa.select(
            periods.c[0], periods.c.period, *(sa.func.sum(column) for column in periods.c[2:])
        ).group_by(periods.c[0], periods.c.period)
    )
    return {(row[0], row[1]): tuple(row[2:]) for row in sums}


def _declared(session: Session, scope: sa.Subquery, month: date) -> defaultdict[int, list[date]]:
    declared: defaultdict[int, list[date]] = defaultdict(list)
    for contract_id in session.scalars(
        sa.select(NoHoursDeclaration.contract_id)
        .join(scope, scope.c.id == NoHoursDeclaration.contract_id)
        .where(NoHoursDeclaration.month == month)
    ):
        declared[contract_id].append(month)
    return declared


def current_thresholds(session: Session) -> Thresholds:
    rows = session.execute(
        sa.select(Setting.key, Setting.value).where(Setting.key.in_(THRESHOLD_KEYS))
    )
    values = {key: value for key, value in rows}
    defaults = Thresholds()
    return Thresholds(
        Decimal(values.get("threshold_on_track", defaults.on_track)),
        Decimal(values.get("threshold_at_risk", defaults.at_risk)),
    )


def set_thresholds(session: Session, actor: User, new: Thresholds) -> Thresholds:
    """An admin's new thresholds: ratios of realised to expected hours, 0 < at risk < on track
    ≤ 1."""
    if not Decimal(0) < new.at_risk < new.on_track <= Decimal(1):
        raise ThresholdsOutOfOrder()
    before = current_thresholds(session)
    for key, value in zip(THRESHOLD_KEYS, (new.on_track, new.at_risk), strict=True):
        setting = session.get(Setting, key) or Setting(key=key)
        setting.value, setting.updated_by_id = str(value), actor.id
        session.add(setting)
    audit.record(
        session,
        actor,
        "update",
        "setting",
        "thresholds",
        before={"on_track": str(before.on_track), "at_risk": str(before.at_risk)},
        after={"on_track": str(new.on_track), "at_risk": str(new.at_risk)},
    )
    return new


def declare_no_hours(
    session: Session, actor: User | None, contract: Contract, month: date, as_of: date
) -> NoHoursDeclaration:
    """A contractor's "nothing to report" for a month of the contract up to the reporting month
    of `as_of`, not a later one: its hours are not due yet. The same twice is kept once. The
    contract page and the command line both declare through here."""
    month = month.replace(day=1)
    if month > reporting_month(as_of):
        raise DeclarationNotDue(month=month.isoformat())
    if month < contract.start_date.replace(day=1) or month > contract.end_date:
        raise DeclarationOutsideContract(month=month.isoformat(), reference=contract.reference)
    found = session.scalar(
        sa.select(NoHoursDeclaration).where(
            NoHoursDeclaration.contract_id == contract.id, NoHoursDeclaration.month == month
        )
    )
    if found is not None:
        return found
    declaration = NoHoursDeclaration(
        contract_id=contract.id, month=month, declared_by_id=actor.id if actor else None
    )
    session.add(declaration)
    session.flush()
    audit.record(
        session, actor, "declare_no_hours", "contract", contract.id, month=month.isoformat()
    )
    return declaration


def contract_by_reference(session: Session, reference: str) -> Contract:
    contract = session.scalar(
        sa.select(Contract).where(Contract.reference_key == Contract.key_of(reference))
    )
    if contract is None:
        raise ContractNotFound(reference=reference)
    return contract
