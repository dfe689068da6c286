"""Benchmark of the downloads (issue 12): the rejected rows of an hour sheet whose every row is
rejected, and the template of a facilitator who knows many people.

Each is printed beside a baseline measured in the same run: openpyxl's write-only workbook
writing the same cells as plain rows, without styles or formula checks, the floor of any writer
built on openpyxl. The rejected-rows figure also reads the sent file back (python-calamine).

    .venv/bin/python bench/downloads_bench.py [--rows 100000] [--people 50000]
"""

import argparse
import gc
import io
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository, for bench/ and imports/

from bench.common import FIRST, LAST  # noqa: E402
from imports.rejected import rejected_rows_workbook  # noqa: E402
from imports.template import HEADERS, KnownPerson, template_workbook  # noqa: E402

TODAY = date(2026, 11, 2)
REASON = "heures négatives « -3 » ; personne inconnue"
GOALS = {"rejected": 5.0, "template": 1.0}


def people(rng: random.Random, count: int) -> list[KnownPerson]:
    return [
        KnownPerson(
            f"{rng.choice(LAST)}-{n}",
            rng.choice(FIRST),
            date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        )
        for n in range(count)
    ]


def hour_rows(known: Sequence[KnownPerson]) -> list[list[object]]:
    return [
        [f"M-{n % 300:04d}", p.last_name, p.first_name, p.birth_date, "10/2026", -3, "CDI", ""]
        for n, p in enumerate(known)
    ]


def plain_workbook(rows: Sequence[Sequence[object]]) -> bytes:
    """The baseline: the same cells, appended as they are to a write-only workbook."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Feuille")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seconds(write: Callable[[], bytes]) -> float:
    """CPU time, so that the other processes of a shared machine count for little."""
    gc.collect()
    start = time.process_time()
    write()
    return time.process_time() - start


def report(label: str, measured: float, baseline: float, goal: float) -> None:
    print(
        f"{label:44s} {measured:6.2f} s   baseline {baseline:6.2f} s   "
        f"ratio {measured / baseline:4.2f}   goal < {goal:.0f} s"
    )


def bench_rejected(rows: list[list[object]]) -> None:
    sent = plain_workbook([list(HEADERS), *rows])
    errors = [{"sheet": "Feuille", "row": n, "code": "hours_negative", "params": {"hours": "-3"}}
              for n in range(2, len(rows) + 2)]  # fmt: skip
    written = [[n, REASON, *row] for n, row in enumerate(rows, start=2)]
    # The reasons are rendered by the page (clauses.messages); here, one fixed sentence.
    measured = seconds(
        lambda: rejected_rows_workbook(sent, errors, lambda _: REASON, ("Ligne", "Motif du rejet"))
    )
    baseline = seconds(lambda: plain_workbook(written))
    report(f"rejected rows, {len(rows):,} rows", measured, baseline, GOALS["rejected"])


def bench_template(known: list[KnownPerson]) -> None:
    references = [f"M-{n:04d}" for n in range(300)]
    written = [[p.last_name, p.first_name, p.birth_date] for p in known]
    measured = seconds(lambda: template_workbook(references, known, TODAY))
    baseline = seconds(lambda: plain_workbook(written))
    report(f"template, {len(known):,} known people", measured, baseline, GOALS["template"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()
    rng = random.Random(12)
    bench_rejected(hour_rows(people(rng, args.rows)))
    bench_template(people(rng, args.people))
    print("baseline: openpyxl write-only, the same cells as plain rows (no styles, no checks)")


if __name__ == "__main__":
    main()
