"""The public pathway fixtures, end to end through the command line (DESIGN.md "Command line
for pathways"): the reference files, the hour sheets, the follow-up sheet, then every
contract's candidates compared with expected.json, order and points."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from clauses.models import Outcome, Placement, PlacementEvent
from clauses.services import candidates, compliance
from tests.conftest import FIXTURES
from tests.test_fixtures_world import cli  # noqa: F401 (a fixture)

WORLD = FIXTURES / "pathways"
EXPECTED = json.loads((WORLD / "expected.json").read_text(encoding="utf-8"))
COMPONENTS = ("score", "trade", "distance", "priority", "waiting")


@pytest.fixture
def pathways_world(cli, db_session):  # noqa: F811
    for command, name in (
        ("import-contracts", "contracts.xlsx"),
        ("import-participants", "participants.xlsx"),
    ):
        code, output = cli(command, WORLD / name)
        assert code == 0, output
    for name in EXPECTED["order"]:
        code, output = cli(
            "import-timesheet", WORLD / name, "--as-of", EXPECTED["as_of"], "--commit", "--json"
        )
        assert code == 0, output
    return cli


def import_sheet(cli):  # noqa: F811
    code, output = cli("import-pathways", WORLD / EXPECTED["pathways_import"]["file"], "--json")
    assert code == 0, output
    return json.loads(output)


def who(item):
    return item["last_name"], item["first_name"], item["birth_date"]


def test_the_follow_up_sheet_rejects_only_the_unknown_people(pathways_world):
    got = import_sheet(pathways_world)
    errors = sorted((e["sheet"], e["row"], e["code"]) for e in got["errors"])
    wanted = sorted(tuple(row) for row in EXPECTED["pathways_import"]["rows_with_errors"])
    assert errors == wanted
    assert all(e["message"] for e in got["errors"] + got["warnings"])
    assert got["rows_rejected"] == len(wanted)


def test_every_contract_lists_its_candidates_in_order_with_their_points(pathways_world):
    import_sheet(pathways_world)
    for reference, want in EXPECTED["candidates"].items():
        code, output = pathways_world(
            "candidates", reference, "--as-of", EXPECTED["as_of"], "--limit", "100", "--json"
        )
        assert code == 0, output
        got = json.loads(output)
        assert (got["reference"], got["as_of"]) == (reference, EXPECTED["as_of"])
        assert got["open_places"] == want["open_places"]
        assert [who(c) for c in got["candidates"]] == [who(c) for c in want["candidates"]]
        for mine, theirs in zip(got["candidates"], want["candidates"], strict=True):
            for key in COMPONENTS:
                assert mine[key] == pytest.approx(theirs[key], abs=0.005), (reference, who(mine))
            assert mine["waiting_days"] == theirs["waiting_days"]
            if theirs["distance_km"] is None:
                assert mine["distance_km"] is None
            else:
                assert mine["distance_km"] == pytest.approx(theirs["distance_km"], abs=0.05)


def test_the_same_sheet_twice_changes_nothing(pathways_world, db_session):
    import_sheet(pathways_world)

    def counts():
        return [
            db_session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Placement, PlacementEvent, Outcome)
        ]

    before = counts()
    again = import_sheet(pathways_world)
    assert counts() == before
    assert again["placements_created"] == again["placements_updated"] == 0
    assert again["outcomes_recorded"] == 0


def test_the_default_limit_is_twenty(pathways_world):
    import_sheet(pathways_world)
    reference = next(iter(EXPECTED["candidates"]))
    code, output = pathways_world("candidates", reference, "--as-of", EXPECTED["as_of"], "--json")
    assert code == 0
    assert len(json.loads(output)["candidates"]) == 20


def test_the_first_n_are_the_first_n_of_the_whole_list(pathways_world, db_session):
    """The database picks who may rank among the first N (services/candidate_sql.py); the
    rules rank them: the same as the first N of everyone ranked."""
    import_sheet(pathways_world)
    as_of = date.fromisoformat(EXPECTED["as_of"])
    for reference in EXPECTED["candidates"]:
        contract = compliance.contract_by_reference(db_session, reference)
        whole = candidates.candidates(db_session, contract, as_of)
        for limit in (1, 2, 3, 5, 8, 13, 21, 34):
            first = candidates.candidates(db_session, contract, as_of, limit=limit)
            assert first.candidates == whole.candidates[:limit], (reference, limit)
            assert first.total == whole.total
        for options in ({"trade_only": True}, {"within_km": 5.0}, {"trade": "Peinture"}):
            whole = candidates.candidates(db_session, contract, as_of, **options)
            first = candidates.candidates(db_session, contract, as_of, limit=4, **options)
            assert first.candidates == whole.candidates[:4], (reference, options)
            assert first.total == whole.total, (reference, options)
