"""Default settings. Any of them is overridden by CLAUSES_<NAME> in the environment."""

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

PACKAGE = Path(__file__).resolve().parent


def bundled(folder: str) -> Path:
    """templates/ or migrations/: at the top of the repository in a checkout (and an editable
    install), inside the package in a wheel (setup.py maps them there)."""
    inside = PACKAGE / folder
    return inside if inside.is_dir() else PACKAGE.parent / folder


def _json_dumps(value: Any) -> str:
    """JSON columns (audit details, import reports) may hold dates and decimals."""
    return json.dumps(value, default=str, ensure_ascii=False)


class Defaults:
    # None means "SQLite in the instance folder", resolved by create_app once the folder is known.
    DATABASE_URL: str | None = None
    SECRET_KEY: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {
        "pool_pre_ping": True,
        "json_serializer": _json_dumps,
    }
    # Session cookies: never readable from scripts, not sent cross-site, HTTPS-only outside debug.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # "Stay signed in" keeps a browser signed in this long (Flask-Login's default is a year).
    # Every session ends sooner on logout, "log out everywhere" and a new password.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Failed sign-ins are limited per client address (views/auth.py): RATELIMIT_ENABLED turns
    # the limits off (the tests, a load benchmark signing many users in from one address). Their
    # counts live in RATELIMIT_STORAGE_URI: memory:// is each process's own; with several
    # workers, a storage they share (redis://host:6379, or another the `limits` library knows).
    # Should that storage stop answering, each process counts in its own memory meanwhile.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # How many reverse proxies stand in front of the app (0: none). With 1 or more, the client's
    # address and scheme are read from their X-Forwarded-For and X-Forwarded-Proto headers.
    PROXIES = 0
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    LANGUAGES = ("fr", "en")
    # The command line speaks French unless told otherwise (CLAUSES_CLI_LOCALE=en).
    CLI_LOCALE = "fr"
    # Seconds an SQLite writer waits for another to finish (an import of a large file) before
    # giving up with "database is locked". PostgreSQL writers wait for their row locks.
    SQLITE_BUSY_TIMEOUT = 60.0
    PAGE_SIZE = 25
    # One JSON line per request on stderr (views/request_log.py). None: on, except in tests.
    REQUEST_LOG: bool | None = None
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # the web's upload limit, and the command line's
    # What reading one imported file may take (imports.read.Limits): rows per sheet (a real hour
    # sheet has a few thousand), and the memory of the process that reads a workbook.
    MAX_ROWS_PER_SHEET = 200_000
    MAX_READ_MEMORY = 1024 * 1024 * 1024
    # Where users reach the app (e.g. "https://clauses.example.fr"): e-mails link to its pages.
    # None: e-mails say where to click instead of giving a link.
    BASE_URL: str | None = None
    # Outgoing e-mail (reminders to contractors) through an SMTP server. MAIL_USE_TLS upgrades
    # a plain connection with STARTTLS (usually port 587); MAIL_USE_SSL connects over TLS from
    # the start (usually port 465); not both.
    MAIL_HOST = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_SENDER = "Clauses <clauses@localhost>"
    MAIL_TIMEOUT = 10  # seconds, for connecting and for each SMTP command
