"""Import messages in the reader's language: every code's sentence exists in English and in
French, and an import of the P4 fixture reads wholly in the language of the page or the CLI."""

import html
import io
import json

import pytest
from flask_babel import force_locale

from clauses.errors import (
    BatchAlreadyRolledBack,
    ClausesError,
    ContractColumnMissing,
    FileAlreadyImported,
    MissingColumns,
    NoHeader,
    TooManyRows,
    UnreadableFile,
)
from clauses.messages import CATALOGUE, render
from clauses.messages import imports as messages
from clauses.services.contracts_import import import_contracts
from clauses.services.participants_import import import_participants
from clauses.services.timesheets import import_timesheet
from imports.codes import Code, Issue
from tests.conftest import FIXTURES, csrf_token, login
from tests.test_import_pipeline import AS_OF

UNREADABLE = ("missing", "unreachable", "damaged_archive", "zip_not_workbook", "zip_bomb",
              "not_a_workbook", "not_a_spreadsheet", "empty", "encrypted", "too_big")  # fmt: skip
VALUE = {"column": "Heures d'insertion", "value": "beaucoup"}
RANGE = {"column": "Taux d'insertion", "value": "120", "minimum": "0", "maximum": "100"}
PERIOD = {"month": "2024-03-01", "start": "2024-04-01", "end": "2024-12-31"}

