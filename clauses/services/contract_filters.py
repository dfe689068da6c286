"""What a contract list is narrowed to, for the contracts page and the home page alike: one
builder of the viewer's filtered contracts, and the values its filters offer."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.access import policy
from clauses.models import Contract, Operation, Organisation, User
from clauses.rules.urgency import ALL
from clauses.services.listing import contains, search_terms


@dataclass(frozen=True)
class ContractFilters:
    q: str = ""
    buyer_id: int | None = None
    operation_id: int | None = None
    contractor_id: int | None = None
    trade: str = ""
    commune: str = ""
    # One of rules.urgency.SELECTIONS: it needs the statuses, so the caller applies it.
    selection: str = ALL


def scoped(viewer: User, filters: ContractFilters) -> sa.Select[Contract]:
    """The viewer's contracts narrowed by every filter but the selection. The search looks for
    each word in the reference, title, commune, trade, contractor's and operation's names."""
    stmt = policy.contracts_of(viewer).where(*(_matching(term) for term in search_terms(filters.q)))
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


def _matching(term: str) -> sa.ColumnElement[bool]:
    named = (Contract.reference, Contract.title, Contract.commune, Contract.trade)
    holders = sa.select(Organisation.id).where(contains(Organisation.name, term))
    operations = sa.select(Operation.id).where(contains(Operation.name, term))
    return sa.or_(
        *(contains(column, term) for column in named),
        Contract.contractor_id.in_(holders),
        Contract.operation_id.in_(operations),
    )


@dataclass(frozen=True)
class ContractFilterOptions:
    """The values the filters offer, taken from the contracts the viewer sees."""

    buyers: list[tuple[int, str]]
    operations: list[tuple[int, str]]
    contractors: list[tuple[int, str]]
    trades: list[str]
    communes: list[str]


def filter_options(session: Session, viewer: User) -> ContractFilterOptions:
    seen = policy.contracts_of(viewer).subquery()
    buyers = sa.select(Operation.buyer_id).join(seen, seen.c.operation_id == Operation.id)
    return ContractFilterOptions(
        buyers=_named(session, Organisation, Organisation.id.in_(buyers)),
        operations=_named(session, Operation, Operation.id.in_(sa.select(seen.c.operation_id))),
        contractors=_named(
            session, Organisation, Organisation.id.in_(sa.select(seen.c.contractor_id))
        ),
        trades=distinct_values(session, seen.c.trade),
        communes=distinct_values(session, seen.c.commune),
    )


def _named(
    session: Session, model: type[Organisation] | type[Operation], where: sa.ColumnElement[bool]
) -> list[tuple[int, str]]:
    rows = session.execute(
        sa.select(model.id, model.name).where(where).order_by(model.name, model.id)
    )
    return [(id_, name) for id_, name in rows]


def distinct_values(session: Session, column: Any) -> list[str]:
    """The non-empty values of a column, once each, in order."""
    return list(session.scalars(sa.select(column).where(column != "").distinct().order_by(column)))
