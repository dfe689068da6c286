"""The sentences users read, rendered where they are shown (page, CLI, JSON `message`), in the
reader's language through Flask-Babel.

Rules, services and imports return codes and the values a sentence needs (an Issue's or a
ClausesError's params), never sentences. Each area keeps its sentences in a module of this
package, as a mapping from code to a function of the params; render() looks a code up among
them all. Rendering needs an app context (a request, or the CLI's), for the locale.
"""

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import flask_babel

from clauses.errors import ClausesError

Params = Mapping[str, Any]
Sentence = Callable[[Params], str]


# Flask-Babel's gettext and ngettext, typed (they return Any); named as the extractor expects.
def _(string: str, /, **values: Any) -> str:
    return str(flask_babel.gettext(string, **values))


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    return str(flask_babel.ngettext(singular, plural, num, **values))


def pgettext(context: str, text: str) -> str:
    return str(flask_babel.pgettext(context, text))


def number_text(value: object) -> str:
    """ "1 234,5" in French, "1,234.5" in English: at most two decimals, none when whole."""
    return str(flask_babel.format_decimal(Decimal(str(value)), format="#,##0.##"))


def day_text(day: date | str) -> str:
    """ "01/08/2026" in French, "8/1/26" in English; a date or its ISO text (from JSON)."""
    return str(flask_babel.format_date(_as_date(day), "short"))


def month_name(month: date | str) -> str:
    """ "août 2026" in French, "August 2026" in English. Written after "pour", "en" or a colon,
    never after "de", so that French needs no elision ("d'août")."""
    return str(flask_babel.format_date(_as_date(month), "MMMM y"))


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _catalogue() -> dict[str, Sentence]:
    # Each area's module is imported here, so that adding one is one line.
    from clauses.messages import (
        accounts,
        candidates,
        contracts,
        imports,
        operations,
        placements,
        system,
    )

    modules: tuple[Mapping[str, Sentence], ...] = (
        accounts.SENTENCES,
        candidates.SENTENCES,
        contracts.SENTENCES,
        imports.SENTENCES,
        operations.SENTENCES,
        placements.SENTENCES,
        system.SENTENCES,
    )
    catalogue: dict[str, Sentence] = {}
    for sentences in modules:
        overlap = catalogue.keys() & sentences.keys()
        if overlap:
            raise RuntimeError(f"codes with two sentences: {sorted(overlap)}")
        catalogue.update(sentences)
    return catalogue


CATALOGUE = _catalogue()


def render(code: str, params: Params | None = None) -> str:
    return CATALOGUE[code](params or {})


def error_message(error: ClausesError) -> str:
    return render(error.code, error.params)
