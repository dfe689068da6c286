"""Participants: the clause team's register, contractors' names-only view, buyers kept out."""

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from clauses import clock
from clauses.models import AuditLog, Criterion, Participant, Role, Sex, User
from clauses.services import audit, participants
from tests.conftest import csrf_token, login, page_text, post_form
from tests.factories import (
    ContractFactory,
    HourEntryFactory,
    ParticipantFactory,
    UserFactory,
)

# What a contractor must never read on a page: eligibility, its criteria, and their words.
PERSONAL_WORDS = (
    "éligibilité",
    "à vérifier",
    "validé",
    "critère",
    "rqth",
    "qpv",
    "rsa",
    "handicap",
    "femme",
    "saint-denis",  # the commune the factory gives people
    "01/01/1990",  # and their birth date
)


def names(page: str) -> list[str]:
    """Participant names in the list's rows, in order."""
    table = page.split('data-testid="participants"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/participants/\d+">([^<]+)</a>', table)


def listed(client, **args: object) -> list[str]:
    return names(page_text(client.get("/participants/", query_string=args)))


def person_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "last_name": "Lefèvre",
        "first_name": "Benoît",
        "birth_date": "1987-05-14",
        "sex": "M",
        "commune": "Aubervilliers",
        "is_qpv": "y",
        "criteria": ["rsa", "long_term_job_seeker"],
        "other_criteria": "",
        "wanted_trades": "maçonnerie, peinture",
        "is_available": "y",
        "facilitator_id": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_no_personal_data(page: str) -> None:
    lowered = page.lower()
    for word in PERSONAL_WORDS:
        assert not re.search(rf"\b{re.escape(word)}\b", lowered), word


# Who may open what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "index", "own", "stranger", "new"),
    [
        ("admin", 200, 200, 200, 200),
        ("facilitator", 200, 200, 200, 200),
        ("contractor", 200, 200, 404, 403),
        ("other_contractor", 200, 404, 200, 403),
        ("buyer", 403, 403, 403, 403),
        ("other_buyer", 403, 403, 403, 403),
    ],
)
def test_access_by_role(client, world, role, index, own, stranger, new):
    login(client, getattr(world, role))
    assert client.get("/participants/").status_code == index
    assert client.get(f"/participants/{world.participant.id}").status_code == own
    assert client.get(f"/participants/{world.stranger.id}").status_code == stranger
    assert client.get("/participants/new").status_code == new
    assert client.get(f"/participants/{world.participant.id}/edit").status_code == new


@pytest.mark.parametrize("role", ["buyer", "contractor"])
def test_only_the_clause_team_changes_eligibility(client, world, db_session, role):
    login(client, getattr(world, role))
    token = csrf_token(client, "/")
    response = client.post(
        f"/participants/{world.stranger.id}/eligibility",
        data={"action": "validate", "csrf_token": token},
    )
    assert response.status_code == 403
    db_session.refresh(world.stranger)
    assert world.stranger.eligibility_validated_on is None


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get("/participants/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# The clause team's list ---------------------------------------------------------------------------


@pytest.fixture
def people(world):
    """A varied register next to the world's two people."""
    follower = UserFactory(role=Role.FACILITATOR, full_name="Nadia Benali")
    return {
        "benoit": ParticipantFactory(
            last_name="Lefèvre",
            first_name="Benoît",
            birth_date=date(1987, 5, 14),
            commune="Aubervilliers",
            is_qpv=True,
            is_available=True,
            facilitator=follower,
            validated=True,
        ),
        "marie": ParticipantFactory(
            last_name="Dupont-Moreau",
            first_name="Marie",
            birth_date=date(2001, 2, 3),
            commune="Pantin",
        ),
        "follower": follower,
    }


def test_team_list_shows_eligibility_and_criteria(client, world, people, db_session):
    people["benoit"].set_criteria({Criterion.RQTH, Criterion.RSA})
    db_session.commit()
    login(client, world.facilitator)
    page = page_text(client.get("/participants/"))
    row = page.split("LEFÈVRE Benoît", 1)[1].split("</tr>", 1)[0]
    assert "bénéficiaire du RSA" in row
    assert "RQTH" in row
    assert "validée le 15/01/2024" in row
    assert "Aubervilliers" in row
    assert "Nadia Benali" in row
    assert "à vérifier" in page.split("DUPONT-MOREAU Marie", 1)[1].split("</tr>", 1)[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("benoit", ["LEFÈVRE Benoît"]),
        ("LEFEVRE", ["LEFÈVRE Benoît"]),
        ("lefèvre benoît", ["LEFÈVRE Benoît"]),
        ("dupont moreau", ["DUPONT-MOREAU Marie"]),
        ("Dupont-Moreau", ["DUPONT-MOREAU Marie"]),
        ("moreau marie", ["DUPONT-MOREAU Marie"]),
        ("marie benoit", []),
        ("zz%", []),
        ("%", ["DIALLO Awa", "DUPONT-MOREAU Marie", "LEFÈVRE Benoît", "SECRET Personne"]),
    ],
)
def test_search_by_name_ignores_accents_case_and_hyphens(client, world, people, query, expected):
    login(client, world.facilitator)
    assert listed(client, q=query) == expected


