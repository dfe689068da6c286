"""One JSON line per request, on the WSGI server's error stream (stderr, gunicorn's error log):
its id, the signed-in user's id, the route, the method, the status and the duration.

The route is the URL rule (`/participants/<int:participant_id>`), never the URL: a search's
query string may hold a person's name.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, request, request_started
from flask.logging import wsgi_errors_stream
from werkzeug.wrappers import Response

logger = logging.getLogger("clauses.requests")
# An incoming X-Request-ID (from a proxy) is kept when it is a plain token, else replaced: it is
# written to the log and echoed in a header.
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def register(app: Flask) -> None:
    if app.config["REQUEST_LOG"] is None:
        app.config["REQUEST_LOG"] = not app.testing
    request_started.connect(_start, app)
    app.after_request(_finish)
    if not logger.handlers:
        # Flask types its proxy as the stream it stands for (its own default_handler ignores it).
        handler = logging.StreamHandler(wsgi_errors_stream)  # type: ignore[call-overload]
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # one line, not again in the app's or the root's format


def _start(_app: Flask, **_extra: Any) -> None:
    """On request_started: before any before_request function, CSRF's check included."""
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.request_id
    if current_app.config["REQUEST_LOG"]:
        logger.info(json.dumps(_line(response.status_code)))
    return response


def _line(status: int) -> dict[str, Any]:
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": g.request_id,
        "user_id": _user_id(),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "endpoint": request.endpoint,
        "status": status,
        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
    }


def _user_id() -> int | None:
    # The user flask-login loaded for this request (it keeps it in g), if the request needed
    # one: asking current_user here would load it, a query for requests that never did.
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None
