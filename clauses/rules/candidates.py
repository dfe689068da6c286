"""Ranking the people who could fill a site's insertion places (DESIGN.md, "Precise candidate
rules" and "Where the candidate rules leave a choice"), as of a date D.

Four components, each up to its weight (a setting; defaults 40, 30, 20, 10):
- trade: the site's trade is one of the person's wanted trades, both normalised;
- distance: weight * max(0, 1 - d / 25) for the great-circle distance d in km between the
  person's commune and the site's; 0 when either is unknown;
- priority: a quarter of the weight for each of RSA, QPV (flag or criterion, once), long-term
  job seeker, woman;
- waiting: weight * min(1, w / 365), w the days from the start of waiting to D, never negative:
  the first day of the month after the person's latest month with hours, else the validation.
The score is the sum of the unrounded points, rounded half up to one decimal; the order is the
score, then w (uncapped), then the normalised last and first names, then the earlier birth date.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from clauses.rules.communes import Commune, distance_km
from clauses.rules.dates import add_months
from clauses.rules.names import normalise_name
from clauses.rules.placements import PlacementState, is_busy

DISTANCE_RANGE_KM = 25.0  # beyond it, no distance points
WAITING_FULL_DAYS = 365  # from it, all the waiting points
PRIORITY_SHARE = 4  # RSA, QPV, long-term job seeker, woman: a quarter of the weight each
SCORE_PLACES = Decimal("0.1")
POINTS_PLACES = Decimal("0.01")
KM_PLACES = Decimal("0.1")
_TRADE_SEPARATORS = re.compile(r"[;,]")


@dataclass(frozen=True, slots=True)
class Weights:
    """The most points each component gives (settings an admin may change)."""

    trade: Decimal = Decimal(40)
    distance: Decimal = Decimal(30)
    priority: Decimal = Decimal(20)
    waiting: Decimal = Decimal(10)

    def as_dict(self) -> dict[str, Decimal]:
        return {
            "trade": self.trade,
            "distance": self.distance,
            "priority": self.priority,
            "waiting": self.waiting,
        }


class Priority(StrEnum):
    """The situations that give priority points, in the order reasons name them."""

    RSA = "rsa"
    QPV = "qpv"
    LONG_TERM_JOB_SEEKER = "long_term_job_seeker"
    WOMAN = "woman"


# The eligibility criteria (models.Criterion's values) that give priority.
PRIORITY_CRITERIA = {
    "rsa": Priority.RSA,
    "qpv_resident": Priority.QPV,
    "long_term_job_seeker": Priority.LONG_TERM_JOB_SEEKER,
}


def priorities_of(is_woman: bool, is_qpv: bool, criteria: Iterable[str]) -> frozenset[Priority]:
    """QPV through the flag or the criterion counts once."""
    found = {PRIORITY_CRITERIA[c] for c in criteria if c in PRIORITY_CRITERIA}
    if is_qpv:
        found.add(Priority.QPV)
    if is_woman:
        found.add(Priority.WOMAN)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Person:
    """What ranking reads of a candidate."""

    id: int
    last_name: str
    first_name: str
    birth_date: date
    wanted_trades: str
    commune: Commune | None
    priorities: frozenset[Priority]
    validated_on: date
    last_month_with_hours: date | None  # the latest month with hours > 0, any contract


@dataclass(frozen=True, slots=True)
class Site:
    """What ranking reads of a contract (or of one of its job offers: its trade)."""

    trade: str
    commune: Commune | None


@dataclass(frozen=True, slots=True)
class Points:
    """Each component's points, unrounded."""

    trade: float
    distance: float
    priority: float
    waiting: float

    @property
    def total(self) -> float:
        return self.trade + self.distance + self.priority + self.waiting


@dataclass(frozen=True, slots=True)
class Ranked:
    person: Person
    points: Points
    score: Decimal  # one decimal, half up
    distance_km: float | None  # None: a commune is unknown
    waiting_since: date
    waiting_days: int  # uncapped
    waiting_months: int  # whole months, as reasons say "waiting for 8 months"
    is_same_trade: bool


# Components ----------------------------------------------------------------------------------


def trade_key(text: str) -> str:
    """Accents removed, œ as OE, æ as AE, upper case, punctuation and hyphens as spaces."""
    return normalise_name(text)


