"""Job offers: the insertion jobs contractors declare on their contracts. An offer is open until
it is closed, or until as many people are hired on it as it has places (rules/job_offers.py).
Declaring and closing are audited; the caller commits."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from clauses import clock
from clauses.access import policy
from clauses.errors import JobOfferInvalid, JobOfferNotOpen
from clauses.models import Contract, JobOffer, Operation, Placement, User
from clauses.rules.job_offers import FILLING_STATES, OfferState, offer_state, places_left
from clauses.services import audit
from clauses.services.listing import Page

MAX_PLACES = 100
MAX_MONTHS = 120


@dataclass(frozen=True)
class JobOfferData:
    trade: str
    start_date: date
    duration_months: int
    places: int
    contact: str


@dataclass(frozen=True)
class OfferRow:
    """An offer with the hires made on it, and what that makes of it."""

    offer: JobOffer
    hires: int

    @property
    def state(self) -> OfferState:
        return offer_state(self.offer.closed_at, self.offer.places, self.hires)

    @property
    def places_left(self) -> int:
        return places_left(self.offer.places, self.hires) if self.is_open else 0

    @property
    def is_open(self) -> bool:
        return self.state is OfferState.OPEN


def declare(session: Session, actor: User, contract: Contract, data: JobOfferData) -> JobOffer:
    """A new open offer on the contract (whose scope the caller checked)."""
    _check(data)
    offer = JobOffer(
        contract=contract,
        trade=data.trade.strip(),
        start_date=data.start_date,
        duration_months=data.duration_months,
        places=data.places,
        contact=data.contact.strip(),
        created_by_id=actor.id,
    )
    session.add(offer)
    session.flush()
    audit.record(
        session,
        actor,
        "declare_job_offer",
        "job_offer",
        offer.id,
        reference=contract.reference,
        trade=offer.trade,
        start_date=offer.start_date.isoformat(),
        duration_months=offer.duration_months,
        places=offer.places,
    )
    return offer


def _check(data: JobOfferData) -> None:
    if not data.trade.strip() or not data.contact.strip():
        raise JobOfferInvalid(field="trade" if not data.trade.strip() else "contact")
    if not 1 <= data.places <= MAX_PLACES:
        raise JobOfferInvalid(field="places")
    if not 1 <= data.duration_months <= MAX_MONTHS:
        raise JobOfferInvalid(field="duration_months")


def close(session: Session, actor: User, offer: JobOffer, now: datetime | None = None) -> None:
    """Close an open offer (filled or closed already: JobOfferNotOpen)."""
    if hires_of(session, [offer.id]).get(offer.id, 0) >= offer.places or offer.closed_at:
        raise JobOfferNotOpen()
    offer.closed_at = now or clock.now()
    offer.closed_by_id = actor.id
    session.flush()
    audit.record(
        session, actor, "close_job_offer", "job_offer", offer.id, reference=offer.contract.reference
    )


def hires_of(session: Session, offer_ids: Sequence[int]) -> dict[int, int]:
    """How many people were hired on each offer (hires since ended included)."""
    if not offer_ids:
        return {}
    rows = session.execute(
        sa.select(Placement.job_offer_id, sa.func.count())
        .where(Placement.job_offer_id.in_(offer_ids), Placement.state.in_(FILLING_STATES))
        .group_by(Placement.job_offer_id)
    )
    return {offer_id: count for offer_id, count in rows if offer_id is not None}


def offers_on(session: Session, viewer: User, contract: Contract) -> list[OfferRow]:
    """The contract's offers the viewer may see, newest first."""
    offers = list(
        session.scalars(
            policy.job_offers_of(viewer)
            .where(JobOffer.contract_id == contract.id)
            .order_by(JobOffer.created_at.desc(), JobOffer.id.desc())
        )
    )
    return _rows(session, offers)


def _rows(session: Session, offers: Sequence[JobOffer]) -> list[OfferRow]:
    hires = hires_of(session, [offer.id for offer in offers])
    return [OfferRow(offer, hires.get(offer.id, 0)) for offer in offers]


def open_offer(session: Session, viewer: User, offer_id: int, contract: Contract) -> JobOffer:
    """The viewer's offer of this contract that is still open, else JobOfferNotOpen."""
    offer = session.scalar(
        policy.job_offers_of(viewer).where(
            JobOffer.id == offer_id, JobOffer.contract_id == contract.id
        )
    )
    if offer is None or not _rows(session, [offer])[0].is_open:
        raise JobOfferNotOpen()
    return offer


def _hire_counts() -> sa.Subquery:
    return (
        sa.select(Placement.job_offer_id, sa.func.count().label("hires"))
        .where(Placement.state.in_(FILLING_STATES), Placement.job_offer_id.is_not(None))
        .group_by(Placement.job_offer_id)
        .subquery()
    )


def open_offers(session: Session, viewer: User, number: int, size: int) -> Page[OfferRow]:
    """The open offers the viewer sees, those starting soonest first, with their contracts."""
    hires = _hire_counts()
    stmt = (
        policy.job_offers_of(viewer)
        .outerjoin(hires, hires.c.job_offer_id == JobOffer.id)
        .where(JobOffer.closed_at.is_(None), sa.func.coalesce(hires.c.hires, 0) < JobOffer.places)
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    number = max(1, number)
    offers = session.scalars(
        stmt.options(
            selectinload(JobOffer.contract).selectinload(Contract.contractor),
            selectinload(JobOffer.contract)
            .selectinload(Contract.operation)
            .selectinload(Operation.buyer),
        )
        .order_by(JobOffer.start_date, JobOffer.id)
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    return Page(_rows(session, offers), number, size, total)


def open_rows(
    session: Session,
    viewer: User,
    contract_ids: Sequence[int] | None = None,
    running_on: date | None = None,
) -> list[OfferRow]:
    """The open offers the viewer sees, soonest start first: of these contracts, or of every
    contract still running on `running_on`."""
    stmt = policy.job_offers_of(viewer).where(JobOffer.closed_at.is_(None))
    if contract_ids is not None:
        stmt = stmt.where(JobOffer.contract_id.in_(contract_ids))
    if running_on is not None:
        stmt = stmt.join(JobOffer.contract).where(Contract.end_date >= running_on)
    offers = session.scalars(stmt.order_by(JobOffer.start_date, JobOffer.id)).all()
    return [row for row in _rows(session, offers) if row.is_open]
