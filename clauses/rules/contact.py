"""How a facilitator reaches a person: a phone number and an e-mail address, checked loosely
and written one way, so a number typed "06.12.34.56.78" and one typed "0612345678" look alike."""

import re

from email_validator import EmailNotValidError, validate_email

# Separators people type between digits: spaces (no-break ones too), dots, dashes, slashes,
# parentheses.
_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]")
# A French number: 10 digits from 0, the second not 0 (01-09). Written +33, 0033 or +33 (0)
# before its last 9 digits, it is the same number.
_NATIONAL = re.compile(r"0[1-9]\d{8}")
_FRENCH_PREFIX = re.compile(r"^(?:\+33|0033)0?")
# Any other number in international form: a +, then 8 to 15 digits (E.164), e.g. the
# overseas departments' +262 or +596, or a neighbouring country's.
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")


def phone_number(text: str) -> str | None:
    """The number written "06 12 34 56 78" (French) or "+32 …" as typed without separators
    (international); "" for an empty text; None when it is no phone number."""
    compact = _SEPARATORS.sub("", text)
    if not compact:
        return ""
    national = _FRENCH_PREFIX.sub("0", compact) if _FRENCH_PREFIX.match(compact) else compact
    if _NATIONAL.fullmatch(national):
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    if _INTERNATIONAL.fullmatch(compact):
        return compact
    return None


def email_address(text: str) -> str | None:
    """The address trimmed, "" for an empty text, None when the sign-in form's rule refuses it
    (email-validator, no DNS lookup): the accounts' own rule."""
    address = text.strip()
    if not address:
        return ""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return address
