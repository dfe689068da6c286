"""Hours: import batches and their lines, the hour entries they produce, "nothing to report"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from clauses.models.base import Base, Hours, utcnow
from clauses.models.contract import Contract
from clauses.models.enums import BatchState, EmploymentType, enum_type
from clauses.models.organisation import Organisation
from clauses.models.participant import Participant
from clauses.models.user import User

COMMITTED = "state = 'committed'"


class ImportBatch(Base):
    """One uploaded file, kept as sent, with what became of each of its rows.

    Its id is given as its commit has locked the contracts it touches (imports/commit.py), so of
    two batches sharing a contract the higher id is the later commit: a key's latest line is the
    line of its highest committed batch, which its hour entry holds.
    """

    __tablename__ = "import_batch"
    __table_args__ = (
        sa.CheckConstraint(
            "rows_accepted >= 0 AND rows_rejected >= 0 AND rows_skipped >= 0", name="counts"
        ),
        # The same bytes are committed once, however many send them at once; a rolled-back
        # batch's bytes may be sent again.
        sa.Index(
            "uq_import_batch_committed_sha256",
            "sha256",
            unique=True,
            postgresql_where=sa.text(COMMITTED),
            sqlite_where=sa.text(COMMITTED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    # The original bytes, so a batch can be downloaded exactly as it was sent.
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    file_format: Mapped[str] = mapped_column(sa.String(10))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    contractor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    as_of: Mapped[date]
    state: Mapped[BatchState] = mapped_column(
        enum_type(BatchState), default=BatchState.COMMITTED, index=True
    )
    rows_accepted: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    rows_skipped: Mapped[int] = mapped_column(default=0)
    hours_accepted: Mapped[Hours] = mapped_column(default=Decimal(0))
    # Every error and warning of the file, per sheet and row, as the import reported them.
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    rolled_back_at: Mapped[datetime | None]
    rolled_back_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    contractor: Mapped[Organisation | None] = relationship()
    lines: Mapped[list[BatchLine]] = relationship(back_populates="batch")


class BatchLine(Base):
    """An accepted row of a batch: never deleted, so a rollback can restore what came before."""

    __tablename__ = "batch_line"
    __table_args__ = (
        sa.CheckConstraint("hours >= 0", name="hours_not_negative"),
        sa.Index("ix_batch_line_key", "contract_id", "participant_id", "month", "employment_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batch.id"), index=True)
    sheet: Mapped[str] = mapped_column(sa.String(120))
    row: Mapped[int]
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"), index=True)
    month: Mapped[date]
    employment_type: Mapped[EmploymentType] = mapped_column(enum_type(EmploymentType))
    employment_type_text: Mapped[str] = mapped_column(sa.String(120), default="")
    employer: Mapped[str] = mapped_column(sa.String(200), default="")
    hours: Mapped[Hours]

    batch: Mapped[ImportBatch] = relationship(back_populates="lines")


class HourEntry(Base):
    """The hours of one key, taken from the latest committed batch line of that key."""

    __tablename__ = "hour_entry"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "participant_id", "month", "employment_type"),
        sa.CheckConstraint("hours >= 0", name="hours_not_negative"),
        sa.Index("ix_hour_entry_contract_month", "contract_id", "month"),
        # Indexes the foreign key, and holds all that status reads of the entries of a few
        # people (those validated after the as-of date), so it never visits the table.
        sa.Index(
            "ix_hour_entry_participant_hours", "participant_id", "contract_id", "month", "hours"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"))
    month: Mapped[date]
    employment_type: Mapped[EmploymentType] = mapped_column(enum_type(EmploymentType))
    employment_type_text: Mapped[str] = mapped_column(sa.String(120), default="")
    employer: Mapped[str] = mapped_column(sa.String(200), default="")
    hours: Mapped[Hours]
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batch.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="hour_entries")
    participant: Mapped[Participant] = relationship()
    batch: Mapped[ImportBatch] = relationship()


class NoHoursDeclaration(Base):
    """A contractor's "nothing to report" for a month (a 0-hour row is not one)."""

    __tablename__ = "no_hours_declaration"
    __table_args__ = (sa.UniqueConstraint("contract_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"))
    month: Mapped[date]
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonthlyHours(Base):
    """Hours per contract and month, split by the participants' eligibility as it stands now:
    what status pages read instead of every hour entry. Refreshed in the same transaction as
    each import, rollback and change of eligibility (services/hours_summary.py)."""

    __tablename__ = "monthly_hours"
    __table_args__ = (
        sa.CheckConstraint(
            "validated_hours >= 0 AND pending_hours >= 0", name="hours_not_negative"
        ),
    )

    contract_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(primary_key=True)
    validated_hours: Mapped[Hours]
    pending_hours: Mapped[Hours]
