"""Signing in: credentials checked in constant time whatever the e-mail, audited."""

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from clauses.models import User
from clauses.models.base import utcnow
from clauses.services import audit


@cache
def _dummy_hash() -> str:
    """Checked when the e-mail is unknown, so timing does not reveal which accounts exist."""
    return generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        audit.record(session, None, "login_failed", "user", None, email=email.strip().lower())
        return None
    if not user.check_password(password) or not user.is_active:
        audit.record(session, None, "login_failed", "user", user.id, email=user.email)
        return None
    user.last_login_at = utcnow()
    audit.record(session, user, "login", "user", user.id)
    return user


def logout(session: Session, user: User) -> None:
    audit.record(session, user, "logout", "user", user.id)
