"""Ranked candidates for a contract (or one of its job offers), and how many candidates each of
many sites has: the rules of clauses/rules/candidates.py fed by a few queries, whoever many
people there are.

A candidate's inputs are their own columns (the commune resolved when it was set, by
services/communes.py; the latest month with hours, kept with the entries by
services/hours_summary.py), their priority criteria, and the placements that keep people busy.
For the first N of a list, the database picks who may rank there (services/candidate_sql.py);
the rules rank them.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.errors import WeightsInvalid
from clauses.models import (
    Contract,
    Participant,
    ParticipantCriterion,
    Placement,
    PlacementState,
    Setting,
    Sex,
    User,
)
from clauses.rules import candidates as rules
from clauses.rules.candidates import (
    DISTANCE_RANGE_KM,
    KM_PLACES,
    POINTS_PLACES,
    PRIORITY_CRITERIA,
    Person,
    Priority,
    Ranked,
    Site,
    Weights,
    half_up,
)
from clauses.rules.communes import Commune, distance_km
from clauses.rules.placements import is_busy
from clauses.services import audit, candidate_sql, communes, compliance

WEIGHT_KEYS = {name: f"candidate_weight_{name}" for name in Weights().as_dict()}
MAX_WEIGHT = Decimal(1000)
# The states that may keep a person busy (rules.placements.is_busy decides with the dates).
BUSY_STATES = (PlacementState.PROPOSED, PlacementState.INTERVIEW, PlacementState.HIRED)


@dataclass(frozen=True)
class Reasons:
    """What a line shows without a click: "même métier · 4,2 km · RSA, QPV · attend depuis 8
    mois" (clauses/messages/candidates.py renders it in the reader's language)."""

    is_same_trade: bool
    distance_km: Decimal | None
    priorities: tuple[Priority, ...]  # in Priority's order
    waiting_months: int
    waiting_days: int


@dataclass(frozen=True)
class Candidate:
    participant_id: int
    last_name: str
    first_name: str
    birth_date: date
    score: Decimal  # one decimal
    trade: Decimal  # each component's points, two decimals
    distance: Decimal
    priority: Decimal
    waiting: Decimal
    distance_km: Decimal | None  # one decimal; None when a commune is unknown
    waiting_days: int  # not capped at 365
    waiting_since: date
    wanted_trades: tuple[str, ...]  # as written
    reasons: Reasons

    def as_json(self) -> dict[str, object]:
        """DESIGN.md's `clauses candidates --json` line."""
        return {
            "last_name": self.last_name,
            "first_name": self.first_name,
            "birth_date": self.birth_date.isoformat(),
            "score": float(self.score),
            "trade": float(self.trade),
            "distance": float(self.distance),
            "priority": float(self.priority),
            "waiting": float(self.waiting),
            "distance_km": None if self.distance_km is None else float(self.distance_km),
            "waiting_days": self.waiting_days,
        }


@dataclass(frozen=True)
class CandidateList:
    contract_id: int
    reference: str
    as_of: date
    trade: str  # the contract's, or the job offer's
    has_commune: bool  # False: the site's commune is unknown, so no distance is known
    open_places: int
    total: int  # candidates passing the filters, before the limit
    candidates: list[Candidate]
    weights: Weights = field(default_factory=Weights)

    def as_json(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "as_of": self.as_of.isoformat(),
            "open_places": self.open_places,
            "candidates": [candidate.as_json() for candidate in self.candidates],
        }


def candidates(
    session: Session,
    contract: Contract,
    as_of: date,
    *,
    trade: str | None = None,
    limit: int | None = None,
    trade_only: bool = False,
    within_km: float | None = None,
) -> CandidateList:
    """The people who could fill the contract's places as of D, best first. `trade` replaces
    the contract's (a job offer's trade); trade_only keeps those who want that trade, within_km
    those living within that distance of the site; `limit` keeps the first ones (the database
    then picks the few who may rank there: candidate_sql.py)."""
    site = Site(
        trade if trade is not None else contract.trade, communes.table().get(contract.commune_insee)
    )
    weights = current_weights(session)
    busy = busy_people(session, as_of)
    if limit is None:
        people = load_people(session, as_of, busy=busy)
    else:
        chosen = candidate_sql.preselect(
            session,
            site,
            as_of,
            weights,
            limit,
            busy=busy,
            trade_only=trade_only,
            within_km=within_km,
        )
        people = load_people(session, as_of, busy=busy, ids=chosen.ids)
    ranked = rules.rank(site, people, as_of, weights)
    if trade_only:
        ranked = [r for r in ranked if r.is_same_trade]
    if within_km is not None:
        ranked = [r for r in ranked if r.distance_km is not None and r.distance_km <= within_km]
    return CandidateList(
        contract_id=contract.id,
        reference=contract.reference,
        as_of=as_of,
        trade=site.trade,
        has_commune=site.commune is not None,
        open_places=open_places(session, contract, as_of),
        total=len(ranked) if limit is None else chosen.total,
        candidates=[_candidate(r) for r in ranked[:limit]],
        weights=weights,
    )


