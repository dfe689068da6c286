"""Fields, select helpers and the list form that several areas' forms share."""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, Form, HiddenField, IntegerField, SearchField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

E = TypeVar("E", bound=StrEnum)


def options(pairs: Iterable[tuple[Any, Any]], empty: Any = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, after an empty one ("all", "none") if given."""
    first = [SelectChoice("", str(empty))] if empty is not None else []
    return first + [SelectChoice(str(value), str(label)) for value, label in pairs]


def optional_id(value: object) -> int | None:
    """A select's "" (the "all" or "choose" option) is None; anything else an id. Garbage is
    not a choice: WTForms reports it, and a list's filter leaves it out."""
    if value is None or value in ("", "None"):
        return None
    return int(str(value))


def member(enum: type[E], value: object) -> E | None:
    """The enum member of a filter's value; an unknown value filters nothing."""
    try:
        return enum(str(value))
    except ValueError:
        return None


class BlankIsNone:
    """A blank input is no value: "required" says so, not "not a valid date" as well."""

    data: Any

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata(valuelist)  # type: ignore[misc]


class DayField(BlankIsNone, DateField):
    pass


class NumberField(BlankIsNone, DecimalField):
    pass


class ListForm(Form):
    """A list page's search box, sort and page, read from the query string (no CSRF for GET)."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    sort = HiddenField()
    order = HiddenField()
    page = IntegerField(default=1)

    def listing_args(self) -> dict[str, Any]:
        return {"sort": self.sort.data, "order": self.order.data, "page": self.page.data or 1}