def wanted_trades(text: str) -> tuple[str, ...]:
    """ "Métiers recherchés" as written, separated by ";" or ","."""
    return tuple(part.strip() for part in _TRADE_SEPARATORS.split(text) if part.strip())


def trade_keys(text: str) -> frozenset[str]:
    return frozenset(trade_key(trade) for trade in wanted_trades(text))


def distance_points(km: float | None, weight: float) -> float:
    if km is None:
        return 0.0
    return weight * max(0.0, 1.0 - km / DISTANCE_RANGE_KM)


def priority_points(priorities: frozenset[Priority], weight: float) -> float:
    return min(weight, len(priorities) * weight / PRIORITY_SHARE)


def waiting_start(validated_on: date, last_month_with_hours: date | None) -> date:
    """The first day of the month after the latest month with hours (hours before the
    validation count too); for a person without hours, the validation date."""
    if last_month_with_hours is None:
        return validated_on
    return add_months(last_month_with_hours.replace(day=1), 1)


def waiting_days(start: date, as_of: date) -> int:
    """Never negative: hours in D's own month give 0."""
    return max(0, (as_of - start).days)


def waiting_points(days: int, weight: float) -> float:
    return weight * min(1.0, days / WAITING_FULL_DAYS)


def whole_months(start: date, end: date) -> int:
    """Months from start to end, counted as a person says "8 months"."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (end.day < start.day))


def half_up(value: float, places: Decimal) -> Decimal:
    return Decimal(repr(value)).quantize(places, rounding=ROUND_HALF_UP)


# Who and in which order ----------------------------------------------------------------------


def is_candidate(
    validated_on: date | None,
    is_available: bool,
    placements: Iterable[tuple[PlacementState, date | None, date | None]],
    as_of: date,
) -> bool:
    """Validated on or before D, available, and busy with no placement (state, hire date, end
    date) on any contract."""
    if validated_on is None or validated_on > as_of or not is_available:
        return False
    return not any(is_busy(state, hire, end, as_of) for state, hire, end in placements)


def assess(site: Site, person: Person, as_of: date, weights: Weights) -> Ranked:
    """One person's points for one site."""
    return _Ranker(site, as_of, weights).assess(person)


def rank(
    site: Site, people: Iterable[Person], as_of: date, weights: Weights = Weights()
) -> list[Ranked]:
    """Everyone's points for the site, best first."""
    ranker = _Ranker(site, as_of, weights)
    return sorted((ranker.assess(person) for person in people), key=order_key)


def order_key(ranked: Ranked) -> tuple[object, ...]:
    person = ranked.person
    return (
        -ranked.score,
        -ranked.waiting_days,
        normalise_name(person.last_name),
        normalise_name(person.first_name),
        person.birth_date,
    )


class _Ranker:
    """Points for one site, remembering the distance to each commune and the trades of each
    way of writing them: thousands of people share a few dozen of each."""

    def __init__(self, site: Site, as_of: date, weights: Weights) -> None:
        self.site = site
        self.trade = trade_key(site.trade)
        self.as_of = as_of
        self.weights = tuple(float(w) for w in weights.as_dict().values())
        self._km: dict[str | None, float | None] = {}
        self._matches: dict[str, bool] = {}

    def km(self, commune: Commune | None) -> float | None:
        key = commune.insee if commune is not None else None
        if key not in self._km:
            site = self.site.commune
            self._km[key] = None if commune is None or site is None else distance_km(commune, site)
        return self._km[key]

    def is_same_trade(self, wanted: str) -> bool:
        found = self._matches.get(wanted)
        if found is None:
            found = self._matches[wanted] = bool(self.trade) and self.trade in trade_keys(wanted)
        return found

    def assess(self, person: Person) -> Ranked:
        trade_w, distance_w, priority_w, waiting_w = self.weights
        same_trade = self.is_same_trade(person.wanted_trades)
        km = self.km(person.commune)
        start = waiting_start(person.validated_on, person.last_month_with_hours)
        days = waiting_days(start, self.as_of)
        points = Points(
            trade=trade_w if same_trade else 0.0,
            distance=distance_points(km, distance_w),
            priority=priority_points(person.priorities, priority_w),
            waiting=waiting_points(days, waiting_w),
        )
        return Ranked(
            person=person,
            points=points,
            score=half_up(points.total, SCORE_PLACES),
            distance_km=km,
            waiting_since=start,
            waiting_days=days,
            waiting_months=whole_months(start, self.as_of),
            is_same_trade=same_trade,
        )
