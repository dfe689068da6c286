"""The reminders form: the ticked contracts (or all of them), sent with the page's CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField

SEND_ALL = "all"


class SendRemindersForm(FlaskForm):
    # Checkboxes drawn by the template, one per listed contract; the service keeps only the
    # contracts whose report is still missing, so no choice list is needed here.
    contract_ids = SelectMultipleField(coerce=int, validate_choice=False)
    # The button pressed: "all" (every contract listed) or "selected".
    scope = StringField()
    force = BooleanField(_l("Send again to contracts already reminded today"))

    def selection(self) -> list[int] | None:
        """None: every contract whose report is missing; else the ticked ones."""
        return None if self.scope.data == SEND_ALL else list(self.contract_ids.data or [])
