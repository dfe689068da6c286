"""How people's names are compared: the same person however a contractor types the name."""

import re
import unicodedata
from functools import lru_cache

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}
_LIGATURES = str.maketrans(LIGATURES)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The accented letters of French and of the names the programme meets, and their plain
# capitals: what a database's translate() needs to fold a text as normalise_name does.
ACCENTED = "àáâãäåāăçćčèéêëēęěìíîïīñńňòóôõöōùúûüūůýÿšşșťțžğ"
ACCENTED += ACCENTED.upper()
UNACCENTED = strip_accents(ACCENTED).upper()


def translate(text: str | None, accented: str, plain: str) -> str | None:
    """SQL's translate(): each character of `accented` in `text` becomes the one at the same
    place in `plain` (SQLite lacks it; extensions.py gives it this one)."""
    return None if text is None else text.translate(str.maketrans(accented, plain))


# Imports normalise the same few thousand names and labels over and over; the cache keeps what
# it is given, so a long text (a 200,000-character cell) is normalised without it.
CACHED_LENGTH = 200


def normalise_name(text: str) -> str:
    """Accents removed, upper case, punctuation and hyphens as spaces, spaces collapsed.

    So "Benoît"/"Benoit", "Dupont-Moreau"/"DUPONT MOREAU", "LE  GOFF"/"Le Goff" are equal.
    """
    return _cached(text) if len(text) <= CACHED_LENGTH else _normalise(text)


def _normalise(text: str) -> str:
    folded = text if text.isascii() else strip_accents(text.translate(_LIGATURES))
    return _NOT_ALNUM.sub(" ", folded.upper()).strip()


_cached = lru_cache(maxsize=65536)(_normalise)


def name_key(last_name: str, first_name: str) -> str:
    """The normalised "LAST FIRST" that identifies a person with their birth date."""
    return f"{normalise_name(last_name)} {normalise_name(first_name)}".strip()
