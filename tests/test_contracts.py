"""Contracts: the list (scope, search, filters, sort, pages, no N+1), the page, the form."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.errors import DuplicateReference, InvalidValue, NotFound
from clauses.models import AuditLog, Contract, Operation, ScheduledHours
from clauses.rules.compliance import Status
from clauses.services import contract_page, contracts
from clauses.services.compliance import statuses
from clauses.services.contract_filters import ContractFilters, scoped
from tests.conftest import csrf_token, login, page_text, post_form
from tests.factories import (
    ContractFactory,
    HourEntryFactory,
    OperationFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.test_dashboard import AS_OF, make_portfolio


def references(page: str) -> list[str]:
    """Contract references in the list's rows, in order."""
    table = page.split('data-testid="contracts"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><a href="/contracts/\d+">([^<]+)</a>', table)


def contract_form(world, **changes: str) -> dict[str, str]:
    data = {
        "reference": "2024-BOB-07",
        "title": "Lot 7 plomberie",
        "operation_id": str(world.contract.operation_id),
        "new_operation_name": "",
        "new_operation_buyer_id": "",
        "contractor_id": str(world.contract.contractor_id),
        "trade": "Plomberie",
        "commune": "Bobigny",
        "start_date": "2024-03-01",
        "end_date": "2025-02-28",
        "committed_hours": "850",
        "amount": "1250000",
        "insertion_rate": "5",
    }
    return data | changes


def contract_by_reference(db_session, reference: str) -> Contract | None:
    return db_session.scalar(
        sa.select(Contract).where(Contract.reference_key == Contract.key_of(reference))
    )


# Who may open what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "own", "other", "new"),
    [
        ("admin", 200, 200, 200),
        ("facilitator", 200, 200, 200),
        ("buyer", 200, 404, 403),
        ("contractor", 200, 404, 403),
    ],
)
def test_access_by_role(client, world, role, own, other, new):
    login(client, getattr(world, role))
    assert client.get("/contracts/").status_code == 200
    assert client.get(f"/contracts/{world.contract.id}").status_code == own
    assert client.get(f"/contracts/{world.other_contract.id}").status_code == other
    assert client.get("/contracts/new").status_code == new
    assert client.get(f"/contracts/{world.contract.id}/edit").status_code == new


def test_anonymous_visitor_is_sent_to_login(client, world):
    for path in ("/contracts/", f"/contracts/{world.contract.id}", "/contracts/new"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_contractor_cannot_post_the_form(client, world, db_session):
    login(client, world.contractor)
    response = client.post(
        f"/contracts/{world.contract.id}/edit",
        data=contract_form(world, title="Pirate", csrf_token=csrf_token(client, "/")),
    )
    assert response.status_code == 403
    db_session.refresh(world.contract)
    assert world.contract.title != "Pirate"


# The list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_own", "sees_other"),
    [
        ("admin", True, True),
        ("facilitator", True, True),
        ("buyer", True, False),
        ("other_buyer", False, True),
        ("contractor", True, False),
        ("other_contractor", False, True),
    ],
)
def test_list_is_scoped_to_the_viewer(client, world, role, sees_own, sees_other):
    login(client, getattr(world, role))
    listed = references(page_text(client.get("/contracts/")))
    assert (world.contract.reference in listed) is sees_own
    assert (world.other_contract.reference in listed) is sees_other


def test_buyer_filter_cannot_widen_the_scope(client, world):
    login(client, world.buyer)
    other_buyer_id = world.other_contract.operation.buyer_id
    page = page_text(client.get(f"/contracts/?buyer={other_buyer_id}"))
    assert references(page) == []
    assert world.other_contract.reference not in page


