"""The contracts of a list as a file to download (the writing itself is exports.py's): every
contract of the list, most urgent first, people as a count, and the export audited."""

from dataclasses import asdict
from datetime import date

from sqlalchemy.orm import Session

from clauses.models import User
from clauses.services import audit, compliance
from clauses.services.contract_filters import ContractFilters, scoped
from clauses.services.dashboard import ContractRow, contract_rows, listed, people_counts


def export_rows(
    session: Session, viewer: User, filters: ContractFilters, as_of: date, file_format: str
) -> list[ContractRow]:
    """The contracts of a list, all of them, most urgent first, with their people counted;
    the export is audited (the caller commits)."""
    scope = scoped(viewer, filters)
    found = listed(compliance.statuses(session, as_of, scope), filters.selection)
    rows = contract_rows(
        session, scope, found, people_counts(session, scope, as_of), all_of_scope=True
    )
    audit.record(
        session,
        viewer,
        "export",
        "contract",
        None,
        format=file_format,
        rows=len(rows),
        as_of=as_of.isoformat(),
        filters=asdict(filters),
    )
    return rows
