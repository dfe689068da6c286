"""Importing contracts and participants: the shared fixtures end to end, updates instead of
duplicates, bad rows reported with their sheet and row, CSV files, file-level errors."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from clauses.errors import MissingColumns, UnreadableFile
from clauses.messages import imports as messages
from clauses.models import (
    AuditLog,
    Contract,
    Criterion,
    Operation,
    Organisation,
    OrganisationKind,
    Participant,
    ScheduledHours,
    Sex,
)
from clauses.rules.names import normalise_name
from clauses.services.contracts_import import import_contracts
from clauses.services.participants_import import import_participants
from imports import cells
from imports.records import ReferenceImportReport
from tests.conftest import FIXTURES
from tests.factories import OrganisationFactory, ParticipantFactory

CONTRACT_HEADER = [
    "Référence", "Intitulé", "Opération", "Acheteur", "Titulaire", "SIRET titulaire",
    "Corps d'état", "Commune", "Date de début", "Date de fin", "Heures d'insertion",
]  # fmt: skip
PARTICIPANT_HEADER = [
    "Nom", "Prénom", "Date de naissance", "Sexe", "Commune de résidence", "QPV",
    "Critères d'éligibilité", "Date de validation de l'éligibilité", "Métiers recherchés",
    "Disponible",
]  # fmt: skip
SIRET = "41234567000019"  # valid, the fixture's Constructions Lefèvre SAS
OTHER_SIRET = "52234567700028"


def contract_row(reference: str = "T-001", **changes: Any) -> list[Any]:
    values = {
        "reference": reference,
        "title": "Lot 01 gros œuvre",
        "operation": "Collège Test",
        "buyer": "Département de la Seine-Saint-Denis",
        "contractor": "Constructions Lefèvre SAS",
        "siret": SIRET,
        "trade": "Gros œuvre",
        "commune": "Bobigny",
        "start": date(2024, 1, 1),
        "end": date(2024, 12, 31),
        "hours": 1200,
    }
    values.update(changes)
    return list(values.values())


def participant_row(last_name: str = "Diallo", **changes: Any) -> list[Any]:
    values = {
        "last_name": last_name,
        "first_name": "Awa",
        "birth": date(1990, 4, 1),
        "sex": "F",
        "commune": "Bobigny",
        "qpv": "oui",
        "criteria": "RSA",
        "validated": date(2024, 1, 15),
        "trades": "Peinture",
        "available": "non",
    }
    values.update(changes)
    return list(values.values())


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path.read_bytes()


def issues(report: ReferenceImportReport, kind: str = "errors") -> set[tuple[str, Any, str]]:
    return {(i.sheet, i.row, i.code.value) for i in getattr(report, kind)}


def count(session: Any, model: type[Any]) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def french(app):
    """An issue's sentence, as a French page shows it."""

    def render(issue):
        with app.test_request_context(), force_locale("fr"):
            return messages.sentence(issue)

    return render


# --- The shared fixtures, through the command line -------------------------------------------


