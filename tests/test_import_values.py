"""The value parsers and the header rules of the import, case tables and properties."""

import time
import unicodedata
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clauses.errors import TooManyRows, UnreadableFile
from clauses.models.enums import EmploymentType
from clauses.rules import names
from clauses.rules.names import name_key, normalise_name
from imports.cells import (
    EARLIEST_MONTH,
    HOURS_LIMIT,
    TWO_PLACES,
    employment_type,
    parse_date,
    parse_hours,
    parse_month,
    person_name,
    shown,
    split_combined_name,
)
from imports.headers import HOUR_SHEET, Field, field_of
from imports.match import People
from imports.pipeline import analyse
from imports.read import Limits, Sheet, Workbook, read
from imports.reference import KnownContract
from imports.results import RowDecision
from imports.table import find_header
from imports.validate import Context


@pytest.mark.parametrize(
    ("cell", "hours"),
    [
        (35, "35"),
        (35.5, "35.5"),
        ("35,5", "35.5"),
        ("35.5", "35.5"),
        ("35h", "35"),
        ("35 h", "35"),
        ("35H", "35"),
        ("49h30", "49.5"),
        ("20h30", "20.5"),
        ("35h00", "35"),
        ("7h45", "7.75"),
        ("-7", "-7"),
        ("12.345", "12.35"),
        (" 35 ", "35"),
    ],
)
def test_hours_as_contractors_type_them(cell, hours):
    assert parse_hours(cell) == Decimal(hours)


@pytest.mark.parametrize(
    "cell", [None, "", "  ", "beaucoup", "35h75", "3 5", True, "nan", float("nan")]
)
def test_unreadable_hours_are_none(cell):
    assert parse_hours(cell) is None


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False))
def test_hours_written_with_a_comma_read_back_exactly(value):
    assert parse_hours(f"{value:f}".replace(".", ",")) == value


@given(st.integers(0, 300), st.integers(0, 59))
def test_hours_and_minutes(whole, minutes):
    expected = (Decimal(whole) + Decimal(minutes) / 60).quantize(Decimal("0.01"))
    assert parse_hours(f"{whole}h{minutes:02d}") == expected


@pytest.mark.parametrize(
    "cell",
    [
        datetime(2024, 3, 1),
        date(2024, 3, 17),
        "mars 2024",
        "Mars-2024",
        "MARS 2024",
        "03/2024",
        "3/2024",
        "2024-03",
        "01/03/2024",
        "2024-03-01",
        "march 2024",
        45352,
    ],
)
def test_months_in_every_form(cell):
    assert parse_month(cell) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("cell", "month"),
    [
        ("février 2024", date(2024, 2, 1)),
        ("Décembre 2023", date(2023, 12, 1)),
        ("août 2023", date(2023, 8, 1)),
    ],
)
def test_french_month_names_with_accents(cell, month):
    assert parse_month(cell) == month


@pytest.mark.parametrize(
    "cell", [None, "", "bientôt", "13/2024", "2024-13", "mars", 3, "32/01/2024"]
)
def test_unreadable_months_are_none(cell):
    assert parse_month(cell) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_day_first_and_iso_dates(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.isoformat()) == day
    # DESIGN.md: a month before January 2000 is month_invalid.
    month = day.replace(day=1) if day.year >= 2000 else None
    assert parse_month(f"{day.month:02d}/{day.year}") == month


def test_text_dates_are_day_first():
    assert parse_date("02/04/1979") == date(1979, 4, 2)
    assert parse_date("31/02/1979") is None


@pytest.mark.parametrize(
    ("cell", "last", "first"),
    [
        ("DA SILVA Ana-Paula", "DA SILVA", "Ana-Paula"),
        ("N'GUESSAN Aya", "N'GUESSAN", "Aya"),
        ("Dupont Jean", "Dupont", "Jean"),  # no word in capitals: first word
        ("DUPONT JEAN", "DUPONT", "JEAN"),  # every word in capitals: first word
        ("LE GOFF Hélène Marie", "LE GOFF", "Hélène Marie"),
        ("DIALLO", "DIALLO", ""),
    ],
)
def test_combined_name_split(cell, last, first):
    assert split_combined_name(cell) == (last, first)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Benoît", "Benoit"),
        ("Dupont-Moreau", "DUPONT MOREAU"),
        ("LE  GOFF", "Le Goff"),
        ("Hélène", "HELENE"),
    ],
)
def test_names_compare_after_normalisation(a, b):
    assert normalise_name(a) == normalise_name(b)


