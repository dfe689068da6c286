"""Every main page on a phone (390 px wide) and on a laptop, in a real browser: nothing wider than
the screen (wide tables scroll inside their own box), and the menu readable (WCAG AA contrast)."""

import re

import pytest
from playwright.sync_api import Page

from tests.factories import ImportBatchFactory
from tests.test_browser import sign_in
from tests.test_dashboard import make_portfolio

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
PAGES = {
    "facilitator": ["/", "/contracts/", "/participants/", "/imports/", "/reminders/"],
    "buyer": ["/", "/contracts/"],
    "contractor": ["/", "/contracts/", "/imports/", "/imports/new", "/participants/"],
}


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.fixture
def portfolio(db_session):
    made = make_portfolio()
    # Real operation names are long, and so are the contractors' file names.
    for contract in made.contracts.values():
        contract.operation.name = f"{contract.operation.name} — reconstruction et extension"
    contractor = made.contractor.organisation
    for month in range(1, 4):
        ImportBatchFactory(
            contractor=contractor,
            uploaded_by=made.contractor,
            filename=f"releve-heures-insertion-{month:02d}-2024-version-definitive-corrigee.xlsx",
        )
    return made


@pytest.mark.parametrize("role", sorted(PAGES))
def test_no_page_is_wider_than_a_phone(page: Page, live_server, portfolio, role):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, getattr(portfolio, role).email)
    for path in PAGES[role]:
        page.goto(f"{live_server}{path}")
        assert page_width(page) <= PHONE["width"], f"{path} is {page_width(page)} px wide"


def test_the_buyer_sees_every_column_of_the_operations_table(page: Page, live_server, portfolio):
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, portfolio.buyer.email)
    table = page.get_by_test_id("by-operation")
    cells = table.locator("tr").first.locator("th, td")
    last = cells.nth(cells.count() - 1).bounding_box()
    frame = table.locator("xpath=..").bounding_box()  # the box the table scrolls in, if it must
    assert last is not None
    assert frame is not None
    assert last["x"] + last["width"] <= frame["x"] + frame["width"]
    assert page_width(page) <= LAPTOP["width"]


def _rgb(css: str) -> tuple[float, float, float, float]:
    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast of a (possibly translucent) text colour over an opaque background."""
    *fg, alpha = _rgb(foreground)
    bg = _rgb(background)[:3]
    blended = tuple(alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True))
    lighter, darker = sorted((_luminance(blended), _luminance(bg)), reverse=True)  # type: ignore[arg-type]
    return (lighter + 0.05) / (darker + 0.05)


def test_the_menu_text_is_readable_on_its_background(page: Page, live_server, portfolio):
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, portfolio.facilitator.email)
    background = page.locator("nav.navbar").evaluate("e => getComputedStyle(e).backgroundColor")
    texts = page.locator("nav.navbar .nav-link, nav.navbar .navbar-text, nav.navbar .navbar-brand")
    assert texts.count() >= 3
    for i in range(texts.count()):
        color = texts.nth(i).evaluate("e => getComputedStyle(e).color")
        assert contrast(color, background) >= 4.5, texts.nth(i).inner_text()
