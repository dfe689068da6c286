"""/health, for a load balancer or a monitor: no sign-in, and nothing but the checks' outcome
(no version, no count)."""

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from clauses.extensions import db
from clauses.services import database

bp = Blueprint("health", __name__)


@bp.route("/health")
def health() -> tuple[Response, int]:
    checks = database.health(db.engine)
    body = {
        "status": "ok" if checks.ok else "unavailable",
        "database": checks.database,
        "migrations": checks.migrations,
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if checks.ok else 503
