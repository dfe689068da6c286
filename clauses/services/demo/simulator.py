"""The demo's monthly hours: who works on which site, each month, and how many hours.

Plain data in and out, no database: the writer turns the lines into the hour sheets a
contractor would send. Each contract's hours follow its profile's pace around the expected
curve of the compliance rules, so that every status shows.
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from math import ceil

from clauses.models import EmploymentType
from clauses.rules.compliance import FULL_TIME_MONTH, ContractTerms, expected_hours, is_active
from clauses.rules.dates import add_months, months_of, previous_month
from clauses.services.demo.catalogue import (
    CONTRACTORS,
    DEMO_CONTRACTOR,
    EMPLOYMENT_WEIGHTS,
    INTERMEDIARIES,
    PACE,
    Lot,
    Profile,
)

HALF = Decimal("0.5")
TEAM_SHARE = Decimal(110)  # hours a month one person of a site's team works, about


@dataclass(frozen=True)
class Site:
    """A demo contract as the simulator sees it."""

    reference: str
    terms: ContractTerms
    lot: Lot


@dataclass(frozen=True)
class Worker:
    """A demo participant: `key` is their index among the people."""

    key: int
    is_validated: bool
    wanted_trades: str


@dataclass(frozen=True)
class SheetLine:
    """One person's hours on a site for a month: a row of an hour sheet."""

    site: Site
    worker: int
    month: date
    hours: Decimal
    employment_type: EmploymentType
    employer: str


@dataclass
class _Stint:
    worker: Worker
    until: date  # last month on this site
    employment_type: EmploymentType
    employer: str


def simulate(
    rng: random.Random, sites: Sequence[Site], workers: Sequence[Worker], reporting: date
) -> list[SheetLine]:
    """Monthly hours of every site up to the reporting month."""
    return _Planner(rng, list(workers), reporting).plan(sites)


def quiet_month(sites: Sequence[Site], reporting: date) -> tuple[Site, date] | None:
    """The demo contractor's first site had a quiet August (site closed): no hours that month,
    and a "nothing to report" declaration instead of a missing report."""
    site = next(s for s in sites if s.lot.contractor == DEMO_CONTRACTOR)
    months = months_of(site.terms.start, min(site.terms.end, reporting))
    augusts = [m for m in months if m.month == 8]
    return (site, augusts[-1]) if augusts else None


def without(lines: Sequence[SheetLine], site: Site, month: date) -> list[SheetLine]:
    return [line for line in lines if not (line.site is site and line.month == month)]


