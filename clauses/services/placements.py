"""Placements (mises en relation): a facilitator proposes a person to a contract (or one of its
job offers), and the placement moves proposed → interview → hired → ended, or refused /
withdrawn. Each move is dated (Placement.move_to keeps the history) and is one audit event;
who may make which move is the access policy's (the clause team every move the rules allow, the
contractor its answers on its own contracts). The contractor's accounts are told of a proposal
by e-mail (notify_proposal), after the proposal is saved, so a mail server down loses nothing.
The caller commits.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from clauses import clock
from clauses.access import policy
from clauses.errors import (
    DatesReversed,
    EmploymentTypeMissing,
    PlacementContractEnded,
    PlacementDateMissing,
    PlacementMoveRefused,
    PlacementPersonBusy,
    PlacementPersonNotEligible,
    PlacementPersonUnavailable,
    PlacementPersonUnknown,
    RefusalReasonMissing,
)
from clauses.models import (
    Contract,
    EmploymentType,
    HourEntry,
    JobOffer,
    Organisation,
    Participant,
    Placement,
    PlacementEvent,
    PlacementState,
    User,
)
from clauses.models.base import utcnow
from clauses.rules.dates import first_day_of_month
from clauses.rules.placements import ANSWER_DAYS, is_busy, is_unanswered, lacks_hours
from clauses.services import audit, compliance, contract_filters, job_offers, mail
from clauses.services.contracts import hours
from clauses.services.listing import Listing, Page, paginate, search_terms, sorted_page

MAX_NOTE = 1000
MAX_REASON = 500


# Proposing -------------------------------------------------------------------------------------


def person_to_propose(session: Session, actor: User, participant_id: int | None) -> Participant:
    """The registered person of that id in the actor's scope, else PlacementPersonUnknown."""
    person = (
        session.scalar(policy.participants_of(actor).where(Participant.id == participant_id))
        if participant_id is not None
        else None
    )
    if person is None:
        raise PlacementPersonUnknown()
    return person


def propose(
    session: Session,
    actor: User,
    participant: Participant,
    contract: Contract,
    job_offer: JobOffer | None = None,
    note: str = "",
    *,
    today: date | None = None,
) -> Placement:
    """A new proposal, dated today. Refused for a person whose eligibility is not validated,
    who is not available, or who is busy (DESIGN.md: proposed, in an interview, or hired with
    no end or an end on or after today, on any contract), and for a contract that has ended."""
    today = today or clock.today()
    _check_person(session, participant, today)
    if contract.end_date < today:
        raise PlacementContractEnded(
            reference=contract.reference, end=contract.end_date.isoformat()
        )
    if job_offer is not None:
        job_offer = job_offers.open_offer(session, actor, job_offer.id, contract)
    placement = Placement(
        participant=participant,
        contract=contract,
        job_offer=job_offer,
        proposed_by=actor,
        note=note.strip()[:MAX_NOTE],
    )
    placement.move_to(PlacementState.PROPOSED, today, actor)
    session.add(placement)
    session.flush()
    audit.record(
        session,
        actor,
        "propose_placement",
        "placement",
        placement.id,
        participant_id=participant.id,
        reference=contract.reference,
        job_offer_id=job_offer.id if job_offer else None,
    )
    return placement


def _check_person(session: Session, person: Participant, today: date) -> None:
    validated = person.eligibility_validated_on
    if validated is None or validated > today:
        raise PlacementPersonNotEligible(name=person.full_name)
    if not person.is_available:
        raise PlacementPersonUnavailable(name=person.full_name)
    busy = busy_placement(session, person.id, today)
    if busy is not None:
        raise PlacementPersonBusy(
            name=person.full_name, reference=busy.contract.reference, state=busy.state.value
        )


def busy_placement(session: Session, participant_id: int, today: date) -> Placement | None:
    """The placement that keeps the person busy on `today`, if any (rules.placements.is_busy)."""
    current = session.scalars(
        sa.select(Placement)
        .options(joinedload(Placement.contract))
        .where(
            Placement.participant_id == participant_id,
            Placement.state.in_(
                (PlacementState.PROPOSED, PlacementState.INTERVIEW, PlacementState.HIRED)
            ),
        )
        .order_by(Placement.id)
    )
    return next(
        (p for p in current if is_busy(p.state, p.hire_date, p.end_date, today)),
        None,
    )


