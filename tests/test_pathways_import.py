"""Importing the facilitators' follow-up sheet (`clauses import-pathways`): the header row,
statuses however written, rows of one person and contract applied in file order, outcomes once
per person and date, the row errors of DESIGN.md, the command line's JSON and exit codes."""

import json
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from clauses.models import (
    AuditLog,
    EmploymentType,
    Outcome,
    OutcomeKind,
    Placement,
    PlacementState,
)
from clauses.services.pathways_import import import_pathways
from imports.pathways import parse_outcome, parse_status
from tests.factories import ContractFactory, ParticipantFactory
from tests.test_reference_import import count, workbook

HEADER = [
    "Nom", "Prénom", "Date de naissance", "Marché", "Statut", "Date du statut",
    "Type de contrat", "Date d'embauche", "Date de fin", "Sortie", "Date de sortie",
]  # fmt: skip
BORN = date(1990, 4, 1)


def row(status: str = "Proposé·e", on: date = date(2026, 2, 2), **changes: Any) -> list[Any]:
    values: dict[str, Any] = {
        "last_name": "Diallo",
        "first_name": "Awa",
        "birth": BORN,
        "contract": "PW-1",
        "status": status,
        "on": on,
        "type": None,
        "hired": None,
        "end": None,
        "outcome": None,
        "outcome_on": None,
    }
    values.update(changes)
    return list(values.values())


@pytest.fixture
def known(db_session):
    contract = ContractFactory(reference="PW-1", reference_key="PW-1")
    other = ContractFactory(reference="PW-2", reference_key="PW-2")
    person = ParticipantFactory(last_name="Diallo", first_name="Awa", birth_date=BORN)
    return contract, other, person


def run(db_session, tmp_path, *rows, title=True):
    lines = [["Suivi des parcours"], [], HEADER, *rows] if title else [HEADER, *rows]
    content = workbook(tmp_path / "suivi.xlsx", {"Suivi": lines})
    return import_pathways(db_session, None, content, "suivi.xlsx")


def errors(report):
    return sorted((i.row, i.code.value) for i in report.errors)


def placements(db_session):
    return db_session.scalars(sa.select(Placement).order_by(Placement.id)).all()


@pytest.mark.parametrize(
    ("written", "state"),
    [
        ("Proposé·e", PlacementState.PROPOSED),
        ("PROPOSÉE", PlacementState.PROPOSED),
        ("proposé", PlacementState.PROPOSED),
        ("Proposé(e)", PlacementState.PROPOSED),
        ("Entretien", PlacementState.INTERVIEW),
        ("EMBAUCHÉ·E", PlacementState.HIRED),
        ("embauchée", PlacementState.HIRED),
        ("Terminé", PlacementState.ENDED),
        ("terminée", PlacementState.ENDED),
        ("Refusé·e", PlacementState.REFUSED),
        ("Désisté", PlacementState.WITHDRAWN),
        ("Embauche", PlacementState.HIRED),
        ("Hired", None),
        ("Propos", None),
        ("", None),
    ],
)
def test_statuses_are_read_normalised_without_their_feminine_ending(written, state):
    assert parse_status(written) is state


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Emploi durable", OutcomeKind.LASTING_JOB),
        ("EMPLOI DE TRANSITION", OutcomeKind.TRANSITION_JOB),
        ("sortie positive", OutcomeKind.POSITIVE_EXIT),
        ("Autre", OutcomeKind.OTHER),
        ("Inconnue", OutcomeKind.UNKNOWN),
        ("CDI", None),
    ],
)
def test_outcomes_are_read_by_their_french_names(written, kind):
    assert parse_outcome(written) is kind


