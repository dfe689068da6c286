"""Security headers (issue 13, hardening): a strict Content-Security-Policy and its companions
on every response, HSTS over HTTPS only, and nothing a signed-in user is sent kept in a cache."""

import re
from pathlib import Path

import pytest

from tests.conftest import login
from tests.test_access import batch_of

ROOT = Path(__file__).resolve().parent.parent


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


@pytest.mark.parametrize("path", ["/login", "/nowhere"])
def test_a_page_carries_the_csp_and_its_companions(client, path):
    response = client.get(path)
    csp = directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "script-src" not in csp  # scripts and styles: 'self' only, from default-src
    assert "style-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https_and_no_redirect_to_it(client):
    plain = client.get("/login")
    assert plain.status_code == 200  # TLS is the proxy's job: no redirect to https
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_signed_in_pages_and_files_are_not_stored(app, world):
    client = app.test_client()
    login(client, world.admin)
    batch = batch_of(world, world.contract)
    for path in (
        "/",
        f"/contracts/{world.contract.id}",
        f"/participants/{world.participant.id}",
        f"/imports/{batch}/file",
        f"/imports/{batch}/rejected.xlsx",
        "/export?format=csv",
        "/imports/template.xlsx",
        "/nowhere",
    ):
        response = client.get(path)
        assert (path, response.headers.get("Cache-Control")) == (path, "no-store")


def test_what_anyone_may_see_stays_cacheable(app, world):
    assert "no-store" not in app.test_client().get("/login").headers.get("Cache-Control", "")
    client = app.test_client()
    login(client, world.admin)
    stylesheet = client.get("/static/clauses.css")
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")
    stylesheet.close()


def test_the_favicon_is_served_and_linked(client):
    icon = client.get("/static/favicon.svg")
    assert (icon.status_code, icon.mimetype) == (200, "image/svg+xml")
    icon.close()
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/login").get_data(as_text=True)


INLINE = re.compile(
    r"\sstyle\s*=|\son(?:click|submit|change|input|load|error|focus|blur|key\w+|mouse\w+)\s*="
    r"|<style|<script(?![^>]*\ssrc=)|javascript:",
    re.I,
)


def html_of(template: Path) -> str:
    """A template's HTML, without its Jinja tags (a macro's `style='primary'` argument)."""
    return re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", template.read_text(encoding="utf-8"), flags=re.S)


def test_no_template_has_inline_script_or_style():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in INLINE.finditer(html_of(path))
    ]
    found += [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in sorted((ROOT / "clauses" / "views").rglob("*.py"))
        for match in re.finditer(r"""\sstyle=|<style|<script""", path.read_text())
    ]
    assert found == []
