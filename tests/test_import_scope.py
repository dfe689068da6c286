"""What a contractor is shown (DESIGN.md, "Precise import rules"): its upload seeks a near
spelling or a name-only match among the people known to it only, so it never learns that
someone is in the programme nor a registered spelling; the clause team sees the true outcome.
Each case is seen from both sides: contractor A's preview and batch page, and the facilitator's
view of the same batch and the clause team's upload of the same file (the command line)."""

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from clauses.models import HourEntry, ImportBatch, Participant
from clauses.rules.names import name_key
from imports.match import MatchKind, People, Person
from tests.conftest import csrf_token, login, page_text
from tests.factories import HourEntryFactory, ParticipantFactory
from tests.test_import_pipeline import HEADER, xlsx
from tests.test_imports_web import confirm, upload

GOMIS_BIRTH = date(1995, 5, 17)


@pytest.fixture
def gomis(world):
    """A person who works only for contractor B (the world's other contractor)."""
    person = ParticipantFactory(last_name="Gomis", first_name="Dylan", birth_date=GOMIS_BIRTH)
    HourEntryFactory(contract=world.other_contract, participant=person)
    return person


@pytest.fixture
def contractor_a(app, world):
    return signed_in(app, world.contractor)


@pytest.fixture
def facilitator(app, world):
    return signed_in(app, world.facilitator)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def sheet(world, last, first, birth):
    return xlsx(
        [HEADER, [world.contract.reference, last, first, birth, date(2024, 3, 1), 35, "CDI"]]
    )


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def previewed(client, content):
    """The preview page the client's user sees, and its URL."""
    preview_url = upload(client, content).headers["Location"]
    return page_text(client.get(preview_url)), preview_url


def committed(client, content):
    """The batch page the uploader lands on after confirming."""
    _, preview_url = previewed(client, content)
    return page_text(client.get(confirm(client, preview_url).headers["Location"]))


def batch_page(client, session):
    batch = session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    return page_text(client.get(f"/imports/{batch.id}"))


def team_run(runner, tmp_path, content):
    """The same file through the command line (the clause team), as a dry run."""
    path = tmp_path / "releve.xlsx"
    path.write_bytes(content)
    result = runner.invoke(args=["import-timesheet", str(path), "--as-of", "2024-04-08", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def answer(page):
    """A page without what differs between two uploads: its token and its CSRF token."""
    return re.sub(r'/preview/[\w-]+|value="[^"]+"', "", page)


def codes(issues):
    return [issue["code"] for issue in issues]


def people(run):
    return run["participants_matched"], run["participants_new"]


def entry_of(session, world):
    """The one entry the file gave contract A (besides the world's own)."""
    return session.scalars(
        sa.select(HourEntry).where(
            HourEntry.contract_id == world.contract.id,
            HourEntry.participant_id != world.participant.id,
        )
    ).one()


def test_a_near_spelling_of_another_contractors_person_is_new_to_a(
    contractor_a, facilitator, world, gomis, db_session, runner, tmp_path
):
    content = sheet(world, "Gomis", "Dilan", GOMIS_BIRTH)
    team = team_run(runner, tmp_path, content)
    assert codes(team["warnings"]) == ["participant_fuzzy"]
    assert "Dylan" in team["warnings"][0]["message"]
    assert people(team) == (1, 0)

    page, _ = previewed(contractor_a, content)
    assert "Dylan" not in page
    assert "participant_new" in page
    assert "participant_fuzzy" not in page
    a_page = committed(contractor_a, content)
    assert "Dylan" not in a_page
    assert "participant_new" in a_page
    # A new person to verify: the duplicate suggestions and the merge bring the records together.
    person = entry_of(db_session, world).participant
    assert person.id != gomis.id
    assert (person.first_name, person.eligibility_validated_on) == ("Dilan", None)
    # What truly happened is what A was shown: a new person.
    team_page = batch_page(facilitator, db_session)
    assert "participant_new" in team_page


def test_a_name_alone_of_another_contractors_person_is_rejected_for_a(
    contractor_a, world, gomis, runner, tmp_path
):
    content = sheet(world, "Gomis", "Dylan", None)
    team = team_run(runner, tmp_path, content)
    assert (codes(team["errors"]), codes(team["warnings"])) == ([], ["birthdate_missing"])

    page, _ = previewed(contractor_a, content)
    assert "birthdate_invalid" in page
    assert "birthdate_missing" not in page
    # A gets the same answer for a name the programme does not know at all.
    unknown = sheet(world, "Gomis", "Inconnu", None)
    unknown_page, _ = previewed(contractor_a, unknown)
    assert answer(unknown_page.replace("Inconnu", "Dylan")) == answer(page)


def test_a_name_alone_of_a_person_known_to_a_is_recognised(contractor_a, world):
    p = world.participant
    page, _ = previewed(contractor_a, sheet(world, p.last_name, p.first_name, None))
    assert "birthdate_missing" in page
    assert "birthdate_invalid" not in page


def test_an_exact_match_on_another_contractors_person_is_shown_new_but_linked(
    contractor_a, facilitator, world, gomis, db_session, runner, tmp_path
):
    content = sheet(world, "GOMIS", "Dylan", GOMIS_BIRTH)
    team = team_run(runner, tmp_path, content)
    assert (codes(team["warnings"]), people(team)) == ([], (1, 0))

    page, _ = previewed(contractor_a, content)
    assert "participant_new" in page
    assert "0 personne reconnue, 1 nouvelle personne" in page
    registered = db_session.scalar(sa.select(sa.func.count()).select_from(Participant))
    a_page = committed(contractor_a, content)
    assert "participant_new" in a_page
    # The hours go to the person the programme knows: no one is created.
    assert entry_of(db_session, world).participant_id == gomis.id
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Participant)) == registered
    # The clause team sees the batch as it truly went: a person recognised, no warning.
    team_page = batch_page(facilitator, db_session)
    assert "participant_new" not in team_page
    assert "Aucun avertissement" in team_page


