"""What each role's home page shows, and the contract exports.

Statuses come from compliance.statuses() over the viewer's (filtered) contracts; the rest is a
handful of aggregate queries, the same number whatever the number of contracts. The year's hour
entries are read in one query, grouped per person, for the programme's people, and its result is
kept until the data changes.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from clauses.access import policy
from clauses.models import (
    Contract,
    HourEntry,
    ImportBatch,
    Operation,
    Organisation,
    Participant,
    Sex,
    User,
)
from clauses.rules.compliance import Compliance, Status, reporting_month
from clauses.rules.names import normalise_name
from clauses.services import audit, compliance
from clauses.services.compliance import ContractStatus

# The order pages show statuses in: a contract's life, good news before bad.
STATUS_ORDER = (
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.BEHIND,
    Status.FULFILLED,
    Status.ENDED_SHORT,
)
# What a contract list shows: those needing action (the default), all, one status, or those
# whose report for the reporting month is missing.
NEEDS_ACTION = "needs_action"
ALL = "all"
MISSING_REPORT = "missing_report"
SELECTIONS = (NEEDS_ACTION, ALL, *(status.value for status in STATUS_ORDER), MISSING_REPORT)

# "Bâtissons nos emplois": 500 people into lasting construction jobs in two years.
PROGRAMME_GOAL = 500
YOUNG_AGE = 26  # "under 26": a public of the insertion clause
LIST_LIMIT = 100  # contracts listed on the clause team's page; the export has them all
LATEST_BATCHES = 5


@dataclass(frozen=True)
class Filters:
    buyer_id: int | None = None
    operation_id: int | None = None
    contractor_id: int | None = None
    trade: str = ""
    commune: str = ""
    selection: str = NEEDS_ACTION


def scoped(viewer: User, filters: Filters) -> sa.Select[Contract]:
    """The viewer's contracts narrowed by the filters (all but the selection, which needs the
    statuses)."""
    stmt = policy.contracts_of(viewer)
    if filters.buyer_id is not None:
        buyer_operations = sa.select(Operation.id).where(Operation.buyer_id == filters.buyer_id)
        stmt = stmt.where(Contract.operation_id.in_(buyer_operations))
    if filters.operation_id is not None:
        stmt = stmt.where(Contract.operation_id == filters.operation_id)
    if filters.contractor_id is not None:
        stmt = stmt.where(Contract.contractor_id == filters.contractor_id)
    if filters.trade:
        stmt = stmt.where(Contract.trade == filters.trade)
    if filters.commune:
        stmt = stmt.where(Contract.commune == filters.commune)
    return stmt


# Urgency ------------------------------------------------------------------------------------


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


def urgency_key(found: ContractStatus) -> tuple[int, Decimal, str]:
    """Most urgent first; within a rank, the lowest share of the expected hours realised, then
    the reference. Contracts needing no action come last."""
    c = found.compliance
    rank = urgency(c)
    ratio = c.ratio if c.ratio is not None else Decimal(1)
    return (4 if rank is None else rank, ratio, found.reference.upper())


def listed(found: Iterable[ContractStatus], selection: str) -> list[ContractStatus]:
    """The contracts a list shows, most urgent first."""
    return sorted((s for s in found if selected(s.compliance, selection)), key=urgency_key)


def selected(c: Compliance, selection: str) -> bool:
    if selection == ALL:
        return True
    if selection == MISSING_REPORT:
        return c.missing_report
    if selection == NEEDS_ACTION:
        return urgency(c) is not None
    return c.status.value == selection


# Rows and totals ----------------------------------------------------------------------------


class Details(NamedTuple):
    id: int
    reference: str
    title: str
    operation: str
    buyer: str
    contractor: str
    trade: str
    commune: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class ContractRow:
    """A contract's line on a home page or in an export: no personal data, people as a number."""

    details: Details
    compliance: Compliance
    people: int = 0


@dataclass(frozen=True)
class Totals:
    contracts: int
    by_status: dict[Status, int]
    missing_reports: int
    committed_hours: Decimal
    expected_hours: Decimal
    realised_hours: Decimal
    pending_hours: Decimal
    open_places: int

    @property
    def ratio(self) -> Decimal | None:
        return self.realised_hours / self.expected_hours if self.expected_hours else None