@pytest.fixture
def catalogue(world):
    """Three more contracts with distinct words, buyers, contractors, trades and communes."""
    ville = OrganisationFactory(buyer=True, name="Ville de Pantin")
    return {
        "school": ContractFactory(
            reference="PAN-ECOLE-01",
            title="Reconstruction groupe scolaire",
            operation=OperationFactory(name="École Jean Jaurès", buyer=ville),
            contractor=OrganisationFactory(name="Maçonnerie Dupuis"),
            trade="Maçonnerie",
            commune="Pantin",
            start_date=date(2023, 6, 1),
            end_date=date(2025, 6, 30),
            committed_hours=Decimal("3000"),
        ),
        "gym": ContractFactory(
            reference="PAN-GYM-02",
            title="Gymnase toiture",
            operation=OperationFactory(name="Gymnase Hoche", buyer=ville),
            contractor=OrganisationFactory(name="Couvreurs Réunis"),
            trade="Couverture",
            commune="Pantin",
            committed_hours=Decimal("400"),
        ),
        "college": ContractFactory(
            reference="STD-COL-03",
            title="Collège électricité",
            operation=OperationFactory(name="Collège Elsa Triolet"),
            contractor=OrganisationFactory(name="Lumière Elec"),
            trade="Électricité",
            commune="Saint-Denis",
            committed_hours=Decimal("750.5"),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pan-ecole", ["PAN-ECOLE-01"]),  # reference, case-insensitive
        ("toiture", ["PAN-GYM-02"]),  # title
        ("dupuis", ["PAN-ECOLE-01"]),  # contractor's name
        ("Elsa Triolet", ["STD-COL-03"]),  # operation's name, every word
        ("pantin", ["PAN-ECOLE-01", "PAN-GYM-02"]),  # commune
        ("pantin toiture", ["PAN-GYM-02"]),  # every word must match somewhere
        # LIKE's wildcards are punctuation, which separates words: none reaches the query.
        # ("100%_" read "100", found in whatever factory reference reached TEST-1000.)
        ("zz%_zz", []),
        ("jaures", ["PAN-ECOLE-01"]),  # accents aside: the operation is "École Jean Jaurès"
        ("JAURÈS", ["PAN-ECOLE-01"]),
        ("electricite", ["STD-COL-03"]),  # a capital É (SQLite's upper() ignores it)
        ("maconnerie dupuis", ["PAN-ECOLE-01"]),  # ç, in the trade and the contractor's name
        ("reunis", ["PAN-GYM-02"]),  # "Couvreurs Réunis"
    ],
)
def test_search(client, world, catalogue, query, expected):
    login(client, world.facilitator)
    page = page_text(client.get("/contracts/", query_string={"q": query}))
    assert references(page) == expected


def test_filters(client, world, catalogue):
    login(client, world.facilitator)
    school = catalogue["school"]

    def listed(**args: object) -> list[str]:
        return references(page_text(client.get("/contracts/", query_string=args)))

    assert listed(buyer=school.operation.buyer_id) == ["PAN-ECOLE-01", "PAN-GYM-02"]
    assert listed(contractor=school.contractor_id) == ["PAN-ECOLE-01"]
    assert listed(trade="Couverture") == ["PAN-GYM-02"]
    assert listed(commune="Saint-Denis") == ["STD-COL-03"]
    assert listed(commune="Pantin", trade="Maçonnerie") == ["PAN-ECOLE-01"]
    # A tampered id is no filter at all, not an error.
    assert len(listed(buyer="abc")) == 5


def test_search_is_the_one_of_every_contract_list(db_session, world, catalogue):
    """The home page's filters and the contracts page's are built by one function."""
    filters = ContractFilters(q="jaures pantin")
    found = db_session.scalars(scoped(world.facilitator, filters)).all()
    assert [c.reference for c in found] == ["PAN-ECOLE-01"]


def test_filter_selects_offer_only_what_the_viewer_sees(app, client, world, catalogue):
    login(client, world.contractor)
    page = page_text(client.get("/contracts/"))
    assert "Maçonnerie" not in page  # another contractor's trade
    assert "Ville de Pantin" not in page
    assert 'name="contractor"' not in page  # a contractor does not filter by contractor
    team = app.test_client()
    login(team, world.facilitator)
    page = page_text(team.get("/contracts/"))
    assert '<option value="Maçonnerie">Maçonnerie</option>' in page
    assert "Ville de Pantin" in page


