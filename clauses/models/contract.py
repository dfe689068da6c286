"""Operations (a buyer's building programme) and their contracts (lots) with hour commitments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses.models.base import Base, Hours, Money, ShortText, utcnow
from clauses.models.organisation import Organisation

if TYPE_CHECKING:
    from clauses.models.hours import HourEntry


class Operation(Base):
    __tablename__ = "operation"
    __table_args__ = (sa.UniqueConstraint("buyer_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[ShortText]
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    commune: Mapped[str] = mapped_column(sa.String(120), default="")

    buyer: Mapped[Organisation] = relationship()
    contracts: Mapped[list[Contract]] = relationship(back_populates="operation")

    def __repr__(self) -> str:
        return f"<Operation {self.name!r}>"


class Contract(Base):
    """One lot of an operation, with its insertion-hours commitment."""

    __tablename__ = "contract"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="ends_after_start"),
        sa.CheckConstraint("committed_hours > 0", name="committed_hours_positive"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint(
            "insertion_rate IS NULL OR (insertion_rate >= 0 AND insertion_rate <= 100)",
            name="insertion_rate_percent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored as written; unique case-insensitively through reference_key (imports compare so).
    reference: Mapped[str] = mapped_column(sa.String(80))
    reference_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[ShortText]
    operation_id: Mapped[int] = mapped_column(sa.ForeignKey("operation.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    trade: Mapped[str] = mapped_column(sa.String(120), index=True)
    commune: Mapped[str] = mapped_column(sa.String(120), index=True)
    # The INSEE code of the site's commune (rules/communes.py); None: not found.
    commune_insee: Mapped[str | None] = mapped_column(sa.String(5))
    start_date: Mapped[date]
    end_date: Mapped[date]
    committed_hours: Mapped[Hours]
    amount: Mapped[Money | None]
    insertion_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    operation: Mapped[Operation] = relationship(back_populates="contracts")
    contractor: Mapped[Organisation] = relationship()
    schedule: Mapped[list[ScheduledHours]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ScheduledHours.month"
    )
    hour_entries: Mapped[list[HourEntry]] = relationship(back_populates="contract")

    @staticmethod
    def key_of(reference: str) -> str:
        """References are trimmed and compared case-insensitively (DESIGN.md)."""
        return reference.strip().upper()

    def set_reference(self, reference: str) -> None:
        self.reference = reference.strip()
        self.reference_key = self.key_of(reference)

    @property
    def buyer(self) -> Organisation:
        return self.operation.buyer

    def __repr__(self) -> str:
        return f"<Contract {self.reference}>"


class ScheduledHours(Base):
    """A month of a contract's optional schedule ("Échéancier"): replaces the linear curve."""

    __tablename__ = "scheduled_hours"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "month"),
        sa.CheckConstraint("hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id", ondelete="CASCADE"))
    month: Mapped[date]
    hours: Mapped[Hours]

    contract: Mapped[Contract] = relationship(back_populates="schedule")
