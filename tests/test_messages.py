"""Errors carry a code and values; clauses.messages renders them in the reader's language."""

import json

import pytest
from flask_babel import force_locale

from clauses import errors
from clauses.errors import ClausesError
from clauses.messages import CATALOGUE, render
from tests.conftest import csrf_token, login, page_text
from tests.test_import_messages import ERRORS

# Kinds of errors, never raised themselves.
ABSTRACT = {"error", "not_found", "invalid_value", "already_exists", "configuration_error"}
# The import errors, with the values they need, are tested beside the imports' sentences.
IMPORTS = {error.code for error in ERRORS}
# The values each sentence needs, as the raise sites give them.
PARAMS = {
    "organisation_not_found": {"ref": "Nobody SA"},
    "weak_password": {"minimum": 10},
    "organisation_required": {"kinds": ["buyer"]},
    "organisation_mismatch": {"kinds": ["contractor", "siae"]},
    "self_lockout": {"change": "role"},
    "organisation_siret_invalid": {"problem": "checksum"},
    "contract_not_found": {"reference": "OPH-1"},
    "duplicate_reference": {"reference": "OPH-1"},
    "declaration_outside_contract": {"month": "2026-08-01", "reference": "OPH-1"},
    "declaration_not_due": {"month": "2026-08-01"},
    "database_not_empty": {"organisations": 1, "accounts": 3, "contracts": 0, "participants": 0},
    "invalid_email": {"address": "a@b"},
    "sign_in_delayed": {"minutes": 15},
    "backup_not_written": {"path": "/nowhere/clauses.dump", "reason": "No such file or directory"},
    "backup_tool_missing": {"tool": "pg_dump"},
    "backup_tool_failed": {"tool": "pg_restore", "detail": "could not read input file"},
    "not_a_backup": {"path": "notes.txt", "kind": "SQLite"},
    "backup_from_newer_code": {"revision": "f0f0f0f0f0f0"},
    "weights_invalid": {"maximum": 1000},
    "departments_invalid": {"values": "999"},
    "participant_phone_invalid": {"value": "12 34"},
    "placement_person_not_eligible": {"name": "DIALLO Awa"},
    "placement_person_unavailable": {"name": "DIALLO Awa"},
    "placement_person_busy": {"name": "DIALLO Awa", "reference": "OPH-1", "state": "interview"},
    "placement_contract_ended": {"reference": "OPH-1", "end": "2026-08-31"},
    "placement_move_refused": {"current": "hired", "wanted": "interview"},
}


def codes():
    found, todo = set(), [ClausesError]
    while todo:
        kind = todo.pop()
        found.add(kind.code)
        todo.extend(kind.__subclasses__())
    return sorted(found - ABSTRACT - IMPORTS)


@pytest.mark.parametrize("code", codes())
def test_every_error_has_a_sentence_in_french_and_in_english(app, code):
    with app.test_request_context(), force_locale("en"):
        english = render(code, PARAMS.get(code))
    with app.test_request_context(), force_locale("fr"):
        french = render(code, PARAMS.get(code))
    assert english
    assert french
    assert english != french
    assert code not in english + french


def test_sentences_follow_their_values(app):
    with app.test_request_context():
        assert render("weak_password", {"minimum": 1}).endswith("1 caractère.")
        assert render("weak_password", {"minimum": 10}).endswith("10 caractères.")
        found = render("database_not_empty", PARAMS["database_not_empty"])
        assert "1 organisation, 3 comptes)" in found
        assert "marché" not in found
        assert "août 2026" in render("declaration_not_due", PARAMS["declaration_not_due"])


def test_every_error_code_is_in_the_catalogue():
    assert set(codes()) | IMPORTS <= set(CATALOGUE)


def test_an_error_outside_the_app_reads_in_english():
    error = errors.WeakPassword(field="password", minimum=10)
    assert str(error) == "The password must have at least 10 characters."


def test_the_english_ui_shows_service_errors_in_english(app, world, db_session):
    client = app.test_client()
    login(client, world.admin)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/")})
    data = {
        "email": "new@example.fr",
        "full_name": "New",
        "role": "buyer",
        "organisation_id": str(world.contractor.organisation_id),
        "password": "long enough password",
        "csrf_token": csrf_token(client, "/admin/users/new"),
    }

    page = page_text(client.post("/admin/users/new", data=data))

    assert "A buyer account must belong to a buying organisation." in page


def test_the_command_line_speaks_french_unless_told_otherwise(app, db_session, monkeypatch):
    runner = app.test_cli_runner()
    args = ["create-user", "x@y.fr", "--role", "buyer", "--password-stdin"]

    french = json.loads(runner.invoke(args=args, input="0123456789abc\n").output)
    monkeypatch.setitem(app.config, "CLI_LOCALE", "en")
    english = json.loads(runner.invoke(args=args, input="0123456789abc\n").output)

    assert french["error"] == {
        "code": "organisation_required",
        "message": "Un compte acheteur a besoin d'une organisation.",
    }
    assert english["error"]["message"] == "A buyer account needs an organisation."
