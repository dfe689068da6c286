"""The list of hour sheets sent (import batches) in a viewer's scope: search, filters, and the
contracts each one covers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from clauses.access import policy
from clauses.models import BatchLine, BatchState, Contract, ImportBatch, Organisation, User
from clauses.services.listing import Listing, matching_all, search_terms, sorted_page


@dataclass(frozen=True)
class BatchFilters:
    q: str = ""
    contractor_id: int | None = None
    contract_id: int | None = None
    state: BatchState | None = None


@dataclass(frozen=True)
class BatchFilterOptions:
    contractors: list[tuple[int, str]]
    contracts: list[tuple[int, str]]


def list_batches(
    session: Session,
    viewer: User,
    filters: BatchFilters,
    *,
    sort: str | None = None,
    order: str | None = None,
    page: int = 1,
    size: int = 25,
) -> Listing[ImportBatch]:
    """The newest first by default. A contract filter outside the viewer's contracts finds
    nothing, as the scope would: it never tells that the contract exists."""
    stmt = (
        policy.batches_of(viewer)
        .outerjoin(ImportBatch.contractor)
        .options(selectinload(ImportBatch.contractor), selectinload(ImportBatch.uploaded_by))
        .where(*_conditions(filters))
    )
    terms = search_terms(filters.q)
    if terms:
        stmt = stmt.where(matching_all(terms, ImportBatch.filename, Organisation.name))
    columns: dict[str, Any] = {
        "sent": ImportBatch.uploaded_at,
        "file": ImportBatch.filename,
        "contractor": Organisation.name,
        "hours": ImportBatch.hours_accepted,
    }
    return sorted_page(
        session,
        stmt,
        columns,
        default="sent",
        sort=sort,
        order=order or ("desc" if sort is None else None),
        page=page,
        size=size,
    )


def _conditions(f: BatchFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if f.contractor_id is not None:
        conditions.append(ImportBatch.contractor_id == f.contractor_id)
    if f.contract_id is not None:
        lines = sa.select(BatchLine.batch_id).where(BatchLine.contract_id == f.contract_id)
        conditions.append(ImportBatch.id.in_(lines))
    if f.state is not None:
        conditions.append(ImportBatch.state == f.state)
    return conditions


def filter_options(session: Session, viewer: User) -> BatchFilterOptions:
    """The contracts of the viewer's scope; the contractors for those who see several."""
    contracts = policy.contracts_of(viewer).with_only_columns(Contract.id, Contract.reference)
    contractors: list[tuple[int, str]] = []
    if policy.lists_contractors(viewer):
        holders = sa.select(Organisation.id, Organisation.name).where(
            Organisation.id.in_(sa.select(ImportBatch.contractor_id))
        )
        contractors = [(i, n) for i, n in session.execute(holders.order_by(Organisation.name))]
    return BatchFilterOptions(
        contractors=contractors,
        contracts=[(i, r) for i, r in session.execute(contracts.order_by(Contract.reference))],
    )


def contracts_covered(session: Session, batches: Sequence[ImportBatch]) -> dict[int, list[str]]:
    """Each batch's contracts (the references of its accepted rows), in one query."""
    stmt = (
        sa.select(BatchLine.batch_id, Contract.reference)
        .join(Contract, Contract.id == BatchLine.contract_id)
        .where(BatchLine.batch_id.in_([batch.id for batch in batches]))
        .distinct()
        .order_by(BatchLine.batch_id, Contract.reference)
    )
    covered: dict[int, list[str]] = defaultdict(list)
    for batch_id, reference in session.execute(stmt):
        covered[batch_id].append(reference)
    return covered
