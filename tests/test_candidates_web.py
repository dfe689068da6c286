"""A contract's candidates and "where to send people" on the pages (clause team only): each line
with its points, distance, wait, wanted trades and reason in words; the filters; the audit of
who was listed; proposing from the list; the sites to fill grouped by trade and commune, the
most urgent first."""

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.models import AuditLog, Placement, Sex
from clauses.services.communes import ATTRIBUTION
from tests.conftest import csrf_token, login, page_text
from tests.factories import ContractFactory, JobOfferFactory, ParticipantFactory, PlacementFactory

TODAY = date(2024, 4, 10)
BOBIGNY, SAINT_DENIS, MEAUX = "93008", "93066", "77284"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def site(world):
    world.contract.trade = "Maçonnerie"
    world.contract.commune, world.contract.commune_insee = "Bobigny", BOBIGNY
    return world.contract


def person(last, **values):
    values = {
        "first_name": "Awa", "sex": Sex.MALE, "validated": True, "is_available": True,
        "commune": "Saint-Denis", "commune_insee": SAINT_DENIS, "wanted_trades": "Maçonnerie",
        **values,
    }  # fmt: skip
    return ParticipantFactory(last_name=last, **values)


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def lines(page):
    table = page.split('data-testid="candidates"')[1].split("</table>")[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r'<tr data-testid="candidate">(.*?)</tr>', table, re.S)
    ]


def test_each_candidate_shows_points_distance_wait_trades_and_reason(app, db_session, world, site):
    person("Mason", sex=Sex.FEMALE, is_qpv=True, eligibility_validated_on=date(2023, 6, 1))
    person("Lointain", commune="Meaux", commune_insee=MEAUX, wanted_trades="Peinture")
    client = signed_in(app, world.facilitator)

    page = page_text(client.get(f"/contracts/{site.id}/candidates"))

    first, second = lines(page)[:2]
    assert first.startswith("1 MASON Awa même métier · 6,7 km · QPV, femme · attend depuis 10 mois")
    assert "40,00 " in first  # the trade's points, two decimals
    assert "Maçonnerie" in first
    assert "314" in first  # days waiting since the validation
    assert second.startswith("2 LOINTAIN Awa 34,1 km · attend depuis 2 mois")
    assert " 0,00 " in second
    assert ATTRIBUTION in page


def test_the_reason_reads_in_english_too(app, db_session, world, site):
    person("Mason")
    client = signed_in(app, world.facilitator)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client, "/")})

    page = page_text(client.get(f"/contracts/{site.id}/candidates"))

    assert "same trade · 6.7 km · waiting for 2 months" in lines(page)[0]


def test_filters_trade_match_only_and_distance(app, db_session, world, site):
    person("Mason")
    person("Peintre", wanted_trades="Peinture")
    person("Lointain", commune="Meaux", commune_insee=MEAUX)
    client = signed_in(app, world.facilitator)

    def names(query):
        page = page_text(client.get(f"/contracts/{site.id}/candidates?{query}"))
        return sorted(line.split()[1] for line in lines(page))

    assert names("") == ["LOINTAIN", "MASON", "PEINTRE"]
    assert names("trade_only=y") == ["LOINTAIN", "MASON"]
    assert names("within=10") == ["MASON", "PEINTRE"]
    assert names("trade_only=y&within=10") == ["MASON"]
    assert names("within=garbage") == ["LOINTAIN", "MASON", "PEINTRE"]


def test_a_job_offers_candidates_rank_by_its_trade(app, db_session, world, site):
    person("Mason")
    person("Peintre", wanted_trades="Peinture")
    offer = JobOfferFactory(contract=site, trade="Peinture")
    client = signed_in(app, world.facilitator)

    page = page_text(client.get(f"/contracts/{site.id}/candidates?offer={offer.id}"))

    assert lines(page)[0].startswith("1 PEINTRE Awa même métier")
    assert "Pour l'offre d'emploi : Peinture à partir du 01/05/2024" in page
    other = JobOfferFactory(contract=world.other_contract)
    page = page_text(client.get(f"/contracts/{site.id}/candidates?offer={other.id}"))
    assert lines(page)[0].startswith("1 MASON")  # another contract's offer: the contract's trade


def test_listing_candidates_is_audited_with_who_was_shown(app, db_session, world, site):
    mason = person("Mason")
    client = signed_in(app, world.facilitator)

    client.get(f"/contracts/{site.id}/candidates")

    event = db_session.scalar(sa.select(AuditLog).where(AuditLog.action == "candidates_viewed"))
    assert (event.user_id, event.object_type, event.object_id) == (
        world.facilitator.id,
        "contract",
        str(site.id),
    )
    assert mason.id in event.details["participant_ids"]


