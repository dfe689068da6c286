"""What a user's home page shows: the contracts in their scope and what awaits them."""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from clauses import access
from clauses.models import AuditLog, Contract, Operation, Participant, User


@dataclass(frozen=True)
class Summary:
    contracts: list[Contract]
    contract_count: int
    committed_hours: Decimal
    participant_count: int
    to_verify_count: int
    recent_events: list[AuditLog]


HOME_CONTRACTS = 10


def summary_for(session: Session, viewer: User) -> Summary:
    scoped = access.contracts_of(viewer).subquery()
    count, committed = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(scoped.c.committed_hours), 0))
    ).one()
    contracts = session.scalars(
        access.contracts_of(viewer)
        .options(selectinload(Contract.operation).selectinload(Operation.buyer))
        .options(selectinload(Contract.contractor))
        .order_by(Contract.end_date.desc(), Contract.reference)
        .limit(HOME_CONTRACTS)
    ).all()
    people = access.participants_of(viewer).subquery()
    participant_count = session.scalar(sa.select(sa.func.count()).select_from(people)) or 0
    to_verify = 0
    events: list[AuditLog] = []
    if viewer.sees_personal_data:
        to_verify = (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Participant)
                .where(Participant.eligibility_validated_on.is_(None))
            )
            or 0
        )
        events = list(
            session.scalars(
                sa.select(AuditLog)
                .options(selectinload(AuditLog.user))
                .where(AuditLog.action.not_in(("login", "logout", "login_failed")))
                .order_by(AuditLog.at.desc(), AuditLog.id.desc())
                .limit(10)
            )
        )
    return Summary(list(contracts), count, Decimal(committed), participant_count, to_verify, events)