CATALOGUE = ("PAN-ECOLE-01", "PAN-GYM-02", "STD-COL-03")
PORTFOLIO = ("A-ON-TRACK", "B-BEHIND", "C-AT-RISK", "D-SILENT", "E-ENDED", "F-LATER", "G-DONE",
             "H-BEHIND")  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("hours", "desc", ["PAN-ECOLE-01", "STD-COL-03", "PAN-GYM-02"]),
        ("hours", "asc", ["PAN-GYM-02", "STD-COL-03", "PAN-ECOLE-01"]),
        ("reference", "desc", ["STD-COL-03", "PAN-GYM-02", "PAN-ECOLE-01"]),
        ("start", "asc", ["PAN-ECOLE-01"]),  # only the first one is checked
        ("contractor", "asc", ["PAN-GYM-02", "STD-COL-03", "PAN-ECOLE-01"]),
        ("nonsense", "desc", ["STD-COL-03", "PAN-GYM-02", "PAN-ECOLE-01"]),  # falls back
    ],
)
def test_sort(client, world, catalogue, sort, order, expected):
    login(client, world.facilitator)
    page = page_text(client.get("/contracts/", query_string={"sort": sort, "order": order}))
    assert [ref for ref in references(page) if ref in CATALOGUE][: len(expected)] == expected


def test_sort_headers_say_which_column_sorts(client, world):
    login(client, world.facilitator)
    page = page_text(client.get("/contracts/?sort=end&order=desc"))
    assert 'aria-sort="descending"' in page
    assert "sort=end&order=asc" in page  # clicking again reverses
    assert 'name="sort" value="end"' in page  # the filter form keeps the sort


def test_pagination(client, app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    ContractFactory.create_batch(3)  # 5 contracts in all
    login(client, world.facilitator)
    pages = [page_text(client.get(f"/contracts/?sort=title&page={n}")) for n in (1, 2, 3)]
    assert [len(references(page)) for page in pages] == [2, 2, 1]
    assert len({ref for page in pages for ref in references(page)}) == 5
    assert "sort=title&page=2" in pages[0]  # the next page keeps the sort
    assert "Page 1 sur 3" in pages[0]
    assert "5 résultats" in pages[0]
    assert "page=4" not in pages[2]
    garbage = page_text(client.get("/contracts/?sort=title&page=abc"))
    assert references(garbage) == references(pages[0])


def test_list_runs_as_many_queries_for_30_contracts_as_for_3(
    client, app, world, db_session, monkeypatch, count_queries
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 50)
    login(client, world.facilitator)

    def list_queries() -> tuple[int, int]:
        db_session.expunge_all()  # as in production, each request starts from an empty session
        with count_queries() as statements:
            page = client.get("/contracts/?sort=buyer")
        assert page.status_code == 200
        return len(statements), len(references(page_text(page)))

    ContractFactory.create_batch(1)  # with the world's two: 3
    few, rows_few = list_queries()
    ContractFactory.create_batch(27)
    many, rows_many = list_queries()
    assert (rows_few, rows_many) == (3, 30)
    assert many == few
    assert few < 15


def statuses_shown(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="status-([^"]+)"><span [^>]*data-status="(\w+)"', page))


def test_the_list_shows_each_contract_s_status_as_the_home_page_does(client, db_session, on_as_of):
    portfolio = make_portfolio()
    login(client, portfolio.facilitator)

    shown = statuses_shown(page_text(client.get("/contracts/")))

    assert shown == {s.reference: s.compliance.status.value for s in statuses(db_session, AS_OF)}
    assert set(shown.values()) == {status.value for status in Status}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("behind", ["B-BEHIND", "H-BEHIND"]),
        ("missing_report", ["D-SILENT"]),
        ("needs_action", ["B-BEHIND", "C-AT-RISK", "D-SILENT", "E-ENDED", "H-BEHIND"]),
        ("nonsense", list(PORTFOLIO)),
        ("", list(PORTFOLIO)),
    ],
)
def test_the_status_filter(client, on_as_of, status, expected):
    portfolio = make_portfolio()
    login(client, portfolio.facilitator)
    page = page_text(client.get("/contracts/", query_string={"status": status}))
    assert references(page) == expected
    assert '<option value="behind"' in page  # the filter offers the statuses


