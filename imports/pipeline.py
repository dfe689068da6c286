"""From a workbook's rows to each row's fate: the whole import but the commit (a dry run)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from clauses.errors import ContractColumnMissing, NoHeader
from clauses.models.enums import EmploymentType
from clauses.rules.dates import last_day_of_month
from imports.codes import Code, Issue
from imports.headers import Field, Header, find_header, normalised_cells
from imports.match import Match, Outcome, People
from imports.normalise import is_blank, text
from imports.read import Sheet, Workbook
from imports.reference import EntryKey
from imports.results import EntryDraft, ImportReport, RowDecision, RowResult
from imports.validate import (
    CheckedRow,
    Context,
    ParsedRow,
    check,
    hours_label,
    issue,
    month_label,
    parse_row,
)

FULL_TIME_MONTH = Decimal("151.67")
TOTAL_WORDS = ("TOTAL", "SOUS TOTAL")

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
    headers = [(sheet, find_header(sheet.rows)) for sheet in workbook.sheets]
    if all(header is None for _, header in headers):
        raise NoHeader(
            "Aucune feuille n'a de ligne d'en-tête reconnaissable (il faut au moins les "
            "colonnes des heures, du mois et du nom) dans ses 30 premières lignes."
        )
    for sheet, header in headers:
        if header is None:
            report.sheet_warnings.append(_skipped_sheet(sheet))
        elif not header.has(Field.CONTRACT) and ctx.default_contract is None:
            raise ContractColumnMissing(
                f"La feuille « {sheet.name} » n'a pas de colonne du marché : indiquez le marché "
                "auquel s'appliquent toutes ses lignes."
            )
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


def _skipped_sheet(sheet: Sheet) -> Issue:
    return issue(
        sheet.name,
        None,
        Code.SHEET_SKIPPED,
        "feuille ignorée, sans ligne d'en-tête reconnaissable (heures, mois et nom) "
        "dans ses 30 premières lignes",
    )


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
    for index in range(header.index + 1, len(sheet.rows)):
        if tick and index % PROGRESS_EVERY == 0:
            tick(index - header.index)
        cells = sheet.rows[index]
        if all(is_blank(value) for value in cells):
            continue
        row = index + 1
        if _is_total(cells) or _repeats(cells, header):
            results.append(RowResult(sheet.name, row, RowDecision.SKIPPED))
            continue
        checked = check(parse_row(cells, header, ctx), ctx, sheet.name, row)
        if isinstance(checked, list):
            results.append(RowResult(sheet.name, row, RowDecision.REJECTED, errors=tuple(checked)))
        else:
            results.append(_checked_result(sheet.name, row, checked, people, accepted))
    return results


def _repeats(cells: Sequence[object], header: Header) -> bool:
    """The header again (a sheet pasted under another). Its hours cell is text: most rows'
    hours are numbers, so they are told apart before any normalising."""
    hours = cells[header.columns[Field.HOURS]] if header.columns[Field.HOURS] < len(cells) else None
    return isinstance(hours, str) and normalised_cells(cells) == header.labels


def _is_total(cells: Sequence[object]) -> bool:
    """ "TOTAL", "Total général", "Sous-total": the first filled cell says so."""
    first = next((text(value) for value in cells if not is_blank(value)), "")
    label = first.upper().replace("-", " ")
    return any(label.startswith(word) for word in TOTAL_WORDS)


def _checked_result(
    sheet: str, row: int, checked: CheckedRow, people: People, accepted: AcceptedKeys
) -> RowResult:
    """A row without errors of its own: skipped at 0 hours, else matched, then deduplicated."""
    parsed = checked.parsed
    if checked.hours == 0:
        zero = issue(sheet, row, Code.HOURS_ZERO, "0 heure déclarée : ligne ignorée")
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
        duplicate = issue(
            sheet,
            row,
            Code.DUPLICATE_ROW,
            f"même marché, personne, mois et type de contrat que la ligne {earlier[1]} "
            f"de la feuille « {earlier[0]} » : ligne en double écartée",
        )
        return RowResult(sheet, row, RowDecision.REJECTED, errors=(duplicate,))
    accepted[entry.key] = (sheet, row)
    warnings = _row_warnings(sheet, row, checked, match)
    return RowResult(sheet, row, RowDecision.ACCEPTED, entry=entry, warnings=tuple(warnings))


def _match_error(sheet: str, row: int, parsed: ParsedRow, match: Match) -> Issue:
    name = f"{parsed.last_name} {parsed.first_name}"
    if match.outcome is Outcome.AMBIGUOUS:
        return issue(
            sheet,
            row,
            Code.PARTICIPANT_AMBIGUOUS,
            f"plusieurs personnes inscrites ressemblent à « {name} » avec la même date de "
            "naissance : précisez l'orthographe exacte",
        )
    return issue(
        sheet,
        row,
        Code.BIRTHDATE_INVALID,
        f"date de naissance de « {name} » manquante ou illisible, et le nom seul ne désigne "
        "pas une unique personne inscrite",
    )


def _row_warnings(sheet: str, row: int, checked: CheckedRow, match: Match) -> list[Issue]:
    parsed, person = checked.parsed, match.person
    found: list[tuple[Code, str]] = []
    if checked.hours > FULL_TIME_MONTH:
        found.append(
            (
                Code.HOURS_OVERTIME,
                f"{hours_label(checked.hours)} dans le mois, plus qu'un temps plein (151,67 h)",
            )
        )
    if match.outcome is Outcome.FUZZY and person is not None:
        found.append(
            (
                Code.PARTICIPANT_FUZZY,
                f"« {parsed.last_name} {parsed.first_name} » reconnu·e comme "
                f"{person.last_name} {person.first_name} "
                "(orthographe proche, même date de naissance)",
            )
        )
    if match.outcome is Outcome.NEW:
        found.append(
            (
                Code.PARTICIPANT_NEW,
                f"{parsed.last_name} {parsed.first_name} n'était pas inscrit·e : ajouté·e, "
                "éligibilité à vérifier (heures en attente)",
            )
        )
    if match.outcome is Outcome.NAME_ONLY:
        found.append(
            (
                Code.BIRTHDATE_MISSING,
                "date de naissance manquante ou illisible : personne reconnue par son nom",
            )
        )
    if parsed.employment_type is None:
        what = f"« {parsed.employment_type_text} »" if parsed.employment_type_text else "absent"
        found.append((Code.TYPE_UNKNOWN, f"type de contrat {what} : classé « autre »"))
    if _outside(checked):
        found.append(
            (
                Code.MONTH_OUTSIDE_CONTRACT,
                f"le mois {month_label(checked.month)} est hors de la période du marché "
                f"(du {checked.contract.start:%d/%m/%Y} au {checked.contract.end:%d/%m/%Y})",
            )
        )
    return [issue(sheet, row, code, detail) for code, detail in found]


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
                warning = issue(
                    result.sheet,
                    result.row,
                    Code.REPLACES_PREVIOUS,
                    "remplace les heures déjà reçues pour ce marché, cette personne, ce mois "
                    "et ce type de contrat",
                )
                result = replace(result, warnings=(*result.warnings, warning))
        marked.append(result)
    return marked
