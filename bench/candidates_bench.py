"""Benchmark of the ranked candidates for one contract (issue 14): p50 of
services.candidates.candidates() among 50,000 participants, on SQLite and PostgreSQL.

Builds the status benchmark's world (bench/worlds.py: by default 5,000 contracts, 50,000
participants and 2,000,000 hour entries over 36 months, without batch lines), then makes half of
the participants validated and available, resolves every commune as the app stores it, and gives
2 % of the people a placement that keeps them busy (proposed, in interview, hired). Each database
is measured in a child process of its own, in one run:
  (a) the floor: the bare SQL read of the candidates' own columns (validated on or before D,
      available), every row fetched;
  (b) the candidates of one contract (limit 20, as a page shows them): p50 and p95 of --runs
      calls after one warm-up, and the same with no limit;
  (c) the candidate counts of every contract (services.candidates.candidate_counts), as a page
      listing the sites needs them: p50 of 5 calls.
--profile prints a cProfile of (b).

    .venv/bin/python bench/candidates_bench.py [--contracts 5000] [--participants 50000]
        [--entries 2000000] [--runs 30] [--profile] [--skip-sqlite] [--keep]
    (CLAUSES_BENCH_PG=postgresql+psycopg://postgres@127.0.0.1:5432/test by default)
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository, for bench/ and clauses/

from bench.common import drop_pg, pg_database  # noqa: E402
from bench.status_bench import _profile, median_of  # noqa: E402
from bench.worlds import World, plan_world, tables  # noqa: E402

GOAL_P50 = 0.1  # seconds, for one contract's candidates
BUSY_SHARE = 0.02
FLOOR_SQL = (
    "SELECT id, last_name, first_name, birth_date, sex, is_qpv, commune_insee, wanted_trades,"
    " eligibility_validated_on FROM participant"
    " WHERE coalesce(eligibility_validated_on, NULL) <= :d AND is_available"
)


# Building ------------------------------------------------------------------------------------


def candidate_tables(world: World) -> list[tuple[Any, Any]]:
    """The status world's tables, with half of the people validated and available, every
    commune resolved, and a few placements."""
    from clauses.models import Contract, Participant, Placement
    from clauses.services.communes import table

    communes = table()
    validated = sum(1 for *_, on in world.people if on is not None and on <= world.as_of)
    share = min(1.0, len(world.people) / 2 / max(1, validated))
    rng = random.Random(world.seed + 14)
    result = []
    for model_table, rows in tables(world, "x", with_lines=False):
        if model_table is Participant.__table__:
            rows = list(_people(rows, world, share, rng, communes))
            result.append((model_table, rows))
            result.append((Placement.__table__, _placements(world, rows, rng)))
            continue
        if model_table is Contract.__table__:
            rows = [{**row, "commune_insee": _insee(communes, row["commune"])} for row in rows]
        result.append((model_table, rows))
    return result


def _insee(communes: Any, name: str) -> str | None:
    found = communes.resolve(name)
    return found.insee if found else None


def _people(
    rows: Any, world: World, share: float, rng: random.Random, communes: Any
) -> Iterator[dict[str, Any]]:
    for row in rows:
        on = row["eligibility_validated_on"]
        eligible = on is not None and on <= world.as_of
        yield {
            **row,
            "is_available": eligible and rng.random() < share,
            "commune_insee": _insee(communes, row["commune"]),
            "wanted_trades": row["wanted_trades"]
            + ("" if rng.random() < 0.7 else "; " + rng.choice(("Peinture", "Plomberie"))),
        }


def _placements(world: World, people: list[dict[str, Any]], rng: random.Random) -> list[Any]:
    from clauses.models import EmploymentType, PlacementState

    states = (PlacementState.PROPOSED, PlacementState.INTERVIEW, PlacementState.HIRED)
    rows = []
    for person in rng.sample(people, int(len(people) * BUSY_SHARE)):
        state = rng.choice(states)
        hired = state is PlacementState.HIRED
        rows.append(
            {
                "id": len(rows) + 1,
                "participant_id": person["id"],
                "contract_id": rng.randint(1, len(world.contracts)),
                "state": state,
                "state_on": world.as_of - timedelta(days=rng.randrange(60)),
                "employment_type": EmploymentType.CDD if hired else None,
                "hire_date": world.as_of - timedelta(days=30) if hired else None,
            }
        )
    return rows


def build(url: str, world: World) -> dict[str, float]:
    from flask_migrate import upgrade

    from bench.loader import load, pg_autocommit
    from clauses import create_app
    from clauses.extensions import db
    from clauses.services import hours_summary

    app = create_app({"DATABASE_URL": url})
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        db.engine.dispose()
    counts: dict[str, float] = dict(load(url, candidate_tables(world)))
    with app.app_context():
        hours_summary.refresh_all(db.session())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    if url.startswith("postgresql"):
        pg_autocommit(url, ["VACUUM ANALYZE"])
    counts["seconds"] = time.perf_counter() - started
    return counts


# Measuring -----------------------------------------------------------------------------------


def times_of(run: Callable[[], object], runs: int) -> dict[str, float]:
    run()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    quantiles = statistics.quantiles(seconds, n=20, method="inclusive")
    return {"p50": statistics.median(seconds), "p95": quantiles[18]}


def measure(url: str, as_of: date, contract_id: int, runs: int, profile: bool) -> dict[str, Any]:
    import sqlalchemy as sa

    from clauses import create_app
    from clauses.extensions import db
    from clauses.models import Contract
    from clauses.services import candidates

    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        session = db.session()
        floor = median_of(lambda: session.execute(sa.text(FLOOR_SQL), {"d": as_of}).all(), 5)
        contract = session.get(Contract, contract_id)
        assert contract is not None
        found = candidates.candidates(session, contract, as_of, limit=20)
        one = times_of(lambda: candidates.candidates(session, contract, as_of, limit=20), runs)
        every = times_of(lambda: candidates.candidates(session, contract, as_of), max(5, runs // 3))
        columns = (Contract.id, Contract.trade, Contract.commune_insee)
        sites = session.execute(sa.select(*columns)).all()
        counts = times_of(lambda: candidates.candidate_counts(session, sites, as_of), 5)
        if profile:
            _profile(
                "candidates(one contract, limit 20)",
                lambda: candidates.candidates(session, contract, as_of, limit=20),
            )
        session.close()
    return {
        "floor": floor,
        "one": one,
        "unlimited": every,
        "counts": counts,
        "candidates": found.total,
        "sites": len(sites),
    }


def child(url: str, as_of: date, contract_id: int, runs: int, profile: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", "--url", url, "--as-of", as_of.isoformat()]
    args += ["--contract-id", str(contract_id), "--runs", str(runs)]
    out = subprocess.run(
        [*args, *(["--profile"] if profile else [])], check=False, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"child failed on {url}:\n{out.stderr[-4000:]}")
    if profile:
        print(out.stderr, file=sys.stderr)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def report(results: dict[str, dict[str, Any]], world: World, counts: dict[str, float]) -> None:
    names = list(results)
    first = next(iter(results.values()), {})
    print(
        f"world: {len(world.contracts):,} contracts, {len(world.people):,} participants "
        f"({first.get('candidates', 0):,} candidates of the contract measured: validated, "
        f"available, not busy), {counts.get('hour_entry', 0):,.0f} hour entries, "
        f"{counts.get('placement', 0):,.0f} placements; as of {world.as_of}"
    )
    print(f"{'':44s}" + "".join(f"{name:>20s}" for name in names))

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        print(f"{label:44s}" + "".join(f"{cell(results[name]):>20s}" for name in names))

    row("(a) floor: SELECT the candidates' columns", lambda r: f"{r['floor'] * 1000:.1f} ms")
    row("(b) candidates(), limit 20: p50, p95", lambda r: _ms(r["one"]))
    row("    b p50 / a", lambda r: f"{r['one']['p50'] / r['floor']:.1f}")
    row("    candidates(), no limit: p50, p95", lambda r: _ms(r["unlimited"]))
    row("(c) candidate_counts(), every site: p50", lambda r: f"{r['counts']['p50'] * 1000:.0f} ms")
    verdicts = [
        f"{name} {'met' if r['one']['p50'] < GOAL_P50 else 'MISSED'}" for name, r in results.items()
    ]
    print(f"goal p50 < {GOAL_P50 * 1000:.0f} ms for (b): " + "; ".join(verdicts))


def _ms(figure: dict[str, float]) -> str:
    return f"{figure['p50'] * 1000:.1f}, {figure['p95'] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=5_000)
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--as-of", type=date.fromisoformat, help="default: today")
    parser.add_argument("--profile", action="store_true", help="cProfile of (b)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases (for EXPLAIN)")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--url", default="")
    parser.add_argument("--contract-id", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("CLAUSES_SECRET_KEY", "bench")
    today = date.today()
    as_of = args.as_of or today
    if args.child:
        print(json.dumps(measure(args.url, as_of, args.contract_id, args.runs, args.profile)))
        return
    world = plan_world(args.contracts, args.participants, args.entries, today, as_of)
    tmp = Path(tempfile.mkdtemp(prefix="clauses-candidates-bench-"))
    databases: dict[str, str] = {}
    if not args.skip_sqlite:
        databases["SQLite"] = f"sqlite:///{tmp / 'bench.db'}"
    server = os.environ.get("CLAUSES_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    pg = pg_database(server, "candidates_bench")
    if pg:
        databases["PostgreSQL"] = pg[1]
    contract_id = world.contracts[len(world.contracts) // 2].id
    results: dict[str, dict[str, Any]] = {}
    counts: dict[str, float] = {}
    try:
        for name, url in databases.items():
            counts = build(url, world)
            print(f"built {name} in {counts['seconds']:.1f} s", flush=True)
        load = os.getloadavg()[0]
        for name, url in databases.items():
            results[name] = child(url, as_of, contract_id, args.runs, args.profile)
    finally:
        if args.keep:
            print("kept for a closer look: " + ", ".join(databases.values()), file=sys.stderr)
        else:
            if pg:
                drop_pg(server, pg[0])
            for path in tmp.iterdir():
                path.unlink()
            tmp.rmdir()
    report(results, world, counts)
    print(f"load average (1 min): {load:.2f} before measuring, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
