"""Contracts: the list in a viewer's scope, one contract's hours, creating and editing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from clauses.access import policy
from clauses.errors import AlreadyExists, InvalidValue, NotFound
from clauses.models import (
    AuditLog,
    Contract,
    HourEntry,
    Operation,
    Organisation,
    OrganisationKind,
    Participant,
    User,
)
from clauses.services import audit
from clauses.services.listing import Page, matching_all, paginate, search_terms, sorted_by

CENT = Decimal("0.01")
PARIS = ZoneInfo("Europe/Paris")
# An SIAE may hold a contract itself (reserved contracts, article L2113-13 of the code).
HOLDER_KINDS = (OrganisationKind.CONTRACTOR, OrganisationKind.SIAE)


class DuplicateReference(AlreadyExists):
    code = "duplicate_reference"

    def __init__(self, reference: str) -> None:
        super().__init__(f"Another contract already has the reference {reference!r}.", "reference")
        self.reference = reference


@dataclass(frozen=True)
class ContractFilters:
    q: str = ""
    buyer_id: int | None = None
    contractor_id: int | None = None
    trade: str = ""
    commune: str = ""


@dataclass(frozen=True)
class Listing:
    """A page of contracts with the sort actually applied (unknown keys fall back)."""

    page: Page[Contract]
    sort: str
    order: str


@dataclass(frozen=True)
class FilterOptions:
    """The values the list's filters offer, taken from the contracts the viewer sees."""

    buyers: list[tuple[int, str]]
    contractors: list[tuple[int, str]]
    trades: list[str]
    communes: list[str]


def list_contracts(
    session: Session,
    viewer: User,
    filters: ContractFilters,
    *,
    sort: str | None = None,
    order: str | None = None,
    page: int = 1,
    size: int = 25,
) -> Listing:
    operation, buyer, holder = aliased(Operation), aliased(Organisation), aliased(Organisation)
    stmt = (
        policy.contracts_of(viewer)
        .join(operation, Contract.operation_id == operation.id)
        .join(buyer, operation.buyer_id == buyer.id)
        .join(holder, Contract.contractor_id == holder.id)
        .options(selectinload(Contract.operation).selectinload(Operation.buyer))
        .options(selectinload(Contract.contractor))
    )
    terms = search_terms(filters.q)
    if terms:
        stmt = stmt.where(
            matching_all(
                terms,
                Contract.reference,
                Contract.title,
                holder.name,
                operation.name,
                Contract.commune,
                Contract.trade,
            )
        )
    if filters.buyer_id is not None:
        stmt = stmt.where(operation.buyer_id == filters.buyer_id)
    if filters.contractor_id is not None:
        stmt = stmt.where(Contract.contractor_id == filters.contractor_id)
    if filters.trade:
        stmt = stmt.where(Contract.trade == filters.trade)
    if filters.commune:
        stmt = stmt.where(Contract.commune == filters.commune)
    columns = {
        "reference": Contract.reference_key,
        "title": Contract.title,
        "buyer": buyer.name,
        "contractor": holder.name,
        "trade": Contract.trade,
        "commune": Contract.commune,
        "start": Contract.start_date,
        "end": Contract.end_date,
        "hours": Contract.committed_hours,
    }
    stmt, key, direction = sorted_by(stmt, columns, sort, order, default="reference")
    # Ties in id order, so a contract never shows on two pages nor on none.
    return Listing(paginate(session, stmt.order_by(Contract.id), page, size), key, direction)


def filter_options(session: Session, viewer: User) -> FilterOptions:
    scoped = policy.contracts_of(viewer).subquery()
    buyers = session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(
            Organisation.id.in_(
                sa.select(Operation.buyer_id).join(scoped, scoped.c.operation_id == Operation.id)
            )
        )
        .order_by(Organisation.name)
    ).all()
    contractors = session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(sa.select(scoped.c.contractor_id)))
        .order_by(Organisation.name)
    ).all()
    return FilterOptions(
        buyers=[(row.id, row.name) for row in buyers],
        contractors=[(row.id, row.name) for row in contractors],
        trades=_distinct(session, scoped.c.trade),
        communes=_distinct(session, scoped.c.commune),
    )


def _distinct(session: Session, column: Any) -> list[str]:
    return list(session.scalars(sa.select(column).where(column != "").distinct().order_by(column)))


# One contract's hours -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthHours:
    """One month of a contract: scheduled, declared, and declared split by eligibility."""

    month: date
    scheduled: Decimal | None
    hours: Decimal
    validated: Decimal
    people: int

    @property
    def pending(self) -> Decimal:
        return self.hours - self.validated


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
    months: list[MonthHours]
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


