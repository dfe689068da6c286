"""The database as a whole: whether it answers, whether its schema is the code's."""

from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory


def reachable(engine: sa.Engine) -> bool:
    """Whether a new connection runs SELECT 1 (the pool checks its connections before use)."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError:
        return False
    return True


def schema_revision(connection: sa.Connection) -> str | None:
    """The migration the database is at; None for a database never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def migrations_head(migrations: Path) -> str | None:
    """The latest migration of the code."""
    return ScriptDirectory(str(migrations)).get_current_head()
