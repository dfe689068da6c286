"""Clauses: the social-insertion clauses of public construction contracts, month by month."""

from pathlib import Path
from typing import Any

from flask import Flask

from clauses.config import Defaults, bundled
from clauses.errors import SecretKeyMissing


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder=str(bundled("templates")))
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("CLAUSES")
    if test_config:
        app.config.from_mapping(test_config)
    _resolve_database(app)
    _require_secret_key(app)

    from clauses import cli, extensions, views

    extensions.init_app(app)
    views.register(app)
    cli.register(app)
    return app


def _resolve_database(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'clauses.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url


def _require_secret_key(app: Flask) -> None:
    if app.config["SECRET_KEY"]:
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = "development-only-not-secret"
        return
    raise SecretKeyMissing()
