"""Importing contracts or participants from a spreadsheet, from the page of either list.

Both files write at once (as `clauses import-contracts` and `import-participants` do): the page
shows what was created, updated and refused, row by row.
"""

from collections.abc import Callable
from typing import Any

from flask import flash, render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from clauses.access import web
from clauses.errors import ClausesError
from clauses.extensions import db
from clauses.forms.imports import ReferenceFileForm
from clauses.messages import imports as messages
from clauses.models import User
from imports.records import ReferenceImportReport

Importer = Callable[[Session, User | None, bytes, str], ReferenceImportReport]


def import_page(importer: Importer, title: str, columns: str, back: str) -> str:
    form = ReferenceFileForm()
    shown: dict[str, Any] = {}
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = importer(db.session(), web.user(), upload.read(), upload.filename or "")
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
        "errors": messages.shown(report.errors),
        "warnings": messages.shown(report.warnings),
    }
