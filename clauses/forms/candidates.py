"""The candidates page's filters (a GET form): trade match only, distance within N km."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, IntegerField, SelectField

from clauses.forms.fields import in_id_range, optional_id, options

# The distances a facilitator may ask for, in km.
DISTANCES = (5, 10, 15, 25, 50)


class CandidateFilterForm(Form):
    trade_only = BooleanField(_l("Same trade only"))
    within = SelectField(_l("Living within"), coerce=optional_id, validate_choice=False)
    page = IntegerField(default=1, filters=[in_id_range])

    def set_options(self) -> None:
        self.within.choices = options(
            [(km, _("%(km)s km", km=km)) for km in DISTANCES], _("Any distance")
        )

    @property
    def within_km(self) -> float | None:
        return float(self.within.data) if self.within.data in DISTANCES else None
