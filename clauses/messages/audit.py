"""The audit log in words: each action code as a short sentence, each detail with its label and a
readable value, in the reader's language. The audit page and the records' history read them."""

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from flask_babel import LazyString, format_decimal
from flask_babel import lazy_gettext as _l

from clauses.messages import _, day_text, month_name, ngettext, number_text
from clauses.messages.labels import label, selection_label
from clauses.models import (
    Criterion,
    EmploymentType,
    OrganisationKind,
    PlacementState,
    Role,
    Sex,
)

# Every action the services record (a test checks this against their audit.record calls).
ACTIONS: dict[str, LazyString] = {
    "create": _l("creation"),
    "update": _l("change"),
    "deactivate": _l("deactivation"),
    "reactivate": _l("reactivation"),
    "reset_password": _l("new password"),
    "login": _l("sign-in"),
    "logout": _l("sign-out"),
    "login_failed": _l("failed sign-in"),
    "login_delayed": _l("sign-in refused: too many failures from this address"),
    "logout_everywhere": _l("signed out on every device"),
    "import": _l("import"),
    "rollback": _l("import rolled back"),
    "export": _l("export"),
    "validate_eligibility": _l("eligibility validated"),
    "eligibility_to_verify": _l("eligibility set back to verify"),
    "purge_eligibility": _l("eligibility criteria erased (two years without activity)"),
    "declare_no_hours": _l("nothing to report declared"),
    "send_reminders": _l("reminders sent"),
    "demo_loaded": _l("demo world loaded"),
    "participant_viewed": _l("person's page viewed"),
    "batch_file_downloaded": _l("original hour sheet downloaded"),
    "candidates_viewed": _l("candidates of a contract listed"),
    "backup": _l("database backed up"),
    "restore": _l("database restored from a saved copy"),
    "propose_placement": _l("person proposed to a contract"),
    "notify_proposal": _l("contractor told of a proposal by e-mail"),
    "placement_interview": _l("interview set"),
    "placement_hired": _l("person hired"),
    "placement_ended": _l("job ended"),
    "placement_refused": _l("proposal refused"),
    "placement_withdrawn": _l("proposal withdrawn"),
    "declare_job_offer": _l("job offer declared"),
    "close_job_offer": _l("job offer closed"),
}

OBJECTS: dict[str, LazyString] = {
    "user": _l("user account"),
    "organisation": _l("organisation"),
    "operation": _l("operation"),
    "contract": _l("contract"),
    "participant": _l("participant"),
    "import_batch": _l("import"),
    "reminder": _l("reminders"),
    "setting": _l("setting"),
    "database": _l("database"),
    "contracts_file": _l("contracts file"),
    "participants_file": _l("participants file"),
    "pathways_file": _l("follow-up sheet"),
    "placement": _l("placement"),
    "job_offer": _l("job offer"),
}

