"""resolve the communes of the participants and contracts already there

Revision ID: 3c8d2e7f9a41
Revises: 7c2e9a41d5b0
Create Date: 2026-12-01 09:30:00

Data only: each participant's commune of residence and each contract's site commune resolved
through the communes table that ships with the code (clauses/data/), as the imports and forms
now do when a commune is set; a commune not found stays NULL (its distance is unknown). The
programme's départements decide between homonyms: the setting if an admin saved one, else the
default list.
"""
from alembic import op
import sqlalchemy as sa

from clauses.rules.communes import DEFAULT_DEPARTMENTS
from clauses.services.communes import DEPARTMENTS_KEY, parse_departments, table


# revision identifiers, used by Alembic.
revision = '3c8d2e7f9a41'
down_revision = '7c2e9a41d5b0'
branch_labels = None
depends_on = None

TABLES = ("participant", "contract")


def upgrade():
    connection = op.get_bind()
    setting = sa.table("setting", sa.column("key"), sa.column("value"))
    saved = connection.execute(
        sa.select(setting.c.value).where(setting.c.key == DEPARTMENTS_KEY)
    ).scalar()
    departments = parse_departments(saved) if saved else DEFAULT_DEPARTMENTS
    communes = table()
    for name in TABLES:
        rows = sa.table(name, sa.column("id"), sa.column("commune"), sa.column("commune_insee"))
        updates = []
        for id_, commune in connection.execute(sa.select(rows.c.id, rows.c.commune)):
            found = communes.resolve(commune or "", departments)
            if found is not None:
                updates.append({"row_id": id_, "insee": found.insee})
        if updates:
            connection.execute(
                rows.update()
                .where(rows.c.id == sa.bindparam("row_id"))
                .values(commune_insee=sa.bindparam("insee")),
                updates,
            )


def downgrade():
    for name in TABLES:
        rows = sa.table(name, sa.column("commune_insee"))
        op.get_bind().execute(rows.update().values(commune_insee=None))