def test_proposing_from_the_list_takes_the_person_off_it(app, db_session, world, site):
    mason = person("Mason")
    person("Second")
    client = signed_in(app, world.facilitator)
    path = f"/contracts/{site.id}/candidates"

    response = client.post(
        "/placements/propose",
        data={"participant_id": mason.id, "contract_id": site.id, "back": "candidates",
              "csrf_token": csrf_token(client, path)},
    )  # fmt: skip

    assert response.headers["Location"].endswith(path)
    page = page_text(client.get(path))
    assert "MASON Awa est proposé·e au marché" in page
    assert [line.split()[1] for line in lines(page)][:1] != ["MASON"]
    assert "MASON" not in " ".join(lines(page))
    assert db_session.scalar(sa.select(Placement.participant_id)) == mason.id


def test_a_busy_person_is_not_a_candidate(app, db_session, world, site):
    busy = person("Occupe")
    PlacementFactory(participant=busy, contract=world.other_contract)
    client = signed_in(app, world.facilitator)

    page = page_text(client.get(f"/contracts/{site.id}/candidates"))

    assert "OCCUPE" not in " ".join(lines(page))


def test_the_contract_page_links_to_its_candidates(app, db_session, world, site):
    offer = JobOfferFactory(contract=site)
    page = page_text(signed_in(app, world.facilitator).get(f"/contracts/{site.id}"))
    assert f"/contracts/{site.id}/candidates" in page
    assert f"/contracts/{site.id}/candidates?offer={offer.id}" in page
    contractor_page = page_text(signed_in(app, world.contractor).get(f"/contracts/{site.id}"))
    assert "/candidates" not in contractor_page


# Where to send people ----------------------------------------------------------------------------


def test_sites_are_grouped_by_trade_and_commune_behind_first(app, db_session, world, site):
    # As of 10 April 2024 (March reported), with no hours: behind, places from the commitment.
    ContractFactory(reference="GRAND", trade="Maçonnerie", commune="Bobigny",
                    commune_insee=BOBIGNY, committed_hours=Decimal(12000))  # fmt: skip
    ContractFactory(reference="PEINTURE", trade="Peinture", commune="Pantin",
                    commune_insee="93055")  # fmt: skip
    later = ContractFactory(reference="PLUS-TARD", trade="Électricité", commune="Pantin",
                            start_date=date(2024, 6, 1))  # fmt: skip
    JobOfferFactory(contract=later, places=3)
    ContractFactory(reference="FINI", end_date=date(2024, 2, 29))  # ended: nothing to fill
    person("Mason")
    client = signed_in(app, world.facilitator)

    page = page_text(client.get("/where-to-send"))

    groups = [
        re.search(r"<h2[^>]*>(.*?)<span", g, re.S).group(1).split()
        for g in page.split('data-testid="site-group"')[1:]
    ]
    headings = [" ".join(g) for g in groups]
    assert headings[0] == "Maçonnerie — Bobigny"  # behind, with the most places
    assert headings[-1] == "Électricité — Pantin"  # not started: an open offer only
    first_group = page.split('data-testid="site-group"')[1]
    references = re.findall(r">(GRAND|TEST-\d+)</a>", first_group)
    assert references[0] == "GRAND"
    assert site.reference in references
    assert "FINI" not in page
    grand = first_group.split('data-testid="site"')[1]
    assert re.search(r'data-testid="same-trade">1<', grand)
    assert re.search(r'data-testid="nearby">1<', grand)
    assert "1 personne est disponible et sans mise en relation en cours." in page
    assert "3 places restantes" in page


@pytest.mark.parametrize("role", ["buyer", "contractor"])
def test_only_the_clause_team_sees_candidates(app, db_session, world, site, role):
    person("Mason")
    client = signed_in(app, getattr(world, role))
    assert client.get(f"/contracts/{site.id}/candidates").status_code == 403
    assert client.get("/where-to-send").status_code == 403


def test_candidates_come_page_by_page_in_rank_order(app, db_session, world, site, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for name, trades in (("Premier", "Maçonnerie"), ("Second", "Maçonnerie"), ("Tiers", "")):
        person(name, wanted_trades=trades, commune_insee=BOBIGNY if name == "Premier" else None)
    client = signed_in(app, world.facilitator)

    first = lines(page_text(client.get(f"/contracts/{site.id}/candidates")))
    second = page_text(client.get(f"/contracts/{site.id}/candidates?page=2"))

    assert [line.split()[:2] for line in first] == [["1", "PREMIER"], ["2", "SECOND"]]
    assert [line.split()[:2] for line in lines(second)] == [["3", "TIERS"]]
    assert "Page 2 sur 2" in second
