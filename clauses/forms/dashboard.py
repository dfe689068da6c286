"""The home page's filters and the export's: a GET form (no CSRF), read from the query string."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from clauses.forms.fields import optional_id, options
from clauses.services import dashboard
from clauses.services.contracts import FilterOptions

# The fields the filter bar shows, in order.
SHOWN = ("buyer", "operation", "contractor", "trade", "commune", "status", "as_of")


class DashboardFilterForm(Form):
    buyer = SelectField(_l("Buyer"), coerce=optional_id, validate_choice=False)
    operation = SelectField(_l("Operation"), coerce=optional_id, validate_choice=False)
    contractor = SelectField(_l("Contractor"), coerce=optional_id, validate_choice=False)
    trade = SelectField(_l("Trade"), default="", validate_choice=False)
    commune = SelectField(_l("Commune"), default="", validate_choice=False)
    status = SelectField(_l("Contracts listed"), default="", validate_choice=False)
    as_of = DateField(_l("As of"), validators=[Optional()])

    def set_options(
        self,
        found: FilterOptions,
        operations: list[tuple[int, str]],
        statuses: list[tuple[str, str]],
    ) -> None:
        """The values found in the viewer's contracts; statuses as (value, label), in order."""
        self.buyer.choices = options(found.buyers, _("All buyers"))
        self.operation.choices = options(operations, _("All operations"))
        self.contractor.choices = options(found.contractors, _("All contractors"))
        self.trade.choices = options([(t, t) for t in found.trades], _("All trades"))
        self.commune.choices = options([(c, c) for c in found.communes], _("All communes"))
        self.status.choices = [
            SelectChoice("", _("Needing action")),
            SelectChoice(dashboard.ALL, _("All contracts")),
            *(SelectChoice(value, text) for value, text in statuses),
            SelectChoice(dashboard.MISSING_REPORT, _("Report missing")),
        ]

    def filters(self, default: str = dashboard.NEEDS_ACTION) -> dashboard.Filters:
        selection = self.status.data or default
        return dashboard.Filters(
            buyer_id=self.buyer.data,
            operation_id=self.operation.data,
            contractor_id=self.contractor.data,
            trade=self.trade.data or "",
            commune=self.commune.data or "",
            selection=selection if selection in dashboard.SELECTIONS else default,
        )

    def as_of_or(self, today: date) -> date:
        """The date asked for (?as_of=YYYY-MM-DD), else today; an unreadable one is today."""
        return self.as_of.data or today
