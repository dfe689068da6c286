"""Reference data from spreadsheets: contracts (with their schedules) and participants.

The clause team keeps these lists in spreadsheets. Importing one creates what is new and updates
what is known (contracts by reference, people by normalised name and birth date), so a corrected
file can simply be sent again. A row with errors is rejected and the rest still imports; only a
file that cannot be read or lacks a required column raises. One audit event per file, none per
row. Messages are French: they are shown as they are by the command line and the upload pages.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload
from stdnum.fr import siret as stdnum_siret

from clauses.errors import MissingColumns
from clauses.models import (
    Contract,
    Criterion,
    Operation,
    Organisation,
    OrganisationKind,
    Participant,
    ScheduledHours,
    Sex,
    User,
)
from clauses.rules.names import name_key, normalise_name
from clauses.services import audit, hours_summary
from imports.normalise import parse_date, parse_hours, parse_month, parse_number
from imports.read import read

T = TypeVar("T")
Outcome = Literal["created", "updated", "unchanged"]

HEADER_SEARCH_ROWS = 30
MAX_COMMITTED_HOURS = Decimal(1_000_000)
MAX_AMOUNT = Decimal(10) ** 12
HUNDREDTH = Decimal("0.01")


class Code(StrEnum):
    VALUE_MISSING = "value_missing"
    VALUE_TOO_LONG = "value_too_long"
    SIRET_INVALID = "siret_invalid"
    DATE_INVALID = "date_invalid"
    DATES_INVERTED = "dates_inverted"
    BIRTHDATE_INVALID = "birthdate_invalid"
    HOURS_INVALID = "hours_invalid"
    NUMBER_INVALID = "number_invalid"
    BOOLEAN_INVALID = "boolean_invalid"
    SEX_INVALID = "sex_invalid"
    MONTH_INVALID = "month_invalid"
    ORGANISATION_CONFLICT = "organisation_conflict"
    DUPLICATE_ROW = "duplicate_row"
    CONTRACT_UNKNOWN = "contract_unknown"
    SCHEDULE_INCOMPLETE = "schedule_incomplete"
    # Warnings: the row is accepted.
    CRITERION_UNKNOWN = "criterion_unknown"
    VALIDATION_KEPT = "validation_kept"
    MONTH_OUTSIDE_CONTRACT = "month_outside_contract"
    SHEET_SKIPPED = "sheet_skipped"


@dataclass(frozen=True, slots=True)
class RowIssue:
    sheet: str
    row: int | None  # the spreadsheet's own 1-based row; None for a whole sheet
    code: Code
    message: str


@dataclass(frozen=True)
class ReferenceImportReport:
    created: int
    updated: int
    rejected: int
    errors: list[RowIssue]
    warnings: list[RowIssue]
    unchanged: int = 0  # known records the file did not change
    schedules_replaced: int = 0  # contracts whose "Échéancier" the file wrote


# ---------------------------------------------------------------------------------------------
# Reading a file into sheets of raw cells


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    rows: list[list[Any]]  # rows[i] is the spreadsheet's row i + 1; empty cells are None


def read_sheets(content: bytes) -> list[Sheet]:
    """Every sheet of a workbook (.xlsx, .xls, .ods) or of a CSV file ("csv"), through the
    timesheet import's reader: the same formats, the same guard against hostile files."""
    return [
        Sheet(sheet.name, [[_clean(cell) for cell in row] for row in sheet.rows])
        for sheet in read(content).sheets
    ]