def totals(items: Iterable[Compliance]) -> Totals:
    listed = list(items)
    counts = Counter(c.status for c in listed)
    return Totals(
        contracts=len(listed),
        by_status={status: counts[status] for status in STATUS_ORDER},
        missing_reports=sum(c.missing_report for c in listed),
        committed_hours=sum((c.committed_hours for c in listed), Decimal(0)),
        expected_hours=sum((c.expected_hours for c in listed), Decimal(0)),
        realised_hours=sum((c.realised_hours for c in listed), Decimal(0)),
        pending_hours=sum((c.pending_hours for c in listed), Decimal(0)),
        open_places=sum(c.open_places for c in listed),
    )


def _details(
    session: Session, scope: sa.Select[Contract], ids: Collection[int] | None = None
) -> dict[int, Details]:
    """What each contract is, with its operation's, buyer's and contractor's names: one query."""
    contracts = scope.subquery()
    buyer, holder = aliased(Organisation), aliased(Organisation)
    stmt = (
        sa.select(
            contracts.c.id,
            contracts.c.reference,
            contracts.c.title,
            Operation.name,
            buyer.name,
            holder.name,
            contracts.c.trade,
            contracts.c.commune,
            contracts.c.start_date,
            contracts.c.end_date,
        )
        .join(Operation, Operation.id == contracts.c.operation_id)
        .join(buyer, buyer.id == Operation.buyer_id)
        .join(holder, holder.id == contracts.c.contractor_id)
    )
    if ids is not None:
        stmt = stmt.where(contracts.c.id.in_(list(ids)))
    return {row[0]: Details(*row) for row in session.execute(stmt)}


def _rows(
    session: Session,
    scope: sa.Select[Contract],
    found: Sequence[ContractStatus],
    people: Mapping[int, int] | None = None,
    *,
    all_of_scope: bool = False,
) -> list[ContractRow]:
    ids = None if all_of_scope else [s.contract_id for s in found]
    details = _details(session, scope, ids)
    people = people or {}
    return [
        ContractRow(details[s.contract_id], s.compliance, people.get(s.contract_id, 0))
        for s in found
    ]


def _counted_entries(scope: sa.Select[Contract], as_of: date) -> sa.Select[int, int]:
    """Entries whose hours count as of D (people validated on or before D, months up to the
    reporting month), on the contracts of `scope`."""
    contracts = scope.subquery()
    return (
        sa.select(HourEntry.contract_id, HourEntry.participant_id)
        .join(contracts, contracts.c.id == HourEntry.contract_id)
        .join(Participant, Participant.id == HourEntry.participant_id)
        .where(
            Participant.eligibility_validated_on <= as_of,
            HourEntry.month <= reporting_month(as_of),
            HourEntry.hours > 0,
        )
    )


def _people_counts(session: Session, scope: sa.Select[Contract], as_of: date) -> dict[int, int]:
    """How many people have counted hours on each contract."""
    entries = _counted_entries(scope, as_of).subquery()
    rows = session.execute(
        sa.select(
            entries.c.contract_id, sa.func.count(sa.distinct(entries.c.participant_id))
        ).group_by(entries.c.contract_id)
    )
    return {contract_id: count for contract_id, count in rows}


def _people_by_contract(
    session: Session, scope: sa.Select[Contract], as_of: date
) -> dict[int, set[int]]:
    """The people whose hours count on each contract: ids only, to count them across
    contracts (someone on two contracts of a trade is one person), never to show them."""
    pairs = session.execute(_counted_entries(scope, as_of).distinct())
    people: defaultdict[int, set[int]] = defaultdict(set)
    for contract_id, participant_id in pairs:
        people[contract_id].add(participant_id)
    return people


# The clause team's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Programme:
    """The year's figures of the programme: realised hours and the people behind them."""

    year: int
    first_month: date
    last_month: date
    realised_hours: Decimal
    people: int
    women: int
    qpv_residents: int
    under_26: int
    goal: int = PROGRAMME_GOAL


