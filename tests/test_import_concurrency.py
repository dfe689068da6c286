"""Imports committed at the same time, each on its own connection, with real commits: the same
file is recorded once whatever the interleaving, and each entry holds the hours of its latest
committed line (the batch committed last), which a rollback then gives back.

The usual fixture wraps a test in a rolled-back transaction; these tests commit for real on the
test database, so they use connections of their own and delete what they wrote at the end."""

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.errors import BatchAlreadyRolledBack, FileAlreadyImported
from clauses.extensions import db
from clauses.models import (
    AuditLog,
    BatchLine,
    BatchState,
    Contract,
    HourEntry,
    ImportBatch,
    MonthlyHours,
    Operation,
    Organisation,
    OrganisationKind,
    Participant,
    Role,
    User,
)
from clauses.services.timesheets import import_timesheet, roll_back_batch
from tests.conftest import PASSWORD, csrf_token, login, page_text
from tests.test_imports_web import upload

AS_OF = date(2024, 4, 8)
REFERENCE = "CONC-2024-001"
MONTHS = (date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1))
PEOPLE = 12
POSTGRES = pytest.mark.skipif(
    not os.environ.get("CLAUSES_TEST_DATABASE_URL"),
    reason="row locks and a second transaction's wait are PostgreSQL's; SQLite runs one writer",
)
WRITTEN = (
    AuditLog,
    HourEntry,
    BatchLine,
    ImportBatch,
    Participant,
    Contract,
    Operation,
    User,
    Organisation,
)  # in an order that deletes rows before those they refer to
CLERKS = ("concurrent-1@example.fr", "concurrent-2@example.fr")
# The app's own sessions, one per request, as before the test fixture puts its own in their place.
REQUEST_SESSIONS = db.session


@pytest.fixture
def engine(app) -> Iterator[sa.Engine]:
    """The app's engine (its SQLite settings included) with the test's world committed, and
    everything these tests committed deleted at the end."""
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        marks = {model: session.scalar(sa.select(sa.func.max(model.id))) or 0 for model in WRITTEN}
        _seed(session)
        session.commit()
    yield engine
    with Session(engine) as session:
        session.execute(sa.delete(MonthlyHours).where(MonthlyHours.contract_id > marks[Contract]))
        for model in WRITTEN:
            session.execute(sa.delete(model).where(model.id > marks[model]))
        session.commit()


def _seed(session: Session) -> None:
    for email in CLERKS:
        clerk = User(email=email, full_name="Clerc", role=Role.FACILITATOR)
        clerk.set_password(PASSWORD)
        session.add(clerk)
    buyer = Organisation(name="Acheteur concurrent", kind=OrganisationKind.BUYER)
    contractor = Organisation(name="Entreprise concurrente", kind=OrganisationKind.CONTRACTOR)
    session.add(
        Contract(
            reference=REFERENCE,
            reference_key=Contract.key_of(REFERENCE),
            title="Gros œuvre",
            operation=Operation(name="École", buyer=buyer, commune="Bobigny"),
            contractor=contractor,
            trade="Gros œuvre",
            commune="Bobigny",
            start_date=date(2024, 1, 1),
            end_date=date(2024, 12, 31),
            committed_hours=Decimal(5000),
        )
    )
    for n in range(PEOPLE):
        person = Participant(birth_date=date(1990, 1, 1 + n))
        person.set_name(f"Concurrent{n:02d}", "Awa")
        session.add(person)


def hour_sheet(hours: int, newcomer: bool = False) -> bytes:
    """A CSV file giving every person `hours` in each month: every file has the same keys. A
    newcomer is a person no one registered."""
    lines = ["Référence marché;Nom;Prénom;Date de naissance;Mois;Heures;Type de contrat"]
    if newcomer:
        lines.append(f"{REFERENCE};Nouvelle;Venue;02/03/1991;03/2024;{hours};CDI")
    for n in range(PEOPLE):
        for month in MONTHS:
            birth = date(1990, 1, 1 + n).strftime("%d/%m/%Y")
            lines.append(f"{REFERENCE};Concurrent{n:02d};Awa;{birth};{month:%m/%Y};{hours};CDI")
    return "\n".join(lines).encode()


