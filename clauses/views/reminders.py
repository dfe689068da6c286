"""Reminders: the contracts whose monthly report is missing, and e-mails to their contractors,
for the clause team."""

from collections import Counter

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from clauses import clock, links
from clauses.access import policy, web
from clauses.extensions import db
from clauses.forms.reminders import SEND_ALL, SendRemindersForm
from clauses.rules.compliance import reporting_month
from clauses.services import reminders
from clauses.services.reminders import Outcome, ReminderResult

bp = Blueprint("reminders", __name__, url_prefix="/reminders")


@bp.before_request
@web.requires(policy.can_send_reminders)
def clause_team_only() -> None:
    """Every page of the blueprint: the login page when signed out, 403 for other roles."""


@bp.route("/")
def index() -> str:
    as_of = clock.today()
    missing = reminders.missing_reports(db.session(), as_of)
    return render_template(
        "reminders/index.html",
        missing=missing,
        month=reporting_month(as_of),
        form=SendRemindersForm(),
        send_all=SEND_ALL,
    )


@bp.route("/send", methods=["POST"])
def send() -> Response:
    form = SendRemindersForm()
    selection = form.selection() if form.validate_on_submit() else []
    if selection == []:
        flash(_("Tick at least one contract, or send to every contract listed."), "warning")
        return redirect(url_for(".index"))
    results = reminders.send_reminders(
        db.session(),
        web.user(),
        clock.today(),
        current_app.config,
        contract_ids=selection,
        links=links.reminder_links(),
        force=form.force.data,
    )
    db.session.commit()
    _flash_results(results)
    return redirect(url_for(".index"))


def _flash_results(results: list[ReminderResult]) -> None:
    if not results:
        flash(_("No report is missing any more: nothing was sent."), "info")
        return
    counts = Counter(result.outcome for result in results)
    flash(
        _(
            "Reminders sent: %(sent)s; failed: %(failed)s; already sent today: %(already)s; "
            "without contact: %(none)s.",
            sent=counts[Outcome.SENT],
            failed=counts[Outcome.FAILED],
            already=counts[Outcome.ALREADY_SENT],
            none=counts[Outcome.NO_CONTACT],
        ),
        "warning" if counts[Outcome.FAILED] else "success",
    )
    failure = next((r.error for r in results if r.error), None)
    if failure:
        flash(_("Sending failed: %(error)s", error=failure), "danger")