@given(st.text(max_size=40))
def test_name_normalisation_is_idempotent_and_plain(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert all(ch.isascii() and (ch.isupper() or ch.isdigit() or ch == " ") for ch in once)


def test_name_key_is_last_then_first():
    assert name_key("N'Guessan", "Aya") == "N GUESSAN AYA"


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("CDI", EmploymentType.CDI),
        ("cdd", EmploymentType.CDD),
        ("Intérim", EmploymentType.INTERIM),
        ("Interim", EmploymentType.INTERIM),
        ("ETT", EmploymentType.INTERIM),
        ("ETTI", EmploymentType.INTERIM),
        ("Apprenti", EmploymentType.APPRENTICESHIP),
        ("Apprentissage", EmploymentType.APPRENTICESHIP),
        ("Contrat pro", EmploymentType.PROFESSIONALISATION),
        ("Professionnalisation", EmploymentType.PROFESSIONALISATION),
        ("SIAE", EmploymentType.IAE),
        ("EI", EmploymentType.IAE),
        ("ACI", EmploymentType.IAE),
        ("AI", EmploymentType.IAE),
        ("GEIQ", EmploymentType.GEIQ),
        ("Formation", EmploymentType.TRAINING),
        ("Stage découverte", None),
        ("", None),
        (None, None),
    ],
)
def test_employment_type_synonyms(cell, kind):
    assert employment_type(cell) == kind


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Référence marché", Field.CONTRACT),
        ("N° marché", Field.CONTRACT),
        ("Marché", Field.CONTRACT),
        ("Contract", Field.CONTRACT),
        ("Lot", Field.CONTRACT),
        ("Nom", Field.LAST_NAME),
        ("NOM", Field.LAST_NAME),
        ("Last name", Field.LAST_NAME),
        ("Salarié", Field.LAST_NAME),
        ("Prénom", Field.FIRST_NAME),
        ("First name", Field.FIRST_NAME),
        ("Nom Prénom", Field.COMBINED_NAME),
        ("Nom et prénom du salarié", Field.COMBINED_NAME),
        ("Date de naissance", Field.BIRTH_DATE),
        ("Date naiss.", Field.BIRTH_DATE),
        ("Né(e) le", Field.BIRTH_DATE),
        ("Née le", Field.BIRTH_DATE),
        ("Date of birth", Field.BIRTH_DATE),
        ("Mois", Field.MONTH),
        ("Période", Field.MONTH),
        ("Month", Field.MONTH),
        ("Heures", Field.HOURS),
        ("Nombre d'heures", Field.HOURS),
        ("Hours", Field.HOURS),
        ("Type de contrat", Field.EMPLOYMENT_TYPE),
        ("Contrat", Field.EMPLOYMENT_TYPE),
        ("Nature du contrat", Field.EMPLOYMENT_TYPE),
        ("Employment type", Field.EMPLOYMENT_TYPE),
        ("Employeur", Field.EMPLOYER),
        ("Employer", Field.EMPLOYER),
        ("Commentaire", None),
        (None, None),
    ],
)
def test_header_cells_name_fields(label, field):
    assert field_of(label) == field


def test_header_is_found_under_a_title_block():
    rows = [
        ["Suivi mensuel des heures d'insertion", None, None],
        ["Marché DEP93-2023-031-L04", None, None],
        ["N° marché", "NOM", "Prénom", "Période", "Nombre d'heures"],
        ["DEP93", "Martin", "Sophie", "mars 2024", "35h"],
    ]
    header = find_header(rows, HOUR_SHEET)
    assert header is not None
    assert header.index == 2
    assert header.columns[Field.HOURS] == 4
    assert header.columns[Field.CONTRACT] == 0


def test_no_header_without_hours_month_and_name():
    assert find_header([["Nom", "Prénom", "Heures"], ["a", "b", 3]], HOUR_SHEET) is None
    rows = [[None]] * 30 + [["Nom", "Mois", "Heures"]]
    assert find_header(rows, HOUR_SHEET) is None  # beyond the first 30 rows