def test_the_status_filter_keeps_to_the_viewer_s_contracts(client, on_as_of):
    portfolio = make_portfolio()
    login(client, portfolio.contractor)
    page = page_text(client.get("/contracts/?status=behind"))
    assert references(page) == ["B-BEHIND"]  # H-BEHIND is another contractor's


def test_the_status_filter_runs_as_many_queries_for_30_contracts_as_for_3(
    client, world, db_session, count_queries
):
    login(client, world.facilitator)

    def list_queries() -> int:
        db_session.expunge_all()
        with count_queries() as statements:
            assert client.get("/contracts/?status=not_started").status_code == 200
        return len(statements)

    ContractFactory.create_batch(1)
    few = list_queries()
    ContractFactory.create_batch(27)
    assert list_queries() == few


def test_empty_list_says_so(client, world):
    login(client, world.contractor)
    page = page_text(client.get("/contracts/?q=nothing-like-this"))
    assert "Aucun marché ne correspond à cette recherche." in page


def test_new_contract_button_only_for_the_clause_team(app, client, world):
    login(client, world.buyer)
    assert "/contracts/new" not in page_text(client.get("/contracts/"))
    team = app.test_client()
    login(team, world.facilitator)
    assert "/contracts/new" in page_text(team.get("/contracts/"))


# A contract's page --------------------------------------------------------------------------------


@pytest.fixture
def worked(world):
    """Hours on the world's contract: validated and to-verify people, two months."""
    pending = ParticipantFactory(last_name="Nouveau", first_name="Karim")
    HourEntryFactory(contract=world.contract, participant=pending, hours=Decimal("20.5"))
    HourEntryFactory(
        contract=world.contract,
        participant=world.participant,
        month=date(2024, 4, 1),
        hours=Decimal("10"),
    )
    return pending


def test_detail_shows_the_contract_in_french(client, world):
    world.contract.amount = Decimal("1500000")
    world.contract.insertion_rate = Decimal("5.5")
    world.contract.committed_hours = Decimal("950")
    login(client, world.buyer)
    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    for shown in (
        world.contract.reference,
        world.contract.title,
        world.contract.operation.name,
        "Département de test",
        "Bâtiments Test SAS",
        "Gros œuvre",
        "du 1 janvier 2024 au 31 décembre 2024",
        "950 h",
        "5,5 %",
    ):
        assert shown in page, shown
    assert re.search(r"1\s500\s000 €", page)


def test_detail_totals_hours_per_month(client, world, worked):
    login(client, world.facilitator)
    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    table = page.split('data-testid="hours-by-month"', 1)[1].split("</table>", 1)[0]
    march = table.split("mars 2024", 1)[1].split("</tr>", 1)[0]
    # 35 h validated (Awa Diallo) + 20.5 h to verify (Karim Nouveau), two people.
    assert re.findall(r'<td class="num">([^<]+)</td>', march) == [
        "55,5 h",
        "35 h",
        "20,5 h",
        "2",
    ]
    assert "avril 2024" in table
    assert "65,5 h" in table.split("<tfoot>", 1)[1]


def test_service_splits_validated_and_pending_hours(world, worked, db_session):
    hours = contract_page.contract_hours(
        db_session, world.facilitator, world.contract, clock.today()
    )
    assert [(m.month, m.hours, m.validated, m.people) for m in hours.months] == [
        (date(2024, 3, 1), Decimal("55.50"), Decimal("35.00"), 2),
        (date(2024, 4, 1), Decimal("10.00"), Decimal("10.00"), 1),
    ]
    assert (hours.total, hours.validated, hours.pending) == (
        Decimal("65.50"),
        Decimal("45.00"),
        Decimal("20.50"),
    )
    # Validated after the as-of date: not yet.
    early = contract_page.contract_hours(
        db_session, world.facilitator, world.contract, date(2024, 1, 1)
    )
    assert early.validated == 0


def test_buyer_sees_totals_but_no_names(client, world, worked):
    login(client, world.buyer)
    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    assert "65,5 h" in page
    for name in ("Diallo", "DIALLO", "Awa", "Nouveau", "NOUVEAU", "Karim"):
        assert name not in page
    assert 'data-testid="hours-by-person"' not in page
    assert "/participants/" not in page


