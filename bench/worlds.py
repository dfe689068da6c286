"""The status benchmark's world at national scale, planned from a seed, and its rows table by
table: dicts keyed by the models' column names, for bench/loader.py.

Contracts (a tenth with a monthly schedule), participants (most validated, a tenth to verify,
2 % validated after the status date), hour entries over the 36 months up to the reporting month,
written month after month as imports arrive, each with the batch line it came from, import
batches (10 a month), some "nothing to report" declarations (8 % of the contracts miss the last
report, half of them declared nothing), participant criteria, users and an audit log.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.common import FIRST, LAST
from bench.loader import Rows
from clauses.models import (
    AuditLog,
    BatchLine,
    BatchState,
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
    ParticipantCriterion,
    Role,
    ScheduledHours,
    Sex,
    User,
)
from clauses.rules.dates import add_months, last_day_of_month, months_between, months_of
from clauses.rules.names import name_key

MONTHS = 36
FACILITATOR = "facilitatrice@bench.example"
COMMUNES = [
    "Aubervilliers", "Aulnay-sous-Bois", "Bagnolet", "Bobigny", "Bondy", "Clichy-sous-Bois",
    "Drancy", "Épinay-sur-Seine", "La Courneuve", "Le Blanc-Mesnil", "Les Lilas", "Montreuil",
    "Noisy-le-Sec", "Pantin", "Pierrefitte-sur-Seine", "Romainville", "Rosny-sous-Bois",
    "Saint-Denis", "Saint-Ouen", "Sevran", "Stains", "Tremblay-en-France", "Villepinte",
    "Villetaneuse",
]  # fmt: skip
TRADES = [
    "Gros œuvre", "Second œuvre", "Électricité", "Plomberie", "Menuiserie", "Peinture", "Voirie",
    "Espaces verts",
]  # fmt: skip
E = EmploymentType
TYPES = [E.CDI, E.CDD, E.INTERIM, E.INTERIM, E.INTERIM, E.GEIQ, E.APPRENTICESHIP, E.IAE, E.OTHER]
CRITERIA = [
    Criterion.LONG_TERM_JOB_SEEKER,
    Criterion.RSA,
    Criterion.YOUNG_WITHOUT_QUALIFICATION,
    Criterion.QPV_RESIDENT,
]
ACTIONS = ["login"] * 12 + ["import", "import", "update", "create", "validate_eligibility"]


@dataclass
class ContractPlan:
    id: int
    start: date
    end: date
    team: list[tuple[int, EmploymentType]]  # participant id, employment type
    committed: int
    has_schedule: bool
    misses_last_report: bool
    declared_nothing: bool
    months: list[date] = field(default_factory=list)  # months with hours, inside the window


@dataclass
class World:
    """Everything the tables hold but the rows generated on the fly (entries, audit log)."""

    today: date
    as_of: date
    first_month: date
    last_month: date  # R, the reporting month of today
    contracts: list[ContractPlan]
    people: list[tuple[str, str, date, date | None]]  # last, first, birth, validated on
    buyers: int
    contractors: int
    operations: int
    batches: int
    audit_events: int
    seed: int

    @property
    def users(self) -> int:
        """An admin, the facilitator, then users of 50 contractors and of 20 buyers."""
        return 2 + min(50, self.contractors) + min(20, self.buyers)

    @property
    def months(self) -> list[date]:
        return [add_months(self.first_month, i) for i in range(MONTHS)]

    @property
    def contractor_ids(self) -> range:
        return range(self.buyers + 1, self.buyers + self.contractors + 1)


def plan_world(
    contracts: int, participants: int, entries: int, today: date, as_of: date, seed: int = 2026
) -> World:
    rng = random.Random(seed)
    last_month = add_months(today.replace(day=1), -1)
    first_month = add_months(last_month, -(MONTHS - 1))
    people = _people(rng, participants, as_of, today)
    plans = []
    for i in range(contracts):
        start_month = add_months(last_month, rng.randint(-(MONTHS - 1), 3))
        duration = rng.randint(6, 48)
        end = last_day_of_month(add_months(start_month, duration - 1))
        misses = rng.random() < 0.08
        plan = ContractPlan(
            i + 1,
            start_month.replace(day=1 + rng.randrange(28)),
            end,
            [],
            0,
            rng.random() < 0.1,
            misses,
            misses and rng.random() < 0.5,
        )
        plan.months = months_of(max(start_month, first_month), min(end, last_month))
        plans.append(plan)
    # Team sizes such that the entries add up to about `entries` (9 in 10 people report a month).
    contract_months = sum(len(p.months) for p in plans) or 1
    per_month = entries / contract_months / 0.9
    for plan in plans:
        size = max(1, round(per_month * rng.uniform(0.5, 1.5)))
        plan.team = [(p + 1, rng.choice(TYPES)) for p in rng.sample(range(participants), size)]
        duration = months_between(plan.start, plan.end)
        plan.committed = max(100, round(duration * size * 79 * 0.9 * rng.uniform(0.8, 1.5), -1))
    return World(
        today,
        as_of,
        first_month,
        last_month,
        plans,
        people,
        buyers=max(2, contracts // 80),
        contractors=max(2, contracts * 3 // 10),
        operations=max(1, contracts // 4),
        batches=MONTHS * 10,
        audit_events=max(1000, entries // 20),
        seed=seed,
    )


def _people(
    rng: random.Random, count: int, as_of: date, today: date
) -> list[tuple[str, str, date, date | None]]:
    seen: set[tuple[str, str, date]] = set()
    result: list[tuple[str, str, date, date | None]] = []
    recent_days = max(1, (today - as_of).days)
    while len(result) < count:
        last = rng.choice(LAST) + ("" if rng.random() < 0.6 else f"-{rng.choice(LAST)}")
        person = (
            last,
            rng.choice(FIRST),
            date(1960 + rng.randrange(46), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        )
        if person in seen:
            continue
        seen.add(person)
        roll = rng.random()
        if roll < 0.10:
            validated = None  # to verify
        elif roll < 0.12:
            validated = as_of + timedelta(days=1 + rng.randrange(recent_days))
        else:
            validated = as_of - timedelta(days=rng.randrange(4 * 365))
        result.append((*person, validated))
    return result


# Rows, table by table ------------------------------------------------------------------------


def stamp(day: date, seconds: int = 0) -> str:
    """A timestamp as SQLAlchemy stores it on SQLite and PostgreSQL reads it (UTC session)."""
    return f"{datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)}.000000"


def tables(world: World, password_hash: str, with_lines: bool) -> list[tuple[sa.Table, Rows]]:
    """Every table's rows, in an order the foreign keys accept."""
    created = stamp(world.first_month)
    return [
        (Organisation.__table__, _organisations(world, created)),
        (Operation.__table__, _operations(world)),
        (User.__table__, _users(world, password_hash, created)),
        (Contract.__table__, _contracts(world, created)),
        (ScheduledHours.__table__, _schedules(world)),
        *_participant_tables(world, created),
        (ImportBatch.__table__, _batches(world)),
        (NoHoursDeclaration.__table__, _declarations(world)),
        (HourEntry.__table__, hour_entries(world)),
        *([(BatchLine.__table__, batch_lines(world))] if with_lines else []),
        (AuditLog.__table__, audit_events(world)),
    ]