def commit_file(
    engine: sa.Engine, content: bytes, name: str, started: Callable[[Session], None] | None = None
) -> str:
    """One import on a connection of its own: "committed", or the code it was refused with."""
    with Session(engine) as session:
        if started:
            started(session)
        try:
            import_timesheet(session, content, name, as_of=AS_OF, commit=True)
        except FileAlreadyImported as error:
            return error.code
        session.commit()
        return "committed"


def run_threads(targets: dict[str, Callable[[], str]]) -> dict[str, str]:
    """Each target in a thread of that name, all at once; what each returned."""
    threads, results = start_threads(targets)
    return joined(threads, results)


def start_threads(
    targets: dict[str, Callable[[], str]],
) -> tuple[list[threading.Thread], dict[str, str]]:
    results: dict[str, str] = {}

    def run(name: str, target: Callable[[], str]) -> None:
        results[name] = target()

    threads = [threading.Thread(target=run, args=item, name=item[0]) for item in targets.items()]
    for thread in threads:
        thread.start()
    return threads, results


def joined(threads: list[threading.Thread], results: dict[str, str]) -> dict[str, str]:
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == len(threads), "an import never finished"
    return results


@contextmanager
def hold(
    engine: sa.Engine,
    threads: set[str],
    statement: Callable[[str], bool],
    until: Callable[[], object],
    after: bool = False,
) -> Iterator[threading.Event]:
    """Hold each named thread at its first statement that `statement` matches (before it runs,
    or just after it), until `until` returns. Yields an event set once the first is held."""
    held = threading.Event()
    done: set[str] = set()

    def hook(_conn: object, _cursor: object, text: str, *_args: object) -> None:
        name = threading.current_thread().name
        if name in threads and name not in done and statement(text):
            done.add(name)
            held.set()
            until()

    event = "after_cursor_execute" if after else "before_cursor_execute"
    sa.event.listen(engine, event, hook)
    try:
        yield held
    finally:
        sa.event.remove(engine, event, hook)


def first_write(text: str) -> bool:
    """A commit's first statement that writes or locks: where its analysis (reads) ends."""
    words = text.upper().split()
    return words[0] in {"INSERT", "UPDATE", "DELETE"} or ("FOR" in words and "UPDATE" in words)


def batch_insert(text: str) -> bool:
    return text.upper().split()[:3] == ["INSERT", "INTO", "IMPORT_BATCH"]


def waiting_for_a_lock(engine: sa.Engine, pid: int | None) -> bool:
    if pid is None:
        return False
    with engine.connect() as monitor:
        state = monitor.scalar(
            sa.text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        )
    return state == "Lock"


def backend_pid(session: Session) -> int:
    return int(session.scalar(sa.text("SELECT pg_backend_pid()")))


# What each entry must hold -------------------------------------------------------------------

Key = tuple[int, int, date, str]
Held = dict[Key, tuple[Decimal, int]]


def held(session: Session, model: type[HourEntry] | type[BatchLine]) -> Held:
    """Hours and batch by key: of each entry, or of each key's line of the latest committed
    batch (batches are numbered in the order of their commits: the latest is the highest)."""
    stmt = (
        sa.select(
            model.contract_id,
            model.participant_id,
            model.month,
            model.employment_type,
            model.hours,
            model.batch_id,
        )
        .join(Contract, Contract.id == model.contract_id)
        .where(Contract.reference == REFERENCE)
    )
    if model is BatchLine:
        stmt = (
            stmt.join(ImportBatch, ImportBatch.id == BatchLine.batch_id)
            .where(ImportBatch.state == BatchState.COMMITTED)
            .order_by(BatchLine.batch_id, BatchLine.id)  # the last one read wins
        )
    return {(c, p, m, t): (hours, batch) for c, p, m, t, hours, batch in session.execute(stmt)}


