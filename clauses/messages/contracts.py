"""Sentences of the contract, compliance and participant errors."""

from clauses.messages import Sentence, _, month_name

SENTENCES: dict[str, Sentence] = {
    "contract_not_found": lambda p: _(
        "No contract has the reference “%(reference)s”.", reference=p["reference"]
    ),
    "reference_missing": lambda p: _("A contract needs a reference."),
    "duplicate_reference": lambda p: _(
        "Another contract already has the reference %(reference)s.", reference=p["reference"]
    ),
    "dates_reversed": lambda p: _("The end date is before the start date."),
    "committed_hours_not_positive": lambda p: _(
        "The committed insertion hours must be more than 0."
    ),
    "amount_negative": lambda p: _("The amount cannot be negative."),
    "insertion_rate_out_of_range": lambda p: _(
        "The insertion rate is a percentage, from 0 to 100."
    ),
    "contractor_unknown": lambda p: _("The contractor is not a known contractor organisation."),
    "operation_buyer_missing": lambda p: _("A new operation needs a buyer organisation."),
    "operation_missing": lambda p: _(
        "Choose an operation, or give the name and buyer of a new one."
    ),
    "thresholds_out_of_order": lambda p: _(
        "The “at risk” threshold must be above 0 %% and below the “on track” threshold, "
        "which is at most 100 %%."
    ),
    "declaration_outside_contract": lambda p: _(
        "The month of %(month)s is outside the period of contract %(reference)s.",
        month=month_name(p["month"]),
        reference=p["reference"],
    ),
    "declaration_not_due": lambda p: _(
        "The month of %(month)s cannot be declared yet: its hours are due the month after.",
        month=month_name(p["month"]),
    ),
    "participant_names_missing": lambda p: _("A participant needs a last name and a first name."),
    "duplicate_participant": lambda p: _(
        "A person with this name and birth date is already registered."
    ),
    "facilitator_unknown": lambda p: _(
        "The follow-up facilitator is not a member of the clause team."
    ),
    "eligibility_without_criterion": lambda p: _(
        "Record at least one eligibility criterion before validating."
    ),
}
