"""Errors a user can cause and understand, each with a stable code.

An error carries its code and the values its sentence needs, never the sentence: clauses.messages
renders it where it is shown (page, CLI, JSON), in the reader's language. A test checks that every
code here has its sentence there.
"""

from typing import Any


class ClausesError(Exception):
    """A problem with what a user asked or sent; shown to them, never a stack trace."""

    code = "error"

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code, params)
        self.params = params

    @property
    def message(self) -> str:
        from clauses.messages import error_message

        return error_message(self)

    def __str__(self) -> str:
        # A traceback (an error raised before the app runs, e.g. a missing setting) shows the
        # sentence, in English outside an app.
        return self.message


class UnreadableFile(ClausesError):
    code = "unreadable_file"


class MissingColumns(ClausesError):
    code = "missing_columns"


class NotFound(ClausesError):
    code = "not_found"


class InvalidValue(ClausesError):
    code = "invalid_value"

    def __init__(self, field: str | None = None, **params: Any) -> None:
        super().__init__(**params)
        # The form field the value came from, so a page can show the message next to it.
        self.field = field


class AlreadyExists(InvalidValue):
    code = "already_exists"


class ConfigurationError(ClausesError):
    code = "configuration_error"


class NoHeader(ClausesError):
    code = "no_header"


class TooManyRows(ClausesError):
    """A sheet longer than the limit of rows read (MAX_ROWS_PER_SHEET)."""

    code = "too_many_rows"


class ContractColumnMissing(ClausesError):
    code = "contract_column_missing"


class FileAlreadyImported(ClausesError):
    code = "file_already_imported"


class BatchAlreadyRolledBack(ClausesError):
    code = "batch_already_rolled_back"


# Accounts and organisations (params in comments)


class OrganisationNotFound(NotFound):
    """By SIRET or exact name, on the command line (ref)."""

    code = "organisation_not_found"


class UnknownOrganisation(InvalidValue):
    """An organisation id that no longer exists, from a form."""

    code = "organisation_unknown"


class WeakPassword(InvalidValue):
    code = "weak_password"  # minimum


class InvalidEmail(InvalidValue):
    """An address the sign-in form would refuse (address)."""

    code = "invalid_email"


class PasswordRequired(InvalidValue):
    code = "password_required"


class EmailTaken(AlreadyExists):
    code = "email_taken"


class OrganisationRequired(InvalidValue):
    """A buyer or contractor account without an organisation (kinds: those it may be of)."""

    code = "organisation_required"


class OrganisationMismatch(InvalidValue):
    """A buyer or contractor account with an organisation of the wrong kind (kinds)."""

    code = "organisation_mismatch"


class OrganisationKindInUse(InvalidValue):
    """A new kind that the roles of the organisation's accounts do not allow."""

    code = "organisation_kind_in_use"


class SelfLockout(InvalidValue):
    """An administrator deactivating their own account, or giving up their own admin role
    (change: "deactivate" or "role")."""

    code = "self_lockout"


class SignInDelayed(ClausesError):
    """Too many failed sign-ins to one account from one address: the pair waits (minutes)."""

    code = "sign_in_delayed"


class InvalidSiret(InvalidValue):
    code = "organisation_siret_invalid"  # problem: "length", "checksum" or "characters"


class OrganisationNameTaken(AlreadyExists):
    code = "organisation_name_taken"


class SiretTaken(AlreadyExists):
    code = "siret_taken"


# Contracts, compliance and participants


class ContractNotFound(NotFound):
    code = "contract_not_found"  # reference


class ReferenceMissing(InvalidValue):
    code = "reference_missing"


class DuplicateReference(AlreadyExists):
    code = "duplicate_reference"  # reference


class DatesReversed(InvalidValue):
    code = "dates_reversed"


class CommittedHoursNotPositive(InvalidValue):
    code = "committed_hours_not_positive"


class AmountNegative(InvalidValue):
    code = "amount_negative"


class InsertionRateOutOfRange(InvalidValue):
    code = "insertion_rate_out_of_range"


class ContractorUnknown(NotFound):
    code = "contractor_unknown"


class OperationBuyerMissing(NotFound):
    code = "operation_buyer_missing"


