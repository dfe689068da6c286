"""Sentences of the errors about running the app: settings, the mail server, the demo."""

from collections.abc import Callable

from clauses.messages import Params, Sentence, _, ngettext

# What the database already holds, by kind, each with its count.
_FOUND: dict[str, Callable[[int], str]] = {
    "organisations": lambda n: ngettext("%(num)s organisation", "%(num)s organisations", n),
    "accounts": lambda n: ngettext("%(num)s account", "%(num)s accounts", n),
    "contracts": lambda n: ngettext("%(num)s contract", "%(num)s contracts", n),
    "participants": lambda n: ngettext("%(num)s participant", "%(num)s participants", n),
}


def _database_not_empty(p: Params) -> str:
    return _(
        "The database already holds data (%(found)s): the demo loads only into an empty "
        "database (create one with CLAUSES_DATABASE_URL, then `clauses init-db`).",
        found=", ".join(count(p[kind]) for kind, count in _FOUND.items() if p[kind]),
    )


SENTENCES: dict[str, Sentence] = {
    "secret_key_missing": lambda p: _(
        "CLAUSES_SECRET_KEY is not set: give it a long random value, e.g. "
        "`export CLAUSES_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')`."
    ),
    "mail_security_conflict": lambda p: _(
        "MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (SMTPS) exclude each other: choose one."
    ),
    "database_not_empty": _database_not_empty,
}
