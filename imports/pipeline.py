"""From a workbook's rows to each row's fate: the whole import but the commit (a dry run)."""

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from clauses.errors import ContractColumnMissing, NoHeader
from clauses.models.enums import EmploymentType
from clauses.rules.compliance import FULL_TIME_MONTH
from clauses.rules.dates import last_day_of_month
from imports.codes import Code, Issue, Param
from imports.headers import HOUR_SHEET, Field
from imports.match import Match, MatchKind, People
from imports.read import Sheet, Workbook
from imports.reference import EntryKey
from imports.results import EntryDraft, ImportReport, RowDecision, RowResult
from imports.table import Header, RowKind, find_header, rows_below
from imports.validate import CheckedRow, Context, ParsedRow, check, parse_row

ExistingKeys = Callable[[Iterable[int]], set[EntryKey]]
# Told (rows checked, rows in all) now and then, for a progress bar.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 2000


def analyse(
    workbook: Workbook,
    ctx: Context,
    people: People,
    existing: ExistingKeys,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport(workbook.file_format)
    # The workbook's helper sheets (the template's lists and instructions) are no data.
    headers = [(sheet, find_header(sheet.rows, HOUR_SHEET)) for sheet in workbook.data_sheets]
    if all(header is None for _, header in headers):
        raise NoHeader()
    for sheet, header in headers:
        if header is None:
            report.sheet_warnings.append(Issue(sheet.name, None, Code.SHEET_SKIPPED))
        elif not header.has(Field.CONTRACT) and ctx.default_contract is None:
            raise ContractColumnMissing(sheet=sheet.name)
    accepted: AcceptedKeys = {}
    total = sum(len(sheet.rows) - header.index - 1 for sheet, header in headers if header)
    for sheet, header in headers:
        if header is not None:
            tick = _ticker(progress, len(report.rows), total) if progress else None
            report.rows.extend(_sheet_rows(sheet, header, ctx, people, accepted, tick))
    report.rows = _mark_replacements(report.rows, existing)
    return report


def _ticker(progress: Progress, done: int, total: int) -> Callable[[int], None]:
    """Rows of one sheet counted after those of the sheets before it."""
    return lambda row: progress(done + row, total)


AcceptedKeys = dict[tuple[int, int, date, EmploymentType], tuple[str, int]]


def _sheet_rows(
    sheet: Sheet,
    header: Header,
    ctx: Context,
    people: People,
    accepted: AcceptedKeys,
    tick: Callable[[int], None] | None,
) -> list[RowResult]:
    results: list[RowResult] = []
    for row in rows_below(sheet, header):
        if tick and row.number % PROGRESS_EVERY == 0:
            tick(row.number - header.index)
        if row.kind is not RowKind.DATA:
            results.append(RowResult(sheet.name, row.number, RowDecision.SKIPPED))
            continue
        checked = check(parse_row(row.cells, header, ctx), ctx, sheet.name, row.number)
        if isinstance(checked, list):
            errors = tuple(checked)
            results.append(RowResult(sheet.name, row.number, RowDecision.REJECTED, errors=errors))
        else:
            results.append(_checked_result(sheet.name, row.number, checked, people, accepted))
    return results


def _checked_result(
    sheet: str, row: int, checked: CheckedRow, people: People, accepted: AcceptedKeys
) -> RowResult:
    """A row without errors of its own: skipped at 0 hours, else matched, then deduplicated."""
    parsed = checked.parsed
    if checked.hours == 0:
        zero = Issue(sheet, row, Code.HOURS_ZERO)
        return RowResult(sheet, row, RowDecision.SKIPPED, warnings=(zero,))
    match = people.match(parsed.last_name, parsed.first_name, parsed.birth_date)
    if match.person is None:
        error = _match_error(sheet, row, parsed, match)
        return RowResult(sheet, row, RowDecision.REJECTED, errors=(error,))
    entry = EntryDraft(
        contract_id=checked.contract.id,
        person=match.person,
        month=checked.month,
        employment_type=parsed.employment_type or EmploymentType.OTHER,
        employment_type_text=parsed.employment_type_text,
        employer=parsed.employer,
        hours=checked.hours,
    )
    earlier = accepted.get(entry.key)
    if earlier is not None:
        duplicate = Issue(
            sheet, row, Code.DUPLICATE_ROW, {"first_sheet": earlier[0], "first_row": earlier[1]}
        )
        return RowResult(sheet, row, RowDecision.REJECTED, errors=(duplicate,))
    accepted[entry.key] = (sheet, row)
    warnings = _row_warnings(sheet, row, checked, match)
    return RowResult(sheet, row, RowDecision.ACCEPTED, entry=entry, warnings=tuple(warnings))


def _match_error(sheet: str, row: int, parsed: ParsedRow, match: Match) -> Issue:
    name = f"{parsed.last_name} {parsed.first_name}"
    if match.outcome is MatchKind.AMBIGUOUS:
        return Issue(sheet, row, Code.PARTICIPANT_AMBIGUOUS, {"name": name})
    return Issue(sheet, row, Code.BIRTHDATE_INVALID, {"name": name})


def _row_warnings(sheet: str, row: int, checked: CheckedRow, match: Match) -> list[Issue]:
    parsed, person = checked.parsed, match.person
    name = f"{parsed.last_name} {parsed.first_name}"
    found: list[tuple[Code, dict[str, Param]]] = []
    if checked.hours > FULL_TIME_MONTH:
        found.append(
            (Code.HOURS_OVERTIME, {"hours": str(checked.hours), "full_time": str(FULL_TIME_MONTH)})
        )
    if match.outcome is MatchKind.FUZZY and person is not None:
        known = f"{person.last_name} {person.first_name}"
        found.append((Code.PARTICIPANT_FUZZY, {"name": name, "known_name": known}))
    if match.outcome is MatchKind.NEW or match.introduces:
        found.append((Code.PARTICIPANT_NEW, {"name": name}))
    if match.outcome is MatchKind.NAME_ONLY:
        found.append((Code.BIRTHDATE_MISSING, {}))
    if parsed.employment_type is None:
        found.append((Code.TYPE_UNKNOWN, {"value": parsed.employment_type_text}))
    if _outside(checked):
        contract = checked.contract
        found.append(
            (
                Code.MONTH_OUTSIDE_CONTRACT,
                {
                    "month": checked.month.isoformat(),
                    "start": contract.start.isoformat(),
                    "end": contract.end.isoformat(),
                },
            )
        )
    # A person new to the uploader but known to the programme: new in the contractor's eyes only.
    return [
        Issue(sheet, row, code, params, match.introduces and code is Code.PARTICIPANT_NEW)
        for code, params in found
    ]


def _outside(checked: CheckedRow) -> bool:
    """The whole month lies before the start or after the end."""
    month, contract = checked.month, checked.contract
    return last_day_of_month(month) < contract.start or month > contract.end


def _mark_replacements(rows: list[RowResult], existing: ExistingKeys) -> list[RowResult]:
    """An accepted row whose key already holds hours replaces them (a correction)."""
    entries = [row.entry for row in rows if row.entry is not None]
    keys = existing({entry.contract_id for entry in entries})
    marked = []
    for result in rows:
        entry = result.entry
        if entry is not None and entry.person.id is not None and not entry.person.is_new:
            key = (entry.contract_id, entry.person.id, entry.month, entry.employment_type)
            if key in keys:
                warning = Issue(result.sheet, result.row, Code.REPLACES_PREVIOUS)
                result = replace(result, warnings=(*result.warnings, warning))
        marked.append(result)
    return marked
