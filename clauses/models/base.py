"""Declarative base with one naming convention, so every constraint has a stable name."""

from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Hours with two decimals: "49h30" is 49.50; a month never exceeds 208 hours, a contract a million.
Hours = Annotated[Decimal, mapped_column(sa.Numeric(10, 2))]
Money = Annotated[Decimal, mapped_column(sa.Numeric(14, 2))]
ShortText = Annotated[str, mapped_column(sa.String(200))]


# True while a transaction that will write begins (imports/commit.py, begin_writing): SQLite then
# takes its write lock at once, waiting for another writer to finish (extensions.py). A
# transaction that has read first cannot wait: SQLite refuses its first write at once with
# "database is locked".
BEGINS_WRITING: ContextVar[bool] = ContextVar("begins_writing", default=False)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: sa.DateTime(timezone=True)},
    )
