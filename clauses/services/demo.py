"""A demo world for Seine-Saint-Denis' "Bâtissons nos emplois": buyers, contractors, operations,
contracts, participants and about two and a half years of monthly hours, up to last month.

Dates are set relative to the day it is loaded, so the demo always looks current; the same day
gives the same world (a seeded random generator). Contracts are written so each status shows:
on track, at risk, behind, not reporting lately, ended fulfilled or short, not started. It loads
only into an empty database (DatabaseNotEmpty otherwise), so it never mixes with real data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from math import ceil

import sqlalchemy as sa
from sqlalchemy.orm import Session
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from clauses.errors import DatabaseNotEmpty
from clauses.models import (
    BatchLine,
    Contract,
    Criterion,
    EmploymentType,
    HourEntry,
    ImportBatch,
    NoHoursDeclaration,
    Operation,
    Organisation,
    OrganisationKind,
    Participant,
    Role,
    ScheduledHours,
    Sex,
    User,
)
from clauses.rules.dates import add_months, first_day_of_month, last_day_of_month, previous_month
from clauses.rules.names import normalise_name
from clauses.services import accounts, audit, hours_summary

DEMO_PASSWORD = "demo-clauses-2024"
SEED = 93
PARTICIPANT_COUNT = 150
TO_VERIFY_COUNT = 20
FULL_MONTH = Decimal("151.67")  # 35 hours a week
HALF = Decimal("0.5")

TEAM = "Mission clauses sociales 93 — Bâtissons nos emplois"
DEPARTEMENT = "Département de la Seine-Saint-Denis"
# Buyers and the prefix of their contract references.
BUYERS = {
    DEPARTEMENT: "DEP93",
    "Seine-Saint-Denis Habitat": "SSDH",
    "Ville de Saint-Denis": "VSD",
    "Ville de Montreuil": "VMO",
    "Est Ensemble": "EE",
}
CONTRACTORS = {
    "lefevre": "Constructions Lefèvre SAS",
    "plaine": "Bâti Plaine SAS",
    "hydro": "Hydro Services Est",
    "elec": "Électricité Moderne 93",
    "ourcq": "Menuiseries de l'Ourcq",
    "bondy": "Peintures et Sols de Bondy",
    "isolbat": "Isolbat",
    "route": "TP Route Est",
    "bourget": "Couvertures du Bourget",
    "metal": "Métallerie d'Aulnay",
}
DEMO_CONTRACTOR = "lefevre"
# Insertion often goes through an ETTI, a GEIQ or an SIAE rather than the contractor itself.
INTERMEDIARIES = {
    EmploymentType.INTERIM: ("Tremplin Intérim 93", "Id'ées Intérim Est parisien"),
    EmploymentType.GEIQ: ("GEIQ BTP Île-de-France",),
    EmploymentType.IAE: ("Régie de quartier de Saint-Denis", "ACI Bâtir ensemble Montreuil"),
}
EMPLOYMENT_WEIGHTS = {
    EmploymentType.INTERIM: 34,
    EmploymentType.CDD: 22,
    EmploymentType.GEIQ: 10,
    EmploymentType.IAE: 10,
    EmploymentType.APPRENTICESHIP: 8,
    EmploymentType.PROFESSIONALISATION: 8,
    EmploymentType.CDI: 6,
    EmploymentType.TRAINING: 2,
}
EMPLOYMENT_LABELS = {
    EmploymentType.CDI: "CDI",
    EmploymentType.CDD: "CDD",
    EmploymentType.INTERIM: "Intérim",
    EmploymentType.GEIQ: "GEIQ",
    EmploymentType.APPRENTICESHIP: "Apprentissage",
    EmploymentType.PROFESSIONALISATION: "Contrat de professionnalisation",
    EmploymentType.TRAINING: "Formation",
    EmploymentType.IAE: "IAE",
    EmploymentType.OTHER: "Autre",
}


class Profile(StrEnum):
    """How a demo contract's hours go, relative to the linear expectation."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    SILENT = "silent"  # on track, then nothing sent for the last months
    FULFILLED = "fulfilled"  # ended with more than its commitment
    ENDED_SHORT = "ended_short"
    NOT_STARTED = "not_started"


