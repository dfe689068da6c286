"""The codes of DESIGN.md, and the issue a row or a sheet gets."""

from dataclasses import dataclass
from enum import StrEnum


class Code(StrEnum):
    # Row errors: the row is rejected, the rest of the file still imports.
    CONTRACT_UNKNOWN = "contract_unknown"
    HOURS_INVALID = "hours_invalid"
    HOURS_NEGATIVE = "hours_negative"
    HOURS_TOO_HIGH = "hours_too_high"
    MONTH_INVALID = "month_invalid"
    MONTH_FUTURE = "month_future"
    PARTICIPANT_MISSING = "participant_missing"
    BIRTHDATE_INVALID = "birthdate_invalid"
    PARTICIPANT_AMBIGUOUS = "participant_ambiguous"
    DUPLICATE_ROW = "duplicate_row"
    # Row warnings: the row is accepted (hours_zero: skipped).
    HOURS_OVERTIME = "hours_overtime"
    HOURS_ZERO = "hours_zero"
    PARTICIPANT_FUZZY = "participant_fuzzy"
    PARTICIPANT_NEW = "participant_new"
    BIRTHDATE_MISSING = "birthdate_missing"
    TYPE_UNKNOWN = "type_unknown"
    MONTH_OUTSIDE_CONTRACT = "month_outside_contract"
    REPLACES_PREVIOUS = "replaces_previous"
    # Sheet warning.
    SHEET_SKIPPED = "sheet_skipped"


@dataclass(frozen=True, slots=True)
class Issue:
    """An error or a warning, on a spreadsheet row as Excel numbers it (None: the whole sheet)."""

    sheet: str
    row: int | None
    code: Code
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "code": self.code.value,
            "message": self.message,
        }
