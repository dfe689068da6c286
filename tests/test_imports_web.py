"""Uploading an hour sheet through the web: preview, confirm or cancel, the batch page, its
files, the rollback, and the template; each role in its scope."""

import html
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from clauses.models import BatchState, HourEntry, ImportBatch
from imports.read import read
from tests.conftest import csrf_token, login
from tests.test_import_pipeline import HEADER, xlsx


def sheet_for(world, *rows):
    p = world.participant
    base = [world.contract.reference, p.last_name, p.first_name, p.birth_date]
    return xlsx([HEADER, *([*base, month, hours, "CDI"] for month, hours in rows)])


def batches(session):
    """The batches sent through the page (the world's own hours come from a factory batch)."""
    return session.scalars(
        sa.select(ImportBatch).where(ImportBatch.uploaded_by_id.is_not(None))
    ).all()


def upload(client, content, filename="releve.xlsx", **fields):
    token = csrf_token(client, "/imports/new")
    sent = FileStorage(io.BytesIO(content), filename, content_type="application/octet-stream")
    # Encoded here, in memory: the test client spools a body over 500 KB to a temporary file
    # that it never closes.
    boundary, body = encode_multipart({"csrf_token": token, "file": sent, **fields})
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post("/imports/new", data=body, content_type=content_type)


def confirm(client, preview_url):
    token = csrf_token(client, preview_url)
    return client.post(f"{preview_url}/confirm", data={"csrf_token": token})


def test_contractor_uploads_previews_and_confirms(client, world, db_session):
    login(client, world.contractor)
    content = sheet_for(world, (date(2024, 1, 1), 35), (date(2024, 2, 1), "beaucoup"))
    response = upload(client, content)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Vérifier avant d'enregistrer" in page
    assert "Heures illisibles « beaucoup »" in page
    assert batches(db_session) == []
    response = confirm(client, preview_url)
    assert response.status_code == 302
    [batch] = batches(db_session)
    assert (batch.rows_accepted, batch.rows_rejected, batch.contractor_id) == (
        1,
        1,
        world.contract.contractor_id,
    )
    assert batch.uploaded_by_id == world.contractor.id
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Télécharger les lignes rejetées" in detail
    assert client.get(preview_url).status_code == 404  # the pending file is gone


def test_cancel_records_nothing(client, world, db_session):
    login(client, world.contractor)
    preview_url = upload(client, sheet_for(world, (date(2024, 1, 1), 35))).headers["Location"]
    token = csrf_token(client, preview_url)
    assert client.post(f"{preview_url}/cancel", data={"csrf_token": token}).status_code == 302
    assert client.get(preview_url).status_code == 404
    assert batches(db_session) == []


def test_a_preview_belongs_to_its_uploader(client, app, world):
    login(client, world.contractor)
    preview_url = upload(client, sheet_for(world, (date(2024, 1, 1), 35))).headers["Location"]
    other = app.test_client()
    login(other, world.facilitator)
    assert other.get(preview_url).status_code == 404


def test_contractor_cannot_name_another_contractors_contract(client, world):
    login(client, world.contractor)
    p = world.participant
    content = xlsx(
        [
            HEADER,
            [
                world.other_contract.reference,
                p.last_name,
                p.first_name,
                p.birth_date,
                date(2024, 1, 1),
                35,
                "CDI",
            ],
        ]
    )
    page = client.get(upload(client, content).headers["Location"]).get_data(as_text=True)
    assert f"Le marché « {world.other_contract.reference} » est inconnu" in page


def test_unreadable_file_is_a_clear_message(client, world):
    login(client, world.contractor)
    response = upload(client, b"%PDF-1.4\x00\x00 not a sheet", filename="scan.xlsx")
    assert response.headers["Location"] == "/imports/new"
    page = client.get(response.headers["Location"])
    assert "ni un classeur ni un texte CSV lisible" in page.get_data(as_text=True)


