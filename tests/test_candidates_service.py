"""The candidates service: who is read from the database and how (validated, available, not
busy on any contract; the latest month with hours), filters and limits, the counts of many
sites read once, the weights as settings, the reasons in words, and `clauses candidates`."""

import json
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_migrate import upgrade

from clauses.errors import WeightsInvalid
from clauses.extensions import db
from clauses.messages.candidates import reasons_text
from clauses.models import (
    AuditLog,
    Criterion,
    ImportBatch,
    Participant,
    Placement,
    PlacementState,
    Sex,
)
from clauses.rules.candidates import Priority, Weights
from clauses.services import candidates, communes
from clauses.services.timesheets import roll_back_batch
from tests.factories import ContractFactory, HourEntryFactory, ParticipantFactory, UserFactory
from tests.test_import_pipeline import HEADER, row, run, xlsx
from tests.test_migrations import _batch, _contract, _person, insert, migrating  # noqa: F401

D = date(2026, 3, 11)


def site(**changes):
    values = {
        "reference": "SITE-1",
        "reference_key": "SITE-1",
        "trade": "Gros œuvre",
        "commune": "Bobigny",
        "commune_insee": "93008",
        "start_date": date(2025, 1, 1),
        "end_date": date(2026, 12, 31),
        "committed_hours": Decimal(4000),
    }
    return ContractFactory(**{**values, **changes})


def candidate(last_name, **changes):
    values = {
        "last_name": last_name,
        "first_name": "Awa",
        "eligibility_validated_on": date(2025, 7, 11),
        "is_available": True,
        "wanted_trades": "Gros œuvre",
        "commune": "Bobigny",
        "commune_insee": "93008",
        "sex": Sex.MALE,
    }
    return ParticipantFactory(**{**values, **changes})


def names(found):
    return [c.last_name for c in found.candidates]


def place(db_session, person, contract, state, hire=None, end=None):
    placement = Placement(participant_id=person.id, contract_id=contract.id)
    placement.move_to(state, date(2026, 1, 5), None)
    placement.hire_date, placement.end_date = hire, end
    db_session.add(placement)
    db_session.commit()


def test_only_validated_available_people_who_are_not_busy(db_session):
    contract = site()
    other = site(reference="SITE-2", reference_key="SITE-2")
    candidate("Valide")
    candidate("Ledujour", eligibility_validated_on=D)
    candidate("Demain", eligibility_validated_on=date(2026, 3, 12))
    candidate("Averifier", eligibility_validated_on=None)
    candidate("Indispo", is_available=False)
    place(db_session, candidate("Propose"), other, PlacementState.PROPOSED)
    place(db_session, candidate("Embauche"), other, PlacementState.HIRED, date(2025, 9, 1))
    place(db_session, candidate("Fini"), other, PlacementState.HIRED, date(2025, 9, 1), D)
    place(
        db_session,
        candidate("Hier"),
        other,
        PlacementState.HIRED,
        date(2025, 9, 1),
        date(2026, 3, 10),
    )
    place(db_session, candidate("Refuse"), contract, PlacementState.REFUSED)
    place(db_session, candidate("Termine"), contract, PlacementState.ENDED, date(2025, 1, 1))

    found = candidates.candidates(db_session, contract, D)
    assert sorted(names(found)) == ["Hier", "Ledujour", "Refuse", "Termine", "Valide"]
    assert found.total == 5


def test_waiting_reads_the_latest_month_with_hours_on_any_contract(db_session):
    contract = site()
    worked = candidate("Travaille")
    HourEntryFactory(participant=worked, month=date(2025, 11, 1))
    HourEntryFactory(participant=worked, month=date(2026, 1, 1))
    HourEntryFactory(participant=worked, month=date(2026, 2, 1), hours=Decimal(0))
    candidate("Jamais", eligibility_validated_on=date(2025, 3, 11))

    found = {c.last_name: c for c in candidates.candidates(db_session, contract, D).candidates}
    assert found["Travaille"].waiting_since == date(2026, 2, 1)  # the 0-hour month is no hours
    assert found["Travaille"].waiting_days == 38
    assert found["Jamais"].waiting_days == 365
    assert found["Jamais"].waiting == Decimal("10.00")


