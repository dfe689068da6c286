"""The `clauses` command line of the foundation: create-user, init-db."""

import json

import pytest

from clauses.models import AuditLog, Role, User
from tests.factories import OrganisationFactory


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_create_user_with_password_from_stdin(runner, db_session):
    org = OrganisationFactory(name="Isolbat", siret="74234567100041")
    result = runner.invoke(
        args=[
            "create-user",
            "Chef@Isolbat.fr",
            "--role",
            "contractor",
            "--organisation",
            "742 345 671 00041",
            "--password-stdin",
        ],
        input="un mot de passe solide\n",
    )
    assert result.exit_code == 0, result.output
    user = db_session.query(User).filter_by(email="chef@isolbat.fr").one()
    assert user.role is Role.CONTRACTOR
    assert user.organisation_id == org.id
    assert user.check_password("un mot de passe solide")
    event = db_session.query(AuditLog).filter_by(object_type="user", action="create").one()
    assert "password" not in json.dumps(event.details).replace("password_changed", "")


def test_create_user_finds_the_organisation_by_exact_name(runner, db_session):
    org = OrganisationFactory(name="Ville de Saint-Denis")
    result = runner.invoke(
        args=[
            "create-user",
            "a@vsd.fr",
            "--role",
            "buyer",
            "--organisation",
            "Ville de Saint-Denis",
            "--password-stdin",
        ],
        input="0123456789abc\n",
    )
    assert result.exit_code == 0, result.output
    assert db_session.query(User).filter_by(email="a@vsd.fr").one().organisation_id == org.id


def test_create_user_again_updates_instead_of_duplicating(runner, db_session):
    for role in ("facilitator", "admin"):
        result = runner.invoke(
            args=["create-user", "lead@clauses.fr", "--role", role, "--password-stdin"],
            input="0123456789abc\n",
        )
        assert result.exit_code == 0, result.output
    users = db_session.query(User).filter_by(email="lead@clauses.fr").all()
    assert [u.role for u in users] == [Role.ADMIN]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--role", "buyer"], "organisation_required"),
        (["--role", "contractor", "--organisation", "Nobody SA"], "organisation_not_found"),
    ],
)
def test_create_user_errors_are_json_with_exit_2(runner, db_session, args, code):
    result = runner.invoke(
        args=["create-user", "x@y.fr", *args, "--password-stdin"], input="0123456789abc\n"
    )
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == code
    assert db_session.query(User).filter_by(email="x@y.fr").count() == 0


def test_create_user_refuses_a_short_password(runner, db_session):
    result = runner.invoke(
        args=["create-user", "x@y.fr", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 2
    assert "10" in json.loads(result.output)["error"]["message"]


def test_init_db_is_idempotent(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Base de données prête." in result.output
