"""One data row's cells, read through the header, checked against DESIGN.md's row errors."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clauses.models.enums import EmploymentType
from imports.cells import (
    employment_type,
    parse_date,
    parse_hours,
    parse_month,
    split_combined_name,
    text,
)
from imports.codes import Code, Issue, Param
from imports.headers import Field
from imports.reference import KnownContract
from imports.table import Header

MAX_MONTH_HOURS = Decimal(208)


@dataclass(frozen=True, slots=True)
class Context:
    """What every row is checked against."""

    contracts: dict[str, KnownContract]  # by normalised reference, in the uploader's scope
    default_contract: str | None  # --contract, for files without a contract column
    as_of_month: date


@dataclass(frozen=True, slots=True)
class ParsedRow:
    reference: str
    contract: KnownContract | None
    hours_text: str
    hours: Decimal | None
    month_text: str
    month: date | None
    last_name: str
    first_name: str
    birth_date: date | None
    employment_type: EmploymentType | None
    employment_type_text: str
    employer: str


def cell(cells: Sequence[object], header: Header, field: Field) -> object:
    position = header.columns.get(field)
    if position is None or position >= len(cells):
        return None
    return cells[position]


def parse_row(cells: Sequence[object], header: Header, ctx: Context) -> ParsedRow:
    if header.has(Field.COMBINED_NAME):
        last, first = split_combined_name(text(cell(cells, header, Field.COMBINED_NAME)))
    else:
        last = text(cell(cells, header, Field.LAST_NAME))
        first = text(cell(cells, header, Field.FIRST_NAME))
    reference = text(cell(cells, header, Field.CONTRACT)) or ctx.default_contract or ""
    type_text = text(cell(cells, header, Field.EMPLOYMENT_TYPE))
    hours, month = cell(cells, header, Field.HOURS), cell(cells, header, Field.MONTH)
    return ParsedRow(
        reference=reference,
        contract=ctx.contracts.get(reference.strip().upper()),
        hours_text=text(hours),
        hours=parse_hours(hours),
        month_text=text(month),
        month=parse_month(month),
        last_name=last,
        first_name=first,
        birth_date=_plausible_birth(parse_date(cell(cells, header, Field.BIRTH_DATE)), ctx),
        employment_type=employment_type(type_text),
        employment_type_text=type_text,
        employer=text(cell(cells, header, Field.EMPLOYER)),
    )


def _plausible_birth(day: date | None, ctx: Context) -> date | None:
    """A birth date after the as-of month is a typing error: as good as unreadable."""
    return day if day is not None and day < ctx.as_of_month else None


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A row whose own cells hold no error: contract, hours and month are known."""

    parsed: ParsedRow
    contract: KnownContract
    hours: Decimal
    month: date


def check(parsed: ParsedRow, ctx: Context, sheet: str, row: int) -> CheckedRow | list[Issue]:
    """The checked row, or every error of the row's own cells (matching comes after)."""
    errors = row_errors(parsed, ctx, sheet, row)
    if errors or parsed.contract is None or parsed.hours is None or parsed.month is None:
        return errors
    return CheckedRow(parsed, parsed.contract, parsed.hours, parsed.month)


def row_errors(parsed: ParsedRow, ctx: Context, sheet: str, row: int) -> list[Issue]:
    found: list[tuple[Code, dict[str, Param]]] = []
    if parsed.contract is None:
        found.append((Code.CONTRACT_UNKNOWN, {"reference": parsed.reference}))
    found.extend(_hours_errors(parsed))
    if parsed.month is None:
        found.append((Code.MONTH_INVALID, {"value": parsed.month_text}))
    elif parsed.month > ctx.as_of_month:
        found.append(
            (
                Code.MONTH_FUTURE,
                {"month": parsed.month.isoformat(), "as_of_month": ctx.as_of_month.isoformat()},
            )
        )
    if not parsed.last_name or not parsed.first_name:
        found.append((Code.PARTICIPANT_MISSING, {}))
    return [Issue(sheet, row, code, params) for code, params in found]


def _hours_errors(parsed: ParsedRow) -> list[tuple[Code, dict[str, Param]]]:
    if parsed.hours is None:
        return [(Code.HOURS_INVALID, {"value": parsed.hours_text})]
    if parsed.hours < 0:
        return [(Code.HOURS_NEGATIVE, {"hours": str(parsed.hours)})]
    if parsed.hours > MAX_MONTH_HOURS:
        return [
            (Code.HOURS_TOO_HIGH, {"hours": str(parsed.hours), "maximum": str(MAX_MONTH_HOURS)})
        ]
    return []