def test_service_gives_buyers_no_people(world, worked, db_session):
    hours = contract_page.contract_hours(db_session, world.buyer, world.contract, clock.today())
    assert hours.people == []


def test_contractor_sees_names_but_no_eligibility(client, world, worked):
    login(client, world.contractor)
    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    assert "DIALLO Awa" in page
    assert "NOUVEAU Karim" in page
    lowered = page.lower()
    for word in ("éligibilité", "à vérifier", "validé", "rqth", "critère"):
        assert word not in lowered, word
    assert "65,5 h" in page


def test_clause_team_sees_names_and_eligibility(client, world, worked):
    login(client, world.facilitator)
    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    people = page.split('data-testid="hours-by-person"', 1)[1].split("</table>", 1)[0]
    assert "DIALLO Awa" in people
    karim = people.split("NOUVEAU Karim", 1)[1].split("</tr>", 1)[0]
    assert "à vérifier" in karim
    assert f"/participants/{worked.id}" in people


def test_detail_shows_the_monthly_schedule(client, world, db_session):
    db_session.add_all(
        [
            ScheduledHours(contract=world.contract, month=date(2024, 2, 1), hours=Decimal("80")),
            ScheduledHours(contract=world.contract, month=date(2024, 3, 1), hours=Decimal("120")),
        ]
    )
    db_session.commit()
    login(client, world.buyer)
    page = page_text(client.get(f"/contracts/{world.contract.id}"))
    table = page.split('data-testid="hours-by-month"', 1)[1].split("</table>", 1)[0]
    assert "Prévues" in table
    february = table.split("février 2024", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num">([^<]+)</td>', february)[:2] == ["80 h", "0 h"]
    assert "200 h" in table.split("<tfoot>", 1)[1]


def test_detail_without_hours(client, world):
    contract = ContractFactory(operation=world.contract.operation)
    login(client, world.buyer)
    page = page_text(client.get(f"/contracts/{contract.id}"))
    assert "Aucune heure déclarée pour ce marché pour l'instant." in page


# Creating and editing -----------------------------------------------------------------------------


def test_create_a_contract(client, world, db_session):
    login(client, world.facilitator)
    response = post_form(client, "/contracts/new", contract_form(world))
    created = contract_by_reference(db_session, "2024-bob-07")
    assert created is not None
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contracts/{created.id}"
    assert (created.reference, created.reference_key) == ("2024-BOB-07", "2024-BOB-07")
    assert created.operation_id == world.contract.operation_id
    assert created.committed_hours == Decimal("850")
    assert created.amount == Decimal("1250000")
    assert created.end_date == date(2025, 2, 28)
    event = db_session.scalar(
        sa.select(AuditLog).where(AuditLog.object_type == "contract", AuditLog.action == "create")
    )
    assert event.user_id == world.facilitator.id
    assert event.object_id == str(created.id)
    assert event.details["after"]["committed_hours"] == "850.00"
    assert event.details["after"]["contractor"] == "Bâtiments Test SAS"
    assert "Marché 2024-BOB-07 enregistré." in page_text(client.get(response.headers["Location"]))


def test_create_with_a_new_operation(client, world, db_session):
    login(client, world.admin)
    buyer_id = world.contract.operation.buyer_id
    data = contract_form(
        world, operation_id="", new_operation_name="Médiathèque", new_operation_buyer_id=buyer_id
    )
    assert post_form(client, "/contracts/new", data).status_code == 302
    created = contract_by_reference(db_session, "2024-BOB-07")
    assert created.operation.name == "Médiathèque"
    assert created.operation.buyer_id == buyer_id
    assert created.operation.commune == "Bobigny"
    assert db_session.scalar(
        sa.select(AuditLog).where(
            AuditLog.object_type == "operation", AuditLog.object_id == str(created.operation_id)
        )
    )
    # The same name for the same buyer again: the operation is reused, not duplicated.
    again = contract_form(
        world,
        reference="2024-BOB-08",
        operation_id="",
        new_operation_name="Médiathèque",
        new_operation_buyer_id=buyer_id,
    )
    assert post_form(client, "/contracts/new", again).status_code == 302
    count = sa.select(sa.func.count()).where(Operation.name == "Médiathèque")
    assert db_session.scalar(count) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_date": "2024-03-01", "end_date": "2024-02-29"},
            "end_date",
            "La date de fin doit être égale ou postérieure à la date de début.",
        ),
        (
            {"committed_hours": "0"},
            "committed_hours",
            "Les heures prévues doivent être supérieures à 0.",
        ),
        (
            {"committed_hours": "-5"},
            "committed_hours",
            "Les heures prévues doivent être supérieures à 0.",
        ),
        ({"committed_hours": ""}, "committed_hours", "Ce champ est requis."),
        (
            {"committed_hours": "beaucoup"},
            "committed_hours",
            "N'est pas une valeur décimale valide.",
        ),
        ({"start_date": ""}, "start_date", "Ce champ est requis."),
        ({"reference": "  "}, "reference", "Ce champ est requis."),
        ({"title": ""}, "title", "Ce champ est requis."),
        ({"trade": ""}, "trade", "Ce champ est requis."),
        ({"insertion_rate": "150"}, "insertion_rate", "compris entre 0 et 100"),
        ({"amount": "-1"}, "amount", "au minimum 0"),
        ({"contractor_id": ""}, "contractor_id", "Ce champ est requis."),
        (
            {"operation_id": ""},
            "operation_id",
            "Choisissez une opération, ou donnez le nom d'une nouvelle.",
        ),
        (
            {"new_operation_name": "Piscine"},
            "operation_id",
            "Choisissez une opération ou donnez-en une nouvelle, pas les deux.",
        ),
        (
            {"operation_id": "", "new_operation_name": "Piscine"},
            "new_operation_buyer_id",
            "Choisissez l'acheteur de la nouvelle opération.",
        ),
        ({"operation_id": "999999"}, "operation_id", "N'est pas un choix valide."),
    ],
)
def test_create_refuses_invalid_input(client, world, db_session, changes, field, message):
    login(client, world.facilitator)
    response = post_form(client, "/contracts/new", contract_form(world, **changes))
    page = page_text(response)
    assert response.status_code == 200
    assert message in page
    assert f'id="{field}"' in page.split('class="invalid-feedback"', 1)[0].rsplit("<label", 1)[1]
    assert contract_by_reference(db_session, changes.get("reference", "2024-BOB-07")) is None


