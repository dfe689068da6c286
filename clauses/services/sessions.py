"""Signing in and out: credentials checked in constant time whatever the e-mail, failures
counted per account and address, every step audited, sessions ended for real."""

import math
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from clauses import clock
from clauses.errors import SignInDelayed
from clauses.models import AuditLog, User
from clauses.models.base import utcnow
from clauses.rules import sign_in
from clauses.services import audit


@cache
def _dummy_hash() -> str:
    """Checked when the e-mail is unknown, so timing does not reveal which accounts exist."""
    return generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str, *, address: str) -> User | None:
    """The account these credentials open from this address, else None; SignInDelayed, even
    with the right password, while the account has failed too often from this address."""
    email = email.strip().lower()
    user = session.scalar(sa.select(User).where(User.email == email))
    _check_not_delayed(session, user, email, address)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        audit.record(session, None, "login_failed", "user", None, email=email, address=address)
        return None
    if not user.check_password(password) or not user.is_active:
        audit.record(session, None, "login_failed", "user", user.id, email=email, address=address)
        return None
    user.last_login_at = utcnow()
    audit.record(session, user, "login", "user", user.id, address=address)
    return user


def _check_not_delayed(session: Session, user: User | None, email: str, address: str) -> None:
    """Counted from the failed sign-ins of the audit log, so that every worker agrees. The
    refusal is audited too (but is no failure: it does not lengthen the delay)."""
    now = clock.now()
    failures = session.scalars(
        sa.select(AuditLog.at).where(
            AuditLog.action == "login_failed",
            AuditLog.at > now - sign_in.WINDOW,
            AuditLog.details["email"].as_string() == email,
            AuditLog.details["address"].as_string() == address,
        )
    )
    # SQLite gives back its times without their zone: they are UTC.
    until = sign_in.delayed_until((clock.as_utc(at) for at in failures), now)
    if until is None:
        return
    account = user.id if user is not None else None
    audit.record(session, None, "login_delayed", "user", account, email=email, address=address)
    raise SignInDelayed(minutes=max(1, math.ceil((until - now).total_seconds() / 60)))


def logout(session: Session, user: User) -> None:
    """Signing out ends the account's sessions: the cookies of this browser, even copied
    elsewhere, open nothing any more (and neither do the other devices' ones)."""
    user.end_sessions()
    audit.record(session, user, "logout", "user", user.id)


def logout_everywhere(session: Session, user: User) -> None:
    user.end_sessions()
    audit.record(session, user, "logout_everywhere", "user", user.id)