def contract_hours(
    session: Session, viewer: User, contract: Contract, as_of: date | None = None
) -> ContractHours:
    """Hours per month (with the schedule, if any), and per person for those who may see names.

    Hours count as validated when the person's eligibility was validated on or before as_of.
    """
    as_of = as_of or today()
    validated = sa.and_(
        Participant.eligibility_validated_on.is_not(None),
        Participant.eligibility_validated_on <= as_of,
    )
    rows = session.execute(
        sa.select(
            HourEntry.month,
            sa.func.sum(HourEntry.hours).label("hours"),
            sa.func.sum(sa.case((validated, HourEntry.hours), else_=0)).label("validated"),
            sa.func.count(sa.distinct(HourEntry.participant_id)).label("people"),
        )
        .join(HourEntry.participant)
        .where(HourEntry.contract_id == contract.id)
        .group_by(HourEntry.month)
    ).all()
    declared = {row.month: row for row in rows}
    scheduled = {s.month: s.hours for s in contract.schedule}
    months = [
        MonthHours(
            month=month,
            scheduled=scheduled.get(month),
            hours=hours(declared[month].hours if month in declared else 0),
            validated=hours(declared[month].validated if month in declared else 0),
            people=declared[month].people if month in declared else 0,
        )
        for month in sorted(set(declared) | set(scheduled))
    ]
    people = _people_hours(session, viewer, contract, validated)
    shows_eligibility = policy.sees_eligibility_split(viewer)
    return ContractHours(months, people, shows_eligibility)


def _people_hours(
    session: Session, viewer: User, contract: Contract, validated: sa.ColumnElement[bool]
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
            sa.func.max(sa.case((validated, 1), else_=0)).label("is_validated"),
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


def today() -> date:
    """The date in France, whatever the server's clock zone (the one place tests may mock)."""
    return datetime.now(PARIS).date()


def hours(value: object) -> Decimal:
    """A sum from the database (a float on SQLite) as hours with two decimals."""
    return Decimal(str(value or 0)).quantize(CENT)


def history(session: Session, object_type: str, object_id: int, limit: int = 20) -> list[AuditLog]:
    """The latest audit events of one record, newest first."""
    return list(
        session.scalars(
            sa.select(AuditLog)
            .options(selectinload(AuditLog.user))
            .where(AuditLog.object_type == object_type, AuditLog.object_id == str(object_id))
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(limit)
        )
    )


# Creating and editing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FormOptions:
    """What the contract form offers: operations by buyer, buyers, holders, known values."""

    operations: list[tuple[int, str, str]]  # id, name, buyer's name
    buyers: list[tuple[int, str]]
    contractors: list[tuple[int, str]]
    trades: list[str]
    communes: list[str]


def form_options(session: Session) -> FormOptions:
    operations = session.execute(
        sa.select(Operation.id, Operation.name, Organisation.name.label("buyer"))
        .join(Operation.buyer)
        .order_by(Organisation.name, Operation.name)
    ).all()
    return FormOptions(
        operations=[(row.id, row.name, row.buyer) for row in operations],
        buyers=_organisations(session, (OrganisationKind.BUYER,)),
        contractors=_organisations(session, HOLDER_KINDS),
        trades=_distinct(session, Contract.trade),
        communes=_distinct(session, Contract.commune),
    )


def _organisations(session: Session, kinds: Sequence[OrganisationKind]) -> list[tuple[int, str]]:
    rows = session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.kind.in_(kinds))
        .order_by(Organisation.name)
    ).all()
    return [(row.id, row.name) for row in rows]


@dataclass(frozen=True)
class ContractData:
    """A contract as the form (or any other caller) gives it.

    Either operation_id names an existing operation, or new_operation_name and
    new_operation_buyer_id describe one to create (or to reuse when that buyer has it already).
    """

    reference: str
    title: str
    contractor_id: int
    trade: str
    commune: str
    start_date: date
    end_date: date
    committed_hours: Decimal
    operation_id: int | None = None
    new_operation_name: str = ""
    new_operation_buyer_id: int | None = None
    amount: Decimal | None = None
    insertion_rate: Decimal | None = None


AUDITED = (
    "reference",
    "title",
    "operation",
    "contractor",
    "trade",
    "commune",
    "start_date",
    "end_date",
    "committed_hours",
    "amount",
    "insertion_rate",
)


