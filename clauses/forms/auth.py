from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from clauses.errors import InvalidEmail
from clauses.services import accounts

# WTForms' Email validator's message, translated by WTForms' catalogue (not extracted into ours).
WTFORMS_EMAIL_MESSAGE = "Invalid email address."


class AccountEmail:
    """An account's address: the accounts service's rule, the one `create-user` applies too,
    said in WTForms' own words (as its Email validator does)."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        try:
            accounts.check_email(field.data or "")
        except InvalidEmail as error:
            raise ValidationError(field.gettext(WTFORMS_EMAIL_MESSAGE)) from error


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), AccountEmail(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay signed in"))


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()
