"""DESIGN.md's bounds on every import, and the values that used to crash one (issue 13): ages 15
to 80, months from January 2000, no text longer than its column, names without format
characters; a field past the csv module's limit, absurd hours, empty and encrypted files, and
sheets past the row limit. On SQLite and on PostgreSQL, where a text longer than its column
failed the commit."""

import os
import pickle
import unicodedata
from datetime import date

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.errors import TooManyRows, UnreadableFile
from clauses.models import BatchLine, Participant
from clauses.services.contracts_import import import_contracts
from clauses.services.participants_import import import_participants
from imports import read as read_module
from imports.read import Limits, read
from tests import hostile
from tests.factories import ParticipantFactory
from tests.test_import_pipeline import HEADER, codes, row, run, xlsx
from tests.test_reference_import import (
    CONTRACT_HEADER,
    PARTICIPANT_HEADER,
    contract_row,
    participant_row,
)

CSV_HEADER = "Marché;Nom;Prénom;Date de naissance;Mois;Heures;Employeur\r\n"


def csv_row(*, last="Benali", month="03/2024", hours="35", employer=""):
    return f"OPH93-2024-007;{last};Karim;09/07/1970;{month};{hours};{employer}\r\n"


def people(session):
    return session.scalars(sa.select(Participant).order_by(Participant.id)).all()


# --- Defect 6: crashes that become row errors ---------------------------------------------------


def test_a_csv_field_past_the_csv_modules_limit_is_a_row_error(db_session, contract, karim):
    content = (CSV_HEADER + csv_row(last="B" * 200_000) + csv_row(month="02/2024")).encode()
    report = run(db_session, content, commit=True)
    assert codes(report.errors) == [(2, "value_too_long")]
    assert report.errors[0].params == {"column": "Nom", "length": 200_000, "maximum": 120}
    assert report.committed
    assert report.counts()["rows_accepted"] == 1


@pytest.mark.parametrize("hours", [1e26, 1e27, -1e27, 10**26, 10**30])
def test_absurd_hours_in_a_workbook_are_a_row_error(db_session, contract, karim, hours):
    report = run(db_session, xlsx([HEADER, row(hours=hours), row(month=date(2024, 2, 1))]))
    assert codes(report.errors) == [(2, "hours_invalid")]
    assert report.counts()["rows_accepted"] == 1


@pytest.mark.parametrize("hours", ["1" + "0" * 26, "1e27", "NaN", "inf", "1" * 200_000])
def test_absurd_hours_in_a_csv_are_a_row_error(db_session, contract, karim, hours):
    report = run(db_session, (CSV_HEADER + csv_row(hours=hours)).encode())
    assert codes(report.errors) == [(2, "hours_invalid")]
    # The value is quoted in the message, clipped: a page never shows 200,000 characters.
    assert len(str(report.errors[0].params["value"])) <= 81


def test_texts_longer_than_their_columns_are_row_errors_and_the_rest_commits(
    db_session, contract, karim
):
    header = [*HEADER, "Employeur"]
    content = xlsx(
        [
            header,
            [*row(last="L" * 121), None],
            [*row(first="F" * 121, month=date(2024, 2, 1)), None],
            [*row(month=date(2024, 1, 1)), "E" * 201],
            [*row(ref="R" * 81), None],
            [*row(kind="K" * 121, month=date(2023, 12, 1)), None],
            # 100 characters, but 300 letters once read as a name's key is ("ﬃ" is "FFI").
            [*row(last="\ufb03" * 100, month=date(2023, 11, 1)), None],
            [*row(month=date(2024, 3, 1)), "E" * 200],
        ]
    )
    report = run(db_session, content, commit=True)
    assert codes(report.errors) == [(n, "value_too_long") for n in range(2, 8)]
    assert [(e.params["column"], e.params["maximum"]) for e in report.errors] == [
        ("Nom", 120),
        ("Prénom", 120),
        ("Employeur", 200),
        ("Référence marché", 80),
        ("Type de contrat", 120),
        ("Nom", 120),
    ]
    assert report.committed
    [line] = db_session.scalars(sa.select(BatchLine).where(BatchLine.batch_id == report.batch_id))
    assert (line.row, line.employer) == (8, "E" * 200)


def test_a_combined_name_longer_than_two_columns_is_a_row_error(db_session, contract):
    content = xlsx(
        [
            ["Marché", "Nom Prénom", "Date de naissance", "Mois", "Heures"],
            ["OPH93-2024-007", f"{'A' * 121} Karim", date(1970, 7, 9), date(2024, 3, 1), 35],
        ]
    )
    report = run(db_session, content, commit=True)
    assert codes(report.errors) == [(2, "value_too_long")]
    assert report.errors[0].params["column"] == "Nom Prénom"


def test_a_contract_reference_whose_key_outgrows_its_column_is_a_row_error(db_session):
    """References are compared in capitals: 80 "ß" make a key of 160 ("SS" each)."""
    content = xlsx(
        [CONTRACT_HEADER, contract_row("ß" * 80), contract_row("T-002")], sheet="Marchés"
    )
    report = import_contracts(db_session, None, content, "contracts.xlsx")
    assert codes(report.errors) == [(2, "value_too_long")]
    assert report.errors[0].params == {"column": "Référence", "length": 160, "maximum": 80}
    assert report.created == 1


# --- Defect 9: names and dates that are not what they seem --------------------------------------


def test_a_name_made_only_of_format_characters_is_missing(db_session, contract):
    content = xlsx(
        [
            HEADER,
            row(last="\u200b\u200b\u200b"),
            row(first="\u200b\u2060\ufeff\u202e", month=date(2024, 2, 1)),
        ]
    )
    report = run(db_session, content, commit=True)
    assert codes(report.errors) == [(2, "participant_missing"), (3, "participant_missing")]
    assert all(person.name_key for person in people(db_session))


