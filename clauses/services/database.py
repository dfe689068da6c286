"""The database as a whole: whether it answers, whether its schema is the code's."""

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from clauses.config import bundled


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


def migrations() -> ScriptDirectory:
    return ScriptDirectory(str(bundled("migrations")))


@cache  # the code's migrations do not change while it runs
def migrations_head() -> str | None:
    """The latest migration of the code."""
    return migrations().get_current_head()


@dataclass(frozen=True)
class Health:
    database: str  # "ok" or "unreachable"
    migrations: str  # "ok", "outdated" (not the code's head) or "unknown" (no database)

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.migrations == "ok"


def health(engine: sa.Engine) -> Health:
    """What a load balancer asks: the database answers, and its schema is the code's."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            revision = schema_revision(connection)
    except sa.exc.DBAPIError:
        return Health(database="unreachable", migrations="unknown")
    return Health("ok", "ok" if revision == migrations_head() else "outdated")
