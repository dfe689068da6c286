"""Reads of personal data are audited (issue 13, defect 10): a person's page and an original hour
sheet (it holds names), each view an event saying who, when and which; the audit page says it in
words; a record's history of changes leaves them out."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clauses.models import AuditLog
from tests.conftest import login, page_text


def events(db_session, action):
    return list(db_session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def is_recent(at: datetime) -> bool:
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return datetime.now(UTC) - at < timedelta(minutes=1)


@pytest.mark.parametrize("role", ["admin", "facilitator", "contractor"])
def test_each_view_of_a_person_s_page_is_recorded(app, world, db_session, role):
    viewer = getattr(world, role)
    client = app.test_client()
    login(client, viewer)
    for _ in range(2):
        assert client.get(f"/participants/{world.participant.id}").status_code == 200
    viewed = events(db_session, "participant_viewed")
    assert [(e.user_id, e.object_type, e.object_id) for e in viewed] == [
        (viewer.id, "participant", str(world.participant.id))
    ] * 2
    assert all(is_recent(e.at) for e in viewed)


def test_the_edit_form_is_a_view_of_the_person(app, world, db_session):
    client = app.test_client()
    login(client, world.facilitator)
    assert client.get(f"/participants/{world.participant.id}/edit").status_code == 200
    [viewed] = events(db_session, "participant_viewed")
    assert (viewed.user_id, viewed.object_id) == (world.facilitator.id, str(world.participant.id))


@pytest.mark.parametrize(("role", "status"), [("contractor", 404), ("buyer", 403)])
def test_a_refused_view_records_nothing(app, world, db_session, role, status):
    client = app.test_client()
    login(client, getattr(world, role))
    assert client.get(f"/participants/{world.stranger.id}").status_code == status
    assert events(db_session, "participant_viewed") == []


def test_the_person_s_history_shows_changes_not_views(app, world, db_session):
    client = app.test_client()
    login(client, world.facilitator)
    client.get(f"/participants/{world.participant.id}")
    page = page_text(client.get(f"/participants/{world.participant.id}"))
    history = page.split('id="history-title"', 1)[1]
    assert "consult" not in history.lower()
    assert len(events(db_session, "participant_viewed")) == 2


def test_each_download_of_an_original_hour_sheet_is_recorded(app, world, db_session):
    batch = world.contract.hour_entries[0].batch
    client = app.test_client()
    login(client, world.contractor)
    response = client.get(f"/imports/{batch.id}/file")
    assert response.status_code == 200
    [downloaded] = events(db_session, "batch_file_downloaded")
    assert (downloaded.user_id, downloaded.object_type, downloaded.object_id) == (
        world.contractor.id,
        "import_batch",
        str(batch.id),
    )
    assert downloaded.details == {"filename": batch.filename}
    assert is_recent(downloaded.at)


@pytest.mark.parametrize(
    ("lang", "viewed", "downloaded"),
    [
        ("fr", "fiche de la personne consultée", "relevé d'heures d'origine téléchargé"),
        ("en", "person's page viewed", "original hour sheet downloaded"),
    ],
)
def test_the_audit_page_says_it_in_words(app, world, lang, viewed, downloaded):
    client = app.test_client()
    login(client, world.admin)
    client.get(f"/participants/{world.participant.id}")
    client.get(f"/imports/{world.contract.hour_entries[0].batch.id}/file")
    with client.session_transaction() as session:
        session["lang"] = lang
    page = page_text(client.get("/admin/audit"))
    assert viewed in page
    assert downloaded in page
