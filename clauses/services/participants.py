"""Participants: the list in a viewer's scope, their hours, registering, editing, eligibility.

Eligibility criteria are personal data and RQTH is health data (DESIGN.md): only the clause
team reads them. Contractors get names and the hours on their own contracts, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session, raiseload, selectinload

from clauses import clock
from clauses.access import policy
from clauses.errors import (
    DuplicateParticipant,
    EligibilityWithoutCriterion,
    FacilitatorUnknown,
    InvalidEmail,
    ParticipantNamesMissing,
    PhoneInvalid,
)
from clauses.models import Criterion, EmploymentType, HourEntry, Participant, Sex, User
from clauses.rules.contact import email_address, phone_number
from clauses.rules.names import name_key
from clauses.services import audit, hours_summary
from clauses.services.communes import resolver as commune_resolver
from clauses.services.contracts import hours
from clauses.services.listing import Listing, matching_all, search_terms, sorted_page

Eligibility = Literal["to_verify", "validated"]


@dataclass(frozen=True)
class ParticipantFilters:
    q: str = ""
    eligibility: Eligibility | None = None
    commune: str = ""
    is_qpv: bool | None = None
    is_available: bool | None = None
    facilitator_id: int | None = None


@dataclass(frozen=True)
class ParticipantFilterOptions:
    communes: list[str]
    facilitators: list[tuple[int, str]]


def list_participants(
    session: Session,
    viewer: User,
    filters: ParticipantFilters,
    *,
    sort: str | None = None,
    order: str | None = None,
    page: int = 1,
    size: int = 25,
) -> Listing[Participant]:
    """Names for everyone who may see people; the other filters and sorts for the clause team.

    A contractor's filters on eligibility or commune are ignored, not applied: applied, they
    would tell by elimination what the page must not show.
    """
    stmt = policy.participants_of(viewer)
    terms = search_terms(filters.q)
    if terms:
        stmt = stmt.where(matching_all(terms, Participant.name_key))
    columns: dict[str, Any] = {"name": Participant.name_key}
    if policy.sees_personal_data(viewer):
        stmt = stmt.where(*_conditions(filters)).options(selectinload(Participant.facilitator))
        columns |= {
            "birth_date": Participant.birth_date,
            "commune": Participant.commune,
            "eligibility": Participant.eligibility_validated_on,
            "created": Participant.created_at,
        }
    else:
        # Criteria are loaded with each person by default: not for this viewer, and any
        # template touching them fails loudly instead of showing them.
        stmt = stmt.options(raiseload(Participant.criteria_rows))
    return sorted_page(
        session, stmt, columns, default="name", sort=sort, order=order, page=page, size=size
    )


def _conditions(f: ParticipantFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if f.eligibility == "to_verify":
        conditions.append(Participant.eligibility_validated_on.is_(None))
    elif f.eligibility == "validated":
        conditions.append(Participant.eligibility_validated_on.is_not(None))
    if f.commune:
        conditions.append(Participant.commune == f.commune)
    if f.is_qpv is not None:
        conditions.append(Participant.is_qpv.is_(f.is_qpv))
    if f.is_available is not None:
        conditions.append(Participant.is_available.is_(f.is_available))
    if f.facilitator_id is not None:
        conditions.append(Participant.facilitator_id == f.facilitator_id)
    return conditions


def filter_options(session: Session) -> ParticipantFilterOptions:
    return ParticipantFilterOptions(communes(session), facilitators(session))


def communes(session: Session) -> list[str]:
    """The communes participants live in, for the filter and the form's suggestions."""
    return list(
        session.scalars(
            sa.select(Participant.commune)
            .where(Participant.commune != "")
            .distinct()
            .order_by(Participant.commune)
        )
    )


def facilitators(session: Session) -> list[tuple[int, str]]:
    """The clause team's active accounts, who may follow a participant."""
    rows = session.execute(
        policy.follow_up_accounts()
        .with_only_columns(User.id, User.full_name, User.email)
        .order_by(User.full_name, User.email)
    ).all()
    return [(row.id, row.full_name or row.email) for row in rows]


# One person's hours -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    contract_id: int
    reference: str
    title: str
    month: date
    employment_type: EmploymentType
    employment_type_text: str
    employer: str
    hours: Decimal


def hours_of(session: Session, viewer: User, participant: Participant) -> list[EntryRow]:
    """The person's hour entries on the contracts the viewer sees, latest month first."""
    contracts = policy.contracts_of(viewer).subquery()
    rows = session.execute(
        sa.select(
            HourEntry.contract_id,
            contracts.c.reference,
            contracts.c.title,
            HourEntry.month,
            HourEntry.employment_type,
            HourEntry.employment_type_text,
            HourEntry.employer,
            HourEntry.hours,
        )
        .join(contracts, contracts.c.id == HourEntry.contract_id)
        .where(HourEntry.participant_id == participant.id)
        .order_by(HourEntry.month.desc(), contracts.c.reference, HourEntry.employment_type)
    ).all()
    return [
        EntryRow(
            contract_id=row.contract_id,
            reference=row.reference,
            title=row.title,
            month=row.month,
            employment_type=row.employment_type,
            employment_type_text=row.employment_type_text,
            employer=row.employer,
            hours=hours(row.hours),
        )
        for row in rows
    ]


