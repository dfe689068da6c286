"""The facilitators' follow-up sheet (DESIGN.md, "Command line for pathways"): one row per
placement, with its status and, once over, the person's outcome. Its columns and what each row
becomes. Pure: services/pathways_import.py finds the people and contracts, and saves.

The header is the first of the first 30 rows holding Nom, Prénom and Statut; headers match
their names exactly once normalised ("Date du statut" is not "Statut").
"""

from dataclasses import dataclass
from datetime import date

from clauses.models import EmploymentType, OutcomeKind, PlacementState
from clauses.rules.names import normalise_name
from imports.cells import employment_type, parse_date, text
from imports.codes import Code
from imports.records import RowReader
from imports.table import Columns, column

PATHWAY_COLUMNS = Columns(
    (
        column("last_name", "Nom"),
        column("first_name", "Prénom"),
        column("status", "Statut"),
        column("birth_date", "Date de naissance", required=False),
        column("contract", "Marché", required=False),
        column("status_on", "Date du statut", required=False),
        column("employment_type", "Type de contrat", required=False),
        column("hire_date", "Date d'embauche", required=False),
        column("end_date", "Date de fin", required=False),
        column("outcome", "Sortie", required=False),
        column("outcome_on", "Date de sortie", required=False),
    )
)

# Statuses as written, normalised, without the feminine "e" or "·e" ("Embauché·e", "REFUSÉE").
STATUSES = {
    "PROPOSE": PlacementState.PROPOSED,
    "ENTRETIEN": PlacementState.INTERVIEW,
    "EMBAUCHE": PlacementState.HIRED,
    "TERMINE": PlacementState.ENDED,
    "REFUSE": PlacementState.REFUSED,
    "DESISTE": PlacementState.WITHDRAWN,
}
OUTCOMES = {
    "EMPLOI DURABLE": OutcomeKind.LASTING_JOB,
    "EMPLOI DE TRANSITION": OutcomeKind.TRANSITION_JOB,
    "SORTIE POSITIVE": OutcomeKind.POSITIVE_EXIT,
    "AUTRE": OutcomeKind.OTHER,
    "INCONNUE": OutcomeKind.UNKNOWN,
    "INCONNU": OutcomeKind.UNKNOWN,
}
# A hire is recorded with its date: these statuses need "Date d'embauche".
HIRE_STATES = (PlacementState.HIRED, PlacementState.ENDED)


def parse_status(value: str) -> PlacementState | None:
    """ "Proposé·e", "PROPOSÉE", "proposé": PROPOSE once normalised and the final E or ·E
    dropped; the canonical words themselves end in E (PROPOSE, TERMINE)."""
    key = normalise_name(value)
    for word in (key, key.removesuffix(" E"), key.removesuffix("E")):
        if word in STATUSES:
            return STATUSES[word]
    return None


def parse_outcome(value: str) -> OutcomeKind | None:
    return OUTCOMES.get(normalise_name(value))


@dataclass(frozen=True, slots=True)
class PathwayDraft:
    """A row's placement (and outcome), read and checked, before its person is found."""

    last_name: str
    first_name: str
    birth_date: date | None
    reference: str
    status: PlacementState
    status_on: date
    employment_type: EmploymentType | None
    hire_date: date | None
    end_date: date | None
    outcome: OutcomeKind | None
    outcome_on: date | None


def read_pathway(row: RowReader) -> PathwayDraft | None:
    """The row's placement, or None when a cell is wrong (the row then has its errors)."""
    last_name = row.name("last_name", 120)
    first_name = row.name("first_name", 120)
    birth_date = row.value("birth_date", parse_date, Code.BIRTHDATE_INVALID)
    reference = row.text("contract", 80)
    status = _status(row)
    status_on = row.value("status_on", parse_date, Code.DATE_INVALID, required=True)
    kind = _employment_type(row)
    hire_date, end_date = _hire(row, status)
    outcome, outcome_on = _outcome(row)
    if row.errors or status is None or status_on is None:
        return None
    return PathwayDraft(
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        reference=reference,
        status=status,
        status_on=status_on,
        employment_type=kind,
        hire_date=hire_date,
        end_date=end_date,
        outcome=outcome,
        outcome_on=outcome_on,
    )


def _status(row: RowReader) -> PlacementState | None:
    written = row.text("status", 120)
    status = parse_status(written)
    if status is None:
        row.error(Code.STATUS_INVALID, value=written)
    return status


def _employment_type(row: RowReader) -> EmploymentType | None:
    """A type outside the synonyms is "other", kept with a warning; an empty cell, none."""
    raw = row.raw("employment_type")
    if raw is None:
        return None
    found = employment_type(raw)
    if found is None:
        row.warn(Code.TYPE_UNKNOWN, value=text(raw))
        return EmploymentType.OTHER
    return found


def _hire(row: RowReader, status: PlacementState | None) -> tuple[date | None, date | None]:
    hire_date = row.value("hire_date", parse_date, Code.DATE_INVALID)
    end_date = row.value("end_date", parse_date, Code.DATE_INVALID)
    if status in HIRE_STATES and hire_date is None and row.raw("hire_date") is None:
        row.error(Code.HIRE_DATE_MISSING, status=status.value if status else "")
    if hire_date and end_date and end_date < hire_date:
        row.error(Code.DATES_INVERTED, start=hire_date.isoformat(), end=end_date.isoformat())
    return hire_date, end_date


def _outcome(row: RowReader) -> tuple[OutcomeKind | None, date | None]:
    written = row.text("outcome", 120)
    outcome_on = row.value("outcome_on", parse_date, Code.DATE_INVALID)
    if not written:
        return None, None
    outcome = parse_outcome(written)
    if outcome is None:
        row.error(Code.OUTCOME_INVALID, value=written)
    elif outcome_on is None and row.raw("outcome_on") is None:
        row.error(Code.OUTCOME_DATE_MISSING, outcome=outcome.value)
    return outcome, outcome_on