def test_rows_of_one_person_and_contract_apply_in_file_order(db_session, tmp_path, known):
    contract, _, person = known
    report = run(
        db_session,
        tmp_path,
        row("Proposé·e", date(2025, 6, 2)),
        row("Entretien", date(2025, 6, 10)),
        row("Embauché", date(2025, 6, 23), type="CDD", hired=date(2025, 6, 30)),
        row(
            "Terminé", date(2026, 2, 27), type="CDD", hired=date(2025, 6, 30), end=date(2026, 2, 27)
        ),
    )
    assert errors(report) == []
    [placement] = placements(db_session)
    assert (placement.participant_id, placement.contract_id) == (person.id, contract.id)
    assert (placement.state, placement.state_on) == (PlacementState.ENDED, date(2026, 2, 27))
    assert [(e.state, e.state_on) for e in placement.events] == [
        (PlacementState.PROPOSED, date(2025, 6, 2)),
        (PlacementState.INTERVIEW, date(2025, 6, 10)),
        (PlacementState.HIRED, date(2025, 6, 23)),
        (PlacementState.ENDED, date(2026, 2, 27)),
    ]
    assert placement.interview_on == date(2025, 6, 10)
    assert placement.employment_type is EmploymentType.CDD
    assert (placement.hire_date, placement.end_date) == (date(2025, 6, 30), date(2026, 2, 27))
    assert report.counts()["placements_created"] == 1


def test_each_contract_of_a_person_has_its_own_placement(db_session, tmp_path, known):
    run(db_session, tmp_path, row("Refusé", contract="PW-1"), row("Proposé", contract="pw-2"))
    assert [p.state for p in placements(db_session)] == [
        PlacementState.REFUSED,
        PlacementState.PROPOSED,
    ]


def test_a_new_sheet_moves_the_latest_placement_on(db_session, tmp_path, known):
    run(db_session, tmp_path, row("Proposé", date(2026, 1, 5)))
    report = run(db_session, tmp_path, row("Proposé", date(2026, 1, 5)), row("Entretien"))
    [placement] = placements(db_session)
    assert placement.state is PlacementState.INTERVIEW
    assert len(placement.events) == 2
    assert report.counts()["placements_updated"] == 1


def test_an_outcome_is_recorded_once_per_person_and_date(db_session, tmp_path, known):
    _, _, person = known
    ended = {"type": "CDD", "hired": date(2025, 3, 3), "end": date(2025, 8, 29)}
    run(
        db_session,
        tmp_path,
        row(
            "Terminé",
            date(2025, 8, 29),
            **ended,
            outcome="Emploi durable",
            outcome_on=date(2025, 8, 31),
        ),
        row(
            "Terminé",
            date(2025, 8, 29),
            **ended,
            outcome="Sortie positive",
            outcome_on=date(2025, 8, 31),
        ),
        row(
            "Refusé",
            date(2025, 9, 1),
            contract="PW-2",
            outcome="Emploi de transition",
            outcome_on=date(2026, 1, 9),
        ),
    )
    outcomes = db_session.scalars(sa.select(Outcome).order_by(Outcome.dated)).all()
    assert [(o.participant_id, o.dated, o.kind) for o in outcomes] == [
        (person.id, date(2025, 8, 31), OutcomeKind.POSITIVE_EXIT),  # the later row replaces
        (person.id, date(2026, 1, 9), OutcomeKind.TRANSITION_JOB),  # on a row of any status
    ]
    run(
        db_session,
        tmp_path,
        row("Terminé", date(2025, 8, 29), **ended, outcome="Autre", outcome_on=date(2025, 8, 31)),
    )
    assert count(db_session, Outcome) == 2
    assert outcomes[0].kind is OutcomeKind.OTHER


def test_people_are_found_as_an_hour_sheet_finds_them(db_session, tmp_path, known):
    ParticipantFactory(last_name="N'Goran", first_name="Aya", birth_date=date(1999, 4, 14))
    report = run(
        db_session,
        tmp_path,
        row(last_name="DIALLO", first_name="awa"),
        row(last_name="NGORAN", first_name="Aya", birth=date(1999, 4, 14)),  # near spelling
        row(last_name="Diallo", first_name="Awa", birth=None, contract="PW-2"),  # name alone
        row(last_name="Inconnu", first_name="Paul"),
        row(last_name="Inconnu", first_name="Paul", contract="PW-2"),  # still unknown
        row(last_name="Diallo", first_name="Awa", birth=date(1990, 4, 2)),  # another birth date
    )
    assert errors(report) == [
        (7, "participant_unknown"),
        (8, "participant_unknown"),
        (9, "participant_unknown"),
    ]
    assert sorted((i.row, i.code.value) for i in report.warnings) == [
        (5, "participant_fuzzy"),
        (6, "birthdate_missing"),
    ]
    assert count(db_session, Placement) == 3
    assert count(db_session, sa.table("participant")) == 2  # nobody created


