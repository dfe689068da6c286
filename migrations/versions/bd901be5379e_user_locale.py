"""user locale

Revision ID: bd901be5379e
Revises: 59400d4e3716
Create Date: 2026-12-01 04:06:49.804861

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bd901be5379e'
down_revision = '59400d4e3716'
branch_labels = None
depends_on = None


def upgrade():
    # The language a user chose with the switch; NULL (never chosen) reads as French.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=5), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_user_account_known_locale'), "locale IN ('fr', 'en')"
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_account_known_locale'), type_='check')
        batch_op.drop_column('locale')