# Each code with every shape of params the imports give it.
SAMPLES: list[tuple[str, dict[str, object]]] = [
    (Code.CONTRACT_UNKNOWN, {"reference": "OPH93-2024-099"}),
    (Code.CONTRACT_UNKNOWN, {"reference": ""}),
    (Code.CONTRACT_UNKNOWN, {"reference": "S-1", "rejected_row": 4}),
    (Code.HOURS_INVALID, {"value": "beaucoup"}),
    (Code.HOURS_INVALID, {"value": ""}),
    (Code.HOURS_INVALID, VALUE),
    (Code.HOURS_INVALID, {**RANGE, "value": "0", "minimum": "0.01", "maximum": "1000000"}),
    (Code.HOURS_NEGATIVE, {"hours": "-7"}),
    (Code.HOURS_TOO_HIGH, {"hours": "240", "maximum": "208"}),
    (Code.MONTH_INVALID, {"value": "bientôt"}),
    (Code.MONTH_INVALID, {"value": ""}),
    (Code.MONTH_INVALID, {"column": "Mois", "value": "treizième mois"}),
    (Code.MONTH_FUTURE, {"month": "2024-05-01", "as_of_month": "2024-04-01"}),
    (Code.PARTICIPANT_MISSING, {}),
    (Code.BIRTHDATE_INVALID, {"name": "Martin Léa"}),
    (Code.BIRTHDATE_INVALID, {"column": "Date de naissance", "value": "31/02/1990"}),
    (Code.BIRTHDATE_INVALID, {"birth_date": "1890-01-01"}),
    (Code.BIRTHDATE_INVALID, {"birth_date": "1900-01-01", "age": 124}),
    (Code.PARTICIPANT_AMBIGUOUS, {"name": "Benalli Karim"}),
    (Code.DUPLICATE_ROW, {"first_sheet": "Heures", "first_row": 4}),
    (Code.DUPLICATE_ROW, {"value": "OK-1", "first_row": 4}),
    (Code.VALUE_TOO_LONG, {"column": "Intitulé", "length": 230, "maximum": 200}),
    (Code.VALUE_MISSING, {"column": "Référence"}),
    (Code.SIRET_INVALID, {"column": "SIRET titulaire", "value": "123"}),
    (Code.DATE_INVALID, {"column": "Date de début", "value": "demain"}),
    (Code.DATES_INVERTED, {"start": "2024-06-01", "end": "2024-01-31"}),
    (Code.NUMBER_INVALID, {"column": "Montant", "value": "beaucoup"}),
    (Code.NUMBER_INVALID, RANGE),
    (Code.BOOLEAN_INVALID, {"column": "QPV", "value": "peut-être"}),
    (Code.SEX_INVALID, {"column": "Sexe", "value": "X"}),
    (Code.PHONE_INVALID, {"column": "Téléphone", "value": "06 12"}),
    (Code.EMAIL_INVALID, {"column": "E-mail", "value": "awa@"}),
    (Code.ORGANISATION_CONFLICT, {"reason": "siret_of_other", "siret": "41234567000019",
                                  "name": "Lefèvre", "other": "Hydro"}),
    (Code.ORGANISATION_CONFLICT, {"reason": "kind", "name": "Ville de Bobigny",
                                  "kind": "contractor", "wanted": "buyer"}),
    (Code.ORGANISATION_CONFLICT, {"reason": "kind", "name": "Tremplin 93", "kind": "siae",
                                  "wanted": "buyer"}),
    (Code.ORGANISATION_CONFLICT, {"reason": "kind", "name": "Équipe clauses",
                                  "kind": "facilitator", "wanted": "contractor"}),
    (Code.ORGANISATION_CONFLICT, {"reason": "other_siret", "name": "Hydro",
                                  "siret": "52234567700028", "given": "63234567400030"}),
    (Code.ORGANISATION_CONFLICT, {"reason": "same_party"}),
    (Code.SCHEDULE_INCOMPLETE, {"reference": "S-1", "failed_row": 3}),
    (Code.HOURS_OVERTIME, {"hours": "160", "full_time": "151.67"}),
    (Code.HOURS_ZERO, {}),
    (Code.PARTICIPANT_FUZZY, {"name": "BENALLI Karim", "known_name": "Benali Karim"}),
    (Code.PARTICIPANT_NEW, {"name": "Sow Fatoumata"}),
    (Code.BIRTHDATE_MISSING, {}),
    (Code.TYPE_UNKNOWN, {"value": "Stage"}),
    (Code.TYPE_UNKNOWN, {"value": ""}),
    (Code.MONTH_OUTSIDE_CONTRACT, PERIOD),
    (Code.REPLACES_PREVIOUS, {}),
    (Code.CRITERION_UNKNOWN, {"value": "Parent isolé"}),
    (Code.VALIDATION_KEPT, {"validated_on": "2024-01-15"}),
    (Code.SHEET_SKIPPED, {}),
    (Code.COMMUNE_UNKNOWN, {"value": "Bobigy"}),
    (Code.PARTICIPANT_UNKNOWN, {"name": "Tessier Marc", "birth_date": "1980-01-01"}),
    (Code.PARTICIPANT_UNKNOWN, {"name": "Tessier Marc", "birth_date": None}),
    (Code.STATUS_INVALID, {"value": "Recruté"}),
    (Code.STATUS_INVALID, {"value": ""}),
    (Code.HIRE_DATE_MISSING, {"status": "hired"}),
    (Code.OUTCOME_INVALID, {"value": "Emploi stable"}),
    (Code.OUTCOME_DATE_MISSING, {"outcome": "lasting_job"}),
]  # fmt: skip
ERRORS: list[ClausesError] = [
    *(UnreadableFile(reason=reason, path="marchés.xlsx") for reason in UNREADABLE),
    UnreadableFile(reason="too_large", path="marchés.xlsx", maximum=20 * 1024**2),
    TooManyRows(sheet="Heures", maximum=1),
    TooManyRows(sheet="Heures", maximum=200_000),
    NoHeader(),
    ContractColumnMissing(sheet="Heures"),
    FileAlreadyImported(filename="releve.xlsx"),
    MissingColumns(columns=["Date de fin"], sheet="Marchés", filename="m.xlsx"),
    MissingColumns(columns=["Nom", "Prénom"], sheet="Marchés", filename="m.xlsx"),
    MissingColumns(columns=["Nom", "Prénom"], sheet=None, filename="m.xlsx"),
    BatchAlreadyRolledBack(),
]


def in_language(app, language, render_it):
    with app.test_request_context(), force_locale(language):
        return render_it()


def test_the_samples_cover_every_code():
    assert {code for code, _ in SAMPLES} == set(Code)
    assert {str(code) for code, _ in SAMPLES} | {e.code for e in ERRORS} == set(messages.SENTENCES)
    assert set(messages.SENTENCES) <= set(CATALOGUE)


