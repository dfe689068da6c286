"""Importing the facilitators' follow-up sheet (`clauses import-pathways`): each row a placement's
status, applied in file order, and the person's outcome when the row gives one.

People are found as an hour sheet finds them (imports/match.py, near spellings included) and
never created here. The rows of one person and contract apply to one placement (the latest
one of that pair, or a new one), each change of state dated in its history; a row already in
that history (the same state on the same date: the file sent again) changes nothing. An
outcome is recorded once per person and date: a later row of the same date replaces it. A row
with errors is rejected and the rest still imports; one audit event for the file.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from clauses.models import Contract, Outcome, OutcomeKind, Placement, PlacementState, User
from clauses.services import audit
from imports.codes import Code, Issue
from imports.match import Match, MatchKind, People
from imports.pathways import HIRE_STATES, PATHWAY_COLUMNS, PathwayDraft, read_pathway
from imports.read import DEFAULT_LIMITS, Limits, read
from imports.records import RowReader, Tally, tables
from imports.reference import contracts_by_key, known_people

PairKey = tuple[int, int]  # participant, contract


@dataclass(frozen=True)
class PathwaysImportReport:
    rows_accepted: int
    rows_rejected: int
    placements_created: int
    placements_updated: int
    placements_unchanged: int
    outcomes_recorded: int
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "placements_created": self.placements_created,
            "placements_updated": self.placements_updated,
            "placements_unchanged": self.placements_unchanged,
            "outcomes_recorded": self.outcomes_recorded,
        }


@dataclass(frozen=True, slots=True)
class AcceptedRow:
    participant_id: int
    contract_id: int
    draft: PathwayDraft


def import_pathways(
    session: Session,
    actor: User | None,
    content: bytes,
    filename: str,
    limits: Limits = DEFAULT_LIMITS,
) -> PathwaysImportReport:
    """Apply the sheet's placements and outcomes; every row is checked before anything is
    written."""
    tally = Tally()
    rows, _ = tables(read(content, limits), filename, PATHWAY_COLUMNS, tally)
    people = known_people(session, None, may_create=False)
    contracts = {key: known.id for key, known in contracts_by_key(session, None).items()}
    accepted = []
    for row in rows:
        found = accept_row(row, people, contracts)
        if tally.add(row) and found is not None:
            accepted.append(found)
    placements = _Placements(session, {(a.participant_id, a.contract_id) for a in accepted})
    for item in accepted:
        placements.apply(item, actor)
    outcomes = _record_outcomes(session, actor, accepted)
    session.flush()
    report = PathwaysImportReport(
        rows_accepted=len(accepted),
        rows_rejected=tally.rejected,
        placements_created=len(placements.created),
        placements_updated=len(placements.changed - placements.created),
        placements_unchanged=len(placements.touched - placements.changed),
        outcomes_recorded=outcomes,
        errors=list(tally.errors),
        warnings=list(tally.warnings),
    )
    sha256 = hashlib.sha256(content).hexdigest()
    details = {"filename": filename, "sha256": sha256, "warnings": len(report.warnings)}
    audit.record(session, actor, "import", "pathways_file", None, **details, **report.counts())
    return report


def accept_row(row: RowReader, people: People, contracts: dict[str, int]) -> AcceptedRow | None:
    """The row's placement with its contract and person found; None when the row has errors.
    As in an hour sheet, a row is matched only once its own cells are right."""
    draft = read_pathway(row)
    reference = row.text("contract", 80)
    contract_id = contracts.get(Contract.key_of(reference))
    if contract_id is None:
        row.error(Code.CONTRACT_UNKNOWN, reference=reference)
    if draft is None or contract_id is None:
        return None
    match = people.match(draft.last_name, draft.first_name, draft.birth_date)
    person_id = _person(row, draft, match)
    return None if person_id is None else AcceptedRow(person_id, contract_id, draft)


def _person(row: RowReader, draft: PathwayDraft, match: Match) -> int | None:
    """The registered person found, with the hour sheet's warnings; else the row's error."""
    name = f"{draft.last_name} {draft.first_name}"
    person = match.person
    if match.outcome is MatchKind.AMBIGUOUS:
        row.error(Code.PARTICIPANT_AMBIGUOUS, name=name)
    elif match.outcome is MatchKind.NO_BIRTH_DATE:
        row.error(Code.BIRTHDATE_INVALID, name=name)
    elif person is None or person.id is None:
        born = draft.birth_date.isoformat() if draft.birth_date else None
        row.error(Code.PARTICIPANT_UNKNOWN, name=name, birth_date=born)
    else:
        if match.outcome is MatchKind.FUZZY:
            known = f"{person.last_name} {person.first_name}"
            row.warn(Code.PARTICIPANT_FUZZY, name=name, known_name=known)
        elif match.outcome is MatchKind.NAME_ONLY:
            row.warn(Code.BIRTHDATE_MISSING, name=name)
        return person.id
    return None


class _Placements:
    """The placements of the file's person and contract pairs: the latest of each pair, or one
    the file creates; which ones the file changed."""

    def __init__(self, session: Session, pairs: set[PairKey]) -> None:
        self._session = session
        self._by_pair: dict[PairKey, Placement] = {}
        people = {participant for participant, _ in pairs}
        stmt = (
            sa.select(Placement)
            .where(Placement.participant_id.in_(people))
            .options(selectinload(Placement.events))
            .order_by(Placement.id)
        )
        for placement in session.scalars(stmt) if people else ():
            self._by_pair[(placement.participant_id, placement.contract_id)] = placement
        self.created: set[PairKey] = set()
        self.changed: set[PairKey] = set()
        self.touched: set[PairKey] = set()

    def apply(self, row: AcceptedRow, actor: User | None) -> None:
        draft, key = row.draft, (row.participant_id, row.contract_id)
        self.touched.add(key)
        placement = self._by_pair.get(key)
        if placement is None:
            placement = Placement(participant_id=row.participant_id, contract_id=row.contract_id)
            placement.move_to(draft.status, draft.status_on, actor)
            self._session.add(placement)
            self._by_pair[key] = placement
            self.created.add(key)
        elif _is_new_state(placement, draft):
            placement.move_to(draft.status, draft.status_on, actor)
            self.changed.add(key)
        if _fill(placement, draft):
            self.changed.add(key)


def _is_new_state(placement: Placement, draft: PathwayDraft) -> bool:
    """A change of state not yet in the placement's history (the file sent again is not)."""
    if draft.status is placement.state:
        return False
    return not any(
        event.state is draft.status and event.state_on == draft.status_on
        for event in placement.events
    )