# The details' keys, and the fields of the records they describe.
FIELDS: dict[str, LazyString] = {
    "email": _l("e-mail"),
    "phone": _l("phone"),
    "full_name": _l("name"),
    "role": _l("role"),
    "organisation": _l("organisation"),
    "is_active": _l("active"),
    "password_changed": _l("password changed"),
    "password_generated": _l("password generated"),
    "address": _l("IP address"),
    "name": _l("name"),
    "siret": _l("SIRET"),
    "kind": _l("kind"),
    "buyer_id": _l("buyer"),
    "on_track": _l("on track from"),
    "at_risk": _l("at risk from"),
    "reference": _l("reference"),
    "title": _l("title"),
    "operation": _l("operation"),
    "contractor": _l("contractor"),
    "trade": _l("trade"),
    "commune": _l("commune"),
    "start_date": _l("start date"),
    "end_date": _l("end date"),
    "committed_hours": _l("committed hours"),
    "amount": _l("amount"),
    "insertion_rate": _l("insertion rate"),
    "last_name": _l("last name"),
    "first_name": _l("first name"),
    "birth_date": _l("birth date"),
    "sex": _l("sex"),
    "is_qpv": _l("QPV"),
    "criteria": _l("criteria"),
    "other_criteria": _l("other criteria"),
    "wanted_trades": _l("wanted trades"),
    "is_available": _l("availability"),
    "facilitator_id": _l("follow-up facilitator"),
    "eligibility_validated_on": _l("eligibility validated on"),
    "fields": _l("fields changed"),
    "filename": _l("file"),
    "file": _l("file"),
    "revision": _l("migration"),
    "upgraded": _l("schema upgraded"),
    "sha256": _l("fingerprint (SHA-256)"),
    "created": _l("records created"),
    "updated": _l("records updated"),
    "unchanged": _l("records unchanged"),
    "rejected": _l("rows rejected"),
    "warnings": _l("warnings"),
    "schedules_replaced": _l("schedules saved"),
    "rows_accepted": _l("rows accepted"),
    "rows_rejected": _l("rows rejected"),
    "rows_skipped": _l("rows skipped"),
    "hours_accepted": _l("hours accepted"),
    "participants_matched": _l("people recognised"),
    "participants_new": _l("new people"),
    "committed": _l("recorded"),
    "keys_restored": _l("entries restored from earlier imports"),
    "keys_removed": _l("entries removed"),
    "as_of": _l("as of"),
    "month": _l("month"),
    "contracts": _l("contracts"),
    "participants": _l("participants"),
    "batches": _l("imports"),
    "hour_entries": _l("hour entries"),
    "no_hours_declarations": _l("nothing-to-report declarations"),
    "format": _l("format"),
    "rows": _l("rows"),
    "filters": _l("filters"),
    "q": _l("search"),
    "selection": _l("contracts listed"),
    "operation_id": _l("operation"),
    "contractor_id": _l("contractor"),
    "count": _l("people"),
    "participant_ids": _l("participant numbers"),
    "forced": _l("sent again the same day"),
    "recipients": _l("recipients reached"),
    "sent": _l("reminders sent"),
    "failed": _l("reminders failed"),
    "already_sent": _l("already reminded that day"),
    "no_contact": _l("contracts without contact"),
    "distance": _l("distance points"),
    "priority": _l("priority points"),
    "waiting": _l("waiting points"),
    "communes_changed": _l("communes resolved differently"),
    "placements_created": _l("placements created"),
    "placements_updated": _l("placements updated"),
    "placements_unchanged": _l("placements unchanged"),
    "outcomes_recorded": _l("outcomes recorded"),
    "participant_id": _l("participant number"),
    "job_offer_id": _l("job offer number"),
    "from_state": _l("previous state"),
    "state": _l("state"),
    "interview_on": _l("interview date"),
    "employment_type": _l("employment type"),
    "hire_date": _l("hire date"),
    "duration_months": _l("duration in months"),
    "places": _l("places"),
    "accounts": _l("accounts written to"),
    "mailed": _l("e-mail sent"),
    "mail_error": _l("why the e-mail failed"),
}

VALIDATED_ON = "eligibility_validated_on"

# Names of the organisations and operations that details give by id, looked up for a page by
# services.audit.referenced_names: ("buyer_id", 3) → "Ville de Bobigny".
Names = Mapping[tuple[str, int], str]


def action_text(code: str) -> str:
    return str(ACTIONS.get(code, code))


def object_text(code: str, object_id: str | None = None) -> str:
    """The kind of record, with its number when it has one; a month's reminders and the
    thresholds (recorded by a name rather than a number) in words."""
    if code == "reminder" and object_id:
        return _("reminders for %(month)s", month=month_name(object_id))
    if code == "setting" and object_id == "thresholds":
        return _("compliance thresholds")
    if code == "setting" and object_id == "candidate_weights":
        return _("candidate ranking weights")
    if code == "setting" and object_id == "programme_departments":
        return _("programme départements")
    kind = str(OBJECTS.get(code, code))
    return f"{kind} {object_id}" if object_id else kind


def field_text(key: str) -> str:
    return str(FIELDS.get(key, key))


