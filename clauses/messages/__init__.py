"""The sentences users read, rendered where they are shown (page, CLI, JSON `message`), in the
reader's language through Flask-Babel.

Rules, services and imports return codes and the values a sentence needs (an Issue's or a
ClausesError's params), never sentences. Each area keeps its sentences in a module of this
package, as a mapping from code to a function of the params; render() looks a code up among
them all. Rendering needs an app context (a request, or the CLI's), for the locale.
"""

from collections.abc import Callable, Mapping
from typing import Any

from clauses.errors import ClausesError

Params = Mapping[str, Any]
Sentence = Callable[[Params], str]


def _catalogue() -> dict[str, Sentence]:
    # Each area's module is imported here, so that adding one is one line.
    from clauses.messages import imports

    modules: tuple[Mapping[str, Sentence], ...] = (imports.SENTENCES,)
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
    if error.legacy_message is not None:
        return error.legacy_message
    return render(error.code, error.params)