def _fill(placement: Placement, draft: PathwayDraft) -> bool:
    """A hire's type and dates, an interview's date; whether anything changed."""
    wanted: dict[str, object] = {}
    if draft.status in HIRE_STATES and draft.status is placement.state:
        wanted = {
            "employment_type": draft.employment_type,
            "hire_date": draft.hire_date,
            "end_date": draft.end_date,
        }
    elif draft.status is placement.state is PlacementState.INTERVIEW:
        wanted = {"interview_on": draft.status_on}
    changed = {name: value for name, value in wanted.items() if getattr(placement, name) != value}
    for name, value in changed.items():
        setattr(placement, name, value)
    return bool(changed)


def _record_outcomes(session: Session, actor: User | None, rows: list[AcceptedRow]) -> int:
    """One outcome per person and date, the file's last row of that date winning; how many
    the file recorded (created or changed)."""
    wanted: dict[tuple[int, date], OutcomeKind] = {}
    for row in rows:
        draft = row.draft
        if draft.outcome is not None and draft.outcome_on is not None:
            wanted[(row.participant_id, draft.outcome_on)] = draft.outcome
    if not wanted:
        return 0
    people = {participant for participant, _ in wanted}
    existing = {
        (outcome.participant_id, outcome.dated): outcome
        for outcome in session.scalars(sa.select(Outcome).where(Outcome.participant_id.in_(people)))
    }
    recorded = 0
    for (participant_id, dated), kind in wanted.items():
        outcome = existing.get((participant_id, dated))
        if outcome is None:
            session.add(
                Outcome(
                    participant_id=participant_id,
                    kind=kind,
                    dated=dated,
                    recorded_by_id=actor.id if actor else None,
                )
            )
        elif outcome.kind is not kind:
            outcome.kind = kind
            outcome.recorded_by_id = actor.id if actor else None
        else:
            continue
        recorded += 1
    return recorded