def test_create_refuses_a_duplicate_reference_whatever_the_case(client, world, db_session):
    login(client, world.facilitator)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Contract))
    duplicate = f"  {world.contract.reference.lower()} "
    response = post_form(client, "/contracts/new", contract_form(world, reference=duplicate))
    page = page_text(response)
    assert response.status_code == 200
    assert f"Un autre marché porte déjà la référence {world.contract.reference.lower()}." in page
    assert 'class="form-control is-invalid" id="reference"' in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Contract)) == before


def test_form_offers_operations_by_buyer_and_only_contractors(client, world):
    login(client, world.facilitator)
    page = page_text(client.get("/contracts/new"))
    operation = page.split('id="operation_id"', 1)[1].split("</select>", 1)[0]
    assert '<optgroup label="Département de test">' in operation
    holders = page.split('id="contractor_id"', 1)[1].split("</select>", 1)[0]
    assert "Bâtiments Test SAS" in holders
    assert "Département de test" not in holders


def test_edit_a_contract_records_what_changed(client, world, db_session):
    contract = world.contract
    login(client, world.facilitator)
    form = page_text(client.get(f"/contracts/{contract.id}/edit"))
    assert f'value="{contract.reference}"' in form
    assert 'value="1200.00"' in form
    data = contract_form(
        world,
        reference=contract.reference,
        title=contract.title,
        trade="Gros œuvre",
        start_date="2024-01-01",
        end_date="2025-06-30",
        committed_hours="1200",
        amount="",
        insertion_rate="",
    )
    response = post_form(client, f"/contracts/{contract.id}/edit", data)
    assert response.status_code == 302
    db_session.refresh(contract)
    assert contract.end_date == date(2025, 6, 30)
    event = db_session.scalar(
        sa.select(AuditLog).where(AuditLog.object_type == "contract", AuditLog.action == "update")
    )
    assert event.details["fields"] == ["end_date"]
    assert (event.details["before"], event.details["after"]) == (
        {"end_date": "2024-12-31"},
        {"end_date": "2025-06-30"},
    )
    assert event.details["reference"] == contract.reference
    page = page_text(client.get(f"/contracts/{contract.id}"))
    assert "modification" in page.split('id="history-title"', 1)[1]


