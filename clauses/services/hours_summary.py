"""Keeping monthly_hours (hours per contract and month, validated / pending) in step with the
hour entries and the participants' eligibility, in the caller's transaction."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.models import HourEntry, MonthlyHours, Participant

CHUNK = 500


def refresh(session: Session, contract_ids: Iterable[int]) -> None:
    """Recompute the summary of these contracts from their hour entries."""
    ids = sorted(set(contract_ids))
    validated = Participant.eligibility_validated_on.is_not(None)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(sa.delete(MonthlyHours).where(MonthlyHours.contract_id.in_(chunk)))
        totals = (
            sa.select(
                HourEntry.contract_id,
                HourEntry.month,
                sa.func.sum(sa.case((validated, HourEntry.hours), else_=0)),
                sa.func.sum(sa.case((validated, 0), else_=HourEntry.hours)),
            )
            .join(Participant, Participant.id == HourEntry.participant_id)
            .where(HourEntry.contract_id.in_(chunk))
            .group_by(HourEntry.contract_id, HourEntry.month)
        )
        session.execute(
            sa.insert(MonthlyHours).from_select(
                ["contract_id", "month", "validated_hours", "pending_hours"], totals
            )
        )


def refresh_for_participants(session: Session, participant_ids: Iterable[int]) -> None:
    """After a change of eligibility: the contracts these people have hours on."""
    ids = sorted(set(participant_ids))
    contracts: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        contracts.update(
            session.scalars(
                sa.select(HourEntry.contract_id)
                .where(HourEntry.participant_id.in_(ids[start : start + CHUNK]))
                .distinct()
            )
        )
    refresh(session, contracts)


def refresh_all(session: Session) -> None:
    refresh(session, session.scalars(sa.select(HourEntry.contract_id).distinct()))
