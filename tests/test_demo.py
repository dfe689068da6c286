"""The demo world: what it loads, that it is consistent and deterministic, and that a second
run is refused instead of duplicating anything."""

import hashlib
import json
import random
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from stdnum.fr import siret

from clauses.models import (
    AuditLog,
    BatchLine,
    Contract,
    HourEntry,
    ImportBatch,
    NoHoursDeclaration,
    Organisation,
    OrganisationKind,
    Participant,
    Role,
    ScheduledHours,
    Sex,
    User,
)
from clauses.rules.compliance import FULL_TIME_MONTH
from clauses.rules.dates import last_day_of_month, previous_month
from clauses.services import demo

TODAY = date(2025, 3, 10)
REPORTING = previous_month(TODAY)


def count(session: Any, model: type[Any], *where: Any) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def loaded(db_session: Any) -> demo.DemoSummary:
    return demo.load_demo(db_session, TODAY)


def test_the_demo_command_loads_the_world_and_prints_the_accounts(app, db_session):
    result = app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "40 marchés, 150 participant·es (20 à vérifier)" in result.output
    for email in ("admin@", "facilitatrice@", "acheteur@", "entreprise@"):
        assert f"{email}clauses.demo" in result.output
    assert demo.DEMO_PASSWORD in result.output
    assert count(db_session, Contract) == 40
    assert count(db_session, AuditLog, AuditLog.action == "demo_loaded") == 1


def test_a_second_demo_is_refused_and_duplicates_nothing(app, db_session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    before = [count(db_session, model) for model in (Organisation, Contract, HourEntry, User)]

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "database_not_empty"
    assert [count(db_session, model) for model in (Organisation, Contract, HourEntry, User)] == (
        before
    )


def test_the_demo_accounts_sign_in_with_the_printed_password(loaded, db_session):
    users = {u.email: u for u in db_session.scalars(sa.select(User))}
    assert {email: user.role for email, user in users.items()} == {
        "admin@clauses.demo": Role.ADMIN,
        "facilitatrice@clauses.demo": Role.FACILITATOR,
        "acheteur@clauses.demo": Role.BUYER,
        "entreprise@clauses.demo": Role.CONTRACTOR,
    }
    assert all(user.check_password(loaded.password) for user in users.values())
    assert len(loaded.password) >= 10
    assert users["acheteur@clauses.demo"].organisation.name == demo.DEPARTEMENT
    company = users["entreprise@clauses.demo"].organisation
    assert count(db_session, Contract, Contract.contractor_id == company.id) >= 5


def test_the_organisations_have_valid_sirets(loaded, db_session):
    organisations = db_session.scalars(sa.select(Organisation)).all()
    kinds = [o.kind for o in organisations]
    assert kinds.count(OrganisationKind.BUYER) == 5
    assert kinds.count(OrganisationKind.CONTRACTOR) == 10
    assert kinds.count(OrganisationKind.FACILITATOR) == 1
    sirets = [o.siret for o in organisations if o.kind is not OrganisationKind.FACILITATOR]
    assert all(siret.is_valid(number) for number in sirets)
    assert len(set(sirets)) == len(sirets)


def test_the_participants_are_varied_and_mostly_validated(loaded, db_session):
    people = db_session.scalars(sa.select(Participant)).all()
    assert len(people) == 150
    assert sum(p.eligibility_validated_on is None for p in people) == 20
    assert len({p.commune for p in people}) >= 10
    assert {p.sex for p in people} == {Sex.FEMALE, Sex.MALE}
    assert 0.3 < sum(p.is_qpv for p in people) / len(people) < 0.9
    assert all(p.criteria for p in people)
    assert all(p.facilitator and p.facilitator.role is Role.FACILITATOR for p in people)


def test_every_status_shows_up(loaded, db_session):
    contracts = db_session.scalars(sa.select(Contract)).all()
    last_day = last_day_of_month(REPORTING)
    reported = set(
        db_session.scalars(sa.select(HourEntry.contract_id).where(HourEntry.month == REPORTING))
    )
    declared = set(db_session.scalars(sa.select(NoHoursDeclaration.contract_id)))
    active = [c for c in contracts if c.start_date <= last_day and c.end_date >= REPORTING]
    assert len([c for c in contracts if c.start_date > last_day]) == 1  # not started
    assert len([c for c in contracts if c.end_date < REPORTING]) >= 5  # ended
    silent = [c for c in active if c.id not in reported and c.id not in declared]
    assert 2 <= len(silent) <= 4  # missing reports
    assert count(db_session, ScheduledHours) > 0
    trades = {c.trade for c in contracts}
    assert {"Gros œuvre", "Plomberie", "Électricité", "Menuiserie", "VRD"} <= trades


def test_hours_run_up_to_last_month_in_batches_kept_as_sent(loaded, db_session):
    months = db_session.execute(
        sa.select(sa.func.min(HourEntry.month), sa.func.max(HourEntry.month))
    ).one()
    assert months[1] == REPORTING
    assert (REPORTING - months[0]).days > 700  # about two years of hours
    assert count(db_session, HourEntry) == count(db_session, BatchLine) == loaded.hour_entries
    batches = db_session.scalars(sa.select(ImportBatch)).all()
    assert len(batches) == loaded.batches
    for batch in batches:
        assert batch.sha256 == hashlib.sha256(batch.content).hexdigest()
        lines = batch.content.decode().splitlines()
        assert lines[0].startswith("Référence marché;Nom;Prénom")
        assert len(lines) - 1 == batch.rows_accepted == len(batch.lines)
    assert count(db_session, HourEntry, HourEntry.hours > FULL_TIME_MONTH) == 0
    pending = db_session.scalar(
        sa.select(sa.func.count())
        .select_from(HourEntry)
        .join(Participant)
        .where(Participant.eligibility_validated_on.is_(None))
    )
    assert pending > 0  # recent hires still to verify


def test_the_same_day_gives_the_same_world(db_session):
    def fingerprint() -> list[Any]:
        return db_session.execute(
            sa.select(Contract.reference, Participant.name_key, HourEntry.month, HourEntry.hours)
            .join(HourEntry.contract)
            .join(HourEntry.participant)
            .order_by(Contract.reference, Participant.name_key, HourEntry.month)
        ).all()

    savepoint = db_session.begin_nested()
    demo.load_demo(db_session, TODAY)
    first = fingerprint()
    savepoint.rollback()
    assert count(db_session, Contract) == 0

    demo.load_demo(db_session, TODAY)

    assert fingerprint() == first


@pytest.mark.parametrize("public", [True, False])
def test_demo_sirets_are_valid(public):
    rng = random.Random(1)
    numbers = [demo.demo_siret(rng, public) for _ in range(50)]
    assert all(siret.is_valid(n) and n.startswith("2") == public for n in numbers)


def test_nothing_is_sent_after_the_day_it_is_loaded(db_session):
    """On the 1st of a month, last month's sheets are not in yet: none is dated after today."""
    first_of_month = date(2026, 12, 1)

    demo.load_demo(db_session, first_of_month)

    sent = db_session.execute(
        sa.select(sa.func.max(ImportBatch.uploaded_at), sa.func.max(ImportBatch.as_of))
    ).one()
    assert sent[0].date() <= first_of_month
    assert sent[1] <= first_of_month
    declared = db_session.scalar(sa.select(sa.func.max(NoHoursDeclaration.declared_at)))
    assert declared.date() <= first_of_month


def test_its_nothing_to_report_declarations_are_audited_like_the_contract_page_s(
    loaded, db_session
):
    declarations = db_session.scalars(sa.select(NoHoursDeclaration)).all()
    events = db_session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "declare_no_hours")
    ).all()
    assert declarations
    assert sorted((str(d.contract_id), d.month.isoformat()) for d in declarations) == sorted(
        (e.object_id, e.details["month"]) for e in events
    )
    assert all(e.user and e.user.role is Role.CONTRACTOR for e in events)