@dataclass(frozen=True)
class TeamDashboard:
    as_of: date
    reporting_month: date
    totals: Totals
    rows: list[ContractRow]  # the first LIST_LIMIT of the selection, most urgent first
    listed: int  # how many contracts the selection holds
    programme: Programme
    to_verify: int  # participants whose eligibility is to verify: their hours wait
    selection: str = NEEDS_ACTION

    @property
    def selected_status(self) -> Status | None:
        """The status the list is narrowed to, if it is one."""
        return Status(self.selection) if self.selection in {s.value for s in Status} else None


def team_dashboard(
    session: Session, viewer: User, filters: Filters, as_of: date, limit: int = LIST_LIMIT
) -> TeamDashboard:
    scope = scoped(viewer, filters)
    found = compliance.statuses(session, as_of, scope)
    shown = listed(found, filters.selection)
    return TeamDashboard(
        as_of=as_of,
        reporting_month=reporting_month(as_of),
        totals=totals(s.compliance for s in found),
        rows=_rows(session, scope, shown[:limit]),
        listed=len(shown),
        programme=cached_programme(session, viewer, filters, as_of),
        to_verify=_to_verify(session),
        selection=filters.selection,
    )


def _to_verify(session: Session) -> int:
    unchecked = Participant.eligibility_validated_on.is_(None)
    return session.scalar(sa.select(sa.func.count(Participant.id)).where(unchecked)) or 0


# The year's people need the year's hour entries (a million rows at national scale, hundreds
# of milliseconds), so their figures are kept per scope and date until the data they come from
# changes: hour entries change only through import batches (a new one, or one rolled back);
# people and contracts carry their last update. Each process keeps its own few.
PROGRAMME_CACHE_SIZE = 128
_programmes: OrderedDict[tuple[Any, ...], Programme] = OrderedDict()
_programmes_lock = threading.Lock()


def cached_programme(session: Session, viewer: User, filters: Filters, as_of: date) -> Programme:
    scope_key = (policy.scope_key(viewer), replace(filters, selection=""))
    key = (scope_key, as_of, data_version(session))
    with _programmes_lock:
        found = _programmes.get(key)
        if found is not None:
            _programmes.move_to_end(key)
            return found
    computed = programme(session, scoped(viewer, filters), as_of)
    with _programmes_lock:
        _programmes[key] = computed
        while len(_programmes) > PROGRAMME_CACHE_SIZE:
            _programmes.popitem(last=False)
    return computed


def data_version(session: Session) -> tuple[Any, ...]:
    """What the programme's figures depend on, read from small tables in one query."""
    aggregates = (
        sa.func.count(ImportBatch.id),
        sa.func.max(ImportBatch.id),
        sa.func.max(ImportBatch.uploaded_at),
        sa.func.max(ImportBatch.rolled_back_at),
        sa.func.count(Participant.id),
        sa.func.max(Participant.updated_at),
        sa.func.count(Contract.id),
        sa.func.max(Contract.updated_at),
    )
    row = session.execute(sa.select(*(sa.select(a).scalar_subquery() for a in aggregates)))
    return tuple(row.one())


def programme(session: Session, scope: sa.Select[Contract], as_of: date) -> Programme:
    """Realised hours of the reporting month's year (January to R) and the people who worked
    them: one query, the year's hour entries summed per person, then joined to the people.

    The year is the reporting month's: in January, the figures are last year's, complete."""
    last = reporting_month(as_of)
    first = last.replace(month=1)
    contracts = scope.subquery()
    per_person = (
        sa.select(
            HourEntry.participant_id.label("participant_id"),
            sa.func.sum(HourEntry.hours).label("hours"),
        )
        .where(
            HourEntry.month >= first,
            HourEntry.month <= last,
            HourEntry.hours > 0,
            HourEntry.contract_id.in_(sa.select(contracts.c.id)),
        )
        .group_by(HourEntry.participant_id)
        .subquery()
    )
    young = Participant.birth_date > years_before(as_of, YOUNG_AGE)
    people, hours, women, qpv, under_26 = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(per_person.c.hours), 0),
            _tally(Participant.sex == Sex.FEMALE),
            _tally(Participant.is_qpv.is_(True)),
            _tally(young),
        )
        .select_from(per_person)
        .join(Participant, Participant.id == per_person.c.participant_id)
        .where(Participant.eligibility_validated_on <= as_of)
    ).one()
    return Programme(
        first.year, first, last, Decimal(hours), people, int(women), int(qpv), int(under_26)
    )


