"""Eligibility criteria (personal data, RQTH is health data) are erased two years after a
participant's last activity, by `clauses purge-eligibility`."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from clauses.models import AuditLog, Criterion, ParticipantCriterion
from clauses.services.participants import purge_eligibility, stale_eligibility
from tests.factories import HourEntryFactory, ParticipantFactory

TODAY = date(2026, 11, 25)
LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)


def person(db_session, last_name, criteria, updated_at=LONG_AGO, other="", validated=False):
    p = ParticipantFactory(last_name=last_name, validated=validated)
    p.set_criteria(criteria)
    p.other_criteria = other
    db_session.flush()
    # updated_at is set on every change: put the last change back in the past.
    db_session.execute(
        sa.text("UPDATE participant SET updated_at = :at WHERE id = :id"),
        {"at": updated_at, "id": p.id},
    )
    db_session.commit()
    db_session.refresh(p)
    return p


def test_only_people_inactive_for_two_years_lose_their_criteria(db_session):
    old = person(db_session, "Ancien", {Criterion.RQTH, Criterion.RSA}, validated=True)
    validated_on = old.eligibility_validated_on
    other_text = person(db_session, "Texte", set(), other="Parent isolé")
    recent_record = person(
        db_session, "Recent", {Criterion.RSA}, updated_at=datetime(2025, 6, 1, tzinfo=UTC)
    )
    worked = person(db_session, "Actif", {Criterion.RQTH})
    HourEntryFactory(participant=worked, month=date(2025, 3, 1))
    nothing = person(db_session, "Vide", set())
    assert [p.last_name for p in stale_eligibility(db_session, TODAY)] == ["Ancien", "Texte"]
    assert purge_eligibility(db_session, None, TODAY) == 2
    for p in (old, other_text, recent_record, worked, nothing):
        db_session.refresh(p)
    assert (old.criteria, old.other_criteria, other_text.other_criteria) == (set(), "", "")
    assert recent_record.criteria == {Criterion.RSA}
    assert worked.criteria == {Criterion.RQTH}
    assert old.eligibility_validated_on == validated_on  # the hours keep counting
    event = db_session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "purge_eligibility")
    ).one()
    assert event.details["count"] == 2
    assert purge_eligibility(db_session, None, TODAY) == 0


def test_purge_command_dry_run_changes_nothing(app, db_session):
    person(db_session, "Ancien", {Criterion.RQTH})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-eligibility", "--dry-run"])
    assert result.exit_code == 0
    assert "1 personne dont les critères seraient effacés." in result.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ParticipantCriterion)) == 1
