"""Flask extensions, created unbound and bound to the app by init_app."""

from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from clauses.config import bundled
from clauses.models.base import BEGINS_WRITING, Base
from clauses.rules.names import translate

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits per client address (behind PROXIES trusted proxies, the client's own), kept where
# RATELIMIT_STORAGE_URI says; RATELIMIT_ENABLED turns them off. One limiter per process, like the
# other extensions; its on/off switch is read per request, from the app that serves it.
limiter = Limiter(get_remote_address)


@limiter.request_filter
def _limits_off() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(bundled("migrations")))
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    _trust_proxies(app)
    _set_security_headers(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _make_sqlite_behave(db.engine, app.config["SQLITE_BUSY_TIMEOUT"])


def _load_user(user_id: str) -> object:
    from clauses.access.web import load_user

    return load_user(user_id)


def select_locale() -> str:
    """French, whatever the browser prefers, unless chosen otherwise: with the language switch
    (kept on the account of a signed-in user, in the session before signing in), or for the
    command line with CLAUSES_CLI_LOCALE."""
    if not has_request_context():
        chosen = current_app.config["CLI_LOCALE"]
    elif current_user.is_authenticated and current_user.locale:
        chosen = current_user.locale
    else:
        chosen = session.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else "fr"


def _trust_proxies(app: Flask) -> None:
    """Behind PROXIES reverse proxies, the client's address and scheme are the ones the nearest
    proxy was told (X-Forwarded-For, X-Forwarded-Proto): limits count per client, and HSTS and
    secure cookies know the page came over HTTPS. With none, those headers are ignored: anyone
    could write them."""
    proxies = int(app.config["PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


# Everything comes from the app itself: no inline script or style, no frame around its pages.
# Bootstrap's stylesheet draws its small icons (menu, close) as data: images.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _set_security_headers(app: Flask) -> None:
    """The CSP and its companions on every response (Flask-Talisman); HSTS only on a page served
    over HTTPS. TLS is the reverse proxy's job: the app never redirects to https itself, and the
    cookies' settings stay the app's own (SESSION_COOKIE_SECURE...)."""
    Talisman(
        app,
        force_https=False,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        strict_transport_security=True,
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=False,
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(_not_stored)


def _not_stored(response: Response) -> Response:
    """What a signed-in user is sent (pages, downloads) holds personal data: no browser or proxy
    keeps a copy. Flask-Login keeps the user it loaded in g: a request that never asked who is
    signed in (a stylesheet) is not one of them, and stays cacheable."""
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def _make_sqlite_behave(engine: sa.Engine, busy_timeout: float) -> None:
    """pysqlite's own BEGIN breaks SAVEPOINT, and SQLite ignores foreign keys unless asked. A
    writer waits up to busy_timeout seconds for another to finish; a transaction that will write
    says so as it begins (models.base.BEGINS_WRITING) and takes the write lock at once."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.close()
        # PostgreSQL's translate(), with which searches fold accents (services/listing.py).
        dbapi_connection.create_function("translate", 3, translate, deterministic=True)

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if BEGINS_WRITING.get() else "BEGIN")
