"""Configuration and schema: the app refuses to start unsafely, migrations match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clauses import create_app
from clauses.errors import ConfigurationError
from clauses.extensions import db


def test_secret_key_is_required_outside_debug_and_tests(monkeypatch, tmp_path):
    monkeypatch.delenv("CLAUSES_SECRET_KEY", raising=False)
    monkeypatch.delenv("CLAUSES_DEBUG", raising=False)
    with pytest.raises(ConfigurationError, match="CLAUSES_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_settings_come_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAUSES_SECRET_KEY", "from-env")
    monkeypatch.setenv("CLAUSES_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_migrations_build_the_schema_the_models_describe(app, db_session):
    context = MigrationContext.configure(db_session.connection())
    assert compare_metadata(context, db.metadata) == []
