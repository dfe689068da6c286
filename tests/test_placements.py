"""Placements through the services: proposing (refused for a busy, ineligible, unavailable
person, an ended contract, a job offer no longer open), each move allowed or refused by the
rules and the actor's role, one audit event per change, the contractor's e-mail (sent, and its
failure recorded without losing the proposal), hours since the hire, job offers filling up."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from clauses.errors import (
    DatesReversed,
    EmploymentTypeMissing,
    JobOfferNotOpen,
    PlacementContractEnded,
    PlacementMoveRefused,
    PlacementPersonBusy,
    PlacementPersonNotEligible,
    PlacementPersonUnavailable,
    PlacementPersonUnknown,
)
from clauses.extensions import db
from clauses.models import AuditLog, EmploymentType, Placement, PlacementState, Role
from clauses.rules.job_offers import OfferState
from clauses.services import job_offers, placements
from tests.conftest import REFUSED_DOMAIN
from tests.factories import (
    ContractFactory,
    HourEntryFactory,
    JobOfferFactory,
    ParticipantFactory,
    PlacementFactory,
    UserFactory,
)

TODAY = date(2024, 4, 10)
S = PlacementState


@pytest.fixture
def person(world):
    world.participant.is_available = True
    return world.participant


def actions(db_session, placement):
    return list(
        db_session.scalars(
            sa.select(AuditLog.action)
            .where(AuditLog.object_type == "placement", AuditLog.object_id == str(placement.id))
            .order_by(AuditLog.id)
        )
    )


def propose(world, person, contract=None, **kwargs):
    contract = contract or world.contract
    return placements.propose(
        db.session(), world.facilitator, person, contract, today=TODAY, **kwargs
    )


# Proposing ------------------------------------------------------------------------------------


def test_a_proposal_is_dated_kept_in_the_history_and_audited(db_session, world, person):
    placement = propose(world, person, note="Motivée, permis B")

    assert (placement.state, placement.state_on, placement.proposed_by) == (
        S.PROPOSED,
        TODAY,
        world.facilitator,
    )
    assert [(e.state, e.state_on) for e in placement.events] == [(S.PROPOSED, TODAY)]
    assert placement.note == "Motivée, permis B"
    assert actions(db_session, placement) == ["propose_placement"]


@pytest.mark.parametrize(
    ("state", "hire", "end"),
    [
        (S.PROPOSED, None, None),
        (S.INTERVIEW, None, None),
        (S.HIRED, date(2024, 3, 1), None),
        (S.HIRED, date(2024, 3, 1), TODAY),  # until today: still busy
        (S.HIRED, date(2024, 5, 1), None),  # a hire starting later
    ],
)
def test_a_busy_person_is_refused_with_where_they_are(db_session, world, person, state, hire, end):
    elsewhere = ContractFactory(reference="AILLEURS-1")
    PlacementFactory(
        participant=person, contract=elsewhere, state=state, hire_date=hire, end_date=end
    )

    with pytest.raises(PlacementPersonBusy) as refused:
        propose(world, person)

    assert refused.value.params == {
        "name": "DIALLO Awa",
        "reference": "AILLEURS-1",
        "state": state.value,
    }
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 1


@pytest.mark.parametrize(
    ("state", "hire", "end"),
    [
        (S.REFUSED, None, None),
        (S.WITHDRAWN, None, None),
        (S.ENDED, date(2024, 1, 1), date(2024, 3, 31)),
        (S.HIRED, date(2024, 1, 1), date(2024, 4, 9)),  # ended yesterday
    ],
)
def test_a_person_no_longer_busy_may_be_proposed_again(db_session, world, person, state, hire, end):
    PlacementFactory(participant=person, contract=world.contract, state=state, hire_date=hire,
                     end_date=end)  # fmt: skip

    assert propose(world, person).state is S.PROPOSED


def test_a_person_to_verify_is_refused(db_session, world):
    person = ParticipantFactory(last_name="Martin", first_name="Léa", is_available=True)
    with pytest.raises(PlacementPersonNotEligible):
        propose(world, person)
    person.eligibility_validated_on = date(2024, 4, 11)  # validated after today: not yet
    with pytest.raises(PlacementPersonNotEligible):
        propose(world, person)


def test_a_person_not_available_is_refused(db_session, world):
    world.participant.is_available = False
    with pytest.raises(PlacementPersonUnavailable):
        propose(world, world.participant)


def test_an_unknown_person_is_refused(db_session, world):
    with pytest.raises(PlacementPersonUnknown):
        placements.person_to_propose(db_session, world.facilitator, 2**31 - 1)
    with pytest.raises(PlacementPersonUnknown):
        placements.person_to_propose(db_session, world.facilitator, None)


def test_an_ended_contract_is_refused(db_session, world, person):
    ended = ContractFactory(end_date=date(2024, 4, 9))
    with pytest.raises(PlacementContractEnded):
        propose(world, person, ended)


def test_a_proposal_on_a_job_offer_needs_it_open_and_of_that_contract(db_session, world, person):
    offer = JobOfferFactory(contract=world.contract, places=1)
    other = JobOfferFactory(contract=world.other_contract)
    with pytest.raises(JobOfferNotOpen):
        propose(world, person, job_offer=other)

    placement = propose(world, person, job_offer=offer)
    placements.hire(db_session, world.facilitator, placement, EmploymentType.CDD, TODAY)

    assert job_offers.offers_on(db_session, world.facilitator, world.contract)[0].state is (
        OfferState.FILLED
    )
    someone = ParticipantFactory(validated=True, is_available=True)
    with pytest.raises(JobOfferNotOpen):
        propose(world, someone, job_offer=offer)


# Moves ----------------------------------------------------------------------------------------


def test_the_clause_team_follows_a_placement_to_its_end(db_session, world, person):
    placement = propose(world, person)
    team = world.facilitator

    placements.interview(db_session, team, placement, date(2024, 4, 15), today=date(2024, 4, 11))
    placements.hire(db_session, team, placement, EmploymentType.CDD, date(2024, 4, 22),
                    date(2024, 10, 21), today=date(2024, 4, 16))  # fmt: skip
    placements.end(db_session, team, placement, date(2024, 9, 30), today=date(2024, 10, 1))

    assert [(e.state, e.state_on) for e in placement.events] == [
        (S.PROPOSED, TODAY),
        (S.INTERVIEW, date(2024, 4, 11)),
        (S.HIRED, date(2024, 4, 16)),
        (S.ENDED, date(2024, 10, 1)),
    ]
    assert (placement.interview_on, placement.employment_type, placement.hire_date) == (
        date(2024, 4, 15),
        EmploymentType.CDD,
        date(2024, 4, 22),
    )
    assert placement.end_date == date(2024, 9, 30)
    assert actions(db_session, placement) == [
        "propose_placement",
        "placement_interview",
        "placement_hired",
        "placement_ended",
    ]
    details = db_session.scalar(
        sa.select(AuditLog.details).where(AuditLog.action == "placement_hired")
    )
    assert details["from_state"] == "interview"
    assert details["employment_type"] == "cdd"


def test_moves_the_rules_forbid_are_refused_and_change_nothing(db_session, world, person):
    placement = propose(world, person)
    placements.refuse(db_session, world.facilitator, placement, "Poste pourvu")

    for move in (
        lambda: placements.interview(db_session, world.facilitator, placement, TODAY),
        lambda: placements.hire(
            db_session, world.facilitator, placement, EmploymentType.CDI, TODAY
        ),
        lambda: placements.withdraw(db_session, world.facilitator, placement),
    ):
        with pytest.raises(PlacementMoveRefused):
            move()

    assert placement.state is S.REFUSED
    assert placement.refusal_reason == "Poste pourvu"
    assert actions(db_session, placement) == ["propose_placement", "placement_refused"]


def test_a_contractor_answers_on_its_own_contracts_only(db_session, world, person):
    placement = propose(world, person)
    contractor, other = world.contractor, world.other_contractor

    with pytest.raises(PlacementMoveRefused):
        placements.withdraw(db_session, contractor, placement)  # the clause team's move
    with pytest.raises(PlacementMoveRefused):
        placements.interview(db_session, other, placement, TODAY)
    with pytest.raises(PlacementMoveRefused):
        placements.interview(db_session, world.buyer, placement, TODAY)
    placements.interview(db_session, contractor, placement, date(2024, 4, 12))
    placements.hire(db_session, contractor, placement, EmploymentType.INTERIM, date(2024, 4, 15))
    with pytest.raises(PlacementMoveRefused):
        placements.end(db_session, contractor, placement, date(2024, 5, 1))

    assert placement.state is S.HIRED
    assert [e.user for e in placement.events[1:]] == [contractor, contractor]


def test_a_hire_needs_its_type_and_an_end_after_its_start(db_session, world, person):
    placement = propose(world, person)
    with pytest.raises(EmploymentTypeMissing):
        placements.hire(db_session, world.facilitator, placement, None, TODAY)
    with pytest.raises(DatesReversed):
        placements.hire(db_session, world.facilitator, placement, EmploymentType.CDD, TODAY,
                        date(2024, 4, 1))  # fmt: skip
    assert placement.state is S.PROPOSED


# The contractor's e-mail ----------------------------------------------------------------------


def test_the_contractors_active_accounts_are_told_by_e_mail(
    app, db_session, world, person, mailbox
):
    UserFactory(role=Role.CONTRACTOR, organisation=world.contractor.organisation,
                email="parti@example.fr", is_active=False)  # fmt: skip
    colleague = UserFactory(role=Role.CONTRACTOR, organisation=world.contractor.organisation,
                            email="chantier@example.fr")  # fmt: skip
    placement = propose(world, person)

    notice = placements.notify_proposal(db_session, placement, app.config, "https://c.fr/m/1")

    assert notice.is_sent
    (received,) = mailbox.received
    assert set(received.recipients) == {world.contractor.email, colleague.email}
    body = received.message.get_content()
    subject = str(received.message["Subject"])
    assert world.contract.reference in subject
    assert world.facilitator.full_name in body
    assert world.facilitator.email in body
    assert "https://c.fr/m/1" in body
    for secret in ("Diallo", "DIALLO", "Awa", "RSA", "RQTH", "ligibilit"):
        assert secret not in body + subject
    event = db_session.scalar(sa.select(AuditLog).where(AuditLog.action == "notify_proposal"))
    assert event.details == {"accounts": 2, "mailed": True, "mail_error": None}


def test_a_mail_failure_is_recorded_and_loses_no_proposal(app, db_session, world, person):
    placement = propose(world, person)  # no SMTP server listens on the tests' mail port

    notice = placements.notify_proposal(db_session, placement, app.config)

    assert not notice.is_sent
    assert "127.0.0.1" in notice.error
    db_session.commit()
    assert db_session.get(Placement, placement.id).state is S.PROPOSED
    event = db_session.scalar(sa.select(AuditLog).where(AuditLog.action == "notify_proposal"))
    assert event.details["mailed"] is False
    assert event.details["mail_error"] == notice.error


def test_a_refused_recipient_is_recorded(app, db_session, world, person, mailbox):
    world.contractor.email = f"nobody@{REFUSED_DOMAIN}"
    placement = propose(world, person)

    notice = placements.notify_proposal(db_session, placement, app.config)

    assert not notice.is_sent
    assert "550" in notice.error


def test_a_contractor_without_account_is_noted(app, db_session, world, person):
    world.contractor.is_active = False
    placement = propose(world, person)

    notice = placements.notify_proposal(db_session, placement, app.config)

    assert (notice.recipients, notice.is_sent) == ((), False)


# Hours meet the hire ---------------------------------------------------------------------------


def test_hours_since_the_hire_month_are_shown_and_a_silent_hire_flagged(db_session, world, person):
    hired = PlacementFactory(
        participant=person, contract=world.contract, state=S.HIRED, hire_date=date(2024, 3, 18)
    )
    # The world's 35 h are in March 2024; February's are before the hire month.
    HourEntryFactory(contract=world.contract, participant=person, month=date(2024, 2, 1))
    HourEntryFactory(contract=world.other_contract, participant=person, month=date(2024, 4, 1))
    silent = PlacementFactory(contract=world.contract, state=S.HIRED, hire_date=date(2024, 2, 1))

    rows = {
        row.placement.id: row
        for row in placements.on_contract(db_session, world.facilitator, world.contract, TODAY)
    }

    assert (rows[hired.id].hours_since_hire, rows[hired.id].lacks_hours) == (Decimal(35), False)
    assert (rows[silent.id].hours_since_hire, rows[silent.id].lacks_hours) == (Decimal(0), True)


# Job offers -------------------------------------------------------------------------------------


def test_a_job_offer_is_declared_listed_open_and_closed(db_session, world):
    data = job_offers.JobOfferData(" Plomberie ", date(2024, 5, 1), 6, 2, " M. Leroy ")
    offer = job_offers.declare(db_session, world.contractor, world.contract, data)

    (row,) = job_offers.open_offers(db_session, world.facilitator, 1, 25).items
    assert (row.offer, row.state, row.places_left) == (offer, OfferState.OPEN, 2)
    assert (offer.trade, offer.contact) == ("Plomberie", "M. Leroy")
    assert job_offers.open_offers(db_session, world.other_contractor, 1, 25).items == []

    job_offers.close(db_session, world.contractor, offer)

    assert job_offers.open_offers(db_session, world.facilitator, 1, 25).items == []
    with pytest.raises(JobOfferNotOpen):
        job_offers.close(db_session, world.contractor, offer)
    recorded = db_session.scalars(
        sa.select(AuditLog.action).where(AuditLog.object_type == "job_offer")
    ).all()
    assert recorded == ["declare_job_offer", "close_job_offer"]


# The facilitators' list ------------------------------------------------------------------------


def test_the_list_filters_by_state_age_contractor_and_facilitator(db_session, world):
    other_facilitator = UserFactory()
    old = PlacementFactory(contract=world.contract, state_on=date(2024, 3, 20))
    recent = PlacementFactory(contract=world.contract, state_on=date(2024, 4, 1),
                              proposed_by=other_facilitator)  # fmt: skip
    hired = PlacementFactory(contract=world.other_contract, state=S.HIRED,
                             state_on=date(2024, 3, 1), hire_date=date(2024, 3, 4))  # fmt: skip

    def listed(**filters):
        found = placements.list_placements(
            db_session, world.facilitator, placements.PlacementFilters(**filters), TODAY
        )
        return {row.placement for row in found.page.items}

    assert listed() == {old, recent, hired}
    assert listed(state="unanswered") == {old}
    assert listed(state="hired") == {hired}
    assert listed(older_than_days=30) == {hired}
    assert listed(contractor_id=world.other_contract.contractor_id) == {hired}
    assert listed(proposed_by_id=other_facilitator.id) == {recent}
    assert listed(contract_id=world.contract.id) == {old, recent}
    assert listed(q=old.participant.last_name) == {old}
    counts = placements.state_counts(db_session, world.facilitator, TODAY)
    assert (counts["proposed"], counts["hired"], counts["unanswered"]) == (2, 1, 1)


def test_the_list_runs_the_same_queries_for_3_or_30_placements(db_session, world, count_queries):
    def queries():
        with count_queries() as statements:
            placements.list_placements(
                db_session, world.facilitator, placements.PlacementFilters(), TODAY
            )
        return len(statements)

    for _ in range(3):
        PlacementFactory(contract=world.contract, state=S.HIRED, hire_date=TODAY)
    few = queries()
    for _ in range(27):
        PlacementFactory(contract=world.contract, state=S.HIRED, hire_date=TODAY)
    assert queries() == few