def test_points_reasons_and_json(app, db_session):
    contract = site()
    person = candidate(
        "Bensaid",
        first_name="Karima",
        sex=Sex.FEMALE,
        is_qpv=True,
        commune="Drancy",
        commune_insee="93029",
        wanted_trades="Peinture; gros oeuvre",
    )
    person.set_criteria({Criterion.RSA, Criterion.RQTH})
    db_session.commit()

    [found] = candidates.candidates(db_session, contract, D).candidates
    assert (found.trade, found.priority) == (Decimal("40.00"), Decimal("15.00"))
    assert found.distance_km == Decimal("1.8")
    assert found.wanted_trades == ("Peinture", "gros oeuvre")
    assert found.reasons.priorities == (Priority.RSA, Priority.QPV, Priority.WOMAN)
    assert found.reasons.waiting_months == 8
    with app.test_request_context(), force_locale("fr"):
        assert reasons_text(found.reasons) == (
            "même métier · 1,8 km · RSA, QPV, femme · attend depuis 8 mois"
        )
    line = found.as_json()
    assert list(line) == [
        "last_name", "first_name", "birth_date", "score", "trade", "distance", "priority",
        "waiting", "distance_km", "waiting_days",
    ]  # fmt: skip
    assert line["birth_date"] == "1990-01-01"
    assert isinstance(line["score"], float)


def test_filters_limit_and_a_job_offers_trade(db_session):
    contract = site()
    candidate("Proche")
    candidate("Loin", commune="Meaux", commune_insee="77284")
    candidate("Peintre", wanted_trades="Peinture")
    candidate("Inconnu", commune="Nulle part", commune_insee=None)

    assert names(candidates.candidates(db_session, contract, D, trade_only=True)) == [
        "Proche",
        "Inconnu",
        "Loin",
    ]
    assert names(candidates.candidates(db_session, contract, D, within_km=10)) == [
        "Proche",
        "Peintre",
    ]
    limited = candidates.candidates(db_session, contract, D, limit=1)
    assert (names(limited), limited.total) == (["Proche"], 4)
    offer = candidates.candidates(db_session, contract, D, trade="peinture", trade_only=True)
    assert (names(offer), offer.trade) == (["Peintre"], "peinture")


def test_open_places_come_from_the_contracts_status(db_session):
    # 4,000 h owed over the 6 months from March to August, at no pace: 667 h a month.
    contract = site(start_date=date(2025, 3, 1), end_date=date(2026, 8, 31))
    assert candidates.candidates(db_session, contract, D).open_places == 5
    ended = site(reference="OLD", reference_key="OLD", end_date=date(2025, 6, 30))
    assert candidates.candidates(db_session, ended, D).open_places == 0


def test_counts_of_many_sites_read_everyone_once(db_session, count_queries):
    contracts = [site(reference=f"S-{n}", reference_key=f"S-{n}") for n in range(3)]
    contracts.append(site(reference="P", reference_key="P", trade="Peinture"))
    contracts.append(site(reference="M", reference_key="M", commune_insee="77284"))
    candidate("Proche")
    candidate("Peintre", wanted_trades="Peinture, Gros-œuvre", commune_insee="77284")
    candidate("Nulle", commune_insee=None)
    for contract in contracts:  # loaded before counting: the page has them already
        db_session.refresh(contract)
    with count_queries() as few:
        candidates.candidate_counts(db_session, contracts[:1], D)
    with count_queries() as many:
        counts = candidates.candidate_counts(db_session, contracts, D)
    assert len(many) == len(few)
    assert counts[contracts[0].id] == candidates.CandidateCount(3, 3, 1)
    assert counts[contracts[3].id] == candidates.CandidateCount(3, 1, 0)
    assert counts[contracts[4].id] == candidates.CandidateCount(3, 3, 1)


def test_weights_are_settings_an_admin_changes(db_session):
    admin = UserFactory()
    contract = site()
    candidate("Proche")
    assert candidates.current_weights(db_session) == Weights()
    new = Weights(Decimal(10), Decimal("7.5"), Decimal(20), Decimal(10))
    candidates.set_weights(db_session, admin, new)

    assert candidates.current_weights(db_session) == new
    [found] = candidates.candidates(db_session, contract, D).candidates
    assert (found.trade, found.distance) == (Decimal("10.00"), Decimal("7.50"))
    [event] = db_session.scalars(
        sa.select(AuditLog).where(AuditLog.object_id == "candidate_weights")
    ).all()
    assert event.details["after"]["distance"] == "7.5"
    candidates.set_weights(db_session, admin, new)  # the same again: nothing to record
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 1


