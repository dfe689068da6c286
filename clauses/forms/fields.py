"""Fields, select helpers, the list form and the contract filters that several areas' forms
share."""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    Field,
    Form,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from clauses.errors import InvalidEmail
from clauses.messages.labels import selection_label
from clauses.rules.urgency import ALL, MISSING_REPORT, NEEDS_ACTION, SELECTIONS
from clauses.services import accounts
from clauses.services.contract_filters import ContractFilterOptions, ContractFilters

E = TypeVar("E", bound=StrEnum)


def options(pairs: Iterable[tuple[Any, Any]], empty: Any = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, after an empty one ("all", "none") if given."""
    first = [SelectChoice("", str(empty))] if empty is not None else []
    return first + [SelectChoice(str(value), str(label)) for value, label in pairs]


# Every id is a PostgreSQL integer (int4). A larger number names no record, and the database
# refuses to compare it (NumericValueOutOfRange on PostgreSQL, OverflowError on SQLite).
MAX_ID = 2**31 - 1


def in_id_range(number: int | None) -> int | None:
    """The number if the database can compare it with an id (or use it as a page), else None."""
    return number if number is not None and -MAX_ID - 1 <= number <= MAX_ID else None


def optional_id(value: object) -> int | None:
    """A select's "" (the "all" or "choose" option) is None; anything else an id, and a number
    no id can have is None too. Garbage is not a choice: WTForms reports it, and a list's filter
    leaves it out."""
    if value is None or value in ("", "None"):
        return None
    return in_id_range(int(str(value)))


def member(enum: type[E], value: object) -> E | None:
    """The enum member of a filter's value; an unknown value filters nothing."""
    try:
        return enum(str(value))
    except ValueError:
        return None


# WTForms' Email validator's message, translated by WTForms' catalogue (not extracted into ours).
WTFORMS_EMAIL_MESSAGE = "Invalid email address."


class AccountEmail:
    """An account's address: the accounts service's rule, the one `create-user` applies too,
    said in WTForms' own words (as its Email validator does)."""

    def __call__(self, form: Form, field: Field) -> None:
        try:
            accounts.check_email(field.data or "")
        except InvalidEmail as error:
            raise ValidationError(field.gettext(WTFORMS_EMAIL_MESSAGE)) from error


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
    page = IntegerField(default=1, filters=[in_id_range])

    def listing_args(self) -> dict[str, Any]:
        return {"sort": self.sort.data, "order": self.order.data, "page": self.page.data or 1}


class ContractFilterFields(Form):
    """The filters of a contract list, the contracts page's and the home page's alike."""

    buyer = SelectField(_l("Buyer"), coerce=optional_id, validate_choice=False)
    operation = SelectField(_l("Operation"), coerce=optional_id, validate_choice=False)
    contractor = SelectField(_l("Contractor"), coerce=optional_id, validate_choice=False)
    trade = SelectField(_l("Trade"), default="", validate_choice=False)
    commune = SelectField(_l("Commune"), default="", validate_choice=False)
    status = SelectField(_l("Contracts listed"), default="", validate_choice=False)
    # What the list shows when no status is chosen (the first, empty option).
    default_selection = ALL

    def set_options(self, found: ContractFilterOptions, statuses: list[tuple[str, str]]) -> None:
        """The values found in the viewer's contracts; statuses as (value, label), in order."""
        self.buyer.choices = options(found.buyers, _("All buyers"))
        self.operation.choices = options(found.operations, _("All operations"))
        self.contractor.choices = options(found.contractors, _("All contractors"))
        self.trade.choices = options(((t, t) for t in found.trades), _("All trades"))
        self.commune.choices = options(((c, c) for c in found.communes), _("All communes"))
        named = {
            NEEDS_ACTION: selection_label(NEEDS_ACTION),
            ALL: selection_label(ALL),
            **dict(statuses),
            MISSING_REPORT: selection_label(MISSING_REPORT),
        }
        default = named.pop(self.default_selection)
        self.status.choices = options(named.items(), default)

    def filters(self, q: str = "", default: str | None = None) -> ContractFilters:
        default = default or self.default_selection
        selection = self.status.data or default
        return ContractFilters(
            q=q,
            buyer_id=self.buyer.data,
            operation_id=self.operation.data,
            contractor_id=self.contractor.data,
            trade=self.trade.data or "",
            commune=self.commune.data or "",
            selection=selection if selection in SELECTIONS else default,
        )
