"""The audit trail: one event per change a person makes, in the same transaction as the change."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from clauses.models import AuditLog, Operation, Organisation, User
from clauses.services.listing import Page, paginate


def record(
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object = None,
    **details: Any,
) -> AuditLog:
    event = AuditLog(
        user_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
    )
    session.add(event)
    return event


# The reads of personal data (services/reads.py): in the log, not in a record's history of changes.
READS = ("participant_viewed", "batch_file_downloaded", "candidates_viewed")


def history(session: Session, object_type: str, object_id: int, limit: int = 20) -> list[AuditLog]:
    """The latest changes of one record, newest first, with their users."""
    return list(
        session.scalars(
            sa.select(AuditLog)
            .options(selectinload(AuditLog.user))
            .where(AuditLog.object_type == object_type, AuditLog.object_id == str(object_id))
            .where(AuditLog.action.not_in(READS))
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(limit)
        )
    )


def record_update(
    session: Session,
    actor: User | None,
    object_type: str,
    object_id: object,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    with_values: bool = True,
    **details: Any,
) -> bool:
    """One shape for every edit: an "update" event naming the fields that changed, with their
    values before and after (JSON values, compared as such) unless they are personal data,
    which the log would keep past their purge. Nothing when nothing changed; returns whether
    anything did."""
    fields = [key for key in after if before.get(key) != after[key]]
    if not fields:
        return False
    if with_values:
        details["before"] = {key: before.get(key) for key in fields}
        details["after"] = {key: after[key] for key in fields}
    record(session, actor, "update", object_type, object_id, fields=fields, **details)
    return True


# The audit log page (administrators only).


@dataclass(frozen=True)
class EventFilters:
    action: str | None = None
    object_type: str | None = None
    user_id: int | None = None
    # Events with no account: the command line, and sign-in attempts with a wrong password.
    without_user: bool = False


def events_page(session: Session, filters: EventFilters, number: int, size: int) -> Page[AuditLog]:
    """Newest first, each event's user loaded with the page (two queries, not one per row)."""
    stmt = sa.select(AuditLog).options(selectinload(AuditLog.user))
    if filters.action:
        stmt = stmt.where(AuditLog.action == filters.action)
    if filters.object_type:
        stmt = stmt.where(AuditLog.object_type == filters.object_type)
    if filters.without_user:
        stmt = stmt.where(AuditLog.user_id.is_(None))
    elif filters.user_id is not None:
        stmt = stmt.where(AuditLog.user_id == filters.user_id)
    return paginate(session, stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()), number, size)


def recorded_values(session: Session, column: InstrumentedAttribute[str]) -> list[str]:
    """The distinct actions (or object types) found in the log, for the page's filters."""
    return list(session.scalars(sa.select(column).distinct().order_by(column)))


def actors(session: Session) -> list[User]:
    """The accounts that appear in the log."""
    recorded = sa.select(AuditLog.user_id).where(AuditLog.user_id.is_not(None)).distinct()
    return list(session.scalars(sa.select(User).where(User.id.in_(recorded)).order_by(User.email)))


# Details that name an organisation or an operation by its id (an export's filters, a new
# operation's buyer).
NAMED_BY_ID: dict[str, type[Organisation | Operation]] = {
    "buyer_id": Organisation,
    "contractor_id": Organisation,
    "operation_id": Operation,
}


def referenced_names(session: Session, events: Iterable[AuditLog]) -> dict[tuple[str, int], str]:
    """The names the events' details give by id, keyed by (detail, id): two queries a page."""
    wanted: dict[type[Organisation | Operation], set[int]] = {Organisation: set(), Operation: set()}
    for event in events:
        details = event.details or {}
        for values in (details, details.get("filters") or {}):
            for key, model in NAMED_BY_ID.items():
                if isinstance(values.get(key), int):
                    wanted[model].add(values[key])
    found = {
        model: {
            id_: name
            for id_, name in session.execute(
                sa.select(model.id, model.name).where(model.id.in_(ids))
            )
        }
        for model, ids in wanted.items()
        if ids
    }
    return {
        (key, id_): name
        for key, model in NAMED_BY_ID.items()
        for id_, name in found.get(model, {}).items()
    }
