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
from pathlib import Path, PurePosixPath
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from clauses.access import policy
from clauses.errors import FileAlreadyImported
from clauses.models import BatchLine, Contract, ImportBatch, Participant, User
from clauses.services import audit, hours_summary
from imports import commit as committing
from imports.cells import without_format_characters
from imports.pipeline import Progress, analyse
from imports.read import DEFAULT_LIMITS, Limits, read
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
    limits: Limits = DEFAULT_LIMITS,
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
    workbook = read(content, limits)
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
# The file is analysed once, when it is sent: the preview shows that analysis, kept beside the
# file, however often it is opened (re-reading a 300,000-row file took 32 s a page). The
# confirmation imports the file again, so that what only the commit can know (the same file
# committed since, contracts changed) is checked then.


@dataclass(frozen=True)
class PendingUpload:
    """An uploaded file waiting for its uploader to confirm the preview."""

    token: str
    user_id: int
    filename: str
    as_of: date
    contract: str | None
    contractor_id: int | None


@dataclass(frozen=True)
class ContractMonthTotal:
    reference: str
    month: date
    hours: Decimal
    rows: int


@dataclass(frozen=True)
class Preview:
    """What the preview of a pending upload shows: its counts, its issues (as Issue.as_dict()
    gives them, rendered when shown) and its hours per contract and month."""

    counts: dict[str, object]
    errors: list[dict[str, object]]
    warnings: list[dict[str, object]]
    totals: list[ContractMonthTotal]

    def as_json(self) -> dict[str, object]:
        totals = [
            {**asdict(line), "month": line.month.isoformat(), "hours": str(line.hours)}
            for line in self.totals
        ]
        return {**asdict(self), "totals": totals}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Preview":
        totals = [
            ContractMonthTotal(
                line["reference"],
                date.fromisoformat(line["month"]),
                Decimal(line["hours"]),
                line["rows"],
            )
            for line in data["totals"]
        ]
        return cls(data["counts"], data["errors"], data["warnings"], totals)


def preview_of(session: Session, report: ImportReport, true_outcome: bool) -> Preview:
    """The preview as its uploader sees it: the true outcome for the clause team, what a
    contractor is shown otherwise (DESIGN.md)."""
    return Preview(
        report.counts(true_outcome),
        [issue.as_dict() for issue in report.errors],
        [issue.as_dict() for issue in report.warnings_seen(true_outcome)],
        hours_by_contract_and_month(session, report),
    )


PENDING_LIFETIME = timedelta(hours=24)
# The parts of a pending upload, each a file named after its token.
META, CONTENT, PREVIEW = ".json", ".bin", ".preview.json"


def save_pending(folder: Path, upload: PendingUpload, content: bytes, preview: Preview) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _forget_stale(folder)
    (folder / f"{upload.token}{CONTENT}").write_bytes(content)
    _write_json(folder / f"{upload.token}{PREVIEW}", preview.as_json())
    _write_json(folder / f"{upload.token}{META}", {**asdict(upload), "as_of": upload.as_of})


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")


def load_pending(folder: Path, token: str, user_id: int) -> tuple[PendingUpload, bytes] | None:
    """The upload of that token and its file, if it is this user's and still there."""
    upload = pending_upload(folder, token, user_id)
    try:
        return None if upload is None else (upload, (folder / f"{token}{CONTENT}").read_bytes())
    except OSError:
        return None


def load_preview(folder: Path, token: str, user_id: int) -> tuple[PendingUpload, Preview] | None:
    """The upload of that token and its analysis, if it is this user's and still there."""
    upload = pending_upload(folder, token, user_id)
    if upload is None:
        return None
    try:
        data = json.loads((folder / f"{token}{PREVIEW}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return upload, Preview.from_json(data)


def pending_upload(folder: Path, token: str, user_id: int) -> PendingUpload | None:
    """The upload of that token, if it is this user's and still there."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    try:
        meta = json.loads((folder / f"{token}{META}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    upload = PendingUpload(**{**meta, "as_of": date.fromisoformat(meta["as_of"])})
    return upload if upload.user_id == user_id else None


def discard_pending(folder: Path, token: str) -> None:
    if TOKEN_PATTERN.fullmatch(token):
        for suffix in (META, CONTENT, PREVIEW):
            (folder / f"{token}{suffix}").unlink(missing_ok=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_FILENAME = 255  # import_batch.filename
MAX_EXTENSION = 10


def sent_name(filename: str) -> str:
    """A sent file's name as a batch keeps it: without format characters (a right-to-left
    override makes "x\u202excod.exe" read "xexe.docx"), cut to its column, extension kept."""
    name = without_format_characters(filename).strip() or "releve"
    if len(name) <= MAX_FILENAME:
        return name
    extension = PurePosixPath(name).suffix
    extension = extension if len(extension) <= MAX_EXTENSION else ""
    return name[: MAX_FILENAME - len(extension)] + extension


def _forget_stale(folder: Path) -> None:
    limit = time.time() - PENDING_LIFETIME.total_seconds()
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


# --- What a preview and a batch page show ----------------------------------------------------


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
    people = session.scalars(
        sa.select(BatchLine.participant_id).where(BatchLine.batch_id == batch.id).distinct()
    ).all()
    done = committing.roll_back(session, batch, actor)
    hours_summary.refresh(session, done.contract_ids, people)
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
