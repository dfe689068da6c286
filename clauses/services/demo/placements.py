"""The demo's contact details, job offers and placements, as the clause team would have recorded
them over the last months: every state shows (proposals without an answer too), hires whose
hours arrived through the sheets, and one hire whose hours have not. A generator of their own,
so the rest of the world (people, hours) is the same with or without them."""

import random
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from clauses.models import (
    Contract,
    EmploymentType,
    JobOffer,
    Participant,
    Placement,
    PlacementState,
    User,
)
from clauses.rules.dates import add_months, first_day_of_month, last_day_of_month, previous_month
from clauses.services.demo.catalogue import CONTRACTOR_ACCOUNT, FACILITATOR_ACCOUNT
from clauses.services.demo.simulator import SheetLine

SEED = 1493
S = PlacementState
REFUSALS = (
    "Poste pourvu en interne",
    "Pas de permis B, chantier mal desservi",
    "Horaires incompatibles avec la garde des enfants",
)
WITHDRAWALS = ("A trouvé un emploi ailleurs", "Formation qualifiante commencée", "")


@dataclass(frozen=True)
class Made:
    placements: int
    job_offers: int


def add_contacts(people: Sequence[Participant]) -> None:
    """Most people have a mobile number, many an e-mail address."""
    rng = random.Random(SEED)
    for person in people:
        if rng.random() < 0.85:
            digits = "".join(str(rng.randint(0, 9)) for _ in range(8))
            person.phone = " ".join(
                ["0" + rng.choice("67"), *(digits[i : i + 2] for i in (0, 2, 4, 6))]
            )
        if rng.random() < 0.6:
            person.email = f"{_ascii(person.first_name)}.{_ascii(person.last_name)}@mail.demo"


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


class _Writer:
    """Writes the placements, each move dated and signed as the pages would have."""

    def __init__(self, session: Session, users: dict[str, User]) -> None:
        self.session = session
        self.team = users[FACILITATOR_ACCOUNT]
        self.company = users[CONTRACTOR_ACCOUNT]
        self.count = 0

    def answerer(self, contract: Contract) -> User:
        """The demo contractor answers on its own contracts; the team records the others'."""
        return self.company if self.company.organisation_id == contract.contractor_id else self.team

    def propose(
        self, person: Participant, contract: Contract, on: date, offer: JobOffer | None = None
    ) -> Placement:
        placement = Placement(
            participant=person, contract=contract, job_offer=offer, proposed_by=self.team
        )
        placement.move_to(S.PROPOSED, on, self.team)
        self.session.add(placement)
        self.count += 1
        return placement

    def interview(self, placement: Placement, on: date, interview_on: date) -> None:
        placement.move_to(S.INTERVIEW, on, self.answerer(placement.contract))
        placement.interview_on = interview_on

    def hire(self, placement: Placement, on: date, kind: EmploymentType) -> None:
        placement.move_to(S.HIRED, on, self.answerer(placement.contract))
        placement.employment_type, placement.hire_date = kind, on

    def end(self, placement: Placement, on: date) -> None:
        placement.move_to(S.ENDED, on, self.team)
        placement.end_date = on


def add_placements(
    session: Session,
    people: Sequence[Participant],
    contracts: Sequence[Contract],
    lines: Sequence[SheetLine],
    users: dict[str, User],
    today: date,
) -> Made:
    """About twenty placements in every state and four job offers."""
    rng = random.Random(SEED + 1)
    writer = _Writer(session, users)
    by_reference = {c.reference: c for c in contracts}
    running = [c for c in contracts if c.start_date <= today <= c.end_date]
    own = [c for c in running if c.contractor_id == users[CONTRACTOR_ACCOUNT].organisation_id]
    offers = _job_offers(session, rng, running, own, writer, today)
    _from_the_sheets(rng, writer, people, by_reference, lines, today)
    free = [p for p in people if p.is_available and p.eligibility_validated_on is not None]
    rng.shuffle(free)
    _open_ones(rng, writer, free, running, own, offers, today)
    session.flush()
    return Made(writer.count, len(offers))