# Share of the expected hours each profile reaches (ended ones: share of the commitment).
PACE = {
    Profile.ON_TRACK: (1.0, 1.2),
    Profile.AT_RISK: (0.66, 0.82),
    Profile.BEHIND: (0.3, 0.5),
    Profile.SILENT: (0.95, 1.1),
    Profile.FULFILLED: (1.04, 1.12),
    Profile.ENDED_SHORT: (0.6, 0.75),
    Profile.NOT_STARTED: (0.0, 0.0),
}


@dataclass(frozen=True)
class Lot:
    trade: str
    contractor: str  # a key of CONTRACTORS
    lag: int  # months after the operation's start
    months: int
    hours: int
    profile: Profile
    scheduled: bool = False  # has a monthly "Échéancier"


@dataclass(frozen=True)
class OperationSpec:
    buyer: str
    name: str
    commune: str
    start: int  # months from the reporting month (last month): negative is in the past
    lots: tuple[Lot, ...]


P = Profile
OPERATIONS = (
    OperationSpec(DEPARTEMENT, "Collège Jean-Jaurès — reconstruction", "Pantin", -20, (
        Lot("Gros œuvre", "lefevre", 0, 24, 4200, P.ON_TRACK),
        Lot("VRD", "route", 0, 8, 600, P.FULFILLED),
        Lot("Plomberie", "hydro", 6, 16, 900, P.AT_RISK),
        Lot("Électricité", "elec", 6, 16, 1000, P.ON_TRACK),
        Lot("Menuiserie", "ourcq", 10, 12, 700, P.BEHIND),
        Lot("Peinture", "bondy", 14, 8, 500, P.ON_TRACK),
    )),
    OperationSpec(DEPARTEMENT, "Gymnase Paul-Éluard", "Bobigny", -30, (
        Lot("Gros œuvre", "lefevre", 0, 16, 3000, P.FULFILLED),
        Lot("Couverture", "bourget", 8, 8, 600, P.ENDED_SHORT),
        Lot("Plomberie", "hydro", 8, 12, 900, P.FULFILLED),
        Lot("Électricité", "elec", 8, 12, 800, P.ENDED_SHORT),
        Lot("Peinture", "bondy", 16, 6, 400, P.FULFILLED),
    )),
    OperationSpec(DEPARTEMENT, "Collège Pablo-Neruda — extension", "Aulnay-sous-Bois", -8, (
        Lot("Gros œuvre", "lefevre", 0, 18, 2600, P.SILENT),
        Lot("Serrurerie, métallerie", "metal", 4, 10, 450, P.ON_TRACK),
        Lot("Électricité", "elec", 5, 12, 700, P.ON_TRACK),
        Lot("Isolation", "isolbat", 6, 10, 500, P.BEHIND),
    )),
    OperationSpec(DEPARTEMENT, "Collège Jorissen — rénovation thermique", "Drancy", 2, (
        Lot("Isolation", "isolbat", 0, 14, 1500, P.NOT_STARTED),
    )),
    OperationSpec("Seine-Saint-Denis Habitat", "Résidence Les Tilleuls — 180 logements",
                  "Aubervilliers", -14, (
        Lot("Isolation", "isolbat", 0, 20, 2400, P.BEHIND),
        Lot("Menuiserie", "ourcq", 2, 16, 1200, P.ON_TRACK),
        Lot("Plomberie", "hydro", 2, 18, 1100, P.SILENT),
        Lot("Peinture", "bondy", 8, 12, 800, P.AT_RISK),
        Lot("Couverture", "bourget", 0, 10, 500, P.FULFILLED),
    )),
    OperationSpec("Seine-Saint-Denis Habitat", "Cité Floréal — 64 logements neufs",
                  "Saint-Denis", -5, (
        Lot("Gros œuvre", "plaine", 0, 22, 5200, P.ON_TRACK, scheduled=True),
        Lot("VRD", "route", 0, 6, 500, P.AT_RISK),
        Lot("Électricité", "elec", 3, 18, 1300, P.ON_TRACK),
        Lot("Plomberie", "hydro", 3, 18, 1200, P.ON_TRACK),
    )),
    OperationSpec("Ville de Saint-Denis", "Groupe scolaire Casanova — réhabilitation",
                  "Saint-Denis", -18, (
        Lot("Gros œuvre", "plaine", 0, 20, 2400, P.AT_RISK),
        Lot("Plâtrerie", "isolbat", 6, 14, 800, P.ON_TRACK),
        Lot("Menuiserie", "ourcq", 8, 12, 600, P.ON_TRACK),
        Lot("Revêtements de sols", "bondy", 12, 8, 400, P.BEHIND),
    )),
    OperationSpec("Ville de Montreuil", "Groupe scolaire Jules-Ferry — extension", "Montreuil",
                  -11, (
        Lot("Gros œuvre", "lefevre", 0, 16, 2000, P.ON_TRACK),
        Lot("Électricité", "elec", 4, 12, 600, P.SILENT),
        Lot("Chauffage, ventilation", "hydro", 4, 12, 700, P.ON_TRACK),
        Lot("Menuiserie", "ourcq", 6, 10, 500, P.AT_RISK),
    )),
    OperationSpec("Ville de Montreuil", "Gymnase Arthur-Ashe — construction", "Montreuil", -3, (
        Lot("Gros œuvre", "lefevre", 0, 14, 1800, P.ON_TRACK),
        Lot("Électricité", "elec", 1, 12, 500, P.AT_RISK),
        Lot("Couverture", "bourget", 2, 10, 400, P.ON_TRACK),
    )),
    OperationSpec("Est Ensemble", "Piscine Leclerc — rénovation", "Pantin", -16, (
        Lot("Gros œuvre", "plaine", 0, 12, 1400, P.FULFILLED),
        Lot("Étanchéité", "bourget", 4, 14, 600, P.ON_TRACK),
        Lot("Chauffage, ventilation", "hydro", 6, 14, 900, P.BEHIND),
        Lot("VRD", "route", 10, 8, 400, P.ON_TRACK),
    )),
)  # fmt: skip