def _clean(value: Any) -> Any:
    """None for an empty cell, text trimmed."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# ---------------------------------------------------------------------------------------------
# Finding the header row and the data rows below it


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
class Table:
    sheet: str
    header_row: int
    columns: dict[str, int]  # column key -> index of the cell in a row
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells), empty rows left out


def _match_header(cells: list[Any], columns: Sequence[Column]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        text = normalise_name(cell)
        match = next((c for c in columns if c.key not in found and text in c.synonyms), None)
        if match is not None:
            found[match.key] = index
    return found


def find_table(sheet: Sheet, columns: Sequence[Column]) -> Table | None:
    """The first of the first 30 rows naming every required column is the header row."""
    required = {c.key for c in columns if c.required}
    for number, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS], start=1):
        found = _match_header(cells, columns)
        if required <= found.keys():
            return Table(sheet.name, number, found, _data_rows(sheet, number))
    return None


def _data_rows(sheet: Sheet, header_row: int) -> list[tuple[int, list[Any]]]:
    """Rows below the header, without empty rows, repeated headers and total rows."""
    header = sheet.rows[header_row - 1]
    rows = []
    for number, cells in enumerate(sheet.rows[header_row:], start=header_row + 1):
        filled = [cell for cell in cells if cell is not None]
        if not filled or cells == header:
            continue
        if isinstance(filled[0], str) and normalise_name(filled[0]).startswith("TOTAL"):
            continue
        rows.append((number, cells))
    return rows


def _missing_columns(
    sheets: list[Sheet], columns: Sequence[Column], filename: str
) -> MissingColumns:
    """Names what the most header-like row lacks, so the user knows which column to add."""
    best: tuple[int, str, set[str]] = (0, "", set())
    for sheet in sheets:
        for cells in sheet.rows[:HEADER_SEARCH_ROWS]:
            found = set(_match_header(cells, columns))
            if len(found) > best[0]:
                best = (len(found), sheet.name, found)
    required = [c.label for c in columns if c.required and c.key not in best[2]]
    listed = ", ".join(f"« {label} »" for label in required)
    if best[0] == 0:
        return MissingColumns(
            f"Aucune ligne d'en-tête reconnue dans « {filename} » : colonnes attendues {listed}."
        )
    return MissingColumns(f"Colonnes obligatoires absentes de la feuille « {best[1]} » : {listed}.")


# ---------------------------------------------------------------------------------------------
# Cell values: pure functions, None when a value cannot be read


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (a SIRET typed as a number), dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # a datetime too
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def parse_decimal(value: Any, *, suffixes: tuple[str, ...] = ()) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        return None
    text = value.upper().strip()
    for suffix in suffixes:
        text = text.removesuffix(suffix).strip()
    return parse_number(text)


def parse_amount(value: Any) -> Decimal | None:
    parsed = parse_decimal(value, suffixes=("HT", "EUROS", "EUR", "€"))
    return None if parsed is None else parsed.quantize(HUNDREDTH)


def parse_percent(value: Any) -> Decimal | None:
    """5, "5 %", "5,5%"; a number below 1 without "%" is a fraction, as Excel stores 5 %."""
    parsed = parse_decimal(value, suffixes=("%",))
    if parsed is None:
        return None
    if not (isinstance(value, str) and "%" in value) and 0 < parsed < 1:
        parsed *= 100
    return parsed.quantize(HUNDREDTH)


_TRUE = frozenset({"OUI", "O", "YES", "Y", "X", "1", "TRUE", "VRAI"})
_FALSE = frozenset({"NON", "N", "NO", "0", "FALSE", "FAUX"})


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = normalise_name(cell_text(value))
    return True if text in _TRUE else False if text in _FALSE else None


_SEXES = {
    **dict.fromkeys(("F", "FEMME", "FEMININ", "MME", "MADAME", "MLLE", "W", "FEMALE"), Sex.FEMALE),
    **dict.fromkeys(("M", "H", "HOMME", "MASCULIN", "MR", "MONSIEUR", "MALE"), Sex.MALE),
}


def parse_sex(value: Any) -> Sex | None:
    return _SEXES.get(normalise_name(cell_text(value)))


_CRITERIA_SYNONYMS = {
    Criterion.LONG_TERM_JOB_SEEKER: (
        "DELD", "DETLD", "demandeur d'emploi longue durée", "demandeur d'emploi de longue durée",
        "demandeuse d'emploi de longue durée", "demandeur d'emploi très longue durée",
        "chômeur longue durée", "chômeur de longue durée", "DE longue durée",
        "long term job seeker",
    ),
    Criterion.OVER_50: (
        "Senior 50+", "Senior", "Seniors", "plus de 50 ans", "+ de 50 ans", "50 ans et plus",
        "50 ans +", "50+", "over 50",
    ),
    Criterion.RQTH: (
        "RQTH", "TH", "BOETH", "Travailleur handicapé", "Travailleuse handicapée",
        "Travailleur handicapée", "Personne en situation de handicap",
    ),
    Criterion.YOUNG_WITHOUT_QUALIFICATION: (
        "Jeune sans qualification", "Jeunes sans qualification", "-26 ans sans qualification",
        "moins de 26 ans sans qualification", "jeune de moins de 26 ans sans qualification",
        "jeune peu qualifié", "jeune non qualifié", "young without qualification",
    ),
    Criterion.REFUGEE: (
        "Réfugié", "Réfugiée", "BPI", "Bénéficiaire de la protection internationale",
        "Protection internationale", "refugee",
    ),
    Criterion.QPV_RESIDENT: (
        "Résident QPV", "Résidente QPV", "Habitant QPV", "Habitante QPV", "Résident d'un QPV",
        "Habitant d'un QPV", "Quartier prioritaire", "QPV", "qpv resident",
    ),
    Criterion.RSA: ("RSA", "BRSA", "Bénéficiaire du RSA", "Allocataire du RSA", "Bénéficiaire RSA"),
    Criterion.SIAE_EMPLOYEE: (
        "Salarié SIAE", "Salariée SIAE", "SIAE", "Salarié d'une SIAE", "Salarié IAE", "IAE",
        "Salarié en insertion", "siae employee",
    ),
}  # fmt: skip
CRITERIA = {
    normalise_name(text): criterion
    for criterion, texts in _CRITERIA_SYNONYMS.items()
    for text in (*texts, criterion.value)
}


def parse_criteria(text: str) -> tuple[set[Criterion], list[str]]:
    """Criteria separated by ";" (or line breaks): the known ones, and the others as written."""
    known: set[Criterion] = set()
    unknown: list[str] = []
    for part in re.split(r"[;\n]", text):
        part = part.strip()
        if not part:
            continue
        criterion = CRITERIA.get(normalise_name(part))
        if criterion is None:
            unknown.append(part)
        else:
            known.add(criterion)
    return known, unknown


# ---------------------------------------------------------------------------------------------
# One row: its cells by column, and the issues found while reading them


class RowReader:
    def __init__(self, table: Table, number: int, cells: list[Any], labels: dict[str, str]):
        self.sheet = table.sheet
        self.number = number
        self._cells = {
            key: cells[i] if i < len(cells) else None for key, i in table.columns.items()
        }
        self._labels = labels
        self.errors: list[RowIssue] = []
        self.warnings: list[RowIssue] = []

    def raw(self, key: str) -> Any:
        return self._cells.get(key)

    def has(self, key: str) -> bool:
        """Whether the file has this column at all (an absent optional column changes nothing)."""
        return key in self._cells

    def error(self, code: Code, message: str) -> None:
        self.errors.append(RowIssue(self.sheet, self.number, code, message))

    def warn(self, code: Code, message: str) -> None:
        self.warnings.append(RowIssue(self.sheet, self.number, code, message))

    def _missing(self, key: str) -> None:
        self.error(Code.VALUE_MISSING, f"La colonne « {self._labels[key]} » est vide.")

    def text(self, key: str, max_length: int, *, required: bool = False) -> str:
        value = " ".join(cell_text(self._cells.get(key)).split())
        if not value and required:
            self._missing(key)
        elif len(value) > max_length:
            self.error(
                Code.VALUE_TOO_LONG,
                f"« {self._labels[key]} » dépasse {max_length} caractères ({len(value)}).",
            )
        return value

    def value(
        self,
        key: str,
        parse: Callable[[Any], T | None],
        code: Code,
        expected: str,
        *,
        required: bool = False,
    ) -> T | None:
        """The parsed cell; None when empty (an error if required) or unreadable (an error)."""
        raw = self._cells.get(key)
        if raw is None:
            if required:
                self._missing(key)
            return None
        parsed = parse(raw)
        if parsed is None:
            self.error(
                code, f"« {self._labels[key]} » illisible : « {cell_text(raw)} » ({expected})."
            )
        return parsed

    def siret(self, key: str) -> str | None:
        raw = self._cells.get(key)
        if raw is None:
            return None
        compact = re.sub(r"[\s.\u00a0]", "", cell_text(raw))
        if isinstance(raw, int | float) and compact.isdigit():
            compact = compact.zfill(14)  # a SIRET typed as a number lost its leading zeros
        if not stdnum_siret.is_valid(compact):
            self.error(
                Code.SIRET_INVALID,
                f"« {self._labels[key]} » invalide : « {cell_text(raw)} » "
                "(14 chiffres dont les clés de contrôle du SIREN et du SIRET).",
            )
            return None
        return compact


def _rows(table: Table, columns: Sequence[Column]) -> list[RowReader]:
    labels = {c.key: c.label for c in columns}
    return [RowReader(table, number, cells, labels) for number, cells in table.rows]


@dataclass
class _Tally:
    """What an import did, gathered row by row; `report()` freezes it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    schedules_replaced: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    def add(self, row: RowReader) -> bool:
        """Records the row's issues; True when it is accepted."""
        self.errors.extend(row.errors)
        self.warnings.extend(row.warnings)
        if row.errors:
            self.rejected += 1
        return not row.errors

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def report(self) -> ReferenceImportReport:
        return ReferenceImportReport(
            created=self.created,
            updated=self.updated,
            rejected=self.rejected,
            errors=list(self.errors),
            warnings=list(self.warnings),
            unchanged=self.unchanged,
            schedules_replaced=self.schedules_replaced,
        )