# Moves -----------------------------------------------------------------------------------------


def _move(
    session: Session,
    actor: User,
    placement: Placement,
    state: PlacementState,
    today: date | None,
    note: str = "",
) -> PlacementState:
    """Checked against the rules and the actor's role, then dated; the state it left."""
    current = placement.state
    if not policy.can_move_placement(actor, placement, state):
        raise PlacementMoveRefused(current=current.value, wanted=state.value)
    placement.move_to(state, today or clock.today(), actor, note)
    return current


def interview(
    session: Session,
    actor: User,
    placement: Placement,
    on: date | None,
    *,
    today: date | None = None,
) -> None:
    """An interview is set for the day `on`."""
    if on is None:
        raise PlacementDateMissing(field="interview_on")
    left = _move(session, actor, placement, PlacementState.INTERVIEW, today)
    placement.interview_on = on
    session.flush()
    audit.record(
        session, actor, "placement_interview", "placement", placement.id,
        **_move_details(placement, left), interview_on=on.isoformat(),
    )  # fmt: skip


def hire(
    session: Session,
    actor: User,
    placement: Placement,
    employment_type: EmploymentType | None,
    start: date | None,
    end: date | None = None,
    *,
    today: date | None = None,
) -> None:
    """Hired: the employment type and the start date, the end date when it is known."""
    if employment_type is None:
        raise EmploymentTypeMissing(field="employment_type")
    if start is None:
        raise PlacementDateMissing(field="hire_date")
    if end is not None and end < start:
        raise DatesReversed(field="end_date")
    left = _move(session, actor, placement, PlacementState.HIRED, today)
    placement.employment_type, placement.hire_date, placement.end_date = employment_type, start, end
    session.flush()
    audit.record(
        session, actor, "placement_hired", "placement", placement.id,
        **_move_details(placement, left), employment_type=employment_type.value,
        hire_date=start.isoformat(), end_date=end.isoformat() if end else None,
    )  # fmt: skip


def end(
    session: Session,
    actor: User,
    placement: Placement,
    on: date | None,
    *,
    today: date | None = None,
) -> None:
    """The job ended on `on` (not before the hire)."""
    if on is None:
        raise PlacementDateMissing(field="end_date")
    if placement.hire_date is not None and on < placement.hire_date:
        raise DatesReversed(field="end_date")
    left = _move(session, actor, placement, PlacementState.ENDED, today)
    placement.end_date = on
    session.flush()
    audit.record(
        session, actor, "placement_ended", "placement", placement.id,
        **_move_details(placement, left), end_date=on.isoformat(),
    )  # fmt: skip


def refuse(
    session: Session, actor: User, placement: Placement, reason: str, *, today: date | None = None
) -> None:
    """The contractor (or the team on its word) refused the person, for a reason. The reason is
    kept on the placement, not in the audit log, which outlives the people's data."""
    reason = reason.strip()
    if not reason:
        raise RefusalReasonMissing(field="reason")
    left = _move(session, actor, placement, PlacementState.REFUSED, today, reason[:MAX_NOTE])
    placement.refusal_reason = reason[:MAX_REASON]
    session.flush()
    audit.record(
        session, actor, "placement_refused", "placement", placement.id,
        **_move_details(placement, left),
    )  # fmt: skip


def withdraw(
    session: Session,
    actor: User,
    placement: Placement,
    note: str = "",
    *,
    today: date | None = None,
) -> None:
    """The person withdrew (or the facilitator withdrew the proposal)."""
    left = _move(
        session, actor, placement, PlacementState.WITHDRAWN, today, note.strip()[:MAX_NOTE]
    )
    session.flush()
    audit.record(
        session, actor, "placement_withdrawn", "placement", placement.id,
        **_move_details(placement, left),
    )  # fmt: skip


def _move_details(placement: Placement, left: PlacementState) -> dict[str, Any]:
    return {
        "participant_id": placement.participant_id,
        "reference": placement.contract.reference,
        "from_state": left.value,
        "state": placement.state.value,
    }


# Telling the contractor ------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What became of the e-mail about a proposal."""

    recipients: tuple[str, ...]
    error: str = ""  # why it could not be sent, as the server (or the system) said

    @property
    def is_sent(self) -> bool:
        return bool(self.recipients) and not self.error


