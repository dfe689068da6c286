"""Every code an import gives (DESIGN.md's), and the issue a row or a sheet gets.

An issue carries a code and the values its sentence needs, never the sentence: it is rendered
where it is shown (page, command line, JSON `message`), in the reader's language, by
clauses.messages. Its params are JSON values (text and whole numbers; dates in ISO form, hours
as decimal text), so a batch keeps them and renders them again later.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    VALUE_TOO_LONG = "value_too_long"
    # Row errors of the contracts and participants files.
    VALUE_MISSING = "value_missing"
    SIRET_INVALID = "siret_invalid"
    DATE_INVALID = "date_invalid"
    DATES_INVERTED = "dates_inverted"
    NUMBER_INVALID = "number_invalid"
    BOOLEAN_INVALID = "boolean_invalid"
    SEX_INVALID = "sex_invalid"
    PHONE_INVALID = "phone_invalid"
    EMAIL_INVALID = "email_invalid"
    ORGANISATION_CONFLICT = "organisation_conflict"
    SCHEDULE_INCOMPLETE = "schedule_incomplete"
    # Row errors of the follow-up sheet (import-pathways).
    PARTICIPANT_UNKNOWN = "participant_unknown"
    STATUS_INVALID = "status_invalid"
    HIRE_DATE_MISSING = "hire_date_missing"
    OUTCOME_INVALID = "outcome_invalid"
    OUTCOME_DATE_MISSING = "outcome_date_missing"
    # Row warnings: the row is accepted (hours_zero: skipped).
    HOURS_OVERTIME = "hours_overtime"
    HOURS_ZERO = "hours_zero"
    PARTICIPANT_FUZZY = "participant_fuzzy"
    PARTICIPANT_NEW = "participant_new"
    BIRTHDATE_MISSING = "birthdate_missing"
    TYPE_UNKNOWN = "type_unknown"
    MONTH_OUTSIDE_CONTRACT = "month_outside_contract"
    REPLACES_PREVIOUS = "replaces_previous"
    CRITERION_UNKNOWN = "criterion_unknown"
    VALIDATION_KEPT = "validation_kept"
    COMMUNE_UNKNOWN = "commune_unknown"
    # Sheet warning.
    SHEET_SKIPPED = "sheet_skipped"


Param = str | int | None


@dataclass(frozen=True, slots=True)
class Issue:
    """An error or a warning, on a spreadsheet row as Excel numbers it (None: the whole sheet)."""

    sheet: str
    row: int | None
    code: Code
    params: Mapping[str, Param] = field(default_factory=dict)
    # Shown to the uploading contractor only, not to the clause team: a person it did not know,
    # though the programme did, shown to it as new (DESIGN.md, "What a contractor is shown").
    contractor_only: bool = False

    def as_dict(self) -> dict[str, object]:
        issue: dict[str, object] = {
            "sheet": self.sheet,
            "row": self.row,
            "code": self.code.value,
            "params": dict(self.params),
        }
        if self.contractor_only:
            issue["contractor_only"] = True
        return issue
