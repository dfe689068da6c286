"""Importing a contractor's timesheet: the pipeline of imports/, as one use case."""

import hashlib
from datetime import date

from sqlalchemy.orm import Session

from clauses.errors import FileAlreadyImported
from clauses.models import User
from imports import commit as committing
from imports.pipeline import analyse
from imports.read import read
from imports.reference import contracts_by_key, existing_keys, known_people
from imports.results import ImportReport
from imports.validate import Context


def import_timesheet(
    session: Session,
    content: bytes,
    filename: str,
    *,
    as_of: date,
    contract: str | None = None,
    uploader: User | None = None,
    contractor_id: int | None = None,
    commit: bool = False,
) -> ImportReport:
    """Every row's fate; with commit, the batch written too. A dry run writes nothing.

    contractor_id limits the contracts to that contractor's (a contractor's own upload): a
    reference of another contractor is then unknown, so nothing reveals that it exists.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    # Checked first, so a dry run of a file already sent says so too.
    if committing.already_imported(session, sha256):
        raise FileAlreadyImported(
            f"Ce fichier ({filename}) a déjà été importé à l'identique : il n'est pas importé "
            "une seconde fois."
        )
    workbook = read(content)
    ctx = Context(
        contracts=contracts_by_key(session, contractor_id),
        default_contract=contract.strip() if contract else None,
        as_of_month=as_of.replace(day=1),
    )
    report = analyse(workbook, ctx, known_people(session), lambda ids: existing_keys(session, ids))
    if commit:
        committing.commit(
            session,
            report,
            content=content,
            filename=filename,
            sha256=sha256,
            as_of=as_of,
            uploader=uploader,
            contractor_id=contractor_id,
        )
    return report
