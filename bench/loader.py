"""Bulk loading of generated rows, fast: COPY on PostgreSQL (foreign-key triggers off for the
session: generated rows are consistent by construction), one executemany per table on SQLite
(journal in memory).

Each row is a dict keyed by the columns of a model's table, and the columns come from the table
itself: a column the model gains takes its default (or NULL), a name it does not have is an
error, so the benchmarks never restate the schema.
"""

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from itertools import chain
from typing import Any, cast

import sqlalchemy as sa

Rows = Iterable[Mapping[str, Any]]
Convert = Callable[[Any], Any]


def load(url: str, tables: list[tuple[sa.Table, Rows]]) -> dict[str, int]:
    """Insert every table's rows, in order; the number of rows of each table."""
    if url.startswith("postgresql"):
        return _copy_pg(url, tables)
    return _insert_sqlite(url, tables)


def _tuples(
    table: sa.Table, rows: Rows, sqlite: bool
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The table's column names, and each row as a tuple in their order (defaults filled in)."""
    rest = iter(rows)
    first = next(rest, None)
    if first is None:
        return [], iter(())
    unknown = set(first) - set(table.columns.keys())
    if unknown:
        raise SystemExit(f"{table.name} has no column {', '.join(sorted(unknown))}")
    columns = [column for column in table.columns if column.name in first or _filled(column)]
    names = [column.name for column in columns]
    defaults = {c.name: _default(c) for c in columns if c.name not in first}
    converters = [(i, _converter(c, sqlite)) for i, c in enumerate(columns)]
    converting = [(i, convert) for i, convert in converters if convert is not None]

    def produce() -> Iterator[tuple[Any, ...]]:
        for row in chain((first,), rest):
            full = {**defaults, **row} if defaults else row
            values = [full[name] for name in names]
            for i, convert in converting:
                values[i] = convert(values[i])
            yield tuple(values)

    return names, produce()


def _filled(column: sa.Column[Any]) -> bool:
    """A column the rows leave out gets its default; an identity or a nullable one is left."""
    if column.default is not None:
        return True
    if column.primary_key or column.nullable:
        return False
    raise SystemExit(f"the rows of {column.table.name} need a value for {column.name}")


def _default(column: sa.Column[Any]) -> Any:
    default = cast(sa.ColumnDefault, column.default)  # _filled kept only columns with one
    return default.arg(None) if default.is_callable else default.arg


def _converter(column: sa.Column[Any], sqlite: bool) -> Convert | None:
    if isinstance(column.type, sa.JSON):
        return _json
    if sqlite and isinstance(column.type, sa.Date | sa.DateTime | sa.Numeric):
        return _text
    return None


def _json(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else json.dumps(value)


def _text(value: Any) -> Any:
    """Dates, times and numbers as SQLAlchemy writes them on SQLite."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat() if isinstance(value, date) else str(value)


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _copy_pg(url: str, tables: list[tuple[sa.Table, Rows]]) -> dict[str, int]:
    import psycopg

    counts = {}
    with psycopg.connect(_psycopg_url(url)) as conn, conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
        # The rows are consistent by construction: no foreign-key trigger per row.
        cur.execute("SET session_replication_role = replica")
        for table, rows in tables:
            names, values = _tuples(table, rows, sqlite=False)
            n = 0
            if names:
                with cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                        n += 1
            counts[table.name] = n
            if n and "id" in names:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
    return counts


def _insert_sqlite(url: str, tables: list[tuple[sa.Table, Rows]]) -> dict[str, int]:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    counts = {}
    for table, rows in tables:
        names, values = _tuples(table, rows, sqlite=True)
        counts[table.name] = 0
        if names:
            marks = ", ".join("?" * len(names))
            statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
            counts[table.name] = conn.executemany(statement, values).rowcount
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return counts


def pg_autocommit(url: str, statements: list[str]) -> None:
    import psycopg

    with psycopg.connect(_psycopg_url(url), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)
