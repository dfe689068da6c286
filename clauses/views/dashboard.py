"""Each role's home page, and the contract exports of the clause team and buyers."""

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from clauses import clock
from clauses.access import policy, web
from clauses.extensions import db
from clauses.forms.dashboard import SHOWN, DashboardFilterForm
from clauses.messages.labels import label, status_choices
from clauses.models import User
from clauses.rules.urgency import ALL, NEEDS_ACTION
from clauses.services import contract_export, contract_filters, dashboard, exports, placements
from clauses.services.dashboard import ContractRow

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@web.signed_in
def home() -> str:
    viewer, today, session = web.user(), clock.today(), db.session()
    home = policy.home(viewer)
    template = f"dashboard/{home.value}.html"
    if home is policy.Home.BUYER:
        return render_template(template, board=dashboard.buyer_dashboard(session, viewer, today))
    if home is policy.Home.CONTRACTOR:
        board = dashboard.contractor_dashboard(session, viewer, today)
        awaiting = placements.awaiting_answer(session, viewer, today)
        return render_template(template, board=board, awaiting=awaiting)
    form = _filter_form(viewer)
    team = dashboard.team_dashboard(session, viewer, form.filters(), form.as_of_or(today))
    return render_template(template, board=team, form=form, shown=SHOWN)


@bp.route("/export")
@web.requires(policy.can_export)
def export() -> Response:
    """The list of the home page with its filters (all their contracts for buyers), as .xlsx
    or .csv (?format=)."""
    viewer, today = web.user(), clock.today()
    file_format = exports.parse_format(request.args.get("format", "xlsx"))
    if file_format is None:
        abort(404)
    form = DashboardFilterForm(request.args)  # only read: no options to offer
    team = policy.home(viewer) is policy.Home.CLAUSE_TEAM
    filters = form.filters(default=NEEDS_ACTION if team else ALL)
    as_of = form.as_of_or(today) if policy.may_pick_date(viewer) else today
    rows = contract_export.export_rows(db.session(), viewer, filters, as_of, file_format)
    db.session.commit()
    content = exports.write(_table(rows, as_of), file_format)
    name = f"marches-{as_of.isoformat()}.{file_format}"
    return send_file(
        io.BytesIO(content), exports.MIMETYPES[file_format], as_attachment=True, download_name=name
    )


def _filter_form(viewer: User) -> DashboardFilterForm:
    form = DashboardFilterForm(request.args)
    form.set_options(contract_filters.filter_options(db.session(), viewer), status_choices())
    return form


# The export's columns: a header and how to read it from a row. No personal data: people are
# a count.
COLUMNS: tuple[tuple[Any, Callable[[ContractRow], exports.Cell]], ...] = (
    (_l("Reference"), lambda r: r.details.reference),
    (_l("Title"), lambda r: r.details.title),
    (_l("Operation"), lambda r: r.details.operation),
    (_l("Buyer"), lambda r: r.details.buyer),
    (_l("Contractor"), lambda r: r.details.contractor),
    (_l("Trade"), lambda r: r.details.trade),
    (_l("Commune"), lambda r: r.details.commune),
    (_l("Start"), lambda r: r.details.start_date),
    (_l("End"), lambda r: r.details.end_date),
    (_l("Status"), lambda r: label(r.compliance.status)),
    (_l("Committed hours"), lambda r: r.compliance.committed_hours),
    (_l("Expected hours"), lambda r: r.compliance.expected_hours),
    (_l("Realised hours"), lambda r: r.compliance.realised_hours),
    (_l("Pending hours"), lambda r: r.compliance.pending_hours),
    (_l("Report missing"), lambda r: _("yes") if r.compliance.missing_report else _("no")),
    (_l("Open places"), lambda r: r.compliance.open_places),
    (_l("People"), lambda r: r.people),
)


def _table(rows: list[ContractRow], as_of: date) -> exports.Table:
    return exports.Table(
        title=_("Contracts on %(date)s", date=as_of.strftime("%d-%m-%Y")),
        headers=[str(header) for header, _read in COLUMNS],
        rows=[[read(row) for _header, read in COLUMNS] for row in rows],
    )