def _classify(
    sheets: list[Sheet], columns: Sequence[Column], tally: _Tally, others: Sequence[Column] = ()
) -> tuple[list[Table], list[Table]]:
    """The sheets holding `columns`, then those holding `others`; any other sheet is skipped."""
    main: list[Table] = []
    extra: list[Table] = []
    for sheet in sheets:
        if table := find_table(sheet, columns):
            main.append(table)
        elif others and (table := find_table(sheet, others)):
            extra.append(table)
        elif any(cell is not None for row in sheet.rows for cell in row):
            message = f"Feuille « {sheet.name} » ignorée : aucune ligne d'en-tête reconnue."
            tally.warnings.append(RowIssue(sheet.name, None, Code.SHEET_SKIPPED, message))
    return main, extra


def _outcome(before: tuple[Any, ...] | None, after: tuple[Any, ...]) -> Outcome:
    if before is None:
        return "created"
    return "unchanged" if before == after else "updated"


def _record(
    session: Session,
    actor: User | None,
    object_type: str,
    content: bytes,
    filename: str,
    report: ReferenceImportReport,
) -> None:
    audit.record(
        session,
        actor,
        "import",
        object_type,
        None,
        filename=filename,
        sha256=hashlib.sha256(content).hexdigest(),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
        warnings=len(report.warnings),
        schedules_replaced=report.schedules_replaced,
    )


# ---------------------------------------------------------------------------------------------
# Contracts

