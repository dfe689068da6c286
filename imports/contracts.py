"""The contracts file: its columns (a sheet of contracts, an optional sheet "Échéancier" of
monthly expected hours) and what each row becomes. Pure: services/contracts_import.py loads what
is known (organisations, operations, contracts) and saves."""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from clauses.models import Contract
from clauses.rules.names import normalise_name
from imports.cells import (
    parse_amount,
    parse_date,
    parse_hours,
    parse_month,
    parse_percent,
    text,
)
from imports.codes import Code
from imports.records import RowReader
from imports.table import Columns, column

# Bounds of the numbers a row may hold (hours and amounts have two decimals).
COMMITTED_HOURS = (Decimal("0.01"), Decimal(1_000_000))
SCHEDULED_HOURS = (Decimal(0), Decimal(1_000_000))
AMOUNT = (Decimal(0), Decimal("999999999999.99"))
PERCENT = (Decimal(0), Decimal(100))

_REFERENCE_NAMES = (
    "Référence du marché", "Référence marché", "Réf", "Réf marché", "N° de marché", "N° marché",
    "N° du marché", "Numéro de marché", "Numéro du marché", "Contract", "Reference",
)  # fmt: skip
CONTRACT_COLUMNS = Columns(
    (
        column("reference", "Référence", *_REFERENCE_NAMES),
        column("title", "Intitulé", "Intitulé du marché", "Objet", "Objet du marché", "Libellé"),
        column("operation", "Opération", "Nom de l'opération", "Programme", "Operation"),
        column(
            "buyer",
            "Acheteur",
            "Maître d'ouvrage",
            "Maîtrise d'ouvrage",
            "Donneur d'ordre",
            "Buyer",
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
)
SCHEDULE_COLUMNS = Columns(
    (
        column("reference", "Référence", *_REFERENCE_NAMES),
        column("month", "Mois", "Période", "Month"),
        column("hours", "Heures prévues", "Heures", "Heures d'insertion prévues", "Hours"),
    )
)


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


def reference_key(row: RowReader) -> str:
    """The row's reference as contracts are compared (trimmed, case-insensitive)."""
    return Contract.key_of(text(row.raw("reference")))


def read_contract(row: RowReader, first_rows: dict[Hashable, int]) -> ContractDraft | None:
    """The row's contract, after every check that needs nothing from the database (a repeated
    reference, a buyer that is its own contractor); None if it cannot be read."""
    reference = row.text("reference", 80, required=True, keyed=Contract.key_of)
    title = row.text("title", 200, required=True)
    operation = row.text("operation", 200, required=True)
    buyer = OrganisationRef(row.text("buyer", 200, required=True), row.siret("buyer_siret"))
    contractor = OrganisationRef(
        row.text("contractor", 200, required=True), row.siret("contractor_siret")
    )
    trade = row.text("trade", 120, required=True)
    commune = row.text("commune", 120, required=True)
    operation_commune = row.text("operation_commune", 120)
    start, end = _period(row)
    hours, amount, rate = _numbers(row)
    if row.errors or start is None or end is None or hours is None:
        return None
    row.check_duplicate(reference_key(row), first_rows, reference)
    if _same_party(buyer, contractor):
        row.error(Code.ORGANISATION_CONFLICT, reason="same_party")
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


def _same_party(buyer: OrganisationRef, contractor: OrganisationRef) -> bool:
    same_siret = buyer.siret is not None and buyer.siret == contractor.siret
    return same_siret or normalise_name(buyer.name) == normalise_name(contractor.name)


def _period(row: RowReader) -> tuple[date | None, date | None]:
    start = row.value("start", parse_date, Code.DATE_INVALID, required=True)
    end = row.value("end", parse_date, Code.DATE_INVALID, required=True)
    if start is not None and end is not None and end < start:
        row.error(Code.DATES_INVERTED, start=start.isoformat(), end=end.isoformat())
    return start, end


def _numbers(row: RowReader) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    hours = row.bounded(
        "committed_hours", parse_hours, Code.HOURS_INVALID, COMMITTED_HOURS, required=True
    )
    amount = row.bounded("amount", parse_amount, Code.NUMBER_INVALID, AMOUNT)
    rate = row.bounded("insertion_rate", parse_percent, Code.NUMBER_INVALID, PERCENT)
    return hours, amount, rate


# --- The schedule sheet ("Échéancier": Référence, Mois, Heures prévues) ----------------------


class Period(Protocol):
    """What a schedule row is checked against: a contract, known or saved by this file."""

    @property
    def reference(self) -> str: ...

    @property
    def start_date(self) -> date: ...

    @property
    def end_date(self) -> date: ...


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    row: RowReader
    month: date
    hours: Decimal


def schedules(
    rows: Sequence[RowReader], contracts: Mapping[str, Period], rejected: Mapping[str, int]
) -> dict[str, list[ScheduleLine]]:
    """Each contract's schedule by reference key, whole: a contract with a failed row keeps its
    schedule as it was, and each of its other rows says why (schedule_incomplete)."""
    lines: dict[str, list[ScheduleLine]] = {}
    failed: dict[str, int] = {}
    first_rows: dict[Hashable, int] = {}
    for row in rows:
        key, line = _schedule_line(row, contracts, rejected)
        if line is not None:
            value = f"{contracts[key].reference} {line.month:%Y-%m}"
            row.check_duplicate((key, line.month), first_rows, value)
        if row.errors or line is None:
            failed.setdefault(key, row.number)
        else:
            lines.setdefault(key, []).append(line)
    for key in lines.keys() & failed.keys():
        for line in lines.pop(key):
            line.row.error(
                Code.SCHEDULE_INCOMPLETE,
                reference=contracts[key].reference,
                failed_row=failed[key],
            )
    return lines


def _schedule_line(
    row: RowReader, contracts: Mapping[str, Period], rejected: Mapping[str, int]
) -> tuple[str, ScheduleLine | None]:
    reference = row.text("reference", 80, required=True)
    key = Contract.key_of(reference)
    month = row.value("month", parse_month, Code.MONTH_INVALID, required=True)
    hours = row.bounded("hours", parse_hours, Code.HOURS_INVALID, SCHEDULED_HOURS, required=True)
    if reference and key in rejected:
        row.error(Code.CONTRACT_UNKNOWN, reference=reference, rejected_row=rejected[key])
    elif reference and key not in contracts:
        row.error(Code.CONTRACT_UNKNOWN, reference=reference)
    if row.errors or month is None or hours is None:
        return key, None
    contract = contracts[key]
    if month < contract.start_date.replace(day=1) or month > contract.end_date:
        row.warn(
            Code.MONTH_OUTSIDE_CONTRACT,
            month=month.isoformat(),
            start=contract.start_date.isoformat(),
            end=contract.end_date.isoformat(),
        )
    return key, ScheduleLine(row, month, hours)
