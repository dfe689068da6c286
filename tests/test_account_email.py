"""An account's e-mail (issue 13, defect 10): `create-user` takes exactly the addresses the
sign-in form takes, so no account is made that could never sign in."""

import json

import pytest

from clauses.forms.auth import LoginForm
from clauses.models import User

ADDRESSES = [
    ("lead@clauses.fr", True),
    ("Claire.Dumas+clauses@example.fr", True),
    ("équipe@clauses.demo", True),
    ("no-at-sign", False),
    ("a@b", False),
    ("admin@localhost", False),
    ("a..b@clauses.fr", False),
    ("nobody@site.local", False),
    ("two@@clauses.fr", False),
    ("space in@clauses.fr", False),
]


def signs_in_with(app, address: str) -> bool:
    with app.test_request_context():
        form = LoginForm(data={"email": address, "password": "x"}, meta={"csrf": False})
        form.validate()
        return not form.email.errors


@pytest.mark.parametrize(("address", "valid"), ADDRESSES)
def test_create_user_takes_the_addresses_the_sign_in_form_takes(app, db_session, address, valid):
    assert signs_in_with(app, address) == valid
    result = app.test_cli_runner().invoke(
        args=["create-user", address, "--role", "admin", "--password-stdin"],
        input="0123456789abc\n",
    )
    created = db_session.query(User).filter_by(email=address.strip().lower()).count()
    assert (result.exit_code, created) == ((0, 1) if valid else (2, 0)), result.output
    if not valid:
        error = json.loads(result.output)["error"]
        assert error["code"] == "invalid_email"
        assert error["message"] == f"« {address.lower()} » n'est pas une adresse e-mail valide."
