"""Brute force (issue 13, defect 5): failed sign-ins are limited per address (Flask-Limiter,
failures only), and one account failing too often from one address delays that pair, counted
from the audit log; never the account for everyone."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clauses.models import AuditLog
from clauses.rules.sign_in import FAILURES_BEFORE_DELAY
from tests.conftest import PASSWORD, another_app, csrf_token, page_text

ATTACKER = "127.0.0.2"
ELSEWHERE = "127.0.0.3"


def sign_in(app, email, password, *, address="127.0.0.1", lang=None):
    """One attempt from a new browser at this address: the response."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if lang:
        token = csrf_token(client, "/login")
        client.post("/language", data={"lang": lang, "csrf_token": token})
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def limited(app):
    """The app with its limits on, as in production (the test suite turns them off)."""
    with another_app(app.config["DATABASE_URL"], RATELIMIT_ENABLED=True) as limited:
        yield limited


def fail(app, count, *, address=ATTACKER, email=None):
    """`count` failed sign-ins from the address, to as many unknown accounts unless given one
    (so that no account's own delay comes first): their statuses."""
    return [
        sign_in(app, email or f"nobody{n}@example.fr", "wrong", address=address).status_code
        for n in range(count)
    ]


def test_the_31st_failed_sign_in_in_a_minute_from_one_address_gets_429(limited, world):
    assert fail(limited, 30) == [200] * 30
    refused = sign_in(limited, "nobody@example.fr", "wrong", address=ATTACKER)
    assert refused.status_code == 429
    text = page_text(refused)
    assert "Trop de tentatives" in text
    assert "Traceback" not in text
    # The address is refused even with the right password; another address signs in.
    assert sign_in(limited, world.buyer.email, PASSWORD, address=ATTACKER).status_code == 429
    assert sign_in(limited, world.buyer.email, PASSWORD, address=ELSEWHERE).status_code == 302


def test_the_429_page_speaks_the_users_language(limited, world):
    fail(limited, 30)
    refused = sign_in(limited, "nobody@example.fr", "wrong", address=ATTACKER, lang="en")
    assert refused.status_code == 429
    assert "Too many attempts" in page_text(refused)


def test_successful_sign_ins_do_not_count(limited, world):
    statuses = {sign_in(limited, world.buyer.email, PASSWORD).status_code for _ in range(35)}
    assert statuses == {302}


def test_the_setting_turns_the_limits_off(app, world):
    assert app.config["RATELIMIT_ENABLED"] is False
    assert set(fail(app, 35)) == {200}


def test_the_eleventh_failure_for_one_account_delays_that_pair_only(app, world, db_session):
    buyer = world.buyer.email
    assert fail(app, FAILURES_BEFORE_DELAY, email=buyer) == [200] * FAILURES_BEFORE_DELAY
    delayed = sign_in(app, buyer, PASSWORD, address=ATTACKER)  # even the right password
    assert delayed.status_code == 429
    assert "Trop de tentatives de connexion à ce compte" in page_text(delayed)
    assert "réessayez dans 15 minutes" in page_text(delayed)
    # Never the account for everyone, nor the address for other accounts.
    assert sign_in(app, buyer, PASSWORD, address=ELSEWHERE).status_code == 302
    assert sign_in(app, world.contractor.email, PASSWORD, address=ATTACKER).status_code == 302


def test_each_delay_is_audited_with_the_address(app, world, db_session):
    fail(app, FAILURES_BEFORE_DELAY, email=world.buyer.email)
    sign_in(app, world.buyer.email, PASSWORD, address=ATTACKER)
    sign_in(app, world.buyer.email, "wrong", address=ATTACKER)
    events = db_session.scalars(
        sa.select(AuditLog).where(AuditLog.action.in_(["login_failed", "login_delayed"]))
    ).all()
    failed = [e for e in events if e.action == "login_failed"]
    delayed = [e for e in events if e.action == "login_delayed"]
    assert len(failed) == FAILURES_BEFORE_DELAY  # a refusal is no failure: it adds no delay
    assert {e.details["address"] for e in failed} == {ATTACKER}
    assert len(delayed) == 2
    assert {(e.object_id, e.details["email"], e.details["address"]) for e in delayed} == {
        (str(world.buyer.id), world.buyer.email, ATTACKER)
    }


def test_the_delay_ends_when_the_failures_leave_the_window(app, world, db_session):
    fail(app, FAILURES_BEFORE_DELAY, email=world.buyer.email)
    assert sign_in(app, world.buyer.email, PASSWORD, address=ATTACKER).status_code == 429
    db_session.execute(
        sa.update(AuditLog)
        .where(AuditLog.action == "login_failed")
        .values(at=AuditLog.at - timedelta(minutes=15))
    )
    assert sign_in(app, world.buyer.email, PASSWORD, address=ATTACKER).status_code == 302


@pytest.mark.parametrize(("proxies", "recorded"), [(0, "127.0.0.1"), (1, "127.0.0.9")])
def test_behind_a_proxy_the_address_is_the_clients(app, db_session, proxies, recorded):
    with another_app(app.config["DATABASE_URL"], PROXIES=proxies) as proxied:
        client = proxied.test_client()
        token = csrf_token(client, "/login")
        client.post(
            "/login",
            data={"email": "nobody@example.fr", "password": "wrong", "csrf_token": token},
            headers={"X-Forwarded-For": "127.0.0.9"},
        )
    event = db_session.scalars(sa.select(AuditLog).where(AuditLog.action == "login_failed")).one()
    assert event.details["address"] == recorded
