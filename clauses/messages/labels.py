"""Human labels of the domain's enums, translated (French in the UI, codes in the data)."""

from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from clauses.models import (
    BatchState,
    Criterion,
    EmploymentType,
    OrganisationKind,
    PlacementState,
    Role,
    Sex,
)
from clauses.rules.compliance import Status
from clauses.rules.job_offers import OfferState
from clauses.rules.urgency import STATUS_ORDER

LABELS: tuple[tuple[StrEnum, LazyString], ...] = (
    (Role.ADMIN, _l("administrator")),
    (Role.FACILITATOR, _l("facilitator")),
    (Role.BUYER, _l("buyer")),
    (Role.CONTRACTOR, _l("contractor")),
    (OrganisationKind.BUYER, _l("buyer")),
    (OrganisationKind.CONTRACTOR, _l("contractor")),
    (OrganisationKind.SIAE, _l("SIAE")),
    (OrganisationKind.FACILITATOR, _l("facilitation team")),
    (Sex.FEMALE, _l("woman")),
    (Sex.MALE, _l("man")),
    (Criterion.LONG_TERM_JOB_SEEKER, _l("long-term job seeker")),
    (Criterion.RSA, _l("RSA recipient")),
    (Criterion.YOUNG_WITHOUT_QUALIFICATION, _l("under 26 without qualification")),
    (Criterion.RQTH, _l("RQTH (disabled worker)")),
    (Criterion.OVER_50, _l("over 50")),
    (Criterion.REFUGEE, _l("refugee")),
    (Criterion.QPV_RESIDENT, _l("QPV resident")),
    (Criterion.SIAE_EMPLOYEE, _l("SIAE employee")),
    (EmploymentType.CDI, _l("CDI")),
    (EmploymentType.CDD, _l("CDD")),
    (EmploymentType.INTERIM, _l("temporary work (ETTI)")),
    (EmploymentType.GEIQ, _l("GEIQ")),
    (EmploymentType.APPRENTICESHIP, _l("apprenticeship")),
    (EmploymentType.PROFESSIONALISATION, _l("professionalisation contract")),
    (EmploymentType.TRAINING, _l("training")),
    (EmploymentType.IAE, _l("IAE subcontracting")),
    (EmploymentType.OTHER, _l("other")),
    (BatchState.COMMITTED, _l("committed")),
    (BatchState.ROLLED_BACK, _l("rolled back")),
    (Status.NOT_STARTED, _l("not started")),
    (Status.ON_TRACK, _l("on track")),
    (Status.AT_RISK, _l("at risk")),
    (Status.BEHIND, _l("behind")),
    (Status.FULFILLED, _l("fulfilled")),
    (Status.ENDED_SHORT, _l("ended short")),
    (PlacementState.PROPOSED, _l("proposed")),
    (PlacementState.INTERVIEW, _l("interview")),
    (PlacementState.HIRED, _l("hired")),
    (PlacementState.ENDED, _l("ended")),
    (PlacementState.REFUSED, _l("refused")),
    (PlacementState.WITHDRAWN, _l("withdrawn")),
    (OfferState.OPEN, _l("open")),
    (OfferState.FILLED, _l("filled")),
    (OfferState.CLOSED, _l("closed")),
)


# Keyed by (enum, value): Role.FACILITATOR and OrganisationKind.FACILITATOR are equal strings.
_BY_TYPE = {(type(member), member.value): text for member, text in LABELS}


def label(value: StrEnum | None) -> str:
    if value is None:
        return ""
    return str(_BY_TYPE.get((type(value), value.value), value.value))


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field, in the enum's order."""
    return [(member.value, label(member)) for member in enum]


def status_choices() -> list[tuple[str, str]]:
    """The statuses as a contract list's filter offers them, in the order pages show them."""
    return [(status.value, label(status)) for status in STATUS_ORDER]


# The contracts a home page lists (dashboard.SELECTIONS): those needing action, all of them,
# those whose report is missing, or those of one status.
SELECTIONS: dict[str, LazyString] = {
    "needs_action": _l("Needing action"),
    "all": _l("All contracts"),
    "missing_report": _l("Report missing"),
}


def selection_label(selection: str) -> str:
    if selection in SELECTIONS:
        return str(SELECTIONS[selection])
    try:
        return label(Status(selection))
    except ValueError:
        return selection
