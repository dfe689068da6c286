"""Costs a sender controls (issue 13, defect 8): a preview is analysed once, a page of issues
stays a page, the command line reads no more than the web accepts, and no sheet is read past
the row limit."""

import json
import re
from datetime import date

import pytest

from tests import hostile
from tests.conftest import login, page_text
from tests.test_import_pipeline import HEADER, row, xlsx
from tests.test_imports_web import batches, confirm, upload
from tests.test_reference_upload import send

AS_OF = "2024-04-08"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def rows_of(page, table):
    """The data rows of one of the page's issue tables ("errors" or "warnings")."""
    section = re.search(rf'<section id="{table}".*?</section>', page, re.S)
    assert section, f"no {table} section"
    return section.group(0).count("<tr><td>")


def test_a_preview_is_analysed_once_when_the_file_is_sent(
    client, world, contract, karim, count_queries
):
    login(client, world.facilitator)
    content = xlsx([HEADER, row(), row(hours="beaucoup", month=date(2024, 2, 1))])
    preview_url = upload(client, content, as_of=AS_OF).headers["Location"]
    with count_queries() as statements:
        for _ in range(3):
            page = page_text(client.get(preview_url))
    assert "Heures illisibles « beaucoup »" in page
    # Opening it again reads nothing of the import: no people, no hours, no contracts.
    touched = [s for s in statements if re.search(r"\b(participant|hour_entry|contract)\b", s)]
    assert touched == []


def test_the_confirmation_checks_again_what_changed_since_the_preview(client, world, db_session):
    login(client, world.contractor)
    p = world.participant
    content = xlsx([HEADER, [world.contract.reference, p.last_name, p.first_name, p.birth_date,
                             date(2024, 1, 1), 35, "CDI"]])  # fmt: skip
    first = upload(client, content).headers["Location"]
    second = upload(client, content).headers["Location"]
    assert confirm(client, first).status_code == 302
    response = confirm(client, second)
    assert response.headers["Location"] == "/imports/new"
    assert "déjà été importé" in page_text(client.get("/imports/new"))
    assert len(batches(db_session)) == 1


def test_a_batch_page_shows_a_page_of_issues_and_their_counts_by_code(
    client, world, contract, karim, db_session
):
    login(client, world.facilitator)
    rejected = [row(hours="beaucoup", month=f"{n % 12 + 1:02d}/2023") for n in range(250)]
    content = xlsx([HEADER, row(), *rejected, row(kind="Stage", month=date(2024, 1, 1))])
    preview_url = upload(client, content, as_of=AS_OF).headers["Location"]
    shows_a_page_of_issues(client, preview_url)
    shows_a_page_of_issues(client, confirm(client, preview_url).headers["Location"])
    [batch] = batches(db_session)
    assert batch.rows_rejected == 250


def shows_a_page_of_issues(client, url):
    page = page_text(client.get(url))
    assert rows_of(page, "errors") == 100
    assert "<strong>250</strong> Heures manquantes ou illisibles" in page
    assert "<strong>1</strong> Type de contrat inconnu" in page
    assert rows_of(page, "warnings") == 1
    assert len(page) < 100_000
    following = re.search(r'<section id="errors".*?href="([^"#]+#errors)">Suivant', page, re.S)
    assert following, "no link to the next page of errors"
    second = page_text(client.get(following.group(1)))
    assert (rows_of(second, "errors"), "Page 2 sur 3" in second) == (100, True)
    last = page_text(client.get(f"{url}?errors_page=3"))
    assert rows_of(last, "errors") == 50
    assert "Page 3 sur 3" in last
    # Past the last page: the last page.
    assert rows_of(page_text(client.get(f"{url}?errors_page=99999999999999999999")), "errors") == 50


def test_a_preview_shows_a_page_of_its_hours_per_contract_and_month(client, world, contract, karim):
    login(client, world.facilitator)
    months = [date(2000 + n // 12, n % 12 + 1, 1) for n in range(150)]
    preview_url = upload(
        client, xlsx([HEADER, *(row(month=month) for month in months)]), as_of=AS_OF
    ).headers["Location"]
    page = page_text(client.get(preview_url))
    assert page.count("<td>OPH93-2024-007</td>") == 100
    last = page_text(client.get(f"{preview_url}?totals_page=2"))
    assert last.count("<td>OPH93-2024-007</td>") == 50


# --- The command line's size limit -------------------------------------------------------------


@pytest.mark.parametrize("command", ["import-timesheet", "import-contracts", "import-participants"])
def test_the_command_line_reads_no_more_than_the_webs_limit(
    runner, app, db_session, tmp_path, monkeypatch, command
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    path = tmp_path / "gros.csv"
    path.write_bytes(hostile.csv([[*HEADER, "Commentaire"], [*row()[:6], "x" * 1024 * 1024]]))
    result = runner.invoke(args=[command, str(path), "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.output)["error"]
    assert error["code"] == "unreadable_file"
    assert "1 Mo" in error["message"]
    assert "--max-bytes" in error["message"]
    raised = runner.invoke(args=[command, str(path), "--json", "--max-bytes", str(2 * 1024**2)])
    assert "unreadable_file" not in raised.output


def test_a_special_file_is_read_no_further_than_the_limit(runner, app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    result = runner.invoke(args=["import-timesheet", "/dev/zero", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "unreadable_file"


# --- The rows read per sheet --------------------------------------------------------------------


@pytest.fixture
def five_rows(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ROWS_PER_SHEET", 5)


def long_sheet():
    return xlsx([HEADER, *(row(month=date(2023, month, 1)) for month in range(1, 7))])


def test_the_command_line_refuses_a_sheet_past_the_row_limit(
    runner, db_session, contract, karim, tmp_path, five_rows
):
    path = tmp_path / "long.xlsx"
    path.write_bytes(long_sheet())
    result = runner.invoke(args=["import-timesheet", str(path), "--as-of", AS_OF, "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"] == {
        "code": "too_many_rows",
        "message": "La feuille « Heures » a plus de 5 lignes : elle n'a pas été lue. Découpez-la "
        "en plusieurs fichiers.",
    }


def test_the_web_refuses_a_sheet_past_the_row_limit(client, world, db_session, five_rows):
    login(client, world.facilitator)
    response = upload(client, long_sheet(), as_of=AS_OF)
    assert response.headers["Location"] == "/imports/new"
    assert "La feuille « Heures » a plus de 5 lignes" in page_text(client.get("/imports/new"))
    assert batches(db_session) == []


def test_a_reference_file_past_the_row_limit_is_refused(client, world, five_rows):
    login(client, world.facilitator)
    people = [["Nom", "Prénom", "Date de naissance"]] + [
        ["Sow", f"Awa {n}", "1990-01-01"] for n in range(6)
    ]
    response = send(client, "/participants/import", hostile.csv(people), "p.csv")
    assert "La feuille « csv » a plus de 5 lignes" in page_text(response)


def test_a_reference_file_lists_its_first_issues_and_counts_them_all(client, world):
    login(client, world.facilitator)
    people = [["Nom", "Prénom", "Date de naissance"]] + [
        ["Sow", f"Awa {n}", "pas connue"] for n in range(150)
    ]
    page = page_text(send(client, "/participants/import", hostile.csv(people), "p.csv"))
    assert rows_of(page, "errors") == 100
    assert "<strong>150</strong> Date de naissance manquante, illisible ou impossible" in page
    assert "Seuls les 100 premiers éléments sur 150 sont listés." in page