# Communes of the département, weighted roughly by population, and their share of QPV residents.
COMMUNES = (
    ("Saint-Denis", 12, 0.8), ("Montreuil", 11, 0.5), ("Aubervilliers", 9, 0.85),
    ("Aulnay-sous-Bois", 8, 0.5), ("Bobigny", 5, 0.8), ("Drancy", 7, 0.45), ("Pantin", 6, 0.5),
    ("Noisy-le-Grand", 6, 0.3), ("Bondy", 5, 0.55), ("Sevran", 5, 0.75),
    ("Épinay-sur-Seine", 5, 0.7), ("Saint-Ouen-sur-Seine", 5, 0.45), ("La Courneuve", 4, 0.9),
    ("Clichy-sous-Bois", 3, 0.95), ("Stains", 3, 0.85), ("Bagnolet", 3, 0.5),
    ("Pierrefitte-sur-Seine", 3, 0.7), ("Villepinte", 3, 0.5), ("Le Blanc-Mesnil", 5, 0.55),
    ("Romainville", 3, 0.4), ("Noisy-le-Sec", 4, 0.55), ("Rosny-sous-Bois", 4, 0.3),
)  # fmt: skip
LAST_NAMES = (
    "Diallo", "Traoré", "Koné", "Camara", "Cissé", "Diarra", "Sylla", "Touré", "Konaté", "Fofana",
    "N'Diaye", "Ba", "Sow", "Kouassi", "N'Guessan", "Mendy", "Gomis", "Benali", "Haddad",
    "Mansouri", "Belkacem", "Bouzid", "Cherif", "Hamidi", "Saïdi", "Amrani", "Benaïssa", "Ziani",
    "Nguyen", "Tran", "Pham", "Chen", "Wang", "Pereira", "Da Silva", "Ferreira", "Rodrigues",
    "Gonçalves", "Dos Santos", "Lopes", "Martin", "Bernard", "Dubois", "Moreau", "Laurent",
    "Lefebvre", "Garcia", "Martinez", "Petit", "Durand", "Leroy", "Roux", "Fontaine", "Mercier",
    "Le Goff", "Kerbrat", "Yilmaz", "Kaya", "Demir", "Popescu", "Ionescu", "Joseph",
    "Pierre-Louis", "Jean-Baptiste", "Singh", "Rahman", "Hossain", "Khan", "Ali", "Dupont-Moreau",
)  # fmt: skip
FIRST_NAMES = {
    Sex.FEMALE: (
        "Aïcha", "Fatoumata", "Awa", "Mariam", "Aminata", "Kadiatou", "Djeneba", "Sophie",
        "Julie", "Camille", "Léa", "Inès", "Yasmine", "Sarah", "Nadia", "Samira", "Leïla",
        "Malika", "Fatima", "Thi Lan", "Linh", "Mei", "Ana", "Maria", "Sandra", "Élodie", "Laura",
        "Hélène", "Chloé", "Manon", "Priya", "Zeynep", "Elif", "Ioana", "Nour", "Océane",
    ),
    Sex.MALE: (
        "Mamadou", "Moussa", "Ibrahim", "Abdoulaye", "Seydou", "Adama", "Boubacar", "Karim",
        "Mehdi", "Yacine", "Rachid", "Sofiane", "Bilal", "Mohamed", "Youssef", "Omar", "Hamza",
        "Nicolas", "Thomas", "Julien", "Kévin", "Lucas", "Hugo", "Jean", "Pierre", "João",
        "Carlos", "Miguel", "David", "Samuel", "Benoît", "Anthony", "Van Minh", "Duc", "Wei",
        "Emre", "Mustafa", "Andrei", "Rajesh", "Tariq", "Dylan", "Enzo",
    ),
}  # fmt: skip
QPV_SHARE = {name: share for name, _, share in COMMUNES}
TRADES = sorted({lot.trade for spec in OPERATIONS for lot in spec.lots})
# Women are a minority on sites: the programme counts them among its priority publics.
FEMALE_SHARE = 0.3
OTHER_CRITERIA = ("Parent isolé", "Bénéficiaire de l'ASS", "Sortant de l'Aide sociale à l'enfance")
ACCOUNTS = (
    ("admin@clauses.demo", Role.ADMIN, TEAM, "Claire Dumas"),
    ("facilitatrice@clauses.demo", Role.FACILITATOR, TEAM, "Samia Haddou"),
    ("acheteur@clauses.demo", Role.BUYER, DEPARTEMENT, "Julien Moreau"),
    ("entreprise@clauses.demo", Role.CONTRACTOR, CONTRACTORS[DEMO_CONTRACTOR], "Marc Lefèvre"),
)


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