def test_saving_without_a_change_writes_no_audit_event(client, world, db_session):
    contract = world.contract
    login(client, world.facilitator)
    data = contract_form(
        world,
        reference=contract.reference,
        title=contract.title,
        trade=contract.trade,
        start_date="2024-01-01",
        end_date="2024-12-31",
        committed_hours="1200.00",
        amount="",
        insertion_rate="",
    )
    assert post_form(client, f"/contracts/{contract.id}/edit", data).status_code == 302
    updates = sa.select(sa.func.count()).where(AuditLog.action == "update")
    assert db_session.scalar(updates) == 0


def test_edit_refuses_the_reference_of_another_contract(client, world, db_session):
    login(client, world.admin)
    data = contract_form(world, reference=world.other_contract.reference)
    response = post_form(client, f"/contracts/{world.contract.id}/edit", data)
    assert "Un autre marché porte déjà la référence" in page_text(response)
    db_session.refresh(world.contract)
    assert world.contract.reference != world.other_contract.reference


def test_post_without_csrf_token_is_refused(client, world, db_session):
    login(client, world.facilitator)
    assert client.post("/contracts/new", data=contract_form(world)).status_code == 400
    assert contract_by_reference(db_session, "2024-BOB-07") is None


# The service on its own ---------------------------------------------------------------------------


def data_for(world, **changes: Any) -> contracts.ContractData:
    values: dict[str, Any] = {
        "reference": "SRV-1",
        "title": "Lot service",
        "operation_id": world.contract.operation_id,
        "contractor_id": world.contract.contractor_id,
        "trade": "Peinture",
        "commune": "Montreuil",
        "start_date": date(2024, 1, 1),
        "end_date": date(2024, 6, 30),
        "committed_hours": Decimal("100"),
    }
    return contracts.ContractData(**(values | changes))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"end_date": date(2023, 12, 31)}, InvalidValue),
        ({"committed_hours": Decimal(0)}, InvalidValue),
        ({"insertion_rate": Decimal(101)}, InvalidValue),
        ({"amount": Decimal(-1)}, InvalidValue),
        ({"reference": " "}, InvalidValue),
        ({"operation_id": None}, NotFound),
        ({"operation_id": None, "new_operation_name": "Piscine"}, NotFound),
    ],
)
def test_service_refuses_what_the_database_would(world, db_session, changes, error):
    with pytest.raises(error):
        contracts.save_contract(db_session, world.facilitator, data_for(world, **changes))
    assert contract_by_reference(db_session, "SRV-1") is None


def test_service_refuses_a_duplicate_reference(world, db_session):
    with pytest.raises(DuplicateReference) as raised:
        contracts.save_contract(
            db_session, world.admin, data_for(world, reference=world.contract.reference.lower())
        )
    assert raised.value.code == "duplicate_reference"


def test_service_refuses_a_buyer_as_contractor(world, db_session):
    buyer_id = world.contract.operation.buyer_id
    with pytest.raises(NotFound):
        contracts.save_contract(db_session, world.admin, data_for(world, contractor_id=buyer_id))


def test_service_accepts_an_siae_as_contractor(world, db_session):
    siae = OrganisationFactory(name="Régie de quartier", kind="siae")
    saved = contracts.save_contract(db_session, world.admin, data_for(world, contractor_id=siae.id))
    assert saved.contractor == siae


def test_history_names_the_user(client, world, db_session):
    editor = UserFactory(full_name="Claire Martin")
    contracts.save_contract(db_session, editor, data_for(world))
    db_session.commit()
    created = contract_by_reference(db_session, "SRV-1")
    login(client, world.facilitator)
    history = page_text(client.get(f"/contracts/{created.id}")).split('id="history-title"', 1)[1]
    assert "Claire Martin" in history
    assert "création" in history
