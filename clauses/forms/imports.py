from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional

from clauses.forms.fields import ListForm, member, optional_id, options
from clauses.models import BatchState
from clauses.services.batches import BatchFilterOptions, BatchFilters


class UploadForm(FlaskForm):
    file = FileField(_l("Hour sheet (.xlsx, .xls, .ods or .csv)"), validators=[FileRequired()])
    contract = SelectField(
        _l("Contract, for a file without a contract column"),
        choices=[],
        validators=[Optional()],
        validate_choice=True,
    )
    as_of = DateField(_l("Date of the report"), validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """Confirm or cancel a preview; also the rollback button."""


class ReferenceFileForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx, .xls, .ods or .csv)"), validators=[FileRequired()])


class BatchFilterForm(ListForm):
    """The hour sheets list: search by file or contractor, filters by contractor, contract and
    state."""

    contractor = SelectField(_l("Contractor"), coerce=optional_id, validate_choice=False)
    contract = SelectField(_l("Contract"), coerce=optional_id, validate_choice=False)
    state = SelectField(_l("State"), default="", validate_choice=False)

    def set_options(self, found: BatchFilterOptions, states: list[tuple[str, str]]) -> None:
        self.contractor.choices = options(found.contractors, _("All contractors"))
        self.contract.choices = options(found.contracts, _("All contracts"))
        self.state.choices = options(states, _("Any state"))

    def filters(self) -> BatchFilters:
        return BatchFilters(
            q=self.q.data or "",
            contractor_id=self.contractor.data,
            contract_id=self.contract.data,
            state=member(BatchState, self.state.data),
        )
