"""The participants file: its columns and what each row becomes. Pure:
services/participants_import.py loads the known people and saves."""

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

from clauses.models import Criterion, Sex
from clauses.rules.names import name_key
from imports.cells import (
    age_on,
    is_plausible_age,
    parse_bool,
    parse_criteria,
    parse_date,
    parse_email,
    parse_phone,
    parse_sex,
)
from imports.codes import Code
from imports.records import RowReader
from imports.table import Columns, column

PARTICIPANT_COLUMNS = Columns(
    (
        column(
            "last_name", "Nom", "Nom de famille", "Nom de naissance", "Nom d'usage", "Last name"
        ),
        column("first_name", "Prénom", "Prénoms", "First name"),
        column(
            "birth_date",
            "Date de naissance",
            "Né(e) le",
            "Née le",
            "Né le",
            "Naissance",
            "Birth date",
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
        column(
            "phone",
            "Téléphone",
            "Tél",
            "Tel",
            "Portable",
            "Téléphone portable",
            "Mobile",
            "Phone",
            required=False,
        ),
        column(
            "email",
            "E-mail",
            "Email",
            "Mail",
            "Courriel",
            "Adresse e-mail",
            "Adresse mail",
            required=False,
        ),
    )
)
MAX_OTHER_CRITERIA = 500


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
    phone: str
    email: str
    present: frozenset[str]  # optional columns the file has: the others are left as they are

    @property
    def key(self) -> tuple[str, date]:
        return name_key(self.last_name, self.first_name), self.birth_date


def read_participant(
    row: RowReader, today: date, first_rows: dict[Hashable, int]
) -> ParticipantDraft | None:
    """The row's person, or None when a cell cannot be read or the person is already on an
    earlier row (the same normalised name and birth date)."""
    last_name = row.name("last_name", 120)
    first_name = row.name("first_name", 120)
    birth_date = _birth_date(row, today)
    sex = row.value("sex", parse_sex, Code.SEX_INVALID)
    commune = row.text("commune", 120)
    is_qpv = row.value("qpv", parse_bool, Code.BOOLEAN_INVALID)
    criteria, other_criteria = _criteria(row)
    validated_on = row.value("validated_on", parse_date, Code.DATE_INVALID)
    wanted_trades = row.text("wanted_trades", 500)
    is_available = row.value("available", parse_bool, Code.BOOLEAN_INVALID)
    phone = row.value("phone", parse_phone, Code.PHONE_INVALID) or ""
    email = row.value("email", parse_email, Code.EMAIL_INVALID) or ""
    if row.errors or birth_date is None:
        return None
    draft = ParticipantDraft(
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
        phone=phone,
        email=email,
        present=frozenset(key for key in PARTICIPANT_COLUMNS.optional() if row.has(key)),
    )
    value = f"{last_name.upper()} {first_name} ({birth_date.isoformat()})"
    row.check_duplicate(draft.key, first_rows, value)
    return None if row.errors else draft


def _birth_date(row: RowReader, today: date) -> date | None:
    """DESIGN.md's ages, 15 to 80, on the first day of this month (a person's file has no
    month of its own)."""
    born = row.value("birth_date", parse_date, Code.BIRTHDATE_INVALID, required=True)
    month = today.replace(day=1)
    if born is not None and not is_plausible_age(born, month):
        row.error(Code.BIRTHDATE_INVALID, birth_date=born.isoformat(), age=age_on(born, month))
        return None
    return born


def _criteria(row: RowReader) -> tuple[set[Criterion], str]:
    """Known criteria, and the unknown ones kept as written (each a warning)."""
    known, unknown = parse_criteria(row.text("criteria", 1000))
    for value in unknown:
        row.warn(Code.CRITERION_UNKNOWN, value=value)
    other = "; ".join(unknown)
    if len(other) > MAX_OTHER_CRITERIA:
        row.error(
            Code.VALUE_TOO_LONG,
            column=PARTICIPANT_COLUMNS.labels()["criteria"],
            length=len(other),
            maximum=MAX_OTHER_CRITERIA,
        )
    return known, other
