"""Sentences of the errors about reaching people, job offers and placements."""

from clauses.messages import Params, Sentence, _, day_text
from clauses.messages.labels import label
from clauses.models import PlacementState


def _state(value: object) -> str:
    try:
        return label(PlacementState(str(value)))
    except ValueError:
        return str(value)


def _busy(p: Params) -> str:
    return _(
        "%(name)s is already busy (%(state)s on contract %(reference)s): a person is proposed "
        "to one site at a time.",
        name=p["name"],
        state=_state(p["state"]),
        reference=p["reference"],
    )


def _move_refused(p: Params) -> str:
    return _(
        "This placement is “%(current)s”: it cannot become “%(wanted)s”.",
        current=_state(p["current"]),
        wanted=_state(p["wanted"]),
    )


SENTENCES: dict[str, Sentence] = {
    "participant_phone_invalid": lambda p: _(
        "“%(value)s” is not a phone number: 10 digits from 0 (06 12 34 56 78), or an "
        "international number from + (+33 6 12 34 56 78).",
        value=p["value"],
    ),
    "placement_person_unknown": lambda p: _("This person is not registered."),
    "placement_person_not_eligible": lambda p: _(
        "%(name)s cannot be proposed yet: their file is still to verify.", name=p["name"]
    ),
    "placement_person_unavailable": lambda p: _(
        "%(name)s is marked not available for a job on a site: change their record first.",
        name=p["name"],
    ),
    "placement_person_busy": _busy,
    "placement_contract_ended": lambda p: _(
        "Contract %(reference)s ended on %(end)s: no one can be proposed to it any more.",
        reference=p["reference"],
        end=day_text(p["end"]),
    ),
    "job_offer_not_open": lambda p: _(
        "This job offer is no longer open: it is closed or its places are filled."
    ),
    "placement_move_refused": _move_refused,
    "placement_date_missing": lambda p: _("Give the date."),
    "placement_refusal_reason_missing": lambda p: _("Give the reason for the refusal."),
    "placement_employment_type_missing": lambda p: _("Give the employment type of the hire."),
    "job_offer_invalid": lambda p: _(
        "A job offer needs a trade, a start date, a duration and a number of places of at "
        "least 1, and a contact."
    ),
}
