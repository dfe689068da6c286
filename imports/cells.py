"""Cell values as people type them, turned into numbers, hours, months, dates, booleans, SIRET,
sexes, names, employment types and eligibility criteria: the parsers every import shares.

Each parser returns None for what it cannot read; deciding what that means is each import's job.
"""

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from stdnum.fr import siret as stdnum_siret

from clauses.models.enums import Criterion, EmploymentType, Sex
from clauses.rules.contact import email_address, phone_number
from clauses.rules.names import normalise_name

TWO_PLACES = Decimal("0.01")
# No count of hours reaches a billion: a larger number is a typing error, or a probe of the
# rounding (10^26 and more have no room left for two decimals).
HOURS_LIMIT = Decimal(10) ** 9
NUMBER_LIMIT = Decimal(10) ** 18  # amounts and rates: more than any contract's
EXCEL_EPOCH = date(1899, 12, 30)
# Excel serial numbers of 1930..2100: a bare number outside them is no date.
SERIAL_RANGE = (10959, 73051)
# A date of another year, typed or a date cell, is no date anyone means.
YEARS = (1900, 2100)
# DESIGN.md: a month before January 2000 is month_invalid.
EARLIEST_MONTH = date(2000, 1, 1)
# DESIGN.md: a birth date giving an age outside these, on the first day of the row's month, is
# birthdate_invalid.
AGES = (15, 80)

_HOURS_H = re.compile(r"^(-?\d+)\s*h\s*(\d{1,2})$")
# Longest first; removed with str.removesuffix, never a regex anchored at the end (whose cost
# grows with the square of a long run of spaces).
_HOURS_UNITS = ("heures", "heure", "hours", "hour", "hrs", "hr", "h")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as text, trimmed: whole numbers without a useless ".0" (a SIRET typed as a
    number), dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # a datetime too
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


SHOWN_LENGTH = 80


def shown(value: str) -> str:
    """A cell's text as a message quotes it: without format characters (a right-to-left
    override would turn the rest of the sentence around), and cut past 80 characters."""
    visible = without_format_characters(value)
    return visible if len(visible) <= SHOWN_LENGTH else visible[: SHOWN_LENGTH - 1] + "…"


def person_name(value: object) -> str:
    """A name as typed, read as DESIGN.md says: format characters (Unicode category Cf: zero-width
    spaces, direction overrides...) removed, then NFC, so that what is stored and shown is what
    is compared."""
    return unicodedata.normalize("NFC", without_format_characters(text(value))).strip()


def without_format_characters(value: str) -> str:
    if value.isascii():
        return value
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf")


def age_on(born: date, day: date) -> int:
    """Whole years from birth to that day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_plausible_age(born: date, day: date) -> bool:
    return AGES[0] <= age_on(born, day) <= AGES[1]


def clean(value: object) -> object:
    """None for an empty cell (blank text, or NaN), text trimmed, anything else as it is."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def parse_hours(value: object) -> Decimal | None:
    """35, 35.5, "35,5", "35.5", "35h", "35 h", "49h30" (49.5), "35h00"; two decimals."""
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, int | Decimal):
        number: Decimal | None = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        number = _hours_from_text(str(value).strip().lower())
    return None if number is None else _two_places(number, HOURS_LIMIT)


def _two_places(number: Decimal, limit: Decimal) -> Decimal | None:
    """Rounded half up to two decimals; None when not finite or not under the limit (decimal's
    28 digits cannot round 10^26 and more to two decimals)."""
    if not number.is_finite() or abs(number) >= limit:
        return None
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _hours_from_text(raw: str) -> Decimal | None:
    match = _HOURS_H.match(raw)
    if match:
        whole, minutes = Decimal(match.group(1)), Decimal(match.group(2) or 0)
        if minutes >= 60:
            return None
        sign = -1 if whole < 0 or raw.startswith("-") else 1
        return whole + sign * minutes / 60
    unit = next((unit for unit in _HOURS_UNITS if raw.endswith(unit)), "")
    return parse_number(raw.removesuffix(unit))


# No number typed by hand is longer: a longer text is no number (nor worth converting).
MAX_NUMBER_LENGTH = 40
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_NUMBER = re.compile(r"[+-]?\d[\d.,]*")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[\s\u00a0\u202f]\d{3})+(?:[.,]\d+)?")