def committed_files(session: Session) -> list[str]:
    """The names of the committed batches, the latest last."""
    return list(
        session.scalars(
            sa.select(ImportBatch.filename)
            .where(ImportBatch.state == BatchState.COMMITTED)
            .order_by(ImportBatch.id)
        )
    )


def assert_entries_hold_the_latest(
    engine: sa.Engine, hours_of: dict[str, int], newcomer: bool = False
) -> None:
    """Every key holds its latest committed line, which is the latest committed file's."""
    with Session(engine) as session:
        found = held(session, HourEntry)
        assert found == held(session, BatchLine)
        latest = committed_files(session)[-1]
    assert len(found) == PEOPLE * len(MONTHS) + newcomer
    assert {hours for hours, _ in found.values()} == {hours_of[latest]}


def roll_back_latest(engine: sa.Engine) -> None:
    with Session(engine) as session:
        latest = session.scalars(
            sa.select(ImportBatch)
            .where(ImportBatch.state == BatchState.COMMITTED)
            .order_by(ImportBatch.id.desc())
        ).first()
        roll_back_batch(session, latest, None)
        session.commit()


def files(*hours: int) -> dict[str, int]:
    return {f"concurrent-{h}.csv": h for h in hours}


# The same file, N times at once --------------------------------------------------------------


@POSTGRES
def test_the_same_file_committed_n_times_at_once_is_recorded_once(engine):
    """Every import reads and checks first, then all of them write at once: one wins."""
    content, n = hour_sheet(35), 4
    barrier = threading.Barrier(n, timeout=60)
    with hold(engine, {str(i) for i in range(n)}, first_write, barrier.wait):
        results = run_threads(
            {str(i): lambda: commit_file(engine, content, "concurrent-35.csv") for i in range(n)}
        )
    assert sorted(results.values()) == ["committed"] + ["file_already_imported"] * (n - 1)
    with Session(engine) as session:
        assert committed_files(session) == ["concurrent-35.csv"]
    assert_entries_hold_the_latest(engine, files(35))


# Different files with shared keys ------------------------------------------------------------


@POSTGRES
@pytest.mark.parametrize("newcomer", [False, True], ids=["known people", "a newcomer in both"])
def test_an_upload_that_started_first_and_commits_last_wins(engine, newcomer):
    """X reads first; Y starts later and commits first; X commits last: its hours hold. A
    person new to both files is created by Y, and X's hours go to that person."""
    sent = files(10, 20)
    y_done = threading.Event()
    with hold(engine, {"X"}, first_write, lambda: y_done.wait(60)) as x_held:

        def y() -> str:
            x_held.wait(60)
            try:
                return commit_file(engine, hour_sheet(20, newcomer), "concurrent-20.csv")
            finally:
                y_done.set()

        results = run_threads(
            {
                "X": lambda: commit_file(engine, hour_sheet(10, newcomer), "concurrent-10.csv"),
                "Y": y,
            }
        )
    assert results == {"X": "committed", "Y": "committed"}
    with Session(engine) as session:
        assert committed_files(session) == ["concurrent-20.csv", "concurrent-10.csv"]
    assert_entries_hold_the_latest(engine, sent, newcomer=newcomer)
    roll_back_latest(engine)
    assert_entries_hold_the_latest(engine, sent, newcomer=newcomer)  # Y's hours are back
    with Session(engine) as session:
        venues = session.scalars(sa.select(Participant).where(Participant.last_name == "Nouvelle"))
        assert len(venues.all()) == newcomer  # created by Y, found again by X