@dataclass
class _Planner:
    """Monthly hours per site, given to small teams of people who stay a few months each;
    nobody works on two sites in the same month."""

    rng: random.Random
    workers: list[Worker]
    reporting: date
    busy: defaultdict[int, set[date]] = field(default_factory=lambda: defaultdict(set))

    def plan(self, sites: Sequence[Site]) -> list[SheetLine]:
        lines: list[SheetLine] = []
        ordered = sorted(sites, key=lambda site: site.terms.start)
        for index, site in enumerate(ordered):
            targets = self._targets(site, silent_months=2 + index % 2)
            lines += self._staff(site, targets)
            if site.lot.profile in (Profile.ON_TRACK, Profile.AT_RISK) and index % 3 == 0:
                lines += self._newcomer(site)
        return _merged(lines)

    def _targets(self, site: Site, silent_months: int) -> dict[date, Decimal]:
        """Hours per month up to the reporting month, noisy around the profile's pace."""
        terms = site.terms
        months = [m for m in months_of(terms.start, terms.end) if m <= self.reporting]
        if not months:
            return {}
        shares = _expected_shares(terms)
        weights = [shares[m] * Decimal(self.rng.uniform(0.6, 1.4)) for m in months]
        low, high = PACE[site.lot.profile]
        ended = terms.end < self.reporting
        due = sum(shares[m] for m in months) if not ended else Decimal(1)
        total = terms.committed_hours * due * Decimal(self.rng.uniform(low, high))
        scale = total / sum(weights)
        targets = {
            m: max(Decimal(7), _halves(w * scale)) for m, w in zip(months, weights, strict=True)
        }
        if site.lot.profile is Profile.SILENT:
            for month in months[-silent_months:]:
                targets.pop(month)
        return targets

    def _staff(self, site: Site, targets: dict[date, Decimal]) -> list[SheetLine]:
        lines: list[SheetLine] = []
        team: list[_Stint] = []
        for month, total in targets.items():
            team = [stint for stint in team if stint.until >= month]
            while len(team) < ceil(total / TEAM_SHARE):
                team.append(self._hire(site, month))
            for stint, hours in zip(team, self._split(total, len(team)), strict=True):
                lines.append(
                    SheetLine(
                        site, stint.worker.key, month, hours, stint.employment_type, stint.employer
                    )
                )
        return lines

    def _split(self, total: Decimal, parts: int) -> list[Decimal]:
        """`total` hours among `parts` people, none over a full month, in half hours."""
        weights = [Decimal(self.rng.uniform(0.7, 1.3)) for _ in range(parts)]
        hours = [min(FULL_TIME_MONTH, _halves(total * w / sum(weights))) for w in weights]
        return [max(HALF, h) for h in hours]

    def _hire(self, site: Site, month: date) -> _Stint:
        until = min(add_months(month, self.rng.randint(2, 6)), site.terms.end)
        months = set(months_of(month, until))
        worker = self._free_worker(site.lot.trade, months, validated=True)
        self.busy[worker.key] |= months
        employment_type = self.rng.choices(
            list(EMPLOYMENT_WEIGHTS), weights=list(EMPLOYMENT_WEIGHTS.values())
        )[0]
        employer = self.rng.choice(
            INTERMEDIARIES.get(employment_type, (CONTRACTORS[site.lot.contractor],))
        )
        return _Stint(worker, until, employment_type, employer)

    def _free_worker(self, trade: str, months: set[date], *, validated: bool) -> Worker:
        """Someone free those months, often one who wants this trade."""
        same_status = [w for w in self.workers if w.is_validated == validated]
        free = [w for w in same_status if not self.busy[w.key] & months]
        wanting = [w for w in free if trade in w.wanted_trades]
        if wanting and self.rng.random() < 0.6:
            return self.rng.choice(wanting)
        return self.rng.choice(free or same_status)

    def _newcomer(self, site: Site) -> list[SheetLine]:
        """A recent hire whose eligibility is not validated yet: pending hours, last month."""
        month = self.reporting
        if not is_active(site.terms, month):
            return []
        worker = self._free_worker(site.lot.trade, {month}, validated=False)
        self.busy[worker.key].add(month)
        hours = Decimal(self.rng.choice((35, 49, 70, 84, 105)))
        interim = EmploymentType.INTERIM
        return [SheetLine(site, worker.key, month, hours, interim, INTERMEDIARIES[interim][0])]


def _halves(hours: Decimal) -> Decimal:
    return (hours / HALF).quantize(Decimal(1)) * HALF


def _merged(lines: list[SheetLine]) -> list[SheetLine]:
    """One line per hour-entry key, should the same person be drawn twice for a month."""
    by_key: dict[tuple[str, int, date, EmploymentType], SheetLine] = {}
    for line in lines:
        key = (line.site.reference, line.worker, line.month, line.employment_type)
        if key in by_key:
            first = by_key[key]
            line = replace(first, hours=min(FULL_TIME_MONTH, first.hours + line.hours))
        by_key[key] = line
    return list(by_key.values())


def _expected_shares(terms: ContractTerms) -> dict[date, Decimal]:
    """Each month's share of the commitment, as the compliance rules expect it."""
    return {
        month: (expected_hours(terms, month) - expected_hours(terms, previous_month(month)))
        / terms.committed_hours
        for month in months_of(terms.start, terms.end)
    }
