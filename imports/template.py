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

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from clauses.rules.dates import add_months

HEADERS = (
    "Référence marché",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Mois",
    "Heures",
    "Type de contrat",
    "Employeur",
)
WIDTHS = (22, 22, 20, 18, 12, 10, 30, 30)
# Each label maps to its type through imports.normalise.EMPLOYMENT_TYPES.
TYPE_LABELS = (
    "CDI",
    "CDD",
    "Intérim / ETTI",
    "GEIQ",
    "Apprentissage",
    "Contrat de professionnalisation",
    "Formation",
    "Sous-traitance IAE",
)
EMPTY_ROWS = 300
MONTHS_BACK = 24
HEADER_FILL = PatternFill("solid", fgColor="DDE7F5")


@dataclass(frozen=True, slots=True)
class KnownPerson:
    last_name: str
    first_name: str
    birth_date: date


def template_workbook(
    contract_references: Sequence[str], people: Sequence[KnownPerson], today: date
) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    data = workbook.create_sheet("Heures")
    months = [_month_text(add_months(today.replace(day=1), -n)) for n in range(MONTHS_BACK + 1)]
    lists = _lists_sheet(workbook, contract_references, months)
    _data_sheet(data, len(contract_references), len(months))
    _people_sheet(workbook, people)
    _instructions_sheet(workbook)
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _month_text(month: date) -> str:
    return f"{month.month:02d}/{month.year}"


def _lists_sheet(workbook: Workbook, references: Sequence[str], months: Sequence[str]) -> Worksheet:
    lists: Worksheet = workbook.create_sheet("Listes")
    for column, values in enumerate((references, months, TYPE_LABELS), start=1):
        for row, value in enumerate(values, start=1):
            lists.cell(row, column, value)
    return lists


def _data_sheet(sheet: Worksheet, contract_count: int, month_count: int) -> None:
    sheet.append(HEADERS)
    for position, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
        cell = sheet.cell(1, position)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
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
    for row in range(2, last + 1):
        sheet.cell(row, 4).number_format = "DD/MM/YYYY"
        sheet.cell(row, 5).number_format = "@"


def _validation(sheet: Worksheet, validation: DataValidation, cells: str) -> None:
    validation.showErrorMessage = True
    validation.errorTitle = validation.errorTitle or "Valeur refusée"
    if validation.type == "list":
        validation.error = "Choisissez une valeur de la liste."
    sheet.add_data_validation(validation)
    validation.add(cells)


def _people_sheet(workbook: Workbook, people: Sequence[KnownPerson]) -> None:
    sheet = workbook.create_sheet("Personnes")
    sheet.append(("Nom", "Prénom", "Date de naissance"))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for person in people:
        sheet.append((person.last_name, person.first_name, person.birth_date))
        sheet.cell(sheet.max_row, 3).number_format = "DD/MM/YYYY"
    for column, width in zip("ABC", (24, 22, 18), strict=True):
        sheet.column_dimensions[column].width = width


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
    for text in INSTRUCTIONS:
        sheet.append((text,))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
    for row in sheet.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True)
