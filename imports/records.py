"""What the reference files (contracts, participants, later the pathways) share once the table
reader found their rows: each row read column by column while it gathers its issues, the sheets
a file's tables are on, and the tally of what an import did.

Each file declares its Columns (exact synonyms; the header is the first row naming every required
column) and what a row becomes (imports/contracts.py, imports/participants.py); the services
load what is known and save.
"""

import hashlib
from collections.abc import Callable, Hashable, Mapping, MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeVar

from clauses.errors import MissingColumns
from clauses.rules.names import normalise_name
from imports.cells import clean, is_blank, parse_siret, person_name, text
from imports.codes import Code, Issue, Param
from imports.read import Sheet, Workbook
from imports.table import HEADER_SEARCH_ROWS, Columns, Header, RowKind, find_header, rows_below

T = TypeVar("T")
Outcome = Literal["created", "updated", "unchanged"]


class RowReader:
    """One data row: its cells by column key, and the issues found while reading them."""

    def __init__(
        self, sheet: str, number: int, cells: Mapping[str, object], labels: Mapping[str, str]
    ) -> None:
        self.sheet = sheet
        self.number = number
        self._cells = cells
        self._labels = labels
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def raw(self, key: str) -> object:
        """The cell, None when empty."""
        return clean(self._cells.get(key))

    def has(self, key: str) -> bool:
        """Whether the file has this column at all (an absent optional column changes nothing)."""
        return key in self._cells

    def error(self, code: Code, **params: Param) -> None:
        self.errors.append(Issue(self.sheet, self.number, code, params))

    def warn(self, code: Code, **params: Param) -> None:
        self.warnings.append(Issue(self.sheet, self.number, code, params))

    def text(
        self,
        key: str,
        max_length: int,
        *,
        required: bool = False,
        keyed: Callable[[str], str] | None = None,
    ) -> str:
        """The cell's text, spaces collapsed; longer than max_length is value_too_long, and so
        is a key made of it (`keyed`) that its column could not hold ("ß" is SS in capitals)."""
        return self._checked(
            key, " ".join(text(self.raw(key)).split()), max_length, required, keyed
        )

    def name(self, key: str, max_length: int) -> str:
        """A person's name, required, read as DESIGN.md says (imports.cells.person_name); the
        key it gives must fit the column too ("ﬃ" is FFI once read)."""
        value = " ".join(person_name(self.raw(key)).split())
        return self._checked(key, value, max_length, True, normalise_name)

    def _checked(
        self,
        key: str,
        value: str,
        maximum: int,
        required: bool,
        keyed: Callable[[str], str] | None,
    ) -> str:
        length = max(len(value), len(keyed(value)) if keyed else 0)
        if not value and required:
            self.error(Code.VALUE_MISSING, column=self._labels[key])
        elif length > maximum:
            column = self._labels[key]
            self.error(Code.VALUE_TOO_LONG, column=column, length=length, maximum=maximum)
        return value

    def value(
        self, key: str, parse: Callable[[object], T | None], code: Code, *, required: bool = False
    ) -> T | None:
        """The parsed cell; None when empty (an error if required) or unreadable (an error)."""
        raw = self.raw(key)
        if raw is None:
            if required:
                self.error(Code.VALUE_MISSING, column=self._labels[key])
            return None
        parsed = parse(raw)
        if parsed is None:
            self.error(code, column=self._labels[key], value=text(raw))
        return parsed

    def siret(self, key: str) -> str | None:
        return self.value(key, parse_siret, Code.SIRET_INVALID)

    def bounded(
        self,
        key: str,
        parse: Callable[[object], Decimal | None],
        code: Code,
        bounds: tuple[Decimal, Decimal],
        *,
        required: bool = False,
    ) -> Decimal | None:
        """The parsed number when it lies within bounds; else an error, and None."""
        number = self.value(key, parse, code, required=required)
        minimum, maximum = bounds
        if number is None or minimum <= number <= maximum:
            return number
        self.error(
            code,
            column=self._labels[key],
            value=str(number),
            minimum=str(minimum),
            maximum=str(maximum),
        )
        return None

    def check_duplicate(
        self, key: Hashable, first_rows: MutableMapping[Hashable, int], value: str
    ) -> None:
        """A key already seen on an earlier row of the file rejects this row."""
        if key in first_rows:
            self.error(Code.DUPLICATE_ROW, value=value, first_row=first_rows[key])
        else:
            first_rows[key] = self.number