class OperationMissing(NotFound):
    code = "operation_missing"


class ThresholdsOutOfOrder(InvalidValue):
    code = "thresholds_out_of_order"


class DeclarationOutsideContract(InvalidValue):
    code = "declaration_outside_contract"  # month, reference


class DeclarationNotDue(InvalidValue):
    """A month after the reporting month: its hours are not due yet (month)."""

    code = "declaration_not_due"


class ParticipantNamesMissing(InvalidValue):
    code = "participant_names_missing"


class DuplicateParticipant(AlreadyExists):
    """The same normalised name and birth date: imports could no longer tell them apart."""

    code = "duplicate_participant"

    def __init__(self, existing_id: int) -> None:
        super().__init__(field="last_name")
        self.existing_id = existing_id


class FacilitatorUnknown(NotFound):
    code = "facilitator_unknown"


class EligibilityWithoutCriterion(InvalidValue):
    code = "eligibility_without_criterion"


# Directing people to sites


class WeightsInvalid(InvalidValue):
    """Candidate weights: each from 0 to `maximum`, not all 0."""

    code = "weights_invalid"


class DepartmentsInvalid(InvalidValue):
    """The programme's départements: codes such as 93, 2A or 974 (values: those that are not)."""

    code = "departments_invalid"


# Running the app


class SecretKeyMissing(ConfigurationError):
    code = "secret_key_missing"


class MailSecurityConflict(ConfigurationError):
    """MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (SMTPS) both set."""

    code = "mail_security_conflict"


class DatabaseNotEmpty(ClausesError):
    """The demo world loads only into an empty database, so it never mixes with real data
    (organisations, accounts, contracts, participants: how many are there)."""

    code = "database_not_empty"


# Backup and restore (params in comments)


class BackupNotWritten(ClausesError):
    code = "backup_not_written"  # path, reason


class BackupToolMissing(ClausesError):
    code = "backup_tool_missing"  # tool


class BackupToolFailed(ClausesError):
    code = "backup_tool_failed"  # tool, detail


class NotABackup(ClausesError):
    """Not a backup of Clauses for this kind of database (path, kind: SQLite or PostgreSQL)."""

    code = "not_a_backup"


class BackupFromNewerCode(ClausesError):
    """A backup at a migration this code does not know (revision)."""

    code = "backup_from_newer_code"


class RestoreOverData(ClausesError):
    """A restore replaces everything: a database that holds data needs --force."""

    code = "restore_over_data"


# Reaching people, job offers and placements (params in comments)


class PhoneInvalid(InvalidValue):
    """A participant's phone that is no French number nor an international one (value)."""

    code = "participant_phone_invalid"


class PlacementPersonUnknown(NotFound):
    """A person to propose who is not registered (or not in the proposer's scope)."""

    code = "placement_person_unknown"


class PlacementPersonNotEligible(InvalidValue):
    """A person whose eligibility is not validated yet (name)."""

    code = "placement_person_not_eligible"


class PlacementPersonUnavailable(InvalidValue):
    """A person marked not available for a job on a site (name)."""

    code = "placement_person_unavailable"


class PlacementPersonBusy(InvalidValue):
    """A person already proposed, in an interview or hired (name, reference, state)."""

    code = "placement_person_busy"


class PlacementContractEnded(InvalidValue):
    """A contract whose end date has passed (reference, end)."""

    code = "placement_contract_ended"


class JobOfferNotOpen(InvalidValue):
    """A job offer closed or with all its places filled, or of another contract."""

    code = "job_offer_not_open"


class PlacementMoveRefused(InvalidValue):
    """A move the rules or the actor's role do not allow from the current state (current,
    wanted: state codes)."""

    code = "placement_move_refused"


class PlacementDateMissing(InvalidValue):
    """A move that needs a date without one (field)."""

    code = "placement_date_missing"


class RefusalReasonMissing(InvalidValue):
    code = "placement_refusal_reason_missing"


class EmploymentTypeMissing(InvalidValue):
    code = "placement_employment_type_missing"


class JobOfferInvalid(InvalidValue):
    """A job offer without a trade or a contact, or with no place or month (field)."""

    code = "job_offer_invalid"
