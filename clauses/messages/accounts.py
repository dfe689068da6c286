"""Sentences of the account and organisation errors."""

from clauses.messages import Params, Sentence, _, ngettext
from clauses.models import OrganisationKind

# An external account's organisation: "kinds", the kinds it may be of.


def _organisation_required(p: Params) -> str:
    if OrganisationKind.BUYER in p["kinds"]:
        return _("A buyer account needs an organisation.")
    return _("A contractor account needs an organisation.")


def _organisation_mismatch(p: Params) -> str:
    if OrganisationKind.BUYER in p["kinds"]:
        return _("A buyer account must belong to a buying organisation.")
    return _("A contractor account must belong to a contractor or an SIAE.")


def _self_lockout(p: Params) -> str:
    if p["change"] == "deactivate":
        return _("You cannot deactivate your own account: ask another administrator.")
    return _("You cannot remove your own administrator role: ask another administrator.")


def _siret_invalid(p: Params) -> str:
    if p["problem"] == "length":
        return _("A SIRET has 14 digits.")
    if p["problem"] == "checksum":
        return _("This SIRET's check digits are wrong: check it for a typing error.")
    return _("A SIRET is made of 14 digits only.")


SENTENCES: dict[str, Sentence] = {
    "organisation_not_found": lambda p: _(
        "No organisation has the SIRET or the name “%(ref)s”.", ref=p["ref"]
    ),
    "organisation_unknown": lambda p: _("This organisation does not exist."),
    "weak_password": lambda p: ngettext(
        "The password must have at least %(num)s character.",
        "The password must have at least %(num)s characters.",
        p["minimum"],
    ),
    "password_required": lambda p: _("A new account needs a password."),
    "email_taken": lambda p: _("An account already uses this e-mail."),
    "invalid_email": lambda p: _(
        "“%(address)s” is not a valid e-mail address.", address=p["address"]
    ),
    "organisation_required": _organisation_required,
    "organisation_mismatch": _organisation_mismatch,
    "organisation_kind_in_use": lambda p: _(
        "Accounts of this organisation need its current kind: change their role first."
    ),
    "self_lockout": _self_lockout,
    "organisation_siret_invalid": _siret_invalid,
    "organisation_name_taken": lambda p: _("An organisation already has this name."),
    "siret_taken": lambda p: _("An organisation already has this SIRET."),
    "sign_in_delayed": lambda p: ngettext(
        "Too many failed sign-ins to this account from your connection: try again in "
        "%(num)s minute.",
        "Too many failed sign-ins to this account from your connection: try again in "
        "%(num)s minutes.",
        p["minutes"],
    ),
}
