"""The domain model; importing this package registers every table on Base.metadata."""

from clauses.models.audit import AuditLog
from clauses.models.base import Base
from clauses.models.compliance import Reminder, Setting
from clauses.models.contract import Contract, Operation, ScheduledHours
from clauses.models.enums import (
    BatchState,
    Criterion,
    EmploymentType,
    OrganisationKind,
    OutcomeKind,
    PlacementState,
    Role,
    Sex,
)
from clauses.models.hours import (
    BatchLine,
    HourEntry,
    ImportBatch,
    MonthlyHours,
    NoHoursDeclaration,
)
from clauses.models.organisation import Organisation
from clauses.models.participant import Participant, ParticipantCriterion
from clauses.models.placement import JobOffer, Outcome, Placement, PlacementEvent
from clauses.models.user import User

__all__ = [
    "AuditLog",
    "Base",
    "BatchLine",
    "BatchState",
    "Contract",
    "Criterion",
    "EmploymentType",
    "HourEntry",
    "ImportBatch",
    "JobOffer",
    "MonthlyHours",
    "NoHoursDeclaration",
    "Operation",
    "Organisation",
    "OrganisationKind",
    "Outcome",
    "OutcomeKind",
    "Participant",
    "ParticipantCriterion",
    "Placement",
    "PlacementEvent",
    "PlacementState",
    "Reminder",
    "Role",
    "ScheduledHours",
    "Setting",
    "Sex",
    "User",
]
