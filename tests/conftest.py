"""Test fixtures: the real app on a real database (SQLite, or PostgreSQL when
CLAUSES_TEST_DATABASE_URL is set), each test inside a transaction that is rolled back."""

import email
import email.policy
import html
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.serving import make_server

from clauses import clock, create_app
from clauses.extensions import db
from tests import factories

FIXTURES = Path(__file__).resolve().parent / "data" / "fixtures"

# Property tests check what the parsers answer, not how fast: on a shared, loaded machine the
# time to draw an input or run an example says nothing about the code under test.
settings.register_profile("clauses", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("clauses")
PASSWORD = "correct horse battery"


def own_database(tmp_root: Path, purpose: str) -> Iterator[str]:
    """A database of this run's own, for this purpose: a new SQLite file, or a new PostgreSQL
    database, dropped at the end."""
    server_url = os.environ.get("CLAUSES_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_root / f'clauses-{purpose}.db'}"
        return
    name = f"clauses_{purpose}_{os.getpid()}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_settings(url: str, **settings: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "SQLALCHEMY_DATABASE_URI": url,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": None,
        # No test reaches a real mail server: a port nothing listens on, unless a test
        # takes the `mailbox` fixture (a local SMTP server).
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": free_port(),
        # No limit on failed sign-ins, except in the tests of the limits (test_login_limits.py).
        "RATELIMIT_ENABLED": False,
        **settings,
    }


@contextmanager
def another_app(url: str, **settings: Any) -> Iterator[Flask]:
    """An app of its own on a database (its engine closed at the end); requests still go
    through the test's session unless the test gives the app a session of its own."""
    other = create_app(app_settings(url, **settings))
    yield other
    with other.app_context():
        db.engine.dispose()


@contextmanager
def app_on(url: str, monkeypatch: pytest.MonkeyPatch, **settings: Any) -> Iterator[Flask]:
    """An app on a scratch database, committing for real through a session of its own."""
    with another_app(url, **settings) as other:
        with other.app_context():
            engine = db.engine
        own = sessionmaker(bind=engine, expire_on_commit=False)
        monkeypatch.setattr(db, "session", scoped_session(own))
        yield other


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    root = tmp_path_factory.mktemp("clauses")
    database = own_database(root, "test")
    url = next(database)
    app = create_app(app_settings(url))
    with app.app_context():
        # Drop what an earlier run left (alembic_version too): tests use the migrations' schema.
        leftover = sa.MetaData()
        leftover.reflect(bind=db.engine)
        leftover.drop_all(bind=db.engine)
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    next(database, None)


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """`scratch_database("name")`: an empty database apart from the tests' one (a SQLite file
    alone in its folder, or a PostgreSQL database), for tests that commit for real."""
    made: list[Iterator[str]] = []

    def new(name: str) -> str:
        folder = tmp_path / name
        folder.mkdir()
        made.append(own_database(folder, name))
        return next(made[-1])

    yield new
    for database in made:
        next(database, None)


@pytest.fixture(autouse=True)
def db_session(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[scoped_session[Any]]:
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    )
    monkeypatch.setattr(db, "session", session)
    # Flask-SQLAlchemy removes the session after each request; within a test the session lives
    # on, so the test's objects stay usable after a request, like a user's next click sees them.
    remove = session.remove
    monkeypatch.setattr(session, "remove", lambda: None)
    yield session
    remove()
    transaction.rollback()
    connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, user: Any, password: str = PASSWORD) -> None:
    """Sign in through the real login form, CSRF token included."""
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
    assert token, "the login page has no CSRF token"
    response = client.post(
        "/login",
        data={"email": user.email, "password": password, "csrf_token": token.group(1).decode()},
    )
    assert response.status_code == 302, response.data[:500]


@pytest.fixture
def count_queries(db_session: scoped_session[Any]) -> Any:
    """`with count_queries() as statements:` lists the SQL run on the test's connection."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        connection = db_session.connection()
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        sa.event.listen(connection, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(connection, "before_cursor_execute", record)

    return counting


def page_text(response: Any) -> str:
    """The page as a reader sees its characters (&#39; is an apostrophe)."""
    return html.unescape(response.get_data(as_text=True))


def post_form(client: FlaskClient, path: str, data: dict[str, str]) -> Any:
    """Post a form as a browser does, with the CSRF token of the page at `path`."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on a page, to post like a browser does."""
    page = client.get(path)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data)
    assert token, f"no CSRF token on {path}"
    return token.group(1).decode()


@pytest.fixture
def on_as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages that show today's situation see it on AS_OF (tests/test_dashboard.py's portfolio)."""
    from tests.test_dashboard import AS_OF  # here: that module imports this one

    monkeypatch.setattr(clock, "today", lambda: AS_OF)


@pytest.fixture
def world(db_session: Any) -> factories.World:
    """Two buyers, two contractors, contracts of each, and one user of every role."""
    return factories.make_world()


@pytest.fixture
def contract(db_session: Any) -> Any:
    """The contract of the hour sheets of the import tests (their rows name OPH93-2024-007)."""
    return factories.ContractFactory(
        reference="OPH93-2024-007", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)
    )


@pytest.fixture
def karim(db_session: Any) -> Any:
    """The registered person of the import tests' rows."""
    return factories.ParticipantFactory(
        last_name="Benali", first_name="Karim", birth_date=date(1970, 7, 9), validated=True
    )


# E-mail goes to a real SMTP server on this machine (aiosmtpd, in a thread of its own).

REFUSED_DOMAIN = "refused.test"  # the local server refuses recipients of this domain


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage


class Mailbox:
    """An aiosmtpd handler keeping what the server accepted."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port nothing listens on (the system's choice, closed again at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    # aiosmtpd's Controller cannot take port 0: it connects to its own port to know it is up.
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


@pytest.fixture
def mailbox(smtp_server, app: Flask, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    """The app's e-mail goes to the local SMTP server; what it received, this test only."""
    server, port = smtp_server
    server.received.clear()
    monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    return server


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }
