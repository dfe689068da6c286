"""`clauses backup` and `clauses restore` (issue 13, operations), on the database the tests run
on: the demo world, committed for real in a scratch database, backed up, then restored into
another, gives the same statuses and programme figures."""

import json
import os
import stat
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from clauses.access import policy
from clauses.extensions import db
from clauses.models import AuditLog
from clauses.services import backups, demo, programme
from tests.conftest import app_on, login, page_text

TODAY = date.today()  # the demo's world is today's
ON_POSTGRESQL = bool(os.environ.get("CLAUSES_TEST_DATABASE_URL"))
FIRST_MIGRATION = "d1f45f5fdbb8"


def run(app: Flask, *args: str, status: int = 0, input: str | None = None) -> str:
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    assert result.exit_code == status, result.output
    return result.output


def error_code(output: str) -> str:
    return json.loads(output)["error"]["code"]


def figures(app: Flask) -> tuple[dict, programme.Programme]:
    """`clauses status --json`, and the programme's figures of the clause team's home page."""
    statuses = json.loads(run(app, "status", "--json", "--as-of", TODAY.isoformat()))
    with app.app_context():
        everything = policy.contracts_of(policy.COMMAND_LINE)
        figures = programme.programme(db.session(), everything, TODAY)
    return statuses, figures


def last_event(app: Flask) -> AuditLog:
    with app.app_context():
        return db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id.desc())).first()


@pytest.fixture
def demo_backup(scratch_database, monkeypatch, tmp_path):
    """The demo world's backup, and its figures."""
    backup = tmp_path / "clauses.backup"
    with app_on(scratch_database("source"), monkeypatch) as source:
        run(source, "init-db")
        run(source, "demo")
        assert "clauses.backup" in run(source, "backup", str(backup))
        event = last_event(source)
        assert (event.action, event.details) == ("backup", {"file": str(backup)})
        return backup, figures(source)


def test_backup_then_restore_gives_the_same_figures(demo_backup, scratch_database, monkeypatch):
    backup, (statuses, programme_figures) = demo_backup
    assert len(statuses["contracts"]) > 10  # a real world
    assert programme_figures.people > 10
    with app_on(scratch_database("target"), monkeypatch) as target:
        run(target, "restore", str(backup))
        assert figures(target) == (statuses, programme_figures)
        event = last_event(target)
        assert (event.action, event.user_id) == ("restore", None)
        assert event.details["file"] == str(backup)
        assert target.test_client().get("/health").status_code == 200
        client = target.test_client()
        login(client, SimpleNamespace(email=demo.ACCOUNTS[0][0]), demo.DEMO_PASSWORD)
        audit_page = page_text(client.get("/admin/audit"))
        assert "base restaurée depuis une sauvegarde" in audit_page


def test_restore_refuses_a_database_that_holds_data(demo_backup, scratch_database, monkeypatch):
    backup, before = demo_backup
    with app_on(scratch_database("target"), monkeypatch) as target:
        run(target, "init-db")
        account = ["x@example.fr", "--role", "admin", "--password-stdin"]
        run(target, "create-user", *account, input="0123456789abc\n")
        output = run(target, "restore", str(backup), status=2)
        assert error_code(output) == "restore_over_data"
        with target.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 1
        run(target, "restore", "--force", str(backup))
        assert figures(target) == before


def test_a_backup_of_a_newer_version_is_refused(scratch_database, monkeypatch, tmp_path):
    backup = tmp_path / "newer.backup"
    with app_on(scratch_database("newer"), monkeypatch) as newer:
        run(newer, "init-db")
        with newer.app_context():
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
            db.session.commit()
        run(newer, "backup", str(backup))
    with app_on(scratch_database("target"), monkeypatch) as target:
        output = run(target, "restore", str(backup), status=2)
        assert error_code(output) == "backup_from_newer_code"
        assert "f0f0f0f0f0f0" in json.loads(output)["error"]["message"]
        with target.app_context():
            assert sa.inspect(db.engine).get_table_names() == []


def test_a_backup_of_an_older_version_is_upgraded(scratch_database, monkeypatch, tmp_path):
    backup = tmp_path / "older.backup"
    with app_on(scratch_database("older"), monkeypatch) as older:
        with older.app_context():
            upgrade(revision=FIRST_MIGRATION)
        run(older, "backup", str(backup))
    with app_on(scratch_database("target"), monkeypatch) as target:
        output = run(target, "restore", str(backup))
        assert "mis à jour" in output
        assert target.test_client().get("/health").get_json()["migrations"] == "ok"
        event = last_event(target)
        assert (event.details["revision"], event.details["upgraded"]) == (FIRST_MIGRATION, True)


SQLITE_START = b"SQLite format 3\x00" + bytes(200)
PG_DUMP_START = b"PGDMP" + bytes(200)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a backup at all", SQLITE_START if ON_POSTGRESQL else PG_DUMP_START],
    ids=["empty", "text", "the other database's"],
)
def test_a_file_that_is_not_a_backup_is_refused(app, tmp_path, content):
    file = tmp_path / "file.backup"
    file.write_bytes(content)
    assert error_code(run(app, "restore", str(file), status=2)) == "not_a_backup"


def test_a_damaged_backup_is_refused(app, tmp_path):
    """SQLite cannot read it; pg_restore says what is wrong with it."""
    file = tmp_path / "damaged.backup"
    file.write_bytes(PG_DUMP_START if ON_POSTGRESQL else SQLITE_START)
    output = run(app, "restore", str(file), status=2)
    expected = "backup_tool_failed" if ON_POSTGRESQL else "not_a_backup"
    assert error_code(output) == expected


def test_a_backup_into_a_missing_folder_says_so(app, tmp_path):
    output = run(app, "backup", str(tmp_path / "missing" / "clauses.backup"), status=2)
    assert error_code(output) == "backup_not_written"


# PostgreSQL's tools ------------------------------------------------------------------------------


def fake_tool(folder: Path, name: str) -> Path:
    """A stand-in for one of PostgreSQL's tools, that writes down how it was called."""
    folder.mkdir(exist_ok=True)
    tool = folder / name
    calls = folder / "calls.json"
    tool.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv[1:], 'password': os.environ.get('PGPASSWORD')}}, "
        f"open({str(calls)!r}, 'w'))\n"
        "open([a for a in sys.argv if a.startswith('--file=')][0][7:], 'wb').write(b'PGDMP')\n"
    )
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return calls


def test_pg_dump_gets_the_password_through_its_environment(tmp_path, monkeypatch):
    calls = fake_tool(tmp_path / "bin", "pg_dump")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    engine = sa.create_engine("postgresql+psycopg://clauses:s3cr%40t@db.internal:5433/clauses")
    backups.backup(engine, tmp_path / "clauses.backup")
    called = json.loads(calls.read_text())
    assert called["password"] == "s3cr@t"
    assert "s3cr" not in " ".join(called["argv"])
    assert "--dbname=postgresql://clauses@db.internal:5433/clauses" in called["argv"]
    assert (tmp_path / "clauses.backup").read_bytes() == b"PGDMP"
    engine.dispose()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite needs no tool")
def test_a_missing_pg_dump_says_so(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backups, "PG_BIN_DIRS", str(tmp_path / "postgresql" / "*" / "bin"))
    output = run(app, "backup", str(tmp_path / "clauses.backup"), status=2)
    assert error_code(output) == "backup_tool_missing"
    assert "pg_dump" in json.loads(output)["error"]["message"]
