"""Reading a file's sheets as rows of raw cells, whatever it is: .xlsx, .xls, .ods or .csv.

The format is told by the content, not the name. A file that is no spreadsheet, or a hostile
one (a zip bomb), raises UnreadableFile; nothing here ever half-reads silently.
"""

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from clauses.errors import UnreadableFile

Cell = object
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# A real workbook inflates to a few times its size; a zip bomb to thousands of times.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet's cells from A1: rows[i] is the spreadsheet's row i + 1."""

    name: str
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True, slots=True)
class Workbook:
    file_format: str  # xlsx, xls, ods, csv
    sheets: list[Sheet]
    # Sheets the workbook marks as helpers (the template's lists and instructions): no data.
    helper_sheets: frozenset[str] = frozenset()

    @property
    def data_sheets(self) -> list[Sheet]:
        return [sheet for sheet in self.sheets if sheet.name not in self.helper_sheets]


def read(content: bytes) -> Workbook:
    file_format = sniff(content)
    if file_format == "csv":
        return Workbook("csv", [Sheet("csv", _csv_rows(content))])
    if file_format == "ods":
        _check_zip(content)
    if file_format == "xlsx":
        _check_zip(content)
        return Workbook("xlsx", _calamine_sheets(content), _helper_sheets(content))
    return Workbook(file_format, _calamine_sheets(content))


def sniff(content: bytes) -> str:
    if content.startswith(XLS_MAGIC):
        return "xls"
    if content.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise UnreadableFile(reason="damaged_archive") from error
        if "[Content_Types].xml" in names:
            return "xlsx"
        raise UnreadableFile(reason="zip_not_workbook")
    return "csv"


def _check_zip(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_ZIP_RATIO * max(len(content), 1024 * 1024):
        raise UnreadableFile(reason="zip_bomb")


# A helper sheet (the template's lists and instructions) is marked by a workbook-level defined
# name ClausesHelperSheet<N> whose value is '<sheet name>'!$A$1; the reader passes over it.
# python-calamine does not expose defined names: they are read from xl/workbook.xml.
HELPER_SHEET_NAME = "ClausesHelperSheet"
HELPER_NAME = re.compile(rf"{HELPER_SHEET_NAME}\d+")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _helper_sheets(content: bytes) -> frozenset[str]:
    """The sheets marked as helpers in xl/workbook.xml (read after the zip-bomb check)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            xml = archive.read("xl/workbook.xml")
        except KeyError:
            return frozenset()
    # Excel never writes a DTD here: a file that has one is not parsed (no entity expansion).
    if b"<!DOCTYPE" in xml:
        return frozenset()
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise UnreadableFile(reason="not_a_workbook") from error
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


def _calamine_sheets(content: bytes) -> list[Sheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append(Sheet(name, _unmerged(rows, sheet.merged_cell_ranges or ())))
        return sheets
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise UnreadableFile(reason="not_a_workbook") from error


def _unmerged(
    rows: Sequence[list[Any]], merges: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> Sequence[list[Any]]:
    """A value in a merged cell applies to every cell the merge spans."""
    for (top, left), (bottom, right) in merges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, right + 1):
                if c < len(row):
                    row[c] = value
    return rows


def _csv_rows(content: bytes) -> list[list[Cell]]:
    decoded = _decode(content)
    if "\x00" in decoded:
        raise UnreadableFile(reason="not_a_spreadsheet")
    lines = decoded.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [list(row) for row in csv.reader(lines, delimiter=delimiter)]


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as Excel exports CSV in France."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(reason="not_a_spreadsheet") from error
