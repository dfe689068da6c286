"""The demo's reference data, written as the clause team keeps it: organisations with valid
SIRETs, the demo accounts (through the accounts service), operations, contracts with their
schedules, and participants."""

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from clauses.models import (
    Contract,
    Criterion,
    Operation,
    Organisation,
    OrganisationKind,
    Participant,
    ScheduledHours,
    Sex,
    User,
)
from clauses.rules.dates import add_months, last_day_of_month, months_of
from clauses.services import accounts
from clauses.services.contract_page import terms_of
from clauses.services.demo.catalogue import (
    ACCOUNTS,
    BUYERS,
    COMMUNES,
    CONTRACTORS,
    DEMO_PASSWORD,
    FEMALE_SHARE,
    FIRST_NAMES,
    LAST_NAMES,
    OPERATIONS,
    OTHER_CRITERIA,
    PARTICIPANT_COUNT,
    QPV_SHARE,
    TEAM,
    TO_VERIFY_COUNT,
    TRADES,
    Lot,
    OperationSpec,
)
from clauses.services.demo.simulator import Site, Worker


def demo_siret(rng: random.Random, public: bool) -> str:
    """A valid SIRET: a SIREN (public bodies' start with 2) and an establishment number, each
    closed by its Luhn check digit."""
    first = "2" if public else str(rng.randint(3, 9))
    siren = first + "".join(str(rng.randint(0, 9)) for _ in range(7))
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randint(1, 99):04d}"
    siret = body + luhn.calc_check_digit(body)
    return str(stdnum_siret.validate(siret))


def organisations(session: Session, rng: random.Random) -> dict[str, Organisation]:
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


def users(session: Session) -> dict[str, User]:
    """The demo's accounts, by e-mail."""
    session.flush()
    return {
        email: accounts.save_user(
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


def contracts(
    session: Session,
    rng: random.Random,
    found: dict[str, Organisation],
    reporting: date,
) -> list[tuple[Contract, Site]]:
    """Each lot of each operation, starting relative to the reporting month."""
    made = []
    for number, spec in enumerate(OPERATIONS, start=1):
        operation = Operation(name=spec.name, buyer=found[spec.buyer], commune=spec.commune)
        session.add(operation)
        start = add_months(reporting, spec.start)
        for lot_number, lot in enumerate(spec.lots, start=1):
            contract = _contract(rng, operation, spec, lot, start, (number, lot_number))
            contract.contractor = found[lot.contractor]
            if lot.scheduled:
                contract.schedule = _schedule(contract)
            session.add(contract)
            made.append((contract, Site(contract.reference, terms_of(contract), lot)))
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
    months = months_of(contract.start_date, contract.end_date)
    weights = [1 + min(i, len(months) - 1 - i) for i in range(len(months))]
    total = sum(weights)
    hours = [(contract.committed_hours * w / total).quantize(Decimal(1)) for w in weights]
    hours[len(hours) // 2] += contract.committed_hours - sum(hours)
    return [ScheduledHours(month=m, hours=h) for m, h in zip(months, hours, strict=True)]


def participants(
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


def workers(people: list[Participant]) -> list[Worker]:
    """The people as the simulator sees them, by index."""
    return [
        Worker(index, person.eligibility_validated_on is not None, person.wanted_trades)
        for index, person in enumerate(people)
    ]


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
