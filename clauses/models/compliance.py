"""What the compliance follow-up records: reminders sent and the settings an admin may change."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses.models.base import Base, utcnow
from clauses.models.contract import Contract
from clauses.models.user import User


class Reminder(Base):
    """An e-mail asking a contractor for a missing monthly report, as it was sent (or not)."""

    __tablename__ = "reminder"
    __table_args__ = (sa.Index("ix_reminder_contract_month", "contract_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    month: Mapped[date]  # the reporting month whose report is missing
    recipient: Mapped[str] = mapped_column(sa.String(254))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    is_sent: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str] = mapped_column(sa.String(500), default="")

    contract: Mapped[Contract] = relationship()
    sent_by: Mapped[User | None] = relationship()


class Setting(Base):
    """A setting an admin changes in the UI (e.g. the compliance thresholds), kept as text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
