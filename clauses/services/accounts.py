"""User accounts: creation and update, organisations found by SIRET or exact name."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.errors import InvalidValue, NotFound
from clauses.models import Organisation, Role, User
from clauses.services import audit

MIN_PASSWORD_LENGTH = 10


def find_organisation(session: Session, ref: str) -> Organisation:
    """By SIRET (spaces allowed) or else by exact name."""
    compact = ref.replace(" ", "")
    org = None
    if compact.isdigit():
        org = session.scalar(sa.select(Organisation).where(Organisation.siret == compact))
    if org is None:
        org = session.scalar(sa.select(Organisation).where(Organisation.name == ref.strip()))
    if org is None:
        raise NotFound(f"No organisation has the SIRET or the name {ref!r}.")
    return org


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def save_user(
    session: Session,
    *,
    actor: User | None,
    email: str,
    role: Role,
    organisation_ref: str | None,
    password: str | None,
    full_name: str = "",
) -> User:
    """Create the account for this e-mail, or update it; audited either way."""
    email = email.strip().lower()
    organisation = find_organisation(session, organisation_ref) if organisation_ref else None
    if role in (Role.BUYER, Role.CONTRACTOR) and organisation is None:
        raise InvalidValue(f"A {role.value} account needs an organisation (--organisation).")
    user = session.scalar(sa.select(User).where(User.email == email))
    created = user is None
    if user is None:
        if not password:
            raise InvalidValue("A new account needs a password.")
        user = User(email=email)
        session.add(user)
    user.role = role
    user.organisation = organisation
    if full_name:
        user.full_name = full_name
    if password:
        check_password_strength(password)
        user.set_password(password)
    session.flush()
    audit.record(
        session,
        actor,
        "create" if created else "update",
        "user",
        user.id,
        email=email,
        role=role.value,
        organisation=organisation.name if organisation else None,
        password_changed=bool(password),
    )
    return user