@pytest.mark.parametrize(
    "weights",
    [
        Weights(Decimal(-1)),
        Weights(Decimal(1001)),
        Weights(Decimal(0), Decimal(0), Decimal(0), Decimal(0)),
    ],
)
def test_impossible_weights_are_refused(db_session, weights):
    with pytest.raises(WeightsInvalid):
        candidates.set_weights(db_session, UserFactory(), weights)


def test_new_departements_resolve_every_stored_commune_again(db_session):
    admin = UserFactory()
    person = candidate("Marolles", commune="Marolles-en-Brie", commune_insee="94048")
    contract = site(commune="Saint-Denis", commune_insee="93066")

    changed = communes.set_departments(db_session, admin, ["77, 94 ; 93"])
    assert changed == 1
    db_session.refresh(person)
    db_session.refresh(contract)
    assert (person.commune_insee, contract.commune_insee) == ("77278", "93066")
    assert communes.departments(db_session) == ("77", "94", "93")
    [event] = db_session.scalars(
        sa.select(AuditLog).where(AuditLog.object_id == "programme_departments")
    ).all()
    assert event.details["communes_changed"] == 1


# The command line ---------------------------------------------------------------------------


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_an_unknown_reference_exits_2_with_a_json_error(runner, db_session):
    result = runner.invoke(args=["candidates", "NOPE-1", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["code"] == "contract_not_found"
    assert "NOPE-1" in error["message"]


def test_a_readable_table_in_french(runner, db_session):
    site()
    candidate("Proche", sex=Sex.FEMALE)
    candidate("Inconnu", commune_insee=None, eligibility_validated_on=date(2026, 3, 1))
    result = runner.invoke(args=["candidates", "site-1", "--as-of", D.isoformat()])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Candidat·es pour SITE-1 (Gros œuvre, Bobigny) au 11/03/2026")
    assert "PROCHE Awa" in lines[2]
    assert "même métier · 0,0 km · femme · attend depuis 8 mois" in lines[2]
    assert "même métier · attend depuis 10 jours" in lines[3]
    assert lines[-1] == "2 candidat·es en tout, 2 affiché·es."


# The latest month with hours, kept with the entries ------------------------------------------


def last_month(db_session, person):
    return db_session.scalar(
        sa.select(Participant.last_hours_month).where(Participant.id == person.id)
    )


def test_imports_and_rollbacks_keep_each_persons_latest_month_with_hours(
    db_session, contract, karim
):
    first = run(db_session, xlsx([HEADER, row(month=date(2024, 2, 1))]), commit=True)
    assert last_month(db_session, karim) == date(2024, 2, 1)
    second = run(db_session, xlsx([HEADER, row(month=date(2024, 3, 1), kind="CDI")]), commit=True)
    assert last_month(db_session, karim) == date(2024, 3, 1)

    roll_back_batch(db_session, db_session.get(ImportBatch, second.batch_id), None)
    assert last_month(db_session, karim) == date(2024, 2, 1)
    roll_back_batch(db_session, db_session.get(ImportBatch, first.batch_id), None)
    assert last_month(db_session, karim) is None


def test_the_migration_fills_the_latest_month_from_the_entries(migrating):  # noqa: F811
    upgrade(revision="3c8d2e7f9a41")
    with db.engine.begin() as connection:
        contract = _contract(connection)
        worked, idle = _person(connection, "DIOP", None), _person(connection, "SOW", None)
        batch = _batch(connection, 1, "a", "committed")
        for month in (date(2024, 1, 1), date(2024, 3, 1)):
            insert(
                connection,
                "hour_entry",
                contract_id=contract,
                participant_id=worked,
                month=month,
                employment_type="cdi",
                employment_type_text="",
                employer="",
                hours=35,
                batch_id=batch,
                updated_at="2024-04-08 10:00:00",
            )
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, last_hours_month FROM participant")).all()
        assert {id_: str(month)[:10] if month else None for id_, month in rows} == {
            worked: "2024-03-01",
            idle: None,
        }
