"""Cell values as contractors type them, turned into hours, months, dates, names and types.

Each parser returns None for what it cannot read; deciding what that means is validate.py's job.
"""

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from clauses.models.enums import EmploymentType
from clauses.rules.names import normalise_name

TWO_PLACES = Decimal("0.01")
EXCEL_EPOCH = date(1899, 12, 30)
# Excel serial numbers of 1930..2100: a bare number outside them is no date.
SERIAL_RANGE = (10959, 73051)

_HOURS_H = re.compile(r"^(-?\d+)\s*h\s*(\d{1,2})$")
_HOURS_SUFFIX = re.compile(r"\s*(?:h|heures?|hrs?|hours?)$")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as text, trimmed; numbers without a useless ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_hours(value: object) -> Decimal | None:
    """35, 35.5, "35,5", "35.5", "35h", "35 h", "49h30" (49.5), "35h00"; two decimals."""
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        parsed = _hours_from_text(str(value).strip().lower())
        if parsed is None:
            return None
        number = parsed
    if not number.is_finite():
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
    return parse_number(_HOURS_SUFFIX.sub("", raw))


_SPACES = re.compile(r"[\s\u00a0\u202f]")
_NUMBER = re.compile(r"[+-]?\d[\d.,]*")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[\s\u00a0\u202f]\d{3})+(?:[.,]\d+)?")


def parse_number(text: str) -> Decimal | None:
    """Digits with "," or "." as the decimal point and the other, or spaces, as thousands
    separators: "35,5", "3 000", "1.250,5", "1,250.5"."""
    text = text.strip()
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
        return day.replace(day=1)
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
    return day.replace(day=1) if day else None


def _month(year: int, month: int) -> date | None:
    if 1 <= month <= 12 and 1900 <= year <= 2100:
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
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1] and float(value).is_integer():
        return EXCEL_EPOCH + timedelta(days=int(value))
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if 1900 <= year <= 2100 else None
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
