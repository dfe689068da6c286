"""The shared fixtures, end to end through the `clauses` command line as DESIGN.md promises it:
the reference files, then every hour sheet in the order of expected.json with its as-of date."""

import json

import pytest
import sqlalchemy as sa

from clauses.models import HourEntry, ImportBatch
from tests.conftest import FIXTURES

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
COUNTS = (
    "rows_accepted",
    "rows_rejected",
    "rows_skipped",
    "participants_matched",
    "participants_new",
)


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=[str(a) for a in args])
        return result.exit_code, result.output

    return invoke


@pytest.fixture
def world_loaded(cli, db_session):
    for command, name in (
        ("import-contracts", "contracts.xlsx"),
        ("import-participants", "participants.xlsx"),
    ):
        code, output = cli(command, FIXTURES / name)
        assert code == 0, output
    return cli


def import_sheet(cli, name, *extra):
    args = EXPECTED.get("args", {}).get(name, [])
    code, output = cli(
        "import-timesheet", FIXTURES / name, *args, "--as-of", EXPECTED["as_of"], "--json", *extra
    )
    assert code == 0, output
    return json.loads(output)


def test_every_sheet_gives_the_expected_counts_rows_and_warnings(world_loaded):
    for name in EXPECTED["order"]:
        want = EXPECTED["files"][name]
        got = import_sheet(world_loaded, name, "--commit")
        assert got["committed"] is True
        assert {k: got[k] for k in COUNTS} == {k: want[k] for k in COUNTS}, name
        assert got["hours_accepted"] == pytest.approx(want["hours_accepted"], abs=0.011), name
        rejected = sorted((e["sheet"], e["row"], e["code"]) for e in got["errors"])
        assert rejected == sorted(tuple(r) for r in want["rejected"]), name
        assert all(e["message"] for e in got["errors"] + got["warnings"])
        warned = {(w["sheet"], w["row"], w["code"]) for w in got["warnings"]}
        assert {tuple(w) for w in want.get("warnings_required", [])} <= warned, name


def test_a_dry_run_reports_the_same_and_writes_nothing(world_loaded, db_session):
    first, second = EXPECTED["order"][:2]
    import_sheet(world_loaded, first, "--commit")
    counts = [
        db_session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in (ImportBatch, HourEntry)
    ]
    got = import_sheet(world_loaded, second)
    assert got["committed"] is False
    assert got["rows_accepted"] == EXPECTED["files"][second]["rows_accepted"]
    assert [
        db_session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in (ImportBatch, HourEntry)
    ] == counts


def test_the_same_file_twice_and_a_garbage_file_are_refused(world_loaded, tmp_path):
    first = EXPECTED["order"][0]
    import_sheet(world_loaded, first, "--commit")
    code, output = world_loaded(
        "import-timesheet", FIXTURES / first, "--as-of", EXPECTED["as_of"], "--json"
    )
    assert (code, json.loads(output)["error"]["code"]) == (2, "file_already_imported")
    junk = tmp_path / "not_a_sheet.xlsx"
    junk.write_bytes(bytes(range(256)) * 16)
    code, output = world_loaded("import-timesheet", junk, "--json")
    assert (code, json.loads(output)["error"]["code"]) == (2, "unreadable_file")
    assert "Traceback" not in output


def test_statuses_after_every_sheet(world_loaded):
    for name in EXPECTED["order"]:
        import_sheet(world_loaded, name, "--commit")
    for reference, month in EXPECTED.get("declarations", []):
        code, output = world_loaded("declare-no-hours", reference, month)
        assert code == 0, output
    code, output = world_loaded("status", "--as-of", EXPECTED["as_of"], "--json")
    assert code == 0, output
    got = json.loads(output)
    assert got["as_of"] == EXPECTED["as_of"]
    references = [row["reference"] for row in got["contracts"]]
    assert references == sorted(references)
    rows = {row["reference"]: row for row in got["contracts"]}
    for reference, want in EXPECTED["status"].items():
        for key, value in want.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                assert rows[reference][key] == value, (reference, key)
            elif key == "open_places":
                assert rows[reference][key] == value
                assert isinstance(rows[reference][key], int)
            else:
                assert rows[reference][key] == pytest.approx(value, abs=0.011), (reference, key)


def test_status_as_a_readable_table(world_loaded):
    import_sheet(world_loaded, EXPECTED["order"][0], "--commit")
    code, output = world_loaded("status", "--as-of", EXPECTED["as_of"])
    assert code == 0
    assert "Situation au 08/04/2024 (mois déclaré : mars 2024)" in output
    assert "DEP93-2023-031-L01" in output
    assert "dans les temps" in output
    assert "on_track" not in output
