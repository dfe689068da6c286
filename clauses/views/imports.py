"""Timesheet imports: upload, preview, confirm; batches, their files, rejected rows, rollback."""

import io
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from clauses import clock
from clauses.access import policy, web
from clauses.errors import ClausesError
from clauses.extensions import db
from clauses.forms.imports import BatchFilterForm, ConfirmForm, UploadForm
from clauses.messages import imports as messages
from clauses.messages import labels
from clauses.models import BatchState, Contract
from clauses.services import batches, listing, reads, timesheets
from imports.read import Limits
from imports.results import ImportReport

bp = Blueprint("imports", __name__, url_prefix="/imports")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ISSUES_PER_PAGE = 100


def _pending_folder() -> Path:
    return Path(current_app.instance_path) / "pending-imports"


@bp.route("/")
@web.requires(policy.can_upload)
def index() -> str:
    viewer = web.user()
    form = BatchFilterForm(request.args)
    form.set_options(batches.filter_options(db.session(), viewer), labels.choices(BatchState))
    found = batches.list_batches(
        db.session(),
        viewer,
        form.filters(),
        size=current_app.config["PAGE_SIZE"],
        **form.listing_args(),
    )
    covered = batches.contracts_covered(db.session(), found.page.items)
    return render_template("imports/index.html", form=form, listing=found, covered=covered)


@bp.route("/new", methods=["GET", "POST"])
@web.requires(policy.can_upload)
def new() -> str | Response:
    viewer = web.user()
    form = UploadForm(as_of=clock.today())
    form.contract.choices = [("", _("— the file has a contract column —"))] + [
        (c.reference, f"{c.reference} — {c.title}")
        for c in db.session.scalars(policy.contracts_of(viewer).order_by(Contract.reference))
    ]
    if not policy.may_pick_date(viewer):
        form.as_of.data = clock.today()
    if not form.validate_on_submit():
        return render_template("imports/new.html", form=form)
    upload = timesheets.PendingUpload(
        token=timesheets.new_token(),
        user_id=viewer.id,
        filename=timesheets.sent_name(form.file.data.filename or ""),
        as_of=form.as_of.data,
        contract=form.contract.data or None,
        contractor_id=policy.upload_scope(viewer),
    )
    return _analyse(upload, form.file.data.read())


def _analyse(upload: timesheets.PendingUpload, content: bytes) -> Response:
    """The file read and checked once, its preview kept with it until the confirmation."""
    try:
        report = _run(upload, content, commit=False)
    except ClausesError as error:
        flash(error.message, "danger")
        return redirect(url_for("imports.new"))
    preview = timesheets.preview_of(db.session(), report, policy.sees_true_outcome(web.user()))
    timesheets.save_pending(_pending_folder(), upload, content, preview)
    return redirect(url_for("imports.preview", token=upload.token))


def _run(upload: timesheets.PendingUpload, content: bytes, commit: bool) -> ImportReport:
    return timesheets.import_timesheet(
        db.session(),
        content,
        upload.filename,
        as_of=upload.as_of,
        contract=upload.contract,
        uploader=web.user(),
        contractor_id=upload.contractor_id,
        commit=commit,
        limits=Limits.from_settings(current_app.config),
    )


@bp.route("/preview/<token>")
@web.requires(policy.can_upload)
def preview(token: str) -> str:
    found = timesheets.load_preview(_pending_folder(), token, web.user().id)
    if found is None:
        abort(404)
    upload, shown = found
    return render_template(
        "imports/preview.html",
        upload=upload,
        counts=shown.counts,
        totals=listing.page_of(
            shown.totals, request.args.get("totals_page", 1, type=int), ISSUES_PER_PAGE
        ),
        form=ConfirmForm(),
        **issue_lists(shown.errors, shown.warnings),
    )


