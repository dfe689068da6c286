"""The hour sheets' columns, and how a header cell names one (DESIGN.md's "Precise import
rules": keywords tried in a fixed order, first match wins). The header row is then found by the
shared table reader (imports/table.py): the first of the first 30 rows where hours, month and a
name are recognised."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from clauses.rules.names import normalise_name
from imports.cells import text


class Field(StrEnum):
    HOURS = "hours"
    COMBINED_NAME = "combined_name"
    BIRTH_DATE = "birth_date"
    FIRST_NAME = "first_name"
    EMPLOYMENT_TYPE = "employment_type"
    EMPLOYER = "employer"
    MONTH = "month"
    CONTRACT = "contract"
    LAST_NAME = "last_name"


# The template's columns, in its order, as it writes them (imports/template.py); messages name a
# column the file does not have by these.
LABELS = {
    Field.CONTRACT: "Référence marché",
    Field.LAST_NAME: "Nom",
    Field.FIRST_NAME: "Prénom",
    Field.BIRTH_DATE: "Date de naissance",
    Field.MONTH: "Mois",
    Field.HOURS: "Heures",
    Field.EMPLOYMENT_TYPE: "Type de contrat",
    Field.EMPLOYER: "Employeur",
}

# Tried in this order, first match wins: "Nombre d'heures" is hours, "Contrat" the employment
# type (CONTRACT does not start with CONTRAT), "Contract" the contract, "Prénom" a first name
# before NOM is tried. Every synonym DESIGN.md lists is caught by these keywords.
KEYWORDS: tuple[tuple[Field, tuple[str, ...]], ...] = (
    (Field.HOURS, ("HEURE", "HOUR")),
    (Field.COMBINED_NAME, ()),  # both the words NOM and PRENOM
    (Field.BIRTH_DATE, ("NAISS", "BIRTH")),  # or the phrase "Né(e) le"
    (Field.FIRST_NAME, ("PRENOM", "FIRST")),
    (Field.EMPLOYMENT_TYPE, ("TYPE", "NATURE", "CONTRAT")),
    (Field.EMPLOYER, ("EMPLOYEUR", "EMPLOYER")),
    (Field.MONTH, ("MOIS", "PERIODE", "MONTH")),
    (Field.CONTRACT, ("MARCHE", "CONTRACT", "REF", "LOT")),
    (Field.LAST_NAME, ("NOM", "LAST", "NAME", "SALARIE")),
)
BIRTH_PHRASES = (" NE E LE ", " NEE LE ")


def field_of(cell: object) -> Field | None:
    """What a header cell names, or None."""
    label = normalise_name(text(cell))
    words = label.split()
    for field, keywords in KEYWORDS:
        if field is Field.COMBINED_NAME:
            found = "NOM" in words and "PRENOM" in words
        else:
            found = any(word.startswith(keyword) for word in words for keyword in keywords)
        if field is Field.BIRTH_DATE:
            found = found or any(phrase in f" {label} " for phrase in BIRTH_PHRASES)
        if found:
            return field
    return None


@dataclass(frozen=True, slots=True)
class HourSheetLayout:
    """The hour sheets' Layout, for the table reader's find_header."""

    def columns_of(self, cells: Sequence[object]) -> dict[str, int]:
        """Each field's first column in this row."""
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            field = field_of(cell)
            if field is not None and field not in columns:
                columns[field] = position
        return columns

    def is_header(self, columns: Mapping[str, int]) -> bool:
        """Hours, month and a name (last or combined) recognised."""
        has_name = Field.LAST_NAME in columns or Field.COMBINED_NAME in columns
        return Field.HOURS in columns and Field.MONTH in columns and has_name


HOUR_SHEET = HourSheetLayout()
