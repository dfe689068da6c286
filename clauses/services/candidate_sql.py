"""The few people who may rank among a site's first N candidates, chosen in SQL, so that a page
of candidates reads a few dozen people rather than tens of thousands.

The database adds up each candidate's points as clauses/rules/candidates.py does (in floating
point, from the same inputs: the trades that match, found by the rules among the distinct ways
of writing them; the distance points of the communes within range, measured by the rules; the
priority situations; the days waited since the stored latest month with hours), and keeps
everyone whose sum comes within SCORE_MARGIN of the N-th best, in one statement. Rounding moves a
score by at most 0.05, so nobody left out could rank among the first N; the rules then rank those
kept, exactly.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
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
from clauses.rules.communes import Commune
from clauses.services.communes import table

# Kept: the sums within this of the N-th best (rounding moves a score by 0.05 at most).
SCORE_MARGIN = 0.15
# Fewer than N candidates: everyone is kept.
NO_FLOOR = -1e9
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
    # Half of the people or more pass: a scan, not the index on the validation date, which
    # SQLite (without statistics) would take, then read most of the table through it.
    validated_on = sa.func.coalesce(PEOPLE.c.eligibility_validated_on, sa.null())
    return [validated_on <= as_of, PEOPLE.c.is_available.is_(True)]


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
    written, homes = _present(session, as_of)
    key = rules.trade_key(site.trade)
    trades = [text for text in written if key and key in rules.trade_keys(text)]
    near = [(c, km) for c, km in _near(site, within_km) if c.insee in homes]
    source, distance = _with_distance(
        _with_criteria(PEOPLE), near, float(weights.distance), session.get_bind().dialect.name
    )
    score = _score(as_of, weights, trades, distance)
    conditions = [*eligible(as_of)]
    if busy:
        conditions.append(PEOPLE.c.id.not_in(sorted(busy)))
    if trade_only:
        conditions.append(PEOPLE.c.wanted_trades.in_(trades) if trades else sa.false())
    if within_km is not None:
        inside = [c.insee for c, km in near if km <= within_km]
        conditions.append(PEOPLE.c.commune_insee.in_(inside) if inside else sa.false())
    # Computed once (materialised), read three times: how many, the N-th best, those near it.
    scored = (
        sa.select(PEOPLE.c.id, score.label("score"))
        .select_from(source)
        .where(*conditions)
        .cte("scored")
        .prefix_with("MATERIALIZED")
    )
    nth = sa.select(scored.c.score).order_by(scored.c.score.desc()).offset(limit - 1).limit(1)
    floor = sa.func.coalesce(nth.scalar_subquery(), sa.literal(NO_FLOOR, sa.Float))
    total = sa.select(sa.func.count()).select_from(scored).scalar_subquery()
    rows = session.execute(
        sa.select(scored.c.id, total).where(scored.c.score >= floor - SCORE_MARGIN)
    ).all()
    return Preselection([row[0] for row in rows], rows[0][1] if rows else 0)


def _present(session: Session, as_of: date) -> tuple[set[str], set[str]]:
    """The ways the candidates wrote their wanted trades, and the communes they live in: a few
    hundred of each, judged by the rules rather than in SQL."""
    pairs = session.execute(
        sa.select(PEOPLE.c.wanted_trades, PEOPLE.c.commune_insee).where(*eligible(as_of)).distinct()
    ).all()
    return {trades for trades, _ in pairs}, {insee for _, insee in pairs if insee}


def _near(site: Site, within_km: float | None) -> list[tuple[Commune, float]]:
    if site.commune is None:
        return []
    return table().within(site.commune, max(DISTANCE_RANGE_KM, within_km or 0))


def _with_distance(
    source: sa.FromClause, near: Sequence[tuple[Commune, float]], weight: float, dialect: str
) -> tuple[sa.FromClause, sa.ColumnElement[float]]:
    """Each person's distance points, from the near communes' as a table (VALUES ...): joined
    on PostgreSQL (a hash join); looked up per person on SQLite, which would otherwise scan the
    whole table for each person."""
    zero = sa.literal(0.0, sa.Float)
    points = [(c.insee, rules.distance_points(km, weight)) for c, km in near]
    points = [(insee, p) for insee, p in points if p > 0]
    if not points:
        return source, zero
    table = _values(points)
    if dialect == "sqlite":
        lookup = sa.select(table.c.points).where(table.c.insee == PEOPLE.c.commune_insee)
        return source, sa.func.coalesce(lookup.scalar_subquery(), zero)
    joined = source.outerjoin(table, table.c.insee == PEOPLE.c.commune_insee)
    return joined, sa.func.coalesce(table.c.points, zero)


def _values(points: Sequence[tuple[str, float]]) -> sa.CTE:
    """(VALUES ...) names its columns column1, column2 on SQLite and PostgreSQL alike."""
    rows = ", ".join(f"(:insee_{n}, :points_{n})" for n in range(len(points)))
    values: dict[str, object] = {}
    for n, (insee, p) in enumerate(points):
        values[f"insee_{n}"], values[f"points_{n}"] = insee, p
    select = f"SELECT CAST(column1 AS TEXT) AS insee, column2 AS points FROM (VALUES {rows}) AS v"
    text = sa.text(select).bindparams(**values).columns(insee=sa.String, points=sa.Float)
    return text.cte("near").prefix_with("MATERIALIZED")


def _score(
    as_of: date,
    weights: Weights,
    trades: Sequence[str],
    distance: sa.ColumnElement[float],
) -> sa.ColumnElement[float]:
    trade_w, _, priority_w, waiting_w = (float(w) for w in weights.as_dict().values())
    zero = sa.literal(0.0, sa.Float)
    trade = sa.case((PEOPLE.c.wanted_trades.in_(trades), trade_w), else_=zero) if trades else zero
    return trade + distance + _priority(priority_w) + _waiting(as_of, waiting_w)


# The priority criteria, each an outer join (a person has each criterion at most once).
PRIORITY_JOINS = {
    criterion: sa.orm.aliased(ParticipantCriterion, name=f"has_{criterion}")
    for criterion in ("qpv_resident", "rsa", "long_term_job_seeker")
}


def _with_criteria(source: sa.FromClause) -> sa.FromClause:
    for criterion, alias in PRIORITY_JOINS.items():
        source = source.outerjoin(
            alias, sa.and_(alias.participant_id == PEOPLE.c.id, alias.criterion == criterion)
        )
    return source


def _priority(weight: float) -> sa.ColumnElement[float]:
    one = weight / PRIORITY_SHARE

    def points(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[float]:
        return sa.case((condition, sa.literal(one, sa.Float)), else_=sa.literal(0.0, sa.Float))

    def has(criterion: str) -> sa.ColumnElement[bool]:
        return PRIORITY_JOINS[criterion].id.is_not(None)

    return (
        points(PEOPLE.c.sex == Sex.FEMALE.value)
        + points(sa.or_(PEOPLE.c.is_qpv.is_(True), has("qpv_resident")))
        + points(has("rsa"))
        + points(has("long_term_job_seeker"))
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
