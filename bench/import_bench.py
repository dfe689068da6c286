"""Benchmark of the timesheet import (issue 4).

Generates a 100,000-row .xlsx timesheet (2,000 contracts, 30,000 registered participants, a few
percent of rows with errors or near-spelled names), then measures in one run, each in a fresh
child process so that its peak memory is its own:
  (a) python-calamine reading the raw cells of the file (the floor),
  (b) the full import with commit into a fresh SQLite database,
  (c) the same into a fresh PostgreSQL database (skipped if no server answers).
Prints each time, b/a and c/a, rows per second and peak memory (max RSS).

    .venv/bin/python bench/import_bench.py [--rows 100000] [--profile]
    (CLAUSES_BENCH_PG=postgresql+psycopg://postgres@127.0.0.1:5432/test by default)
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository, for bench/ and clauses/

from bench.common import FIRST, LAST, drop_pg, pg_database  # noqa: E402

AS_OF = date(2026, 11, 2)
CONTRACTS = 2_000
PEOPLE = 30_000
TYPES = ["CDI", "CDD", "Intérim", "ETTI", "GEIQ", "Apprentissage", "Contrat pro", "Formation"]


def people(rng: random.Random) -> list[tuple[str, str, date]]:
    seen, result = set(), []
    while len(result) < PEOPLE:
        person = (
            rng.choice(LAST) + ("" if rng.random() < 0.5 else f"-{rng.choice(LAST)}"),
            rng.choice(FIRST),
            date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        )
        if person not in seen:
            seen.add(person)
            result.append(person)
    return result


def write_sheet(
    path: Path, rows: int, registered: list[tuple[str, str, date]], rng: random.Random
) -> None:
    from openpyxl import Workbook

    from imports.template import HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Heures")
    sheet.append(HEADERS)
    for i in range(rows):
        p = i % PEOPLE
        last, first, birth = registered[p]
        month = date(2025 + (i // PEOPLE) // 12, 1 + (i // PEOPLE) % 12, 1)
        ref, hours, kind = f"BENCH-{p % CONTRACTS:04d}", rng.randrange(7, 152), rng.choice(TYPES)
        roll = rng.random()
        if roll < 0.01:
            hours = -hours  # hours_negative
        elif roll < 0.02:
            month = "bientôt"  # month_invalid
        elif roll < 0.025:
            ref = "INCONNU-1"  # contract_unknown
        elif roll < 0.045 and len(last) > 6:
            last = last[:3] + last[4:]  # a near spelling: participant_fuzzy
        elif roll < 0.055:
            last, birth = f"NOUVEAU{i}", date(1999, 1, 1)  # participant_new
        sheet.append([ref, last, first, birth, month, hours, kind, "ETTI 93"])
    workbook.save(path)


def seed(url: str, registered: list[tuple[str, str, date]]) -> None:
    """A fresh schema (the migrations) with the contracts and the registered people."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from clauses import create_app
    from clauses.extensions import db
    from clauses.models import Contract, Operation, Organisation, OrganisationKind, Participant
    from clauses.rules.names import name_key

    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        s = db.session
        buyer = Organisation(name="Acheteur bench", kind=OrganisationKind.BUYER)
        contractors = [
            Organisation(name=f"Entreprise {n}", kind=OrganisationKind.CONTRACTOR)
            for n in range(200)
        ]
        operations = [
            Operation(name=f"Opération {n}", buyer=buyer, commune="Bobigny") for n in range(100)
        ]
        s.add_all([buyer, *contractors, *operations])
        s.flush()
        s.execute(
            sa.insert(Contract),
            [
                {
                    "reference": f"BENCH-{n:04d}",
                    "reference_key": f"BENCH-{n:04d}",
                    "title": f"Lot {n}",
                    "operation_id": operations[n % 100].id,
                    "contractor_id": contractors[n % 200].id,
                    "trade": "Gros œuvre",
                    "commune": "Bobigny",
                    "start_date": date(2024, 1, 1),
                    "end_date": date(2027, 12, 31),
                    "committed_hours": Decimal(5000),
                }
                for n in range(CONTRACTS)
            ],
        )
        s.execute(
            sa.insert(Participant),
            [
                {
                    "last_name": last,
                    "first_name": first,
                    "name_key": name_key(last, first),
                    "birth_date": birth,
                    "eligibility_validated_on": date(2024, 1, 1),
                }
                for last, first, birth in registered
            ],
        )
        s.commit()
        db.engine.dispose()


