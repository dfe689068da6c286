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
            [
                "Accueil",
                "Où envoyer",
                "Marchés",
                "Participant·es",
                "Mises en relation",
                "Relevés d'heures",
                "Relances",
                "Administration",
            ],
        ),
        (
            "facilitator",
            "Équipe clauses",
            [
                "Accueil",
                "Où envoyer",
                "Marchés",
                "Participant·es",
                "Mises en relation",
                "Relevés d'heures",
                "Relances",
            ],
        ),
        ("buyer", "Marchés — Département de test", ["Accueil", "Marchés"]),
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


def test_contractor_uploads_a_sheet_previews_and_confirms(page: Page, live_server, world, tmp_path):
    from datetime import date

    from tests.test_import_pipeline import HEADER, xlsx

    person = world.participant
    sheet = tmp_path / "releve-mars.xlsx"
    base = [world.contract.reference, person.last_name, person.first_name, person.birth_date]
    sheet.write_bytes(
        xlsx(
            [HEADER, [*base, date(2024, 2, 1), "35h", "CDI"], [*base, date(2024, 3, 1), -4, "CDI"]]
        )
    )
    sign_in(page, live_server, world.contractor.email)
    page.get_by_role("link", name="Relevés d'heures").click()
    page.get_by_role("link", name="Envoyer un relevé d'heures").click()
    page.get_by_label("Relevé d'heures (.xlsx, .xls, .ods ou .csv)").set_input_files(str(sheet))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", name="Vérifier avant d'enregistrer")).to_be_visible()
    expect(page.get_by_test_id("count-1")).to_have_text("1")
    expect(page.get_by_test_id("count-2")).to_have_text("1")
    expect(page.get_by_text("heures négatives (-4 h)")).to_be_visible()
    page.get_by_role("button", name="Enregistrer la ligne acceptée").click()
    expect(page.get_by_text("Le fichier est importé.")).to_be_visible()
    expect(
        page.get_by_role("link", name="Télécharger les lignes rejetées (.xlsx) pour les corriger")
    ).to_be_visible()
