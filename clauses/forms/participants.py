"""Participant forms: the list's filters, the participant form, the eligibility action."""

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from clauses import clock
from clauses.forms.fields import (
    WTFORMS_EMAIL_MESSAGE,
    DayField,
    ListForm,
    optional_id,
    options,
)
from clauses.models import Criterion, Sex
from clauses.rules.contact import email_address, phone_number
from clauses.services.participants import (
    ParticipantData,
    ParticipantFilterOptions,
    ParticipantFilters,
)

YES_NO = {"yes": True, "no": False}
OLDEST_BIRTH_DATE = date(1900, 1, 1)


def optional_sex(value: Any) -> Sex | None:
    return Sex(value) if value else None


def yes_no_choices(all_label: str) -> list[SelectChoice]:
    return options([("yes", _("yes")), ("no", _("no"))], all_label)


class ParticipantFilterForm(ListForm):
    eligibility = SelectField(
        _l("Eligibility"),
        default="",
        validate_choice=False,
        choices=lambda: options(
            [("to_verify", _("to verify")), ("validated", _("validated"))], _("Any eligibility")
        ),
    )
    commune = SelectField(_l("Commune"), default="", validate_choice=False)
    qpv = SelectField(
        _l("QPV"), default="", validate_choice=False, choices=lambda: yes_no_choices(_("All"))
    )
    available = SelectField(
        _l("Available"), default="", validate_choice=False, choices=lambda: yes_no_choices(_("All"))
    )
    facilitator = SelectField(_l("Follow-up"), coerce=optional_id, validate_choice=False)

    def set_options(self, found: ParticipantFilterOptions) -> None:
        self.commune.choices = options(((c, c) for c in found.communes), _("All communes"))
        self.facilitator.choices = options(found.facilitators, _("Anyone"))

    def filters(self) -> ParticipantFilters:
        eligibility = self.eligibility.data
        return ParticipantFilters(
            q=self.q.data or "",
            eligibility=eligibility if eligibility in ("to_verify", "validated") else None,
            commune=self.commune.data or "",
            is_qpv=YES_NO.get(self.qpv.data or ""),
            is_available=YES_NO.get(self.available.data or ""),
            facilitator_id=self.facilitator.data,
        )


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (templates render them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ParticipantForm(FlaskForm):
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=120)])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=120)])
    birth_date = DayField(_l("Birth date"), validators=[InputRequired()])
    sex = SelectField(_l("Sex"), coerce=optional_sex)
    commune = StringField(
        _l("Commune of residence"),
        validators=[Length(max=120)],
        render_kw={"list": "commune-options", "autocomplete": "off"},
    )
    is_qpv = BooleanField(_l("Lives in a priority neighbourhood (QPV)"))
    criteria = MultiCheckboxField(_l("Eligibility criteria"), coerce=Criterion)
    other_criteria = TextAreaField(_l("Other criteria"), validators=[Length(max=500)])
    wanted_trades = StringField(_l("Wanted trades"), validators=[Length(max=500)])
    is_available = BooleanField(_l("Available for a job on a site"))
    facilitator_id = SelectField(_l("Follow-up facilitator"), coerce=optional_id)
    phone = StringField(
        _l("Phone"), validators=[Length(max=40)], render_kw={"type": "tel", "autocomplete": "off"}
    )
    email = StringField(
        _l("E-mail"),
        validators=[Length(max=254)],
        render_kw={"type": "email", "autocomplete": "off"},
    )

    def set_options(
        self,
        criteria: list[tuple[str, str]],
        sexes: list[tuple[str, str]],
        facilitators: list[tuple[int, str]],
    ) -> None:
        """Labels come from the views' translations, people from the database."""
        self.criteria.choices = [SelectChoice(value, text) for value, text in criteria]
        self.sex.choices = options(sexes, _("Not given"))
        self.facilitator_id.choices = options(facilitators, _("Nobody yet"))

    def validate_birth_date(self, field: DayField) -> None:
        if field.data is not None and not OLDEST_BIRTH_DATE <= field.data < clock.today():
            raise ValidationError(_l("The birth date must be a past date, after 1900."))

    def validate_phone(self, field: StringField) -> None:
        if phone_number(field.data or "") is None:
            raise ValidationError(
                _l("Not a phone number: 10 digits from 0, or an international number from +.")
            )

    def validate_email(self, field: StringField) -> None:
        if email_address(field.data or "") is None:
            raise ValidationError(field.gettext(WTFORMS_EMAIL_MESSAGE))

    def participant_data(self) -> ParticipantData:
        return ParticipantData(
            last_name=self.last_name.data,
            first_name=self.first_name.data,
            birth_date=self.birth_date.data,
            sex=self.sex.data,
            commune=self.commune.data or "",
            is_qpv=self.is_qpv.data,
            criteria=frozenset(self.criteria.data or ()),
            other_criteria=self.other_criteria.data or "",
            wanted_trades=self.wanted_trades.data or "",
            is_available=self.is_available.data,
            facilitator_id=self.facilitator_id.data,
            phone=self.phone.data or "",
            email=self.email.data or "",
        )


class EligibilityForm(FlaskForm):
    """The two buttons of a participant's page: validate eligibility, or back to "to verify"."""

    action = StringField(validators=[AnyOf(["validate", "to_verify"])])
