"""The main pages in a real browser under the Content-Security-Policy: nothing refused, no
console error, and the confirmation before rolling an import back still asks (clauses.js)."""

import re
from datetime import date

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from clauses import clock
from tests.test_browser import sign_in
from tests.test_import_pipeline import HEADER, xlsx

pytestmark = pytest.mark.browser

# Every refusal of the policy is also reported as an error on the console; this says which.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def console(page: Page) -> list[str]:
    """The console's errors and warnings, and the page's uncaught errors, as they come."""
    seen: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            seen.append(f"{message.type}: {message.text}")

    page.on("console", keep)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    page.add_init_script(REPORT_VIOLATIONS)
    return seen


def test_the_main_pages_run_under_the_csp(
    page: Page, live_server, world, console, tmp_path, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 5, 6))
    response = page.goto(f"{live_server}/login")
    assert response is not None
    assert "default-src 'self'" in response.headers["content-security-policy"]

    sign_in(page, live_server, world.contractor.email)
    page.goto(f"{live_server}/contracts/{world.contract.id}")
    expect(page.get_by_role("img", name="Heures d'insertion du marché")).to_be_visible()
    page.goto(f"{live_server}/participants/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    person = world.participant
    sheet = tmp_path / "releve-avril.xlsx"
    row = [world.contract.reference, person.last_name, person.first_name, person.birth_date]
    sheet.write_bytes(xlsx([HEADER, [*row, date(2024, 4, 1), 12, "CDI"]]))
    page.goto(f"{live_server}/imports/new")
    page.get_by_label("Relevé d'heures (.xlsx, .xls, .ods ou .csv)").set_input_files(str(sheet))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", name="Vérifier avant d'enregistrer")).to_be_visible()
    page.get_by_role("button", name="Enregistrer la ligne acceptée").click()
    expect(page.get_by_text("Le fichier est importé.")).to_be_visible()
    batch_page = page.url
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, world.admin.email)
    expect(page.get_by_test_id("home-title")).to_have_text("Équipe clauses")
    expect(page.get_by_role("progressbar")).to_be_visible()
    page.goto(f"{live_server}/participants/{person.id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The confirmation asks; answered "cancel", nothing is sent; answered "OK", it is.
    page.goto(batch_page)
    questions: list[str] = []

    def answer(accept: bool):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    page.once("dialog", answer(accept=False))
    page.get_by_role("button", name="Annuler cet import").click()
    expect(page.get_by_role("button", name="Annuler cet import")).to_be_visible()
    assert questions == [
        "Annuler cet import ? Ses heures ne compteront plus ; les valeurs antérieures reviennent."
    ]
    page.once("dialog", answer(accept=True))
    page.get_by_role("button", name="Annuler cet import").click()
    expect(page.get_by_text(re.compile("L'import est annulé"))).to_be_visible()
    assert len(questions) == 2

    assert console == []
