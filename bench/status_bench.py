"""Benchmark of compliance status and the clause team's pages at national scale (issue 5).

Builds one world twice, in SQLite and in PostgreSQL (skipped if no server answers): 5,000
contracts (a tenth with a monthly schedule), 50,000 participants (most validated, a tenth to
verify, 2 % validated after the status date), 2,000,000 hour entries over the 36 months up to
the reporting month, written month after month as imports arrive, each with the batch line it
came from, in 360 import batches (10 a month), the monthly_hours summary
(hours_summary.refresh_all, timed), some "nothing to report" declarations (8 % of the contracts
miss the last report, half of them declared nothing), participant criteria, users and an audit
log of 100,000 events. Then measures, in one run, each database in a child process of its own:
  (a) the floor: SELECT contract_id, SUM(hours) FROM hour_entry GROUP BY contract_id;
  (b) `clauses status --json` for every contract (the real command, a subprocess), and the
      in-process compliance.statuses() call it makes, to tell start-up from work;
  (c) the clause team's dashboard `/`, and (d) a busy contract's page `/contracts/<id>`,
      through the app (Flask test client, signed in through the real login form as a
      facilitator of the world): p50 and p95 over --requests requests, after one warm-up.
(a) and the in-process (b) are the median of 3 runs after a warm-up; the command, of 3 runs.

Building fast: rows go in with COPY (PostgreSQL, foreign-key triggers off for the session:
the generated rows are consistent by construction) or one executemany per table (SQLite,
journal in memory); the schema comes from the migrations. One batch line per entry (no
corrections: --skip-batch-lines leaves them out, for a faster build). PostgreSQL is then VACUUM
ANALYZEd as autovacuum would; SQLite is left without ANALYZE, as the app leaves it.

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
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import FIRST, LAST, drop_pg, pg_database  # noqa: E402  (bench/, beside this file)

from clauses.rules.dates import add_months, last_day_of_month  # noqa: E402
from clauses.rules.names import name_key  # noqa: E402

MONTHS = 36
PASSWORD = "bench-password"
FACILITATOR = "facilitatrice@bench.example"
FLOOR_SQL = "SELECT contract_id, SUM(hours) FROM hour_entry GROUP BY contract_id"
COMMUNES = [
    "Aubervilliers",
    "Aulnay-sous-Bois",
    "Bagnolet",
    "Bobigny",
    "Bondy",
    "Clichy-sous-Bois",
    "Drancy",
    "Épinay-sur-Seine",
    "La Courneuve",
    "Le Blanc-Mesnil",
    "Les Lilas",
    "Montreuil",
    "Noisy-le-Sec",
    "Pantin",
    "Pierrefitte-sur-Seine",
    "Romainville",
    "Rosny-sous-Bois",
    "Saint-Denis",
    "Saint-Ouen",
    "Sevran",
    "Stains",
    "Tremblay-en-France",
    "Villepinte",
    "Villetaneuse",
]
TRADES = [
    "Gros œuvre",
    "Second œuvre",
    "Électricité",
    "Plomberie",
    "Menuiserie",
    "Peinture",
    "Voirie",
    "Espaces verts",
]
TYPES = ["cdi", "cdd", "interim", "interim", "interim", "geiq", "apprenticeship", "iae", "other"]
CRITERIA = ["long_term_job_seeker", "rsa", "young_without_qualification", "qpv_resident"]
ACTIONS = ["login"] * 12 + ["import", "import", "update", "create", "validate_eligibility"]


# The world -----------------------------------------------------------------------------------


@dataclass
class ContractPlan:
    id: int
    start: date
    end: date
    team: list[tuple[int, str]]  # participant id, employment type
    committed: int
    has_schedule: bool
    misses_last_report: bool
    declared_nothing: bool
    months: list[date] = field(default_factory=list)  # months with hours, inside the window


@dataclass
class World:
    """Everything the tables hold but the rows generated on the fly (entries, audit log)."""

    today: date
    as_of: date
    first_month: date
    last_month: date  # R, the reporting month of today
    contracts: list[ContractPlan]
    people: list[tuple[str, str, date, date | None]]  # last, first, birth, validated on
    buyers: int
    contractors: int
    operations: int
    batches: int
    audit_events: int
    seed: int

    @property
    def users(self) -> int:
        """An admin, the facilitator, then users of 50 contractors and of 20 buyers."""
        return 2 + min(50, self.contractors) + min(20, self.buyers)

    @property
    def months(self) -> list[date]:
        return [add_months(self.first_month, i) for i in range(MONTHS)]


def plan_world(
    contracts: int, participants: int, entries: int, today: date, as_of: date, seed: int = 2026
) -> World:
    rng = random.Random(seed)
    last_month = add_months(today.replace(day=1), -1)
    first_month = add_months(last_month, -(MONTHS - 1))
    people = _people(rng, participants, as_of, today)
    plans = []
    for i in range(contracts):
        start_month = add_months(last_month, rng.randint(-(MONTHS - 1), 3))
        duration = rng.randint(6, 48)
        end = last_day_of_month(add_months(start_month, duration - 1))
        misses = rng.random() < 0.08
        plan = ContractPlan(
            i + 1,
            start_month.replace(day=1 + rng.randrange(28)),
            end,
            [],
            0,
            rng.random() < 0.1,
            misses,
            misses and rng.random() < 0.5,
        )
        month = max(start_month, first_month)
        while month <= min(end, last_month):
            plan.months.append(month)
            month = add_months(month, 1)
        plans.append(plan)
    # Team sizes such that the entries add up to about `entries` (9 in 10 people report a month).
    contract_months = sum(len(p.months) for p in plans) or 1
    per_month = entries / contract_months / 0.9
    for plan in plans:
        size = max(1, round(per_month * rng.uniform(0.5, 1.5)))
        plan.team = [(p + 1, rng.choice(TYPES)) for p in rng.sample(range(participants), size)]
        duration = (plan.end.year - plan.start.year) * 12 + plan.end.month - plan.start.month + 1
        plan.committed = max(100, round(duration * size * 79 * 0.9 * rng.uniform(0.8, 1.5), -1))
    return World(
        today,
        as_of,
        first_month,
        last_month,
        plans,
        people,
        buyers=max(2, contracts // 80),
        contractors=max(2, contracts * 3 // 10),
        operations=max(1, contracts // 4),
        batches=MONTHS * 10,
        audit_events=max(1000, entries // 20),
        seed=seed,
    )


def _people(
    rng: random.Random, count: int, as_of: date, today: date
) -> list[tuple[str, str, date, date | None]]:
    seen: set[tuple[str, str, date]] = set()
    result: list[tuple[str, str, date, date | None]] = []
    recent_days = max(1, (today - as_of).days)
    while len(result) < count:
        last = rng.choice(LAST) + ("" if rng.random() < 0.6 else f"-{rng.choice(LAST)}")
        person = (
            last,
            rng.choice(FIRST),
            date(1960 + rng.randrange(46), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        )
        if person in seen:
            continue
        seen.add(person)
        roll = rng.random()
        if roll < 0.10:
            validated = None  # to verify
        elif roll < 0.12:
            validated = as_of + timedelta(days=1 + rng.randrange(recent_days))
        else:
            validated = as_of - timedelta(days=rng.randrange(4 * 365))
        result.append((*person, validated))
    return result


# Rows, table by table, as (table, columns, rows) ---------------------------------------------

Table = tuple[str, list[str], Iterable[tuple[Any, ...]]]


def stamp(day: date, seconds: int = 0) -> str:
    """A timestamp as SQLAlchemy stores it on SQLite and PostgreSQL reads it (UTC session)."""
    return f"{datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)}.000000"


def reference_tables(world: World, password_hash: str, is_pg: bool) -> list[Table]:
    true, false = (True, False) if is_pg else (1, 0)
    created = stamp(world.first_month)
    buyers = range(1, world.buyers + 1)
    contractors = range(world.buyers + 1, world.buyers + world.contractors + 1)
    team_org = world.buyers + world.contractors + 1
    organisations = [(b, f"Acheteur {b}", None, "buyer", None, created) for b in buyers]
    organisations += [
        (c, f"Entreprise {c}", None, "contractor", None, created) for c in contractors
    ]
    organisations.append((team_org, "Équipe clauses", None, "facilitator", None, created))
    operations = [
        (o, f"Opération {o}", buyers[o % len(buyers)], COMMUNES[o % len(COMMUNES)])
        for o in range(1, world.operations + 1)
    ]
    users = [
        (1, "admin@bench.example", password_hash, "Admin", "admin", None, true, None, created),
        (
            2,
            FACILITATOR,
            password_hash,
            "Facilitatrice",
            "facilitator",
            team_org,
            true,
            None,
            created,
        ),
    ]
    for n, org in enumerate([*contractors[:50], *buyers[:20]], start=3):
        role = "buyer" if org <= world.buyers else "contractor"
        users.append(
            (n, f"user{n}@bench.example", password_hash, "", role, org, true, None, created)
        )
    return [
        ("organisation", ["id", "name", "siret", "kind", "email", "created_at"], organisations),
        ("operation", ["id", "name", "buyer_id", "commune"], operations),
        (
            "user_account",
            [
                "id",
                "email",
                "password_hash",
                "full_name",
                "role",
                "organisation_id",
                "is_active",
                "last_login_at",
                "created_at",
            ],
            users,
        ),
        *_contract_tables(world, contractors, created),
        *_participant_tables(world, true, false, created),
        _batches(world, contractors, created),
        _declarations(world),
    ]


def _contract_tables(world: World, contractors: range, created: str) -> list[Table]:
    rows, schedule = [], []
    for c in world.contracts:
        ref = f"M{c.start.year}-{c.id:05d}"
        rows.append(
            (
                c.id,
                ref,
                ref,
                f"Lot {c.id % 12 + 1} {TRADES[c.id % len(TRADES)].lower()}",
                1 + (c.id - 1) * world.operations // len(world.contracts),
                contractors[(c.id * 7919) % len(contractors)],
                TRADES[c.id % len(TRADES)],
                COMMUNES[c.id % len(COMMUNES)],
                c.start,
                c.end,
                c.committed,
                None,
                None,
                created,
                created,
            )
        )
        if c.has_schedule:
            months = _months_of(c.start, c.end)
            share = round(c.committed / len(months), 2)
            schedule += [(c.id, m, share) for m in months]
    columns = [
        "id",
        "reference",
        "reference_key",
        "title",
        "operation_id",
        "contractor_id",
        "trade",
        "commune",
        "start_date",
        "end_date",
        "committed_hours",
        "amount",
        "insertion_rate",
        "created_at",
        "updated_at",
    ]
    return [
        ("contract", columns, rows),
        (
            "scheduled_hours",
            ["id", "contract_id", "month", "hours"],
            [(i, *row) for i, row in enumerate(schedule, start=1)],
        ),
    ]


def _months_of(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _participant_tables(world: World, true: Any, false: Any, created: str) -> list[Table]:
    rng = random.Random(world.seed + 1)
    people, criteria = [], []
    for pid, (last, first, birth, validated) in enumerate(world.people, start=1):
        commune = rng.choice(COMMUNES)
        people.append(
            (
                pid,
                last,
                first,
                name_key(last, first),
                birth,
                rng.choice("FM"),
                commune,
                true if rng.random() < 0.3 else false,
                "",
                validated,
                rng.choice(TRADES),
                true if rng.random() < 0.3 else false,
                2 if rng.random() < 0.5 else None,
                created,
                created,
            )
        )
        if validated is not None:
            for criterion in rng.sample(CRITERIA, 1 + rng.randrange(2)):
                criteria.append((len(criteria) + 1, pid, criterion))
    columns = [
        "id",
        "last_name",
        "first_name",
        "name_key",
        "birth_date",
        "sex",
        "commune",
        "is_qpv",
        "other_criteria",
        "eligibility_validated_on",
        "wanted_trades",
        "is_available",
        "facilitator_id",
        "created_at",
        "updated_at",
    ]
    return [
        ("participant", columns, people),
        ("participant_criterion", ["id", "participant_id", "criterion"], criteria),
    ]


def _batches(world: World, contractors: range, created: str) -> Table:
    per_month = world.batches // MONTHS
    rows = []
    for b in range(world.batches):
        month = add_months(world.first_month, b // per_month)
        arrived = add_months(month, 1) + timedelta(days=b % per_month)
        rows.append(
            (
                b + 1,
                f"releve-{month:%Y-%m}-{b % per_month}.xlsx",
                b"",
                f"{b:064x}",
                "xlsx",
                3 + b % 50,
                contractors[b % len(contractors)],
                stamp(arrived, 3600),
                arrived,
                "committed",
                0,
                0,
                0,
                0,
                "{}",
                None,
                None,
            )
        )
    columns = [
        "id",
        "filename",
        "content",
        "sha256",
        "file_format",
        "uploaded_by_id",
        "contractor_id",
        "uploaded_at",
        "as_of",
        "state",
        "rows_accepted",
        "rows_rejected",
        "rows_skipped",
        "hours_accepted",
        "report",
        "rolled_back_at",
        "rolled_back_by_id",
    ]
    return ("import_batch", columns, rows)


def _declarations(world: World) -> Table:
    rows = [
        (c.id, c.id, world.last_month, 3, stamp(world.today))
        for c in world.contracts
        if c.declared_nothing and world.last_month in c.months
    ]
    return (
        "no_hours_declaration",
        ["id", "contract_id", "month", "declared_by_id", "declared_at"],
        rows,
    )


ENTRY_COLUMNS = [
    "id",
    "contract_id",
    "participant_id",
    "month",
    "employment_type",
    "employment_type_text",
    "employer",
    "hours",
    "batch_id",
    "updated_at",
]


def hour_entries(world: World) -> Iterator[tuple[Any, ...]]:
    """Month after month, as the imports bring them; 1 in 10 people skips a month."""
    rng = random.Random(world.seed + 2)
    by_month: dict[date, list[ContractPlan]] = {}
    for plan in world.contracts:
        for month in plan.months:
            if month == world.last_month and plan.misses_last_report:
                continue
            by_month.setdefault(month, []).append(plan)
    per_month = world.batches // MONTHS
    entry_id = 0
    for index, month in enumerate(world.months):
        updated = stamp(add_months(month, 1), 7200)
        iso = month.isoformat()
        for plan in by_month.get(month, []):
            batch = index * per_month + plan.id % per_month + 1
            for participant, kind in plan.team:
                if rng.random() < 0.1:
                    continue
                entry_id += 1
                cents = rng.randrange(700, 15168)
                yield (
                    entry_id,
                    plan.id,
                    participant,
                    iso,
                    kind,
                    kind,
                    "ETTI 93" if kind == "interim" else "",
                    f"{cents // 100}.{cents % 100:02d}",
                    batch,
                    updated,
                )


LINE_COLUMNS = [
    "id",
    "batch_id",
    "sheet",
    "row",
    "contract_id",
    "participant_id",
    "month",
    "employment_type",
    "employment_type_text",
    "employer",
    "hours",
]


def batch_lines(world: World) -> Iterator[tuple[Any, ...]]:
    """The accepted row each entry came from (the same generator, so the same values)."""
    for entry_id, contract, person, month, kind, text, employer, hours, batch, _ in hour_entries(
        world
    ):
        row = 2 + entry_id % 5000
        yield (entry_id, batch, "Heures", row, contract, person, month, kind, text, employer, hours)


def audit_events(world: World) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(world.seed + 3)
    span = (world.today - world.first_month).days * 86400
    users = world.users
    for n, offset in enumerate(sorted(rng.randrange(span) for _ in range(world.audit_events)), 1):
        action = rng.choice(ACTIONS)
        kind, target = {
            "login": ("user", rng.randint(1, users)),
            "import": ("import_batch", rng.randint(1, world.batches)),
            "validate_eligibility": ("participant", rng.randint(1, len(world.people))),
        }.get(action, ("contract", rng.randint(1, len(world.contracts))))
        yield (
            n,
            stamp(world.first_month, offset),
            rng.randint(1, users),
            action,
            kind,
            str(target),
            "{}",
        )


AUDIT_COLUMNS = ["id", "at", "user_id", "action", "object_type", "object_id", "details"]


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
    tables = [
        *reference_tables(world, user.password_hash, url.startswith("postgresql")),
        ("hour_entry", ENTRY_COLUMNS, hour_entries(world)),
        *([("batch_line", LINE_COLUMNS, batch_lines(world))] if with_lines else []),
        ("audit_log", AUDIT_COLUMNS, audit_events(world)),
    ]
    started = time.perf_counter()
    counts = _copy_pg(url, tables) if url.startswith("postgresql") else _insert_sqlite(url, tables)
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
        _pg_autocommit(url, ["VACUUM ANALYZE"])
        figures["analyze"] = time.perf_counter() - started
    return figures


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _copy_pg(url: str, tables: list[Table]) -> dict[str, int]:
    import psycopg

    counts = {}
    with psycopg.connect(_psycopg_url(url)) as conn, conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
        # The rows are consistent by construction: no foreign-key trigger per row.
        cur.execute("SET session_replication_role = replica")
        for table, columns, rows in tables:
            n = 0
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            counts[table] = n
            if n and "id" in columns:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    return counts


def _insert_sqlite(url: str, tables: list[Table]) -> dict[str, int]:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    counts = {}
    for table, columns, rows in tables:
        marks = ", ".join("?" * len(columns))
        cursor = conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            (tuple(_sqlite_value(v) for v in row) for row in rows)
            if table not in ("hour_entry", "batch_line", "audit_log")
            else rows,
        )
        counts[table] = cursor.rowcount
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return counts


def _sqlite_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _pg_autocommit(url: str, statements: list[str]) -> None:
    import psycopg

    with psycopg.connect(_psycopg_url(url), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


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
    for name, path in (("dashboard", "/"), ("contract", f"/contracts/{contract_id}")):
        pages[name] = _page_times(client, path, requests)
    if profile:
        _profile("one dashboard request", client.get, "/")
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
    parser.add_argument("--profile", action="store_true", help="cProfile of (b) and of (c)")
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
