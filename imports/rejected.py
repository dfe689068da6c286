"""The rejected rows of a batch as a workbook to fix and send back: each sheet's header, then
each rejected row as it was sent, with its Excel row number and the reasons."""

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from imports.headers import find_header
from imports.read import read

REASON = "Motif du rejet"
HEADER_FONT = Font(bold=True)
REASON_FILL = PatternFill("solid", fgColor="FDE2E1")


def rejected_rows_workbook(content: bytes, errors: Iterable[Mapping[str, object]]) -> bytes:
    """errors: the batch's {"sheet", "row", "message"} issues (a row may have several)."""
    reasons: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    for error in errors:
        if isinstance(error.get("row"), int):
            reasons[(str(error["sheet"]), int(str(error["row"])))].append(str(error["message"]))
    output = Workbook()
    output.remove(output.worksheets[0])
    for sheet in read(content).sheets:
        rows = sorted(row for name, row in reasons if name == sheet.name)
        header = find_header(sheet.rows)
        if not rows or header is None:
            continue
        out = output.create_sheet(sheet.name[:31])
        # Reasons up front, so the sheet can be fixed in place and imported again as it is.
        out.append(["Ligne", REASON, *_cells(sheet.rows[header.index])])
        for cell in out[1]:
            cell.font = HEADER_FONT
        for row in rows:
            cells = _cells(sheet.rows[row - 1]) if row <= len(sheet.rows) else []
            out.append([row, " ".join(reasons[(sheet.name, row)]), *cells])
            out.cell(out.max_row, 2).fill = REASON_FILL
    if not output.worksheets:
        output.create_sheet("Rejets").append(["Aucune ligne rejetée."])
    buffer = io.BytesIO()
    output.save(buffer)
    return buffer.getvalue()


def _cells(row: Iterable[object]) -> list[object]:
    return [None if value == "" else value for value in row]
