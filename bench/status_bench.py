"""Benchmark of compliance status and the clause team's pages at national scale (issue 5).

Builds one world twice (bench/worlds.py: by default 5,000 contracts, 50,000 participants and
2,000,000 hour entries over 36 months, with their batches, lines, summary, declarations, users
and audit log), in SQLite and in PostgreSQL (skipped if no server answers), loaded in bulk by
bench/loader.py on the schema the migrations build, the monthly_hours summary computed by
hours_summary.refresh_all (timed). Then measures, in one run, each database in a child process
of its own:
  (a) the floor: SELECT contract_id, SUM(hours) FROM hour_entry GROUP BY contract_id;
  (b) `clauses status --json` for every contract (the real command, a subprocess), and the
      in-process compliance.statuses() call it makes, to tell start-up from work;
  (c) the clause team's dashboard `/`, (d) a busy contract's page `/contracts/<id>` and (e)
      "where to send people" `/where-to-send` (every status, then the sites to fill), through
      the app (Flask test client, signed in through the real login form as a
      facilitator of the world): p50 and p95 over --requests requests, after one warm-up.
(a) and the in-process (b) are the median of 3 runs after a warm-up; the command, of 3 runs.
One batch line per entry (no corrections: --skip-batch-lines leaves them out, for a faster
build). PostgreSQL is then VACUUM ANALYZEd as autovacuum would; SQLite is left without ANALYZE,
as the app leaves it.

Status is assessed as of --as-of (default: 15 days ago, so that the people validated since
are taken back to pending and statuses() corrects them); the pages use today's date.

    .venv/bin/python bench/status_bench.py [--contracts 5000] [--participants 50000]
        [--entries 2000000] [--requests 50] [--profile] [--skip-sqlite] [--keep]
    (CLAUSES_BENCH_PG=postgresql+psycopg://postgres@127.0.0.1:5432/test by default)
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository, for bench/ and clauses/

from bench.common import drop_pg, pg_database  # noqa: E402
from bench.loader import load, pg_autocommit  # noqa: E402
from bench.worlds import FACILITATOR, MONTHS, World, plan_world, tables  # noqa: E402
from clauses.rules.dates import add_months  # noqa: E402

PASSWORD = "bench-password"
FLOOR_SQL = "SELECT contract_id, SUM(hours) FROM hour_entry GROUP BY contract_id"


# Building a database -------------------------------------------------------------------------


def build(url: str, world: World, with_lines: bool) -> dict[str, float]:
    """Schema from the migrations, rows in bulk, then the summary as the app computes it."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from clauses import create_app
    from clauses.extensions import db
    from clauses.models import User
    from clauses.services import hours_summary

    figures: dict[str, float] = {}
    app = create_app({"DATABASE_URL": url})
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        db.engine.dispose()
    figures["schema"] = time.perf_counter() - started
    user = User()
    user.set_password(PASSWORD)
    started = time.perf_counter()
    counts = load(url, tables(world, user.password_hash, with_lines))
    figures["rows"] = time.perf_counter() - started
    figures.update({f"count:{table}": n for table, n in counts.items()})
    started = time.perf_counter()
    with app.app_context():
        hours_summary.refresh_all(db.session())
        db.session.commit()
        figures["count:monthly_hours"] = db.session.execute(
            sa.text("SELECT count(*) FROM monthly_hours")
        ).scalar_one()
        db.session.remove()
        db.engine.dispose()
    figures["summary"] = time.perf_counter() - started
    if url.startswith("postgresql"):
        started = time.perf_counter()
        pg_autocommit(url, ["VACUUM ANALYZE"])
        figures["analyze"] = time.perf_counter() - started
    return figures


# Measuring (in a child process per database) -------------------------------------------------


def median_of(run: Callable[[], object], times: int = 3) -> float:
    """The median of `times` runs, after one warm-up run (caches, compiled statements)."""
    run()
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def measure(
    url: str, as_of: date, contract_id: int, requests: int, profile: bool
) -> dict[str, Any]:
    import sqlalchemy as sa

    from clauses import create_app
    from clauses.extensions import db
    from clauses.services import compliance

    # Plain http in the test client: the session cookie must not require https.
    app = create_app(
        {"DATABASE_URL": url, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}
    )
    with app.app_context():
        floor = median_of(lambda: db.session.execute(sa.text(FLOOR_SQL)).all())
        count = len(compliance.statuses(db.session(), as_of))
        in_process = median_of(lambda: compliance.statuses(db.session(), as_of))
        if profile:
            _profile("compliance.statuses(all contracts)", compliance.statuses, db.session(), as_of)
        db.session.remove()
    client = app.test_client()
    _login(client)
    pages = {}
    paths = (
        ("dashboard", "/"),
        ("contract", f"/contracts/{contract_id}"),
        ("sites", "/where-to-send"),
    )
    for name, path in paths:
        pages[name] = _page_times(client, path, requests)
    if profile:
        _profile("one dashboard request", client.get, "/")
        _profile("one where-to-send request", client.get, "/where-to-send")
    return {"floor": floor, "in_process": in_process, "statuses": count, **pages}


