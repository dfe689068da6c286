"""Importing the participants file: people created or updated, recognised by normalised name and
birth date, so a corrected file can simply be sent again. A row with errors is rejected and the
rest still imports; only a file that cannot be read or lacks a required column raises. One audit
event per file. imports.participants reads the rows; this module loads the known people and
saves."""

from collections.abc import Hashable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses import clock
from clauses.models import Participant, User
from clauses.services import audit, communes, hours_summary
from imports.codes import Code
from imports.participants import PARTICIPANT_COLUMNS, ParticipantDraft, read_participant
from imports.read import DEFAULT_LIMITS, Limits, read
from imports.records import ReferenceImportReport, RowReader, Tally, outcome, tables


def import_participants(
    session: Session,
    actor: User | None,
    content: bytes,
    filename: str,
    limits: Limits = DEFAULT_LIMITS,
) -> ReferenceImportReport:
    """Create or update the file's participants, recognised by normalised name and birth date."""
    tally = Tally()
    rows, _ = tables(read(content, limits), filename, PARTICIPANT_COLUMNS, tally)
    first_rows: dict[Hashable, int] = {}
    drafts = [read_participant(row, clock.today(), first_rows) for row in rows]
    known = _load_participants(session, [draft for draft in drafts if draft is not None])
    resolver = communes.resolver(session)
    for row, draft in zip(rows, drafts, strict=True):
        if draft is None:
            tally.add(row)
        else:
            _save_participant(session, row, draft, known.get(draft.key), tally, resolver)
    session.flush()
    # A validation date may have changed: the hours of known people move to or from pending.
    hours_summary.refresh_for_participants(session, [person.id for person in known.values()])
    report = tally.report()
    audit.record(
        session,
        actor,
        "import",
        "participants_file",
        None,
        **report.audit_details(content, filename),
    )
    return report


def _load_participants(
    session: Session, drafts: list[ParticipantDraft]
) -> dict[tuple[str, date], Participant]:
    names = {draft.key[0] for draft in drafts}
    if not names:
        return {}
    stmt = sa.select(Participant).where(Participant.name_key.in_(names))
    return {(p.name_key, p.birth_date): p for p in session.scalars(stmt)}


def _participant_state(person: Participant) -> tuple[object, ...]:
    return (
        person.last_name, person.first_name, person.sex, person.commune, person.is_qpv,
        person.criteria, person.other_criteria, person.eligibility_validated_on,
        person.wanted_trades, person.is_available, person.phone, person.email,
    )  # fmt: skip


def _save_participant(
    session: Session,
    row: RowReader,
    draft: ParticipantDraft,
    person: Participant | None,
    tally: Tally,
    resolver: communes.Resolver,
) -> None:
    before = _participant_state(person) if person else None
    if person is None:
        person = Participant(birth_date=draft.birth_date)
        session.add(person)
    person.set_name(draft.last_name, draft.first_name)
    _fill_participant(person, draft)
    if "commune" in draft.present:
        person.commune_insee = communes.stored_commune(row, draft.commune, resolver)
    if "validated_on" in draft.present:
        _set_validation(row, person, draft.validated_on, is_new=before is None)
    tally.add(row)
    tally.count(outcome(before, _participant_state(person)))


def _fill_participant(person: Participant, draft: ParticipantDraft) -> None:
    present = draft.present
    if "sex" in present:
        person.sex = draft.sex
    if "commune" in present:
        person.commune = draft.commune
    if "qpv" in present:
        person.is_qpv = draft.is_qpv
    if "criteria" in present:
        person.set_criteria(set(draft.criteria))
        person.other_criteria = draft.other_criteria
    if "wanted_trades" in present:
        person.wanted_trades = draft.wanted_trades
    if "available" in present:
        person.is_available = draft.is_available
    if "phone" in present:
        person.phone = draft.phone
    if "email" in present:
        person.email = draft.email


def _set_validation(
    row: RowReader, person: Participant, validated_on: date | None, *, is_new: bool
) -> None:
    """An empty cell means "to verify" for a new person, but never undoes a validation: an old
    file sent again must not put validated people's hours back to pending."""
    current = person.eligibility_validated_on
    if validated_on is None and current is not None and not is_new:
        row.warn(Code.VALIDATION_KEPT, validated_on=current.isoformat())
        return
    person.eligibility_validated_on = validated_on
