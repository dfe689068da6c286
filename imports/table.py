"""One table reader for every spreadsheet import: the header row, found through the import's own
declaration of its columns, then the rows below it, with the rows every import skips.

An import declares a Layout: which of its columns a row's cells name, and whether those are
enough for a header. The hour sheets recognise keywords (imports/headers.py); the contracts,
participants (and pathways) files list the exact synonyms of each column (Columns, below).
Below the header, every import skips the same rows: empty rows (not counted), total rows
("TOTAL", "Total général", "Sous-total") and repeated headers (the header's cells again, compared
normalised).
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from clauses.rules.names import normalise_name
from imports.cells import is_blank, text
from imports.read import Sheet

HEADER_SEARCH_ROWS = 30
TOTAL_WORDS = ("TOTAL", "SOUS TOTAL")


class Layout(Protocol):
    """How an import recognises its header row."""

    def columns_of(self, cells: Sequence[object]) -> dict[str, int]:
        """The import's columns these cells name: each column's first position."""
        ...

    def is_header(self, columns: Mapping[str, int]) -> bool:
        """Whether a row naming these columns is the header."""
        ...


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # as the template writes it, for messages
    synonyms: frozenset[str]  # normalised
    required: bool


def column(key: str, label: str, *synonyms: str, required: bool = True) -> Column:
    names = frozenset(normalise_name(name) for name in (label, *synonyms))
    return Column(key, label, names, required)


@dataclass(frozen=True, slots=True)
class Columns:
    """Columns named by exact synonyms (once normalised): the header is the first row naming
    every required column."""

    columns: tuple[Column, ...]

    def columns_of(self, cells: Sequence[object]) -> dict[str, int]:
        found: dict[str, int] = {}
        for position, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            label = normalise_name(cell)
            match = next(
                (c for c in self.columns if c.key not in found and label in c.synonyms), None
            )
            if match is not None:
                found[match.key] = position
        return found

    def is_header(self, columns: Mapping[str, int]) -> bool:
        return all(c.key in columns for c in self.columns if c.required)

    def labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.columns}

    def optional(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if not c.required)

    def missing(self, columns: Mapping[str, int]) -> list[str]:
        """The labels of the required columns these do not name."""
        return [c.label for c in self.columns if c.required and c.key not in columns]


@dataclass(frozen=True, slots=True)
class Header:
    """The header row of a sheet: its index in the sheet's rows and each column's position."""

    index: int
    columns: dict[str, int]
    labels: tuple[str, ...]  # the header's cells, normalised: a repeated header equals them
    labelled: tuple[int, ...]  # the positions of its non-empty cells
    titles: tuple[str, ...]  # its cells as written, for messages

    def has(self, key: str) -> bool:
        return key in self.columns


def find_header(rows: Sequence[Sequence[object]], layout: Layout) -> Header | None:
    """The first of the first 30 rows that the layout takes for a header."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = layout.columns_of(cells)
        if layout.is_header(columns):
            labels = normalised_cells(cells)
            labelled = tuple(position for position, label in enumerate(labels) if label)
            return Header(index, columns, labels, labelled, tuple(text(cell) for cell in cells))
    return None


def normalised_cells(cells: Sequence[object]) -> tuple[str, ...]:
    """A row's cells as compared for a repeated header: normalised, trailing blanks dropped."""
    labels = [normalise_name(text(cell)) for cell in cells]
    while labels and not labels[-1]:
        labels.pop()
    return tuple(labels)


class RowKind(StrEnum):
    DATA = "data"
    TOTAL = "total"
    REPEATED_HEADER = "repeated_header"


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as Excel numbers it (1-based)
    cells: Sequence[object]
    kind: RowKind


def rows_below(sheet: Sheet, header: Header) -> Iterator[Row]:
    """Every non-empty row under the header, told apart: data, total, or repeated header."""
    for index in range(header.index + 1, len(sheet.rows)):
        cells = sheet.rows[index]
        first = next((value for value in cells if not is_blank(value)), None)
        if first is None:
            continue
        if is_total(first):
            yield Row(index + 1, cells, RowKind.TOTAL)
        elif repeats(cells, header):
            yield Row(index + 1, cells, RowKind.REPEATED_HEADER)
        else:
            yield Row(index + 1, cells, RowKind.DATA)


def is_total(first: object) -> bool:
    """ "TOTAL", "Total général", "Sous-total": a row's first filled cell says so."""
    label = text(first).upper().replace("-", " ")
    return label.startswith(TOTAL_WORDS)


def repeats(cells: Sequence[object], header: Header) -> bool:
    """The header again (a sheet pasted under another), whatever its case and accents. A
    header's cells are text where the header has a label: most data rows hold a number or a
    date in one of them, so they are told apart before any normalising."""
    for position in header.labelled:
        if position >= len(cells) or not isinstance(cells[position], str):
            return False
    return normalised_cells(cells) == header.labels