def test_people_created_by_its_uploads_stay_known_to_a_after_a_rollback(
    contractor_a, facilitator, world, db_session
):
    committed(contractor_a, sheet(world, "Nouveau", "Jean", date(1988, 2, 3)))
    batch_id = entry_of(db_session, world).batch_id
    token = csrf_token(facilitator, f"/imports/{batch_id}")
    rollback = facilitator.post(f"/imports/{batch_id}/rollback", data={"csrf_token": token})
    assert rollback.status_code == 302
    page, _ = previewed(contractor_a, sheet(world, "Nouveau", "Jeanne", date(1988, 2, 3)))
    assert "participant_fuzzy" in page
    assert "reconnu·e comme Nouveau Jean" in page


# The matching itself, without a database: the uploader knows Diallo, not Gomis.


def uploaders_people():
    diallo = Person(1, "Diallo", "Awa", name_key("Diallo", "Awa"), date(1990, 1, 1))
    gomis = Person(
        2, "Gomis", "Dylan", name_key("Gomis", "Dylan"), GOMIS_BIRTH, is_known_to_uploader=False
    )
    return People([diallo, gomis]), diallo, gomis


@pytest.mark.parametrize(
    ("last", "first", "birth", "outcome", "who"),
    [
        ("DIALLO", "Awa", date(1990, 1, 1), MatchKind.EXACT, "diallo"),
        ("Dialo", "Awa", date(1990, 1, 1), MatchKind.FUZZY, "diallo"),
        ("Diallo", "Awa", None, MatchKind.NAME_ONLY, "diallo"),
        ("Gomis", "Dylan", GOMIS_BIRTH, MatchKind.EXACT, "gomis"),
        ("Gomis", "Dilan", GOMIS_BIRTH, MatchKind.NEW, None),
        ("Gomis", "Dylan", None, MatchKind.NO_BIRTH_DATE, None),
    ],
)
def test_near_and_name_only_matches_seek_the_uploaders_people_only(
    last, first, birth, outcome, who
):
    people, diallo, gomis = uploaders_people()
    match = people.match(last, first, birth)
    assert match.outcome is outcome
    if who is not None:
        assert match.person is {"diallo": diallo, "gomis": gomis}[who]
    assert match.introduces is (who == "gomis")


def test_a_person_the_file_names_exactly_is_known_to_its_later_rows():
    people, _, gomis = uploaders_people()
    assert people.match("Gomis", "Dylan", GOMIS_BIRTH).introduces
    again = people.match("GOMIS", "Dylan", GOMIS_BIRTH)
    assert (again.outcome, again.introduces) == (MatchKind.EXACT, False)
    assert people.match("Gomis", "Dilan", GOMIS_BIRTH).person is gomis
    assert people.match("Gomis", "Dylan", None).person is gomis
