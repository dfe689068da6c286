"""The reference data an import needs, loaded once before any row: contracts, known people and
the keys that already have hours. Reads only; commit.py is the one place that writes."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.access.policy import contracts_in, known_to
from clauses.models import Contract, HourEntry, Participant
from clauses.models.enums import EmploymentType
from imports.match import People, Person


@dataclass(frozen=True, slots=True)
class KnownContract:
    id: int
    reference: str
    start: date
    end: date


EntryKey = tuple[int, int, date, EmploymentType]


def contracts_by_key(session: Session, contractor_id: int | None) -> dict[str, KnownContract]:
    """Contracts by normalised reference; a contractor's upload knows only its own contracts."""
    stmt = contracts_in(contractor_id).with_only_columns(
        Contract.reference_key,
        Contract.id,
        Contract.reference,
        Contract.start_date,
        Contract.end_date,
    )
    return {
        key: KnownContract(id_, ref, start, end)
        for key, id_, ref, start, end in session.execute(stmt)
    }


def known_people(session: Session, scope: int | None, *, may_create: bool = True) -> People:
    """Everyone registered, each marked known or not to an upload of this scope."""
    rows = session.execute(
        sa.select(
            Participant.id,
            Participant.last_name,
            Participant.first_name,
            Participant.name_key,
            Participant.birth_date,
            known_to(scope),
        )
    )
    return People((Person(*row) for row in rows), may_create=may_create)


def existing_keys(session: Session, contract_ids: Iterable[int]) -> set[EntryKey]:
    """The keys of these contracts that already hold hours (a new line replaces them)."""
    ids = sorted(set(contract_ids))
    keys: set[EntryKey] = set()
    for start in range(0, len(ids), 500):
        rows = session.execute(
            sa.select(
                HourEntry.contract_id,
                HourEntry.participant_id,
                HourEntry.month,
                HourEntry.employment_type,
            ).where(HourEntry.contract_id.in_(ids[start : start + 500]))
        )
        keys.update((c, p, m, t) for c, p, m, t in rows)
    return keys