def open_places(session: Session, contract: Contract, as_of: date) -> int:
    one = sa.select(Contract).where(Contract.id == contract.id)
    rows = compliance.statuses(session, as_of, one)
    return rows[0].compliance.open_places


def _candidate(ranked: Ranked) -> Candidate:
    person, points = ranked.person, ranked.points
    km = None if ranked.distance_km is None else half_up(ranked.distance_km, KM_PLACES)
    return Candidate(
        participant_id=person.id,
        last_name=person.last_name,
        first_name=person.first_name,
        birth_date=person.birth_date,
        score=ranked.score,
        trade=half_up(points.trade, POINTS_PLACES),
        distance=half_up(points.distance, POINTS_PLACES),
        priority=half_up(points.priority, POINTS_PLACES),
        waiting=half_up(points.waiting, POINTS_PLACES),
        distance_km=km,
        waiting_days=ranked.waiting_days,
        waiting_since=ranked.waiting_since,
        wanted_trades=rules.wanted_trades(person.wanted_trades),
        reasons=Reasons(
            is_same_trade=ranked.is_same_trade,
            distance_km=km,
            priorities=tuple(p for p in Priority if p in person.priorities),
            waiting_months=ranked.waiting_months,
            waiting_days=ranked.waiting_days,
        ),
    )


# Reading the candidates' inputs --------------------------------------------------------------

PEOPLE = Participant.__table__
CRITERIA = ParticipantCriterion.__table__


def load_people(
    session: Session,
    as_of: date,
    *,
    busy: Collection[int] | None = None,
    ids: Collection[int] | None = None,
) -> list[Person]:
    """The candidates as of D (or those of `ids` among them) with what ranking reads:
    validated on or before D, available, not busy on any contract. Two queries, whoever many
    they are."""
    busy = busy_people(session, as_of) if busy is None else busy
    conditions = candidate_sql.eligible(as_of)
    if ids is not None:
        if not ids:
            return []
        conditions.append(PEOPLE.c.id.in_(sorted(ids)))
    priorities = _priority_criteria(session, conditions)
    table = communes.table()
    rows = session.connection().execute(
        sa.select(
            PEOPLE.c.id,
            PEOPLE.c.last_name,
            PEOPLE.c.first_name,
            PEOPLE.c.birth_date,
            PEOPLE.c.sex,
            PEOPLE.c.is_qpv,
            PEOPLE.c.commune_insee,
            PEOPLE.c.wanted_trades,
            PEOPLE.c.eligibility_validated_on,
            PEOPLE.c.last_hours_month,
        ).where(*conditions)
    )
    woman = Sex.FEMALE.value
    return [
        Person(
            id,
            last_name,
            first_name,
            born,
            wanted,
            table.get(insee),
            rules.priorities_of(sex == woman, is_qpv, priorities.get(id, ())),
            validated_on,
            last_month,
        )
        for id, last_name, first_name, born, sex, is_qpv, insee, wanted, validated_on, last_month
        in rows
        if id not in busy
    ]  # fmt: skip


def busy_people(session: Session, as_of: date) -> set[int]:
    """People with a placement that keeps them busy on D, on any contract."""
    rows = session.execute(
        sa.select(
            Placement.participant_id, Placement.state, Placement.hire_date, Placement.end_date
        ).where(Placement.state.in_(BUSY_STATES))
    )
    return {row[0] for row in rows if is_busy(row[1], row[2], row[3], as_of)}