_REFERENCE_NAMES = (
    "Référence du marché", "Référence marché", "Réf", "Réf marché", "N° de marché", "N° marché",
    "N° du marché", "Numéro de marché", "Numéro du marché", "Contract", "Reference",
)  # fmt: skip
CONTRACT_COLUMNS = (
    column("reference", "Référence", *_REFERENCE_NAMES),
    column("title", "Intitulé", "Intitulé du marché", "Objet", "Objet du marché", "Libellé"),
    column("operation", "Opération", "Nom de l'opération", "Programme", "Operation"),
    column(
        "buyer", "Acheteur", "Maître d'ouvrage", "Maîtrise d'ouvrage", "Donneur d'ordre", "Buyer"
    ),
    column("contractor", "Titulaire", "Entreprise", "Entreprise titulaire", "Attributaire"),
    column(
        "contractor_siret",
        "SIRET titulaire",
        "SIRET du titulaire",
        "SIRET entreprise",
        "SIRET de l'entreprise",
        "SIRET",
        required=False,
    ),
    column("buyer_siret", "SIRET acheteur", "SIRET de l'acheteur", required=False),
    column("trade", "Corps d'état", "Corps de métier", "Métier", "Trade"),
    column("commune", "Commune", "Commune du chantier", "Ville", "Lieu d'exécution"),
    column("operation_commune", "Commune de l'opération", required=False),
    column("start", "Date de début", "Début", "Date début", "Date de démarrage", "Start date"),
    column("end", "Date de fin", "Fin", "Date fin", "Date d'achèvement", "End date"),
    column(
        "committed_hours",
        "Heures d'insertion",
        "Heures d'insertion prévues",
        "Nombre d'heures d'insertion",
        "Heures",
        "Volume d'heures",
        "Committed hours",
    ),
    column("amount", "Montant", "Montant HT", "Montant du marché", required=False),
    column("insertion_rate", "Taux d'insertion", "Taux", required=False),
)
SCHEDULE_COLUMNS = (
    column("reference", "Référence", *_REFERENCE_NAMES),
    column("month", "Mois", "Période", "Month"),
    column("hours", "Heures prévues", "Heures", "Heures d'insertion prévues", "Hours"),
)

_KIND_LABELS = {
    OrganisationKind.BUYER: "acheteur",
    OrganisationKind.CONTRACTOR: "entreprise titulaire",
    OrganisationKind.SIAE: "SIAE",
    OrganisationKind.FACILITATOR: "équipe de facilitation",
}
# A contract may be held by an SIAE as well as by a company.
_KINDS_ACCEPTED = {
    OrganisationKind.BUYER: {OrganisationKind.BUYER},
    OrganisationKind.CONTRACTOR: {OrganisationKind.CONTRACTOR, OrganisationKind.SIAE},
}


@dataclass(frozen=True, slots=True)
class OrganisationRef:
    name: str
    siret: str | None


@dataclass(frozen=True, slots=True)
class ContractDraft:
    reference: str
    title: str
    operation: str
    operation_commune: str
    buyer: OrganisationRef
    contractor: OrganisationRef
    trade: str
    commune: str
    start: date
    end: date
    committed_hours: Decimal
    amount: Decimal | None
    insertion_rate: Decimal | None
    present: frozenset[str]  # optional columns the file has: the others are left as they are


def import_contracts(
    session: Session, actor: User | None, content: bytes, filename: str
) -> ReferenceImportReport:
    """Create or update the file's contracts, their organisations, operations and schedules."""
    sheets = read_sheets(content)
    tally = _Tally()
    contract_tables, schedule_tables = _classify(sheets, CONTRACT_COLUMNS, tally, SCHEDULE_COLUMNS)
    if not contract_tables:
        raise _missing_columns(sheets, CONTRACT_COLUMNS, filename)
    contract_rows = [row for table in contract_tables for row in _rows(table, CONTRACT_COLUMNS)]
    schedule_rows = [row for table in schedule_tables for row in _rows(table, SCHEDULE_COLUMNS)]
    known = _load_contracts(session, [*contract_rows, *schedule_rows])
    saved, rejected = _save_contracts(session, contract_rows, known, tally)
    _save_schedules(schedule_rows, {**known, **saved}, rejected, tally)
    session.flush()
    report = tally.report()
    _record(session, actor, "contracts_file", content, filename, report)
    return report


def _load_contracts(session: Session, rows: list[RowReader]) -> dict[str, Contract]:
    keys = {Contract.key_of(cell_text(row.raw("reference"))) for row in rows}
    keys.discard("")
    if not keys:
        return {}
    stmt = (
        sa.select(Contract)
        .where(Contract.reference_key.in_(keys))
        .options(selectinload(Contract.schedule))
    )
    return {contract.reference_key: contract for contract in session.scalars(stmt)}