def issue_lists(
    errors: Sequence[messages.IssueLike], warnings: Sequence[messages.IssueLike], paged: bool = True
) -> dict[str, Any]:
    """A page of the errors and one of the warnings, each with its counts per code: a file of
    300,000 rejected rows gives a page, not 80 MB of HTML. Not paged (a page that keeps no
    report, as after a reference file): the first page only."""
    lists: dict[str, Any] = {"paged": paged}
    for name, issues in (("errors", errors), ("warnings", warnings)):
        number = request.args.get(f"{name}_page", 1, type=int) if paged else 1
        page = listing.page_of(issues, number, ISSUES_PER_PAGE)
        lists[name] = replace(page, items=messages.shown(page.items))
        lists[f"{name}_by_code"] = messages.by_code(issues)
    return lists


def _pending_or_404(token: str) -> tuple[timesheets.PendingUpload, bytes]:
    pending = timesheets.load_pending(_pending_folder(), token, web.user().id)
    if pending is None:
        abort(404)
    return pending


@bp.route("/preview/<token>/confirm", methods=["POST"])
@web.requires(policy.can_upload)
def confirm(token: str) -> Response:
    upload, content = _pending_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # The import writes in a transaction of its own, which on SQLite takes the write lock as it
    # begins: end the one that reading the account opened (imports/commit.py, begin_writing).
    db.session.commit()
    try:
        report = _run(upload, content, commit=True)
    except ClausesError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("imports.new"))
    db.session.commit()
    timesheets.discard_pending(_pending_folder(), token)
    if not report.committed:
        flash(_("No row is accepted: nothing is recorded."), "warning")
        return redirect(url_for("imports.new"))
    flash(_("The file is imported."), "success")
    return redirect(url_for("imports.detail", batch_id=report.batch_id))


@bp.route("/preview/<token>/cancel", methods=["POST"])
@web.requires(policy.can_upload)
def cancel(token: str) -> Response:
    if timesheets.pending_upload(_pending_folder(), token, web.user().id) is None:
        abort(404)
    timesheets.discard_pending(_pending_folder(), token)
    flash(_("The import is cancelled: nothing was recorded."), "info")
    return redirect(url_for("imports.new"))


@bp.route("/<int:batch_id>")
@web.requires(policy.can_upload)
def detail(batch_id: int) -> str:
    batch = web.batch_or_404(batch_id)
    return render_template(
        "imports/detail.html",
        batch=batch,
        form=ConfirmForm(),
        **issue_lists(
            batch.report.get("errors", []),
            timesheets.batch_warnings(batch, policy.sees_true_outcome(web.user())),
        ),
    )


@bp.route("/<int:batch_id>/file")
@web.requires(policy.can_upload)
def download(batch_id: int) -> Response:
    batch = web.batch_or_404(batch_id)
    reads.batch_file_downloaded(db.session(), web.user(), batch)
    db.session.commit()
    return _attachment(batch.content, batch.filename)


@bp.route("/<int:batch_id>/rejected.xlsx")
@web.requires(policy.can_upload)
def rejected(batch_id: int) -> Response:
    batch = web.batch_or_404(batch_id)
    content = timesheets.rejected_rows(
        batch, messages.sentence, (_("Row"), _("Reason for rejection"))
    )
    return _attachment(content, f"rejets-import-{batch.id}.xlsx", XLSX)


@bp.route("/<int:batch_id>/rollback", methods=["POST"])
@web.requires(policy.can_upload)
def rollback(batch_id: int) -> Response:
    batch = web.batch_or_404(batch_id)
    if not policy.can_roll_back(web.user(), batch):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    timesheets.roll_back_batch(db.session(), batch, web.user())
    db.session.commit()
    flash(_("The import is rolled back: its hours no longer count."), "success")
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/template.xlsx")
@web.requires(policy.can_upload)
def template() -> Response:
    content = timesheets.template_for(db.session(), policy.upload_scope(web.user()), clock.today())
    return _attachment(content, "modele-releve-heures.xlsx", XLSX)


def _attachment(
    content: bytes, filename: str, mimetype: str = "application/octet-stream"
) -> Response:
    return send_file(
        io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename
    )