@dataclass(frozen=True)
class _Line:
    """One participant's hours on a contract for a month: a batch line and its hour entry."""

    contract: Contract
    contractor_key: str
    person: Participant
    month: date
    hours: Decimal
    employment_type: EmploymentType
    employer: str


def load_demo(session: Session, today: date) -> DemoSummary:
    """Load the demo world as of `today` (hours up to last month). The caller commits."""
    _check_empty(session)
    rng = random.Random(SEED)
    reporting = previous_month(today)
    organisations = _organisations(session, rng)
    users = _accounts(session)
    contracts = _contracts(session, rng, organisations, reporting)
    people = _participants(session, rng, today, users[Role.FACILITATOR])
    session.flush()
    lines = _HoursPlanner(rng, people, reporting).plan(contracts)
    lines, declared = _declare_no_hours(
        session, contracts, lines, reporting, users[Role.CONTRACTOR]
    )
    _mark_availability(rng, people, lines, reporting)
    batches = _write_hours(session, rng, organisations, users, lines)
    hours_summary.refresh_all(session)
    summary = _summary(today, len(organisations), len(contracts), people, lines, batches)
    audit.record(
        session, None, "demo_loaded", "database", None,
        as_of=today, contracts=summary.contracts, participants=summary.participants,
        batches=batches, hour_entries=summary.hour_entries, no_hours_declarations=declared,
    )  # fmt: skip
    return summary


def _summary(
    today: date,
    organisations: int,
    contracts: int,
    people: list[Participant],
    lines: list[_Line],
    batches: int,
) -> DemoSummary:
    return DemoSummary(
        as_of=today,
        organisations=organisations,
        operations=len(OPERATIONS),
        contracts=contracts,
        participants=len(people),
        to_verify=sum(1 for p in people if not _is_validated(p)),
        batches=batches,
        hour_entries=len(lines),
        hours=sum((line.hours for line in lines), Decimal(0)),
        accounts=[DemoAccount(email, role, org) for email, role, org, _ in ACCOUNTS],
        password=DEMO_PASSWORD,
    )


def _check_empty(session: Session) -> None:
    counts = {
        "organisations": session.scalar(sa.select(sa.func.count(Organisation.id))) or 0,
        "comptes": session.scalar(sa.select(sa.func.count(User.id))) or 0,
        "marchés": session.scalar(sa.select(sa.func.count(Contract.id))) or 0,
        "participant·es": session.scalar(sa.select(sa.func.count(Participant.id))) or 0,
    }
    found = ", ".join(f"{count} {what}" for what, count in counts.items() if count)
    if found:
        raise DatabaseNotEmpty(
            f"La base contient déjà des données ({found}) : la démo ne se charge que dans une "
            "base vide (créez-en une avec CLAUSES_DATABASE_URL puis `clauses init-db`)."
        )


