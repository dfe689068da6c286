"""a participant's latest month with hours

Revision ID: 7d41c2b9e8f0
Revises: 3c8d2e7f9a41
Create Date: 2026-12-01 10:30:00

Ranking candidates reads how long each person has waited since their latest month with hours;
reading it from every hour entry took longer than the whole ranking should. The column is kept
with the entries (services/hours_summary.py) and filled here from the entries already there.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d41c2b9e8f0'
down_revision = '3c8d2e7f9a41'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('participant', sa.Column('last_hours_month', sa.Date(), nullable=True))
    participant = sa.table('participant', sa.column('id'), sa.column('last_hours_month'))
    entry = sa.table(
        'hour_entry', sa.column('participant_id'), sa.column('month'), sa.column('hours')
    )
    latest = (
        sa.select(sa.func.max(entry.c.month))
        .where(entry.c.participant_id == participant.c.id, entry.c.hours > 0)
        .scalar_subquery()
    )
    op.execute(participant.update().values(last_hours_month=latest))


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch would copy the table, which
    # other tables reference, and SQLite refuses to drop it while foreign keys are on.
    op.drop_column('participant', 'last_hours_month')
