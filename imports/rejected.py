"""The rejected rows of a batch as a workbook to fix and send back: each sheet's header, then
each rejected row as it was sent, with its Excel row number and the reasons."""

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from imports.headers import HOUR_SHEET
from imports.read import read
from imports.table import find_header
from imports.write import cell, row

HEADER_FONT = Font(bold=True)
REASON_FILL = PatternFill("solid", fgColor="FDE2E1")


def rejected_rows_workbook(
    content: bytes,
    errors: Iterable[Mapping[str, object]],
    render: Callable[[Mapping[str, object]], str],
    headings: tuple[str, str],
) -> bytes:
    """errors: the batch's {"sheet", "row", "code", "params"} issues (a row may have several);
    render gives one's reason in the reader's language; headings: the row number's and the
    reasons' column titles."""
    reasons: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    for error in errors:
        if isinstance(error.get("row"), int):
            reasons[(str(error["sheet"]), int(str(error["row"])))].append(render(error))
    # Write-only: rows go to the file in order, so the cost grows with the rows, not their square.
    output = Workbook(write_only=True)
    for sheet in read(content).sheets:
        rows = sorted(number for name, number in reasons if name == sheet.name)
        header = find_header(sheet.rows, HOUR_SHEET)
        if not rows or header is None:
            continue
        out = output.create_sheet(sheet.name[:31])
        # Reasons up front, so the sheet can be fixed in place and imported again as it is.
        titles = [*headings, *_cells(sheet.rows[header.index])]
        out.append([cell(out, title, font=HEADER_FONT) for title in titles])
        for number in rows:
            cells = _cells(sheet.rows[number - 1]) if number <= len(sheet.rows) else []
            reason = cell(out, " ".join(reasons[(sheet.name, number)]), fill=REASON_FILL)
            out.append([number, reason, *row(out, cells)])
    if not output.worksheets:
        output.create_sheet("Rejets").append(["Aucune ligne rejetée."])
    buffer = io.BytesIO()
    output.save(buffer)
    return buffer.getvalue()


def _cells(row: Iterable[object]) -> list[object]:
    return [None if value == "" else value for value in row]
