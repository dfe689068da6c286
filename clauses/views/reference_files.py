"""Importing contracts or participants from a spreadsheet, from the page of either list.

Both files write at once (as `clauses import-contracts` and `import-participants` do): the page
shows what was created, updated and refused, row by row.
"""

from collections.abc import Callable
from typing import Any

from flask import current_app, flash, render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from clauses.access import web
from clauses.errors import ClausesError
from clauses.extensions import db
from clauses.forms.imports import ReferenceFileForm
from clauses.messages import imports as messages
from clauses.models import User
from clauses.views.imports import issue_lists
from imports.read import Limits
from imports.records import ReferenceImportReport

Importer = Callable[[Session, User | None, bytes, str, Limits], ReferenceImportReport]


def import_page(importer: Importer, title: str, columns: str, back: str) -> str:
    form = ReferenceFileForm()
    shown: dict[str, Any] = {}
    if form.validate_on_submit():
        upload = form.file.data
        try:
            content, limits = upload.read(), Limits.from_settings(current_app.config)
            report = importer(db.session(), web.user(), content, upload.filename or "", limits)
        except ClausesError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The file is imported."), "success")
            shown = _report(report)
    return render_template(
        "imports/reference.html", form=form, title=title, columns=columns, back=back, **shown
    )


def _report(report: ReferenceImportReport) -> dict[str, Any]:
    return {
        "summary": messages.reference_summary(report),
        **issue_lists(report.errors, report.warnings, paged=False),
    }
