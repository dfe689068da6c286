"""The `clauses` command group: as thin as a view, over the same services."""

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from clauses.errors import ClausesError
from clauses.extensions import db
from clauses.models import Role
from clauses.services import accounts

F = TypeVar("F", bound=Callable[..., Any])


def main() -> None:
    from clauses import create_app

    group = FlaskGroup(
        create_app=lambda: create_app(), help="Clauses: clauses sociales d'insertion."
    )
    group.main()


def fail(error: ClausesError) -> NoReturn:
    """A file-level or usage problem: one JSON object on stdout, exit status 2."""
    click.echo(
        json.dumps({"error": {"code": error.code, "message": error.message}}, ensure_ascii=False)
    )
    sys.exit(2)


def reports_errors(command: F) -> F:
    """Turn a ClausesError into the CLI's error object, rolling back anything half-written."""

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ClausesError as error:
            db.session.rollback()
            fail(error)

    return wrapped  # type: ignore[return-value]


def register(app: Flask) -> None:
    for command in (init_db, create_user):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    upgrade()
    click.echo("Database ready.")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation", help="SIRET or exact name of the user's organisation.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", "full_name", default="", help="The person's full name.")
@reports_errors
def create_user(
    email: str, role: str, organisation: str | None, password_stdin: bool, full_name: str
) -> None:
    """Create a user account (or update its role, organisation and password)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = accounts.save_user(
        db.session(),
        actor=None,
        email=email,
        role=Role(role),
        organisation_ref=organisation,
        password=password,
        full_name=full_name,
    )
    db.session.commit()
    click.echo(f"User {user.email} ({user.role.value}) saved.")