def _save_contracts(
    session: Session, rows: list[RowReader], known: dict[str, Contract], tally: _Tally
) -> tuple[dict[str, Contract], dict[str, int]]:
    """The accepted contracts by reference key, and the rows of rejected references."""
    organisations = _Organisations(session)
    operations = _Operations(session)
    first_rows: dict[str, int] = {}
    saved: dict[str, Contract] = {}
    rejected: dict[str, int] = {}
    for row in rows:
        key = Contract.key_of(cell_text(row.raw("reference")))
        draft = _checked_contract(row, key, organisations, first_rows)
        if not tally.add(row) or draft is None:
            rejected.setdefault(key, row.number)
            continue
        buyer = organisations.obtain(draft.buyer, OrganisationKind.BUYER)
        operation = operations.obtain(buyer, draft.operation, draft)
        contractor = organisations.obtain(draft.contractor, OrganisationKind.CONTRACTOR)
        contract = known.get(key)
        before = _contract_state(contract) if contract else None
        if contract is None:
            contract = Contract()
            session.add(contract)
        _fill_contract(contract, draft, operation, contractor)
        tally.count(_outcome(before, _contract_state(contract)))
        saved[key] = contract
    # A reference rejected only as a repeated row was saved from its first row.
    return saved, {key: row for key, row in rejected.items() if key not in saved}


def _checked_contract(
    row: RowReader, key: str, organisations: _Organisations, first_rows: dict[str, int]
) -> ContractDraft | None:
    """The row's contract, after every check that needs no writing; None if unreadable."""
    draft = _read_contract(row)
    if draft is not None:
        _check_duplicate(row, key, first_rows, draft.reference)
        organisations.check(row, draft.buyer, OrganisationKind.BUYER)
        organisations.check(row, draft.contractor, OrganisationKind.CONTRACTOR)
        _check_distinct_parties(row, draft)
    return draft


def _check_duplicate(row: RowReader, key: Any, first_rows: dict[Any, int], what: str) -> None:
    if key in first_rows:
        row.error(
            Code.DUPLICATE_ROW,
            f"« {what} » figure déjà ligne {first_rows[key]} : cette ligne est ignorée.",
        )
    else:
        first_rows[key] = row.number


def _check_distinct_parties(row: RowReader, draft: ContractDraft) -> None:
    same_siret = draft.buyer.siret is not None and draft.buyer.siret == draft.contractor.siret
    if same_siret or normalise_name(draft.buyer.name) == normalise_name(draft.contractor.name):
        row.error(
            Code.ORGANISATION_CONFLICT, "L'acheteur et le titulaire sont la même organisation."
        )


def _read_contract(row: RowReader) -> ContractDraft | None:
    reference = row.text("reference", 80, required=True)
    title = row.text("title", 200, required=True)
    operation = row.text("operation", 200, required=True)
    buyer = OrganisationRef(row.text("buyer", 200, required=True), row.siret("buyer_siret"))
    contractor = OrganisationRef(
        row.text("contractor", 200, required=True), row.siret("contractor_siret")
    )
    trade = row.text("trade", 120, required=True)
    commune = row.text("commune", 120, required=True)
    operation_commune = row.text("operation_commune", 120)
    start, end = _read_period(row)
    hours, amount, rate = _read_contract_numbers(row)
    if row.errors or start is None or end is None or hours is None:
        return None
    return ContractDraft(
        reference=reference,
        title=title,
        operation=operation,
        operation_commune=operation_commune,
        buyer=buyer,
        contractor=contractor,
        trade=trade,
        commune=commune,
        start=start,
        end=end,
        committed_hours=hours,
        amount=amount,
        insertion_rate=rate,
        present=frozenset(key for key in ("amount", "insertion_rate") if row.has(key)),
    )


def _read_period(row: RowReader) -> tuple[date | None, date | None]:
    expected = "une date jj/mm/aaaa"
    start = row.value("start", parse_date, Code.DATE_INVALID, expected, required=True)
    end = row.value("end", parse_date, Code.DATE_INVALID, expected, required=True)
    if start is not None and end is not None and end < start:
        row.error(
            Code.DATES_INVERTED,
            f"La date de fin ({end:%d/%m/%Y}) précède la date de début ({start:%d/%m/%Y}).",
        )
    return start, end


def _read_contract_numbers(row: RowReader) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    hours = row.value(
        "committed_hours", parse_hours, Code.HOURS_INVALID, "un nombre d'heures", required=True
    )
    if hours is not None and not 0 < hours <= MAX_COMMITTED_HOURS:
        row.error(
            Code.HOURS_INVALID,
            f"Les heures d'insertion doivent être positives et au plus {MAX_COMMITTED_HOURS} "
            f"({hours}).",
        )
    amount = row.value("amount", parse_amount, Code.NUMBER_INVALID, "un montant en euros")
    if amount is not None and not 0 <= amount < MAX_AMOUNT:
        row.error(Code.NUMBER_INVALID, f"Montant impossible : {amount}.")
    rate = row.value("insertion_rate", parse_percent, Code.NUMBER_INVALID, "un pourcentage")
    if rate is not None and not 0 <= rate <= 100:
        row.error(Code.NUMBER_INVALID, f"Le taux d'insertion doit être entre 0 et 100 % ({rate}).")
    return hours, amount, rate


