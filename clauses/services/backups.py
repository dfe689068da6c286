"""Backup and restore of the whole database: SQLite through its online backup API (a consistent
copy while the app runs), PostgreSQL through pg_dump and pg_restore (pg_dump's custom format).

A backup is a plain file of its kind, a SQLite database or a pg_dump archive, that the database's
own tools read too. A restore replaces everything: it refuses a database that holds data unless
forced, and a backup made by a newer code (a migration this code does not know); the caller
upgrades an older one after restoring it.
"""

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.errors import (
    BackupFromNewerCode,
    BackupNotWritten,
    BackupToolFailed,
    BackupToolMissing,
    NotABackup,
    RestoreOverData,
)
from clauses.models import User
from clauses.services import audit, database

# A file's first bytes say what it is.
MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Where Debian and Ubuntu install PostgreSQL's tools when they are not on the PATH.
PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class Restored:
    revision: str  # the backup's migration
    upgrade_needed: bool  # older than the code's: the caller upgrades the schema


def backup(engine: sa.Engine, target: Path) -> None:
    """Write the whole database to target, which is replaced only once the copy is complete."""
    with _partial(target) as partial:
        if engine.dialect.name == "sqlite":
            _sqlite_copy(engine, partial)
        else:
            _run("pg_dump", ["--format=custom", f"--file={partial}"], engine.url)


def restore(engine: sa.Engine, source: Path, *, force: bool) -> Restored:
    """Replace the whole database with the backup's content."""
    kind = engine.dialect.name
    revision = _sqlite_revision(source) if kind == "sqlite" else _pg_revision(source)
    if revision not in {script.revision for script in database.migrations().walk_revisions()}:
        raise BackupFromNewerCode(revision=revision)
    if not force and holds_data(engine):
        raise RestoreOverData()
    if kind == "sqlite":
        _sqlite_restore(source, engine)
    else:
        _drop_tables(engine)  # those a newer schema added too, which the archive does not name
        pg_restore = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        _run("pg_restore", [*pg_restore, str(source)], engine.url)
    engine.dispose()  # no connection keeps what it knew of the replaced database
    return Restored(revision, upgrade_needed=revision != database.migrations_head())


def holds_data(engine: sa.Engine) -> bool:
    """Whether any table but the migrations' own has a row."""
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        return any(
            connection.execute(
                sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)
            ).first()
            for name in tables
            if name != "alembic_version"
        )


# The audit trail: a backup is a read of everything, a restore a change of everything.


def record_backup(session: Session, actor: User | None, target: Path) -> None:
    audit.record(session, actor, "backup", "database", file=str(target))


def record_restore(session: Session, actor: User | None, source: Path, done: Restored) -> None:
    audit.record(
        session,
        actor,
        "restore",
        "database",
        file=str(source),
        revision=done.revision,
        upgraded=done.upgrade_needed,
    )


# SQLite


def _sqlite_copy(engine: sa.Engine, target: Path) -> None:
    source = engine.raw_connection()
    try:
        with closing(sqlite3.connect(target)) as copy:
            source.driver_connection.backup(copy)  # type: ignore[union-attr]
    finally:
        source.close()


def _sqlite_restore(source: Path, engine: sa.Engine) -> None:
    target = engine.raw_connection()
    try:
        with closing(_sqlite_read_only(source)) as backup_file:
            backup_file.backup(target.driver_connection)  # type: ignore[arg-type]
    finally:
        target.close()


def _sqlite_revision(source: Path) -> str:
    _check_kind(source, "sqlite")
    try:
        with closing(_sqlite_read_only(source)) as backup_file:
            row = backup_file.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise NotABackup(path=str(source), kind=KIND_NAMES["sqlite"]) from error
    if row is None:
        raise NotABackup(path=str(source), kind=KIND_NAMES["sqlite"])
    return str(row[0])


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


# PostgreSQL


def _pg_revision(source: Path) -> str:
    """The migration in the archive's alembic_version table, read without restoring it."""
    _check_kind(source, "postgresql")
    script = _run("pg_restore", ["--data-only", "--table=alembic_version", "--file=-", str(source)])
    lines = script.splitlines()
    copies = [i for i, line in enumerate(lines) if line.startswith("COPY ")]
    if not copies or lines[copies[0] + 1] == "\\.":
        raise NotABackup(path=str(source), kind=KIND_NAMES["postgresql"])
    return lines[copies[0] + 1]


def _drop_tables(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        existing = sa.MetaData()
        existing.reflect(bind=connection)
        existing.drop_all(bind=connection)


def _run(tool: str, args: list[str], url: sa.URL | None = None) -> str:
    """Run one of PostgreSQL's tools, on the database at url if given: its password goes
    through the environment (PGPASSWORD), never on a command line others can read."""
    env = dict(os.environ)
    if url is not None:
        # libpq reads a URL as the database's name; the password is left out of it.
        address = sa.URL.create(
            "postgresql", url.username, None, url.host, url.port, url.database, url.query
        )
        args = [*args, f"--dbname={address.render_as_string(hide_password=False)}"]
        if url.password:
            env["PGPASSWORD"] = url.password
    try:
        done = subprocess.run(
            [_tool(tool), *args], env=env, capture_output=True, text=True, check=True
        )
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "").strip().splitlines()
        raise BackupToolFailed(
            tool=tool, detail=detail[-1] if detail else error.returncode
        ) from error
    return done.stdout


def _tool(name: str) -> str:
    """On the PATH, else the newest of Debian's PostgreSQL installs."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(glob.glob(f"{PG_BIN_DIRS}/{name}"), key=_major_version, reverse=True)
    if not installed:
        raise BackupToolMissing(tool=name)
    return installed[0]


def _major_version(path: str) -> int:
    folder = Path(path).parent.parent.name
    return int(folder) if folder.isdigit() else 0


# Files


def _check_kind(source: Path, kind: str) -> None:
    try:
        with source.open("rb") as file:
            start = file.read(len(MAGIC[kind]))
    except OSError as error:
        raise NotABackup(path=str(source), kind=KIND_NAMES[kind]) from error
    if start != MAGIC[kind]:
        raise NotABackup(path=str(source), kind=KIND_NAMES[kind])


@contextmanager
def _partial(target: Path) -> Iterator[Path]:
    """A file beside target, renamed to it when the block ends well, else removed."""
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as error:
        raise BackupNotWritten(path=str(target), reason=error.strerror) from error
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