def _job_offers(
    session: Session,
    rng: random.Random,
    running: list[Contract],
    own: list[Contract],
    writer: _Writer,
    today: date,
) -> list[JobOffer]:
    """Two offers of the demo contractor, one the team declared for another, one closed."""
    others = [c for c in running if c not in own]
    specs = [
        (own[0], 2, writer.company, None),
        (own[-1], 1, writer.company, None),
        (others[0], 1, writer.team, None),
        (others[-1], 1, writer.team, today - timedelta(days=12)),
    ]
    offers = []
    for contract, places, author, closed in specs:
        offer = JobOffer(
            contract=contract,
            trade=contract.trade,
            start_date=today + timedelta(days=rng.randint(7, 40)),
            duration_months=rng.choice((3, 6, 6, 12)),
            places=places,
            contact=f"{author.full_name}, 01 48 {rng.randint(10, 99)} {rng.randint(10, 99)} 00",
            created_by=author,
            created_at=_at(today - timedelta(days=rng.randint(15, 40))),
        )
        if closed is not None:
            offer.closed_at, offer.closed_by_id = _at(closed), author.id
        session.add(offer)
        offers.append(offer)
    return offers


def _from_the_sheets(
    rng: random.Random,
    writer: _Writer,
    people: Sequence[Participant],
    contracts: dict[str, Contract],
    lines: Sequence[SheetLine],
    today: date,
) -> None:
    """Hires whose hours the sheets bring: five still on their site, three whose job ended."""
    reporting = previous_month(today)
    stints: defaultdict[tuple[int, str], list[date]] = defaultdict(list)
    for line in lines:
        stints[(line.worker, line.site.reference)].append(line.month)
    recent = add_months(reporting, -8)
    current: list[tuple[int, str, date, date | None]] = []
    ended: list[tuple[int, str, date, date | None]] = []
    seen: set[int] = set()
    for (worker, reference), months in sorted(stints.items()):
        first, last = min(months), max(months)
        if worker in seen or first < recent:
            continue
        if last == reporting and len(current) < 5:
            current.append((worker, reference, first, None))
        elif last < add_months(reporting, -1) and len(ended) < 3:
            ended.append((worker, reference, first, last_day_of_month(last)))
        else:
            continue
        seen.add(worker)
    for worker, reference, start, until in current + ended:
        hired_on = start + timedelta(days=rng.randint(0, 6))
        placement = writer.propose(
            people[worker], contracts[reference], hired_on - timedelta(days=rng.randint(18, 30))
        )
        writer.interview(placement, hired_on - timedelta(days=12), hired_on - timedelta(days=9))
        writer.hire(placement, hired_on, rng.choice((EmploymentType.CDD, EmploymentType.INTERIM)))
        if until is not None:
            writer.end(placement, until)


def _open_ones(
    rng: random.Random,
    writer: _Writer,
    free: list[Participant],
    running: list[Contract],
    own: list[Contract],
    offers: list[JobOffer],
    today: date,
) -> None:
    """A hire without hours yet, proposals (two unanswered), interviews, refusals and
    withdrawals, the demo contractor's contracts among them."""
    people = iter(free)
    silent = writer.propose(
        next(people), own[-1], add_months(first_day_of_month(today), -3), offers[1]
    )
    writer.hire(silent, silent.state_on + timedelta(days=9), EmploymentType.CDD)
    silent.participant.is_available = False
    for days, contract, offer in (
        (21, own[0], None),
        (17, running[1], None),
        (6, own[0], offers[0]),
        (3, running[2], offers[2]),
        (1, running[3], None),
    ):
        writer.propose(next(people), contract, today - timedelta(days=days), offer)
    for days, contract, offer in ((19, own[0], offers[0]), (12, running[4], None),
                                  (25, running[5], None), (9, own[-1], None)):  # fmt: skip
        placement = writer.propose(next(people), contract, today - timedelta(days=days), offer)
        writer.interview(placement, today - timedelta(days=days - 4), today + timedelta(days=3))
    for reason, contract in zip(REFUSALS, (own[0], running[6], running[7]), strict=True):
        placement = writer.propose(next(people), contract, today - timedelta(days=40))
        placement.move_to(S.REFUSED, today - timedelta(days=33), writer.answerer(contract), reason)
        placement.refusal_reason = reason
    for note, contract in zip(WITHDRAWALS, (running[8], own[-1], running[9]), strict=True):
        placement = writer.propose(next(people), contract, today - timedelta(days=50))
        placement.move_to(
            S.WITHDRAWN, today - timedelta(days=rng.randint(30, 45)), writer.team, note
        )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), UTC)