def _contract_state(contract: Contract) -> tuple[Any, ...]:
    return (
        contract.reference, contract.title, contract.operation, contract.contractor,
        contract.trade, contract.commune, contract.start_date, contract.end_date,
        contract.committed_hours, contract.amount, contract.insertion_rate,
    )  # fmt: skip


def _fill_contract(
    contract: Contract, draft: ContractDraft, operation: Operation, contractor: Organisation
) -> None:
    contract.set_reference(draft.reference)
    contract.title = draft.title
    contract.operation = operation
    contract.contractor = contractor
    contract.trade = draft.trade
    contract.commune = draft.commune
    contract.start_date = draft.start
    contract.end_date = draft.end
    contract.committed_hours = draft.committed_hours
    if "amount" in draft.present:
        contract.amount = draft.amount
    if "insertion_rate" in draft.present:
        contract.insertion_rate = draft.insertion_rate


class _Organisations:
    """Organisations by SIRET and by normalised name, those this import creates included."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_siret: dict[str, Organisation] = {}
        self._by_name: dict[str, Organisation] = {}
        for organisation in session.scalars(sa.select(Organisation)):
            self._remember(organisation)

    def _remember(self, organisation: Organisation) -> None:
        self._by_name[normalise_name(organisation.name)] = organisation
        if organisation.siret:
            self._by_siret[organisation.siret] = organisation

    def _find(self, ref: OrganisationRef) -> Organisation | None:
        found = self._by_siret.get(ref.siret) if ref.siret else None
        return found or self._by_name.get(normalise_name(ref.name))

    def check(self, row: RowReader, ref: OrganisationRef, kind: OrganisationKind) -> None:
        """Adds the row's errors if `ref` cannot be this kind of organisation; changes nothing."""
        found = self._find(ref)
        named = self._by_name.get(normalise_name(ref.name))
        if found is None:
            return
        if named is not None and named is not found:
            row.error(
                Code.ORGANISATION_CONFLICT,
                f"Le SIRET {ref.siret} est celui de « {found.name} », pas de « {named.name} ».",
            )
            return
        if found.kind not in _KINDS_ACCEPTED[kind]:
            row.error(
                Code.ORGANISATION_CONFLICT,
                f"« {found.name} » est déjà enregistrée comme {_KIND_LABELS[found.kind]}, "
                f"pas comme {_KIND_LABELS[kind]}.",
            )
        elif ref.siret and found.siret and found.siret != ref.siret:
            row.error(
                Code.ORGANISATION_CONFLICT,
                f"« {found.name} » est déjà enregistrée avec le SIRET {found.siret}, "
                f"pas {ref.siret}.",
            )

    def obtain(self, ref: OrganisationRef, kind: OrganisationKind) -> Organisation:
        """The organisation `check` accepted, created if new; a SIRET completes a name match."""
        found = self._find(ref)
        if found is None:
            found = Organisation(name=ref.name, siret=ref.siret, kind=kind)
            self._session.add(found)
        elif ref.siret and not found.siret:
            found.siret = ref.siret
        self._remember(found)
        return found


class _Operations:
    """Operations by buyer and normalised name, those this import creates included."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[tuple[Organisation, str], Operation] = {}
        stmt = sa.select(Operation).options(selectinload(Operation.buyer))
        for operation in session.scalars(stmt):
            self._known[(operation.buyer, normalise_name(operation.name))] = operation

    def obtain(self, buyer: Organisation, name: str, draft: ContractDraft) -> Operation:
        key = (buyer, normalise_name(name))
        operation = self._known.get(key)
        if operation is None:
            commune = draft.operation_commune or draft.commune
            operation = Operation(name=name, buyer=buyer, commune=commune)
            self._session.add(operation)
            self._known[key] = operation
        elif draft.operation_commune:
            operation.commune = draft.operation_commune
        return operation


# ---------------------------------------------------------------------------------------------
# Contract schedules ("Échéancier": Référence, Mois, Heures prévues)


@dataclass(frozen=True, slots=True)
class _ScheduleLine:
    row: RowReader
    month: date
    hours: Decimal


def _save_schedules(
    rows: list[RowReader], contracts: dict[str, Contract], rejected: dict[str, int], tally: _Tally
) -> None:
    """Each contract's schedule is replaced as a whole, or left alone if any of its rows fails."""
    lines: dict[str, list[_ScheduleLine]] = {}
    failed: dict[str, int] = {}
    first_rows: dict[tuple[str, date], int] = {}
    for row in rows:
        key, line = _read_schedule_line(row, contracts, rejected)
        if line is not None:
            what = f"{line.month:%m/%Y} du marché {contracts[key].reference}"
            _check_duplicate(row, (key, line.month), first_rows, what)
        if row.errors or line is None:
            failed.setdefault(key, row.number)
        else:
            lines.setdefault(key, []).append(line)
    for key, kept in lines.items():
        if key in failed:
            for line in kept:
                line.row.error(
                    Code.SCHEDULE_INCOMPLETE,
                    f"Échéancier du marché {contracts[key].reference} laissé tel quel : "
                    f"sa ligne {failed[key]} est en erreur.",
                )
        else:
            _replace_schedule(contracts[key], kept)
            tally.schedules_replaced += 1
    for row in rows:
        tally.add(row)