@pytest.mark.parametrize(("code", "params"), SAMPLES, ids=lambda value: str(value)[:30])
def test_every_code_has_an_english_and_a_french_sentence(app, code, params):
    issue = Issue("Heures", 7, Code(code), params)
    english = in_language(app, "en", lambda: messages.located(issue))
    french = in_language(app, "fr", lambda: messages.located(issue))
    assert english.startswith("Sheet “Heures”, row 7: ")
    assert french.startswith("Feuille « Heures », ligne 7 : ")
    assert english.removeprefix("Sheet “Heures”, row 7: ") != french.removeprefix(
        "Feuille « Heures », ligne 7 : "
    )


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_a_title_in_english_and_in_french(app, code):
    """What the counts per code above a list of issues call it."""
    [english] = in_language(app, "en", lambda: messages.by_code([Issue("Heures", 2, code)]))
    [french] = in_language(app, "fr", lambda: messages.by_code([Issue("Heures", 2, code)]))
    assert (english["count"], english["code"]) == (1, code.value)
    assert english["title"] != french["title"]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: error.code)
def test_every_import_error_has_an_english_and_a_french_sentence(app, error):
    english = in_language(app, "en", lambda: error.message)
    french = in_language(app, "fr", lambda: error.message)
    assert english == in_language(app, "en", lambda: render(error.code, error.params))
    assert french
    assert english != french


def test_a_sheet_level_issue_names_no_row(app):
    issue = Issue("Consignes", None, Code.SHEET_SKIPPED)
    assert in_language(app, "fr", lambda: messages.located(issue)) == (
        "Feuille « Consignes » : feuille ignorée : aucune ligne d'en-tête reconnue dans ses 30 "
        "premières lignes."
    )


def test_counts_speak_with_real_plurals(app):
    counts = {"rows_accepted": 1, "rows_rejected": 2, "rows_skipped": 1, "hours_accepted": 35.5,
              "participants_matched": 1, "participants_new": 1}  # fmt: skip
    assert in_language(app, "fr", lambda: messages.timesheet_summary(counts)) == (
        "1 ligne acceptée, 2 rejetées, 1 ignorée ; 35,5 h ; 1 personne reconnue, "
        "1 nouvelle personne."
    )
    assert in_language(app, "en", lambda: messages.timesheet_summary(counts)) == (
        "1 row accepted, 2 rejected, 1 skipped; 35.5 h; 1 known person, 1 new person."
    )


# --- The P4 fixture, read in each language ---------------------------------------------------


@pytest.fixture
def p4(app, db_session):
    """P4's issues, once the fixtures' contracts and people are known."""
    for name, importer in (("contracts.xlsx", import_contracts),
                           ("participants.xlsx", import_participants)):  # fmt: skip
        importer(db_session, None, (FIXTURES / name).read_bytes(), name)
    report = import_timesheet(
        db_session, (FIXTURES / "P4_erreurs.xlsx").read_bytes(), "P4_erreurs.xlsx", as_of=AS_OF
    )
    issues = [*report.errors, *report.warnings]
    assert len(issues) == 8
    return issues


def sentences(app, issues, language):
    return {in_language(app, language, lambda i=issue: messages.sentence(i)) for issue in issues}


@pytest.mark.parametrize(("shown", "other"), [("en", "fr"), ("fr", "en")])
def test_the_p4_preview_reads_only_in_the_chosen_language(app, client, world, p4, shown, other):
    login(client, world.facilitator)
    with client.session_transaction() as session:
        session["lang"] = shown
    token = csrf_token(client, "/imports/new")
    content = (FIXTURES / "P4_erreurs.xlsx").read_bytes()
    data = {"csrf_token": token, "file": (io.BytesIO(content), "P4_erreurs.xlsx"),
            "as_of": AS_OF.isoformat()}  # fmt: skip
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    for sentence in sentences(app, p4, shown):
        assert sentence in page
    for sentence in sentences(app, p4, other):
        assert sentence not in page


@pytest.mark.parametrize(("language", "other"), [("en", "fr"), ("fr", "en")])
def test_the_p4_json_messages_read_only_in_the_cli_language(
    app, db_session, p4, monkeypatch, language, other
):
    monkeypatch.setitem(app.config, "CLI_LOCALE", language)
    result = app.test_cli_runner().invoke(
        args=["import-timesheet", str(FIXTURES / "P4_erreurs.xlsx"), "--as-of", "2024-04-08",
              "--json"]
    )  # fmt: skip
    output = json.loads(result.output)
    printed = {issue["message"] for issue in [*output["errors"], *output["warnings"]]}
    assert printed == in_language(app, language, lambda: {messages.located(i) for i in p4})
    assert not printed & in_language(app, other, lambda: {messages.located(i) for i in p4})
