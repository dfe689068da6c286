"""one committed batch per file; each entry holds its latest committed line

Revision ID: 4f5af7432bcd
Revises: bd901be5379e
Create Date: 2026-12-01 04:59:05

Imports that ran at the same time could commit the same bytes twice, and a later correction
could lose to an earlier upload (an entry holding another batch's hours than its latest
committed line's). From now on a unique index refuses a second committed batch of the same
bytes, and imports number their batches in the order of their commits (imports/commit.py).
The data already there is brought in line first:

1. Of committed batches sharing a file hash, the earliest (lowest id) is kept; each later one
   is marked rolled back (now, by nobody), with an audit event "rollback" naming the batch kept:
   its hours counted a second time. Its lines stay, as every rolled-back batch's do, and its
   bytes may be sent again.
2. Each hour entry gets the hours of its key's latest committed line, by batch id: the order
   rollbacks always used, which the batches committed from now on follow. An entry whose key
   has lines, none of them committed any more, is removed. The monthly summary is recomputed.
3. The unique index on the committed batches' hash replaces the plain index on the hash.

Downgrade only restores the plain index: the batches rolled back stay rolled back.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4f5af7432bcd"
down_revision = "bd901be5379e"
branch_labels = None
depends_on = None

COMMITTED = "state = 'committed'"

# The tables as this migration knows them, whatever the models become.
import_batch = sa.table(
    "import_batch",
    sa.column("id", sa.Integer),
    sa.column("filename", sa.String),
    sa.column("state", sa.String),
    sa.column("rolled_back_at", sa.DateTime(timezone=True)),
)
audit_log = sa.table(
    "audit_log",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("details", sa.JSON),
)

DUPLICATES = """
    SELECT later.id, later.filename, MIN(earlier.id)
    FROM import_batch later
    JOIN import_batch earlier
      ON earlier.sha256 = later.sha256 AND earlier.id < later.id AND earlier.state = 'committed'
    WHERE later.state = 'committed'
    GROUP BY later.id, later.filename
    ORDER BY later.id
"""

KEY = ("contract_id", "participant_id", "month", "employment_type")
SAME_KEY = " AND ".join(f"l.{c} = hour_entry.{c}" for c in KEY)

# Each key's latest committed line; the WHERE before ON CONFLICT is SQLite's way to tell an
# upsert from a join.
LATEST_LINES_INTO_ENTRIES = f"""
    INSERT INTO hour_entry ({", ".join(KEY)}, employment_type_text, employer, hours, batch_id,
                            updated_at)
    SELECT {", ".join(KEY)}, employment_type_text, employer, hours, batch_id, :now
    FROM (
        SELECT l.*, ROW_NUMBER() OVER (
            PARTITION BY {", ".join(f"l.{c}" for c in KEY)} ORDER BY l.batch_id DESC, l.id DESC
        ) AS newest_first
        FROM batch_line l JOIN import_batch b ON b.id = l.batch_id
        WHERE b.state = 'committed'
    ) latest
    WHERE latest.newest_first = 1
    ON CONFLICT ({", ".join(KEY)}) DO UPDATE SET
        employment_type_text = excluded.employment_type_text,
        employer = excluded.employer,
        hours = excluded.hours,
        batch_id = excluded.batch_id,
        updated_at = excluded.updated_at
    WHERE hour_entry.batch_id <> excluded.batch_id OR hour_entry.hours <> excluded.hours
"""

ENTRIES_WITHOUT_A_COMMITTED_LINE = f"""
    DELETE FROM hour_entry
    WHERE EXISTS (SELECT 1 FROM batch_line l WHERE {SAME_KEY})
      AND NOT EXISTS (
        SELECT 1 FROM batch_line l JOIN import_batch b ON b.id = l.batch_id
        WHERE b.state = 'committed' AND {SAME_KEY}
      )
"""

MONTHLY_SUMMARY = """
    INSERT INTO monthly_hours (contract_id, month, validated_hours, pending_hours)
    SELECT e.contract_id, e.month,
           SUM(CASE WHEN p.eligibility_validated_on IS NOT NULL THEN e.hours ELSE 0 END),
           SUM(CASE WHEN p.eligibility_validated_on IS NULL THEN e.hours ELSE 0 END)
    FROM hour_entry e JOIN participant p ON p.id = e.participant_id
    GROUP BY e.contract_id, e.month
"""


def upgrade():
    bind = op.get_bind()
    now = datetime.now(UTC)
    _roll_back_duplicates(bind, now)
    bind.execute(
        sa.text(LATEST_LINES_INTO_ENTRIES).bindparams(
            sa.bindparam("now", now, type_=sa.DateTime(timezone=True))
        )
    )
    bind.execute(sa.text(ENTRIES_WITHOUT_A_COMMITTED_LINE))
    bind.execute(sa.text("DELETE FROM monthly_hours"))
    bind.execute(sa.text(MONTHLY_SUMMARY))
    op.drop_index("ix_import_batch_sha256", table_name="import_batch")
    op.create_index(
        "uq_import_batch_committed_sha256",
        "import_batch",
        ["sha256"],
        unique=True,
        postgresql_where=sa.text(COMMITTED),
        sqlite_where=sa.text(COMMITTED),
    )


def _roll_back_duplicates(bind: sa.Connection, now: datetime) -> None:
    duplicates = bind.execute(sa.text(DUPLICATES)).all()
    if not duplicates:
        return
    bind.execute(
        sa.update(import_batch)
        .where(import_batch.c.id.in_([batch_id for batch_id, _, _ in duplicates]))
        .values(state="rolled_back", rolled_back_at=now)
    )
    op.bulk_insert(
        audit_log,
        [
            {
                "at": now,
                "user_id": None,
                "action": "rollback",
                "object_type": "import_batch",
                "object_id": str(batch_id),
                "details": {
                    "filename": filename,
                    "reason": "file_already_imported",
                    "kept_batch": kept,
                },
            }
            for batch_id, filename, kept in duplicates
        ],
    )


def downgrade():
    op.drop_index("uq_import_batch_committed_sha256", table_name="import_batch")
    op.create_index("ix_import_batch_sha256", "import_batch", ["sha256"], unique=False)