def _read_schedule_line(
    row: RowReader, contracts: dict[str, Contract], rejected: dict[str, int]
) -> tuple[str, _ScheduleLine | None]:
    reference = row.text("reference", 80, required=True)
    key = Contract.key_of(reference)
    month = row.value("month", parse_month, Code.MONTH_INVALID, "un mois mm/aaaa", required=True)
    hours = row.value("hours", parse_hours, Code.HOURS_INVALID, "un nombre d'heures", required=True)
    if hours is not None and not 0 <= hours <= MAX_COMMITTED_HOURS:
        row.error(Code.HOURS_INVALID, f"Heures prévues impossibles : {hours}.")
    if reference and key in rejected:
        row.error(
            Code.CONTRACT_UNKNOWN,
            f"Le marché « {reference} » a été rejeté (ligne {rejected[key]} de sa feuille).",
        )
    elif reference and key not in contracts:
        row.error(Code.CONTRACT_UNKNOWN, f"Marché inconnu : « {reference} ».")
    if row.errors or month is None or hours is None:
        return key, None
    _warn_outside(row, contracts[key], month)
    return key, _ScheduleLine(row, month, hours)


def _warn_outside(row: RowReader, contract: Contract, month: date) -> None:
    if month < contract.start_date.replace(day=1) or month > contract.end_date:
        row.warn(
            Code.MONTH_OUTSIDE_CONTRACT,
            f"Le mois {month:%m/%Y} est hors de la période du marché "
            f"(du {contract.start_date:%d/%m/%Y} au {contract.end_date:%d/%m/%Y}).",
        )


def _replace_schedule(contract: Contract, lines: list[_ScheduleLine]) -> None:
    """Updated in place, month by month: deleting then inserting a month breaks its unique key."""
    wanted = {line.month: line.hours for line in lines}
    current = {scheduled.month: scheduled for scheduled in contract.schedule}
    for month, scheduled in current.items():
        if month not in wanted:
            contract.schedule.remove(scheduled)
    for month, hours in wanted.items():
        if month in current:
            current[month].hours = hours
        else:
            contract.schedule.append(ScheduledHours(month=month, hours=hours))


# ---------------------------------------------------------------------------------------------
# Participants

PARTICIPANT_COLUMNS = (
    column("last_name", "Nom", "Nom de famille", "Nom de naissance", "Nom d'usage", "Last name"),
    column("first_name", "Prénom", "Prénoms", "First name"),
    column(
        "birth_date", "Date de naissance", "Né(e) le", "Née le", "Né le", "Naissance", "Birth date"
    ),
    column("sex", "Sexe", "Genre", "Civilité", "Sex", "Gender", required=False),
    column(
        "commune",
        "Commune de résidence",
        "Commune",
        "Ville",
        "Ville de résidence",
        "Commune de domicile",
        required=False,
    ),
    column("qpv", "QPV", "Résident QPV", "Habitant QPV", "Résidence QPV", required=False),
    column(
        "criteria",
        "Critères d'éligibilité",
        "Critère d'éligibilité",
        "Critères",
        "Critère",
        "Éligibilité",
        required=False,
    ),
    column(
        "validated_on",
        "Date de validation de l'éligibilité",
        "Date de validation",
        "Éligibilité validée le",
        "Validée le",
        "Validé le",
        required=False,
    ),
    column(
        "wanted_trades",
        "Métiers recherchés",
        "Métier recherché",
        "Métiers souhaités",
        "Métiers",
        required=False,
    ),
    column("available", "Disponible", "Disponibilité", "Available", required=False),
)


_OPTIONAL_PARTICIPANT_COLUMNS = tuple(c.key for c in PARTICIPANT_COLUMNS if not c.required)


@dataclass(frozen=True, slots=True)
class ParticipantDraft:
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex | None
    commune: str
    is_qpv: bool
    criteria: frozenset[Criterion]
    other_criteria: str
    validated_on: date | None
    wanted_trades: str
    is_available: bool
    present: frozenset[str]  # optional columns the file has: the others are left as they are

    @property
    def key(self) -> tuple[str, date]:
        return name_key(self.last_name, self.first_name), self.birth_date


def import_participants(
    session: Session, actor: User | None, content: bytes, filename: str
) -> ReferenceImportReport:
    """Create or update the file's participants, recognised by normalised name and birth date."""
    sheets = read_sheets(content)
    tally = _Tally()
    tables, _ = _classify(sheets, PARTICIPANT_COLUMNS, tally)
    if not tables:
        raise _missing_columns(sheets, PARTICIPANT_COLUMNS, filename)
    rows = [row for table in tables for row in _rows(table, PARTICIPANT_COLUMNS)]
    drafts = [_read_participant(row) for row in rows]
    known = _load_participants(session, [d for d in drafts if d is not None])
    first_rows: dict[tuple[str, date], int] = {}
    for row, draft in zip(rows, drafts, strict=True):
        if draft is not None:
            what = f"{draft.last_name.upper()} {draft.first_name} ({draft.birth_date:%d/%m/%Y})"
            _check_duplicate(row, draft.key, first_rows, what)
        if draft is None or row.errors:
            tally.add(row)
            continue
        _save_participant(session, row, draft, known.get(draft.key), tally)
    session.flush()
    # A validation date may have changed: the hours of known people move to or from pending.
    hours_summary.refresh_for_participants(session, [person.id for person in known.values()])
    report = tally.report()
    _record(session, actor, "participants_file", content, filename, report)
    return report


