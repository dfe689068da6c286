"""The clause team's home page in a real browser: counts, the status filter, a contract's link."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser import sign_in
from tests.test_dashboard import AS_OF, make_portfolio

pytestmark = pytest.mark.browser


def test_facilitator_filters_the_dashboard_and_opens_a_contract(
    page: Page, live_server, db_session
):
    portfolio = make_portfolio()
    sign_in(page, live_server, portfolio.facilitator.email)
    expect(page.get_by_test_id("home-title")).to_have_text("Équipe clauses")
    page.goto(f"{live_server}/?as_of={AS_OF.isoformat()}")

    expect(page.get_by_test_id("count-behind")).to_have_text("2")
    expect(page.get_by_test_id("count-missing_report")).to_have_text("1")
    rows = page.get_by_test_id("contracts").locator("tbody tr")
    expect(rows).to_have_count(5)

    page.get_by_label("Marchés listés").select_option(label="en retard")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"status=behind"))
    expect(page.get_by_role("heading", name="Marchés : en retard")).to_be_visible()
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_role("link")).to_have_text("B-BEHIND")
    expect(page.get_by_test_id("count-on_track")).to_have_text("2")

    page.get_by_role("link", name="H-BEHIND").click()
    expect(page).to_have_url(re.compile(rf"/contracts/{portfolio.contracts['H-BEHIND'].id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("H-BEHIND")
