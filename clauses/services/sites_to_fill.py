"""Where to send people: every site with insertion places to fill or an open job offer, grouped
by trade and commune, with how many candidates each has, the most urgent first (behind, then
the most places to fill). The facilitators' daily start.

It needs every contract's status (services/compliance.statuses, the one computation of them),
then one query for the sites, one for their open offers, and one reading of everyone's trades and
communes for the counts (services/candidates.CandidatePool).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.access import policy
from clauses.models import Contract, Organisation, User
from clauses.rules.compliance import Status
from clauses.services import candidates, compliance, job_offers


@dataclass(frozen=True)
class Site:
    """What the page shows of a contract (read as plain rows: thousands of them)."""

    id: int
    reference: str
    reference_key: str
    title: str
    trade: str
    commune: str
    commune_insee: str | None
    contractor: str


@dataclass(frozen=True)
class SiteToFill:
    contract: Site
    status: Status
    open_places: int
    offers: list[job_offers.OfferRow]  # the open ones
    counts: candidates.CandidateCount

    @property
    def is_behind(self) -> bool:
        return self.status is Status.BEHIND

    @property
    def offer_places(self) -> int:
        return sum(row.places_left for row in self.offers)

    @property
    def to_fill(self) -> int:
        """Places to fill: the computed ones, or the offers' when they ask for more."""
        return max(self.open_places, self.offer_places)


@dataclass
class SiteGroup:
    trade: str
    commune: str
    sites: list[SiteToFill] = field(default_factory=list)

    @property
    def is_behind(self) -> bool:
        return any(site.is_behind for site in self.sites)

    @property
    def to_fill(self) -> int:
        return sum(site.to_fill for site in self.sites)


def _urgency(site: SiteToFill) -> tuple[bool, int, str]:
    return (not site.is_behind, -site.to_fill, site.contract.reference_key)


def sites_to_fill(session: Session, viewer: User, as_of: date) -> list[SiteGroup]:
    """The viewer's sites with places to fill or an open offer, in groups of one trade and
    commune: groups with a site behind first, then by places to fill; the same inside a group."""
    scope = policy.contracts_of(viewer)
    statuses = {s.contract_id: s.compliance for s in compliance.statuses(session, as_of, scope)}
    offers: defaultdict[int, list[job_offers.OfferRow]] = defaultdict(list)
    for row in job_offers.open_rows(session, viewer, running_on=as_of):
        offers[row.offer.contract_id].append(row)
    wanted = [cid for cid, c in statuses.items() if c.open_places > 0 or cid in offers]
    found = _contracts(session, wanted)
    counts = candidates.candidate_counts(session, found, as_of)
    groups: dict[tuple[str, str], SiteGroup] = {}
    for contract in found:
        c = statuses[contract.id]
        site = SiteToFill(
            contract, c.status, c.open_places, offers[contract.id], counts[contract.id]
        )
        key = (contract.trade, contract.commune)
        groups.setdefault(key, SiteGroup(*key)).sites.append(site)
    for group in groups.values():
        group.sites.sort(key=_urgency)
    return sorted(groups.values(), key=lambda g: (not g.is_behind, -g.to_fill, g.trade, g.commune))


CHUNK = 500


def _contracts(session: Session, ids: list[int]) -> list[Site]:
    found: list[Site] = []
    for start in range(0, len(ids), CHUNK):
        stmt = (
            sa.select(
                Contract.id,
                Contract.reference,
                Contract.reference_key,
                Contract.title,
                Contract.trade,
                Contract.commune,
                Contract.commune_insee,
                Organisation.name,
            )
            .join(Organisation, Organisation.id == Contract.contractor_id)
            .where(Contract.id.in_(ids[start : start + CHUNK]))
        )
        found.extend(Site(*row) for row in session.execute(stmt))
    return found