def parse_number(text: str) -> Decimal | None:
    """Digits with "," or "." as the decimal point and the other, or spaces, as thousands
    separators: "35,5", "3 000", "1.250,5", "1,250.5"."""
    text = text.strip()
    if len(text) > MAX_NUMBER_LENGTH:
        return None
    if _SPACES.search(text):
        if not _GROUPED.fullmatch(text):
            return None
        text = _SPACES.sub("", text)
    if not _NUMBER.fullmatch(text):
        return None
    if "," in text and "." in text:
        point = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if point == "," else ",", "").replace(point, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_decimal(value: object, *, suffixes: tuple[str, ...] = ()) -> Decimal | None:
    """A number cell, or text as parse_number reads it once a unit suffix is dropped."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if not isinstance(value, str):
        return None
    raw = value.upper().strip()
    for suffix in suffixes:
        raw = raw.removesuffix(suffix).strip()
    return parse_number(raw)


def parse_amount(value: object) -> Decimal | None:
    """Euros: 1250000, "1 250 000,50 €", "3 000 EUR HT"."""
    parsed = parse_decimal(value, suffixes=("HT", "EUROS", "EUR", "€"))
    return None if parsed is None else _two_places(parsed, NUMBER_LIMIT)


def parse_percent(value: object) -> Decimal | None:
    """5, "5 %", "5,5%"; a number below 1 without "%" is a fraction, as Excel stores 5 %."""
    parsed = parse_decimal(value, suffixes=("%",))
    if parsed is None:
        return None
    if not (isinstance(value, str) and "%" in value) and 0 < parsed < 1:
        parsed *= 100
    return _two_places(parsed, NUMBER_LIMIT)


MONTHS = {
    "JANVIER": 1, "JANV": 1, "JAN": 1, "JANUARY": 1,
    "FEVRIER": 2, "FEVR": 2, "FEV": 2, "FEB": 2, "FEBRUARY": 2,
    "MARS": 3, "MAR": 3, "MARCH": 3,
    "AVRIL": 4, "AVR": 4, "APR": 4, "APRIL": 4,
    "MAI": 5, "MAY": 5,
    "JUIN": 6, "JUN": 6, "JUNE": 6,
    "JUILLET": 7, "JUIL": 7, "JUL": 7, "JULY": 7,
    "AOUT": 8, "AUG": 8, "AUGUST": 8,
    "SEPTEMBRE": 9, "SEPT": 9, "SEP": 9, "SEPTEMBER": 9,
    "OCTOBRE": 10, "OCT": 10, "OCTOBER": 10,
    "NOVEMBRE": 11, "NOV": 11, "NOVEMBER": 11,
    "DECEMBRE": 12, "DEC": 12, "DECEMBER": 12,
}  # fmt: skip
_MONTH_NAME_YEAR = re.compile(r"^([A-Z]+)\s+(\d{4})$")
_MONTH_SLASH_YEAR = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YEAR_DASH_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")


def parse_month(value: object) -> date | None:
    """The first day of the month a cell names: a date, "mars 2024", "Mars-2024", "03/2024",
    "3/2024", "2024-03", "01/03/2024" (day first) or "2024-03-01"."""
    day = _as_date(value)
    if day is not None:
        return _month(day.year, day.month)
    if not isinstance(value, str):
        return None
    raw = value.strip()
    words = normalise_name(raw)
    for pattern, year_group, month_group in (
        (_MONTH_SLASH_YEAR, 2, 1),
        (_YEAR_DASH_MONTH, 1, 2),
    ):
        match = pattern.match(raw)
        if match:
            return _month(int(match.group(year_group)), int(match.group(month_group)))
    match = _MONTH_NAME_YEAR.match(words)
    if match and match.group(1) in MONTHS:
        return _month(int(match.group(2)), MONTHS[match.group(1)])
    day = parse_date(raw)
    return _month(day.year, day.month) if day else None


def _month(year: int, month: int) -> date | None:
    if 1 <= month <= 12 and EARLIEST_MONTH.year <= year <= YEARS[1]:
        return date(year, month, 1)
    return None


_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def parse_date(value: object) -> date | None:
    """A date cell, an Excel serial number, or text day first (dd/mm/yyyy) or ISO."""
    day = _as_date(value)
    if day is not None or not isinstance(value, str):
        return day
    raw = value.strip()
    match = _DAY_FIRST.match(raw)
    if match:
        return _date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    match = _ISO.match(raw)
    if match:
        return _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value if YEARS[0] <= value.year <= YEARS[1] else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1] and float(value).is_integer():
        return EXCEL_EPOCH + timedelta(days=int(value))
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if YEARS[0] <= year <= YEARS[1] else None
    except ValueError:
        return None


def split_combined_name(value: str) -> tuple[str, str]:
    """ "DA SILVA Ana-Paula" → ("DA SILVA", "Ana-Paula"): the leading words wholly in capitals
    are the last name; if every word or none is in capitals, the first word is."""
    words = value.split()
    if not words:
        return "", ""
    capitals = 0
    for word in words:
        if not _is_capitalised(word):
            break
        capitals += 1
    if capitals in (0, len(words)):
        capitals = 1
    return " ".join(words[:capitals]), " ".join(words[capitals:])


def _is_capitalised(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


EMPLOYMENT_TYPES: dict[str, EmploymentType] = {
    "CDI": EmploymentType.CDI,
    "CDI INTERIMAIRE": EmploymentType.INTERIM,
    "CDD": EmploymentType.CDD,
    "CDD INSERTION": EmploymentType.IAE,
    "CDDI": EmploymentType.IAE,
    "INTERIM": EmploymentType.INTERIM,
    "INTERIM ETTI": EmploymentType.INTERIM,
    "INTERIM INSERTION": EmploymentType.INTERIM,
    "TEMPORARY WORK": EmploymentType.INTERIM,
    "ETT": EmploymentType.INTERIM,
    "ETTI": EmploymentType.INTERIM,
    "MISSION INTERIM": EmploymentType.INTERIM,
    "GEIQ": EmploymentType.GEIQ,
    "APPRENTI": EmploymentType.APPRENTICESHIP,
    "APPRENTIE": EmploymentType.APPRENTICESHIP,
    "APPRENTISSAGE": EmploymentType.APPRENTICESHIP,
    "CONTRAT D APPRENTISSAGE": EmploymentType.APPRENTICESHIP,
    "APPRENTICESHIP": EmploymentType.APPRENTICESHIP,
    "CONTRAT PRO": EmploymentType.PROFESSIONALISATION,
    "CONTRAT DE PROFESSIONNALISATION": EmploymentType.PROFESSIONALISATION,
    "PROFESSIONNALISATION": EmploymentType.PROFESSIONALISATION,
    "PROFESSIONALISATION": EmploymentType.PROFESSIONALISATION,
    "CONTRAT DE PROFESSIONALISATION": EmploymentType.PROFESSIONALISATION,
    "FORMATION": EmploymentType.TRAINING,
    "TRAINING": EmploymentType.TRAINING,
    "POEI": EmploymentType.TRAINING,
    "POEC": EmploymentType.TRAINING,
    "SIAE": EmploymentType.IAE,
    "IAE": EmploymentType.IAE,
    "EI": EmploymentType.IAE,
    "ACI": EmploymentType.IAE,
    "AI": EmploymentType.IAE,
    "SOUS TRAITANCE IAE": EmploymentType.IAE,
    "SOUS TRAITANCE SIAE": EmploymentType.IAE,
    "EITI": EmploymentType.IAE,
}


def employment_type(value: object) -> EmploymentType | None:
    """The type a cell names through the synonym table; None when it names none we know."""
    key = normalise_name(text(value))
    return EMPLOYMENT_TYPES.get(key)


_TRUE = frozenset({"OUI", "O", "YES", "Y", "X", "1", "TRUE", "VRAI"})
_FALSE = frozenset({"NON", "N", "NO", "0", "FALSE", "FAUX"})


def parse_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    label = normalise_name(text(value))
    return True if label in _TRUE else False if label in _FALSE else None


_SEXES = {
    **dict.fromkeys(("F", "FEMME", "FEMININ", "MME", "MADAME", "MLLE", "W", "FEMALE"), Sex.FEMALE),
    **dict.fromkeys(("M", "H", "HOMME", "MASCULIN", "MR", "MONSIEUR", "MALE"), Sex.MALE),
}


def parse_sex(value: object) -> Sex | None:
    return _SEXES.get(normalise_name(text(value)))


def parse_phone(value: object) -> str | None:
    """A phone number, written one way (clauses.rules.contact). Typed as a number, a French
    number lost its leading 0: 9 digits get it back."""
    written = text(value)
    if isinstance(value, int | float) and len(written) == 9 and written.isdigit():
        written = "0" + written
    return phone_number(written) or None


def parse_email(value: object) -> str | None:
    return email_address(text(value)) or None


_SIRET_SEPARATORS = re.compile(r"[\s.\u00a0]")


def parse_siret(value: object) -> str | None:
    """14 digits valid as stdnum checks them (SIREN and SIRET check digits, La Poste's
    exception), spaces and dots dropped."""
    compact = _SIRET_SEPARATORS.sub("", text(value))
    if isinstance(value, int | float) and compact.isdigit():
        compact = compact.zfill(14)  # a SIRET typed as a number lost its leading zeros
    return compact if stdnum_siret.is_valid(compact) else None


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
    normalise_name(synonym): criterion
    for criterion, synonyms in _CRITERIA_SYNONYMS.items()
    for synonym in (*synonyms, criterion.value)
}


def parse_criteria(value: str) -> tuple[set[Criterion], list[str]]:
    """Criteria separated by ";" (or line breaks): the known ones, and the others as written."""
    known: set[Criterion] = set()
    unknown: list[str] = []
    for part in re.split(r"[;\n]", value):
        part = part.strip()
        if not part:
            continue
        criterion = CRITERIA.get(normalise_name(part))
        if criterion is None:
            unknown.append(part)
        else:
            known.add(criterion)
    return known, unknown