# ---------------------------------------------------------------------------------------------
# Organisations, accounts, operations and contracts


def demo_siret(rng: random.Random, public: bool) -> str:
    """A valid SIRET: a SIREN (public bodies' start with 2) and an establishment number, each
    closed by its Luhn check digit."""
    first = "2" if public else str(rng.randint(3, 9))
    siren = first + "".join(str(rng.randint(0, 9)) for _ in range(7))
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randint(1, 99):04d}"
    siret = body + luhn.calc_check_digit(body)
    return str(stdnum_siret.validate(siret))


def _organisations(session: Session, rng: random.Random) -> dict[str, Organisation]:
    """By name for buyers and the team, by key of CONTRACTORS for contractors."""
    found: dict[str, Organisation] = {
        TEAM: Organisation(name=TEAM, kind=OrganisationKind.FACILITATOR, email="clauses@demo.fr")
    }
    for name in BUYERS:
        found[name] = Organisation(
            name=name, kind=OrganisationKind.BUYER, siret=demo_siret(rng, public=True)
        )
    for key, name in CONTRACTORS.items():
        found[key] = Organisation(
            name=name, kind=OrganisationKind.CONTRACTOR, siret=demo_siret(rng, public=False)
        )
    session.add_all(found.values())
    return found


def _accounts(session: Session) -> dict[Role, User]:
    session.flush()
    return {
        role: accounts.save_user(
            session,
            actor=None,
            email=email,
            role=role,
            organisation_ref=organisation,
            password=DEMO_PASSWORD,
            full_name=full_name,
        )
        for email, role, organisation, full_name in ACCOUNTS
    }


def _contracts(
    session: Session,
    rng: random.Random,
    organisations: dict[str, Organisation],
    reporting: date,
) -> list[tuple[Contract, Lot]]:
    made = []
    for number, spec in enumerate(OPERATIONS, start=1):
        operation = Operation(name=spec.name, buyer=organisations[spec.buyer], commune=spec.commune)
        session.add(operation)
        start = add_months(reporting, spec.start)
        for lot_number, lot in enumerate(spec.lots, start=1):
            contract = _contract(rng, operation, spec, lot, start, (number, lot_number))
            contract.contractor = organisations[lot.contractor]
            if lot.scheduled:
                contract.schedule = _schedule(contract)
            session.add(contract)
            made.append((contract, lot))
    return made


def _contract(
    rng: random.Random,
    operation: Operation,
    spec: OperationSpec,
    lot: Lot,
    operation_start: date,
    numbers: tuple[int, int],
) -> Contract:
    first_month = add_months(operation_start, lot.lag)
    rate = Decimal(rng.choice((5, 5, 6, 7, 8, 10)))
    # Hours are about amount * rate * labour share / hourly cost: read backwards for an amount.
    amount = Decimal(round(lot.hours * 14 / (rate / 100), -3))
    contract = Contract(
        title=f"{spec.name.split(' — ')[0]} — lot {numbers[1]:02d} {lot.trade.lower()}",
        operation=operation,
        trade=lot.trade,
        commune=spec.commune,
        start_date=first_month + timedelta(days=rng.randint(0, 14)),
        end_date=last_day_of_month(add_months(first_month, lot.months - 1)),
        committed_hours=Decimal(lot.hours),
        amount=amount,
        insertion_rate=rate,
    )
    year = operation_start.year
    contract.set_reference(f"{BUYERS[spec.buyer]}-{year}-{numbers[0]:03d}-L{numbers[1]:02d}")
    return contract


