"""The home page's filters and the export's: a GET form (no CSRF), read from the query string."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional

from clauses.forms.fields import ContractFilterFields
from clauses.rules.urgency import NEEDS_ACTION

# The fields the filter bar shows, in order.
SHOWN = ("buyer", "operation", "contractor", "trade", "commune", "status", "as_of")


class DashboardFilterForm(ContractFilterFields):
    as_of = DateField(_l("As of"), validators=[Optional()])
    default_selection = NEEDS_ACTION

    def as_of_or(self, today: date) -> date:
        """The date asked for (?as_of=YYYY-MM-DD), else today; an unreadable one is today."""
        return self.as_of.data or today
