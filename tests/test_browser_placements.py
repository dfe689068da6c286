"""Real-browser journey of a placement: a facilitator proposes a person from their page, the
contractor signs in, sees the proposal on its contract and answers "hired", and the hire shows
on both sides."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from clauses import clock
from tests.factories import ParticipantFactory
from tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_a_facilitator_proposes_and_the_contractor_hires(
    page: Page, live_server, world, db_session, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 4, 10))
    world.participant.is_available = True
    world.participant.wanted_trades = "Maçonnerie"
    db_session.commit()
    reference = world.contract.reference

    sign_in(page, live_server, world.facilitator.email)
    page.goto(f"{live_server}/participants/{world.participant.id}")
    page.get_by_role("link", name="Proposer à un marché").click()
    page.get_by_role("searchbox").fill(reference)
    page.get_by_role("button", name="Rechercher").click()
    row = page.get_by_test_id("contracts-to-propose").get_by_role("row").filter(has_text=reference)
    row.get_by_placeholder("Note (facultative)").fill("Très motivée")
    row.get_by_role("button", name="Proposer").click()
    expect(page.get_by_text(f"DIALLO Awa est proposé·e au marché {reference}")).to_be_visible()
    expect(page.get_by_test_id("person-placement")).to_contain_text("proposé·e")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, world.contractor.email)
    page.goto(f"{live_server}/contracts/{world.contract.id}")
    proposal = page.get_by_test_id("proposal")
    expect(proposal).to_contain_text("DIALLO Awa")
    expect(proposal).to_contain_text("Maçonnerie")
    expect(proposal.get_by_test_id("facilitator-contact")).to_contain_text(world.facilitator.email)
    expect(proposal).not_to_contain_text("Très motivée")  # the team's note stays the team's
    proposal.get_by_text("Embauché·e", exact=True).click()
    proposal.get_by_label("Type de contrat").select_option(label="CDD")
    proposal.get_by_label("Date de début").fill("2024-04-15")
    proposal.get_by_role("button", name="Enregistrer l'embauche").click()
    expect(page.get_by_text("Mise en relation : embauché·e.")).to_be_visible()
    expect(page.get_by_test_id("proposal")).to_contain_text("Embauché·e le 15/04/2024 · CDD")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, world.facilitator.email)
    page.goto(f"{live_server}/participants/{world.participant.id}")
    placement = page.get_by_test_id("person-placement")
    expect(placement.get_by_test_id("placement-state")).to_have_text("embauché·e")
    expect(placement.get_by_test_id("placement-history")).to_contain_text("10/04/2024 — embauché·e")
    page.get_by_role("link", name="Mises en relation").click()
    expect(page.get_by_test_id("placement")).to_contain_text("Embauché·e le 15/04/2024")


def test_from_where_to_send_to_a_hire(page: Page, live_server, world, db_session, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 4, 10))
    site = world.contract  # behind on 10 April 2024: a place to fill
    site.trade, site.commune, site.commune_insee = "Maçonnerie", "Bobigny", "93008"
    top = ParticipantFactory(last_name="Camara", first_name="Moussa", validated=True,
                             is_available=True, wanted_trades="Maçonnerie",
                             commune="Saint-Denis", commune_insee="93066")  # fmt: skip
    ParticipantFactory(last_name="Petit", first_name="Léa", validated=True, is_available=True)
    db_session.commit()

    sign_in(page, live_server, world.facilitator.email)
    page.get_by_role("link", name="Où envoyer").click()
    group = page.get_by_test_id("site-group").filter(has_text="Maçonnerie — Bobigny")
    group.get_by_test_id("candidates-link").click()
    first = page.get_by_test_id("candidate").first
    expect(first).to_contain_text("CAMARA Moussa")
    expect(first.get_by_test_id("reason")).to_contain_text("même métier · 6,7 km")
    first.get_by_role("button", name="Proposer").click()
    expect(
        page.get_by_text(f"CAMARA Moussa est proposé·e au marché {site.reference}")
    ).to_be_visible()
    expect(page.get_by_test_id("candidates")).not_to_contain_text("CAMARA")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, world.contractor.email)
    page.get_by_test_id("awaiting").get_by_role("link", name="Répondre").click()
    proposal = page.get_by_test_id("proposal")
    expect(proposal).to_contain_text("CAMARA Moussa")
    proposal.get_by_text("Embauché·e", exact=True).click()
    proposal.get_by_label("Type de contrat").select_option(label="CDI")
    proposal.get_by_label("Date de début").fill("2024-04-22")
    proposal.get_by_role("button", name="Enregistrer l'embauche").click()
    expect(page.get_by_test_id("proposal")).to_contain_text("Embauché·e le 22/04/2024 · CDI")
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, world.facilitator.email)
    page.goto(f"{live_server}/contracts/{site.id}/candidates")
    expect(page.get_by_test_id("candidates")).not_to_contain_text("CAMARA")
    page.goto(f"{live_server}/participants/{top.id}")
    expect(page.get_by_test_id("person-placement")).to_contain_text("Embauché·e le 22/04/2024")