@POSTGRES
def test_a_batch_numbered_first_never_overwrites_a_later_commit(engine):
    """X holds its batch while Y, which started later, runs to its end (or waits for X): the
    entries hold the hours of the batch committed last, and the rollback agrees."""
    sent = files(5, 10, 20)
    assert commit_file(engine, hour_sheet(5), "concurrent-5.csv") == "committed"
    y_pid: dict[str, int] = {}
    y_done = threading.Event()

    def x_waits() -> None:
        deadline = time.monotonic() + 60
        while not (y_done.is_set() or waiting_for_a_lock(engine, y_pid.get("pid"))):
            assert time.monotonic() < deadline, "Y neither finished nor waited"
            time.sleep(0.05)

    with hold(engine, {"X"}, batch_insert, x_waits, after=True) as x_held:

        def y() -> str:
            x_held.wait(60)
            try:
                return commit_file(
                    engine,
                    hour_sheet(20),
                    "concurrent-20.csv",
                    started=lambda s: y_pid.update(pid=backend_pid(s)),
                )
            finally:
                y_done.set()

        results = run_threads(
            {"X": lambda: commit_file(engine, hour_sheet(10), "concurrent-10.csv"), "Y": y}
        )
    assert results == {"X": "committed", "Y": "committed"}
    assert_entries_hold_the_latest(engine, sent)
    roll_back_latest(engine)
    assert_entries_hold_the_latest(engine, sent)
    roll_back_latest(engine)
    assert_entries_hold_the_latest(engine, sent)  # back to the first file's


@POSTGRES
def test_n_files_with_shared_keys_committed_at_once(engine):
    sent = files(11, 12, 13, 14)
    barrier = threading.Barrier(len(sent), timeout=60)
    with hold(engine, set(sent), first_write, barrier.wait):
        results = run_threads(
            {
                name: (lambda h=h, name=name: commit_file(engine, hour_sheet(h), name))
                for name, h in sent.items()
            }
        )
    assert set(results.values()) == {"committed"}
    assert_entries_hold_the_latest(engine, sent)
    roll_back_latest(engine)
    assert_entries_hold_the_latest(engine, sent)


@POSTGRES
def test_a_batch_rolled_back_by_two_at_once_is_rolled_back_once(engine):
    sent = files(10, 20)
    for name, hours in sent.items():
        assert commit_file(engine, hour_sheet(hours), name) == "committed"
    with Session(engine) as session:
        latest = session.scalars(sa.select(ImportBatch.id).order_by(ImportBatch.id.desc())).first()

    def roll_back() -> str:
        with Session(engine) as session:
            try:
                roll_back_batch(session, session.get_one(ImportBatch, latest), None)
            except BatchAlreadyRolledBack as error:
                return error.code
            session.commit()
            return "rolled back"

    barrier = threading.Barrier(2, timeout=60)
    with hold(engine, {"1", "2"}, first_write, barrier.wait):
        results = run_threads({"1": roll_back, "2": roll_back})
    assert sorted(results.values()) == ["batch_already_rolled_back", "rolled back"]
    assert_entries_hold_the_latest(engine, sent)
    with Session(engine) as session:
        events = session.scalars(
            sa.select(AuditLog).where(
                AuditLog.action == "rollback", AuditLog.object_id == str(latest)
            )
        ).all()
    assert len(events) == 1


# The command line, on SQLite and PostgreSQL --------------------------------------------------