def _load_participants(
    session: Session, drafts: list[ParticipantDraft]
) -> dict[tuple[str, date], Participant]:
    names = {draft.key[0] for draft in drafts}
    if not names:
        return {}
    stmt = sa.select(Participant).where(Participant.name_key.in_(names))
    return {(p.name_key, p.birth_date): p for p in session.scalars(stmt)}


def _read_participant(row: RowReader) -> ParticipantDraft | None:
    last_name = row.text("last_name", 120, required=True)
    first_name = row.text("first_name", 120, required=True)
    birth_date = _read_birth_date(row)
    sex = row.value("sex", parse_sex, Code.SEX_INVALID, "F ou M")
    commune = row.text("commune", 120)
    is_qpv = row.value("qpv", parse_bool, Code.BOOLEAN_INVALID, "oui ou non")
    criteria, other_criteria = _read_criteria(row)
    validated_on = row.value(
        "validated_on", parse_date, Code.DATE_INVALID, "une date jj/mm/aaaa, ou vide : à vérifier"
    )
    wanted_trades = row.text("wanted_trades", 500)
    is_available = row.value("available", parse_bool, Code.BOOLEAN_INVALID, "oui ou non")
    if row.errors or birth_date is None:
        return None
    return ParticipantDraft(
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=sex,
        commune=commune,
        is_qpv=bool(is_qpv),
        criteria=frozenset(criteria),
        other_criteria=other_criteria,
        validated_on=validated_on,
        wanted_trades=wanted_trades,
        is_available=bool(is_available),
        present=frozenset(key for key in _OPTIONAL_PARTICIPANT_COLUMNS if row.has(key)),
    )


def _read_birth_date(row: RowReader) -> date | None:
    born = row.value(
        "birth_date", parse_date, Code.BIRTHDATE_INVALID, "une date jj/mm/aaaa", required=True
    )
    if born is not None and not date(1900, 1, 1) <= born <= date.today():
        row.error(Code.BIRTHDATE_INVALID, f"Date de naissance impossible : {born:%d/%m/%Y}.")
        return None
    return born


def _read_criteria(row: RowReader) -> tuple[set[Criterion], str]:
    """Known criteria, and the unknown ones kept as written (each a warning)."""
    known, unknown = parse_criteria(row.text("criteria", 1000))
    for text in unknown:
        row.warn(
            Code.CRITERION_UNKNOWN,
            f"Critère d'éligibilité « {text} » non reconnu : gardé tel quel en texte.",
        )
    other = "; ".join(unknown)
    if len(other) > 500:
        row.error(Code.VALUE_TOO_LONG, f"Critères non reconnus trop longs ({len(other)} > 500).")
    return known, other


def _participant_state(person: Participant) -> tuple[Any, ...]:
    return (
        person.last_name, person.first_name, person.sex, person.commune, person.is_qpv,
        person.criteria, person.other_criteria, person.eligibility_validated_on,
        person.wanted_trades, person.is_available,
    )  # fmt: skip


def _save_participant(
    session: Session,
    row: RowReader,
    draft: ParticipantDraft,
    person: Participant | None,
    tally: _Tally,
) -> None:
    before = _participant_state(person) if person else None
    if person is None:
        person = Participant(birth_date=draft.birth_date)
        session.add(person)
    person.set_name(draft.last_name, draft.first_name)
    _fill_participant(person, draft)
    if "validated_on" in draft.present:
        _set_validation(row, person, draft.validated_on, is_new=before is None)
    tally.add(row)
    tally.count(_outcome(before, _participant_state(person)))


def _fill_participant(person: Participant, draft: ParticipantDraft) -> None:
    present = draft.present
    if "sex" in present:
        person.sex = draft.sex
    if "commune" in present:
        person.commune = draft.commune
    if "qpv" in present:
        person.is_qpv = draft.is_qpv
    if "criteria" in present:
        person.set_criteria(set(draft.criteria))
        person.other_criteria = draft.other_criteria
    if "wanted_trades" in present:
        person.wanted_trades = draft.wanted_trades
    if "available" in present:
        person.is_available = draft.is_available


def _set_validation(
    row: RowReader, person: Participant, validated_on: date | None, *, is_new: bool
) -> None:
    """An empty cell means "to verify" for a new person, but never undoes a validation: an old
    file sent again must not put validated people's hours back to pending."""
    current = person.eligibility_validated_on
    if validated_on is None and current is not None and not is_new:
        row.warn(
            Code.VALIDATION_KEPT,
            f"Date de validation vide : la validation du {current:%d/%m/%Y} déjà enregistrée "
            "est conservée.",
        )
        return
    person.eligibility_validated_on = validated_on