# --- Fuzzing: whatever a cell holds, the parsers answer a value within DESIGN.md's bounds, or
# None, and never raise -------------------------------------------------------------------------

ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.dates(),
    st.datetimes(),
    st.text(),
    st.from_regex(
        r"[+-]?\d{0,30}([.,]\d{0,6})?\s*(h|heures?|hrs?|hours?)?\s*\d{0,3}", fullmatch=True
    ),
    st.from_regex(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{3,5}", fullmatch=True),
    st.from_regex(r"\d{1,5}\s*[/-]\s*\d{1,5}", fullmatch=True),
    st.from_regex(r"[A-Za-zéû]{3,9}[ -]\d{3,5}", fullmatch=True),
)


@given(ANY_CELL)
def test_fuzzed_hours_are_two_decimal_numbers_under_a_billion(value):
    hours = parse_hours(value)
    assert hours is None or (
        hours.is_finite() and abs(hours) < HOURS_LIMIT and hours == hours.quantize(TWO_PLACES)
    )


@given(ANY_CELL)
def test_fuzzed_months_are_first_days_from_2000(value):
    month = parse_month(value)
    assert month is None or (month.day == 1 and EARLIEST_MONTH <= month <= date(2100, 12, 1))


@given(ANY_CELL)
def test_fuzzed_dates_are_dates_of_1900_to_2100(value):
    day = parse_date(value)
    assert day is None or (isinstance(day, date) and 1900 <= day.year <= 2100)


@given(st.one_of(ANY_CELL, st.text(alphabet=st.characters(categories=["Cf", "Zs", "Mn", "L"]))))
def test_fuzzed_names_hold_no_format_character_and_are_nfc(value):
    name = person_name(value)
    assert all(unicodedata.category(ch) != "Cf" for ch in name)
    assert name == unicodedata.normalize("NFC", name) == name.strip()
    last, first = split_combined_name(name)
    assert name_key(last, first) == name_key(last, first).strip()


@given(st.text())
def test_fuzzed_values_quoted_in_messages_are_short_and_visible(value):
    quoted = shown(value)
    assert len(quoted) <= 80
    assert all(unicodedata.category(ch) != "Cf" for ch in quoted)


@given(st.text(), st.sampled_from(["utf-8", "cp1252"]))
def test_fuzzed_csv_text_is_read_or_refused_clearly(value, encoding):
    try:
        content = value.encode(encoding)
    except UnicodeEncodeError:
        content = value.encode("utf-8")
    try:
        workbook = read(content, Limits(max_rows=50))
    except (UnreadableFile, TooManyRows):
        return
    assert workbook.file_format == "csv"
    assert 0 < len(workbook.sheets[0].rows) <= 50


def test_a_long_text_is_normalised_without_filling_the_cache():
    before = names._cached.cache_info().currsize
    assert normalise_name("é" * 200_000) == "E" * 200_000
    assert names._cached.cache_info().currsize == before


@pytest.mark.parametrize("spaces", [1_000, 200_000])
def test_hours_of_a_long_run_of_spaces_are_read_in_linear_time(spaces):
    started = time.monotonic()
    assert parse_hours("1" + " " * spaces + "x") is None
    assert time.monotonic() - started < 1


@given(st.lists(st.lists(ANY_CELL, min_size=0, max_size=9), max_size=6))
def test_fuzzed_rows_go_through_the_whole_analysis(rows):
    """Rows of anything under a header: each is accepted, rejected or skipped, never a crash."""
    header = ["Marché", "Nom", "Prénom", "Date de naissance", "Mois", "Heures", "Type", "Employeur"]
    contract = KnownContract(1, "M-1", date(2000, 1, 1), date(2100, 12, 31))
    ctx = Context({"M-1": contract}, "M-1", date(2024, 4, 1))
    workbook = Workbook("csv", [Sheet("csv", [header, *rows])])
    report = analyse(workbook, ctx, People(), lambda ids: set())
    assert len(report.rows) <= len(rows)
    assert all(row.errors or row.decision is not RowDecision.REJECTED for row in report.rows)