def notify_proposal(
    session: Session,
    placement: Placement,
    config: Mapping[str, Any],
    link: str | None = None,
    now: datetime | None = None,
) -> Notice:
    """E-mail the active accounts of the contract's contractor that a person is proposed to
    it: the contract, and the facilitator to call, never who the person is nor why they fit.
    Sent after the proposal is saved; a failure is recorded (audit event), never raised."""
    recipients = _contractor_accounts(session, placement.contract.contractor_id)
    notice = Notice(recipients)
    if recipients:
        settings = mail.MailSettings.from_config(config)
        message = mail.new_message(
            settings,
            recipients,
            proposal_subject(placement),
            proposal_body(placement, link),
            (now or utcnow()),
        )
        notice = Notice(recipients, _send(settings, message))
    audit.record(
        session,
        placement.proposed_by,
        "notify_proposal",
        "placement",
        placement.id,
        accounts=len(recipients),
        mailed=notice.is_sent,
        mail_error=notice.error or None,
    )
    return notice


def _contractor_accounts(session: Session, organisation_id: int) -> tuple[str, ...]:
    stmt = (
        policy.report_senders()
        .with_only_columns(User.email)
        .where(User.organisation_id == organisation_id)
        .order_by(User.email)
    )
    return tuple(session.scalars(stmt))


def _send(settings: mail.MailSettings, message: Any) -> str:
    try:
        smtp = mail.open_connection(settings)
    except mail.SEND_ERRORS as error:
        return mail.error_text(error, settings)
    try:
        refused = mail.send(smtp, message)
    except mail.SEND_ERRORS as error:
        return mail.error_text(error, settings)
    finally:
        mail.close(smtp)
    return "; ".join(f"{who}: {why}" for who, why in refused.items())


def proposal_subject(placement: Placement, locale: str = "fr") -> str:
    _ = mail.catalogue(locale).gettext
    return _("A person is proposed to you for contract %(reference)s") % {
        "reference": placement.contract.reference
    }


def proposal_body(placement: Placement, link: str | None, locale: str = "fr") -> str:
    _ = mail.catalogue(locale).gettext
    contract, facilitator = placement.contract, placement.proposed_by
    values = {
        "reference": contract.reference,
        "title": contract.title,
        "operation": contract.operation.name,
        "facilitator": (facilitator.full_name or facilitator.email) if facilitator else "",
        "email": facilitator.email if facilitator else "",
        "page": f": {link}" if link else "",
    }
    lines = (
        _("Hello,"),
        "",
        _(
            "%(facilitator)s, of the social clause facilitation team, proposes a person for an "
            "insertion job on your contract:"
        ),
        "",
        _("  Contract: %(reference)s — %(title)s"),
        _("  Operation: %(operation)s"),
        "",
        _(
            "Their name and the trade they are looking for are on the contract's page in "
            "Clauses%(page)s. Please give your answer there: an interview date, a hire or a "
            "refusal."
        ),
        "",
        _("For any question: %(facilitator)s, %(email)s."),
        "",
        "-- ",
        _("Message sent by Clauses, the follow-up of social-insertion clauses."),
    )
    return "\n".join(line % values for line in lines)


# Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementRow:
    """A placement as pages show it: with the hours of the person on the contract since the
    hire month (hired or ended), and the flags the rules give."""

    placement: Placement
    hours_since_hire: Decimal | None
    lacks_hours: bool
    is_unanswered: bool


def _loaded(stmt: sa.Select[Placement]) -> sa.Select[Placement]:
    """Each placement with what its row shows, a few queries for a whole page. A person's
    criteria are not loaded: no placement row shows them, and any that tried would fail."""
    return stmt.options(
        joinedload(Placement.participant).raiseload(Participant.criteria_rows),
        joinedload(Placement.contract).joinedload(Contract.contractor),
        joinedload(Placement.proposed_by),
        joinedload(Placement.job_offer),
        selectinload(Placement.events).joinedload(PlacementEvent.user),
    )


def on_contract(
    session: Session, viewer: User, contract: Contract, as_of: date
) -> list[PlacementRow]:
    """The proposals on the contract the viewer may see (a contractor's own contract, the
    clause team any), latest first."""
    stmt = policy.placements_of(viewer).where(Placement.contract_id == contract.id)
    found = session.scalars(
        _loaded(stmt).order_by(Placement.created_at.desc(), Placement.id.desc())
    )
    return rows_of(session, list(found.unique()), as_of)