def test_fixtures_import_through_the_command_line(runner, db_session):
    result = runner.invoke(args=["import-contracts", str(FIXTURES / "contracts.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Marchés : 4 créés, 0 mis à jour" in result.output
    result = runner.invoke(args=["import-participants", str(FIXTURES / "participants.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Participant·es : 11 créés" in result.output

    assert count(db_session, Contract) == 4
    assert count(db_session, Participant) == 11
    gymnase = db_session.scalar(sa.select(Operation).where(Operation.name == "Gymnase Paul Éluard"))
    assert {c.reference for c in gymnase.contracts} == {"DEP93-2023-031-L01", "DEP93-2023-031-L04"}
    assert gymnase.buyer.name == "Département de la Seine-Saint-Denis"
    assert gymnase.commune == "Bobigny"
    events = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "import")).all()
    assert sorted(e.object_type for e in events) == ["contracts_file", "participants_file"]
    assert all(e.details["filename"].endswith(".xlsx") for e in events)


def test_fixture_contracts_create_each_organisation_and_operation_once(db_session):
    import_contracts(db_session, None, fixture_bytes("contracts.xlsx"), "contracts.xlsx")

    kinds = dict(db_session.execute(sa.select(Organisation.name, Organisation.kind)).all())
    assert kinds == {
        "Département de la Seine-Saint-Denis": OrganisationKind.BUYER,
        "Ville de Saint-Denis": OrganisationKind.BUYER,
        "Seine-Saint-Denis Habitat": OrganisationKind.BUYER,
        "Constructions Lefèvre SAS": OrganisationKind.CONTRACTOR,
        "Hydro Services Est": OrganisationKind.CONTRACTOR,
        "Réhab Île-de-France": OrganisationKind.CONTRACTOR,
        "Isolbat": OrganisationKind.CONTRACTOR,
    }
    assert count(db_session, Operation) == 3
    contract = db_session.scalar(
        sa.select(Contract).where(Contract.reference_key == "DEP93-2023-031-L01")
    )
    assert contract.contractor.siret == SIRET
    assert (contract.start_date, contract.end_date) == (date(2023, 6, 1), date(2024, 11, 30))
    assert contract.committed_hours == Decimal(3000)
    assert (contract.trade, contract.commune) == ("Gros œuvre", "Bobigny")


def test_fixture_participants_read_criteria_booleans_and_validation(db_session):
    report = import_participants(
        db_session, None, fixture_bytes("participants.xlsx"), "participants.xlsx"
    )
    assert (report.created, report.rejected, report.errors, report.warnings) == (11, 0, [], [])

    people = {p.last_name: p for p in db_session.scalars(sa.select(Participant))}
    assert people["Koné"].eligibility_validated_on is None
    assert people["Koné"].criteria == {Criterion.REFUGEE}
    assert people["Benali"].criteria == {Criterion.OVER_50, Criterion.LONG_TERM_JOB_SEEKER}
    assert people["Le Goff"].criteria == {Criterion.RQTH}
    assert people["Le Goff"].is_available is True
    assert people["Dupont-Moreau"].criteria == {Criterion.RQTH}
    assert people["Traoré"].criteria == {Criterion.RSA, Criterion.QPV_RESIDENT}
    assert people["N'Guessan"].criteria == {Criterion.YOUNG_WITHOUT_QUALIFICATION}
    diallo = people["Diallo"]
    assert (diallo.first_name, diallo.birth_date, diallo.sex) == (
        "Mamadou",
        date(1994, 5, 12),
        Sex.MALE,
    )
    assert (diallo.is_qpv, diallo.is_available, diallo.commune) == (True, False, "Bobigny")
    assert diallo.eligibility_validated_on == date(2023, 5, 2)
    assert diallo.wanted_trades == "Gros œuvre"
    assert diallo.name_key == "DIALLO MAMADOU"


# --- Re-importing updates --------------------------------------------------------------------


def test_the_same_files_again_change_nothing(db_session):
    for _ in range(2):
        contracts = import_contracts(db_session, None, fixture_bytes("contracts.xlsx"), "c.xlsx")
        people = import_participants(db_session, None, fixture_bytes("participants.xlsx"), "p.xlsx")
    assert (contracts.created, contracts.updated, contracts.unchanged) == (0, 0, 4)
    assert (people.created, people.updated, people.unchanged) == (0, 0, 11)
    assert count(db_session, Contract) == 4
    assert count(db_session, Participant) == 11
    assert count(db_session, Organisation) == 7
    assert count(db_session, Operation) == 3


def test_a_corrected_contracts_file_updates_the_contract(db_session, tmp_path):
    import_contracts(db_session, None, fixture_bytes("contracts.xlsx"), "contracts.xlsx")
    book = openpyxl.load_workbook(FIXTURES / "contracts.xlsx")
    sheet = book["Marchés"]
    sheet["A3"] = "dep93-2023-031-l04"  # the same reference, written otherwise
    sheet["K3"] = 950
    sheet["J3"] = "15/09/2024"
    book.save(tmp_path / "corrected.xlsx")

    report = import_contracts(
        db_session, None, (tmp_path / "corrected.xlsx").read_bytes(), "corrected.xlsx"
    )

    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 1, 3, 0)
    assert count(db_session, Contract) == 4
    contract = db_session.scalar(
        sa.select(Contract).where(Contract.reference_key == "DEP93-2023-031-L04")
    )
    assert contract.committed_hours == Decimal(950)
    assert contract.end_date == date(2024, 9, 15)


def test_a_corrected_participants_file_updates_the_person(db_session, tmp_path):
    import_participants(db_session, None, fixture_bytes("participants.xlsx"), "p.xlsx")
    book = openpyxl.load_workbook(FIXTURES / "participants.xlsx")
    sheet = book["Participants"]
    sheet["A6"] = "LE  GOFF"  # the same person however the name is typed
    sheet["E6"] = "Bondy"
    sheet["G6"] = "RQTH;RSA"
    book.save(tmp_path / "corrected.xlsx")

    report = import_participants(
        db_session, None, (tmp_path / "corrected.xlsx").read_bytes(), "corrected.xlsx"
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 10)
    assert count(db_session, Participant) == 11
    person = db_session.scalar(
        sa.select(Participant).where(Participant.name_key == "LE GOFF HELENE")
    )
    assert person.commune == "Bondy"
    assert person.criteria == {Criterion.RQTH, Criterion.RSA}


def test_an_empty_validation_date_never_undoes_a_validation(db_session, tmp_path):
    ParticipantFactory(
        last_name="Diallo", first_name="Awa", birth_date=date(1990, 4, 1), validated=True
    )
    content = workbook(
        tmp_path / "p.xlsx",
        {
            "Participants": [
                PARTICIPANT_HEADER,
                participant_row(validated=None),
                participant_row("Sow", validated=None),
            ]
        },
    )

    report = import_participants(db_session, None, content, "p.xlsx")

    assert issues(report, "warnings") == {("Participants", 2, "validation_kept")}
    people = {p.last_name: p for p in db_session.scalars(sa.select(Participant))}
    assert people["Diallo"].eligibility_validated_on == date(2024, 1, 15)
    assert people["Sow"].eligibility_validated_on is None  # a new person is "to verify"


def test_an_absent_optional_column_leaves_the_value_alone(db_session, tmp_path):
    ParticipantFactory(
        last_name="Diallo", first_name="Awa", birth_date=date(1990, 4, 1), commune="Stains"
    )
    content = workbook(
        tmp_path / "p.xlsx",
        {"Feuil1": [["Nom", "Prénom", "Né(e) le", "QPV"], ["DIALLO", "Awa", "01/04/1990", "x"]]},
    )

    report = import_participants(db_session, None, content, "p.xlsx")

    assert (report.updated, report.created) == (1, 0)
    person = db_session.scalar(sa.select(Participant))
    assert (person.commune, person.is_qpv, person.last_name) == ("Stains", True, "DIALLO")


# --- Bad rows --------------------------------------------------------------------------------


def test_bad_contract_rows_are_rejected_with_their_sheet_and_row(db_session, tmp_path, french):
    content = workbook(
        tmp_path / "contracts.xlsx",
        {
            "Notice": [["Remplir la feuille Marchés, une ligne par lot."]],
            "Marchés": [
                ["Marchés du Département, mise à jour de janvier"],
                [],
                CONTRACT_HEADER,
                contract_row("OK-1"),
                contract_row("BAD-SIRET", siret="41234567000018"),
                contract_row("BAD-DATES", start=date(2024, 6, 1), end=date(2024, 1, 31)),
                contract_row(None),
                contract_row("BAD-HOURS", hours="beaucoup"),
                contract_row("OK-1", title="Le même, deux fois"),
                ["TOTAL", None, None, None, None, None, None, None, None, None, 4800],
            ],
        },
    )

    report = import_contracts(db_session, None, content, "contracts.xlsx")

    assert issues(report) == {
        ("Marchés", 5, "siret_invalid"),
        ("Marchés", 6, "dates_inverted"),
        ("Marchés", 7, "value_missing"),
        ("Marchés", 8, "hours_invalid"),
        ("Marchés", 9, "duplicate_row"),
    }
    assert (report.created, report.rejected) == (1, 5)
    assert issues(report, "warnings") == {("Notice", None, "sheet_skipped")}
    assert all(french(issue) for issue in report.errors)
    sentences = {issue.row: french(issue) for issue in report.errors}
    assert "41234567000018" in sentences[5]
    assert "précède" in sentences[6]
    assert "Référence" in sentences[7]
    assert "beaucoup" in sentences[8]
    assert "ligne 4" in sentences[9]
    assert db_session.scalars(sa.select(Contract.reference)).all() == ["OK-1"]


def test_a_sous_total_row_is_skipped(db_session, tmp_path):
    subtotal = ["Sous-total", *[None] * 9, 2400]
    content = workbook(
        tmp_path / "c.xlsx",
        {"Marchés": [CONTRACT_HEADER, contract_row("S-1"), contract_row("S-2"), subtotal]},
    )
    report = import_contracts(db_session, None, content, "c.xlsx")
    assert (report.created, report.rejected, report.errors) == (2, 0, [])


def shouted(header: list[str]) -> list[str]:
    """A header as a pasted copy may write it: capitals, no accents."""
    return [normalise_name(label) for label in header]


def test_a_repeated_header_in_capitals_is_skipped_in_a_contracts_file(db_session, tmp_path):
    rows = [CONTRACT_HEADER, contract_row("R-1"), shouted(CONTRACT_HEADER), contract_row("R-2")]
    report = import_contracts(db_session, None, workbook(tmp_path / "c.xlsx", {"M": rows}), "c")
    assert (report.created, report.rejected, report.errors) == (2, 0, [])


def test_a_repeated_header_in_capitals_is_skipped_in_a_participants_file(db_session, tmp_path):
    rows = [
        PARTICIPANT_HEADER,
        participant_row("Diallo"),
        shouted(PARTICIPANT_HEADER),
        participant_row("Sow"),
    ]
    content = workbook(tmp_path / "p.xlsx", {"Participants": rows})
    report = import_participants(db_session, None, content, "p.xlsx")
    assert (report.created, report.rejected, report.errors) == (2, 0, [])


def test_bad_rows_are_printed_by_the_command_line(runner, db_session, tmp_path):
    workbook(
        tmp_path / "contracts.xlsx",
        {"Marchés": [CONTRACT_HEADER, contract_row("OK-1"), contract_row("KO", siret="123")]},
    )

    result = runner.invoke(args=["import-contracts", str(tmp_path / "contracts.xlsx")])

    assert result.exit_code == 0, result.output
    assert (
        "Erreur [siret_invalid] Feuille « Marchés », ligne 3 : « SIRET titulaire » invalide"
        in result.output
    )
    assert "1 créé, 0 mis à jour, 0 inchangé, 1 ligne rejetée" in result.output
    result = runner.invoke(args=["import-contracts", "--json", str(tmp_path / "contracts.xlsx")])
    report = json.loads(result.output)
    assert (report["unchanged"], report["rejected"]) == (1, 1)
    assert report["errors"][0] == {
        "sheet": "Marchés",
        "row": 3,
        "code": "siret_invalid",
        "message": report["errors"][0]["message"],
    }


def test_bad_participant_rows_and_an_unknown_criterion(db_session, tmp_path, french):
    content = workbook(
        tmp_path / "participants.xlsx",
        {
            "Participants": [
                PARTICIPANT_HEADER,
                participant_row("Diallo", criteria="DELD; Bénéficiaire de l'AAH; senior 50+"),
                participant_row("Sow", birth="31/02/1990"),
                participant_row("Ba", qpv="peut-être"),
                participant_row("Cissé", sex="X"),
                participant_row(None),
                participant_row("DIALLO", criteria="RSA"),
            ]
        },
    )

    report = import_participants(db_session, None, content, "participants.xlsx")

    assert issues(report) == {
        ("Participants", 3, "birthdate_invalid"),
        ("Participants", 4, "boolean_invalid"),
        ("Participants", 5, "sex_invalid"),
        ("Participants", 6, "value_missing"),
        ("Participants", 7, "duplicate_row"),
    }
    assert issues(report, "warnings") == {("Participants", 2, "criterion_unknown")}
    assert "Bénéficiaire de l'AAH" in french(report.warnings[0])
    assert (report.created, report.rejected) == (1, 5)
    person = db_session.scalar(sa.select(Participant))
    assert person.criteria == {Criterion.LONG_TERM_JOB_SEEKER, Criterion.OVER_50}
    assert person.other_criteria == "Bénéficiaire de l'AAH"


def test_an_organisation_is_found_by_siret_then_by_name(db_session, tmp_path):
    lefevre = OrganisationFactory(name="Lefèvre Constructions", siret=SIRET)
    hydro = OrganisationFactory(name="Hydro Services Est", siret=None)
    OrganisationFactory(name="Ville de Bobigny", kind=OrganisationKind.CONTRACTOR)
    content = workbook(
        tmp_path / "contracts.xlsx",
        {
            "Marchés": [
                CONTRACT_HEADER,
                contract_row("A-1"),  # found by SIRET despite another name
                contract_row("A-2", contractor="HYDRO SERVICES EST", siret=OTHER_SIRET),
                contract_row("A-3", contractor="Hydro Services Est", siret=SIRET),
                contract_row("A-4", buyer="Ville de Bobigny"),
                contract_row("A-5", contractor="Département de la Seine-Saint-Denis", siret=None),
                contract_row("A-6", contractor="Hydro Services Est", siret="63234567400030"),
            ]
        },
    )

    report = import_contracts(db_session, None, content, "contracts.xlsx")

    assert issues(report) == {
        ("Marchés", 4, "organisation_conflict"),  # Lefèvre's SIRET with Hydro's name
        ("Marchés", 5, "organisation_conflict"),  # a contractor is no buyer
        ("Marchés", 6, "organisation_conflict"),  # buyer and contractor are one
        ("Marchés", 7, "organisation_conflict"),  # Hydro has another SIRET by now
    }
    contracts = {c.reference: c for c in db_session.scalars(sa.select(Contract))}
    assert contracts["A-1"].contractor is lefevre
    assert contracts["A-2"].contractor is hydro
    assert hydro.siret == OTHER_SIRET  # a SIRET completes an organisation found by name
    assert count(db_session, Organisation) == 4  # the buyer is the only one created


# --- Schedules ("Échéancier") ----------------------------------------------------------------


def test_a_schedule_sheet_replaces_the_contract_schedule(db_session, tmp_path):
    header = ["Référence", "Mois", "Heures prévues"]
    first = workbook(
        tmp_path / "first.xlsx",
        {
            "Marchés": [CONTRACT_HEADER, contract_row("S-1")],
            "Échéancier": [header, ["S-1", "01/2024", 100], ["s-1", "février 2024", "150,5"],
                           ["S-1", date(2024, 3, 1), 200]],
        },
    )  # fmt: skip
    report = import_contracts(db_session, None, first, "first.xlsx")
    assert (report.created, report.schedules_replaced, report.errors) == (1, 1, [])

    second = workbook(
        tmp_path / "second.xlsx",
        {
            "Marchés": [CONTRACT_HEADER, contract_row("S-1")],
            "Échéancier": [header, ["S-1", "2024-02", 120], ["S-1", "04/2024", 80],
                           ["S-1", "01/2026", 10]],
        },
    )  # fmt: skip
    report = import_contracts(db_session, None, second, "second.xlsx")

    assert (report.unchanged, report.schedules_replaced, report.errors) == (1, 1, [])
    assert issues(report, "warnings") == {("Échéancier", 4, "month_outside_contract")}
    schedule = db_session.execute(
        sa.select(ScheduledHours.month, ScheduledHours.hours).order_by(ScheduledHours.month)
    ).all()
    assert schedule == [
        (date(2024, 2, 1), Decimal(120)),
        (date(2024, 4, 1), Decimal(80)),
        (date(2026, 1, 1), Decimal(10)),
    ]


def test_a_schedule_with_a_bad_row_is_left_as_it_was(db_session, tmp_path):
    content = workbook(
        tmp_path / "contracts.xlsx",
        {
            "Marchés": [CONTRACT_HEADER, contract_row("S-1")],
            "Échéancier": [["Référence", "Mois", "Heures prévues"], ["S-1", "01/2024", 100],
                           ["S-1", "treizième mois", 50], ["INCONNU", "01/2024", 5]],
        },
    )  # fmt: skip

    report = import_contracts(db_session, None, content, "contracts.xlsx")

    assert issues(report) == {
        ("Échéancier", 2, "schedule_incomplete"),
        ("Échéancier", 3, "month_invalid"),
        ("Échéancier", 4, "contract_unknown"),
    }
    assert (report.created, report.rejected, report.schedules_replaced) == (1, 3, 0)
    assert count(db_session, ScheduledHours) == 0


# --- CSV files and file-level problems -------------------------------------------------------


def test_a_windows_1252_csv_with_semicolons(db_session, tmp_path):
    lines = [
        ";".join([*CONTRACT_HEADER, "Montant", "Taux d'insertion", "SIRET acheteur"]),
        "CSV-1;Collège - lot 2 électricité;Collège Éluard;Département de la Seine-Saint-Denis;"
        "Électricité Moderne 93;;Électricité;Montreuil;01/02/2024;2025-01-31;3 000;"
        "1 250 000,50 €;5,5 %;",
    ]
    path = tmp_path / "marchés.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))

    report = import_contracts(db_session, None, path.read_bytes(), path.name)

    assert (report.created, report.errors) == (1, [])
    contract = db_session.scalar(sa.select(Contract))
    assert (contract.title, contract.trade) == ("Collège - lot 2 électricité", "Électricité")
    assert (contract.start_date, contract.end_date) == (date(2024, 2, 1), date(2025, 1, 31))
    assert contract.committed_hours == Decimal(3000)
    assert (contract.amount, contract.insertion_rate) == (Decimal("1250000.50"), Decimal("5.5"))
    assert contract.contractor.siret is None


def test_a_utf8_csv_of_participants_with_commas(db_session, tmp_path):
    content = (
        "Nom,Prénom,Date de naissance,Sexe,Critères d'éligibilité,Date de validation\n"
        'Nguyen,Thi Lan,1996-12-30,Femme,"BRSA; -26 ans sans qualification",\n'
    ).encode()

    report = import_participants(db_session, None, content, "participants.csv")

    assert (report.created, report.errors, report.warnings) == (1, [], [])
    person = db_session.scalar(sa.select(Participant))
    assert person.sex is Sex.FEMALE
    assert person.criteria == {Criterion.RSA, Criterion.YOUNG_WITHOUT_QUALIFICATION}
    assert person.eligibility_validated_on is None


@pytest.mark.parametrize("command", ["import-contracts", "import-participants"])
def test_an_unreadable_file_exits_2_with_a_json_error(runner, db_session, tmp_path, command):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01not a workbook\xff" * 100)

    result = runner.invoke(args=[command, str(junk)])

    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "unreadable_file"
    assert count(db_session, AuditLog) == 0


def test_a_missing_file_exits_2_with_a_json_error(runner, tmp_path):
    result = runner.invoke(args=["import-contracts", str(tmp_path / "absent.xlsx")])
    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["code"] == "unreadable_file"
    assert "introuvable" in error["message"]


def test_missing_required_columns_exit_2_naming_them(runner, db_session, tmp_path):
    workbook(tmp_path / "c.xlsx", {"Marchés": [CONTRACT_HEADER[:9], contract_row()[:9]]})

    result = runner.invoke(args=["import-contracts", str(tmp_path / "c.xlsx")])

    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["code"] == "missing_columns"
    assert "« Date de fin », « Heures d'insertion »" in error["message"]
    assert "Marchés" in error["message"]
    assert count(db_session, Contract) == 0


def test_the_service_raises_file_level_problems(app, db_session):
    with pytest.raises(UnreadableFile):
        import_contracts(db_session, None, b"PK\x03\x04garbage", "broken.xlsx")
    with pytest.raises(MissingColumns) as raised:
        import_participants(db_session, None, b"a;b\n1;2\n", "people.csv")
    with app.app_context():
        assert "Aucune ligne d'en-tête" in raised.value.message


# --- Values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (35, Decimal(35)),
        (35.5, Decimal("35.50")),
        ("35,5", Decimal("35.50")),
        ("3 000", Decimal(3000)),
        ("3\u202f000,25", Decimal("3000.25")),
        ("1.250,5", Decimal("1250.50")),
        ("1,250.5", Decimal("1250.50")),
        ("35h", Decimal(35)),
        ("35 heures", Decimal(35)),
        ("49h30", Decimal("49.50")),
        ("beaucoup", None),
        ("49h75", None),
        (True, None),
    ],
)
def test_parse_hours(value, expected):
    assert cells.parse_hours(value) == expected  # the timesheet parser, shared


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.05, Decimal(5)), (5, Decimal(5)), ("5,5 %", Decimal("5.5")), ("0,5%", Decimal("0.5"))],
)
def test_parse_percent(value, expected):
    assert cells.parse_percent(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("oui", True), ("Non", False), ("x", True), (1, True), (0, False), ("TRUE", True),
     ("yes", True), ("no", False), (True, True), ("peut-être", None)],
)  # fmt: skip
def test_parse_bool(value, expected):
    assert cells.parse_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("F", Sex.FEMALE), ("Femme", Sex.FEMALE), ("Mme", Sex.FEMALE), ("M", Sex.MALE),
     ("Homme", Sex.MALE), ("M.", Sex.MALE), ("H", Sex.MALE), ("?", None)],
)  # fmt: skip
def test_parse_sex(value, expected):
    assert cells.parse_sex(value) is expected


