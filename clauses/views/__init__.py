"""Blueprints, error handlers and template helpers."""

from typing import Any

from flask import Flask, flash, render_template, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter, Map

from clauses.access import web
from clauses.errors import ClausesError
from clauses.extensions import db, login_manager
from clauses.forms.fields import MAX_ID
from clauses.messages import audit as audit_text
from clauses.messages import labels, month_name
from clauses.services import database
from clauses.views import navigation, request_log


class IdConverter(IntegerConverter):
    """`<int:...>` in a route is an id: past the database's integer no route matches (404),
    rather than a query the database refuses."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    from clauses.views import (
        admin,
        auth,
        candidates,
        contracts,
        dashboard,
        health,
        imports,
        job_offers,
        participants,
        placements,
        reminders,
    )

    # Before the blueprints: their rules find their converters when they are added.
    app.url_map.converters["int"] = IdConverter
    blueprints = (
        auth, dashboard, contracts, candidates, participants, placements, job_offers, imports,
        reminders, admin, health,
    )  # fmt: skip
    for module in blueprints:
        app.register_blueprint(module.bp)
    request_log.register(app)
    app.register_error_handler(ClausesError, _clauses_error)
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["fr_date"] = _date
    app.jinja_env.filters["fr_datetime"] = _datetime
    app.jinja_env.filters["fr_month"] = _month
    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["fixed"] = _fixed
    # Globals, not context: imported macros (the records' history) see them too.
    app.jinja_env.globals["audit_action"] = audit_text.action_text
    app.jinja_env.globals["field_label"] = audit_text.field_text
    app.context_processor(_globals)


def _clauses_error(error: ClausesError) -> tuple[str, int]:
    flash(error.message, "danger")
    return render_template("errors/error.html", status=400, message=error.message), 400


def _http_error(error: HTTPException | Exception) -> tuple[str, int]:
    status = error.code if isinstance(error, HTTPException) and error.code else 500
    return render_template("errors/error.html", status=status, message=None), status


def _server_error(error: InternalServerError) -> tuple[str, int]:
    """After a database error, roll back first: on PostgreSQL the failed statement aborted the
    transaction, and the page (which loads the signed-in user) would fail as well. A database
    that no longer answers gets its own page."""
    if isinstance(error.original_exception, SQLAlchemyError):
        db.session.rollback()
        if not database.reachable(db.engine):
            return _unavailable()
    return _http_error(error)


def _unavailable() -> tuple[str, int]:
    # Without the database nobody can be recognised: the page is the signed-out one, in the
    # language of the session (flask-login caches the user of the request; None is anonymous).
    login_manager._update_request_context_with_user()
    return render_template("errors/error.html", status=503, message=None), 503


def _date(value: Any, fmt: str = "short") -> str:
    return "" if value is None else str(format_date(value, fmt))


def _datetime(value: Any, fmt: str = "short") -> str:
    return "" if value is None else str(format_datetime(value, fmt))


def _month(value: Any) -> str:
    """ "mars 2024" in French, "March 2024" in English."""
    return "" if value is None else month_name(value)


def _number(value: Any, digits: int = 2) -> str:
    """French grouping and comma (1 234,5); trailing zeros dropped."""
    if value is None:
        return ""
    return str(format_decimal(value, format=f"#,##0.{'#' * digits}" if digits else "#,##0"))


def _fixed(value: Any, digits: int = 2) -> str:
    """Always `digits` decimals (27,15; 40,00): points side by side compare at a glance."""
    if value is None:
        return ""
    return str(format_decimal(value, format=f"#,##0.{'0' * digits}"))


def _globals() -> dict[str, Any]:
    return {
        "locale": str(get_locale()),
        "may": web.permissions(),
        "endpoint": request.endpoint,
        "nav_items": navigation.items_for,
        "label": labels.label,
    }
