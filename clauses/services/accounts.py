"""User accounts: creation and update, organisations found by SIRET or exact name."""

import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session, selectinload

from clauses.access import policy
from clauses.errors import (
    EmailTaken,
    InvalidEmail,
    OrganisationMismatch,
    OrganisationNotFound,
    OrganisationRequired,
    PasswordRequired,
    SelfLockout,
    UnknownOrganisation,
    WeakPassword,
)
from clauses.models import Organisation, Role, User
from clauses.services import audit
from clauses.services.listing import Listing, matching_all, search_terms, sorted_page

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
        raise OrganisationNotFound(ref=ref)
    return org


def check_email(address: str) -> None:
    """The rule of the sign-in form (WTForms' Email: email-validator, no DNS lookup), for every
    account: an address it refuses could never sign in."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(field="email", address=address) from error


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(field="password", minimum=MIN_PASSWORD_LENGTH)


def check_organisation(role: Role, organisation: Organisation | None) -> None:
    """Buyers belong to a buying organisation, contractors to a contractor or an SIAE."""
    kinds = policy.organisation_kinds(role)
    if kinds is None:
        return
    needs = sorted(kinds)
    if organisation is None:
        raise OrganisationRequired(field="organisation_id", kinds=needs)
    if organisation.kind not in kinds:
        raise OrganisationMismatch(field="organisation_id", kinds=needs)


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
    """Create the account for this e-mail, or update it; audited either way (`create-user`)."""
    email = email.strip().lower()
    check_email(email)
    organisation = find_organisation(session, organisation_ref) if organisation_ref else None
    kinds = policy.organisation_kinds(role)
    if kinds is not None and organisation is None:
        raise OrganisationRequired(kinds=sorted(kinds))
    if password:
        check_password_strength(password)
    user = session.scalar(sa.select(User).where(User.email == email))
    created = user is None
    if user is None:
        if not password:
            raise PasswordRequired(field="password")
        user = User(email=email)
        session.add(user)
    user.role = role
    user.organisation = organisation
    if full_name:
        user.full_name = full_name
    if password:
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


# The administration pages' use cases. Each checks every rule before it changes anything, so a
# refused change leaves the session as it was.


def generate_password() -> str:
    """16 random URL-safe characters, shown once to the administrator."""
    return secrets.token_urlsafe(12)


def organisation_by_id(session: Session, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise UnknownOrganisation(field="organisation_id")
    return organisation


def snapshot(user: User) -> dict[str, Any]:
    """What the audit trail keeps of an account: never its password nor its hash."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "organisation": user.organisation.name if user.organisation else None,
        "is_active": user.is_active,
    }


@dataclass(frozen=True)
class NewAccount:
    email: str
    full_name: str
    role: Role
    organisation_id: int | None
    # None: a password is generated, and returned once so the administrator can pass it on.
    password: str | None


def create_account(session: Session, actor: User, new: NewAccount) -> tuple[User, str | None]:
    """The new account, and its password when it was generated (else None)."""
    email = new.email.strip().lower()
    if session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)) is not None:
        raise EmailTaken(field="email")
    organisation = organisation_by_id(session, new.organisation_id)
    check_organisation(new.role, organisation)
    generated = generate_password() if not new.password else None
    password = new.password or generated or ""
    check_password_strength(password)
    user = User(email=email, full_name=new.full_name.strip(), role=new.role, is_active=True)
    user.organisation = organisation
    user.set_password(password)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "user",
        user.id,
        after=snapshot(user),
        password_generated=generated is not None,
    )
    return user, generated


@dataclass(frozen=True)
class AccountChanges:
    full_name: str
    role: Role
    organisation_id: int | None
    is_active: bool


def update_account(session: Session, actor: User, user: User, new: AccountChanges) -> bool:
    """Whether anything changed (an unchanged form writes nothing, not even an audit event)."""
    organisation = organisation_by_id(session, new.organisation_id)
    check_organisation(new.role, organisation)
    check_not_locking_out(actor, user, role=new.role, is_active=new.is_active)
    before = snapshot(user)
    user.full_name = new.full_name.strip()
    user.role = new.role
    user.organisation = organisation
    user.is_active = new.is_active
    return audit.record_update(session, actor, "user", user.id, before, snapshot(user))


def check_not_locking_out(actor: User, user: User, *, role: Role, is_active: bool) -> None:
    """An administrator keeps their own account and role, so the team is never left without one."""
    if actor.id != user.id:
        return
    if not is_active:
        raise SelfLockout(field="is_active", change="deactivate")
    if not policy.can_administer(policy.Actor(role)):
        raise SelfLockout(field="role", change="role")


def remember_locale(user: User, locale: str) -> None:
    """The language the user chose, for their next visits (a preference: not audited)."""
    user.locale = locale


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    """Deactivated accounts cannot sign in, and their open sessions end at their next click."""
    check_not_locking_out(actor, user, role=user.role, is_active=active)
    if user.is_active == active:
        return
    user.is_active = active
    audit.record(
        session,
        actor,
        "reactivate" if active else "deactivate",
        "user",
        user.id,
        before={"is_active": not active},
        after={"is_active": active},
    )


def reset_password(session: Session, actor: User, user: User, password: str | None) -> str | None:
    """Set the given password, or a generated one, which is returned to be shown once."""
    generated = generate_password() if not password else None
    new_password = password or generated or ""
    check_password_strength(new_password)
    user.set_password(new_password)
    audit.record(
        session, actor, "reset_password", "user", user.id, password_generated=bool(generated)
    )
    return generated


@dataclass(frozen=True)
class UserFilters:
    query: str | None = None
    role: Role | None = None
    active: bool | None = None


USER_SORTS: dict[str, Any] = {
    "email": User.email,
    "name": User.full_name,
    "role": User.role,
    "organisation": Organisation.name,
    "last_login": User.last_login_at,
    "created": User.created_at,
}


def users_page(
    session: Session,
    filters: UserFilters,
    *,
    sort: str | None,
    order: str | None,
    page: int,
    size: int,
) -> Listing[User]:
    """A page of accounts, their organisations loaded with them (two queries, not one per row)."""
    stmt = sa.select(User).outerjoin(User.organisation).options(selectinload(User.organisation))
    terms = search_terms(filters.query)
    if terms:
        stmt = stmt.where(matching_all(terms, User.email, User.full_name, Organisation.name))
    if filters.role is not None:
        stmt = stmt.where(User.role == filters.role)
    if filters.active is not None:
        stmt = stmt.where(User.is_active == filters.active)
    return sorted_page(
        session, stmt, USER_SORTS, default="email", sort=sort, order=order, page=page, size=size
    )
