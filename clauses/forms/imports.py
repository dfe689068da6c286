from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional


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
