"""One clock: "today" is the date in Paris, whatever the server's zone."""

import json
from datetime import UTC, date, datetime

import pytest

from clauses import clock
from tests.conftest import login

NEW_YEAR_IN_PARIS = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def late_on_new_years_eve(monkeypatch):
    """23:30 UTC on 31 December: already 00:30 on 1 January in Paris."""
    monkeypatch.setattr(clock, "now", lambda: NEW_YEAR_IN_PARIS)


def test_today_is_the_date_in_paris(late_on_new_years_eve):
    assert clock.today() == date(2027, 1, 1)


def test_the_command_line_assesses_as_of_the_paris_date(app, late_on_new_years_eve):
    result = app.test_cli_runner().invoke(args=["status", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["as_of"] == "2027-01-01"


def test_the_upload_page_offers_the_paris_date(client, world, late_on_new_years_eve):
    login(client, world.facilitator)
    page = client.get("/imports/new").get_data(as_text=True)
    assert 'value="2027-01-01"' in page
