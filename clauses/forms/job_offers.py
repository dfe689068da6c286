"""Job offer forms: declaring an offer on a contract, closing it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from clauses.forms.fields import DayField
from clauses.services.job_offers import MAX_MONTHS, MAX_PLACES, JobOfferData


class JobOfferForm(FlaskForm):
    trade = StringField(_l("Trade"), validators=[DataRequired(), Length(max=120)])
    start_date = DayField(_l("Start date"), validators=[InputRequired()])
    duration_months = IntegerField(
        _l("Duration (months)"), validators=[InputRequired(), NumberRange(1, MAX_MONTHS)]
    )
    places = IntegerField(
        _l("Number of places"), default=1, validators=[InputRequired(), NumberRange(1, MAX_PLACES)]
    )
    contact = StringField(
        _l("Contact"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("Who the clause team calls about this job: name, phone or e-mail."),
    )

    def offer_data(self) -> JobOfferData:
        return JobOfferData(
            trade=self.trade.data or "",
            start_date=self.start_date.data,
            duration_months=self.duration_months.data or 0,
            places=self.places.data or 0,
            contact=self.contact.data or "",
        )


class CloseOfferForm(FlaskForm):
    pass
