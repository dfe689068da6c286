"""How people's names are compared: the same person however a contractor types the name."""

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(text: str) -> str:
    """Accents removed, upper case, punctuation and hyphens as spaces, spaces collapsed.

    So "Benoît"/"Benoit", "Dupont-Moreau"/"DUPONT MOREAU", "LE  GOFF"/"Le Goff" are equal.
    """
    # "ß".upper() is "SS" and "œ" decomposes to nothing: fold the ligatures first.
    folded = strip_accents(text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    return _NOT_ALNUM.sub(" ", folded.upper()).strip()


def name_key(last_name: str, first_name: str) -> str:
    """The normalised "LAST FIRST" that identifies a person with their birth date."""
    return f"{normalise_name(last_name)} {normalise_name(first_name)}".strip()
