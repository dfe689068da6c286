"""One data row's cells, read through the header, checked against DESIGN.md's row errors."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from clauses.models import BatchLine, Contract, Participant
from clauses.models.enums import EmploymentType
from clauses.rules.names import normalise_name
from imports.cells import (
    age_on,
    employment_type,
    is_plausible_age,
    parse_date,
    parse_hours,
    parse_month,
    person_name,
    shown,
    split_combined_name,
    text,
)
from imports.codes import Code, Issue, Param
from imports.headers import LABELS, Field
from imports.reference import KnownContract
from imports.table import Header

MAX_MONTH_HOURS = Decimal(208)


def _length(table: sa.FromClause, name: str) -> int:
    kind = table.c[name].type
    if not isinstance(kind, sa.String) or kind.length is None:
        raise TypeError(f"{table}.{name} is no text of bounded length")
    return kind.length


# DESIGN.md: a text longer than its column is value_too_long (names 120 characters, employer
# 200, references 80); the type as written is kept in 120. Each maximum is its column's, so the
# preview never accepts what the commit cannot write.
MAX_LENGTHS = {
    Field.CONTRACT: _length(Contract.__table__, "reference"),
    Field.LAST_NAME: _length(Participant.__table__, "last_name"),
    Field.FIRST_NAME: _length(Participant.__table__, "first_name"),
    Field.EMPLOYER: _length(BatchLine.__table__, "employer"),
    Field.EMPLOYMENT_TYPE: _length(BatchLine.__table__, "employment_type_text"),
}


@dataclass(frozen=True, slots=True)
class Context:
    """What every row is checked against."""

    contracts: dict[str, KnownContract]  # by normalised reference, in the uploader's scope
    default_contract: str | None  # --contract, for files without a contract column
    as_of_month: date


@dataclass(frozen=True, slots=True)
class TooLong:
    field: Field
    column: str  # the header's cell, as the file writes it
    length: int
    maximum: int


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
    too_long: tuple[TooLong, ...] = ()


def cell(cells: Sequence[object], header: Header, field: Field) -> object:
    position = header.columns.get(field)
    if position is None or position >= len(cells):
        return None
    return cells[position]


def parse_row(cells: Sequence[object], header: Header, ctx: Context) -> ParsedRow:
    names = _names(cells, header)
    reference = text(cell(cells, header, Field.CONTRACT)) or ctx.default_contract or ""
    type_text = text(cell(cells, header, Field.EMPLOYMENT_TYPE))
    employer = text(cell(cells, header, Field.EMPLOYER))
    hours, month = cell(cells, header, Field.HOURS), cell(cells, header, Field.MONTH)
    lengths = [
        # A name's key holds its letters once read ("ﬃ" is FFI): it must fit too.
        *((field, max(len(value), len(normalise_name(value)))) for field, value in names),
        (Field.CONTRACT, len(reference)),
        (Field.EMPLOYMENT_TYPE, len(type_text)),
        (Field.EMPLOYER, len(employer)),
    ]
    return ParsedRow(
        reference=reference,
        contract=ctx.contracts.get(reference.strip().upper()),
        hours_text=text(hours),
        hours=parse_hours(hours),
        month_text=text(month),
        month=parse_month(month),
        last_name=names[0][1],
        first_name=names[1][1],
        birth_date=parse_date(cell(cells, header, Field.BIRTH_DATE)),
        employment_type=employment_type(type_text),
        employment_type_text=type_text,
        employer=employer,
        too_long=tuple(
            TooLong(field, _title(header, field), length, MAX_LENGTHS[field])
            for field, length in lengths
            if length > MAX_LENGTHS[field]
        ),
    )


def _title(header: Header, field: Field) -> str:
    """A column's name as the file writes it (the template's, for --contract)."""
    if field in (Field.LAST_NAME, Field.FIRST_NAME) and header.has(Field.COMBINED_NAME):
        field = Field.COMBINED_NAME
    position = header.columns.get(field)
    return LABELS[field] if position is None else shown(header.titles[position])


def _names(cells: Sequence[object], header: Header) -> tuple[tuple[Field, str], tuple[Field, str]]:
    """The last and first names, read as DESIGN.md says (imports.cells.person_name)."""
    if header.has(Field.COMBINED_NAME):
        last, first = split_combined_name(person_name(cell(cells, header, Field.COMBINED_NAME)))
    else:
        last = person_name(cell(cells, header, Field.LAST_NAME))
        first = person_name(cell(cells, header, Field.FIRST_NAME))
    return (Field.LAST_NAME, last), (Field.FIRST_NAME, first)


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
    too_long = {item.field for item in parsed.too_long}
    if parsed.contract is None and Field.CONTRACT not in too_long:
        found.append((Code.CONTRACT_UNKNOWN, {"reference": shown(parsed.reference)}))
    found.extend(_hours_errors(parsed))
    found.extend(_month_errors(parsed, ctx))
    if not parsed.last_name or not parsed.first_name:
        found.append((Code.PARTICIPANT_MISSING, {}))
    found.extend(_birth_errors(parsed))
    found.extend(
        (
            Code.VALUE_TOO_LONG,
            {"column": item.column, "length": item.length, "maximum": item.maximum},
        )
        for item in parsed.too_long
    )
    return [Issue(sheet, row, code, params) for code, params in found]


def _month_errors(parsed: ParsedRow, ctx: Context) -> list[tuple[Code, dict[str, Param]]]:
    if parsed.month is None:
        return [(Code.MONTH_INVALID, {"value": shown(parsed.month_text)})]
    if parsed.month > ctx.as_of_month:
        as_of = ctx.as_of_month.isoformat()
        return [(Code.MONTH_FUTURE, {"month": parsed.month.isoformat(), "as_of_month": as_of})]
    return []


def _birth_errors(parsed: ParsedRow) -> list[tuple[Code, dict[str, Param]]]:
    """DESIGN.md: an age under 15 or over 80 on the first day of the row's month."""
    born, month = parsed.birth_date, parsed.month
    if born is None or month is None or is_plausible_age(born, month):
        return []
    return [(Code.BIRTHDATE_INVALID, {"birth_date": born.isoformat(), "age": age_on(born, month)})]


def _hours_errors(parsed: ParsedRow) -> list[tuple[Code, dict[str, Param]]]:
    if parsed.hours is None:
        return [(Code.HOURS_INVALID, {"value": shown(parsed.hours_text)})]
    if parsed.hours < 0:
        return [(Code.HOURS_NEGATIVE, {"hours": str(parsed.hours)})]
    if parsed.hours > MAX_MONTH_HOURS:
        return [
            (Code.HOURS_TOO_HIGH, {"hours": str(parsed.hours), "maximum": str(MAX_MONTH_HOURS)})
        ]
    return []
