"""Importing contracts and participants from their list pages (clause team only)."""

import io

import pytest
import sqlalchemy as sa

from clauses.models import AuditLog, Contract, Participant
from tests.conftest import FIXTURES, csrf_token, login


def send(client, path, content, filename):
    token = csrf_token(client, path)
    data = {"csrf_token": token, "file": (io.BytesIO(content), filename)}
    return client.post(path, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("path", "fixture", "model", "count"),
    [
        ("/contracts/import", "contracts.xlsx", Contract, 4),
        ("/participants/import", "participants.xlsx", Participant, 11),
    ],
)
def test_clause_team_imports_the_fixture_files(
    client, world, db_session, path, fixture, model, count
):
    login(client, world.facilitator)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(model))
    response = send(client, path, (FIXTURES / fixture).read_bytes(), fixture)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"{count} créés, 0 mis à jour" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(model)) == before + count
    event = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "import")).one()
    assert event.user_id == world.facilitator.id
    again = send(client, path, (FIXTURES / fixture).read_bytes(), fixture).get_data(as_text=True)
    assert f"0 créé, 0 mis à jour, {count} inchangés" in again


def test_bad_file_is_a_message_not_a_crash(client, world):
    login(client, world.admin)
    response = send(client, "/contracts/import", b"\x00\x01 garbage" * 50, "marches.xlsx")
    assert response.status_code == 200
    assert "ni un classeur ni un texte CSV lisible" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["buyer", "contractor"])
@pytest.mark.parametrize("path", ["/contracts/import", "/participants/import"])
def test_only_the_clause_team_imports_reference_files(client, world, role, path):
    login(client, getattr(world, role))
    assert client.get(path).status_code == 403