def _tally(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February gives the 28th): someone born after it is
    younger than `years` on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# The buyer's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Contracts sharing a trade or an operation, and how many people worked on them."""

    name: str
    totals: Totals
    people: int


@dataclass(frozen=True)
class BuyerDashboard:
    as_of: date
    reporting_month: date
    totals: Totals
    people: int
    rows: list[ContractRow]
    by_trade: list[Group]
    by_operation: list[Group]


def buyer_dashboard(session: Session, viewer: User, as_of: date) -> BuyerDashboard:
    scope = policy.contracts_of(viewer)
    found = listed(compliance.statuses(session, as_of, scope), ALL)
    people = _people_by_contract(session, scope, as_of)
    counts = {contract_id: len(ids) for contract_id, ids in people.items()}
    rows = _rows(session, scope, found, counts, all_of_scope=True)
    return BuyerDashboard(
        as_of=as_of,
        reporting_month=reporting_month(as_of),
        totals=totals(row.compliance for row in rows),
        people=len(set().union(*people.values())),
        rows=rows,
        by_trade=_groups(rows, people, lambda row: row.details.trade),
        by_operation=_groups(rows, people, lambda row: row.details.operation),
    )


def _groups(
    rows: Sequence[ContractRow],
    people: Mapping[int, set[int]],
    key: Callable[[ContractRow], str],
) -> list[Group]:
    members: defaultdict[str, list[ContractRow]] = defaultdict(list)
    for row in rows:
        members[key(row)].append(row)
    return [
        Group(
            name,
            totals(row.compliance for row in group),
            len(set().union(*(people.get(row.details.id, set()) for row in group))),
        )
        # Sorted as a reader expects: accents and case aside ("Électricité" before "Gros").
        for name, group in sorted(members.items(), key=lambda item: normalise_name(item[0]))
    ]


# The contractor's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContractorDashboard:
    as_of: date
    reporting_month: date
    totals: Totals
    rows: list[ContractRow]
    due: list[ContractRow]  # active in the reporting month, with no report for it yet
    batches: list[ImportBatch]


def contractor_dashboard(session: Session, viewer: User, as_of: date) -> ContractorDashboard:
    scope = policy.contracts_of(viewer)
    found = listed(compliance.statuses(session, as_of, scope), ALL)
    rows = _rows(session, scope, found, all_of_scope=True)
    batches = session.scalars(
        policy.batches_of(viewer)
        .order_by(ImportBatch.uploaded_at.desc(), ImportBatch.id.desc())
        .limit(LATEST_BATCHES)
    )
    return ContractorDashboard(
        as_of=as_of,
        reporting_month=reporting_month(as_of),
        totals=totals(row.compliance for row in rows),
        rows=rows,
        due=sorted(
            (row for row in rows if row.compliance.missing_report),
            key=lambda row: row.details.reference.upper(),
        ),
        batches=list(batches),
    )


# Exports ------------------------------------------------------------------------------------


def export_rows(
    session: Session, viewer: User, filters: Filters, as_of: date, file_format: str
) -> list[ContractRow]:
    """The contracts of a list, all of them, most urgent first, with their people counted;
    the export is audited (the caller commits)."""
    scope = scoped(viewer, filters)
    found = listed(compliance.statuses(session, as_of, scope), filters.selection)
    rows = _rows(session, scope, found, _people_counts(session, scope, as_of), all_of_scope=True)
    audit.record(
        session,
        viewer,
        "export",
        "contract",
        None,
        format=file_format,
        rows=len(rows),
        as_of=as_of.isoformat(),
        filters=asdict(filters),
    )
    return rows


def operation_options(session: Session, viewer: User) -> list[tuple[int, str]]:
    """The operations of the viewer's contracts, for the filter."""
    contracts = policy.contracts_of(viewer).subquery()
    rows = session.execute(
        sa.select(Operation.id, Operation.name)
        .where(Operation.id.in_(sa.select(contracts.c.operation_id)))
        .order_by(Operation.name, Operation.id)
    )
    return [(id_, name) for id_, name in rows]
