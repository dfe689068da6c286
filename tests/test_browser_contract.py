"""Real-browser journey on a contract's page: the contractor reads its status and chart, and
declares that a month had nothing to report."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from clauses import clock
from tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_contractor_reads_the_status_and_declares_nothing_to_report(
    page: Page, live_server, world, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 5, 6))  # April is due, and missing
    sign_in(page, live_server, world.contractor.email)
    page.goto(f"{live_server}/contracts/{world.contract.id}")
    expect(page.get_by_test_id("status")).to_have_text("en retard")
    expect(page.get_by_test_id("status-sentence")).to_contain_text(
        "35 h réalisées sur 396,72 h attendues au 30 avril : 9 %"
    )
    chart = page.get_by_role("img", name="Heures d'insertion du marché")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline")).to_have_count(3)
    expect(page.get_by_test_id("missing-report")).to_contain_text(
        "Relevé d'heures manquant pour avril 2024."
    )
    page.get_by_role("button", name="Rien à déclarer pour avril 2024").click()
    expect(page.get_by_text("Rien à déclarer pour avril 2024 : c'est enregistré.")).to_be_visible()
    expect(page.get_by_test_id("missing-report")).to_have_count(0)
    expect(page.get_by_test_id("declared-report")).to_have_text(
        "« Rien à déclarer » a été déclaré pour avril 2024."
    )
