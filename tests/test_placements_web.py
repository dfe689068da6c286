"""Placements, job offers and a person's contact on the pages, in French: a facilitator
proposes from a person's page, the contractor answers on its contract's page, the facilitators
follow them on their list; what contractors and buyers are never shown."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.models import (
    AuditLog,
    EmploymentType,
    JobOffer,
    Participant,
    Placement,
    PlacementState,
)
from clauses.services import participants_import
from tests.conftest import csrf_token, login, page_text, post_form
from tests.factories import JobOfferFactory, ParticipantFactory, PlacementFactory
from tests.test_access import visible_pages
from tests.test_import_pipeline import xlsx

TODAY = date(2024, 4, 10)
S = PlacementState


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def person(world):
    world.participant.is_available = True
    world.participant.wanted_trades = "Maçonnerie; Peinture"
    world.participant.phone = "06 12 34 56 78"
    world.participant.email = "awa.diallo@example.fr"
    return world.participant


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def propose(client, person, contract, **extra):
    page = f"/placements/new?participant={person.id}"
    data = {"participant_id": person.id, "contract_id": contract.id, "back": "participant"}
    return client.post(
        "/placements/propose", data={**data, **extra, "csrf_token": csrf_token(client, page)}
    )


# Proposing from a person's page --------------------------------------------------------------


def test_a_facilitator_proposes_a_person_from_their_page(app, db_session, world, person):
    client = signed_in(app, world.facilitator)
    person_page = page_text(client.get(f"/participants/{person.id}"))
    assert "Proposer à un marché" in person_page
    assert "Proposé·e à aucun marché pour l'instant." in person_page

    choose = page_text(
        client.get(f"/placements/new?participant={person.id}&q={world.contract.reference}")
    )
    assert "Proposer DIALLO Awa à un marché" in choose
    assert "Métiers recherchés : Maçonnerie; Peinture" in choose
    assert world.contract.reference in choose

    response = propose(client, person, world.contract, note="Disponible tout de suite")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/participants/{person.id}")
    page = page_text(client.get(response.headers["Location"]))
    assert "DIALLO Awa est proposé·e au marché" in page  # the flash, whatever became of the mail
    assert "Disponible tout de suite" in page
    rows = page.split('data-testid="person-placements"')[1]
    assert world.contract.reference in rows
    assert "proposé·e" in rows
    assert "10/04/2024 — proposé·e" in rows


def test_proposing_a_busy_person_says_where_they_are(app, db_session, world, person):
    PlacementFactory(participant=person, contract=world.other_contract, state=S.INTERVIEW)
    client = signed_in(app, world.facilitator)

    response = propose(client, person, world.contract)
    page = page_text(client.get(response.headers["Location"]))

    assert (
        f"DIALLO Awa est déjà en cours (entretien sur le marché {world.other_contract.reference})"
        in page
    )
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 1


def test_the_proposal_page_warns_of_a_busy_person(app, db_session, world, person):
    PlacementFactory(participant=person, contract=world.other_contract)
    client = signed_in(app, world.facilitator)

    page = page_text(client.get(f"/placements/new?participant={person.id}"))

    assert "DIALLO Awa est déjà en cours (proposé·e sur le marché" in page


def test_the_contractor_is_told_by_e_mail_and_the_facilitator_sees_it_went(
    app, db_session, world, person, mailbox
):
    client = signed_in(app, world.facilitator)

    page = page_text(client.get(propose(client, person, world.contract).headers["Location"]))

    assert "les comptes de l'entreprise sont prévenus par e-mail" in page
    assert [r.recipients for r in mailbox.received] == [(world.contractor.email,)]


def test_a_mail_failure_is_said_and_the_proposal_kept(app, db_session, world, person):
    client = signed_in(app, world.facilitator)

    page = page_text(client.get(propose(client, person, world.contract).headers["Location"]))

    assert "mais l'e-mail à l'entreprise n'a pas pu partir" in page
    assert db_session.scalar(sa.select(Placement.state)) is S.PROPOSED
    assert db_session.scalar(
        sa.select(AuditLog.details["mailed"]).where(AuditLog.action == "notify_proposal")
    ) in (False, "false", 0)


def test_a_proposal_on_a_job_offer(app, db_session, world, person):
    offer = JobOfferFactory(contract=world.contract, trade="Maçonnerie")
    client = signed_in(app, world.facilitator)

    choose = page_text(client.get(f"/placements/new?participant={person.id}"))
    assert "Maçonnerie à partir du 01/05/2024" in choose
    propose(client, person, world.contract, job_offer_id=str(offer.id))

    assert db_session.scalar(sa.select(Placement.job_offer_id)) == offer.id


# The contractor's side -----------------------------------------------------------------------


def test_the_contractor_sees_the_person_proposed_and_answers_hired(app, db_session, world, person):
    PlacementFactory(participant=person, contract=world.contract, proposed_by=world.facilitator)
    client = signed_in(app, world.contractor)

    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    proposals = page.split('data-testid="proposals"')[1].split("</table>")[0]
    assert "DIALLO Awa" in proposals
    assert "Maçonnerie; Peinture" in proposals
    assert world.facilitator.email in proposals  # the facilitator to call
    for hidden in ("06 12 34 56 78", "awa.diallo@example.fr", "RSA", "RQTH", "ligibilit", "QPV"):
        assert hidden not in page
    placement = db_session.scalar(sa.select(Placement))
    assert 'name="employment_type"' in proposals
    assert f"/placements/{placement.id}/withdrawn" not in proposals

    response = client.post(
        f"/placements/{placement.id}/hired",
        data={
            "employment_type": "cdd",
            "hire_date": "2024-04-15",
            "end_date": "",
            "back": "contract",
            "csrf_token": csrf_token(client, f"/contracts/{world.contract.id}"),
        },
    )

    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Mise en relation : embauché·e." in page
    assert "Embauché·e le 15/04/2024 · CDD" in page
    assert (placement.state, placement.employment_type) == (S.HIRED, EmploymentType.CDD)
    assert placement.events[-1].user == world.contractor


def test_a_contractor_answer_without_its_date_is_said(app, db_session, world, person):
    placement = PlacementFactory(participant=person, contract=world.contract)
    client = signed_in(app, world.contractor)
    token = csrf_token(client, f"/contracts/{world.contract.id}")

    response = client.post(f"/placements/{placement.id}/interview", data={"csrf_token": token})

    page = page_text(client.get(response.headers["Location"]))
    assert "Date de l'entretien : Ce champ est requis." in page
    assert placement.state is S.PROPOSED


def test_a_move_the_rules_forbid_is_said_in_french(app, db_session, world, person):
    placement = PlacementFactory(participant=person, contract=world.contract, state=S.REFUSED)
    client = signed_in(app, world.facilitator)

    response = post_form(
        client, f"/placements/{placement.id}/interview", {"interview_on": "2024-04-20"}
    )

    page = page_text(client.get(response.headers["Location"]))
    assert (
        "Cette mise en relation est « refusé·e » : elle ne peut pas passer à « entretien »." in page
    )


def test_a_contractor_never_sees_people_proposed_to_another_contractor(
    app, db_session, world, person
):
    PlacementFactory(participant=person, contract=world.contract)
    PlacementFactory(participant=world.stranger, contract=world.other_contract)
    JobOfferFactory(contract=world.other_contract, contact="Contact caché")

    for url, page in visible_pages(app, world, "contractor"):
        for word in ("RQTH", "RSA", "ligibilit", "QPV", world.stranger.last_name, "Contact caché"):
            assert word not in page, (url, word)
        assert "06 12 34 56 78" not in page, url
    client = signed_in(app, world.contractor)
    assert client.get(f"/contracts/{world.other_contract.id}").status_code == 404


def test_a_buyer_never_sees_proposals_offers_nor_people(app, db_session, world, person):
    PlacementFactory(participant=person, contract=world.contract)
    JobOfferFactory(contract=world.contract, contact="Contact du chantier")
    client = signed_in(app, world.buyer)

    page = page_text(client.get(f"/contracts/{world.contract.id}"))

    for word in ("DIALLO", "Personnes proposées", "Offres d'emploi", "Contact du chantier"):
        assert word not in page
    for url, page in visible_pages(app, world, "buyer"):
        assert "diallo" not in page.lower(), url


# Job offers ----------------------------------------------------------------------------------


def test_a_contractor_declares_a_job_offer_which_fills_as_people_are_hired(
    app, db_session, world, person
):
    client = signed_in(app, world.contractor)
    form = page_text(client.get(f"/contracts/{world.contract.id}/job-offers/new"))
    assert 'value="Gros œuvre"' in form  # the contract's trade by default

    response = post_form(
        client,
        f"/contracts/{world.contract.id}/job-offers/new",
        {"trade": "Maçonnerie", "start_date": "2024-05-02", "duration_months": "6",
         "places": "1", "contact": "M. Leroy, 06 00 00 00 00"},
    )  # fmt: skip

    assert response.status_code == 302
    offer = db_session.scalar(sa.select(JobOffer))
    team = signed_in(app, world.facilitator)
    page = page_text(team.get(f"/contracts/{world.contract.id}"))
    offers = page.split('data-testid="job-offers"')[1].split("</table>")[0]
    assert "Maçonnerie" in offers
    assert "ouverte" in offers
    assert "M. Leroy" in offers
    assert "places d'insertion à pourvoir, calculée" in page or "place d'insertion" in page
    assert "Maçonnerie" in page_text(team.get("/job-offers/"))

    PlacementFactory(participant=person, contract=world.contract, job_offer=offer,
                     state=S.HIRED, hire_date=date(2024, 5, 2))  # fmt: skip

    offers = page_text(team.get(f"/contracts/{world.contract.id}")).split(
        'data-testid="job-offers"'
    )[1]
    assert "pourvue" in offers.split("</table>")[0]
    assert "Aucune offre d'emploi ouverte." in page_text(team.get("/job-offers/"))


def test_a_job_offer_without_places_is_shown_again_with_its_error(app, db_session, world):
    client = signed_in(app, world.contractor)

    response = post_form(
        client,
        f"/contracts/{world.contract.id}/job-offers/new",
        {"trade": "Maçonnerie", "start_date": "2024-05-02", "duration_months": "6",
         "places": "0", "contact": "M. Leroy"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "L'offre d'emploi n'a pas été enregistrée" in page_text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(JobOffer)) == 0


def test_a_contractor_closes_its_job_offer(app, db_session, world):
    offer = JobOfferFactory(contract=world.contract)
    client = signed_in(app, world.contractor)

    response = post_form(client, f"/job-offers/{offer.id}/close", {})

    page = page_text(client.get(response.headers["Location"]))
    assert "Offre d'emploi fermée." in page
    assert offer.closed_at is not None
    assert offer.closed_by_id == world.contractor.id


# The facilitators' list ------------------------------------------------------------------------


def test_the_placements_page_lists_by_state_and_says_sans_reponse(app, db_session, world, person):
    PlacementFactory(participant=person, contract=world.contract, state_on=date(2024, 3, 20))
    PlacementFactory(contract=world.other_contract, state=S.HIRED, hire_date=date(2024, 1, 8),
                     employment_type=EmploymentType.CDI, state_on=date(2024, 1, 5))  # fmt: skip
    client = signed_in(app, world.facilitator)

    page = page_text(client.get("/placements/"))

    rows = page.split('data-testid="placements"')[1].split("</table>")[0]
    assert rows.index("DIALLO Awa") < rows.index("Embauché·e le 08/01/2024")  # proposed first
    assert "sans réponse" in rows
    assert "aucune heure déclarée depuis l'embauche" in rows
    counts = page.split('data-testid="state-counts"')[1].split("</ul>")[0]
    assert re.search(r"sans réponse\s*<span[^>]*>1<", counts)
    only = page_text(client.get("/placements/?state=unanswered"))
    assert "DIALLO Awa" in only
    assert "08/01/2024" not in only


# A person's contact -------------------------------------------------------------------------------


def test_the_phone_and_e_mail_are_saved_written_one_way_and_audited(app, db_session, world, person):
    client = signed_in(app, world.facilitator)
    path = f"/participants/{person.id}/edit"
    form = page_text(client.get(path))
    assert 'name="phone"' in form

    data = {
        "last_name": "Diallo", "first_name": "Awa", "birth_date": "1990-01-01", "sex": "F",
        "phone": "+33 6.11.22.33.44", "email": " awa@example.fr ", "is_available": "y",
    }  # fmt: skip
    response = post_form(client, path, data)

    assert response.status_code == 302
    assert (person.phone, person.email) == ("06 11 22 33 44", "awa@example.fr")
    page = page_text(client.get(f"/participants/{person.id}"))
    assert "06 11 22 33 44" in page
    assert "awa@example.fr" in page
    fields = db_session.scalar(
        sa.select(AuditLog.details["fields"]).where(AuditLog.action == "update")
    )
    assert {"phone", "email"} <= set(fields)


def test_a_wrong_phone_or_e_mail_is_said_in_french(app, db_session, world, person):
    client = signed_in(app, world.facilitator)
    data = {
        "last_name": "Diallo", "first_name": "Awa", "birth_date": "1990-01-01",
        "phone": "06 12 34", "email": "awa@",
    }  # fmt: skip

    page = page_text(post_form(client, f"/participants/{person.id}/edit", data))

    assert "Ce n'est pas un numéro de téléphone" in page
    assert "Adresse électronique non valide." in page  # the sign-in form's words
    assert person.phone == "06 12 34 56 78"


def test_the_participants_import_reads_phone_and_e_mail(app, db_session, world):
    header = ["Nom", "Prénom", "Date de naissance", "Téléphone", "E-mail"]
    content = xlsx(
        [
            header,
            ["Martin", "Léa", date(1990, 5, 4), 612345678, "lea@example.fr"],
            ["Durand", "Paul", date(1985, 1, 2), "06 12", "paul@example.fr"],
            ["Petit", "Zoé", date(1995, 3, 4), "", "zoe@"],
        ]
    )

    report = participants_import.import_participants(db_session, world.admin, content, "p.xlsx")

    assert [issue.code.value for issue in report.errors] == ["phone_invalid", "email_invalid"]
    lea = db_session.scalar(sa.select(Participant.phone).where(Participant.last_name == "Martin"))
    assert lea == "06 12 34 56 78"


@pytest.mark.parametrize("asked", ["abc", "", str(2**31), "-1"])
def test_proposing_to_no_person_is_a_404(app, db_session, world, asked):
    client = signed_in(app, world.facilitator)
    assert client.get(f"/placements/new?participant={asked}").status_code == 404


def test_a_refused_proposal_goes_back_to_the_proposal_page(app, db_session, world):
    client = signed_in(app, world.facilitator)
    person = ParticipantFactory(is_available=True)  # to verify

    response = propose(client, person, world.contract)

    assert response.headers["Location"].endswith(f"/placements/new?participant={person.id}")
    page = page_text(client.get(response.headers["Location"]))
    assert "ne peut pas encore être proposé·e : son dossier est encore à vérifier" in page


def test_the_contractors_home_lists_the_people_waiting_for_its_answer(
    app, db_session, world, person
):
    PlacementFactory(participant=person, contract=world.contract, proposed_by=world.facilitator)
    PlacementFactory(participant=world.stranger, contract=world.other_contract)
    PlacementFactory(contract=world.contract, state=S.REFUSED)  # answered
    client = signed_in(app, world.contractor)

    page = page_text(client.get("/"))

    awaiting = page.split('data-testid="awaiting"')[1].split("</ul>")[0]
    assert "DIALLO Awa" in awaiting
    assert f"{world.contract.reference} · proposé·e" in awaiting
    assert f"/contracts/{world.contract.id}#placements" in awaiting
    assert awaiting.count("<li") == 1
    assert world.stranger.last_name.upper() not in page