@pytest.mark.parametrize(
    ("text", "criterion"),
    [
        ("DELD", Criterion.LONG_TERM_JOB_SEEKER),
        ("Demandeur d'emploi longue durée", Criterion.LONG_TERM_JOB_SEEKER),
        ("Senior 50+", Criterion.OVER_50),
        ("plus de 50 ans", Criterion.OVER_50),
        ("Travailleur handicapé", Criterion.RQTH),
        ("rqth", Criterion.RQTH),
        ("TH", Criterion.RQTH),
        ("Jeune sans qualification", Criterion.YOUNG_WITHOUT_QUALIFICATION),
        ("-26 ans sans qualification", Criterion.YOUNG_WITHOUT_QUALIFICATION),
        ("Réfugié", Criterion.REFUGEE),
        ("BPI", Criterion.REFUGEE),
        ("Résident QPV", Criterion.QPV_RESIDENT),
        ("RSA", Criterion.RSA),
        ("BRSA", Criterion.RSA),
        ("Salarié SIAE", Criterion.SIAE_EMPLOYEE),
        ("salarie siae", Criterion.SIAE_EMPLOYEE),
    ],
)
def test_criteria_synonyms(text, criterion):
    assert cells.parse_criteria(text) == ({criterion}, [])


def test_criteria_are_split_on_semicolons_and_unknown_ones_kept():
    assert cells.parse_criteria(" RSA ;; Parent isolé;DELD ") == (
        {Criterion.RSA, Criterion.LONG_TERM_JOB_SEEKER},
        ["Parent isolé"],
    )
