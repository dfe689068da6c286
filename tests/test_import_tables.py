"""The one table reader every spreadsheet import shares: the same skipped rows in the hour sheets,
the contracts and the participants files, and the sheets a workbook marks as helpers."""

import io
from datetime import date

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from clauses.errors import NoHeader
from clauses.rules.names import normalise_name
from clauses.services.contracts_import import import_contracts
from clauses.services.participants_import import import_participants
from clauses.services.timesheets import import_timesheet
from imports.read import read
from tests.factories import ContractFactory, ParticipantFactory
from tests.test_import_pipeline import AS_OF, HEADER, row
from tests.test_reference_import import (
    CONTRACT_HEADER,
    PARTICIPANT_HEADER,
    contract_row,
    participant_row,
)


def xlsx(sheets, helpers=()):
    """A workbook of these sheets; `helpers` are marked as the template marks its helper sheets."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for cells in rows:
            sheet.append(cells)
    for number, name in enumerate(helpers, start=1):
        quoted = name.replace("'", "''")
        marker = DefinedName(f"ClausesHelperSheet{number}", attr_text=f"'{quoted}'!$A$1")
        book.defined_names[marker.name] = marker
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shouted(header):
    """The header as a pasted copy may write it: capitals, accents dropped."""
    return [normalise_name(label) for label in header]


@pytest.fixture
def contract(db_session):
    return ContractFactory(
        reference="OPH93-2024-007", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)
    )


@pytest.fixture
def karim(db_session):
    return ParticipantFactory(
        last_name="Benali", first_name="Karim", birth_date=date(1970, 7, 9), validated=True
    )


# --- Skipped rows: the same rules in every import ----------------------------------------------


def test_a_sous_total_row_is_skipped_in_a_contracts_file(db_session):
    subtotal = ["Sous-total", *[None] * 9, 2400]
    content = xlsx(
        {"Marchés": [CONTRACT_HEADER, contract_row("S-1"), contract_row("S-2"), subtotal]}
    )

    report = import_contracts(db_session, None, content, "marchés.xlsx")

    assert (report.created, report.rejected, report.errors) == (2, 0, [])


def test_a_repeated_header_in_capitals_is_skipped_in_a_contracts_file(db_session):
    rows = [CONTRACT_HEADER, contract_row("R-1"), shouted(CONTRACT_HEADER), contract_row("R-2")]

    report = import_contracts(db_session, None, xlsx({"Marchés": rows}), "marchés.xlsx")

    assert (report.created, report.rejected, report.errors) == (2, 0, [])


def test_a_repeated_header_in_capitals_is_skipped_in_a_participants_file(db_session):
    rows = [
        PARTICIPANT_HEADER,
        participant_row("Diallo"),
        shouted(PARTICIPANT_HEADER),
        participant_row("Sow"),
    ]

    report = import_participants(db_session, None, xlsx({"Participants": rows}), "p.xlsx")

    assert (report.created, report.rejected, report.errors) == (2, 0, [])


def test_a_repeated_header_in_capitals_is_skipped_in_an_hour_sheet(db_session, contract, karim):
    rows = [HEADER, row(month=date(2024, 1, 1)), shouted(HEADER), row(month=date(2024, 2, 1))]

    report = import_timesheet(db_session, xlsx({"Heures": rows}), "h.xlsx", as_of=AS_OF)

    counts = report.counts()
    assert (counts["rows_accepted"], counts["rows_rejected"], counts["rows_skipped"]) == (2, 0, 1)


# --- Helper sheets -------------------------------------------------------------------------


def test_a_workbook_names_its_helper_sheets():
    content = xlsx({"Heures": [HEADER], "L'istes": [["x"]], "Notes": [["y"]]}, helpers=["L'istes"])
    workbook = read(content)
    assert workbook.helper_sheets == {"L'istes"}
    assert [sheet.name for sheet in workbook.data_sheets] == ["Heures", "Notes"]


def test_helper_sheets_are_skipped_without_a_warning(db_session, contract, karim):
    content = xlsx(
        {
            "Heures": [HEADER, row()],
            "Listes": [["OPH93-2024-007"], ["03/2024"]],
            "Consignes": [["Une ligne par personne et par mois."]],
            "Notes": [["Relevé envoyé par le chef de chantier."]],
        },
        helpers=["Listes", "Consignes"],
    )

    report = import_timesheet(db_session, content, "h.xlsx", as_of=AS_OF)

    assert report.errors == []
    assert [(w.sheet, w.code.value) for w in report.warnings] == [("Notes", "sheet_skipped")]


def test_a_workbook_of_helper_sheets_only_has_no_header(db_session):
    content = xlsx({"Heures": [HEADER]}, helpers=["Heures"])
    with pytest.raises(NoHeader):
        import_timesheet(db_session, content, "h.xlsx", as_of=AS_OF)
