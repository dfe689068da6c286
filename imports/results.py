"""What became of each row, and the counts the command line and the pages report."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from clauses.models.enums import EmploymentType
from imports.codes import Issue
from imports.match import Person


class RowDecision(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """An accepted row, normalised and matched, ready for commit."""

    contract_id: int
    person: Person
    month: date
    employment_type: EmploymentType
    employment_type_text: str
    employer: str
    hours: Decimal

    @property
    def key(self) -> tuple[int, int, date, EmploymentType]:
        return (self.contract_id, id(self.person), self.month, self.employment_type)


@dataclass(frozen=True, slots=True)
class RowResult:
    sheet: str
    row: int
    decision: RowDecision
    entry: EntryDraft | None = None
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()


@dataclass(slots=True)
class ImportReport:
    """Every row's fate, the sheet warnings, and the counts of DESIGN.md's --json object."""

    file_format: str
    rows: list[RowResult] = field(default_factory=list)
    sheet_warnings: list[Issue] = field(default_factory=list)
    committed: bool = False
    batch_id: int | None = None

    def count(self, decision: RowDecision) -> int:
        return sum(1 for row in self.rows if row.decision is decision)

    @property
    def accepted(self) -> list[EntryDraft]:
        return [row.entry for row in self.rows if row.entry is not None]

    @property
    def hours_accepted(self) -> Decimal:
        return sum((entry.hours for entry in self.accepted), Decimal(0))

    @property
    def errors(self) -> list[Issue]:
        return [issue for row in self.rows for issue in row.errors]

    @property
    def warnings(self) -> list[Issue]:
        """The warnings of the import as it truly went (the clause team's view)."""
        return self.warnings_seen(true_outcome=True)

    def warnings_seen(self, true_outcome: bool) -> list[Issue]:
        """The clause team's warnings (true_outcome), or the uploading contractor's: those and
        a participant_new for each person it did not know (DESIGN.md, "What a contractor is
        shown"). A batch keeps the contractor's, each of its own marked contractor_only."""
        issues = self.sheet_warnings + [issue for row in self.rows for issue in row.warnings]
        return [issue for issue in issues if not (true_outcome and issue.contractor_only)]

    def people(self, true_outcome: bool = True) -> tuple[set[int], int]:
        """Distinct people already known on accepted rows, and the number of new ones: new to
        the programme (true_outcome), or to the uploading contractor."""
        persons = {id(entry.person): entry.person for entry in self.accepted}.values()
        new = {id(p) for p in persons if (p.is_new if true_outcome else not p.is_known_to_uploader)}
        known = {p.id for p in persons if p.id is not None and id(p) not in new}
        return known, len(new)

    def counts(self, true_outcome: bool = True) -> dict[str, object]:
        """DESIGN.md's --json object but its errors and warnings, as the clause team
        (true_outcome) or the uploading contractor sees it."""
        known, new = self.people(true_outcome)
        return {
            "rows_accepted": self.count(RowDecision.ACCEPTED),
            "rows_rejected": self.count(RowDecision.REJECTED),
            "rows_skipped": self.count(RowDecision.SKIPPED),
            "hours_accepted": float(self.hours_accepted),
            "participants_matched": len(known),
            "participants_new": new,
            "committed": self.committed,
        }
