"""Closed vocabularies of the domain; values are DESIGN.md's codes, labels live in the UI."""

from enum import StrEnum

import sqlalchemy as sa

# A rule's vocabulary (rules/placements.py), stored as the others are.
from clauses.rules.placements import PlacementState as PlacementState


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    BUYER = "buyer"
    CONTRACTOR = "contractor"


class OrganisationKind(StrEnum):
    BUYER = "buyer"
    CONTRACTOR = "contractor"
    SIAE = "siae"
    FACILITATOR = "facilitator"


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"


class Criterion(StrEnum):
    """Eligibility criteria of the insertion clause (personal data, RQTH is health data)."""

    LONG_TERM_JOB_SEEKER = "long_term_job_seeker"
    RSA = "rsa"
    YOUNG_WITHOUT_QUALIFICATION = "young_without_qualification"
    RQTH = "rqth"
    OVER_50 = "over_50"
    REFUGEE = "refugee"
    QPV_RESIDENT = "qpv_resident"
    SIAE_EMPLOYEE = "siae_employee"


class EmploymentType(StrEnum):
    CDI = "cdi"
    CDD = "cdd"
    INTERIM = "interim"
    GEIQ = "geiq"
    APPRENTICESHIP = "apprenticeship"
    PROFESSIONALISATION = "professionalisation"
    TRAINING = "training"
    IAE = "iae"
    OTHER = "other"


# How a spreadsheet names each type: the template's drop-down list and the demo's hour sheets
# write these words, and the import reads them back through its synonyms ("other" is
# whatever else a sheet says).
SHEET_LABELS: dict[EmploymentType, str] = {
    EmploymentType.CDI: "CDI",
    EmploymentType.CDD: "CDD",
    EmploymentType.INTERIM: "Intérim / ETTI",
    EmploymentType.GEIQ: "GEIQ",
    EmploymentType.APPRENTICESHIP: "Apprentissage",
    EmploymentType.PROFESSIONALISATION: "Contrat de professionnalisation",
    EmploymentType.TRAINING: "Formation",
    EmploymentType.IAE: "Sous-traitance IAE",
}


class BatchState(StrEnum):
    COMMITTED = "committed"
    ROLLED_BACK = "rolled_back"


class OutcomeKind(StrEnum):
    """A person's situation after a site: the insertion sector's national "sorties"."""

    LASTING_JOB = "lasting_job"
    TRANSITION_JOB = "transition_job"
    POSITIVE_EXIT = "positive_exit"
    OTHER = "other"
    UNKNOWN = "unknown"


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """A portable enum type storing the value (not the name), checked by a named constraint."""
    return sa.Enum(
        enum,
        name=enum.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
