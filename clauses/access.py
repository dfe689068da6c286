"""What each role may see and do. Every query behind a page or an export starts here.

admin, facilitator: everything. buyer: the contracts of its organisation's operations, and no
participant at all. contractor: its own contracts, and participants only by name on its own
rows. Anything out of scope is a 404, so nothing reveals that it exists.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from clauses.extensions import db, login_manager
from clauses.models import Contract, HourEntry, ImportBatch, Operation, Participant, Role, User

F = TypeVar("F", bound=Callable[..., Any])

CLAUSE_TEAM = (Role.ADMIN, Role.FACILITATOR)


def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def user() -> User:
    return cast(User, current_user._get_current_object())


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Logged in with one of these roles, else 403 (login page when not logged in)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def contracts_of(viewer: User) -> sa.Select[Contract]:
    stmt = sa.select(Contract)
    if viewer.role in CLAUSE_TEAM:
        return stmt
    if viewer.role is Role.BUYER:
        return stmt.join(Contract.operation).where(Operation.buyer_id == viewer.organisation_id)
    return stmt.where(Contract.contractor_id == viewer.organisation_id)


def contract_for(viewer: User, contract_id: int) -> Contract:
    contract = db.session.scalar(contracts_of(viewer).where(Contract.id == contract_id))
    if contract is None:
        abort(404)
    return contract


def participants_of(viewer: User) -> sa.Select[Participant]:
    """Buyers see no one; contractors only the people with hours on their own contracts."""
    stmt = sa.select(Participant)
    if viewer.role in CLAUSE_TEAM:
        return stmt
    if viewer.role is Role.CONTRACTOR:
        own_rows = (
            sa.select(HourEntry.participant_id)
            .join(HourEntry.contract)
            .where(Contract.contractor_id == viewer.organisation_id)
        )
        return stmt.where(Participant.id.in_(own_rows))
    return stmt.where(sa.false())


def participant_for(viewer: User, participant_id: int) -> Participant:
    participant = db.session.scalar(participants_of(viewer).where(Participant.id == participant_id))
    if participant is None:
        abort(404)
    return participant


def batches_of(viewer: User) -> sa.Select[ImportBatch]:
    """Import batches: the clause team sees all, a contractor those sent for it, a buyer none."""
    stmt = sa.select(ImportBatch)
    if viewer.role in CLAUSE_TEAM:
        return stmt
    if viewer.role is Role.CONTRACTOR:
        return stmt.where(ImportBatch.contractor_id == viewer.organisation_id)
    return stmt.where(sa.false())


def batch_for(viewer: User, batch_id: int) -> ImportBatch:
    batch = db.session.scalar(batches_of(viewer).where(ImportBatch.id == batch_id))
    if batch is None:
        abort(404)
    return batch


def upload_scope(viewer: User) -> int | None:
    """The contractor whose contracts an upload may name (None: any, for the clause team)."""
    return None if viewer.role in CLAUSE_TEAM else viewer.organisation_id


def can_edit_reference_data(viewer: User) -> bool:
    """Contracts and participants are kept by the clause team."""
    return viewer.role in CLAUSE_TEAM


# "Nothing to report" for a month is the contractor's word, or the clause team's on its behalf.
DECLARERS = (*CLAUSE_TEAM, Role.CONTRACTOR)


def can_declare_no_hours(viewer: User) -> bool:
    return viewer.role in DECLARERS


def can_manage_users(viewer: User) -> bool:
    return viewer.role is Role.ADMIN