def _priority_criteria(
    session: Session, conditions: list[sa.ColumnElement[bool]]
) -> dict[int, list[str]]:
    found: defaultdict[int, list[str]] = defaultdict(list)
    rows = session.connection().execute(
        sa.select(CRITERIA.c.participant_id, CRITERIA.c.criterion)
        .join(PEOPLE, PEOPLE.c.id == CRITERIA.c.participant_id)
        .where(CRITERIA.c.criterion.in_(list(PRIORITY_CRITERIA)), *conditions)
    )
    for participant_id, criterion in rows:
        found[participant_id].append(criterion)
    return found


# How many candidates each site has -----------------------------------------------------------


class SiteLike(Protocol):
    """A contract, or any row with its id, trade and resolved commune."""

    @property
    def id(self) -> int: ...
    @property
    def trade(self) -> str: ...
    @property
    def commune_insee(self) -> str | None: ...


@dataclass(frozen=True)
class CandidateCount:
    candidates: int  # everyone available and not busy (the same for every site)
    same_trade: int  # of them, those who want the site's trade
    same_trade_nearby: int  # of those, living within 25 km of the site (distance points > 0)


class CandidatePool:
    """Everyone's trades and communes, read once, to count the candidates of many sites."""

    def __init__(self, session: Session, as_of: date) -> None:
        self._table = communes.table()
        busy = busy_people(session, as_of)
        rows = session.execute(
            sa.select(Participant.id, Participant.wanted_trades, Participant.commune_insee).where(
                *candidate_sql.eligible(as_of)
            )
        )
        self.total = 0
        self._by_trade: defaultdict[str, Counter[str | None]] = defaultdict(Counter)
        for person_id, wanted, insee in rows:
            if person_id in busy:
                continue
            self.total += 1
            for key in rules.trade_keys(wanted):
                self._by_trade[key][insee] += 1
        self._counts: dict[tuple[str, str | None], CandidateCount] = {}

    def count(self, trade: str, commune_insee: str | None) -> CandidateCount:
        key = (rules.trade_key(trade), commune_insee)
        if key not in self._counts:
            self._counts[key] = self._count(*key)
        return self._counts[key]

    def _count(self, trade: str, commune_insee: str | None) -> CandidateCount:
        homes = self._by_trade.get(trade, Counter())
        site = self._table.get(commune_insee)
        nearby = 0
        if site is not None:
            nearby = sum(n for insee, n in homes.items() if self._is_near(site, insee))
        return CandidateCount(self.total, sum(homes.values()), nearby)

    def _is_near(self, site: Commune, insee: str | None) -> bool:
        home = self._table.get(insee)
        return home is not None and distance_km(home, site) < DISTANCE_RANGE_KM


def candidate_counts(
    session: Session, contracts: Iterable[SiteLike], as_of: date
) -> dict[int, CandidateCount]:
    """Each contract's candidates as of D, by its id; everyone's inputs are read once."""
    pool = CandidatePool(session, as_of)
    return {c.id: pool.count(c.trade, c.commune_insee) for c in contracts}


# The weights (settings) ----------------------------------------------------------------------


def current_weights(session: Session) -> Weights:
    rows = session.execute(
        sa.select(Setting.key, Setting.value).where(Setting.key.in_(WEIGHT_KEYS.values()))
    )
    stored = {key: value for key, value in rows}
    defaults = Weights().as_dict()
    return Weights(
        **{
            name: Decimal(stored[key]) if key in stored else defaults[name]
            for name, key in WEIGHT_KEYS.items()
        }
    )


def set_weights(session: Session, actor: User, new: Weights) -> Weights:
    """An admin's new weights: each from 0 to 1,000, not all 0. Audited."""
    values = new.as_dict()
    wrong = [name for name, value in values.items() if not Decimal(0) <= value <= MAX_WEIGHT]
    if wrong or not any(values.values()):
        raise WeightsInvalid(field=wrong[0] if wrong else None, maximum=int(MAX_WEIGHT))
    before = current_weights(session)
    if before.as_dict() == values:
        return before
    for name, key in WEIGHT_KEYS.items():
        setting = session.get(Setting, key) or Setting(key=key)
        setting.value, setting.updated_by_id = str(values[name]), actor.id
        session.add(setting)
    audit.record(
        session,
        actor,
        "update",
        "setting",
        "candidate_weights",
        before={k: str(v) for k, v in before.as_dict().items()},
        after={k: str(v) for k, v in values.items()},
    )
    return new