def test_home_page_link_lists_those_to_verify(client, world, people):
    login(client, world.facilitator)
    assert "/participants/?eligibility=to_verify" in page_text(client.get("/"))
    to_verify = listed(client, eligibility="to_verify")
    assert set(to_verify) == {"SECRET Personne", "DUPONT-MOREAU Marie"}
    validated = listed(client, eligibility="validated")
    assert set(validated) == {"DIALLO Awa", "LEFÈVRE Benoît"}
    assert len(listed(client, eligibility="whatever")) == 4


def test_filters(client, world, people):
    login(client, world.admin)
    assert listed(client, commune="Pantin") == ["DUPONT-MOREAU Marie"]
    assert listed(client, qpv="yes") == ["LEFÈVRE Benoît"]
    assert "LEFÈVRE Benoît" not in listed(client, qpv="no")
    assert listed(client, available="yes") == ["LEFÈVRE Benoît"]
    assert listed(client, facilitator=people["follower"].id) == ["LEFÈVRE Benoît"]
    assert listed(client, commune="Pantin", eligibility="validated") == []


@pytest.mark.parametrize(
    ("sort", "order", "first"),
    [
        ("name", "asc", "DIALLO Awa"),
        ("name", "desc", "SECRET Personne"),
        ("birth_date", "desc", "DUPONT-MOREAU Marie"),
        ("birth_date", "asc", "LEFÈVRE Benoît"),
        ("commune", "asc", "LEFÈVRE Benoît"),  # Aubervilliers
    ],
)
def test_sort(client, world, people, sort, order, first):
    login(client, world.facilitator)
    assert listed(client, sort=sort, order=order)[0] == first


