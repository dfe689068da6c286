"""The timesheet import through its service, on a real database: every code of DESIGN.md,
the upsert, the dry run, the rollback, and hostile files."""

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl.workbook.defined_name import DefinedName

from clauses.errors import ContractColumnMissing, FileAlreadyImported, NoHeader, UnreadableFile
from clauses.messages import imports as messages
from clauses.models import AuditLog, BatchLine, BatchState, HourEntry, ImportBatch, Participant
from clauses.rules.names import normalise_name
from clauses.services.timesheets import import_timesheet, roll_back_batch
from imports.read import read
from imports.template import HEADERS
from tests.factories import ContractFactory, OrganisationFactory, ParticipantFactory

AS_OF = date(2024, 4, 8)
HEADER = list(HEADERS[:7])  # the template's headers, without the employer


def xlsx(rows, sheet="Heures", merges=(), extra_sheets=(), helpers=()):
    """A workbook; `helpers` are sheets marked as the template marks its helper sheets."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for merge in merges:
        ws.merge_cells(merge)
    for name, extra_rows in extra_sheets:
        other = workbook.create_sheet(name)
        for row in extra_rows:
            other.append(row)
    for number, name in enumerate(helpers, start=1):
        quoted = name.replace("'", "''")
        marker = DefinedName(f"ClausesHelperSheet{number}", attr_text=f"'{quoted}'!$A$1")
        workbook.defined_names[marker.name] = marker
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def french(app):
    """An issue as the command line prints it in French, after its sheet and row."""

    def render(issue):
        with app.test_request_context(), force_locale("fr"):
            return messages.located(issue)

    return render


def run(session, content, commit=False, **kwargs):
    kwargs.setdefault("as_of", AS_OF)
    return import_timesheet(session, content, "releve.xlsx", commit=commit, **kwargs)


def codes(issues):
    return [(issue.row, issue.code.value) for issue in issues]


def row(
    hours=35,
    month=date(2024, 3, 1),
    last="Benali",
    first="Karim",
    birth=date(1970, 7, 9),
    kind="CDD",
    ref="OPH93-2024-007",
):
    return [ref, last, first, birth, month, hours, kind]


def test_every_row_error_of_its_own_cells(db_session, contract, karim, french):
    content = xlsx(
        [
            HEADER,
            row(hours=-7),
            row(hours=240),
            row(hours="beaucoup"),
            row(hours=None),
            row(ref="INCONNU-1"),
            row(month=date(2024, 5, 1)),
            row(month="bientôt"),
            row(last=None),
            row(first=""),
            row(ref="INCONNU-2", hours=-1, month="jamais", last=None),
        ]
    )
    report = run(db_session, content)
    assert codes(report.errors) == [
        (2, "hours_negative"),
        (3, "hours_too_high"),
        (4, "hours_invalid"),
        (5, "hours_invalid"),
        (6, "contract_unknown"),
        (7, "month_future"),
        (8, "month_invalid"),
        (9, "participant_missing"),
        (10, "participant_missing"),
        (11, "contract_unknown"),
        (11, "hours_negative"),
        (11, "month_invalid"),
        (11, "participant_missing"),
    ]
    assert all("Feuille « Heures », ligne" in french(issue) for issue in report.errors)
    assert report.counts()["rows_rejected"] == 10


def test_as_of_month_itself_is_allowed(db_session, contract, karim):
    report = run(db_session, xlsx([HEADER, row(month=date(2024, 4, 1))]))
    assert report.errors == []


def test_zero_hours_skipped_before_matching(db_session, contract):
    report = run(db_session, xlsx([HEADER, row(hours=0, last="Personne", first="Inconnue")]))
    result = report.counts()
    assert (result["rows_skipped"], result["participants_new"]) == (1, 0)
    assert codes(report.warnings) == [(2, "hours_zero")]


def test_duplicate_row_rejects_the_second(db_session, contract, karim):
    report = run(db_session, xlsx([HEADER, row(hours=10), row(hours=20, kind="cdd")]))
    assert codes(report.errors) == [(3, "duplicate_row")]
    assert report.hours_accepted == Decimal(10)


def test_interim_synonyms_share_a_key(db_session, contract, karim):
    report = run(db_session, xlsx([HEADER, row(kind="Interim"), row(kind="ETTI")]))
    assert codes(report.errors) == [(3, "duplicate_row")]


def test_unknown_types_are_other_and_kept_as_written(db_session, contract, karim):
    report = run(db_session, xlsx([HEADER, row(kind="Stage"), row(kind="Bénévolat")]), commit=True)
    assert codes(report.warnings) == [(2, "type_unknown")]
    assert codes(report.errors) == [(3, "duplicate_row")]
    entry = db_session.scalars(sa.select(HourEntry)).one()
    assert (entry.employment_type.value, entry.employment_type_text) == ("other", "Stage")


def test_warnings_of_accepted_rows(db_session, contract, karim):
    outside = ContractFactory(
        reference="LATE-1", start_date=date(2024, 3, 15), end_date=date(2024, 6, 30)
    )
    content = xlsx(
        [
            HEADER,
            row(hours=160),
            row(last="BENALLI", month=date(2024, 2, 1)),
            row(birth=None, month=date(2024, 1, 1)),
            row(ref="LATE-1", month=date(2024, 2, 1)),
            row(ref="late-1 ", month=date(2024, 3, 1)),
            row(last="Sow", first="Fatoumata", birth=date(1991, 7, 19), kind="ETTI"),
        ]
    )
    report = run(db_session, content)
    assert outside.reference == "LATE-1"
    assert codes(report.errors) == []
    assert sorted(codes(report.warnings)) == [
        (2, "hours_overtime"),
        (3, "participant_fuzzy"),
        (4, "birthdate_missing"),
        (5, "month_outside_contract"),
        (7, "participant_new"),
    ]
    assert report.counts()["participants_matched"] == 1
    assert report.counts()["participants_new"] == 1


def test_birth_date_needed_when_the_name_is_not_unique(db_session, contract):
    for year in (1980, 1990):
        ParticipantFactory(last_name="Martin", first_name="Léa", birth_date=date(year, 1, 1))
    report = run(db_session, xlsx([HEADER, row(last="Martin", first="Lea", birth="pas connue")]))
    assert codes(report.errors) == [(2, "birthdate_invalid")]
    report = run(db_session, xlsx([HEADER, row(last="Inconnu", first="Lea", birth=None)]))
    assert codes(report.errors) == [(2, "birthdate_invalid")]


def test_two_near_spellings_are_ambiguous(db_session, contract):
    for last in ("Benali", "Benaly"):
        ParticipantFactory(last_name=last, first_name="Karim", birth_date=date(1970, 7, 9))
    report = run(db_session, xlsx([HEADER, row(last="Benalli")]))
    assert codes(report.errors) == [(2, "participant_ambiguous")]


def test_people_created_by_earlier_rows_are_known(db_session, contract):
    content = xlsx(
        [
            HEADER,
            row(last="Sow", first="Awa", month=date(2024, 1, 1)),
            row(last="SOW", first="Awa", month=date(2024, 2, 1)),
        ]
    )
    report = run(db_session, content, commit=True)
    assert report.counts()["participants_new"] == 1
    assert codes(report.warnings) == [(2, "participant_new")]
    person = db_session.scalars(
        sa.select(Participant).where(Participant.name_key == "SOW AWA")
    ).one()
    assert person.eligibility_validated_on is None


def test_title_block_totals_repeated_headers_and_merged_cells(db_session, contract, karim):
    content = xlsx(
        [
            ["Relevé mensuel des heures d'insertion"],
            [None],
            HEADER,
            row(month=date(2024, 1, 1)),
            [None, None, None, None, date(2024, 2, 1), 10, "CDD"],
            [None] * 7,
            HEADER,
            row(month=date(2024, 3, 1)),
            ["Total général", None, None, None, None, 80, None],
        ],
        merges=["A4:A5", "B4:B5", "C4:C5", "D4:D5"],
    )
    report = run(db_session, content)
    result = report.counts()
    assert (result["rows_accepted"], result["rows_rejected"], result["rows_skipped"]) == (3, 0, 2)
    assert result["hours_accepted"] == 80.0
    assert [r.row for r in report.rows] == [4, 5, 7, 8, 9]


def test_combined_name_column_and_english_headers(db_session, contract, karim):
    content = xlsx(
        [
            [
                "Contract",
                "Full name (Nom Prénom)",
                "Date of birth",
                "Month",
                "Hours",
                "Employment type",
            ],
            ["OPH93-2024-007", "BENALI Karim", "09/07/1970", "03/2024", "35h", "Apprenticeship"],
        ]
    )
    report = run(db_session, content)
    assert report.errors == []
    assert report.accepted[0].person.id == karim.id


def test_a_repeated_header_in_capitals_is_skipped(db_session, contract, karim):
    shouted = [normalise_name(label) for label in HEADER]  # as a pasted copy may write it
    content = xlsx([HEADER, row(month=date(2024, 1, 1)), shouted, row(month=date(2024, 2, 1))])
    counts = run(db_session, content).counts()
    assert (counts["rows_accepted"], counts["rows_rejected"], counts["rows_skipped"]) == (2, 0, 1)


def test_a_workbook_names_its_helper_sheets():
    content = xlsx([HEADER], extra_sheets=[("L'istes", [["x"]]), ("Notes", [["y"]])],
                   helpers=["L'istes"])  # fmt: skip
    workbook = read(content)
    assert workbook.helper_sheets == {"L'istes"}
    assert [sheet.name for sheet in workbook.data_sheets] == ["Heures", "Notes"]


def test_helper_sheets_are_skipped_without_a_warning(db_session, contract, karim):
    content = xlsx(
        [HEADER, row()],
        extra_sheets=[
            ("Listes", [["OPH93-2024-007"], ["03/2024"]]),
            ("Consignes", [["Une ligne par personne et par mois."]]),
            ("Notes", [["Relevé envoyé par le chef de chantier."]]),
        ],
        helpers=["Listes", "Consignes"],
    )
    report = run(db_session, content)
    assert report.errors == []
    assert [(w.sheet, w.code.value) for w in report.warnings] == [("Notes", "sheet_skipped")]


def test_a_workbook_of_helper_sheets_only_has_no_header(db_session):
    with pytest.raises(NoHeader):
        run(db_session, xlsx([HEADER, row()], helpers=["Heures"]))


def test_sheet_without_header_is_skipped_with_a_warning(db_session, contract, karim):
    content = xlsx(
        [HEADER, row()], extra_sheets=[("Consignes", [["Remplissez une ligne par mois"]])]
    )
    report = run(db_session, content)
    assert next(w.as_dict() for w in report.warnings) == {
        "sheet": "Consignes",
        "row": None,
        "code": "sheet_skipped",
        "params": {},
    }


def test_file_level_errors(db_session, contract, karim):
    with pytest.raises(NoHeader):
        run(db_session, xlsx([["Nom", "Prénom"], ["a", "b"]]))
    no_contract = xlsx([["Nom", "Prénom", "Date de naissance", "Mois", "Heures"], row()[1:6]])
    with pytest.raises(ContractColumnMissing):
        run(db_session, no_contract)
    assert run(db_session, no_contract, contract="oph93-2024-007").errors == []


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02garbage" * 100,
        b"PK\x03\x04 not really a zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 not really an xls",
    ],
)
def test_unreadable_files(db_session, content):
    with pytest.raises(UnreadableFile):
        run(db_session, content)


def test_zip_bomb_is_refused_unread(db_session):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (250 * 1024 * 1024))
    with pytest.raises(UnreadableFile) as raised:
        run(db_session, buffer.getvalue())
    assert raised.value.params == {"reason": "zip_bomb"}


def test_csv_in_windows_1252_with_semicolons(db_session, contract):
    ParticipantFactory(last_name="Pereira", first_name="João", birth_date=date(1979, 4, 2))
    text = "Marché;Nom;Prénom;Date de naissance;Mois;Heures;Type de contrat\r\n"
    text += "OPH93-2024-007;Pereira;João;02/04/1979;03/2024;70,5;CDI\r\n"
    report = run(db_session, text.encode("cp1252"))
    assert (report.file_format, report.errors, report.hours_accepted) == (
        "csv",
        [],
        Decimal("70.5"),
    )
    assert report.rows[0].sheet == "csv"
    assert report.rows[0].row == 2


def test_csv_in_utf8_with_commas(db_session, contract, karim):
    text = "Contract,Last name,First name,Date of birth,Month,Hours\n"
    text += 'OPH93-2024-007,Benali,Karim,1970-07-09,2024-03,"35,5"\n'
    report = run(db_session, text.encode("utf-8-sig"))
    assert report.errors == []
    assert report.hours_accepted == Decimal("35.5")


def test_contractor_upload_knows_only_its_own_contracts(db_session, contract, karim, french):
    other = OrganisationFactory()
    report = run(db_session, xlsx([HEADER, row()]), contractor_id=other.id)
    assert codes(report.errors) == [(2, "contract_unknown")]
    assert "inconnu" in french(report.errors[0])


def test_dry_run_writes_nothing(db_session, contract, karim):
    before = [
        db_session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in (ImportBatch, HourEntry, Participant, BatchLine)
    ]
    report = run(
        db_session,
        xlsx(
            [
                HEADER,
                row(),
                row(last="Neuve", first="Personne", birth=date(2000, 1, 1), month=date(2024, 2, 1)),
            ]
        ),
    )
    after = [
        db_session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in (ImportBatch, HourEntry, Participant, BatchLine)
    ]
    assert report.committed is False
    assert report.counts()["rows_accepted"] == 2
    assert before == after


def test_commit_writes_batch_lines_entries_and_one_audit_event(db_session, contract, karim):
    content = xlsx([HEADER, row(month=date(2024, 1, 1)), row(month=date(2024, 2, 1))])
    report = run(db_session, content, commit=True)
    batch = db_session.get(ImportBatch, report.batch_id)
    assert batch.content == content
    assert batch.state is BatchState.COMMITTED
    assert (batch.rows_accepted, batch.hours_accepted) == (2, Decimal(70))
    assert db_session.scalar(sa.select(sa.func.count()).select_from(HourEntry)) == 2
    events = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "import")).all()
    assert [(e.object_id, e.details["rows_accepted"]) for e in events] == [(str(batch.id), 2)]
    with pytest.raises(FileAlreadyImported):
        run(db_session, content)


def entries(session):
    return {
        (e.month, e.hours, e.batch_id)
        for e in session.scalars(sa.select(HourEntry).order_by(HourEntry.month))
    }


def test_a_correction_replaces_and_a_rollback_restores(db_session, contract, karim):
    first = run(
        db_session,
        xlsx([HEADER, row(hours=35), row(hours=20, month=date(2024, 2, 1))]),
        commit=True,
    )
    second = run(
        db_session,
        xlsx([HEADER, row(hours=42), row(hours=12, month=date(2024, 1, 1))]),
        commit=True,
    )
    assert codes(second.warnings) == [(2, "replaces_previous")]
    assert entries(db_session) == {
        (date(2024, 1, 1), Decimal(12), second.batch_id),
        (date(2024, 2, 1), Decimal(20), first.batch_id),
        (date(2024, 3, 1), Decimal(42), second.batch_id),
    }
    roll_back_batch(db_session, db_session.get(ImportBatch, second.batch_id), actor=None)
    assert entries(db_session) == {
        (date(2024, 2, 1), Decimal(20), first.batch_id),
        (date(2024, 3, 1), Decimal(35), first.batch_id),
    }
    assert db_session.scalar(sa.select(sa.func.count()).select_from(BatchLine)) == 4
    roll_back_batch(db_session, db_session.get(ImportBatch, first.batch_id), actor=None)
    assert entries(db_session) == set()
    assert (
        db_session.scalars(sa.select(AuditLog.action).where(AuditLog.action == "rollback")).all()
        == ["rollback"] * 2
    )


def test_rolled_back_file_can_be_sent_again(db_session, contract, karim):
    content = xlsx([HEADER, row()])
    report = run(db_session, content, commit=True)
    roll_back_batch(db_session, db_session.get(ImportBatch, report.batch_id), actor=None)
    assert run(db_session, content, commit=True).committed


def test_a_commit_without_accepted_rows_writes_nothing(app, db_session, contract, tmp_path):
    path = tmp_path / "rejets.xlsx"
    path.write_bytes(xlsx([HEADER, row(hours="beaucoup"), row(ref="INCONNU-1")]))
    result = app.test_cli_runner().invoke(
        args=["import-timesheet", str(path), "--as-of", "2024-04-08", "--commit", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["committed"] is False
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ImportBatch)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 0