def _schedule(contract: Contract) -> list[ScheduledHours]:
    """A gros œuvre curve: few hours while digging, most in the middle, fewer at the end."""
    months = _months(contract.start_date, contract.end_date)
    weights = [1 + min(i, len(months) - 1 - i) for i in range(len(months))]
    total = sum(weights)
    hours = [(contract.committed_hours * w / total).quantize(Decimal(1)) for w in weights]
    hours[len(hours) // 2] += contract.committed_hours - sum(hours)
    return [ScheduledHours(month=m, hours=h) for m, h in zip(months, hours, strict=True)]


def _months(start: date, end: date) -> list[date]:
    months, month = [], first_day_of_month(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


# ---------------------------------------------------------------------------------------------
# Participants


def _participants(
    session: Session, rng: random.Random, today: date, facilitator: User
) -> list[Participant]:
    people: list[Participant] = []
    seen: set[str] = set()
    while len(people) < PARTICIPANT_COUNT:
        sex = Sex.FEMALE if rng.random() < FEMALE_SHARE else Sex.MALE
        person = Participant(sex=sex, facilitator=facilitator)
        person.set_name(rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES[sex]))
        if person.name_key in seen:
            continue
        seen.add(person.name_key)
        _describe(rng, person, today)
        people.append(person)
    # The last ones registered are still "to verify": their hours stay pending.
    for person in people[-TO_VERIFY_COUNT:]:
        person.eligibility_validated_on = None
    session.add_all(people)
    return people


def _describe(rng: random.Random, person: Participant, today: date) -> None:
    age = rng.choice((rng.randint(18, 25), rng.randint(26, 49), rng.randint(26, 49)))
    age = rng.randint(50, 62) if rng.random() < 0.18 else age
    person.birth_date = today - timedelta(days=age * 365 + rng.randint(0, 364))
    person.commune = rng.choices([c[0] for c in COMMUNES], weights=[c[1] for c in COMMUNES])[0]
    person.is_qpv = rng.random() < QPV_SHARE[person.commune]
    person.set_criteria(_criteria(rng, age, person.is_qpv))
    person.other_criteria = rng.choice(OTHER_CRITERIA) if rng.random() < 0.04 else ""
    person.wanted_trades = "; ".join(rng.sample(TRADES, rng.choice((1, 1, 2))))
    person.eligibility_validated_on = today - timedelta(days=rng.randint(30, 900))


def _criteria(rng: random.Random, age: int, is_qpv: bool) -> set[Criterion]:
    chances = {
        Criterion.YOUNG_WITHOUT_QUALIFICATION: 0.7 if age < 26 else 0,
        Criterion.OVER_50: 0.85 if age >= 50 else 0,
        Criterion.RSA: 0.35,
        Criterion.LONG_TERM_JOB_SEEKER: 0.4 if age >= 26 else 0.1,
        Criterion.RQTH: 0.07,
        Criterion.REFUGEE: 0.05,
        Criterion.QPV_RESIDENT: 0.5 if is_qpv else 0,
        Criterion.SIAE_EMPLOYEE: 0.1,
    }
    chosen = {criterion for criterion, chance in chances.items() if rng.random() < chance}
    return chosen or {rng.choice((Criterion.RSA, Criterion.LONG_TERM_JOB_SEEKER))}


def _mark_availability(
    rng: random.Random, people: list[Participant], lines: list[_Line], reporting: date
) -> None:
    """People not on a site last month are mostly available for the next one."""
    working = {line.person.id for line in lines if line.month == reporting}
    for person in people:
        person.is_available = person.id not in working and rng.random() < 0.6


# ---------------------------------------------------------------------------------------------
# Hours


@dataclass
class _Stint:
    person: Participant
    until: date  # last month on this contract
    employment_type: EmploymentType
    employer: str


@dataclass
class _HoursPlanner:
    """Monthly hours per contract, given to small teams of people who stay a few months each;
    nobody works on two sites in the same month."""

    rng: random.Random
    people: list[Participant]
    reporting: date
    busy: defaultdict[int, set[date]] = field(default_factory=lambda: defaultdict(set))  # by id

    def plan(self, contracts: list[tuple[Contract, Lot]]) -> list[_Line]:
        lines: list[_Line] = []
        ordered = sorted(contracts, key=lambda pair: pair[0].start_date)
        for index, (contract, lot) in enumerate(ordered):
            targets = self._targets(contract, lot, silent_months=2 + index % 2)
            lines += self._staff(contract, lot, targets)
            if lot.profile in (Profile.ON_TRACK, Profile.AT_RISK) and index % 3 == 0:
                lines += self._newcomer(contract, lot)
        return _merged(lines)

    def _targets(self, contract: Contract, lot: Lot, silent_months: int) -> dict[date, Decimal]:
        """Hours per month up to the reporting month, noisy around the profile's pace."""
        months = [m for m in _months(contract.start_date, contract.end_date) if m <= self.reporting]
        if not months:
            return {}
        shares = _expected_shares(contract)
        weights = [shares[m] * Decimal(self.rng.uniform(0.6, 1.4)) for m in months]
        low, high = PACE[lot.profile]
        ended = contract.end_date < self.reporting
        due = sum(shares[m] for m in months) if not ended else Decimal(1)
        total = contract.committed_hours * due * Decimal(self.rng.uniform(low, high))
        scale = total / sum(weights)
        targets = {m: max(Decimal(7), (w * scale / HALF).quantize(Decimal(1)) * HALF)
                   for m, w in zip(months, weights, strict=True)}  # fmt: skip
        if lot.profile is Profile.SILENT:
            for month in months[-silent_months:]:
                targets.pop(month)
        return targets

    def _staff(self, contract: Contract, lot: Lot, targets: dict[date, Decimal]) -> list[_Line]:
        lines: list[_Line] = []
        team: list[_Stint] = []
        for month, total in targets.items():
            team = [stint for stint in team if stint.until >= month]
            while len(team) < ceil(total / Decimal(110)):
                team.append(self._hire(contract, lot, month))
            for stint, hours in zip(team, self._split(total, len(team)), strict=True):
                lines.append(
                    _Line(contract, lot.contractor, stint.person, month, hours,
                          stint.employment_type, stint.employer)
                )  # fmt: skip
        return lines

    def _split(self, total: Decimal, parts: int) -> list[Decimal]:
        """`total` hours among `parts` people, none over a full month, in half hours."""
        weights = [Decimal(self.rng.uniform(0.7, 1.3)) for _ in range(parts)]
        hours = [min(FULL_MONTH, (total * w / sum(weights) / HALF).quantize(Decimal(1)) * HALF)
                 for w in weights]  # fmt: skip
        return [max(HALF, h) for h in hours]

    def _hire(self, contract: Contract, lot: Lot, month: date) -> _Stint:
        until = min(add_months(month, self.rng.randint(2, 6)), contract.end_date)
        months = set(_months(month, until))
        person = self._free_person(lot.trade, months, validated=True)
        self.busy[person.id] |= months
        employment_type = self.rng.choices(
            list(EMPLOYMENT_WEIGHTS), weights=list(EMPLOYMENT_WEIGHTS.values())
        )[0]
        employer = self.rng.choice(
            INTERMEDIARIES.get(employment_type, (CONTRACTORS[lot.contractor],))
        )
        return _Stint(person, until, employment_type, employer)

    def _free_person(self, trade: str, months: set[date], *, validated: bool) -> Participant:
        """Someone free those months, often one who wants this trade."""
        same_status = [p for p in self.people if _is_validated(p) == validated]
        free = [p for p in same_status if not self.busy[p.id] & months]
        wanting = [p for p in free if trade in p.wanted_trades]
        if wanting and self.rng.random() < 0.6:
            return self.rng.choice(wanting)
        return self.rng.choice(free or same_status)

    def _newcomer(self, contract: Contract, lot: Lot) -> list[_Line]:
        """A recent hire whose eligibility is not validated yet: pending hours, last month."""
        month = self.reporting
        if not contract.start_date <= last_day_of_month(month) or contract.end_date < month:
            return []
        person = self._free_person(lot.trade, {month}, validated=False)
        self.busy[person.id].add(month)
        hours = Decimal(self.rng.choice((35, 49, 70, 84, 105)))
        return [
            _Line(contract, lot.contractor, person, month, hours, EmploymentType.INTERIM,
                  INTERMEDIARIES[EmploymentType.INTERIM][0])
        ]  # fmt: skip


def _is_validated(person: Participant) -> bool:
    return person.eligibility_validated_on is not None


def _merged(lines: list[_Line]) -> list[_Line]:
    """One line per hour-entry key, should the same person be drawn twice for a month."""
    by_key: dict[tuple[int, int, date, EmploymentType], _Line] = {}
    for line in lines:
        key = (line.contract.id, line.person.id, line.month, line.employment_type)
        if key in by_key:
            first = by_key[key]
            line = replace(first, hours=min(FULL_MONTH, first.hours + line.hours))
        by_key[key] = line
    return list(by_key.values())


def _expected_shares(contract: Contract) -> dict[date, Decimal]:
    """Each month's share of the commitment: its schedule if any, else linear over the days."""
    if contract.schedule:
        return {s.month: s.hours / contract.committed_hours for s in contract.schedule}
    days = Decimal((contract.end_date - contract.start_date).days + 1)
    shares = {}
    for month in _months(contract.start_date, contract.end_date):
        start = max(month, contract.start_date)
        end = min(last_day_of_month(month), contract.end_date)
        shares[month] = Decimal((end - start).days + 1) / days
    return shares


def _declare_no_hours(
    session: Session,
    contracts: list[tuple[Contract, Lot]],
    lines: list[_Line],
    reporting: date,
    contractor_user: User,
) -> tuple[list[_Line], int]:
    """The demo contractor's first contract had a quiet August (site closed): no hours that
    month, and a "nothing to report" declaration instead of a missing report."""
    contract = next(c for c, lot in contracts if lot.contractor == DEMO_CONTRACTOR)
    augusts = [
        m for m in _months(contract.start_date, min(contract.end_date, reporting)) if m.month == 8
    ]
    if not augusts:
        return lines, 0
    month = augusts[-1]
    kept = [line for line in lines if not (line.contract is contract and line.month == month)]
    session.add(
        NoHoursDeclaration(
            contract_id=contract.id,
            month=month,
            declared_by_id=contractor_user.id,
            declared_at=datetime.combine(add_months(month, 1) + timedelta(days=3), time(10), UTC),
        )
    )
    return kept, 1


def _write_hours(
    session: Session,
    rng: random.Random,
    organisations: dict[str, Organisation],
    users: dict[Role, User],
    lines: list[_Line],
) -> int:
    """One batch per contractor and month, as if each had sent a CSV early the next month;
    lines and entries are inserted in bulk."""
    grouped: defaultdict[tuple[str, date], list[_Line]] = defaultdict(list)
    for line in lines:
        grouped[(line.contractor_key, line.month)].append(line)
    batches = {}
    for (key, month), batch_lines in sorted(grouped.items(), key=lambda item: item[0][1]):
        uploader = users[Role.CONTRACTOR if key == DEMO_CONTRACTOR else Role.FACILITATOR]
        batches[(key, month)] = _batch(rng, organisations[key], uploader, month, batch_lines)
    session.add_all(batches.values())
    session.flush()
    line_rows, entry_rows = [], []
    for (key, month), batch_lines in grouped.items():
        batch = batches[(key, month)]
        for row, line in enumerate(batch_lines, start=2):  # row 1 is the CSV's header
            values = _line_values(line, batch.id)
            line_rows.append({**values, "sheet": "csv", "row": row})
            entry_rows.append(values)
    session.execute(sa.insert(BatchLine), line_rows)
    session.execute(sa.insert(HourEntry), entry_rows)
    return len(batches)


def _line_values(line: _Line, batch_id: int) -> dict[str, object]:
    return {
        "batch_id": batch_id,
        "contract_id": line.contract.id,
        "participant_id": line.person.id,
        "month": line.month,
        "employment_type": line.employment_type,
        "employer": line.employer,
        "hours": line.hours,
    }


def _batch(
    rng: random.Random,
    contractor: Organisation,
    uploader: User,
    month: date,
    lines: list[_Line],
) -> ImportBatch:
    content = _csv(lines)
    sent_on = add_months(month, 1) + timedelta(days=rng.randint(2, 9))
    hours = sum((line.hours for line in lines), Decimal(0))
    return ImportBatch(
        filename=f"releve-{_slug(contractor.name)}-{month:%Y-%m}.csv",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        file_format="demo",
        uploaded_by_id=uploader.id,
        contractor_id=contractor.id,
        uploaded_at=datetime.combine(sent_on, time(9, rng.randint(0, 59)), UTC),
        as_of=sent_on,
        rows_accepted=len(lines),
        hours_accepted=hours,
        report={"errors": [], "warnings": []},
    )


def _csv(lines: list[_Line]) -> bytes:
    """The timesheet as a contractor would send it, so the batch can be downloaded as sent."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["Référence marché", "Nom", "Prénom", "Date de naissance", "Mois", "Heures",
         "Type de contrat", "Employeur"]
    )  # fmt: skip
    for line in lines:
        writer.writerow(
            [line.contract.reference, line.person.last_name.upper(), line.person.first_name,
             f"{line.person.birth_date:%d/%m/%Y}", f"{line.month:%m/%Y}",
             f"{line.hours.normalize():f}".replace(".", ","),
             EMPLOYMENT_LABELS[line.employment_type], line.employer]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def _slug(name: str) -> str:
    return normalise_name(name).lower().replace(" ", "-")
