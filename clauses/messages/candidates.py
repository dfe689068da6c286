"""Sentences of directing people to sites: why a candidate ranks where it does ("même métier ·
4,2 km · RSA, QPV · attend depuis 8 mois"), and the errors of the ranking settings."""

from flask_babel import format_decimal

from clauses.messages import Sentence, _, ngettext, pgettext
from clauses.rules.candidates import Priority
from clauses.services.candidates import Reasons

SEPARATOR = " · "


def priority_label(priority: Priority) -> str:
    return {
        Priority.RSA: lambda: _("RSA"),
        Priority.QPV: lambda: _("QPV"),
        Priority.LONG_TERM_JOB_SEEKER: lambda: pgettext("candidate reason", "long-term job seeker"),
        Priority.WOMAN: lambda: _("woman"),
    }[priority]()


def km_text(km: object) -> str:
    """ "4,2 km" in French, "4.2 km" in English."""
    return _("%(km)s km", km=format_decimal(km, format="#,##0.0"))


def waiting_text(reasons: Reasons) -> str:
    if reasons.waiting_months:
        return ngettext(
            "waiting for %(num)s month", "waiting for %(num)s months", reasons.waiting_months
        )
    return ngettext("waiting for %(num)s day", "waiting for %(num)s days", reasons.waiting_days)


def reason_parts(reasons: Reasons) -> list[str]:
    """The pieces of a candidate's reason, those that give points: the trade when it is the
    same, the distance when it is known, the priorities, and always the wait."""
    parts = []
    if reasons.is_same_trade:
        parts.append(_("same trade"))
    if reasons.distance_km is not None:
        parts.append(km_text(reasons.distance_km))
    if reasons.priorities:
        parts.append(", ".join(priority_label(p) for p in reasons.priorities))
    parts.append(waiting_text(reasons))
    return parts


def reasons_text(reasons: Reasons) -> str:
    return SEPARATOR.join(reason_parts(reasons))


SENTENCES: dict[str, Sentence] = {
    "weights_invalid": lambda p: _(
        "Each weight is a number of points from 0 to %(maximum)s, and not all of them are 0.",
        maximum=p["maximum"],
    ),
    "departments_invalid": lambda p: _(
        "Give département codes separated by commas, such as 93, 75, 92 (not recognised: "
        "%(values)s).",
        values=p["values"] or "—",
    ),
}
