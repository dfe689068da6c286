"""The hostile-file corpus (issue 13): each file, made by code (tests/hostile.py), is sent
through the web upload and through the command line. Each gives a clear error or a clean
import, within a bounded time and memory, and the app still serves a page afterwards."""

import io
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest

from tests import hostile
from tests.conftest import login, page_text
from tests.test_imports_web import confirm, upload

AS_OF = "2024-04-08"
SECONDS = 60  # generous: two cores shared by the whole test run
PYTHON_MEMORY = 200 * 1024 * 1024  # what this process allocates, the reader's process apart
READER_MEMORY = 256 * 1024 * 1024  # the reader's own limit during these tests


@dataclass(frozen=True)
class Error:
    code: str
    sentence: str  # part of the French message


@dataclass(frozen=True)
class Imported:
    errors: list[tuple[int, str]]  # (row, code) of the rejected rows
    accepted: int


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    make: Callable[[], bytes]
    outcome: Error | Imported


NOT_A_WORKBOOK = Error("unreadable_file", "ne peut pas être lu comme un classeur")
NOT_A_SPREADSHEET = Error("unreadable_file", "ni un classeur ni un texte CSV lisible")
EMPTY = Error("unreadable_file", "Le fichier est vide")
TOO_BIG = Error("unreadable_file", "trop volumineux pour être lu")
REF, BIRTH = "OPH93-2024-007", "09/07/1970"


def sheet(*rows: list[object]) -> bytes:
    return hostile.csv([hostile.HEADER, *rows])


def formulas() -> bytes:
    """Formulas typed in cells (openpyxl writes text starting with "=" as one, unevaluated)."""
    return hostile.xlsx(
        [
            hostile.HEADER,
            [REF, "Benali", "Karim", date(1970, 7, 9), date(2024, 3, 1), "=20+15"],
            [REF, "=2+3", "Karim", date(1970, 7, 9), date(2024, 2, 1), 35],
            [REF, "Benali", "Karim", date(1970, 7, 9), date(2024, 1, 1), 35],
        ]
    )


CASES = [
    Case("zip bomb", "bombe.xlsx", lambda: hostile.zip_bomb(lying=False),
         Error("unreadable_file", "se décompresse en un volume anormal")),
    Case("zip bomb lying about its sizes", "bombe.xlsx", lambda: hostile.zip_bomb(lying=True),
         NOT_A_WORKBOOK),
    Case("XXE", "xxe.xlsx", hostile.xxe, NOT_A_WORKBOOK),
    Case("billion laughs", "rires.xlsx", hostile.billion_laughs, NOT_A_WORKBOOK),
    Case("random bytes", "hasard.xlsx", hostile.random_bytes, NOT_A_SPREADSHEET),
    Case("an executable", "programme.csv", hostile.executable, NOT_A_SPREADSHEET),
    Case("0 bytes", "vide.csv", lambda: b"", EMPTY),
    Case("a million empty lines", "vide.csv", hostile.million_empty_lines, EMPTY),
    Case("a header, then 300,000 empty lines", "long.csv",
         lambda: hostile.header_then_empty_lines(300_000),
         Error("too_many_rows", "La feuille « csv » a plus de 200000 lignes")),
    Case("10,000 columns", "large.csv",
         lambda: hostile.many_columns(10_000, [[REF, "Benali", "Karim", BIRTH, "03/2024", 35]]),
         Imported([], 1)),
    Case("two cells 2 billion cells apart", "loin.xlsx",
         lambda: hostile.far_apart_cells(200_000, 10_000), TOO_BIG),
    Case("one .ods cell repeated a billion times", "repete.ods",
         lambda: hostile.repeated_ods(1_000_000, 1_000), Error("unreadable_file", "")),
    Case("a password", "protege.xlsx", hostile.encrypted_xlsx,
         Error("unreadable_file", "protégé par un mot de passe")),
    Case("a header only", "entete.xlsx", hostile.header_only, Imported([], 0)),
    Case("formulas", "formules.xlsx", formulas,
         Imported([(2, "hours_invalid"), (3, "participant_missing")], 1)),
    Case("right-to-left, zero-width and emoji names", "noms.csv", lambda: sheet(
        [REF, "\u202eilaneB", "Karim", BIRTH, "03/2024", 35],
        [REF, "\u200b\u200b", "Karim", BIRTH, "02/2024", 35],
        [REF, "😀", "Ana", "01/01/1990", "03/2024", 35],
        [REF, "Benali 🌸", "Ka\u200drim", BIRTH, "01/2024", 35],
    ), Imported([(3, "participant_missing")], 3)),
    Case("dates in 1900 and 2999", "dates.csv", lambda: sheet(
        [REF, "Benali", "Karim", "01/01/1900", "03/2024", 35],
        [REF, "Benali", "Karim", BIRTH, "01/1900", 35],
        [REF, "Inconnu", "Karim", "01/01/2999", "03/2024", 35],
        [REF, "Benali", "Karim", BIRTH, "01/2999", 35],
    ), Imported([(2, "birthdate_invalid"), (3, "month_invalid"), (4, "birthdate_invalid"),
                 (5, "month_invalid")], 0)),
    Case("negative, NaN and 1e27 hours", "heures.csv", lambda: sheet(
        [REF, "Benali", "Karim", BIRTH, "03/2024", -7],
        [REF, "Benali", "Karim", BIRTH, "02/2024", "NaN"],
        [REF, "Benali", "Karim", BIRTH, "01/2024", "1e27"],
        [REF, "Benali", "Karim", BIRTH, "12/2023", 10**27],
    ), Imported([(2, "hours_negative"), (3, "hours_invalid"), (4, "hours_invalid"),
                 (5, "hours_invalid")], 0)),
    Case("a 200,000-character field", "long.csv", lambda: sheet(
        [REF, "B" * 200_000, "Karim", BIRTH, "03/2024", 35],
        [REF, "Benali", "Karim", BIRTH, "02/2024", "3" * 200_000],
        [REF, "Benali", "Karim", BIRTH, "01/2024", 35],
    ), Imported([(2, "value_too_long"), (3, "hours_invalid")], 1)),
    Case("over-long names", "noms.xlsx", lambda: hostile.xlsx([
        hostile.HEADER,
        [REF, "N" * 121, "Karim", BIRTH, "03/2024", 35],
        [REF, "Benali", "P" * 121, BIRTH, "02/2024", 35],
        [REF, "\ufb03" * 100, "Karim", BIRTH, "01/2024", 35],
        [REF, "N" * 120, "P" * 120, BIRTH, "12/2023", 35],
    ]), Imported([(2, "value_too_long"), (3, "value_too_long"), (4, "value_too_long")], 1)),
]  # fmt: skip