def test_names_are_read_without_format_characters_and_in_nfc(db_session, contract, karim):
    decomposed = unicodedata.normalize("NFD", "Hélène")
    content = xlsx(
        [
            HEADER,
            # An exact match once the invisible characters are gone: no new person.
            row(last="\u202aBen\u200bali\u202c", first="\u200bKarim"),
            # "\u202e" shows what follows backwards: "\u202eilaneB" would read "Benali".
            row(last="\u202eilaneB", first=decomposed, month=date(2024, 2, 1)),
        ]
    )
    report = run(db_session, content, commit=True)
    assert report.errors == []
    assert codes(report.warnings) == [(3, "participant_new")]
    assert report.accepted[0].person.id == karim.id
    new = people(db_session)[-1]
    assert (new.last_name, new.first_name) == ("ilaneB", "Hélène")
    assert new.first_name == unicodedata.normalize("NFC", "Hélène")


@pytest.mark.parametrize(
    ("birth", "valid"),
    [
        (date(1900, 1, 1), False),
        (date(1943, 3, 1), False),  # 81 on 1 March 2024, the row's month
        (date(1943, 3, 2), True),  # 80
        (date(2009, 3, 1), True),  # 15
        (date(2009, 3, 2), False),  # 14
        (date(2024, 3, 1), False),
        (date(2031, 1, 1), False),  # after the report's date
    ],
)
def test_ages_outside_15_to_80_on_the_rows_month_are_invalid(db_session, contract, birth, valid):
    report = run(db_session, xlsx([HEADER, row(last="Neuve", first="Personne", birth=birth)]))
    assert codes(report.errors) == ([] if valid else [(2, "birthdate_invalid")])
    if not valid:
        assert report.errors[0].params["birth_date"] == birth.isoformat()


@pytest.mark.parametrize("month", ["01/1900", "12/1999", date(1999, 12, 1), "janvier 1990"])
def test_months_before_2000_are_invalid(db_session, contract, karim, month):
    report = run(db_session, xlsx([HEADER, row(month=month)]))
    assert codes(report.errors) == [(2, "month_invalid")]


def test_the_participants_file_applies_the_same_bounds(db_session, tmp_path):
    ParticipantFactory(last_name="Sow", first_name="Awa", birth_date=date(1990, 4, 1))
    content = xlsx(
        [
            PARTICIPANT_HEADER,
            participant_row("\u200b\u200b"),
            participant_row("Traoré", birth=date(1900, 1, 1)),
            participant_row("Koné", birth=clock.today().replace(day=1)),
            participant_row("\u202eSow"),
            participant_row("\ufb03" * 100),
        ],
        sheet="Participants",
    )
    report = import_participants(db_session, None, content, "participants.xlsx")
    assert sorted(codes(report.errors)) == [
        (2, "value_missing"),
        (3, "birthdate_invalid"),
        (4, "birthdate_invalid"),
        (6, "value_too_long"),
    ]
    # "\u202eSow" is Sow once read: her record is updated, not a look-alike created.
    assert (report.created, report.updated + report.unchanged) == (0, 1)


# --- Defect 10: empty and encrypted files -------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n" * 10, b" \t\n"])
def test_an_empty_file_is_unreadable(db_session, content):
    with pytest.raises(UnreadableFile) as raised:
        run(db_session, content)
    assert raised.value.params == {"reason": "empty"}


def test_a_password_protected_workbook_says_so(db_session):
    with pytest.raises(UnreadableFile) as raised:
        run(db_session, hostile.encrypted_xlsx())
    assert raised.value.params == {"reason": "encrypted"}


# --- Defect 8: a bound on the rows read ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "sheet"),
    [
        (lambda rows: hostile.csv(rows), "csv"),
        (lambda rows: xlsx(rows, sheet="Relevé"), "Relevé"),
    ],
)
def test_a_sheet_past_the_row_limit_is_refused(db_session, contract, karim, make, sheet):
    rows = [HEADER, *(row(month=date(2024, month, 1)) for month in range(1, 5))]
    limits = Limits(max_rows=5)
    assert run(db_session, make(rows), limits=limits).counts()["rows_accepted"] == 4
    with pytest.raises(TooManyRows) as raised:
        run(db_session, make([*rows, row()]), limits=limits)
    assert raised.value.params == {"sheet": sheet, "maximum": 5}


# --- The reader's own limits: a workbook is read by a process of its own ------------------------


@pytest.mark.parametrize(
    ("content", "limits"),
    [
        (hostile.far_apart_cells(1_048_576, 16_384), Limits(memory=256 * 1024**2)),
        (hostile.far_apart_cells(200_000, 10_000), Limits(memory=256 * 1024**2)),
        (xlsx([HEADER, row()]), Limits(seconds=0.001)),
    ],
    ids=["17 billion cells", "2 billion cells", "past its time"],
)
def test_a_workbook_past_the_readers_limits_is_too_big(content, limits):
    with pytest.raises(UnreadableFile) as raised:
        read(content, limits)
    assert raised.value.params == {"reason": "too_big"}


def test_the_readers_answer_rebuilds_cells_only():
    """Even a reader subverted by its file could not make this process run code."""
    with pytest.raises(UnreadableFile):
        read_module._answer(pickle.dumps(("sheets", os.system)))
    answer = ("sheets", ([("Heures", [[date(2024, 3, 1), 35.5, "x"]])], frozenset()))
    assert read_module._answer(pickle.dumps(answer)) == answer
