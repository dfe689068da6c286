"""The administration forms: accounts, organisations, and the list filters (GET, no CSRF).

Choices come from the view (translated labels) or the database; these classes check shape only.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from clauses.forms.fields import (
    AccountEmail,
    NumberField,
    in_id_range,
    member,
    optional_id,
    options,
)
from clauses.models import OrganisationKind, Role
from clauses.rules.candidates import Weights
from clauses.rules.compliance import Thresholds
from clauses.services.accounts import AccountChanges, NewAccount, UserFilters
from clauses.services.audit import EventFilters
from clauses.services.organisations import OrganisationData, OrganisationFilters

# Typed passwords are limited, so hashing a huge one cannot be used to slow the server down.
PASSWORD_MAX = 200
WITHOUT_USER = "none"


def _email(value: str | None) -> str | None:
    return value.strip() if value else value


class AccountFields(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), coerce=Role)
    organisation_id = SelectField(_l("Organisation"), coerce=optional_id)


class NewUserForm(AccountFields):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), AccountEmail(), Length(max=254)],
        filters=[_email],
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[Optional(), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"},
    )

    def account(self) -> NewAccount:
        return NewAccount(
            email=self.email.data,
            full_name=self.full_name.data,
            role=self.role.data,
            organisation_id=self.organisation_id.data,
            password=self.password.data or None,
        )


class EditUserForm(AccountFields):
    is_active = BooleanField(_l("Active account (can sign in)"))

    def changes(self) -> AccountChanges:
        return AccountChanges(
            full_name=self.full_name.data,
            role=self.role.data,
            organisation_id=self.organisation_id.data,
            is_active=self.is_active.data,
        )


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"},
    )


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[Optional(), Length(max=20)])
    kind = SelectField(_l("Kind"), coerce=OrganisationKind)
    email = EmailField(
        _l("Contact e-mail"),
        validators=[Optional(), Email(), Length(max=254)],
        filters=[_email],
    )

    def organisation(self) -> OrganisationData:
        return OrganisationData(
            name=self.name.data,
            siret=self.siret.data or None,
            kind=self.kind.data,
            email=self.email.data or None,
        )


class PercentField(StringField):
    """A percentage as people type it ("90", "90 %", "90,5 %", "90.5%"), as a ratio (0.905)."""

    data: Decimal | None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(format_decimal(self.data * 100))

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        # Spaces of any kind ("90 %", a no-break space before "%"), a final "%", a decimal comma.
        text = "".join(str(valuelist[0]).split()).removesuffix("%").replace(",", ".")
        try:
            self.data = Decimal(text) / 100
        except InvalidOperation as error:
            raise ValueError(_l("Type a percentage, such as 90 or 90,5 %.")) from error


class ThresholdsForm(FlaskForm):
    """Percentages of the expected hours; the service checks their order."""

    on_track = PercentField(_l("On track from (%)"), validators=[InputRequired()])
    at_risk = PercentField(_l("At risk from (%)"), validators=[InputRequired()])

    def thresholds(self) -> Thresholds:
        # Both are required: once the form validates, neither is None.
        return Thresholds(self.on_track.data or Decimal(0), self.at_risk.data or Decimal(0))


class PointsField(NumberField):
    """A number of points as people type it ("7,5" or "7.5")."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata([str(value).replace(",", ".").strip() for value in valuelist])


def _weight(label: Any) -> PointsField:
    return PointsField(label, places=None, validators=[InputRequired(), NumberRange(0, 1000)])


class RankingForm(FlaskForm):
    """The candidates' weights (points) and the programme's départements (codes, in order)."""

    trade = _weight(_l("Same trade (points)"))
    distance = _weight(_l("Distance (points at 0 km)"))
    priority = _weight(_l("Priority (points for all four situations)"))
    waiting = _weight(_l("Waiting (points from a year of waiting)"))
    departments = StringField(
        _l("Programme départements, first first"), validators=[DataRequired(), Length(max=200)]
    )

    def weights(self) -> Weights:
        # All four are required: once the form validates, none is None.
        return Weights(
            *(
                field.data or Decimal(0)
                for field in (self.trade, self.distance, self.priority, self.waiting)
            )
        )


class UserFilterForm(Form):
    q = SearchField(_l("Search"), render_kw={"placeholder": _l("E-mail, name, organisation")})
    role = SelectField(_l("Role"), validate_choice=False)
    active = SelectField(
        _l("State"),
        choices=lambda: options([("yes", _l("Active")), ("no", _l("Deactivated"))], _l("All")),
        validate_choice=False,
    )

    def filters(self) -> UserFilters:
        active = {"yes": True, "no": False}.get(self.active.data or "")
        return UserFilters(query=self.q.data, role=member(Role, self.role.data), active=active)


class OrganisationFilterForm(Form):
    q = SearchField(_l("Search"), render_kw={"placeholder": _l("Name, SIRET, e-mail")})
    kind = SelectField(_l("Kind"), validate_choice=False)

    def filters(self) -> OrganisationFilters:
        return OrganisationFilters(query=self.q.data, kind=member(OrganisationKind, self.kind.data))


class AuditFilterForm(Form):
    action = SelectField(_l("Action"), validate_choice=False)
    object_type = SelectField(_l("Object"), validate_choice=False)
    user = SelectField(_l("User"), validate_choice=False)

    def filters(self) -> EventFilters:
        user = self.user.data or ""
        return EventFilters(
            action=self.action.data or None,
            object_type=self.object_type.data or None,
            user_id=in_id_range(int(user)) if user.isdigit() else None,
            without_user=user == WITHOUT_USER,
        )
