"""Reading a workbook (.xlsx, .ods, .xls) in a process of its own, so that a hostile file cannot
take the server down with it.

calamine holds a sheet as one dense block from its first to its last cell: two cells, A1 and
XFD1048576, in a 5 KB .xlsx ask for 500 GB; one .ods cell repeated over a million rows and a
thousand columns, in 1 KB, asks for 32 GB. Rust aborts the whole process when an allocation
fails, and a crafted file may also make calamine panic, or loop over its merged cells for hours.
imports/read.py therefore runs this module as `python -m imports.workbook MEMORY MAX_ROWS`, the
file on standard input: it gives itself an address-space limit of MEMORY bytes over what it
already uses, is killed past its time, and pickles its answer on standard output. The server
then answers "too big to read" and goes on serving.

Standard library and calamine only: the process starts fast, and never loads the app.
"""

import io
import pickle
import re
import resource
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

# (name, rows) of each sheet in order, and the names of the helper sheets.
Sheets = tuple[list[tuple[str, list[list[Any]]]], frozenset[str]]
# What the process answers: ("sheets", Sheets), ("unreadable", reason) or ("too_many_rows", sheet).
Answer = tuple[str, Any]


class Refused(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(kind, detail)
        self.answer: Answer = (kind, detail)


def read_sheets(content: bytes, max_rows: int) -> Sheets:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = [_sheet(workbook, name, max_rows) for name in workbook.sheet_names]
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise Refused("unreadable", "not_a_workbook") from error
    return sheets, _helper_sheets(content)


def _sheet(workbook: CalamineWorkbook, name: str, max_rows: int) -> tuple[str, list[list[Any]]]:
    sheet = workbook.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False, nrows=max_rows + 1)
    if len(rows) > max_rows:
        raise Refused("too_many_rows", name)
    return name, _unmerged(rows, sheet.merged_cell_ranges or ())


def _unmerged(
    rows: list[list[Any]], merges: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> list[list[Any]]:
    """A value in a merged cell applies to every cell the merge spans."""
    for (top, left), (bottom, right) in merges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value
    return rows


# A helper sheet (the template's lists and instructions) is marked by a workbook-level defined
# name ClausesHelperSheet<N> whose value is '<sheet name>'!$A$1; the reader passes over it.
# python-calamine does not expose defined names: they are read from xl/workbook.xml.
HELPER_SHEET_NAME = "ClausesHelperSheet"
HELPER_NAME = re.compile(rf"{HELPER_SHEET_NAME}\d+")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _helper_sheets(content: bytes) -> frozenset[str]:
    """The sheets marked as helpers in xl/workbook.xml (an .xlsx's; none in other formats)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError):
        return frozenset()
    # Excel never writes a DTD here: a file that has one is not parsed (no entity expansion).
    if b"<!DOCTYPE" in xml:
        return frozenset()
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise Refused("unreadable", "not_a_workbook") from error
    return frozenset(
        _sheet_of(name.text or "")
        for name in root.iter(f"{MAIN_NS}definedName")
        if HELPER_NAME.fullmatch(name.get("name", "")) and name.get("localSheetId") is None
    )


def _sheet_of(reference: str) -> str:
    """ "'Listes'!$A$1" → "Listes" (a quote in a quoted sheet name is doubled)."""
    sheet = reference.rpartition("!")[0]
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet


def _limit_memory(budget: int) -> None:
    """At most `budget` bytes of address space more than the process holds now (Linux)."""
    in_use = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + budget, in_use + budget))


def main() -> None:
    budget, max_rows = int(sys.argv[1]), int(sys.argv[2])
    _limit_memory(budget)
    content = sys.stdin.buffer.read()
    answer: Answer
    try:
        answer = ("sheets", read_sheets(content, max_rows))
    except Refused as refused:
        answer = refused.answer
    except MemoryError:
        answer = ("unreadable", "too_big")
    pickle.dump(answer, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
