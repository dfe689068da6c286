"""Real-browser journey of a placement: a facilitator proposes a person from their page, the
contractor signs in, sees the proposal on its contract and answers "hired", and the hire shows
on both sides."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from clauses import clock
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
