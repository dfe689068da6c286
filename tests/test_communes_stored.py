"""The commune each participant and contract is stored with (its INSEE code), set wherever a
commune is set: imports (an unknown commune is a warning), forms (the same warning after
saving), the demo, the data migration for the rows already there; and the administration's
ranking settings (weights, programme's départements)."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from clauses.extensions import db
from clauses.models import Contract, Participant
from clauses.services import candidates, communes
from clauses.services.contracts_import import import_contracts
from clauses.services.participants_import import import_participants
from tests.conftest import login, page_text, post_form
from tests.factories import ParticipantFactory
from tests.test_contracts import contract_form
from tests.test_migrations import _contract, _person, migrating  # noqa: F401 (a fixture)
from tests.test_participants import person_form
from tests.test_reference_import import (
    CONTRACT_HEADER,
    PARTICIPANT_HEADER,
    contract_row,
    participant_row,
    workbook,
)


def stored(db_session, model):
    return dict(db_session.execute(sa.select(model.commune, model.commune_insee)).all())


def test_the_participants_import_stores_the_commune_and_warns_when_unknown(db_session, tmp_path):
    rows = [
        participant_row("Aa", commune="ST DENIS"),
        participant_row("Bb", commune="93200"),
        participant_row("Cc", commune="Pierrefitte-sur-Seine"),
        participant_row("Dd", commune="Bobigy"),
        participant_row("Ee", commune=""),
    ]
    content = workbook(tmp_path / "p.xlsx", {"Personnes": [PARTICIPANT_HEADER, *rows]})
    report = import_participants(db_session, None, content, "p.xlsx")

    assert report.errors == []
    assert [(w.row, w.code.value, w.params) for w in report.warnings] == [
        (5, "commune_unknown", {"value": "Bobigy"})
    ]
    assert stored(db_session, Participant) == {
        "ST DENIS": "93066",
        "93200": "93066",
        "Pierrefitte-sur-Seine": "93066",
        "Bobigy": None,
        "": None,
    }


def test_the_contracts_import_stores_the_commune_and_warns_when_unknown(db_session, tmp_path):
    rows = [
        contract_row("T-1", commune="Saint-Denis"),
        contract_row("T-2", commune="Saint-Dnis"),
        contract_row("T-3", commune="Nowhere", hours="beaucoup"),  # rejected: no warning
    ]
    content = workbook(tmp_path / "c.xlsx", {"Marchés": [CONTRACT_HEADER, *rows]})
    report = import_contracts(db_session, None, content, "c.xlsx")

    assert [(e.row, e.code.value) for e in report.errors] == [(4, "hours_invalid")]
    assert [(w.row, w.code.value) for w in report.warnings] == [(3, "commune_unknown")]
    assert stored(db_session, Contract) == {"Saint-Denis": "93066", "Saint-Dnis": None}


def test_the_participant_form_stores_the_commune_and_warns_after_saving(client, world, db_session):
    login(client, world.facilitator)
    response = post_form(client, "/participants/new", person_form(commune="Montreuil-sous-Bois"))
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert (
        "Commune « Montreuil-sous-Bois » inconnue : la distance aux chantiers reste inconnue."
        in page
    )
    person = db_session.scalar(sa.select(Participant).where(Participant.last_name == "Lefèvre"))
    assert person.commune_insee is None

    post_form(client, f"/participants/{person.id}/edit", person_form(commune="montreuil"))
    db_session.refresh(person)
    assert person.commune_insee == "93048"


def test_the_contract_form_stores_the_commune_and_warns_after_saving(client, world, db_session):
    login(client, world.facilitator)
    response = post_form(client, "/contracts/new", contract_form(world, commune="Bobigni"))
    assert "Commune « Bobigni » inconnue" in page_text(client.get(response.headers["Location"]))
    response = post_form(client, "/contracts/new", contract_form(world, reference="B-2"))
    assert "inconnue" not in page_text(client.get(response.headers["Location"]))
    assert stored(db_session, Contract)["Bobigny"] == "93008"


def test_the_demo_stores_a_commune_for_every_person_and_site(db_session):
    from clauses.services import demo

    demo.load_demo(db_session, date(2026, 3, 11))
    for model in (Participant, Contract):
        unresolved = db_session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.commune_insee.is_(None))
        )
        assert unresolved == 0


def test_the_migration_resolves_the_rows_already_there(migrating):  # noqa: F811
    upgrade(revision="ebfaadaa2347")
    with db.engine.begin() as connection:
        contract = _contract(connection)  # in Bobigny
        person = _person(connection, "DIOP", None)
        connection.execute(
            sa.text("UPDATE participant SET commune = 'Marolles-en-Brie' WHERE id = :id"),
            {"id": person},
        )
        other = _person(connection, "SOW", None)  # no commune
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, commune_insee FROM participant")).all()
        assert dict(rows) == {person: "94048", other: None}
        insee = connection.execute(
            sa.text("SELECT commune_insee FROM contract WHERE id = :id"), {"id": contract}
        ).scalar()
        assert insee == "93008"


# The administration's ranking settings ------------------------------------------------------

PAGE = "/admin/ranking"


@pytest.fixture
def admin(client, world):
    login(client, world.admin)
    return client


def ranking_form(**changes: str) -> dict[str, str]:
    data = {
        "trade": "40",
        "distance": "30",
        "priority": "20",
        "waiting": "10",
        "departments": "93, 75, 92, 94, 95, 77, 78, 91",
    }
    return data | changes


def test_the_ranking_page_shows_the_defaults(admin):
    page = page_text(admin.get(PAGE))
    assert "Classement des candidat·es" in page
    assert "Même métier : 40 points" in page
    assert 'value="93, 75, 92, 94, 95, 77, 78, 91"' in page
    assert f'href="{PAGE}"' in admin.get("/admin/users").get_data(as_text=True)


def test_new_weights_and_departements_are_saved(admin, db_session):
    person = ParticipantFactory(commune="Marolles-en-Brie", commune_insee="94048")
    response = post_form(admin, PAGE, ranking_form(distance="7,5", departments="77 94 93"))
    assert response.status_code == 302
    assert candidates.current_weights(db_session).distance == Decimal("7.5")
    assert communes.departments(db_session) == ("77", "94", "93")
    db_session.refresh(person)
    assert person.commune_insee == "77278"
    page = page_text(admin.get(PAGE))
    assert "Les réglages du classement sont enregistrés." in page
    assert "Communes relues : 5 fiches modifiées." in page  # the world's, stored unresolved


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"trade": "-1"}, "Le nombre doit être compris entre 0 et 1000."),
        ({"trade": "abc"}, "valeur décimale"),
        ({"trade": "0", "distance": "0", "priority": "0", "waiting": "0"}, "pas tous nuls"),
        ({"departments": "93, Paris"}, "non reconnus : PARIS"),
    ],
)
def test_impossible_settings_are_refused_on_the_form(admin, db_session, changes, message):
    response = post_form(admin, PAGE, ranking_form(**changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert candidates.current_weights(db_session) == candidates.Weights()
    assert communes.departments(db_session) == communes.DEFAULT_DEPARTMENTS
