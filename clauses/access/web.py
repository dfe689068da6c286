"""The policy on the web: the signed-in user, route guards named by permission, records of the
user's scope or 404, and the permissions templates ask (`may.roll_back(batch)`)."""

import hmac
from collections.abc import Callable
from functools import partial, wraps
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import abort, current_app, request
from flask_login import current_user, login_user
from flask_login.config import COOKIE_NAME

from clauses.access import policy
from clauses.extensions import db, login_manager
from clauses.forms.fields import MAX_ID
from clauses.models import Contract, ImportBatch, JobOffer, Participant, Placement, User

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")
Permission = Callable[[policy.Who], bool]


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader, from the session or the remember-me cookie: "id:token"
    (User.get_id). A cookie with another token than the account's (its sessions ended since),
    or with the bare number of the cookies made before tokens, loads nobody; a deactivated
    account is signed out at its next click."""
    number, _, token = user_id.partition(":")
    if not number.isdigit() or not token or int(number) > MAX_ID:
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.is_active:
        return None
    return user if hmac.compare_digest(user.session_token.encode(), token.encode()) else None


def stay_signed_in(user: User) -> None:
    """After the user's own new password ended their sessions, this browser goes on with the new
    token (and a new remember-me cookie if it had one); every other device is signed out."""
    had_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
    login_user(user, remember=had_cookie)


def user() -> User:
    return cast(User, current_user._get_current_object())


def requires(permission: Permission | None = None) -> Callable[[F], F]:
    """Signed in (else the login page) and, if given, granted the permission (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if permission is not None and not permission(user()):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


signed_in = requires()


def _in_scope_or_404(scope: sa.Select[R], column: Any, record_id: int) -> R:
    found = db.session.scalar(scope.where(column == record_id))
    if found is None:
        abort(404)
    return found


def contract_or_404(contract_id: int) -> Contract:
    return _in_scope_or_404(policy.contracts_of(user()), Contract.id, contract_id)


def participant_or_404(participant_id: int) -> Participant:
    return _in_scope_or_404(policy.participants_of(user()), Participant.id, participant_id)


def batch_or_404(batch_id: int) -> ImportBatch:
    return _in_scope_or_404(policy.batches_of(user()), ImportBatch.id, batch_id)


def placement_or_404(placement_id: int) -> Placement:
    return _in_scope_or_404(policy.placements_of(user()), Placement.id, placement_id)


def job_offer_or_404(offer_id: int) -> JobOffer:
    return _in_scope_or_404(policy.job_offers_of(user()), JobOffer.id, offer_id)


# What templates may ask, by the name they use.
TEMPLATE_PERMISSIONS: dict[str, Callable[..., bool]] = {
    "roll_back": policy.can_roll_back,
    "pick_date": policy.may_pick_date,
    "see_personal_data": policy.sees_personal_data,
    "edit_reference_data": policy.can_edit_reference_data,
    "declare_no_hours": policy.can_declare_no_hours,
    "administer": policy.can_administer,
    "list_buyers": policy.lists_buyers,
    "list_contractors": policy.lists_contractors,
    "see_contact_details": policy.sees_contact_details,
    "follow_placements": policy.can_follow_placements,
    "propose": policy.can_propose,
    "see_candidates": policy.can_see_candidates,
    "see_placements": policy.sees_placements,
    "declare_job_offers": policy.can_declare_job_offers,
    "move_placement": policy.can_move_placement,
}


def permissions() -> dict[str, Callable[..., bool]]:
    """The signed-in user's permissions, for templates: `may.roll_back(batch)` asks
    policy.can_roll_back(current_user, batch). Empty when nobody is signed in."""
    if not current_user.is_authenticated:
        return {}
    who = user()
    return {name: partial(check, who) for name, check in TEMPLATE_PERMISSIONS.items()}
