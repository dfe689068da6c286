"""Cells for the workbooks and CSV files Clauses writes, whose text no spreadsheet ever runs.

Text starting with "=", "+", "-", "@", a tab or a carriage return is a formula to a spreadsheet
opening a CSV, and openpyxl itself writes text starting with "=" as a formula: a name typed by a
contractor would then run in the clause team's spreadsheet ("CSV injection", OWASP). Every
writer passes its text through `looks_like_formula`:
- in a workbook, such text is a cell of type text carrying Excel's quote prefix (the apostrophe
  Excel shows in the formula bar, which is a style, not a character of the value). Excel and
  LibreOffice show it exactly as typed and never evaluate it, Excel keeps it text when the cell
  is edited, and a re-import reads the same text: an apostrophe written into the value would
  become part of a person's name;
- a CSV has no types, so the text gets a leading apostrophe, as OWASP recommends.
Numbers and dates stay numbers and dates: -3 is a number, not text.

Rows are appended in order (`append`), never addressed by row number: a worksheet's `max_row`
reads every cell, so looking it up once per row costs the square of the rows.
"""

from collections.abc import Iterable
from datetime import date, datetime

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"

Sheet = Worksheet | WriteOnlyWorksheet


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(text: str) -> str:
    return "'" + text if looks_like_formula(text) else text


def row(sheet: Sheet, values: Iterable[object]) -> list[object]:
    """Values for `sheet.append`: text that looks like a formula becomes a text cell, dates are
    shown the French way, anything else goes as it is (cheaper to write than a cell)."""
    return [_value(sheet, value) for value in values]


def _value(sheet: Sheet, value: object) -> object:
    if looks_like_formula(value):
        return cell(sheet, value)
    if isinstance(value, datetime):
        return cell(sheet, value, number_format=DATETIME_FORMAT)
    if isinstance(value, date):
        return cell(sheet, value, number_format=DATE_FORMAT)
    return value


def cell(
    sheet: Sheet,
    value: object,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    number_format: str | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    """One cell for `sheet.append`, styled as asked; text that looks like a formula is text."""
    written = WriteOnlyCell(sheet, value)  # type: ignore[arg-type]  # any value openpyxl takes
    if looks_like_formula(value):
        written.data_type = "s"
        written.quotePrefix = True
    if font is not None:
        written.font = font
    if fill is not None:
        written.fill = fill
    if number_format is not None:
        written.number_format = number_format
    if alignment is not None:
        written.alignment = alignment
    return written