def _rows(sheet: Sheet, header: Header, columns: Columns) -> list[RowReader]:
    labels = columns.labels()
    return [
        RowReader(
            sheet.name,
            row.number,
            {
                key: row.cells[i] if i < len(row.cells) else None
                for key, i in header.columns.items()
            },
            labels,
        )
        for row in rows_below(sheet, header)
        if row.kind is RowKind.DATA
    ]


@dataclass
class Tally:
    """What an import did, gathered row by row; `report()` freezes it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    schedules_replaced: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def add(self, row: RowReader) -> bool:
        """Records the row's issues; True when it is accepted."""
        self.errors.extend(row.errors)
        self.warnings.extend(row.warnings)
        if row.errors:
            self.rejected += 1
        return not row.errors

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def report(self) -> "ReferenceImportReport":
        return ReferenceImportReport(
            created=self.created,
            updated=self.updated,
            rejected=self.rejected,
            errors=list(self.errors),
            warnings=list(self.warnings),
            unchanged=self.unchanged,
            schedules_replaced=self.schedules_replaced,
        )


@dataclass(frozen=True)
class ReferenceImportReport:
    created: int
    updated: int
    rejected: int
    errors: list[Issue]
    warnings: list[Issue]
    unchanged: int = 0  # known records the file did not change
    schedules_replaced: int = 0  # contracts whose "Échéancier" the file wrote

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "schedules_replaced": self.schedules_replaced,
        }

    def audit_details(self, content: bytes, filename: str) -> dict[str, object]:
        """What the import's one audit event says of the file."""
        sha256 = hashlib.sha256(content).hexdigest()
        return {
            "filename": filename,
            "sha256": sha256,
            "warnings": len(self.warnings),
            **self.counts(),
        }


def outcome(before: object, after: object) -> Outcome:
    """What saving a row did to its record (before is None for a new record)."""
    if before is None:
        return "created"
    return "unchanged" if before == after else "updated"


def tables(
    workbook: Workbook, filename: str, main: Columns, tally: Tally, others: Columns | None = None
) -> tuple[list[RowReader], list[RowReader]]:
    """The data rows of the sheets holding `main`, then of those holding `others`; any other
    sheet with something in it is skipped with a warning. No sheet holding `main` is a
    file-level error naming the columns the most header-like row lacks."""
    found: list[RowReader] = []
    extra: list[RowReader] = []
    main_sheets = 0
    for sheet in workbook.data_sheets:
        if header := find_header(sheet.rows, main):
            found.extend(_rows(sheet, header, main))
            main_sheets += 1
        elif others and (header := find_header(sheet.rows, others)):
            extra.extend(_rows(sheet, header, others))
        elif not all(is_blank(cell) for row in sheet.rows for cell in row):
            tally.warnings.append(Issue(sheet.name, None, Code.SHEET_SKIPPED))
    if not main_sheets:
        raise _missing_columns(workbook, main, filename)
    return found, extra


def _missing_columns(workbook: Workbook, columns: Columns, filename: str) -> MissingColumns:
    """Names what the most header-like row lacks, so the user knows which column to add."""
    best: tuple[int, str | None, dict[str, int]] = (0, None, {})
    for sheet in workbook.data_sheets:
        for cells in sheet.rows[:HEADER_SEARCH_ROWS]:
            named = columns.columns_of(cells)
            if len(named) > best[0]:
                best = (len(named), sheet.name, named)
    return MissingColumns(columns=columns.missing(best[2]), sheet=best[1], filename=filename)
