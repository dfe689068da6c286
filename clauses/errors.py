"""Errors a user can cause and understand, each with a stable code."""


class ClausesError(Exception):
    """A problem with what a user asked or sent; shown to them, never a stack trace."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableFile(ClausesError):
    code = "unreadable_file"


class MissingColumns(ClausesError):
    code = "missing_columns"


class NotFound(ClausesError):
    code = "not_found"


class InvalidValue(ClausesError):
    code = "invalid_value"


class ConfigurationError(ClausesError):
    code = "configuration_error"
