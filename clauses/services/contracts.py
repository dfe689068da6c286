"""Contracts: the list in a viewer's scope with their statuses, creating and editing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, contains_eager

from clauses.errors import (
    AmountNegative,
    CommittedHoursNotPositive,
    ContractorUnknown,
    DatesReversed,
    DuplicateReference,
    InsertionRateOutOfRange,
    OperationBuyerMissing,
    OperationMissing,
    ReferenceMissing,
)
from clauses.models import Contract, Operation, Organisation, OrganisationKind, User
from clauses.rules.compliance import Compliance
from clauses.rules.urgency import ALL, selected
from clauses.services import audit, communes, compliance
from clauses.services.contract_filters import ContractFilters, distinct_values, scoped
from clauses.services.listing import Listing, sorted_page

CENT = Decimal("0.01")
# An SIAE may hold a contract itself (reserved contracts, article L2113-13 of the code).
HOLDER_KINDS = (OrganisationKind.CONTRACTOR, OrganisationKind.SIAE)


@dataclass(frozen=True)
class ContractList:
    """A page of contracts, and the status of each on the page as the home page shows it."""

    listing: Listing[Contract]
    statuses: dict[int, Compliance]


SORTS = ("reference", "title", "buyer", "contractor", "trade", "commune", "start", "end", "hours")


def list_contracts(
    session: Session,
    viewer: User,
    filters: ContractFilters,
    as_of: date,
    *,
    sort: str | None = None,
    order: str | None = None,
    page: int = 1,
    size: int = 25,
) -> ContractList:
    """The viewer's contracts as filtered, a page of them sorted, with their statuses at
    `as_of`: a status filter reads every status of the scope (a few aggregate queries), the
    page alone reads its own."""
    scope = scoped(viewer, filters)
    found = None
    if filters.selection != ALL:
        found = compliance.statuses(session, as_of, scope)
        chosen = [s.contract_id for s in found if selected(s.compliance, filters.selection)]
        scope = scope.where(Contract.id.in_(chosen))
    operation, buyer, holder = aliased(Operation), aliased(Organisation), aliased(Organisation)
    stmt = (
        scope.join(operation, Contract.operation_id == operation.id)
        .join(buyer, operation.buyer_id == buyer.id)
        .join(holder, Contract.contractor_id == holder.id)
        # The sort's joins load the names too: no query per page for them.
        .options(
            contains_eager(Contract.operation.of_type(operation)).contains_eager(
                operation.buyer.of_type(buyer)
            ),
            contains_eager(Contract.contractor.of_type(holder)),
        )
    )
    columns = dict(
        zip(
            SORTS,
            (Contract.reference_key, Contract.title, buyer.name, holder.name, Contract.trade,
             Contract.commune, Contract.start_date, Contract.end_date, Contract.committed_hours),
            strict=True,
        )
    )  # fmt: skip
    listing = sorted_page(
        session, stmt, columns, default="reference", sort=sort, order=order, page=page, size=size
    )
    ids = [contract.id for contract in listing.page.items]
    if found is None:
        found = compliance.statuses(session, as_of, sa.select(Contract).where(Contract.id.in_(ids)))
    return ContractList(listing, {s.contract_id: s.compliance for s in found})


def hours(value: object) -> Decimal:
    """A sum from the database (a float on SQLite) as hours with two decimals."""
    return Decimal(str(value or 0)).quantize(CENT)


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
        trades=distinct_values(session, Contract.trade),
        communes=distinct_values(session, Contract.commune),
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
    insee = communes.resolver(session).insee(data.commune)
    if contract is None:
        contract = Contract()
        session.add(contract)
    contract.set_reference(data.reference)
    contract.title = data.title.strip()
    contract.operation = operation
    contract.contractor = holder
    contract.trade = data.trade.strip()
    contract.commune = data.commune.strip()
    contract.commune_insee = insee
    contract.start_date, contract.end_date = data.start_date, data.end_date
    contract.committed_hours = data.committed_hours
    contract.amount, contract.insertion_rate = data.amount, data.insertion_rate
    session.flush()
    _audit(session, actor, contract, before)
    return contract


def _check_terms(data: ContractData) -> None:
    """The rules the database also enforces, checked first to say which one failed."""
    if not data.reference.strip():
        raise ReferenceMissing(field="reference")
    if data.end_date < data.start_date:
        raise DatesReversed(field="end_date")
    if data.committed_hours <= 0:
        raise CommittedHoursNotPositive(field="committed_hours")
    if data.amount is not None and data.amount < 0:
        raise AmountNegative(field="amount")
    if data.insertion_rate is not None and not 0 <= data.insertion_rate <= 100:
        raise InsertionRateOutOfRange(field="insertion_rate")


def _check_reference_free(session: Session, reference: str, contract: Contract | None) -> None:
    stmt = sa.select(Contract.id).where(Contract.reference_key == Contract.key_of(reference))
    if contract is not None:
        stmt = stmt.where(Contract.id != contract.id)
    if session.scalar(stmt) is not None:
        raise DuplicateReference(field="reference", reference=reference.strip())


def _holder(session: Session, organisation_id: int) -> Organisation:
    holder = session.get(Organisation, organisation_id)
    if holder is None or holder.kind not in HOLDER_KINDS:
        raise ContractorUnknown()
    return holder


def _operation(session: Session, data: ContractData) -> Operation | None:
    """The existing operation the data names; None when a new one is to be made."""
    if data.new_operation_name.strip():
        buyer = session.get(Organisation, data.new_operation_buyer_id or 0)
        if buyer is None or buyer.kind is not OrganisationKind.BUYER:
            raise OperationBuyerMissing()
        return session.scalar(
            sa.select(Operation).where(
                Operation.buyer_id == buyer.id,
                Operation.name == data.new_operation_name.strip(),
            )
        )
    operation = session.get(Operation, data.operation_id or 0)
    if operation is None:
        raise OperationMissing()
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
    """What the audit keeps of a contract, as JSON values: Decimal("1200") and
    Decimal("1200.00") are the same "1200.00"."""
    values = {
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
    return {key: _jsonable(value) for key, value in values.items()}


def _audit(
    session: Session, actor: User, contract: Contract, before: dict[str, Any] | None
) -> None:
    after = _snapshot(contract)
    if before is None:
        audit.record(session, actor, "create", "contract", contract.id, after=after)
    else:
        reference = contract.reference
        audit.record_update(
            session, actor, "contract", contract.id, before, after, reference=reference
        )


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    return value
