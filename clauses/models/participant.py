"""Programme participants and their eligibility (personal data: facilitators and admins only)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses.models.base import Base, utcnow
from clauses.models.enums import Criterion, Sex, enum_type
from clauses.models.user import User
from clauses.rules.names import name_key


class Participant(Base):
    __tablename__ = "participant"
    # One person per normalised name and birth date: that is how imports recognise people.
    __table_args__ = (
        sa.UniqueConstraint("name_key", "birth_date"),
        # A page summing a contract's entries looks up each person's validation date: read
        # from this index alone, PostgreSQL probes the people of those entries instead of
        # hashing every participant.
        sa.Index("ix_participant_id_eligibility", "id", "eligibility_validated_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(sa.String(120))
    first_name: Mapped[str] = mapped_column(sa.String(120))
    name_key: Mapped[str] = mapped_column(sa.String(250), index=True)
    birth_date: Mapped[date]
    sex: Mapped[Sex | None] = mapped_column(enum_type(Sex))
    commune: Mapped[str] = mapped_column(sa.String(120), default="")
    # The INSEE code the commune resolves to (rules/communes.py); None: not found, so the
    # distance to a site is unknown.
    commune_insee: Mapped[str | None] = mapped_column(sa.String(5))
    # How a facilitator reaches the person: never shown to contractors or buyers.
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    is_qpv: Mapped[bool] = mapped_column(default=False)
    # Criteria outside the closed list, kept as the facilitator or the file wrote them.
    other_criteria: Mapped[str] = mapped_column(sa.String(500), default="")
    # None means "to verify": hours stay pending until a facilitator validates eligibility.
    eligibility_validated_on: Mapped[date | None] = mapped_column(index=True)
    wanted_trades: Mapped[str] = mapped_column(sa.String(500), default="")
    # The latest month with hours (> 0, any contract), kept with the hour entries by
    # services/hours_summary.py: how long a candidate has waited, read without the entries.
    last_hours_month: Mapped[date | None]
    is_available: Mapped[bool] = mapped_column(default=False)
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    facilitator: Mapped[User | None] = relationship()
    criteria_rows: Mapped[list[ParticipantCriterion]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    def set_name(self, last_name: str, first_name: str) -> None:
        self.last_name = last_name.strip()
        self.first_name = first_name.strip()
        self.name_key = name_key(last_name, first_name)

    @property
    def criteria(self) -> set[Criterion]:
        return {row.criterion for row in self.criteria_rows}

    def set_criteria(self, criteria: set[Criterion]) -> None:
        kept = [row for row in self.criteria_rows if row.criterion in criteria]
        known = {row.criterion for row in kept}
        added = [ParticipantCriterion(criterion=c) for c in sorted(criteria - known)]
        self.criteria_rows = kept + added

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    def __repr__(self) -> str:
        return f"<Participant {self.full_name}>"


class ParticipantCriterion(Base):
    __tablename__ = "participant_criterion"
    __table_args__ = (sa.UniqueConstraint("participant_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[Criterion] = mapped_column(enum_type(Criterion), index=True)
