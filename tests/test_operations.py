"""Operations (issue 13): /health, one log line per request, a friendly page while the
database is away and recovery when it returns."""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from clauses.extensions import db
from clauses.models import Role, User
from clauses.services import accounts
from tests.conftest import PASSWORD, app_on, login, page_text


def migrated_with_admin(app: Flask) -> User:
    with app.app_context():
        upgrade()
        admin = accounts.save_user(
            db.session(),
            actor=None,
            email="admin@example.fr",
            role=Role.ADMIN,
            organisation_ref=None,
            password=PASSWORD,
        )
        db.session.commit()
        db.session.remove()
    return admin


@contextmanager
def unreachable(app: Flask, url: str) -> Iterator[None]:
    """The database away for the block, then back: a SQLite file's folder moved (its
    connections closed, as a server would), or a PostgreSQL database renamed, its connections
    cut."""
    location = sa.make_url(url)
    if location.get_backend_name() == "sqlite":
        folder = Path(location.database or "").parent
        with app.app_context():
            db.engine.dispose()
        away = folder.rename(folder.with_name(f"{folder.name}-away"))
        yield
        away.rename(folder)
        return
    server = sa.create_engine(os.environ["CLAUSES_TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    name = location.database
    with server.connect() as connection:
        connection.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        connection.execute(sa.text(f'ALTER DATABASE "{name}" RENAME TO "{name}_away"'))
    yield
    with server.connect() as connection:
        connection.execute(sa.text(f'ALTER DATABASE "{name}_away" RENAME TO "{name}"'))
    server.dispose()


def test_an_unreachable_database_gives_a_friendly_page_then_recovers(scratch_database, monkeypatch):
    url = scratch_database("flaky")
    with app_on(url, monkeypatch, PROPAGATE_EXCEPTIONS=False) as flaky:
        client = flaky.test_client()
        login(client, migrated_with_admin(flaky))
        with unreachable(flaky, url):
            away = client.get("/")
            assert away.status_code == 503
            assert "Le service est momentanément indisponible" in page_text(away)
            assert "Error" not in page_text(away)  # no traceback, no exception's name
            with client.session_transaction() as session:
                session["lang"] = "en"
            away = client.get("/contracts/")
            assert away.status_code == 503
            assert "The service is temporarily unavailable" in page_text(away)
        back = client.get("/")
        assert back.status_code == 200
        assert 'data-testid="who"' in page_text(back)  # still signed in


# /health ----------------------------------------------------------------------------------------

HEALTHY = {"status": "ok", "database": "ok", "migrations": "ok"}
FIRST_MIGRATION = "d1f45f5fdbb8"


def test_health_says_ok_to_anyone_and_nothing_more(client):
    response = client.get("/health")
    assert (response.status_code, response.get_json()) == (200, HEALTHY)
    assert response.headers["Cache-Control"] == "no-store"


def test_health_fails_when_the_schema_is_not_the_code_s(scratch_database, monkeypatch):
    with app_on(scratch_database("old"), monkeypatch) as old:
        with old.app_context():
            upgrade(revision=FIRST_MIGRATION)
        response = old.test_client().get("/health")
    expected = {"status": "unavailable", "database": "ok", "migrations": "outdated"}
    assert (response.status_code, response.get_json()) == (503, expected)


def test_health_fails_while_the_database_is_away(scratch_database, monkeypatch):
    url = scratch_database("away")
    with app_on(url, monkeypatch) as flaky:
        migrated_with_admin(flaky)
        client = flaky.test_client()
        with unreachable(flaky, url):
            response = client.get("/health")
        back = client.get("/health")
    expected = {"status": "unavailable", "database": "unreachable", "migrations": "unknown"}
    assert (response.status_code, response.get_json()) == (503, expected)
    assert (back.status_code, back.get_json()) == (200, HEALTHY)


# One JSON line per request ----------------------------------------------------------------------

LOG_KEYS = {"time", "request_id", "user_id", "method", "route", "endpoint", "status", "duration_ms"}


@pytest.fixture
def request_log(app, monkeypatch, capsys):
    """The log lines the requests made in the block write (the setting is off in tests)."""
    monkeypatch.setitem(app.config, "REQUEST_LOG", True)

    def lines() -> list[dict]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines()]

    return lines


def test_a_request_logs_one_line_without_the_names_searched(app, world, request_log):
    client = app.test_client()
    login(client, world.facilitator)
    request_log()  # the sign-in's lines
    response = client.get("/participants/?q=Diallo+Awa&sort=name")
    assert response.status_code == 200
    [line] = request_log()
    assert set(line) == LOG_KEYS
    assert line["user_id"] == world.facilitator.id
    assert (line["method"], line["route"], line["status"]) == ("GET", "/participants/", 200)
    assert line["endpoint"] == "participants.index"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert 0 < line["duration_ms"] < 60_000
    assert "diallo" not in json.dumps(line).lower()
    assert "awa" not in json.dumps(line).lower()


def test_the_log_names_the_route_not_the_path(app, world, request_log):
    client = app.test_client()
    login(client, world.admin)
    request_log()
    client.get(f"/participants/{world.participant.id}")
    client.get("/no-such-page")
    client.post("/participants/new", data={"last_name": "Diallo"})  # no CSRF token: 400
    lines = [(line["route"], line["status"]) for line in request_log()]
    assert lines == [
        ("/participants/<int:participant_id>", 200),
        (None, 404),
        ("/participants/new", 400),
    ]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("3f2a9c1e-77aa-4c1b-9d5e-0123456789ab", True),
        ("lb.req_42", True),
        ("Diallo Awa", False),
        ("x" * 129, False),
        ("", False),
    ],
)
def test_a_sane_request_id_is_kept_and_echoed(client, request_log, incoming, kept):
    response = client.get("/health", headers={"X-Request-ID": incoming})
    [line] = request_log()
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert (line["request_id"] == incoming) == kept
    if not kept:
        assert len(line["request_id"]) == 32  # a fresh uuid4, in hex
    assert line["user_id"] is None


def test_the_log_is_off_in_tests_unless_asked(client, capsys):
    client.get("/health")
    assert capsys.readouterr().err == ""