def test_pagination(client, app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    ParticipantFactory.create_batch(5)  # 7 people in all
    login(client, world.facilitator)
    pages = [listed(client, page=n) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert len({name for page in pages for name in page}) == 7
    second = page_text(client.get("/participants/?page=2"))
    assert "page=3" in second
    assert "Page 2 sur 3" in second


def test_list_runs_as_many_queries_for_30_people_as_for_3(
    client, app, world, db_session, monkeypatch, count_queries
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 50)
    login(client, world.facilitator)

    def add(count: int) -> None:
        for _ in range(count):
            person = ParticipantFactory(facilitator=UserFactory(role=Role.FACILITATOR))
            person.set_criteria({Criterion.RSA, Criterion.OVER_50})
        db_session.commit()

    def list_queries() -> tuple[int, int]:
        db_session.expunge_all()
        with count_queries() as statements:
            page = client.get("/participants/")
        assert page.status_code == 200
        return len(statements), len(names(page_text(page)))

    add(1)  # with the world's two: 3
    few, rows_few = list_queries()
    add(27)
    many, rows_many = list_queries()
    assert (rows_few, rows_many) == (3, 30)
    assert many == few
    assert few < 15


# What contractors see -----------------------------------------------------------------------------


def test_contractor_list_shows_only_names_of_its_own_people(client, world, people):
    people["benoit"].set_criteria({Criterion.RQTH})
    HourEntryFactory(contract=world.contract, participant=people["benoit"])
    login(client, world.contractor)
    page = page_text(client.get("/participants/"))
    assert names(page) == ["DIALLO Awa", "LEFÈVRE Benoît"]
    assert "SECRET Personne" not in page
    assert "DUPONT-MOREAU" not in page
    assert_no_personal_data(page)
    assert "Aubervilliers" not in page


def test_contractor_filters_cannot_reveal_eligibility(client, world, people):
    HourEntryFactory(contract=world.contract, participant=people["marie"])  # to verify
    login(client, world.contractor)
    everyone = listed(client)
    for args in (
        {"eligibility": "to_verify"},
        {"eligibility": "validated"},
        {"qpv": "yes"},
        {"commune": "Pantin"},
    ):
        assert listed(client, **args) == everyone, args
    # Sorts the clause team has are by name for a contractor, in the order asked.
    by_name_desc = listed(client, sort="name", order="desc")
    assert by_name_desc == everyone[::-1]
    for sort in ("eligibility", "birth_date", "commune"):
        assert listed(client, sort=sort, order="desc") == by_name_desc, sort
    assert listed(client, q="moreau") == ["DUPONT-MOREAU Marie"]


def test_contractor_sees_a_person_by_name_with_its_own_hours_only(client, world, db_session):
    person = world.participant
    person.set_criteria({Criterion.RQTH, Criterion.QPV_RESIDENT})
    person.is_qpv = True
    HourEntryFactory(contract=world.other_contract, participant=person, hours=Decimal("77"))
    login(client, world.contractor)
    page = page_text(client.get(f"/participants/{person.id}"))
    assert "DIALLO Awa" in page
    assert world.contract.reference in page
    assert "35 h" in page
    assert world.other_contract.reference not in page
    assert "77 h" not in page
    assert_no_personal_data(page)
    assert "/edit" not in page
    assert "/eligibility" not in page


def test_contractor_pages_never_load_criteria(world, db_session):
    """Defence in depth: the contractor's list refuses to load criteria at all."""
    contractor_id = world.contractor.id
    db_session.expunge_all()
    viewer = db_session.get(User, contractor_id)
    listing = participants.list_participants(db_session, viewer, participants.ParticipantFilters())
    person = listing.page.items[0]
    db_session.expire(person, ["criteria_rows"])
    with pytest.raises(sa.exc.InvalidRequestError):
        _ = person.criteria


# The clause team's page for a person --------------------------------------------------------------


def test_team_detail_shows_everything(client, world, db_session):
    person = world.participant
    person.set_criteria({Criterion.RQTH, Criterion.OVER_50})
    person.other_criteria = "Sortant de prison"
    person.wanted_trades = "Électricité"
    HourEntryFactory(
        contract=world.other_contract,
        participant=person,
        month=date(2024, 2, 1),
        hours=Decimal("12.5"),
        employer="Intérim Plus",
    )
    db_session.commit()
    login(client, world.facilitator)
    page = page_text(client.get(f"/participants/{person.id}"))
    criteria = page.split('data-testid="criteria"', 1)[1].split("</ul>", 1)[0]
    assert "RQTH (travailleur handicapé)" in criteria
    assert "plus de 50 ans" in criteria
    assert "Sortant de prison" in criteria
    assert "1 janvier 1990" in page
    assert "Électricité" in page
    assert "Éligibilité validée le 15 janvier 2024" in page
    entries = page.split('data-testid="entries"', 1)[1].split("</table>", 1)[0]
    assert world.contract.reference in entries
    assert world.other_contract.reference in entries
    assert "février 2024" in entries
    assert "Intérim Plus" in entries
    assert "47,5 h" in entries


def test_a_person_without_hours(client, world):
    login(client, world.facilitator)
    page = page_text(client.get(f"/participants/{ParticipantFactory().id}"))
    assert "Aucune heure enregistrée pour cette personne pour l'instant." in page


# Registering and editing --------------------------------------------------------------------------


def test_register_a_participant(client, world, db_session):
    login(client, world.facilitator)
    data = person_form(facilitator_id=str(world.facilitator.id), criteria=["rsa", "rqth"])
    response = post_form(client, "/participants/new", data)
    person = db_session.scalar(sa.select(Participant).where(Participant.last_name == "Lefèvre"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/participants/{person.id}"
    assert person.name_key == "LEFEVRE BENOIT"
    assert person.birth_date == date(1987, 5, 14)
    assert person.sex is Sex.MALE
    assert person.is_qpv is True
    assert person.is_available is True
    assert person.criteria == {Criterion.RSA, Criterion.RQTH}
    assert person.facilitator_id == world.facilitator.id
    assert person.eligibility_validated_on is None  # a new person is to verify
    event = db_session.scalar(
        sa.select(AuditLog).where(
            AuditLog.object_type == "participant", AuditLog.action == "create"
        )
    )
    assert event.user_id == world.facilitator.id
    assert event.object_id == str(person.id)
    assert "Lefèvre" not in str(event.details)
    assert "LEFÈVRE Benoît enregistré·e." in page_text(client.get(response.headers["Location"]))


def test_register_with_only_the_required_fields(client, world, db_session):
    login(client, world.facilitator)
    data = person_form(
        sex="", commune="", is_qpv=None, criteria=None, wanted_trades="", is_available=None
    )
    assert post_form(client, "/participants/new", data).status_code == 302
    person = db_session.scalar(sa.select(Participant).where(Participant.last_name == "Lefèvre"))
    assert (person.sex, person.commune, person.is_qpv, person.criteria) == (None, "", False, set())


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_name": ""}, "last_name", "Ce champ est requis."),
        ({"first_name": " "}, "first_name", "Ce champ est requis."),
        ({"birth_date": ""}, "birth_date", "Ce champ est requis."),
        ({"birth_date": "14/05/1987"}, "birth_date", "N'est pas une date valide."),
        ({"birth_date": "2999-01-01"}, "birth_date", "La date de naissance doit être passée"),
        ({"birth_date": "1850-01-01"}, "birth_date", "La date de naissance doit être passée"),
        ({"sex": "X"}, "sex", "Choix non valide, ne peut pas être converti."),
        ({"criteria": ["rsa", "astrology"]}, "criteria", "une ou plusieurs saisies"),
        ({"facilitator_id": "999999"}, "facilitator_id", "N'est pas un choix valide."),
    ],
)
def test_register_refuses_invalid_input(client, world, db_session, changes, field, message):
    login(client, world.facilitator)
    response = post_form(client, "/participants/new", person_form(**changes))
    page = page_text(response)
    assert response.status_code == 200
    assert message in page
    assert "Le ou la participant·e n'a pas été enregistré·e" in page
    count = sa.select(sa.func.count()).where(Participant.name_key == "LEFEVRE BENOIT")
    assert db_session.scalar(count) == 0


def test_register_refuses_a_duplicate_whatever_the_spelling(client, world, db_session):
    login(client, world.facilitator)
    data = person_form(last_name="DIALLO", first_name="awa", birth_date="1990-01-01")
    response = post_form(client, "/participants/new", data)
    page = page_text(response)
    assert response.status_code == 200
    assert "Une personne de ce nom et de cette date de naissance est déjà enregistrée." in page
    assert f'href="/participants/{world.participant.id}"' in page
    count = sa.select(sa.func.count()).where(Participant.name_key == "DIALLO AWA")
    assert db_session.scalar(count) == 1
    # Another birth date is another person.
    other = person_form(last_name="Diallo", first_name="Awa", birth_date="1991-01-01")
    assert post_form(client, "/participants/new", other).status_code == 302
    assert db_session.scalar(count) == 2


def test_edit_a_participant_records_the_changed_fields_not_their_values(client, world, db_session):
    person = world.stranger
    login(client, world.admin)
    form = page_text(client.get(f"/participants/{person.id}/edit"))
    assert 'value="Secret"' in form
    assert 'value="1990-01-01"' in form
    data = person_form(
        last_name="Secret",
        first_name="Personne",
        birth_date="1990-01-01",
        sex="F",
        commune="Saint-Denis",
        is_qpv=None,
        criteria=["rqth"],
        wanted_trades="",
        is_available=None,
    )
    response = post_form(client, f"/participants/{person.id}/edit", data)
    assert response.status_code == 302
    db_session.refresh(person)
    assert person.criteria == {Criterion.RQTH}
    event = db_session.scalar(
        sa.select(AuditLog).where(
            AuditLog.object_type == "participant", AuditLog.action == "update"
        )
    )
    assert event.details == {"fields": ["criteria"]}


def test_edit_into_a_duplicate_is_refused(client, world, db_session):
    login(client, world.facilitator)
    data = person_form(last_name="Diallo", first_name="Awa", birth_date="1990-01-01")
    response = post_form(client, f"/participants/{world.stranger.id}/edit", data)
    assert "Une personne de ce nom et de cette date de naissance" in page_text(response)
    db_session.refresh(world.stranger)
    assert world.stranger.last_name == "Secret"


# Eligibility --------------------------------------------------------------------------------------


def post_eligibility(client, person, action: str):
    token = csrf_token(client, f"/participants/{person.id}")
    return client.post(
        f"/participants/{person.id}/eligibility", data={"action": action, "csrf_token": token}
    )


def test_validate_then_unvalidate_eligibility(client, world, db_session, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2024, 5, 6))
    person = world.stranger
    person.set_criteria({Criterion.LONG_TERM_JOB_SEEKER})
    db_session.commit()
    login(client, world.facilitator)

    response = post_eligibility(client, person, "validate")
    assert response.status_code == 302
    db_session.refresh(person)
    assert person.eligibility_validated_on == date(2024, 5, 6)
    page = page_text(client.get(response.headers["Location"]))
    assert "Éligibilité validée : les heures de cette personne comptent." in page
    assert "Marquer l'éligibilité à vérifier" in page

    post_eligibility(client, person, "to_verify")
    db_session.refresh(person)
    assert person.eligibility_validated_on is None
    events = db_session.execute(
        sa.select(AuditLog.action, AuditLog.details)
        .where(AuditLog.object_type == "participant", AuditLog.object_id == str(person.id))
        .where(AuditLog.action.not_in(audit.READS))  # the page's views: tests/test_audit_reads.py
        .order_by(AuditLog.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("validate_eligibility", {"before": None, "after": "2024-05-06"}),
        ("eligibility_to_verify", {"before": "2024-05-06", "after": None}),
    ]


def test_validating_needs_a_criterion(client, world, db_session):
    person = world.stranger
    login(client, world.facilitator)
    response = post_eligibility(client, person, "validate")
    page = page_text(client.get(response.headers["Location"]))
    assert "Enregistrez au moins un critère d'éligibilité avant de valider." in page
    db_session.refresh(person)
    assert person.eligibility_validated_on is None
    assert (
        db_session.scalar(
            sa.select(sa.func.count()).where(AuditLog.action == "validate_eligibility")
        )
        == 0
    )


def test_other_criteria_text_is_enough_to_validate(client, world, db_session):
    world.stranger.other_criteria = "Bénéficiaire de l'ASS"
    db_session.commit()
    login(client, world.facilitator)
    post_eligibility(client, world.stranger, "validate")
    db_session.refresh(world.stranger)
    assert world.stranger.eligibility_validated_on is not None


def test_validating_twice_keeps_the_first_date(client, world, db_session):
    person = world.participant  # validated on 2024-01-15 by the factory
    person.set_criteria({Criterion.RSA})
    db_session.commit()
    login(client, world.facilitator)
    post_eligibility(client, person, "validate")
    db_session.refresh(person)
    assert person.eligibility_validated_on == date(2024, 1, 15)
    count = sa.select(sa.func.count()).where(AuditLog.action == "validate_eligibility")
    assert db_session.scalar(count) == 0


def test_unknown_eligibility_action_changes_nothing(client, world, db_session):
    world.stranger.set_criteria({Criterion.RSA})
    db_session.commit()
    login(client, world.facilitator)
    post_eligibility(client, world.stranger, "approve-everything")
    db_session.refresh(world.stranger)
    assert world.stranger.eligibility_validated_on is None


def test_contracts_page_links_people_for_the_team(client, world):
    contract = ContractFactory(contractor=world.contract.contractor)
    HourEntryFactory(contract=contract, participant=world.stranger)
    login(client, world.contractor)
    # A person on one of its contracts is now in the contractor's scope, by name only.
    page = page_text(client.get(f"/participants/{world.stranger.id}"))
    assert "SECRET Personne" in page
    assert_no_personal_data(page)
