"""Real-browser journeys (Debian's Chromium driven by Playwright) against the live app."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.parametrize(
    ("role", "title", "menu"),
    [
        (
            "admin",
            "Équipe clauses",
            ["Accueil", "Marchés", "Participant·es", "Relevés d'heures", "Administration"],
        ),
        (
            "facilitator",
            "Équipe clauses",
            ["Accueil", "Marchés", "Participant·es", "Relevés d'heures"],
        ),
        ("buyer", "Marchés de Département de test", ["Accueil", "Marchés"]),
        (
            "contractor",
            "Mes marchés — Bâtiments Test SAS",
            ["Accueil", "Marchés", "Participant·es", "Relevés d'heures"],
        ),
    ],
)
def test_each_role_signs_in_to_its_home_page(page: Page, live_server, world, role, title, menu):
    sign_in(page, live_server, getattr(world, role).email)
    expect(page.get_by_test_id("home-title")).to_have_text(title)
    links = page.get_by_role("navigation", name="Menu principal").get_by_role("link")
    expect(links).to_have_text(["Clauses", *menu])
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_language_switch_keeps_the_page(page: Page, live_server, world):
    sign_in(page, live_server, world.facilitator.email)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("home-title")).to_have_text("Clause team")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_test_id("home-title")).to_have_text("Équipe clauses")