def of_participant(
    session: Session, viewer: User, participant: Participant, as_of: date
) -> list[PlacementRow]:
    stmt = policy.placements_of(viewer).where(Placement.participant_id == participant.id)
    found = session.scalars(
        _loaded(stmt).order_by(Placement.created_at.desc(), Placement.id.desc())
    )
    return rows_of(session, list(found.unique()), as_of)


def rows_of(session: Session, found: Sequence[Placement], as_of: date) -> list[PlacementRow]:
    worked = hours_since_hire(session, found)
    rows = []
    for placement in found:
        since = worked.get(placement.id) if placement.hire_date is not None else None
        rows.append(
            PlacementRow(
                placement,
                since,
                lacks_hours(placement.state, placement.hire_date, since or Decimal(0), as_of),
                is_unanswered(placement.state, placement.state_on, as_of),
            )
        )
    return rows


def hours_since_hire(session: Session, found: Sequence[Placement]) -> dict[int, Decimal]:
    """Hours of each hired (or ended) placement's person on its contract from the hire month
    on: one query of sums per placement and month, the months before the hire left out here."""
    hired = {p.id: p for p in found if p.hire_date is not None}
    if not hired:
        return {}
    rows = session.execute(
        sa.select(Placement.id, HourEntry.month, sa.func.sum(HourEntry.hours))
        .join(
            HourEntry,
            sa.and_(
                HourEntry.participant_id == Placement.participant_id,
                HourEntry.contract_id == Placement.contract_id,
            ),
        )
        .where(Placement.id.in_(list(hired)))
        .group_by(Placement.id, HourEntry.month)
    )
    totals: defaultdict[int, Decimal] = defaultdict(lambda: Decimal(0))
    for placement_id, month, worked in rows:
        start = hired[placement_id].hire_date
        if start is not None and month >= first_day_of_month(start):
            totals[placement_id] += worked
    return {placement_id: hours(totals[placement_id]) for placement_id in hired}


# The facilitators' page --------------------------------------------------------------------------

UNANSWERED = "unanswered"  # a state filter of its own: proposed ANSWER_DAYS days ago or more


@dataclass(frozen=True)
class PlacementFilters:
    q: str = ""
    contract_id: int | None = None
    contractor_id: int | None = None
    proposed_by_id: int | None = None
    state: str = ""  # a PlacementState value, UNANSWERED, or "" for all
    older_than_days: int | None = None  # last change at least this many days ago


def list_placements(
    session: Session,
    viewer: User,
    filters: PlacementFilters,
    today: date,
    *,
    sort: str | None = None,
    order: str | None = None,
    page: int = 1,
    size: int = 25,
) -> Listing[PlacementRow]:
    stmt = (
        policy.placements_of(viewer)
        .join(Placement.participant)
        .join(Placement.contract)
        .where(*_conditions(filters, today))
    )
    for term in search_terms(filters.q):
        stmt = stmt.where(
            sa.or_(Participant.name_key.contains(term), Contract.reference_key.contains(term))
        )
    columns = {
        "state": _state_rank(),
        "changed": Placement.state_on,
        "person": Participant.name_key,
        "contract": Contract.reference_key,
    }
    found = sorted_page(
        session,
        _loaded(stmt),
        columns,
        default="state",
        sort=sort,
        order=order,
        page=page,
        size=size,
    )
    rows = rows_of(session, list(found.page.items), today)
    listed = Page(rows, found.page.number, found.page.size, found.page.total)
    return Listing(listed, found.sort, found.order)


STATE_ORDER = tuple(PlacementState)


def _state_rank() -> sa.ColumnElement[int]:
    return sa.case(
        {state.value: rank for rank, state in enumerate(STATE_ORDER)}, value=Placement.state
    )