def test_every_row_error_of_design(db_session, tmp_path, known):
    ParticipantFactory(last_name="Sow", first_name="Ali", birth_date=date(1980, 1, 1))
    ParticipantFactory(last_name="Sow", first_name="Ali", birth_date=date(1981, 1, 1))
    report = run(
        db_session,
        tmp_path,
        row(contract="NOPE"),
        row("Recruté"),
        row(on="32/13/2025"),
        row("Embauché·e"),
        row("Terminé", type="CDD"),
        row(outcome="Emploi stable", outcome_on=date(2026, 1, 1)),
        row(outcome="Emploi durable"),
        row(birth="demain"),
        row(last_name="Sow", first_name="Ali", birth=None),
        row("Embauché", hired=date(2026, 3, 1), end=date(2026, 2, 1)),
        row("Embauché", hired="01/02/2026", type="Bénévolat"),
    )
    assert errors(report) == [
        (4, "contract_unknown"),
        (5, "status_invalid"),
        (6, "date_invalid"),
        (7, "hire_date_missing"),
        (8, "hire_date_missing"),
        (9, "outcome_invalid"),
        (10, "outcome_date_missing"),
        (11, "birthdate_invalid"),
        (12, "birthdate_invalid"),  # no birth date and two people of that name
        (13, "dates_inverted"),
    ]
    assert [(i.row, i.code.value) for i in report.warnings] == [(14, "type_unknown")]
    [placement] = placements(db_session)
    assert placement.employment_type is EmploymentType.OTHER
    assert report.counts()["rows_rejected"] == 10


def test_the_header_needs_nom_prenom_and_statut_exactly(db_session, tmp_path, known):
    header = ["Nom", "Prénom", "Date de naissance", "Marché", "Date du statut", "Statut du suivi"]
    content = workbook(tmp_path / "suivi.xlsx", {"Suivi": [header, row()[:6]]})
    with pytest.raises(Exception, match="Statut") as raised:
        import_pathways(db_session, None, content, "suivi.xlsx")
    assert raised.value.code == "missing_columns"  # type: ignore[attr-defined]


def test_one_audit_event_for_the_file(db_session, tmp_path, known):
    run(db_session, tmp_path, row(), row("Entretien"), row(contract="NOPE"))
    [event] = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "import")).all()
    assert event.object_type == "pathways_file"
    assert (event.details["rows_accepted"], event.details["rows_rejected"]) == (2, 1)


def test_the_command_line_prints_json_and_exits_as_the_reference_imports(
    app, db_session, tmp_path, known
):
    runner = app.test_cli_runner()
    path = tmp_path / "suivi.xlsx"
    workbook(path, {"Suivi": [HEADER, row(), row(contract="NOPE")]})
    result = runner.invoke(args=["import-pathways", str(path), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["errors"] == [
        {
            "sheet": "Suivi",
            "row": 3,
            "code": "contract_unknown",
            "message": "Feuille « Suivi », ligne 3 : le marché « NOPE » est inconnu.",
        }
    ]
    assert got["warnings"] == []
    assert got["rows_accepted"] == 1

    result = runner.invoke(args=["import-pathways", str(path)])
    assert result.exit_code == 0
    assert "ligne 3" in result.output
    assert "1 ligne acceptée" in result.output

    (tmp_path / "vide.csv").write_text("Nom;Prénom\n", encoding="utf-8")
    result = runner.invoke(args=["import-pathways", str(tmp_path / "vide.csv"), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "missing_columns"
