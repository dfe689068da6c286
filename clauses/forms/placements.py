"""Placement forms: proposing a person, each move (interview, hire, end, refusal, withdrawal),
and the facilitators' list filters."""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from clauses.forms.fields import DayField, ListForm, member, optional_id, options
from clauses.models import EmploymentType, PlacementState
from clauses.services.placements import UNANSWERED, PlacementFilterOptions, PlacementFilters

# Where a form sends its user back once done.
BACK = ("participant", "contract", "placements", "candidates")
# The ages of the last change a facilitator may ask for, in days.
AGES = (7, 15, 30, 60, 90)


def optional_type(value: Any) -> EmploymentType | None:
    return member(EmploymentType, value) if value else None


class ProposeForm(FlaskForm):
    participant_id = IntegerField(validators=[InputRequired()])
    contract_id = IntegerField(validators=[InputRequired()])
    job_offer_id = SelectField(
        _l("Job offer"), coerce=optional_id, validate_choice=False, validators=[Optional()]
    )
    note = TextAreaField(_l("Note for the clause team"), validators=[Length(max=1000)])
    back = HiddenField(default="participant", validators=[Optional(), AnyOf(BACK)])


class InterviewForm(FlaskForm):
    interview_on = DayField(_l("Interview date"), validators=[InputRequired()])
    back = HiddenField(validators=[Optional(), AnyOf(BACK)])


class HireForm(FlaskForm):
    employment_type = SelectField(
        _l("Employment type"), coerce=optional_type, validators=[DataRequired()]
    )
    hire_date = DayField(_l("Start date"), validators=[InputRequired()])
    end_date = DayField(_l("End date (if known)"), validators=[Optional()])
    back = HiddenField(validators=[Optional(), AnyOf(BACK)])

    def set_options(self, types: list[tuple[str, str]]) -> None:
        self.employment_type.choices = options(types, _("Choose"))


class EndForm(FlaskForm):
    end_date = DayField(_l("End date"), validators=[InputRequired()])
    back = HiddenField(validators=[Optional(), AnyOf(BACK)])


class RefuseForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    back = HiddenField(validators=[Optional(), AnyOf(BACK)])


class WithdrawForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Length(max=1000)])
    back = HiddenField(validators=[Optional(), AnyOf(BACK)])


# The form of each move, by the state it leads to.
MOVE_FORMS: dict[PlacementState, type[FlaskForm]] = {
    PlacementState.INTERVIEW: InterviewForm,
    PlacementState.HIRED: HireForm,
    PlacementState.ENDED: EndForm,
    PlacementState.REFUSED: RefuseForm,
    PlacementState.WITHDRAWN: WithdrawForm,
}


class PlacementFilterForm(ListForm):
    contract = SelectField(_l("Contract"), coerce=optional_id, validate_choice=False)
    contractor = SelectField(_l("Contractor"), coerce=optional_id, validate_choice=False)
    facilitator = SelectField(_l("Proposed by"), coerce=optional_id, validate_choice=False)
    state = SelectField(_l("State"), default="", validate_choice=False)
    age = SelectField(_l("Last change"), coerce=optional_id, validate_choice=False)

    def set_options(self, found: PlacementFilterOptions, states: list[tuple[str, str]]) -> None:
        self.contract.choices = options(found.contracts, _("All contracts"))
        self.contractor.choices = options(found.contractors, _("All contractors"))
        self.facilitator.choices = options(found.facilitators, _("Anyone"))
        self.state.choices = options(
            [*states, (UNANSWERED, _("without an answer"))], _("All states")
        )
        self.age.choices = options(
            [(days, _("%(num)s days ago or more", num=days)) for days in AGES], _("Any time")
        )

    def filters(self) -> PlacementFilters:
        return PlacementFilters(
            q=self.q.data or "",
            contract_id=self.contract.data,
            contractor_id=self.contractor.data,
            proposed_by_id=self.facilitator.data,
            state=self.state.data or "",
            older_than_days=self.age.data,
        )