# Registering, editing, eligibility ----------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantData:
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex | None = None
    commune: str = ""
    is_qpv: bool = False
    criteria: frozenset[Criterion] = frozenset()
    other_criteria: str = ""
    wanted_trades: str = ""
    is_available: bool = False
    facilitator_id: int | None = None
    phone: str = ""
    email: str = ""


FIELDS = (
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "commune",
    "is_qpv",
    "criteria",
    "other_criteria",
    "wanted_trades",
    "is_available",
    "facilitator_id",
    "phone",
    "email",
)


def save_participant(
    session: Session, actor: User, data: ParticipantData, participant: Participant | None = None
) -> Participant:
    """Register a person ("to verify") or update one; audited with the names of changed fields.

    The audit log outlives the purge of personal data, so it names the fields, not their values.
    """
    if not name_key(data.last_name, data.first_name):
        raise ParticipantNamesMissing(field="last_name")
    _check_unique(session, data, participant)
    _check_facilitator(session, data.facilitator_id)
    phone, email = contact_of(data.phone, data.email)
    before = _snapshot(participant) if participant is not None else None
    insee = commune_resolver(session).insee(data.commune)
    if participant is None:
        participant = Participant()
        session.add(participant)
    participant.set_name(data.last_name, data.first_name)
    participant.birth_date = data.birth_date
    participant.sex = data.sex
    participant.commune = data.commune.strip()
    participant.commune_insee = insee
    participant.is_qpv = data.is_qpv
    participant.set_criteria(set(data.criteria))
    participant.other_criteria = data.other_criteria.strip()
    participant.wanted_trades = data.wanted_trades.strip()
    participant.is_available = data.is_available
    participant.facilitator_id = data.facilitator_id
    participant.phone, participant.email = phone, email
    session.flush()
    if before is None:
        audit.record(session, actor, "create", "participant", participant.id)
    else:
        after = _snapshot(participant)
        audit.record_update(
            session, actor, "participant", participant.id, before, after, with_values=False
        )
    return participant


def contact_of(phone: str, email: str) -> tuple[str, str]:
    """The phone written one way and the address trimmed; an invalid one is refused."""
    number, address = phone_number(phone), email_address(email)
    if number is None:
        raise PhoneInvalid(field="phone", value=phone)
    if address is None:
        raise InvalidEmail(field="email", address=email)
    return number, address


def _check_unique(session: Session, data: ParticipantData, participant: Participant | None) -> None:
    stmt = sa.select(Participant.id).where(
        Participant.name_key == name_key(data.last_name, data.first_name),
        Participant.birth_date == data.birth_date,
    )
    if participant is not None:
        stmt = stmt.where(Participant.id != participant.id)
    existing = session.scalar(stmt)
    if existing is not None:
        raise DuplicateParticipant(existing)


def _check_facilitator(session: Session, user_id: int | None) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not policy.can_follow_up(user):
        raise FacilitatorUnknown()


def _snapshot(participant: Participant) -> dict[str, object]:
    return {name: getattr(participant, name) for name in FIELDS}


def set_eligibility(
    session: Session, actor: User, participant: Participant, *, validated: bool
) -> bool:
    """Validate eligibility today, or send it back to "to verify". False when nothing changed.

    Validating needs a recorded criterion: the hours then count for every month.
    """
    if validated == (participant.eligibility_validated_on is not None):
        return False
    if validated and not (participant.criteria or participant.other_criteria.strip()):
        raise EligibilityWithoutCriterion()
    before, after = participant.eligibility_validated_on, clock.today() if validated else None
    participant.eligibility_validated_on = after
    session.flush()
    hours_summary.refresh_for_participants(session, [participant.id])
    audit.record(
        session,
        actor,
        "validate_eligibility" if validated else "eligibility_to_verify",
        "participant",
        participant.id,
        before=before.isoformat() if before else None,
        after=after.isoformat() if after else None,
    )
    return True


# Eligibility criteria are personal data (RQTH is health data): DESIGN.md keeps them at most
# two years after a participant's last activity.
RETENTION_YEARS = 2


def stale_eligibility(session: Session, today_: date) -> list[Participant]:
    """People with criteria recorded whose last activity (last month with hours, last change
    of their record) is more than two years before `today_`."""
    limit = today_.replace(year=today_.year - RETENTION_YEARS, day=1)
    limit_at = datetime(limit.year, limit.month, 1, tzinfo=UTC)
    last_hours = (
        sa.select(HourEntry.participant_id, sa.func.max(HourEntry.month).label("month"))
        .group_by(HourEntry.participant_id)
        .subquery()
    )
    has_criteria = sa.or_(Participant.criteria_rows.any(), Participant.other_criteria != "")
    stmt = (
        sa.select(Participant)
        .outerjoin(last_hours, last_hours.c.participant_id == Participant.id)
        .where(
            has_criteria,
            sa.func.coalesce(last_hours.c.month, date.min) < limit,
            Participant.updated_at < limit_at,
        )
        .order_by(Participant.id)
    )
    return list(session.scalars(stmt))


def purge_eligibility(session: Session, actor: User | None, today_: date) -> int:
    """Erase the criteria of the people `stale_eligibility` finds; their name, hours and the
    validation date stay (the hours remain the contracts' evidence). One audit event."""
    people = stale_eligibility(session, today_)
    for person in people:
        person.set_criteria(set())
        person.other_criteria = ""
    session.flush()
    if people:
        audit.record(
            session,
            actor,
            "purge_eligibility",
            "participant",
            None,
            count=len(people),
            participant_ids=[person.id for person in people],
        )
    return len(people)
