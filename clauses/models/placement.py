"""Directing people to sites: contractors' job offers, placements (mises en relation) followed
to the hire, and each person's situation after a site (outcomes)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses.models.base import Base, utcnow
from clauses.models.contract import Contract
from clauses.models.enums import EmploymentType, OutcomeKind, PlacementState, enum_type
from clauses.models.participant import Participant
from clauses.models.user import User


class JobOffer(Base):
    """An insertion job a contractor declares on one of its contracts: open until its places
    are filled by hires or it is closed."""

    __tablename__ = "job_offer"
    __table_args__ = (
        sa.CheckConstraint("places > 0", name="places_positive"),
        sa.CheckConstraint("duration_months > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), index=True)
    trade: Mapped[str] = mapped_column(sa.String(120))
    start_date: Mapped[date]
    duration_months: Mapped[int]
    places: Mapped[int]
    contact: Mapped[str] = mapped_column(sa.String(300))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    contract: Mapped[Contract] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<JobOffer {self.id} on contract {self.contract_id}>"


class Placement(Base):
    """A person proposed by a facilitator to a contract (or one of its job offers), followed
    state by state; a hire carries its employment type, start and optional end."""

    __tablename__ = "placement"
    __table_args__ = (
        sa.Index("ix_placement_participant_state", "participant_id", "state"),
        sa.Index("ix_placement_contract_state", "contract_id", "state"),
        sa.CheckConstraint(
            "end_date IS NULL OR hire_date IS NULL OR end_date >= hire_date",
            name="ends_after_hire",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"))
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    job_offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job_offer.id"), index=True)
    state: Mapped[PlacementState] = mapped_column(enum_type(PlacementState))
    # The date of the current state (the day it was proposed, hired, refused...).
    state_on: Mapped[date]
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    interview_on: Mapped[date | None]
    employment_type: Mapped[EmploymentType | None] = mapped_column(enum_type(EmploymentType))
    hire_date: Mapped[date | None]
    end_date: Mapped[date | None]
    refusal_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship()
    contract: Mapped[Contract] = relationship()
    job_offer: Mapped[JobOffer | None] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    events: Mapped[list[PlacementEvent]] = relationship(
        back_populates="placement",
        cascade="all, delete-orphan",
        order_by="PlacementEvent.id",
    )

    def move_to(self, state: PlacementState, on: date, by: User | None, note: str = "") -> None:
        """The new state, dated, kept in the placement's history. Whether the move is allowed
        is the caller's rule (rules/placements.py); a follow-up sheet may say any state."""
        self.state = state
        self.state_on = on
        self.events.append(PlacementEvent(state=state, state_on=on, user=by, note=note))

    def __repr__(self) -> str:
        return f"<Placement {self.participant_id} → {self.contract_id} {self.state}>"


class PlacementEvent(Base):
    """One dated change of a placement's state, as shown on the person's and contract's pages."""

    __tablename__ = "placement_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[PlacementState] = mapped_column(enum_type(PlacementState))
    state_on: Mapped[date]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(1000), default="")

    placement: Mapped[Placement] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class Outcome(Base):
    """A person's situation after a site, dated: one per person and date (a later record of
    the same date replaces it)."""

    __tablename__ = "outcome"
    __table_args__ = (sa.UniqueConstraint("participant_id", "dated"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"), index=True)
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind))
    dated: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship()
    recorded_by: Mapped[User | None] = relationship()