def test_upload_larger_than_the_limit_is_refused(client, app, world):
    login(client, world.contractor)
    limit = app.config["MAX_CONTENT_LENGTH"]
    # A raw body (not a file field) so that the test client keeps it in memory.
    body = b"x" * (limit + 1)
    response = client.post(
        "/imports/new", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert "Le fichier est trop volumineux" in response.get_data(as_text=True)


def test_same_file_twice_is_refused_when_sent(client, world):
    login(client, world.contractor)
    content = sheet_for(world, (date(2024, 1, 1), 35))
    confirm(client, upload(client, content).headers["Location"])
    response = upload(client, content)
    assert response.headers["Location"] == "/imports/new"
    assert "déjà été importé" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_batch_files_rejected_rows_and_rollback(client, world, db_session):
    login(client, world.facilitator)
    content = sheet_for(world, (date(2024, 1, 1), 35), (date(2024, 2, 1), -3))
    detail_url = confirm(client, upload(client, content).headers["Location"]).headers["Location"]
    [batch] = batches(db_session)
    assert client.get(f"{detail_url}/file").data == content
    rejected = read(client.get(f"{detail_url}/rejected.xlsx").data).sheets[0]
    assert rejected.rows[0][:3] == ["Ligne", "Motif du rejet", "Référence marché"]
    assert rejected.rows[1][0] == 3
    assert "Heures négatives" in rejected.rows[1][1]
    world_entries = 2
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HourEntry)) == world_entries + 1
    token = csrf_token(client, detail_url)
    assert client.post(f"{detail_url}/rollback", data={"csrf_token": token}).status_code == 302
    db_session.refresh(batch)
    assert batch.state is BatchState.ROLLED_BACK
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HourEntry)) == world_entries


def test_contractor_sees_its_batches_but_cannot_roll_back(client, world, db_session):
    login(client, world.contractor)
    detail_url = confirm(
        client, upload(client, sheet_for(world, (date(2024, 1, 1), 35))).headers["Location"]
    )
    detail_url = detail_url.headers["Location"]
    assert "Annuler cet import" not in client.get(detail_url).get_data(as_text=True)
    token = csrf_token(client, detail_url)
    assert client.post(f"{detail_url}/rollback", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("who", ["other_contractor", "buyer"])
def test_others_never_see_a_batch(client, app, world, who):
    login(client, world.contractor)
    detail_url = confirm(
        client, upload(client, sheet_for(world, (date(2024, 1, 1), 35))).headers["Location"]
    )
    detail_url = detail_url.headers["Location"]
    other = app.test_client()
    login(other, getattr(world, who))
    expected = 404 if who == "other_contractor" else 403
    for suffix in ("", "/file", "/rejected.xlsx"):
        assert other.get(f"{detail_url}{suffix}").status_code == expected
    assert world.contract.reference not in other.get("/imports/").get_data(as_text=True)


def test_filled_in_template_imports_without_errors_or_warnings(client, world, db_session):
    login(client, world.contractor)
    template = openpyxl.load_workbook(io.BytesIO(client.get("/imports/template.xlsx").data))
    references = [cell.value for cell in template["Listes"]["A"] if cell.value]
    assert references == [world.contract.reference]
    people = list(template["Personnes"].iter_rows(min_row=2, values_only=True))
    assert [(last, first) for last, first, _ in people] == [
        (world.participant.last_name, world.participant.first_name)
    ]
    types = [cell.value for cell in template["Listes"]["C"] if cell.value]
    sheet = template["Heures"]
    last, first, birth = people[0]
    for row, kind in enumerate(types, start=2):
        values = [references[0], last, first, birth, "01/2024", 35.5, kind, "Tremplin 93"]
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value)
    buffer = io.BytesIO()
    template.save(buffer)
    preview_url = upload(client, buffer.getvalue(), filename="modele.xlsx").headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Aucune ligne n'est rejetée." in page
    # Its helper sheets (Listes, Personnes, Consignes) are marked as such: no sheet_skipped.
    assert "Aucun avertissement." in page
    confirm(client, preview_url)
    [batch] = batches(db_session)
    assert (batch.rows_accepted, batch.rows_rejected) == (len(types), 0)


def test_confirming_a_preview_without_accepted_rows_records_nothing(client, world, db_session):
    login(client, world.contractor)
    content = sheet_for(world, (date(2024, 1, 1), "beaucoup"), (date(2024, 2, 1), -3))
    preview_url = upload(client, content).headers["Location"]
    response = confirm(client, preview_url)
    assert response.status_code == 302
    assert batches(db_session) == []
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Aucune ligne n'est acceptée : rien n'est enregistré." in page
    assert client.get(preview_url).status_code == 404  # the pending file is gone