@pytest.fixture
def reader_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_READ_MEMORY", READER_MEMORY)


@contextmanager
def bounded() -> Iterator[None]:
    """What runs inside takes less than SECONDS and allocates less than PYTHON_MEMORY here."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < SECONDS
    assert peak < PYTHON_MEMORY


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_file_through_the_web(client, world, contract, karim, reader_limit, case):
    content = case.make()
    login(client, world.facilitator)
    with bounded():
        response = upload(client, content, case.filename, as_of=AS_OF)
        page = page_text(client.get(response.headers["Location"]))
    if isinstance(case.outcome, Error):
        assert response.headers["Location"] == "/imports/new"
        assert case.outcome.sentence in page
    else:
        assert response.headers["Location"].startswith("/imports/preview/")
        assert [code for _, code in case.outcome.errors] == codes_shown(page, "errors")
        with bounded():
            done = confirm(client, response.headers["Location"])
        assert done.status_code == 302
    assert "root:" not in page  # nothing of the server's files
    assert client.get("/imports/").status_code == 200


def codes_shown(page: str, section: str) -> list[str]:
    """The codes of a preview's table of errors, in order."""
    table = page.split(f'<section id="{section}"')[1].split("</section>")[0]
    rows = table.split("<tbody>")[1] if "<tbody>" in table else ""
    return [cell.split("</code>")[0] for cell in rows.split("<code>")[1:]]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_file_through_the_command_line(
    app, client, world, contract, karim, reader_limit, tmp_path, case
):
    path = tmp_path / case.filename
    path.write_bytes(case.make())
    args = ["import-timesheet", str(path), "--as-of", AS_OF, "--commit", "--json"]
    with bounded():
        result = app.test_cli_runner().invoke(args=args)
    output = json.loads(result.output)
    if isinstance(case.outcome, Error):
        assert result.exit_code == 2
        assert output["error"]["code"] == case.outcome.code
        assert case.outcome.sentence in output["error"]["message"]
    else:
        assert result.exit_code == 0, result.output
        assert [(e["row"], e["code"]) for e in output["errors"]] == case.outcome.errors
        assert output["rows_accepted"] == case.outcome.accepted
        assert output["committed"] is bool(case.outcome.accepted)
    assert "root:" not in result.output
    login(client, world.facilitator)
    assert client.get("/imports/").status_code == 200


def test_a_file_over_the_size_limit(app, client, world, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    content = hostile.many_columns(10, [["x" * 100] * 16] * 1000) + b"x" * 1024 * 1024
    login(client, world.facilitator)
    with bounded():
        response = upload(client, content, "gros.csv", as_of=AS_OF)
    assert response.status_code == 413
    assert "Le fichier est trop volumineux" in page_text(response)
    path = tmp_path / "gros.csv"
    path.write_bytes(content)
    with bounded():
        result = app.test_cli_runner().invoke(args=["import-timesheet", str(path), "--json"])
    assert result.exit_code == 2
    assert "dépasse la limite de 1 Mo" in json.loads(result.output)["error"]["message"]
    assert client.get("/imports/").status_code == 200


def test_formulas_of_a_sent_file_never_come_back_live(client, world, contract, karim):
    """The rejected rows to fix come back as text, whatever the file's cells held (issue 12's
    formula injection, on a file of the corpus)."""
    content = sheet(
        [REF, "=cmd|' /C calc'!A0", "Karim", BIRTH, "03/2024", "beaucoup"],
        [REF, "@SUM(1+1)*cmd|' /C calc'!A0", "Karim", BIRTH, "02/2024", "-1"],
        [REF, "Benali", "Karim", BIRTH, "01/2024", 35],
    )
    login(client, world.facilitator)
    detail = confirm(
        client, upload(client, content, "formules.csv", as_of=AS_OF).headers["Location"]
    )
    rejected = client.get(f"{detail.headers['Location']}/rejected.xlsx").data
    cells = [cell for row in openpyxl.load_workbook(io.BytesIO(rejected)).active for cell in row]
    assert [cell.value for cell in cells if cell.column == 4][1:] == [
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
    ]
    assert all(cell.data_type != "f" for cell in cells)