def _conditions(f: PlacementFilters, today: date) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if f.contract_id is not None:
        conditions.append(Placement.contract_id == f.contract_id)
    if f.contractor_id is not None:
        conditions.append(Contract.contractor_id == f.contractor_id)
    if f.proposed_by_id is not None:
        conditions.append(Placement.proposed_by_id == f.proposed_by_id)
    if f.state == UNANSWERED:
        conditions.append(Placement.state == PlacementState.PROPOSED)
        conditions.append(Placement.state_on <= today - timedelta(days=ANSWER_DAYS))
    elif f.state in {s.value for s in PlacementState}:
        conditions.append(Placement.state == PlacementState(f.state))
    if f.older_than_days is not None:
        conditions.append(Placement.state_on <= today - timedelta(days=f.older_than_days))
    return conditions


def state_counts(session: Session, viewer: User, today: date) -> dict[str, int]:
    """How many placements in each state, and how many proposals are unanswered."""
    scoped = policy.placements_of(viewer).subquery()
    counts = dict.fromkeys([s.value for s in PlacementState], 0)
    for state, count in session.execute(
        sa.select(scoped.c.state, sa.func.count()).group_by(scoped.c.state)
    ):
        counts[str(state)] = count
    counts[UNANSWERED] = (
        session.scalar(
            sa.select(sa.func.count()).where(
                scoped.c.state == PlacementState.PROPOSED.value,
                scoped.c.state_on <= today - timedelta(days=ANSWER_DAYS),
            )
        )
        or 0
    )
    return counts


@dataclass(frozen=True)
class PlacementFilterOptions:
    contracts: list[tuple[int, str]]
    contractors: list[tuple[int, str]]
    facilitators: list[tuple[int, str]]


def filter_options(session: Session, viewer: User) -> PlacementFilterOptions:
    """The contracts, contractors and facilitators found among the viewer's placements."""
    scoped = policy.placements_of(viewer).subquery()
    contracts = session.execute(
        sa.select(Contract.id, Contract.reference)
        .where(Contract.id.in_(sa.select(scoped.c.contract_id)))
        .order_by(Contract.reference_key)
    ).all()
    contractors = session.execute(
        sa.select(Organisation.id, Organisation.name)
        .join(Contract, Contract.contractor_id == Organisation.id)
        .where(Contract.id.in_(sa.select(scoped.c.contract_id)))
        .distinct()
        .order_by(Organisation.name)
    ).all()
    facilitators = session.execute(
        sa.select(User.id, User.full_name, User.email)
        .where(User.id.in_(sa.select(scoped.c.proposed_by_id)))
        .order_by(User.full_name, User.email)
    ).all()
    return PlacementFilterOptions(
        [(row.id, row.reference) for row in contracts],
        [(row.id, row.name) for row in contractors],
        [(row.id, row.full_name or row.email) for row in facilitators],
    )


# Proposing from a person's page ----------------------------------------------------------------


@dataclass(frozen=True)
class ContractToPropose:
    contract: Contract
    open_places: int
    offers: list[job_offers.OfferRow]  # the open ones


def contracts_to_propose(
    session: Session, viewer: User, q: str, today: date, number: int, size: int
) -> Page[ContractToPropose]:
    """The viewer's contracts still running (ending today or later), searched as the contracts
    list searches, by reference; each with its open places and open job offers."""
    stmt = (
        contract_filters.scoped(viewer, contract_filters.ContractFilters(q=q))
        .where(Contract.end_date >= today)
        .options(joinedload(Contract.contractor))
        .order_by(Contract.reference_key)
    )
    found = paginate(session, stmt, number, size)
    ids = [contract.id for contract in found.items]
    places = {
        status.contract_id: status.compliance.open_places
        for status in compliance.statuses(
            session, today, sa.select(Contract).where(Contract.id.in_(ids))
        )
    }
    offers: defaultdict[int, list[job_offers.OfferRow]] = defaultdict(list)
    for row in job_offers.open_rows(session, viewer, ids):
        offers[row.offer.contract_id].append(row)
    items = [ContractToPropose(c, places.get(c.id, 0), offers[c.id]) for c in found.items]
    return Page(items, found.number, found.size, found.total)


def awaiting_answer(session: Session, viewer: User, today: date) -> list[PlacementRow]:
    """The viewer's proposals still waiting for the contractor's word (proposed, or an
    interview set), oldest first: a contractor's home lists them."""
    stmt = policy.placements_of(viewer).where(
        Placement.state.in_((PlacementState.PROPOSED, PlacementState.INTERVIEW))
    )
    found = session.scalars(_loaded(stmt).order_by(Placement.state_on, Placement.id))
    return rows_of(session, list(found), today)
