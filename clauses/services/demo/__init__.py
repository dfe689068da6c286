"""A demo world for Seine-Saint-Denis' "Bâtissons nos emplois": buyers, contractors, operations,
contracts, participants and about two and a half years of monthly hours, up to last month.

Dates are set relative to the day it is loaded, so the demo always looks current; the same day
gives the same world (a seeded random generator). Contracts are written so each status shows:
on track, at risk, behind, not reporting lately, ended fulfilled or short, not started. It loads
only into an empty database (DatabaseNotEmpty otherwise), so it never mixes with real data.

catalogue.py holds what the world is made of, simulator.py makes its hours, records.py writes
its reference data and sheets.py sends its hours through the services contractors use.
"""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.errors import DatabaseNotEmpty
from clauses.models import Contract, Organisation, Participant, Role, User
from clauses.rules.dates import previous_month
from clauses.services import audit, communes
from clauses.services.demo import placements, records, sheets, simulator
from clauses.services.demo.catalogue import (
    ACCOUNTS,
    CONTRACTOR_ACCOUNT,
    CONTRACTORS,
    DEMO_PASSWORD,
    DEPARTEMENT,
    FACILITATOR_ACCOUNT,
    OPERATIONS,
    SEED,
)
from clauses.services.demo.records import demo_siret

__all__ = ["ACCOUNTS", "DEMO_PASSWORD", "DEPARTEMENT", "DemoSummary", "demo_siret", "load_demo"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    organisation: str


@dataclass(frozen=True)
class DemoSummary:
    as_of: date
    organisations: int
    operations: int
    contracts: int
    participants: int
    to_verify: int
    batches: int
    hour_entries: int
    hours: Decimal
    accounts: list[DemoAccount]
    password: str
    placements: int = 0
    job_offers: int = 0


def load_demo(session: Session, today: date) -> DemoSummary:
    """Load the demo world as of `today` (hours up to last month). The caller commits."""
    _check_empty(session)
    rng = random.Random(SEED)
    reporting = previous_month(today)
    organisations = records.organisations(session, rng)
    users = records.users(session)
    contracts = records.contracts(session, rng, organisations, reporting)
    people = records.participants(session, rng, today, users[FACILITATOR_ACCOUNT])
    session.flush()
    communes.resolve_stored(session, communes.resolver(session))
    sites = [site for _, site in contracts]
    lines = simulator.simulate(rng, sites, records.workers(people), reporting)
    quiet = simulator.quiet_month(sites, reporting)
    if quiet is not None:
        site, month = quiet
        lines = simulator.without(lines, site, month)
        contract = next(c for c, s in contracts if s is site)
        sheets.declare_quiet_month(session, contract, month, users[CONTRACTOR_ACCOUNT], today)
    _mark_availability(rng, people, lines, reporting)
    contractors = {key: organisations[key] for key in CONTRACTORS}
    batches = sheets.send_sheets(session, rng, lines, people, contractors, users, today)
    placements.add_contacts(people)
    made = placements.add_placements(
        session, people, [c for c, _ in contracts], lines, users, today
    )
    summary = _summary(today, len(organisations), len(contracts), people, lines, batches, made)
    audit.record(
        session, None, "demo_loaded", "database", None,
        as_of=today, contracts=summary.contracts, participants=summary.participants,
        batches=batches, hour_entries=summary.hour_entries,
        no_hours_declarations=int(quiet is not None),
    )  # fmt: skip
    return summary


def _summary(
    today: date,
    organisations: int,
    contracts: int,
    people: list[Participant],
    lines: list[simulator.SheetLine],
    batches: int,
    made: placements.Made,
) -> DemoSummary:
    return DemoSummary(
        as_of=today,
        organisations=organisations,
        operations=len(OPERATIONS),
        contracts=contracts,
        participants=len(people),
        to_verify=sum(1 for p in people if p.eligibility_validated_on is None),
        batches=batches,
        hour_entries=len(lines),
        hours=sum((line.hours for line in lines), Decimal(0)),
        accounts=[DemoAccount(email, role, org) for email, role, org, _ in ACCOUNTS],
        password=DEMO_PASSWORD,
        placements=made.placements,
        job_offers=made.job_offers,
    )


def _mark_availability(
    rng: random.Random, people: list[Participant], lines: list[simulator.SheetLine], reporting: date
) -> None:
    """People not on a site last month are mostly available for the next one."""
    working = {line.worker for line in lines if line.month == reporting}
    for index, person in enumerate(people):
        person.is_available = index not in working and rng.random() < 0.6


def _check_empty(session: Session) -> None:
    counts = {
        "organisations": session.scalar(sa.select(sa.func.count(Organisation.id))) or 0,
        "accounts": session.scalar(sa.select(sa.func.count(User.id))) or 0,
        "contracts": session.scalar(sa.select(sa.func.count(Contract.id))) or 0,
        "participants": session.scalar(sa.select(sa.func.count(Participant.id))) or 0,
    }
    if any(counts.values()):
        raise DatabaseNotEmpty(**counts)