def _organisations(world: World, created: str) -> Rows:
    def organisation(id_: int, name: str, kind: OrganisationKind) -> dict[str, Any]:
        return {"id": id_, "name": name, "kind": kind, "created_at": created}

    rows = [organisation(b, f"Acheteur {b}", OrganisationKind.BUYER) for b in _buyer_ids(world)]
    rows += [
        organisation(c, f"Entreprise {c}", OrganisationKind.CONTRACTOR)
        for c in world.contractor_ids
    ]
    rows.append(organisation(_team_id(world), "Équipe clauses", OrganisationKind.FACILITATOR))
    return rows


def _buyer_ids(world: World) -> range:
    return range(1, world.buyers + 1)


def _team_id(world: World) -> int:
    return world.buyers + world.contractors + 1


def _operations(world: World) -> Rows:
    buyers = _buyer_ids(world)
    return [
        {
            "id": o,
            "name": f"Opération {o}",
            "buyer_id": buyers[o % len(buyers)],
            "commune": COMMUNES[o % len(COMMUNES)],
        }
        for o in range(1, world.operations + 1)
    ]


def _users(world: World, password_hash: str, created: str) -> Rows:
    def user(id_: int, email: str, role: Role, organisation: int | None) -> dict[str, Any]:
        return {
            "id": id_,
            "email": email,
            "password_hash": password_hash,
            "role": role,
            "organisation_id": organisation,
            "created_at": created,
        }

    rows = [
        user(1, "admin@bench.example", Role.ADMIN, None),
        user(2, FACILITATOR, Role.FACILITATOR, _team_id(world)),
    ]
    others = [*world.contractor_ids[:50], *_buyer_ids(world)[:20]]
    for n, org in enumerate(others, start=3):
        role = Role.BUYER if org <= world.buyers else Role.CONTRACTOR
        rows.append(user(n, f"user{n}@bench.example", role, org))
    return rows


def _contracts(world: World, created: str) -> Iterator[dict[str, Any]]:
    contractors = world.contractor_ids
    for c in world.contracts:
        reference = f"M{c.start.year}-{c.id:05d}"
        yield {
            "id": c.id,
            "reference": reference,
            "reference_key": Contract.key_of(reference),
            "title": f"Lot {c.id % 12 + 1} {TRADES[c.id % len(TRADES)].lower()}",
            "operation_id": 1 + (c.id - 1) * world.operations // len(world.contracts),
            "contractor_id": contractors[(c.id * 7919) % len(contractors)],
            "trade": TRADES[c.id % len(TRADES)],
            "commune": COMMUNES[c.id % len(COMMUNES)],
            "start_date": c.start,
            "end_date": c.end,
            "committed_hours": c.committed,
            "created_at": created,
            "updated_at": created,
        }