def test_placements_show_every_state_and_hours_meet_the_hires(loaded, db_session):
    from clauses.models import JobOffer, Placement, PlacementState
    from clauses.rules.job_offers import OfferState
    from clauses.services import job_offers, placements

    found = db_session.scalars(sa.select(Placement)).all()
    assert loaded.placements == len(found) >= 20
    assert {p.state for p in found} == set(PlacementState)
    team = db_session.scalar(sa.select(User).where(User.email == "facilitatrice@clauses.demo"))
    rows = placements.rows_of(db_session, found, TODAY)
    hired = [r for r in rows if r.placement.state is PlacementState.HIRED]
    assert sum(r.lacks_hours for r in hired) == 1
    assert sum(r.hours_since_hire > 0 for r in hired) >= 4
    assert sum(r.is_unanswered for r in rows) == 2
    company = db_session.scalar(sa.select(User).where(User.email == "entreprise@clauses.demo"))
    own = placements.list_placements(
        db_session, company, placements.PlacementFilters(), TODAY, size=100
    )
    assert own.page.total >= 5
    assert loaded.job_offers == count(db_session, JobOffer) == 4
    states = [
        row.state
        for contract in {o.contract for o in db_session.scalars(sa.select(JobOffer))}
        for row in job_offers.offers_on(db_session, team, contract)
    ]
    assert {OfferState.OPEN, OfferState.FILLED, OfferState.CLOSED} <= set(states)
    people = db_session.scalars(sa.select(Participant)).all()
    assert sum(bool(p.phone) for p in people) > 100
    assert sum(bool(p.email) for p in people) > 60