def test_the_same_file_sent_by_n_command_lines_at_once_is_recorded_once(app, engine, tmp_path):
    """N `import-timesheet --commit` processes of one file, let go together: one records it,
    the others answer file_already_imported (exit 2), none a traceback."""
    path = tmp_path / "concurrent-35.csv"
    path.write_bytes(hour_sheet(35))
    env = {
        **os.environ,
        "CLAUSES_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CLAUSES_SECRET_KEY": "concurrency-test",
    }
    command = [
        str(Path(sys.executable).parent / "clauses"),
        "import-timesheet",
        str(path),
        "--as-of",
        AS_OF.isoformat(),
        "--commit",
        "--json",
    ]
    n = 3
    with gate(engine) as let_go:
        processes = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(n)
        ]
        let_go(n, lambda: sum(process.poll() is not None for process in processes))
    outputs = [process.communicate(timeout=120) for process in processes]
    answers = sorted(
        (process.returncode, _outcome(out))
        for process, (out, _) in zip(processes, outputs, strict=True)
    )
    assert answers == [(0, "committed")] + [(2, "file_already_imported")] * (n - 1), outputs
    assert all(b"Traceback" not in err for _, err in outputs)
    with Session(engine) as session:
        assert committed_files(session) == ["concurrent-35.csv"]
    assert_entries_hold_the_latest(engine, files(35))


def _outcome(output: bytes) -> str:
    """ "committed", the error's code, or what the process printed instead of JSON."""
    if not output.startswith(b"{"):
        return output.decode()
    answer = json.loads(output)
    return answer["error"]["code"] if "error" in answer else "committed" * answer["committed"]


@contextmanager
def gate(engine: sa.Engine) -> Iterator[Callable[[int, Callable[[], int]], None]]:
    """Keep every writer out while the imports start, read and check, then let them go together:
    let_go(n, finished) waits until the n imports have finished or wait for the gate.
    PostgreSQL: a table lock they all end up waiting for, counted. SQLite: its write lock, held
    a few seconds (an import waiting for it cannot be seen)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        transaction = connection.begin()
        if postgres:
            connection.execute(sa.text("LOCK TABLE import_batch IN EXCLUSIVE MODE"))
        else:  # a first statement that writes takes the write lock
            connection.execute(sa.text("DELETE FROM import_batch WHERE 1 = 0"))

        def let_go(n: int, finished: Callable[[], int]) -> None:
            deadline = time.monotonic() + (60 if postgres else 6)
            while time.monotonic() < deadline:
                if finished() + (_waiting_for_locks(engine) if postgres else 0) >= n:
                    break
                time.sleep(0.1)
            transaction.rollback()

        yield let_go


def _waiting_for_locks(engine: sa.Engine) -> int:
    with engine.connect() as monitor:
        return int(
            monitor.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
        )


# The web: two people confirm the same file at once -------------------------------------------


def test_the_same_file_confirmed_by_two_people_at_once_is_recorded_once(app, engine, monkeypatch):
    """Each request on its own session, as in production: one records the file, the other is
    told it was already imported; on SQLite the second waits for the first instead of failing
    with "database is locked"."""
    monkeypatch.setattr(db, "session", REQUEST_SESSIONS)
    content = hour_sheet(35)
    # Both have seen the preview, then the gate closes, then both confirm.
    previewed, gated = (threading.Barrier(len(CLERKS) + 1, timeout=60) for _ in range(2))

    def confirm_as(email: str) -> Callable[[], str]:
        client = app.test_client()
        login(client, SimpleNamespace(email=email))  # one at a time: signing in writes too

        def confirm() -> str:
            preview_url = upload(client, content, "concurrent-35.csv").headers["Location"]
            token = csrf_token(client, preview_url)  # the preview, as its reader sees it
            previewed.wait()
            gated.wait()
            landing = client.post(f"{preview_url}/confirm", data={"csrf_token": token})
            if landing.headers["Location"].rstrip("/").split("/")[-1].isdigit():
                return "committed"
            return page_text(client.get(landing.headers["Location"]))

        return confirm

    threads, results = start_threads({email: confirm_as(email) for email in CLERKS})
    previewed.wait()
    with gate(engine) as let_go:
        gated.wait()
        let_go(len(CLERKS), lambda: sum(not thread.is_alive() for thread in threads))
    answers = sorted(joined(threads, results).values(), key=lambda answer: answer != "committed")
    assert answers[0] == "committed"
    assert "déjà été importé" in answers[1]
    with Session(engine) as session:
        assert committed_files(session) == ["concurrent-35.csv"]