def _schedules(world: World) -> Iterator[dict[str, Any]]:
    n = 0
    for c in world.contracts:
        if not c.has_schedule:
            continue
        months = months_of(c.start, c.end)
        share = round(c.committed / len(months), 2)
        for month in months:
            n += 1
            yield {"id": n, "contract_id": c.id, "month": month, "hours": share}


def _participant_tables(world: World, created: str) -> list[tuple[Any, Rows]]:
    rng = random.Random(world.seed + 1)
    people, criteria = [], []
    for pid, (last, first, birth, validated) in enumerate(world.people, start=1):
        people.append(
            {
                "id": pid,
                "last_name": last,
                "first_name": first,
                "name_key": name_key(last, first),
                "birth_date": birth,
                "commune": rng.choice(COMMUNES),
                "sex": rng.choice((Sex.FEMALE, Sex.MALE)),
                "is_qpv": rng.random() < 0.3,
                "eligibility_validated_on": validated,
                "wanted_trades": rng.choice(TRADES),
                "is_available": rng.random() < 0.3,
                "facilitator_id": 2 if rng.random() < 0.5 else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        if validated is not None:
            for criterion in rng.sample(CRITERIA, 1 + rng.randrange(2)):
                criteria.append(
                    {"id": len(criteria) + 1, "participant_id": pid, "criterion": criterion}
                )
    return [(Participant.__table__, people), (ParticipantCriterion.__table__, criteria)]


def _batches(world: World) -> Iterator[dict[str, Any]]:
    per_month = world.batches // MONTHS
    contractors = world.contractor_ids
    for b in range(world.batches):
        month = add_months(world.first_month, b // per_month)
        arrived = add_months(month, 1) + timedelta(days=b % per_month)
        yield {
            "id": b + 1,
            "filename": f"releve-{month:%Y-%m}-{b % per_month}.xlsx",
            "content": b"",
            "sha256": f"{b:064x}",
            "file_format": "xlsx",
            "uploaded_by_id": 3 + b % 50,
            "contractor_id": contractors[b % len(contractors)],
            "uploaded_at": stamp(arrived, 3600),
            "as_of": arrived,
            "state": BatchState.COMMITTED,
        }


def _declarations(world: World) -> Rows:
    return [
        {
            "id": c.id,
            "contract_id": c.id,
            "month": world.last_month,
            "declared_by_id": 3,
            "declared_at": stamp(world.today),
        }
        for c in world.contracts
        if c.declared_nothing and world.last_month in c.months
    ]


def hour_entries(world: World) -> Iterator[dict[str, Any]]:
    """Month after month, as the imports bring them; 1 in 10 people skips a month. Dates and
    hours are text already: millions of rows convert nothing."""
    rng = random.Random(world.seed + 2)
    by_month: dict[date, list[ContractPlan]] = {}
    for plan in world.contracts:
        for month in plan.months:
            if month == world.last_month and plan.misses_last_report:
                continue
            by_month.setdefault(month, []).append(plan)
    per_month = world.batches // MONTHS
    entry_id = 0
    for index, month in enumerate(world.months):
        updated = stamp(add_months(month, 1), 7200)
        iso = month.isoformat()
        for plan in by_month.get(month, []):
            batch = index * per_month + plan.id % per_month + 1
            for participant, kind in plan.team:
                if rng.random() < 0.1:
                    continue
                entry_id += 1
                cents = rng.randrange(700, 15168)
                yield {
                    "id": entry_id,
                    "contract_id": plan.id,
                    "participant_id": participant,
                    "month": iso,
                    "employment_type": kind,
                    "employment_type_text": kind.value,
                    "employer": "ETTI 93" if kind is EmploymentType.INTERIM else "",
                    "hours": f"{cents // 100}.{cents % 100:02d}",
                    "batch_id": batch,
                    "updated_at": updated,
                }


def batch_lines(world: World) -> Iterator[dict[str, Any]]:
    """The accepted row each entry came from (the same generator, so the same values)."""
    for entry in hour_entries(world):
        del entry["updated_at"]
        yield {**entry, "sheet": "Heures", "row": 2 + entry["id"] % 5000}


def audit_events(world: World) -> Iterator[dict[str, Any]]:
    rng = random.Random(world.seed + 3)
    span = (world.today - world.first_month).days * 86400
    users = world.users
    for n, offset in enumerate(sorted(rng.randrange(span) for _ in range(world.audit_events)), 1):
        action = rng.choice(ACTIONS)
        kind, target = {
            "login": ("user", rng.randint(1, users)),
            "import": ("import_batch", rng.randint(1, world.batches)),
            "validate_eligibility": ("participant", rng.randint(1, len(world.people))),
        }.get(action, ("contract", rng.randint(1, len(world.contracts))))
        yield {
            "id": n,
            "at": stamp(world.first_month, offset),
            "user_id": rng.randint(1, users),
            "action": action,
            "object_type": kind,
            "object_id": str(target),
            "details": "{}",
        }
