"""Compliance on the database: the hours summary kept in step with imports, rollbacks and
eligibility, the status at any date, "nothing to report", thresholds."""

import json
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.errors import InvalidValue
from clauses.models import (
    AuditLog,
    HourEntry,
    ImportBatch,
    MonthlyHours,
    NoHoursDeclaration,
    Participant,
)
from clauses.rules.compliance import Status, Thresholds
from clauses.services import compliance, participants
from clauses.services.timesheets import import_timesheet, roll_back_batch
from tests.factories import ContractFactory, ParticipantFactory, UserFactory
from tests.test_import_pipeline import HEADER, xlsx

AS_OF = date(2024, 4, 8)


def summary(session):
    rows = session.execute(
        sa.select(
            MonthlyHours.month, MonthlyHours.validated_hours, MonthlyHours.pending_hours
        ).order_by(MonthlyHours.month)
    )
    return [(m, v, p) for m, v, p in rows]


def from_entries(session):
    """The summary as a plain aggregate of the entries would give it."""
    validated = Participant.eligibility_validated_on.is_not(None)
    rows = session.execute(
        sa.select(
            HourEntry.month,
            sa.func.sum(sa.case((validated, HourEntry.hours), else_=0)),
            sa.func.sum(sa.case((validated, 0), else_=HourEntry.hours)),
        )
        .join(Participant)
        .group_by(HourEntry.month)
        .order_by(HourEntry.month)
    )
    return [(m, Decimal(v), Decimal(p)) for m, v, p in rows]


@pytest.fixture
def setting(db_session):
    contract = ContractFactory(
        reference="OPH-1",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        committed_hours=Decimal(1200),
    )
    known = ParticipantFactory(
        last_name="Benali", first_name="Karim", birth_date=date(1970, 7, 9), criteria_rows=[]
    )
    known.eligibility_validated_on = date(2023, 12, 5)
    db_session.commit()
    return contract, known


def sheet(*rows):
    return xlsx(
        [
            HEADER,
            *(
                ["OPH-1", last, first, birth, month, hours, "CDD"]
                for last, first, birth, month, hours in rows
            ),
        ]
    )


def test_summary_follows_imports_rollbacks_and_eligibility(db_session, setting):
    _contract, _known = setting
    first = import_timesheet(
        db_session,
        sheet(
            ("Benali", "Karim", date(1970, 7, 9), date(2024, 1, 1), 100),
            ("Sow", "Awa", date(1991, 7, 19), date(2024, 3, 1), 42),
        ),
        "a.xlsx",
        as_of=AS_OF,
        commit=True,
    )
    assert (
        summary(db_session)
        == from_entries(db_session)
        == [(date(2024, 1, 1), 100, 0), (date(2024, 3, 1), 0, 42)]
    )
    second = import_timesheet(
        db_session,
        sheet(("Benali", "Karim", date(1970, 7, 9), date(2024, 1, 1), 80)),
        "b.xlsx",
        as_of=AS_OF,
        commit=True,
    )
    assert summary(db_session)[0] == (date(2024, 1, 1), 80, 0)
    roll_back_batch(db_session, db_session.get(ImportBatch, second.batch_id), None)
    assert summary(db_session)[0] == (date(2024, 1, 1), 100, 0)
    sow = db_session.scalars(sa.select(Participant).where(Participant.name_key == "SOW AWA")).one()
    sow.other_criteria = "Parent isolé"
    participants.set_eligibility(db_session, UserFactory(), sow, validated=True)
    assert (
        summary(db_session)
        == from_entries(db_session)
        == [(date(2024, 1, 1), 100, 0), (date(2024, 3, 1), 42, 0)]
    )
    assert first.committed


def test_status_counts_people_validated_by_the_as_of_date_only(db_session, setting):
    _contract, known = setting
    import_timesheet(
        db_session,
        sheet(("Benali", "Karim", date(1970, 7, 9), date(2024, 3, 1), 100)),
        "a.xlsx",
        as_of=AS_OF,
        commit=True,
    )
    # Validated on the 20th: the summary counts the hours as validated (today's state), yet as
    # of the 8th they are still pending.
    known.eligibility_validated_on = date(2024, 4, 20)
    db_session.flush()
    [before] = compliance.statuses(db_session, AS_OF)
    assert (before.compliance.realised_hours, before.compliance.pending_hours) == (0, 100)
    [after] = compliance.statuses(db_session, date(2024, 4, 20))
    assert (after.compliance.realised_hours, after.compliance.pending_hours) == (100, 0)


def test_no_hours_declaration_ends_a_missing_report(db_session, setting):
    contract, _ = setting
    [row] = compliance.statuses(db_session, AS_OF)
    assert row.compliance.missing_report is True
    compliance.declare_no_hours(db_session, None, contract, date(2024, 3, 1), AS_OF)
    compliance.declare_no_hours(db_session, None, contract, date(2024, 3, 1), AS_OF)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(NoHoursDeclaration)) == 1
    [row] = compliance.statuses(db_session, AS_OF)
    assert row.compliance.missing_report is False
    with pytest.raises(InvalidValue):
        compliance.declare_no_hours(db_session, None, contract, date(2025, 1, 1), date(2025, 2, 3))


def test_declare_no_hours_command(app, db_session, setting):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["declare-no-hours", "oph-1", "2024-03"])
    assert result.exit_code == 0, result.output
    assert db_session.scalars(sa.select(NoHoursDeclaration.month)).all() == [date(2024, 3, 1)]
    assert db_session.scalars(
        sa.select(AuditLog.action).where(AuditLog.action == "declare_no_hours")
    ).all()
    result = runner.invoke(args=["declare-no-hours", "NOPE", "2024-03"])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "contract_not_found"


def test_the_command_refuses_a_month_not_due_yet_as_the_contract_page_does(
    app, db_session, monkeypatch
):
    """On 1 December 2026 the reporting month is November: December's hours are not due."""
    ContractFactory(reference="REF-2026", start_date=date(2026, 1, 1), end_date=date(2027, 6, 30))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 1))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["declare-no-hours", "REF-2026", "2026-12"])

    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["code"] == "declaration_not_due"
    assert "décembre 2026" in error["message"]
    assert db_session.scalars(sa.select(NoHoursDeclaration)).all() == []
    result = runner.invoke(args=["declare-no-hours", "REF-2026", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "REF-2026 : rien à déclarer pour novembre 2026, c'est enregistré." in result.output
    assert db_session.scalars(sa.select(NoHoursDeclaration.month)).all() == [date(2026, 11, 1)]


def test_thresholds_are_read_from_the_settings(db_session, setting):
    _contract, _ = setting
    import_timesheet(
        db_session,
        sheet(("Benali", "Karim", date(1970, 7, 9), date(2024, 3, 1), 200)),
        "a.xlsx",
        as_of=AS_OF,
        commit=True,
    )
    # 1200 h over 2024: 298.36 h expected by the end of March; 200 h is 67 %.
    assert compliance.statuses(db_session, AS_OF)[0].compliance.status is Status.AT_RISK
    compliance.set_thresholds(
        db_session, UserFactory(), Thresholds(Decimal("0.65"), Decimal("0.5"))
    )
    assert compliance.statuses(db_session, AS_OF)[0].compliance.status is Status.ON_TRACK
    with pytest.raises(InvalidValue):
        compliance.set_thresholds(
            db_session, UserFactory(), Thresholds(Decimal("0.5"), Decimal("0.8"))
        )
