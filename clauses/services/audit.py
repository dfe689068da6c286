"""The audit trail: one event per change a person makes, in the same transaction as the change."""

from typing import Any

from sqlalchemy.orm import Session

from clauses.models import AuditLog, User


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
