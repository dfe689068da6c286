"""Paginated, sorted, searched lists: one way for every list page."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")


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


def paginate(session: Session, stmt: sa.Select[T], number: int, size: int) -> Page[T]:
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    number = max(1, number)
    items = session.scalars(stmt.limit(size).offset((number - 1) * size)).all()
    return Page(items, number, size, total or 0)


def sorted_by(
    stmt: sa.Select[T],
    columns: Mapping[str, Any],
    sort: str | None,
    order: str | None,
    default: str,
) -> tuple[sa.Select[T], str, str]:
    """Order by a whitelisted column (unknown keys fall back to the default), ties by id."""
    key = sort if sort is not None and sort in columns else default
    direction = "desc" if order == "desc" else "asc"
    column = columns[key]
    ordered = stmt.order_by(column.desc() if direction == "desc" else column.asc())
    return ordered, key, direction


def search_terms(query: str | None) -> list[str]:
    """Words of a search box, each to be found somewhere in the searched columns."""
    return [word for word in (query or "").split() if word][:5]


def matching_all(terms: list[str], *columns: Any) -> sa.ColumnElement[bool]:
    """Every term appears (case-insensitively) in at least one of the columns."""
    return sa.and_(
        *(
            sa.or_(*(column.ilike(f"%{_escape(term)}%", escape="\\") for column in columns))
            for term in terms
        )
    )


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
