"""Tables as downloadable files: rows → .xlsx (openpyxl) or .csv bytes, for any export.

The .csv is what French spreadsheets open without a wizard: UTF-8 with a byte-order mark, ';'
between cells, decimal commas, dates as dd/mm/yyyy.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from imports.write import cell, csv_text, row

Cell = str | int | float | Decimal | date | None
Format = Literal["xlsx", "csv"]
MIMETYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    # Werkzeug adds "; charset=utf-8" to a text type itself: naming it here too doubled it.
    "csv": "text/csv",
}
SHEET_TITLE_LENGTH = 31  # Excel's limit


@dataclass(frozen=True)
class Table:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


FORMATS: dict[str, Format] = {"xlsx": "xlsx", "csv": "csv"}


def parse_format(value: str | None) -> Format | None:
    """The format asked for ("xlsx" or "csv"), None for anything else."""
    return FORMATS.get(value or "")


def write(table: Table, file_format: Format) -> bytes:
    return to_xlsx(table) if file_format == "xlsx" else to_csv(table)


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(table.title))
    for column, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(header) + 2)
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, header, font=Font(bold=True)) for header in table.headers])
    for values in table.rows:
        sheet.append(row(sheet, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_text(header) for header in table.headers])
    writer.writerows([_csv_cell(value) for value in values] for values in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, Decimal | float):
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return csv_text(value)


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:SHEET_TITLE_LENGTH] or "Export"
