"""Keeping monthly_hours (hours per contract and month, validated / pending) and each person's
latest month with hours in step with the hour entries and the participants' eligibility, in the
caller's transaction."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.models import HourEntry, MonthlyHours, Participant

CHUNK = 500


def refresh(
    session: Session, contract_ids: Iterable[int], participant_ids: Iterable[int] = ()
) -> None:
    """Recompute the summary of these contracts from their hour entries, and the latest month
    with hours of their people and of `participant_ids` (those whose entries were removed)."""
    ids = sorted(set(contract_ids))
    _refresh_months(session, ids)
    people = set(participant_ids)
    for start in range(0, len(ids), CHUNK):
        people.update(
            session.scalars(
                sa.select(HourEntry.participant_id)
                .where(HourEntry.contract_id.in_(ids[start : start + CHUNK]))
                .distinct()
            )
        )
    refresh_last_months(session, people)


def _refresh_months(session: Session, ids: list[int]) -> None:
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


def refresh_last_months(session: Session, participant_ids: Iterable[int]) -> None:
    """Each person's latest month with hours (> 0, any contract), from their entries. Their
    record's time of change stays: entries are not a change of the person."""
    ids = sorted(set(participant_ids))
    latest = (
        sa.select(sa.func.max(HourEntry.month))
        .where(HourEntry.participant_id == Participant.id, HourEntry.hours > 0)
        .scalar_subquery()
    )
    for start in range(0, len(ids), CHUNK):
        session.execute(
            sa.update(Participant)
            .where(Participant.id.in_(ids[start : start + CHUNK]))
            .values(last_hours_month=latest, updated_at=Participant.updated_at)
            .execution_options(synchronize_session=False)
        )


def refresh_for_participants(session: Session, participant_ids: Iterable[int]) -> None:
    """After a change of eligibility: the contracts these people have hours on (their hours
    stay where they are, so their latest month too)."""
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
    _refresh_months(session, sorted(contracts))


def refresh_all(session: Session) -> None:
    _refresh_months(session, sorted(session.scalars(sa.select(HourEntry.contract_id).distinct())))
    refresh_last_months(session, session.scalars(sa.select(Participant.id)))
