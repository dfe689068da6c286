"""The programme's figures for a year: realised hours and the people behind them (women, QPV
residents, people under 26), for the clause team's home page.

The year's people need the year's hour entries, so the figures are kept until the data they come
from changes.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.access import policy
from clauses.models import Contract, HourEntry, ImportBatch, Participant, Sex, User
from clauses.rules.compliance import reporting_month
from clauses.rules.dates import years_before
from clauses.services.contract_filters import ContractFilters, scoped

# "Bâtissons nos emplois": 500 people into lasting construction jobs in two years.
PROGRAMME_GOAL = 500
YOUNG_AGE = 26  # "under 26": a public of the insertion clause


@dataclass(frozen=True)
class Programme:
    """The year's figures of the programme: realised hours and the people behind them."""

    year: int
    first_month: date
    last_month: date
    realised_hours: Decimal
    people: int
    women: int
    qpv_residents: int
    under_26: int
    goal: int = PROGRAMME_GOAL


# The year's people need the year's hour entries (a million rows at national scale, hundreds
# of milliseconds), so their figures are kept per scope and date until the data they come from
# changes: hour entries change only through import batches (a new one, or one rolled back);
# people and contracts carry their last update. Each process keeps its own few.
PROGRAMME_CACHE_SIZE = 128
_programmes: OrderedDict[tuple[Any, ...], Programme] = OrderedDict()
_programmes_lock = threading.Lock()


def cached_programme(
    session: Session, viewer: User, filters: ContractFilters, as_of: date
) -> Programme:
    scope_key = (policy.scope_key(viewer), replace(filters, selection=""))
    key = (scope_key, as_of, data_version(session))
    with _programmes_lock:
        found = _programmes.get(key)
        if found is not None:
            _programmes.move_to_end(key)
            return found
    computed = programme(session, scoped(viewer, filters), as_of)
    with _programmes_lock:
        _programmes[key] = computed
        while len(_programmes) > PROGRAMME_CACHE_SIZE:
            _programmes.popitem(last=False)
    return computed


def data_version(session: Session) -> tuple[Any, ...]:
    """What the programme's figures depend on, read from small tables in one query."""
    aggregates = (
        sa.func.count(ImportBatch.id),
        sa.func.max(ImportBatch.id),
        sa.func.max(ImportBatch.uploaded_at),
        sa.func.max(ImportBatch.rolled_back_at),
        sa.func.count(Participant.id),
        sa.func.max(Participant.updated_at),
        sa.func.count(Contract.id),
        sa.func.max(Contract.updated_at),
    )
    row = session.execute(sa.select(*(sa.select(a).scalar_subquery() for a in aggregates)))
    return tuple(row.one())


def programme(session: Session, scope: sa.Select[Contract], as_of: date) -> Programme:
    """Realised hours of the reporting month's year (January to R) and the people who worked
    them: one query, the year's hour entries summed per person, then joined to the people.

    The year is the reporting month's: in January, the figures are last year's, complete."""
    last = reporting_month(as_of)
    first = last.replace(month=1)
    contracts = scope.subquery()
    per_person = (
        sa.select(
            HourEntry.participant_id.label("participant_id"),
            sa.func.sum(HourEntry.hours).label("hours"),
        )
        .where(
            HourEntry.month >= first,
            HourEntry.month <= last,
            HourEntry.hours > 0,
            HourEntry.contract_id.in_(sa.select(contracts.c.id)),
        )
        .group_by(HourEntry.participant_id)
        .subquery()
    )
    young = Participant.birth_date > years_before(as_of, YOUNG_AGE)
    people, hours, women, qpv, under_26 = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(per_person.c.hours), 0),
            _tally(Participant.sex == Sex.FEMALE),
            _tally(Participant.is_qpv.is_(True)),
            _tally(young),
        )
        .select_from(per_person)
        .join(Participant, Participant.id == per_person.c.participant_id)
        .where(Participant.eligibility_validated_on <= as_of)
    ).one()
    return Programme(
        first.year, first, last, Decimal(hours), people, int(women), int(qpv), int(under_26)
    )


def _tally(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)