def details_lines(details: Mapping[str, Any], names: Names) -> list[str]:
    """One line per detail, "label: value"; a change as "label: before → after"."""
    return [
        _("%(label)s: %(value)s", label=field_text(key), value=text)
        for key, text in _details(details, names)
    ]


def _details(details: Mapping[str, Any], names: Names) -> Iterator[tuple[str, str]]:
    before, after = details.get("before"), details.get("after")
    for key, value in details.items():
        # An edit names its fields, then gives each one's change below (unless personal).
        if key in ("before", "after") or (key == "fields" and isinstance(after, Mapping)):
            continue
        yield key, value_text(key, value, names)
    if isinstance(after, Mapping):  # an edit (audit.record_update), or a new record's values
        old = before if isinstance(before, Mapping) else {}
        for key, value in after.items():
            yield key, _change(key, old.get(key), value, names, has_before=key in old)
    elif "after" in details:  # the one value given alone: a participant's validation date
        yield VALIDATED_ON, _change(VALIDATED_ON, before, after, names, has_before=True)


def _change(key: str, before: Any, after: Any, names: Names, *, has_before: bool) -> str:
    if not has_before:
        return value_text(key, after, names)
    return f"{value_text(key, before, names)} → {value_text(key, after, names)}"


def value_text(key: str, value: Any, names: Names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int) and (key, value) in names:
        return names[key, value]
    shown = _BY_KEY.get(key)
    if shown is not None:
        return shown(value)
    if isinstance(value, list):
        return _list_text([value_text(key, item, names) for item in value])
    if isinstance(value, Mapping):
        return filters_text(value, names)
    if isinstance(value, int | float):
        return str(format_decimal(value))
    return str(value)


LIST_SHOWN = 10


def _list_text(items: list[str]) -> str:
    """A long list (the people of a purge) as its first items and how many more."""
    if len(items) <= LIST_SHOWN:
        return ", ".join(items)
    more = len(items) - LIST_SHOWN
    shown = ", ".join(items[:LIST_SHOWN])
    return ngettext("%(shown)s and %(num)s more", "%(shown)s and %(num)s more", more, shown=shown)


def filters_text(filters: Mapping[str, Any], names: Names) -> str:
    """An export's filters as "buyer: Ville de Bobigny, contracts listed: behind"; the ones
    left empty are not listed."""
    shown = [
        _("%(label)s: %(value)s", label=field_text(key), value=value_text(key, value, names))
        for key, value in filters.items()
        if value not in (None, "")
    ]
    return ", ".join(shown) or _("none")


def _percent(value: Any) -> str:
    return _("%(pct)s%%", pct=format_decimal(Decimal(str(value)) * 100))


def _enum_label(enum: Any) -> Callable[[Any], str]:
    def shown(value: Any) -> str:
        try:
            return label(enum(value))
        except ValueError:
            return str(value)

    return shown


def _criteria(value: Any) -> str:
    return ", ".join(_enum_label(Criterion)(item) for item in value)


_BY_KEY: dict[str, Callable[[Any], str]] = {
    "as_of": day_text,
    "start_date": day_text,
    "end_date": day_text,
    "birth_date": day_text,
    "interview_on": day_text,
    "hire_date": day_text,
    "eligibility_validated_on": day_text,
    "committed_hours": number_text,
    "amount": number_text,
    "insertion_rate": number_text,
    "hours_accepted": number_text,
    "month": month_name,
    "on_track": _percent,
    "at_risk": _percent,
    "role": _enum_label(Role),
    "kind": _enum_label(OrganisationKind),
    "sex": _enum_label(Sex),
    "employment_type": _enum_label(EmploymentType),
    "state": _enum_label(PlacementState),
    "from_state": _enum_label(PlacementState),
    "criteria": _criteria,
    "selection": selection_label,
    "fields": lambda value: ", ".join(field_text(item) for item in value),
    # Record numbers, not quantities: no thousands separator.
    "participant_ids": lambda value: _list_text([str(item) for item in value]),
    "participant_id": str,
    "job_offer_id": str,
}
