"""Contract forms: the list's search and filters (a GET form, no CSRF), and the contract form."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from clauses.forms.fields import (
    ContractFilterFields,
    DayField,
    ListForm,
    NumberField,
    optional_id,
    options,
)
from clauses.services.contract_filters import ContractFilters
from clauses.services.contracts import ContractData, FormOptions


class ContractFilterForm(ListForm, ContractFilterFields):
    def contract_filters(self) -> ContractFilters:
        return self.filters(q=self.q.data or "")


class ContractForm(FlaskForm):
    reference = StringField(_l("Reference"), validators=[DataRequired(), Length(max=80)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    operation_id = SelectField(_l("Operation"), coerce=optional_id)
    new_operation_name = StringField(_l("Name of the new operation"), validators=[Length(max=200)])
    new_operation_buyer_id = SelectField(_l("Buyer of the new operation"), coerce=optional_id)
    contractor_id = SelectField(_l("Contractor"), coerce=optional_id, validators=[DataRequired()])
    trade = StringField(
        _l("Trade"),
        validators=[DataRequired(), Length(max=120)],
        render_kw={"list": "trade-options", "autocomplete": "off"},
    )
    commune = StringField(
        _l("Commune of the site"),
        validators=[DataRequired(), Length(max=120)],
        render_kw={"list": "commune-options", "autocomplete": "off"},
    )
    start_date = DayField(_l("Start date"), validators=[InputRequired()])
    end_date = DayField(_l("End date"), validators=[InputRequired()])
    committed_hours = NumberField(
        _l("Committed insertion hours"), validators=[InputRequired()], render_kw={"min": "0.01"}
    )
    amount = NumberField(
        _l("Amount (euros, excluding tax)"),
        validators=[Optional(), NumberRange(min=0)],
        render_kw={"min": "0"},
    )
    insertion_rate = NumberField(
        _l("Insertion rate (%)"),
        validators=[Optional(), NumberRange(min=0, max=100)],
        render_kw={"min": "0", "max": "100"},
    )

    def set_options(self, found: FormOptions) -> None:
        self.operation_id.choices = [SelectChoice("", _("— A new operation (below) —"))] + [
            SelectChoice(str(id_), name, optgroup=buyer) for id_, name, buyer in found.operations
        ]
        self.new_operation_buyer_id.choices = options(found.buyers, _("Choose a buyer"))
        self.contractor_id.choices = options(found.contractors, _("Choose a contractor"))

    def validate_operation_id(self, field: SelectField) -> None:
        new_name = (self.new_operation_name.data or "").strip()
        if field.data is None and not new_name:
            raise ValidationError(_l("Choose an operation, or give the name of a new one."))
        if field.data is not None and new_name:
            raise ValidationError(_l("Choose an operation or give a new one, not both."))

    def validate_new_operation_buyer_id(self, field: SelectField) -> None:
        if (self.new_operation_name.data or "").strip() and field.data is None:
            raise ValidationError(_l("Choose the buyer of the new operation."))

    def validate_end_date(self, field: DateField) -> None:
        start = self.start_date.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def validate_committed_hours(self, field: DecimalField) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("The committed hours must be more than 0."))

    def contract_data(self) -> ContractData:
        return ContractData(
            reference=self.reference.data,
            title=self.title.data,
            operation_id=self.operation_id.data,
            new_operation_name=self.new_operation_name.data or "",
            new_operation_buyer_id=self.new_operation_buyer_id.data,
            contractor_id=self.contractor_id.data,
            trade=self.trade.data,
            commune=self.commune.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            committed_hours=self.committed_hours.data,
            amount=self.amount.data,
            insertion_rate=self.insertion_rate.data,
        )


class NoHoursForm(FlaskForm):
    """ "Nothing to report" for a month of a contract; the page offers the months still owed."""

    month = DateField(_l("Month"), format="%Y-%m", validators=[InputRequired()])
