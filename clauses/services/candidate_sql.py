"""The few people who may rank among a site's first N candidates, chosen in SQL, so that a page
of candidates reads a few dozen people rather than tens of thousands.

The database adds up each candidate's points as clauses/rules/candidates.py does (in floating
point, from the same inputs: the trades that match, found by the rules among the distinct ways
of writing them; the distance points of the communes within range, measured by the rules; the
priority situations; the days waited since the stored latest month with hours), and keeps
everyone whose sum comes within SCORE_MARGIN of the N-th best. Rounding moves a score by at most
0.05, so nobody left out could rank among the first N; the rules then rank those kept, exactly.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from clauses.models import Participant, ParticipantCriterion, Sex
from clauses.rules import candidates as rules
from clauses.rules.candidates import (
    DISTANCE_RANGE_KM,
    PRIORITY_SHARE,
    WAITING_FULL_DAYS,
    Site,
    Weights,
)
from clauses.services.communes import table

# Kept: the sums within this of the N-th best (rounding moves a score by 0.05 at most).
SCORE_MARGIN = 0.15
# Read at first beyond the N best, so that ties at the N-th rarely need a second query.
EXTRA_ROWS = 50
PEOPLE = Participant.__table__


class days_since(FunctionElement[int]):
    """Whole days from a date column to a given day: `day - start`."""

    type = sa.Integer()
    inherit_cache = True


@compiles(days_since, "postgresql")
def _days_since_pg(element: days_since, compiler: SQLCompiler, **kw: Any) -> str:
    start, day = element.clauses
    return f"(CAST({compiler.process(day, **kw)} AS DATE) - {compiler.process(start, **kw)})"


@compiles(days_since, "sqlite")
def _days_since_sqlite(element: days_since, compiler: SQLCompiler, **kw: Any) -> str:
    start, day = element.clauses
    day_sql, start_sql = compiler.process(day, **kw), compiler.process(start, **kw)
    return f"CAST(julianday({day_sql}) - julianday({start_sql}) AS INTEGER)"


class next_month(FunctionElement[date]):
    """The first day of the month after a month's first day."""

    type = sa.Date()
    inherit_cache = True


@compiles(next_month, "postgresql")
def _next_month_pg(element: next_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} + INTERVAL '1 month' AS DATE)"


@compiles(next_month, "sqlite")
def _next_month_sqlite(element: next_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+1 month')"


@dataclass(frozen=True)
class Preselection:
    ids: list[int]  # the people who may rank among the first N
    total: int  # every candidate passing the filters


def eligible(as_of: date) -> list[sa.ColumnElement[bool]]:
    return [PEOPLE.c.eligibility_validated_on <= as_of, PEOPLE.c.is_available.is_(True)]


def preselect(
    session: Session,
    site: Site,
    as_of: date,
    weights: Weights,
    limit: int,
    *,
    busy: Collection[int],
    trade_only: bool = False,
    within_km: float | None = None,
) -> Preselection:
    trades = _matching_trades(session, site.trade, as_of)
    near = _near(site, within_km)
    score = _score(site, as_of, weights, trades, near).label("score")
    conditions = [*eligible(as_of)]
    if busy:
        conditions.append(PEOPLE.c.id.not_in(sorted(busy)))
    if trade_only:
        conditions.append(PEOPLE.c.wanted_trades.in_(trades) if trades else sa.false())
    if within_km is not None:
        inside = [c.insee for c, km in near if km <= within_km]
        conditions.append(PEOPLE.c.commune_insee.in_(inside) if inside else sa.false())
    scored = sa.select(PEOPLE.c.id, score).where(*conditions).subquery()
    total = sa.func.count().over().label("total")
    first = session.execute(
        sa.select(scored.c.id, scored.c.score, total)
        .order_by(scored.c.score.desc())
        .limit(limit + EXTRA_ROWS)
    ).all()
    if not first:
        return Preselection([], 0)
    floor = first[min(limit, len(first)) - 1].score - SCORE_MARGIN
    if len(first) == limit + EXTRA_ROWS and first[-1].score >= floor:
        ids = list(session.scalars(sa.select(scored.c.id).where(scored.c.score >= floor)))
    else:
        ids = [row.id for row in first if row.score >= floor]
    return Preselection(ids, first[0].total)


def _matching_trades(session: Session, trade: str, as_of: date) -> list[str]:
    """The ways candidates wrote their wanted trades that hold the site's (the rules judge)."""
    key = rules.trade_key(trade)
    written = session.scalars(sa.select(PEOPLE.c.wanted_trades).where(*eligible(as_of)).distinct())
    return [text for text in written if key and key in rules.trade_keys(text)]


def _near(site: Site, within_km: float | None) -> list[tuple[Any, float]]:
    if site.commune is None:
        return []
    return table().within(site.commune, max(DISTANCE_RANGE_KM, within_km or 0))


def _score(
    site: Site,
    as_of: date,
    weights: Weights,
    trades: Sequence[str],
    near: Sequence[tuple[Any, float]],
) -> sa.ColumnElement[float]:
    trade_w, distance_w, priority_w, waiting_w = (float(w) for w in weights.as_dict().values())
    zero = sa.literal(0.0, sa.Float)
    trade = sa.case((PEOPLE.c.wanted_trades.in_(trades), trade_w), else_=zero) if trades else zero
    points = {c.insee: rules.distance_points(km, distance_w) for c, km in near}
    ranked = {insee: p for insee, p in points.items() if p > 0}
    distance = (
        sa.case((PEOPLE.c.commune_insee.in_(list(ranked)), _distance_lookup(ranked)), else_=zero)
        if ranked
        else zero
    )
    return trade + distance + _priority(priority_w) + _waiting(as_of, waiting_w)


def _distance_lookup(points: dict[str, float]) -> sa.ColumnElement[float]:
    """Each near commune's points; a CASE on the commune code (a few hundred branches at most,
    evaluated only for the people living near)."""
    return sa.case(
        {insee: sa.literal(p, sa.Float) for insee, p in points.items()},
        value=PEOPLE.c.commune_insee,
        else_=sa.literal(0.0, sa.Float),
    )


def _has(criterion: str) -> sa.Exists:
    return sa.exists().where(
        ParticipantCriterion.participant_id == PEOPLE.c.id,
        ParticipantCriterion.criterion == criterion,
    )


def _priority(weight: float) -> sa.ColumnElement[float]:
    one = weight / PRIORITY_SHARE

    def points(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[float]:
        return sa.case((condition, sa.literal(one, sa.Float)), else_=sa.literal(0.0, sa.Float))

    return (
        points(PEOPLE.c.sex == Sex.FEMALE.value)
        + points(sa.or_(PEOPLE.c.is_qpv.is_(True), _has("qpv_resident")))
        + points(_has("rsa"))
        + points(_has("long_term_job_seeker"))
    )


def _waiting(as_of: date, weight: float) -> sa.ColumnElement[float]:
    start = sa.func.coalesce(
        next_month(PEOPLE.c.last_hours_month), PEOPLE.c.eligibility_validated_on
    )
    days = days_since(start, sa.literal(as_of, sa.Date))
    return sa.case(
        (days <= 0, sa.literal(0.0, sa.Float)),
        (days >= WAITING_FULL_DAYS, sa.literal(weight, sa.Float)),
        else_=days * sa.literal(weight / WAITING_FULL_DAYS, sa.Float),
    )
