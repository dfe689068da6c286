"""Importing a contractor's timesheet: the pipeline of imports/, as one use case."""

import hashlib
import json
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.access import policy
from clauses.errors import FileAlreadyImported
from clauses.models import Contract, ImportBatch, Participant, User
from clauses.services import audit, hours_summary
from imports import commit as committing
from imports.pipeline import Progress, analyse
from imports.read import read
from imports.reference import contracts_by_key, existing_keys, known_people
from imports.rejected import rejected_rows_workbook
from imports.results import ImportReport
from imports.template import KnownPerson, template_workbook
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
    progress: Progress | None = None,
) -> ImportReport:
    """Every row's fate; with commit, the batch written too. A dry run writes nothing, nor does
    a commit of a file without an accepted row (DESIGN.md: `"committed": false`, no batch).

    contractor_id limits the contracts to that contractor's (a contractor's own upload): a
    reference of another contractor is then unknown, so nothing reveals that it exists.
    """
    if commit:
        committing.begin_writing(session)
    sha256 = hashlib.sha256(content).hexdigest()
    # Checked first, so a dry run of a file already sent says so too.
    if committing.already_imported(session, sha256):
        raise FileAlreadyImported(filename=filename)
    workbook = read(content)
    ctx = Context(
        contracts=contracts_by_key(session, contractor_id),
        default_contract=contract.strip() if contract else None,
        as_of_month=as_of.replace(day=1),
    )
    report = analyse(
        workbook,
        ctx,
        known_people(session, contractor_id),
        lambda ids: existing_keys(session, ids),
        progress,
    )
    if commit and report.accepted:
        batch = committing.commit(
            session,
            report,
            content=content,
            filename=filename,
            sha256=sha256,
            as_of=as_of,
            uploader=uploader,
            contractor_id=contractor_id,
        )
        hours_summary.refresh(session, {entry.contract_id for entry in report.accepted})
        audit.record(
            session,
            uploader,
            "import",
            "import_batch",
            batch.id,
            filename=filename,
            **report.counts(),
        )
    return report


# --- Web uploads: the file waits between the preview and the confirmation -------------------


@dataclass(frozen=True)
class PendingUpload:
    """An uploaded file waiting for its uploader to confirm the preview."""

    token: str
    user_id: int
    filename: str
    as_of: date
    contract: str | None
    contractor_id: int | None


PENDING_LIFETIME = timedelta(hours=24)


def save_pending(folder: Path, upload: PendingUpload, content: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _forget_stale(folder)
    (folder / f"{upload.token}.bin").write_bytes(content)
    meta = {**asdict(upload), "as_of": upload.as_of.isoformat()}
    (folder / f"{upload.token}.json").write_text(json.dumps(meta), encoding="utf-8")


def load_pending(folder: Path, token: str, user_id: int) -> tuple[PendingUpload, bytes] | None:
    """The upload of that token, if it is this user's and still there."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    meta_path, content_path = folder / f"{token}.json", folder / f"{token}.bin"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        content = content_path.read_bytes()
    except (OSError, ValueError):
        return None
    upload = PendingUpload(**{**meta, "as_of": date.fromisoformat(meta["as_of"])})
    return (upload, content) if upload.user_id == user_id else None


def discard_pending(folder: Path, token: str) -> None:
    if TOKEN_PATTERN.fullmatch(token):
        for suffix in (".json", ".bin"):
            (folder / f"{token}{suffix}").unlink(missing_ok=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")


def _forget_stale(folder: Path) -> None:
    limit = time.time() - PENDING_LIFETIME.total_seconds()
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


# --- What a preview and a batch page show ----------------------------------------------------


@dataclass(frozen=True)
class ContractMonthTotal:
    reference: str
    month: date
    hours: Decimal
    rows: int


def hours_by_contract_and_month(session: Session, report: ImportReport) -> list[ContractMonthTotal]:
    totals: dict[tuple[int, date], tuple[Decimal, int]] = defaultdict(lambda: (Decimal(0), 0))
    for entry in report.accepted:
        hours, rows = totals[(entry.contract_id, entry.month)]
        totals[(entry.contract_id, entry.month)] = (hours + entry.hours, rows + 1)
    found = session.execute(
        sa.select(Contract.id, Contract.reference).where(
            Contract.id.in_({contract_id for contract_id, _ in totals})
        )
    )
    references = {contract_id: reference for contract_id, reference in found}
    return sorted(
        (
            ContractMonthTotal(references[c], m, hours, rows)
            for (c, m), (hours, rows) in totals.items()
        ),
        key=lambda line: (line.reference, line.month),
    )


def roll_back_batch(session: Session, batch: ImportBatch, actor: User | None) -> None:
    """The batch's hours no longer count: each key it touched gets back its earlier hours."""
    done = committing.roll_back(session, batch, actor)
    hours_summary.refresh(session, done.contract_ids)
    audit.record(
        session,
        actor,
        "rollback",
        "import_batch",
        batch.id,
        filename=batch.filename,
        keys_restored=done.keys_restored,
        keys_removed=done.keys_removed,
    )


def batch_warnings(batch: ImportBatch, true_outcome: bool) -> list[dict[str, Any]]:
    """The batch's warnings as the clause team (true_outcome) or its contractor sees them."""
    warnings: list[dict[str, Any]] = batch.report.get("warnings", [])
    return [w for w in warnings if not (true_outcome and w.get("contractor_only"))]


def rejected_rows(
    batch: ImportBatch, render: Callable[[Mapping[str, object]], str], headings: tuple[str, str]
) -> bytes:
    """The batch's rejected rows to fix; render gives an error's reason in the reader's language."""
    return rejected_rows_workbook(batch.content, batch.report.get("errors", []), render, headings)


def template_for(session: Session, contractor_id: int | None, today: date) -> bytes:
    """The template of a contractor (or of every contract, for the clause team)."""
    contracts = (
        policy.contracts_in(contractor_id)
        .with_only_columns(Contract.reference)
        .order_by(Contract.reference)
    )
    people = (
        policy.participants_in(contractor_id)
        .with_only_columns(Participant.last_name, Participant.first_name, Participant.birth_date)
        .distinct()
        .order_by(Participant.last_name, Participant.first_name)
    )
    return template_workbook(
        session.scalars(contracts).all(),
        [KnownPerson(*row) for row in session.execute(people)],
        today,
    )
