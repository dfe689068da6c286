"""Paginated, sorted, searched lists: one way for every list page."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.rules.names import ACCENTED, LIGATURES, UNACCENTED, normalise_name

T = TypeVar("T")
MAX_TERMS = 5


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass(frozen=True)
class Listing(Generic[T]):
    """A page of a list with the sort actually applied (unknown keys fall back)."""

    page: Page[T]
    sort: str
    order: str


def paginate(session: Session, stmt: sa.Select[T], number: int, size: int) -> Page[T]:
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    number = max(1, number)
    items = session.scalars(stmt.limit(size).offset((number - 1) * size)).all()
    return Page(items, number, size, total or 0)


def page_of(items: Sequence[T], number: int, size: int) -> Page[T]:
    """A page of a list already in memory (an import's issues); past the last, the last."""
    pages = max(1, ceil(len(items) / size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(items[start : start + size], number, size, len(items))


def sorted_page(
    session: Session,
    stmt: sa.Select[T],
    columns: Mapping[str, Any],
    *,
    default: str,
    sort: str | None,
    order: str | None,
    page: int,
    size: int,
) -> Listing[T]:
    """A page ordered by a whitelisted column (unknown keys fall back to the default). Ties go
    in the order of the first selected entity's id, so a row never shows on two pages nor on
    none."""
    key = sort if sort is not None and sort in columns else default
    direction = "desc" if order == "desc" else "asc"
    column = columns[key]
    entity = stmt.column_descriptions[0]["entity"]
    ordered = stmt.order_by(column.desc() if direction == "desc" else column.asc(), entity.id)
    return Listing(paginate(session, ordered, page, size), key, direction)


def search_terms(query: str | None) -> list[str]:
    """The words of a search box as names are compared: "Jaurès" and "jaures" are JAURES,
    "n'guessan" is N and GUESSAN. Each is to be found somewhere in the searched columns."""
    return normalise_name(query or "").split()[:MAX_TERMS]


def matching_all(terms: list[str], *columns: Any) -> sa.ColumnElement[bool]:
    """Every term appears in at least one of the columns, accents and case aside."""
    return sa.and_(*(sa.or_(*(contains(column, term) for column in columns)) for term in terms))


def contains(column: Any, term: str) -> sa.ColumnElement[bool]:
    """The text of `column`, folded, contains the search term (a word of search_terms)."""
    return folded(column).contains(term)


def folded(column: Any) -> sa.ColumnElement[str]:
    """A text folded as search_terms folds words: ligatures spelt out, accents removed, upper
    case (PostgreSQL has translate(); extensions.py gives SQLite the same)."""
    text = column
    for ligature, letters in LIGATURES.items():
        text = sa.func.replace(text, ligature, letters)
    return sa.func.upper(sa.func.translate(text, ACCENTED, UNACCENTED))
