"""The timesheet template a contractor downloads: clean files are the easy path.

Sheet "Heures": the canonical headers and empty rows whose cells offer drop-down lists (the
contractor's contracts, months, employment types) and a check on hours; sheet "Personnes": the
people already known on the contractor's contracts, to copy from; sheet "Consignes": how to fill
it in; sheet "Listes" (hidden): the lists behind the drop-downs.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import zip_longest
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from clauses.models.enums import SHEET_LABELS
from clauses.rules.dates import add_months
from imports.headers import LABELS
from imports.workbook import HELPER_SHEET_NAME
from imports.write import DATE_FORMAT, cell, row

HEADERS = tuple(LABELS.values())
WIDTHS = (22, 22, 20, 18, 12, 10, 30, 30)
# Each label maps back to its type through imports.cells.EMPLOYMENT_TYPES.
TYPE_LABELS = tuple(SHEET_LABELS.values())
EMPTY_ROWS = 300
MONTHS_BACK = 24
HEADER_FILL = PatternFill("solid", fgColor="DDE7F5")
DATA_SHEET = "Heures"
PEOPLE_HEADERS = ("Nom", "Prénom", "Date de naissance")


@dataclass(frozen=True, slots=True)
class KnownPerson:
    last_name: str
    first_name: str
    birth_date: date


def template_workbook(
    contract_references: Sequence[str], people: Sequence[KnownPerson], today: date
) -> bytes:
    # Write-only: each sheet is written row after row, so the cost grows with the people listed,
    # not their square. Its sheets are typed Any: openpyxl's stubs know little of them.
    workbook = Workbook(write_only=True)
    months = [_month_text(add_months(today.replace(day=1), -n)) for n in range(MONTHS_BACK + 1)]
    _data_sheet(workbook, len(contract_references), len(months))
    _lists_sheet(workbook, contract_references, months)
    _people_sheet(workbook, people)
    _instructions_sheet(workbook)
    _mark_helper_sheets(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _month_text(month: date) -> str:
    return f"{month.month:02d}/{month.year}"


def _data_sheet(workbook: Workbook, contract_count: int, month_count: int) -> None:
    sheet = workbook.create_sheet(DATA_SHEET)
    _widths(sheet, WIDTHS)
    sheet.freeze_panes = "A2"
    last = EMPTY_ROWS + 1
    for column, formula in (
        ("A", f"Listes!$A$1:$A${max(contract_count, 1)}"),
        ("E", f"Listes!$B$1:$B${month_count}"),
        ("G", f"Listes!$C$1:$C${len(TYPE_LABELS)}"),
    ):
        _validation(
            sheet, DataValidation(type="list", formula1=formula), f"{column}2:{column}{last}"
        )
    hours = DataValidation(type="decimal", operator="between", formula1="0", formula2="208")
    hours.error = "Les heures d'un mois sont un nombre entre 0 et 208 (35,5 pour 35 h 30)."
    _validation(sheet, hours, f"F2:F{last}")
    birth = DataValidation(type="date", operator="greaterThan", formula1="1")
    birth.error = "Saisissez une date (jj/mm/aaaa)."
    _validation(sheet, birth, f"D2:D{last}")
    sheet.append([cell(sheet, title, font=Font(bold=True), fill=HEADER_FILL) for title in HEADERS])
    for _ in range(EMPTY_ROWS):
        birth_cell = cell(sheet, None, number_format=DATE_FORMAT)
        sheet.append([None, None, None, birth_cell, cell(sheet, None, number_format="@")])


def _validation(sheet: Any, validation: DataValidation, cells: str) -> None:
    validation.showErrorMessage = True
    validation.errorTitle = validation.errorTitle or "Valeur refusée"
    if validation.type == "list":
        validation.error = "Choisissez une valeur de la liste."
    validation.add(cells)
    sheet.data_validations.append(validation)


def _lists_sheet(workbook: Workbook, references: Sequence[str], months: Sequence[str]) -> None:
    sheet = workbook.create_sheet("Listes")
    sheet.sheet_state = "hidden"
    for values in zip_longest(references, months, TYPE_LABELS):
        sheet.append(row(sheet, values))


def _people_sheet(workbook: Workbook, people: Sequence[KnownPerson]) -> None:
    sheet = workbook.create_sheet("Personnes")
    _widths(sheet, (24, 22, 18))
    sheet.append([cell(sheet, title, font=Font(bold=True)) for title in PEOPLE_HEADERS])
    for person in people:
        sheet.append(row(sheet, (person.last_name, person.first_name, person.birth_date)))


def _widths(sheet: Any, widths: Sequence[int]) -> None:
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width


def _mark_helper_sheets(workbook: Workbook) -> None:
    """Each sheet but the data sheet gets a workbook-level name ClausesHelperSheet<N> pointing at
    its A1, so that the importer knows it for one of the template's own and passes over it."""
    helpers = [sheet.title for sheet in workbook.worksheets if sheet.title != DATA_SHEET]
    for number, title in enumerate(helpers, start=1):
        name = f"{HELPER_SHEET_NAME}{number}"
        workbook.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(title)}!$A$1")


INSTRUCTIONS = (
    "Relevé mensuel des heures d'insertion",
    "",
    "Une ligne par personne, par mois et par type de contrat, dans la feuille « Heures ».",
    "Référence marché : choisissez-la dans la liste (vos marchés).",
    "Nom, Prénom, Date de naissance : recopiez-les de la feuille « Personnes » pour une "
    "personne déjà connue ; pour une nouvelle personne, saisissez-les (la date de naissance "
    "est indispensable).",
    "Mois : le mois travaillé, choisi dans la liste (mm/aaaa).",
    "Heures : les heures d'insertion du mois (35,5 pour 35 h 30), au plus 208.",
    "Type de contrat : choisi dans la liste ; Employeur : l'ETTI, le GEIQ ou la SIAE le cas "
    "échéant.",
    "Un mois sans heure d'insertion : déclarez-le sur la page du marché (« rien à déclarer »), "
    "pas par une ligne à 0 heure.",
    "Ne modifiez pas la ligne d'en-tête. Envoyez le fichier tel quel depuis votre espace.",
)


def _instructions_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Consignes")
    _widths(sheet, (110,))
    title, *lines = INSTRUCTIONS
    sheet.append([cell(sheet, title, font=Font(bold=True, size=14))])
    for text in lines:
        sheet.append([cell(sheet, text, alignment=Alignment(wrap_text=True))])
