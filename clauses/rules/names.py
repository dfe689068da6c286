"""How people's names are compared: the same person however a contractor types the name."""

import re
import unicodedata
from functools import lru_cache

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Imports normalise the same few thousand names and labels over and over.
@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """Accents removed, upper case, punctuation and hyphens as spaces, spaces collapsed.

    So "Benoît"/"Benoit", "Dupont-Moreau"/"DUPONT MOREAU", "LE  GOFF"/"Le Goff" are equal.
    """
    folded = text if text.isascii() else strip_accents(text.translate(_LIGATURES))
    return _NOT_ALNUM.sub(" ", folded.upper()).strip()


def name_key(last_name: str, first_name: str) -> str:
    """The normalised "LAST FIRST" that identifies a person with their birth date."""
    return f"{normalise_name(last_name)} {normalise_name(first_name)}".strip()