def save_contract(
    session: Session, actor: User, data: ContractData, contract: Contract | None = None
) -> Contract:
    """Create a contract, or update the given one; audited with the fields it changed.

    Every check runs before anything is written, so a refused save leaves the session clean.
    """
    _check_terms(data)
    _check_reference_free(session, data.reference, contract)
    holder = _holder(session, data.contractor_id)
    operation = _operation(session, data) or _new_operation(session, actor, data)
    before = _snapshot(contract) if contract is not None else None
    if contract is None:
        contract = Contract()
        session.add(contract)
    contract.set_reference(data.reference)
    contract.title = data.title.strip()
    contract.operation = operation
    contract.contractor = holder
    contract.trade = data.trade.strip()
    contract.commune = data.commune.strip()
    contract.start_date, contract.end_date = data.start_date, data.end_date
    contract.committed_hours = data.committed_hours
    contract.amount, contract.insertion_rate = data.amount, data.insertion_rate
    session.flush()
    _audit(session, actor, contract, before)
    return contract


def _check_terms(data: ContractData) -> None:
    """The rules the database also enforces, checked first to say which one failed."""
    if not data.reference.strip():
        raise InvalidValue("A contract needs a reference.")
    if data.end_date < data.start_date:
        raise InvalidValue("The end date is before the start date.")
    if data.committed_hours <= 0:
        raise InvalidValue("The committed insertion hours must be more than 0.")
    if data.amount is not None and data.amount < 0:
        raise InvalidValue("The amount cannot be negative.")
    if data.insertion_rate is not None and not 0 <= data.insertion_rate <= 100:
        raise InvalidValue("The insertion rate is a percentage, from 0 to 100.")


def _check_reference_free(session: Session, reference: str, contract: Contract | None) -> None:
    stmt = sa.select(Contract.id).where(Contract.reference_key == Contract.key_of(reference))
    if contract is not None:
        stmt = stmt.where(Contract.id != contract.id)
    if session.scalar(stmt) is not None:
        raise DuplicateReference(reference.strip())


def _holder(session: Session, organisation_id: int) -> Organisation:
    holder = session.get(Organisation, organisation_id)
    if holder is None or holder.kind not in HOLDER_KINDS:
        raise NotFound("The contractor is not a known contractor organisation.")
    return holder


def _operation(session: Session, data: ContractData) -> Operation | None:
    """The existing operation the data names; None when a new one is to be made."""
    if data.new_operation_name.strip():
        buyer = session.get(Organisation, data.new_operation_buyer_id or 0)
        if buyer is None or buyer.kind is not OrganisationKind.BUYER:
            raise NotFound("A new operation needs a buyer organisation.")
        return session.scalar(
            sa.select(Operation).where(
                Operation.buyer_id == buyer.id,
                Operation.name == data.new_operation_name.strip(),
            )
        )
    operation = session.get(Operation, data.operation_id or 0)
    if operation is None:
        raise NotFound("Choose an operation, or give the name and buyer of a new one.")
    return operation


def _new_operation(session: Session, actor: User, data: ContractData) -> Operation:
    operation = Operation(
        name=data.new_operation_name.strip(),
        buyer_id=data.new_operation_buyer_id,
        commune=data.commune.strip(),
    )
    session.add(operation)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "operation",
        operation.id,
        name=operation.name,
        buyer_id=operation.buyer_id,
    )
    return operation


def _snapshot(contract: Contract) -> dict[str, Any]:
    return {
        "reference": contract.reference,
        "title": contract.title,
        "operation": contract.operation.name,
        "contractor": contract.contractor.name,
        "trade": contract.trade,
        "commune": contract.commune,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "committed_hours": contract.committed_hours,
        "amount": contract.amount,
        "insertion_rate": contract.insertion_rate,
    }


def _audit(
    session: Session, actor: User, contract: Contract, before: dict[str, Any] | None
) -> None:
    after = _snapshot(contract)
    if before is None:
        values = {key: _jsonable(after[key]) for key in AUDITED}
        audit.record(session, actor, "create", "contract", contract.id, values=values)
        return
    # Compared as values (Decimal("1200") == Decimal("1200.00")), stored as text.
    changes = {
        key: {"before": _jsonable(before[key]), "after": _jsonable(after[key])}
        for key in AUDITED
        if before[key] != after[key]
    }
    if changes:
        audit.record(
            session,
            actor,
            "update",
            "contract",
            contract.id,
            reference=contract.reference,
            changes=changes,
        )


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    return value
