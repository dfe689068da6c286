"""What each role's home page shows.

Statuses come from compliance.statuses() over the viewer's (filtered) contracts, in the order of
rules/urgency.py; the rest is a handful of aggregate queries, the same number whatever the number
of contracts. The programme's figures are programme.py's, the exports contract_export.py's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

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
    User,
)
from clauses.rules.compliance import Compliance, Status, reporting_month
from clauses.rules.names import normalise_name
from clauses.rules.urgency import ALL, NEEDS_ACTION, STATUS_ORDER, selected, urgency_key
from clauses.services import compliance
from clauses.services.compliance import ContractStatus
from clauses.services.contract_filters import ContractFilters, scoped
from clauses.services.programme import Programme, cached_programme

LIST_LIMIT = 100  # contracts listed on the clause team's page; the export has them all
LATEST_BATCHES = 5


def listed(found: Iterable[ContractStatus], selection: str) -> list[ContractStatus]:
    """The contracts a list shows, most urgent first."""
    chosen = (s for s in found if selected(s.compliance, selection))
    return sorted(chosen, key=lambda s: urgency_key(s.compliance, s.reference))


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


def contract_rows(
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


def people_counts(session: Session, scope: sa.Select[Contract], as_of: date) -> dict[int, int]:
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
    session: Session, viewer: User, filters: ContractFilters, as_of: date, limit: int = LIST_LIMIT
) -> TeamDashboard:
    scope = scoped(viewer, filters)
    found = compliance.statuses(session, as_of, scope)
    shown = listed(found, filters.selection)
    return TeamDashboard(
        as_of=as_of,
        reporting_month=reporting_month(as_of),
        totals=totals(s.compliance for s in found),
        rows=contract_rows(session, scope, shown[:limit]),
        listed=len(shown),
        programme=cached_programme(session, viewer, filters, as_of),
        to_verify=_to_verify(session),
        selection=filters.selection,
    )


def _to_verify(session: Session) -> int:
    unchecked = Participant.eligibility_validated_on.is_(None)
    return session.scalar(sa.select(sa.func.count(Participant.id)).where(unchecked)) or 0


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
    rows = contract_rows(session, scope, found, counts, all_of_scope=True)
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
    rows = contract_rows(session, scope, found, all_of_scope=True)
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
