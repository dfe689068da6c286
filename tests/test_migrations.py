"""Migrations on a database of their own, upgraded step by step over data as the earlier
versions of the app could leave it."""

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from clauses import create_app
from clauses.extensions import db
from tests.conftest import own_database

BEFORE_UNIQUE_FILES = "bd901be5379e"


@pytest.fixture
def migrating(tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database of its own, inside its app context."""
    for url in own_database(tmp_path, purpose="migrations"):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "DATABASE_URL": url,
                "SQLALCHEMY_DATABASE_URI": url,
            }
        )
        with app.app_context():
            yield app
            db.engine.dispose()


def insert(connection: sa.Connection, table: str, **values: object) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    return connection.execute(
        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"), values
    ).scalar_one()


NOW = "2024-04-08 10:00:00"


def seed_as_the_old_imports_left_it(connection: sa.Connection) -> dict[str, int]:
    """Batch 1 and its duplicate 2 (one file committed twice at once); 3 and 4 two corrections
    of a key, where 3 committed last though numbered first (its entry holds 3's hours); 5 a
    rolled-back copy of the first file."""
    contract = _contract(connection)
    people = {
        name: _person(connection, name, validated)
        for name, validated in (("DIOP", date(2024, 1, 15)), ("SOW", None), ("BA", None))
    }
    batches = {
        number: _batch(connection, number, sha, state)
        for number, sha, state in (
            (1, "a", "committed"),
            (2, "a", "committed"),
            (3, "b", "committed"),
            (4, "c", "committed"),
            (5, "a", "rolled_back"),
        )
    }
    lines = [
        (1, "DIOP", 1, 10),
        (1, "SOW", 1, 20),
        (2, "DIOP", 1, 10),
        (2, "SOW", 1, 20),
        (2, "BA", 1, 7),
        (3, "DIOP", 2, 30),
        (4, "DIOP", 2, 40),
        (5, "BA", 3, 5),
    ]
    entries = [(2, "DIOP", 1, 10), (2, "SOW", 1, 20), (2, "BA", 1, 7), (3, "DIOP", 2, 30)]
    for table, rows in (("batch_line", lines), ("hour_entry", entries)):
        for row, (batch, person, month, hours) in enumerate(rows, start=2):
            key = {
                "contract_id": contract,
                "participant_id": people[person],
                "month": date(2024, month, 1),
                "employment_type": "cdi",
            }
            more = {"sheet": "csv", "row": row} if table == "batch_line" else {"updated_at": NOW}
            insert(
                connection,
                table,
                **key,
                **more,
                employment_type_text="",
                employer="",
                hours=hours,
                batch_id=batches[batch],
            )
    return {"contract": contract, **people, **{str(n): batch for n, batch in batches.items()}}


def _contract(connection: sa.Connection) -> int:
    buyer = insert(connection, "organisation", name="Acheteur", kind="buyer", created_at=NOW)
    builder = insert(
        connection, "organisation", name="Titulaire", kind="contractor", created_at=NOW
    )
    operation = insert(connection, "operation", name="École", buyer_id=buyer, commune="Bobigny")
    return insert(
        connection,
        "contract",
        reference="M-1",
        reference_key="M-1",
        title="Lot 1",
        operation_id=operation,
        contractor_id=builder,
        trade="Gros œuvre",
        commune="Bobigny",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        committed_hours=1000,
        created_at=NOW,
        updated_at=NOW,
    )


def _person(connection: sa.Connection, name: str, validated: date | None) -> int:
    return insert(
        connection,
        "participant",
        last_name=name,
        first_name="Awa",
        name_key=f"{name} AWA",
        birth_date=date(1990, 1, 1),
        commune="",
        is_qpv=False,
        other_criteria="",
        eligibility_validated_on=validated,
        wanted_trades="",
        is_available=False,
        created_at=NOW,
        updated_at=NOW,
    )


def _batch(connection: sa.Connection, number: int, sha: str, state: str) -> int:
    return insert(
        connection,
        "import_batch",
        filename=f"f{number}.csv",
        content=b"x",
        sha256=sha * 64,
        file_format="csv",
        uploaded_at=NOW,
        as_of=date(2024, 4, 8),
        state=state,
        rows_accepted=1,
        rows_rejected=0,
        rows_skipped=0,
        hours_accepted=1,
        report="{}",
    )


def test_committed_duplicates_and_lost_corrections_are_resolved(migrating):
    upgrade(revision=BEFORE_UNIQUE_FILES)
    with db.engine.begin() as connection:
        ids = seed_as_the_old_imports_left_it(connection)
    upgrade()
    with db.engine.connect() as connection:
        states = dict(connection.execute(sa.text("SELECT id, state FROM import_batch")).all())
        assert states == {
            ids["1"]: "committed",
            ids["2"]: "rolled_back",  # the later of the two commits of one file
            ids["3"]: "committed",
            ids["4"]: "committed",
            ids["5"]: "rolled_back",
        }
        [(object_id, details)] = connection.execute(
            sa.text("SELECT object_id, details FROM audit_log WHERE action = 'rollback'")
        ).all()
        details = details if isinstance(details, dict) else json.loads(details)
        assert (object_id, details["kept_batch"]) == (str(ids["2"]), ids["1"])
        entries = connection.execute(
            sa.text("SELECT participant_id, month, hours, batch_id FROM hour_entry")
        ).all()
        assert sorted((p, str(m)[:10], float(h), b) for p, m, h, b in entries) == sorted(
            [
                (ids["DIOP"], "2024-01-01", 10.0, ids["1"]),
                (ids["SOW"], "2024-01-01", 20.0, ids["1"]),
                (ids["DIOP"], "2024-02-01", 40.0, ids["4"]),  # the latest line, by batch id
            ]
        )  # BA's January hours came from the duplicate only: gone with it
        summary = connection.execute(
            sa.text("SELECT month, validated_hours, pending_hours FROM monthly_hours")
        ).all()
        assert sorted((str(m)[:10], float(v), float(p)) for m, v, p in summary) == [
            ("2024-01-01", 10.0, 20.0),
            ("2024-02-01", 40.0, 0.0),
        ]
    _the_same_bytes_are_committed_once(ids)
    downgrade(revision=BEFORE_UNIQUE_FILES)
    upgrade()


def _the_same_bytes_are_committed_once(ids: dict[str, int]) -> None:
    copy = (
        "INSERT INTO import_batch (filename, content, sha256, file_format, uploaded_at, as_of,"
        " state, rows_accepted, rows_rejected, rows_skipped, hours_accepted, report)"
        " SELECT 'copy.csv', content, sha256, file_format, uploaded_at, as_of, :state,"
        " 0, 0, 0, 0, report FROM import_batch WHERE id = :id"
    )
    with db.engine.begin() as connection:
        connection.execute(sa.text(copy), {"state": "rolled_back", "id": ids["1"]})
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(sa.text(copy), {"state": "committed", "id": ids["1"]})


BEFORE_SESSION_TOKENS = "ebfaadaa2347"


def test_existing_accounts_get_distinct_session_tokens(migrating):
    upgrade(revision=BEFORE_SESSION_TOKENS)
    with db.engine.begin() as connection:
        ids = [
            insert(
                connection,
                "user_account",
                email=f"user{n}@example.fr",
                password_hash="x",
                full_name="",
                role="facilitator",
                is_active=True,
                created_at=NOW,
            )
            for n in range(3)
        ]
    upgrade()
    with db.engine.connect() as connection:
        tokens = dict(
            connection.execute(sa.text("SELECT id, session_token FROM user_account")).all()
        )
    assert set(tokens) == set(ids)
    assert len(set(tokens.values())) == 3
    assert all(len(token) >= 40 for token in tokens.values())
    downgrade(revision=BEFORE_SESSION_TOKENS)
    upgrade()
