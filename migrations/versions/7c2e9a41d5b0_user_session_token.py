"""user session token: sessions end on logout and on a new password

Revision ID: 7c2e9a41d5b0
Revises: ebfaadaa2347
Create Date: 2026-12-01 09:30:00

Every session and remember-me cookie now carries the account's session token, which changes on
logout, on "log out everywhere" and with the password. Each existing account gets a random token
of its own; the sessions opened before the upgrade (which carry the bare account number) end:
everyone signs in once more.
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c2e9a41d5b0"
down_revision = "ebfaadaa2347"
branch_labels = None
depends_on = None

user_account = sa.table(
    "user_account", sa.column("id", sa.Integer), sa.column("session_token", sa.String)
)


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user_account.c.id)).all():
        connection.execute(
            user_account.update()
            .where(user_account.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column(
            "session_token", existing_type=sa.String(length=64), nullable=False
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_token")