def measure(what: str, path: str, url: str, profile: bool) -> dict[str, float]:
    content = Path(path).read_bytes()
    if what == "read":
        from python_calamine import CalamineWorkbook

        started = time.perf_counter()
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        count, seconds = len(sheet.to_python()) - 1, time.perf_counter() - started
    else:
        count, seconds = _import(content, url, profile)
    return {
        "seconds": seconds,
        "rows": count,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _import(content: bytes, url: str, profile: bool) -> tuple[int, float]:
    """The import as `clauses import-timesheet --commit` runs it, timed from the file's bytes
    to the committed transaction (the app's start-up, about a second, is left out)."""
    from clauses import create_app
    from clauses.extensions import db
    from clauses.services.timesheets import import_timesheet

    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():

        def run() -> int:
            report = import_timesheet(db.session(), content, "bench.xlsx", as_of=AS_OF, commit=True)
            db.session.commit()
            counts = report.counts()
            return sum(int(counts[k]) for k in ("rows_accepted", "rows_rejected", "rows_skipped"))

        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        count = profiler.runcall(run) if profiler else run()
        seconds = time.perf_counter() - started
        if profiler:
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        return count, seconds


def child(what: str, path: Path, url: str = "", profile: bool = False) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", what, "--file", str(path), "--url", url]
    out = subprocess.run(
        [*args, *(["--profile"] if profile else [])], check=True, capture_output=True, text=True
    )
    if profile:
        print(out.stderr[-6000:], file=sys.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def line(figure: dict[str, float]) -> str:
    rate = figure["rows"] / figure["seconds"]
    return f"{figure['seconds']:7.2f} s {rate:9,.0f} rows/s  peak {figure['peak_mb']:5.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="cProfile of both imports")
    parser.add_argument("--child")
    parser.add_argument("--file")
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    os.environ.setdefault("CLAUSES_SECRET_KEY", "bench")
    if args.child:
        print(json.dumps(measure(args.child, args.file, args.url, args.profile)))
        return
    rng = random.Random(2024)
    tmp = Path(tempfile.mkdtemp(prefix="clauses-bench-"))
    registered = people(rng)
    path = tmp / "releve-100k.xlsx"
    started = time.perf_counter()
    write_sheet(path, args.rows, registered, rng)
    size, seconds = path.stat().st_size / 1e6, time.perf_counter() - started
    print(f"generated {args.rows:,} rows ({size:.1f} MB) in {seconds:.1f} s")
    sqlite_url = f"sqlite:///{tmp / 'bench.db'}"
    seed(sqlite_url, registered)
    server = os.environ.get("CLAUSES_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    pg = pg_database(server, "bench")
    if pg:
        seed(pg[1], registered)
    a = child("read", path)
    b = child("import", path, sqlite_url, args.profile)
    c = child("import", path, pg[1], args.profile) if pg else None
    if pg:
        drop_pg(server, pg[0])
    print(f"{'(a) calamine read of the raw cells':36s} {line(a)}")
    for label, figure in (
        ("(b) import --commit, SQLite", b),
        ("(c) import --commit, PostgreSQL", c),
    ):
        if figure is None:
            print(f"{label:36s} skipped: no PostgreSQL server answered")
            continue
        print(f"{label:36s} {line(figure)}  ratio to (a) {figure['seconds'] / a['seconds']:5.1f}")
    print("targets: b/a <= 3, peak memory < 500 MB")


if __name__ == "__main__":
    main()
