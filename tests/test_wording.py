"""French wording on the rendered pages: no article before a name or month that would need an
elision ("de Département", "de août"), and one word per status ("à risque", never "en risque")."""

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from clauses import clock
from tests.conftest import login, page_text
from tests.factories import ContractFactory, OrganisationFactory, UserFactory
from tests.test_i18n import PO

# Placeholders a French sentence may put after "de", "du", "le" or "la": dates, numbers and
# e-mail addresses, which start with no vowel sound that needs an elision, nor an article.
AFTER_AN_ARTICLE = {
    "date",
    "when",
    "start",
    "end",
    "goal",
    "maximum",
    "on_track",
    "at_risk",
    "email",
    "num",  # "plus de 200 000 lignes"
    "youngest",  # "de 15 à 80 ans"
}


def french_sentences():
    with PO.open("rb") as f:
        for message in read_po(f, locale="fr"):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            yield from (s for s in strings if s)


def test_no_name_nor_month_follows_an_article_in_the_french_catalogue():
    found = [
        (name, sentence)
        for sentence in french_sentences()
        for name in re.findall(r"\b(?:de|du|le|la) %\((\w+)\)s", sentence)
        if name not in AFTER_AN_ARTICLE
    ]
    assert found == []


def test_at_risk_is_said_one_way():
    assert [s for s in french_sentences() if "en risque" in s] == []


def test_a_buyers_home_names_its_organisation_without_an_article(app, db_session):
    organisation = OrganisationFactory(buyer=True, name="Département de la Seine-Saint-Denis")
    buyer = UserFactory(role="buyer", organisation=organisation)
    client = app.test_client()
    login(client, buyer)

    page = page_text(client.get("/"))

    assert "Marchés — Département de la Seine-Saint-Denis" in page
    assert "de Département" not in page


@pytest.mark.parametrize(
    ("today", "month"), [(date(2026, 9, 7), "août 2026"), (date(2026, 5, 4), "avril 2026")]
)
def test_a_month_with_a_vowel_is_never_after_de(app, world, db_session, monkeypatch, today, month):
    ContractFactory(start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    monkeypatch.setattr(clock, "today", lambda: today)
    client = app.test_client()
    login(client, world.facilitator)

    page = page_text(client.get("/reminders/"))

    assert f"Relevés manquants pour {month}" in page
    assert f"de {month}" not in page