def _login(client: Any) -> None:
    """Through the real login form, CSRF token included (as tests/conftest.py's login)."""
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
    if token is None:
        raise SystemExit("the login page has no CSRF token")
    response = client.post(
        "/login",
        data={"email": FACILITATOR, "password": PASSWORD, "csrf_token": token.group(1).decode()},
    )
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code} {response.data[:300]!r}")


def _page_times(client: Any, path: str, requests: int) -> dict[str, float]:
    times = []
    for n in range(requests + 1):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            # Say so in the report, and go on measuring the rest.
            print(f"GET {path}: {response.status_code}", file=sys.stderr)
            return {"p50": 0.0, "p95": 0.0, "bytes": 0, "status": response.status_code}
        if n:  # the first request compiles templates and warms caches
            times.append(elapsed)
    quantiles = statistics.quantiles(times, n=20, method="inclusive")
    return {"p50": statistics.median(times), "p95": quantiles[18], "bytes": len(response.data)}


def _profile(title: str, function: Callable[..., object], *args: Any) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(function, *args)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(12)
    print(f"==== cProfile: {title}\n{out.getvalue()}", file=sys.stderr)


def child(url: str, as_of: date, contract_id: int, requests: int, profile: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", "--url", url, "--as-of", as_of.isoformat()]
    args += ["--contract-id", str(contract_id), "--requests", str(requests)]
    out = subprocess.run(
        [*args, *(["--profile"] if profile else [])], check=False, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"child failed on {url}:\n{out.stderr[-4000:]}")
    if profile:
        print(out.stderr, file=sys.stderr)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def command_seconds(url: str, as_of: date, contracts: int, times: int = 3) -> float:
    """`clauses status --json` as a user runs it: a new process, start-up included."""
    env = {**os.environ, "CLAUSES_DATABASE_URL": url, "CLAUSES_SECRET_KEY": "bench"}
    command = [str(Path(sys.executable).parent / "clauses"), "status", "--json"]
    command += ["--as-of", as_of.isoformat()]
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        seconds.append(time.perf_counter() - started)
        found = len(json.loads(out.stdout)["contracts"])
        if found != contracts:
            raise SystemExit(f"clauses status listed {found} contracts, not {contracts}")
    return statistics.median(seconds)


# Reporting -----------------------------------------------------------------------------------


def busy_contract(world: World) -> tuple[int, int]:
    """An active contract at the 90th percentile of entries: a busy page, not a freak one."""
    active = [c for c in world.contracts if world.last_month in c.months]
    sized = sorted(active or world.contracts, key=lambda c: len(c.team) * len(c.months))
    plan = sized[int(len(sized) * 0.9) - 1 if len(sized) > 1 else 0]
    return plan.id, round(len(plan.team) * len(plan.months) * 0.9)


def describe(world: World, counts: dict[str, float]) -> str:
    people = world.people
    to_verify = sum(1 for p in people if p[3] is None)
    later = sum(1 for p in people if p[3] is not None and p[3] > world.as_of)
    return (
        f"world: {len(world.contracts):,} contracts, {len(people):,} participants "
        f"({len(people) - to_verify - later:,} validated, {to_verify:,} to verify, {later:,} "
        f"validated after the status date), {counts['count:hour_entry']:,.0f} hour entries over "
        f"{MONTHS} months ({world.first_month:%m/%Y}-{world.last_month:%m/%Y}), "
        f"{counts['count:import_batch']:,.0f} import batches, "
        f"{counts.get('count:batch_line', 0):,.0f} batch lines, "
        f"{counts['count:monthly_hours']:,.0f} monthly_hours rows, "
        f"{counts['count:no_hours_declaration']:,.0f} no-hours declarations, "
        f"{counts['count:audit_log']:,.0f} audit events"
    )


def report(results: dict[str, dict[str, Any]], world: World, contract: tuple[int, int]) -> None:
    names = list(results)
    print(
        f"status as of {world.as_of} (R = {add_months(world.as_of.replace(day=1), -1):%m/%Y}); "
        f"pages as of today {world.today}; contract page /contracts/{contract[0]} "
        f"(about {contract[1]} entries)"
    )
    print(f"{'':40s}" + "".join(f"{name:>24s}" for name in names))

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        print(f"{label:40s}" + "".join(f"{cell(results[name]):>24s}" for name in names))

    row("(a) floor: SUM(hours) GROUP BY contract", lambda r: f"{r['floor']:.3f} s")
    row("(b) clauses status --json (command)", lambda r: f"{r['command']:.3f} s")
    row("    b/a", lambda r: f"{r['command'] / r['floor']:.2f}")
    row("    statuses() in-process", lambda r: f"{r['in_process']:.3f} s")
    row("    in-process/a", lambda r: f"{r['in_process'] / r['floor']:.2f}")
    row("    start-up and JSON (command - in)", lambda r: f"{r['command'] - r['in_process']:.3f} s")
    for key, label in (
        ("dashboard", "(c) dashboard / p50, p95"),
        ("contract", "(d) contract page p50, p95"),
        ("sites", "(e) where to send p50, p95"),
    ):
        row(label, lambda r, k=key: _page_cell(r[k]))
    pg = results.get("PostgreSQL")
    if pg is None:
        print("targets (on PostgreSQL): not checked, no PostgreSQL server answered")
        return
    checks = [
        ("b/a <= 2", pg["command"] / pg["floor"] <= 2),
        (
            "dashboard p50 < 200 ms",
            "status" not in pg["dashboard"] and pg["dashboard"]["p50"] < 0.2,
        ),
        (
            "contract page p50 < 100 ms",
            "status" not in pg["contract"] and pg["contract"]["p50"] < 0.1,
        ),
    ]
    print(
        "targets on PostgreSQL: "
        + "; ".join(f"{label} {'met' if ok else 'MISSED'}" for label, ok in checks)
    )


def _page_cell(figure: dict[str, float]) -> str:
    if "status" in figure:
        return f"HTTP {figure['status']:.0f}"
    return f"{figure['p50'] * 1000:.1f}, {figure['p95'] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=5_000)
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--as-of", type=date.fromisoformat, help="default: 15 days ago")
    parser.add_argument("--profile", action="store_true", help="cProfile of (b), (c) and (e)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--skip-batch-lines", action="store_true", help="faster build; the contract page reads them"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases (for EXPLAIN)")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--url", default="")
    parser.add_argument("--contract-id", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("CLAUSES_SECRET_KEY", "bench")
    today = date.today()
    as_of = args.as_of or today - timedelta(days=15)
    if args.child:
        figures = measure(args.url, as_of, args.contract_id, args.requests, args.profile)
        print(json.dumps(figures))
        return
    started = time.perf_counter()
    world = plan_world(args.contracts, args.participants, args.entries, today, as_of)
    print(f"planned the world in {time.perf_counter() - started:.1f} s", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="clauses-status-bench-"))
    databases: dict[str, str] = {}
    if not args.skip_sqlite:
        databases["SQLite"] = f"sqlite:///{tmp / 'bench.db'}"
    server = os.environ.get("CLAUSES_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    pg = pg_database(server, "status_bench")
    if pg:
        databases["PostgreSQL"] = pg[1]
    contract = busy_contract(world)
    results: dict[str, dict[str, Any]] = {}
    load = 0.0
    try:
        counts: dict[str, float] = {}
        for name, url in databases.items():
            counts = build(url, world, not args.skip_batch_lines)
            print(
                f"built {name}: schema {counts['schema']:.1f} s, rows {counts['rows']:.1f} s, "
                f"summary (hours_summary.refresh_all) {counts['summary']:.1f} s"
                + (f", VACUUM ANALYZE {counts['analyze']:.1f} s" if "analyze" in counts else ""),
                flush=True,
            )
        print(describe(world, counts))
        load = os.getloadavg()[0]
        for name, url in databases.items():
            results[name] = child(url, as_of, contract[0], args.requests, args.profile)
            results[name]["command"] = command_seconds(url, as_of, len(world.contracts))
    finally:
        if args.keep:
            print("kept for a closer look: " + ", ".join(databases.values()), file=sys.stderr)
        else:
            if pg:
                drop_pg(server, pg[0])
            for path in tmp.iterdir():
                path.unlink()
            tmp.rmdir()
    report(results, world, contract)
    # Other work on this machine shows here: the figures are only as steady as the load.
    print(f"load average (1 min): {load:.2f} before measuring, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
