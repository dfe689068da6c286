"""The `clauses` command group: as thin as a view, over the same services."""

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_migrate import upgrade

from clauses import clock, links
from clauses.access import policy
from clauses.errors import ClausesError, DatabaseNotEmpty, UnreadableFile
from clauses.extensions import db
from clauses.messages import _, day_text, labels, month_name, ngettext, pgettext
from clauses.messages import candidates as candidate_messages
from clauses.messages import imports as messages
from clauses.models import Role
from clauses.rules.compliance import reporting_month
from clauses.services import (
    accounts,
    backups,
    candidates,
    compliance,
    contracts_import,
    demo,
    participants,
    participants_import,
    pathways_import,
    reminders,
    timesheets,
)
from imports.codes import Issue
from imports.read import Limits
from imports.records import ReferenceImportReport

F = TypeVar("F", bound=Callable[..., Any])


def main() -> None:
    from clauses import create_app

    group = FlaskGroup(
        create_app=lambda: create_app(), help="Clauses: clauses sociales d'insertion."
    )
    group.main()


def fail(error: ClausesError) -> NoReturn:
    """A file-level or usage problem: one JSON object on stdout, exit status 2."""
    click.echo(
        json.dumps({"error": {"code": error.code, "message": error.message}}, ensure_ascii=False)
    )
    sys.exit(2)


def reports_errors(command: F) -> F:
    """Turn a ClausesError into the CLI's error object, rolling back anything half-written."""

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ClausesError as error:
            db.session.rollback()
            fail(error)

    return wrapped  # type: ignore[return-value]


def register(app: Flask) -> None:
    for command in (
        init_db,
        create_user,
        import_contracts,
        import_participants,
        load_demo,
        import_timesheet,
        status,
        declare_no_hours,
        candidates_command,
        import_pathways,
        purge_eligibility,
        send_reminders,
        backup,
        restore,
    ):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    upgrade()
    click.echo(_("Database ready."))


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation", help="SIRET or exact name of the user's organisation.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", "full_name", default="", help="The person's full name.")
@reports_errors
def create_user(
    email: str, role: str, organisation: str | None, password_stdin: bool, full_name: str
) -> None:
    """Create a user account (or update its role, organisation and password)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    user = accounts.save_user(
        db.session(),
        actor=None,
        email=email,
        role=Role(role),
        organisation_ref=organisation,
        password=password,
        full_name=full_name,
    )
    db.session.commit()
    click.echo(
        _("Account %(email)s (%(role)s) saved.", email=user.email, role=labels.label(user.role))
    )


def max_bytes_option(command: F) -> F:
    """--max-bytes: an import reads no more than the web accepts, unless told."""
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        help="Largest file read, in bytes (default: CLAUSES_MAX_CONTENT_LENGTH, the web's limit).",
    )(command)


def _file_bytes(path: Path, max_bytes: int | None) -> bytes:
    """The file, read no further than the limit (a FIFO or /dev/zero never ends)."""
    limit = max_bytes or current_app.config["MAX_CONTENT_LENGTH"]
    try:
        with path.open("rb") as file:
            content = file.read(limit + 1)
    except OSError as error:
        reason = "missing" if isinstance(error, FileNotFoundError) else "unreachable"
        raise UnreadableFile(reason=reason, path=str(path)) from error
    if len(content) > limit:
        raise UnreadableFile(reason="too_large", path=str(path), maximum=limit)
    return content


def _limits() -> Limits:
    return Limits.from_settings(current_app.config)


def _issues_json(errors: list[Issue], warnings: list[Issue]) -> dict[str, object]:
    return {
        "errors": [messages.as_json(issue) for issue in errors],
        "warnings": [messages.as_json(issue) for issue in warnings],
    }


def _echo_issues(errors: list[Issue], warnings: list[Issue]) -> None:
    """Each error and warning, with its code and where it is (sheet and row)."""
    for is_error, issues in ((True, errors), (False, warnings)):
        for issue in issues:
            click.echo(f"{messages.heading(is_error)} [{issue.code}] {messages.located(issue)}")


def _echo_report(
    counts: dict[str, int], errors: list[Issue], warnings: list[Issue], summary: str, as_json: bool
) -> None:
    """A reference import's report: each rejected row and warning with its sheet and row, then
    the summary line; or, with --json, the counts and the issues as one object."""
    if as_json:
        click.echo(json.dumps({**counts, **_issues_json(errors, warnings)}, ensure_ascii=False))
        return
    _echo_issues(errors, warnings)
    click.echo(summary)


def _echo_reference_report(report: ReferenceImportReport, what: str, as_json: bool) -> None:
    summary = _("%(what)s: %(summary)s", what=what, summary=messages.reference_summary(report))
    _echo_report(report.counts(), report.errors, report.warnings, summary, as_json)


@click.command("import-contracts")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@max_bytes_option
@reports_errors
def import_contracts(file: Path, as_json: bool, max_bytes: int | None) -> None:
    """Create or update contracts (and their "Échéancier" sheet) from a spreadsheet or CSV."""
    content = _file_bytes(file, max_bytes)
    report = contracts_import.import_contracts(db.session(), None, content, file.name, _limits())
    db.session.commit()
    _echo_reference_report(report, _("Contracts"), as_json)


@click.command("import-participants")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@max_bytes_option
@reports_errors
def import_participants(file: Path, as_json: bool, max_bytes: int | None) -> None:
    """Create or update participants from a spreadsheet or CSV."""
    content = _file_bytes(file, max_bytes)
    report = participants_import.import_participants(
        db.session(), None, content, file.name, _limits()
    )
    db.session.commit()
    _echo_reference_report(report, _("Participants"), as_json)


@click.command("import-pathways")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@max_bytes_option
@reports_errors
def import_pathways(file: Path, as_json: bool, max_bytes: int | None) -> None:
    """Record the placements and outcomes of the facilitators' follow-up sheet."""
    content = _file_bytes(file, max_bytes)
    report = pathways_import.import_pathways(db.session(), None, content, file.name, _limits())
    db.session.commit()
    summary = messages.pathways_summary(report.counts(), len(report.warnings))
    _echo_report(report.counts(), report.errors, report.warnings, summary, as_json)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Load it only into an empty database; else say so.")
@reports_errors
def load_demo(if_empty: bool) -> None:
    """Load a demo world of Seine-Saint-Denis into an empty database."""
    try:
        summary = demo.load_demo(db.session(), clock.today())
    except DatabaseNotEmpty:
        if not if_empty:
            raise
        db.session.rollback()
        click.echo(_("The database already holds data: the demo is not loaded again."))
        _echo_demo_accounts([account[:3] for account in demo.ACCOUNTS], demo.DEMO_PASSWORD)
        return
    db.session.commit()
    click.echo(
        _(
            "Demo loaded as of %(date)s: %(organisations)s, %(operations)s, %(contracts)s, "
            "%(participants)s (%(to_verify)s to verify), %(batches)s, %(entries)s (%(hours)s h).",
            date=day_text(summary.as_of),
            organisations=ngettext(
                "%(num)s organisation", "%(num)s organisations", summary.organisations
            ),
            operations=ngettext("%(num)s operation", "%(num)s operations", summary.operations),
            contracts=ngettext("%(num)s contract", "%(num)s contracts", summary.contracts),
            participants=ngettext(
                "%(num)s participant", "%(num)s participants", summary.participants
            ),
            to_verify=summary.to_verify,
            batches=ngettext("%(num)s import", "%(num)s imports", summary.batches),
            entries=ngettext("%(num)s hour entry", "%(num)s hour entries", summary.hour_entries),
            hours=format_decimal(summary.hours, "#,##0"),
        )
    )
    click.echo(
        _(
            "With %(placements)s and %(offers)s.",
            placements=ngettext("%(num)s placement", "%(num)s placements", summary.placements),
            offers=ngettext("%(num)s job offer", "%(num)s job offers", summary.job_offers),
        )
    )
    listed = [(a.email, a.role, a.organisation) for a in summary.accounts]
    _echo_demo_accounts(listed, summary.password)


def _echo_demo_accounts(accounts: list[tuple[str, Role, str]], password: str) -> None:
    click.echo(_("Demo accounts (password: %(password)s):", password=password))
    for email, role, organisation in accounts:
        click.echo(f"  {email:<28} {labels.label(role):<26} {organisation}")


@click.command("import-timesheet")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--contract", help="Contract of every row, for a file without a contract column.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the report (YYYY-MM-DD; default: today). Later months are refused.",
)
@click.option("--commit", is_flag=True, help="Record the accepted rows (default: a dry run).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@max_bytes_option
@reports_errors
def import_timesheet(
    file: Path,
    contract: str | None,
    as_of: datetime | None,
    commit: bool,
    as_json: bool,
    max_bytes: int | None,
) -> None:
    """Check a contractor's monthly hour sheet, and with --commit record it."""
    content = _file_bytes(file, max_bytes)
    with _progress(enabled=not as_json, label=file.name) as progress:
        report = timesheets.import_timesheet(
            db.session(),
            content,
            file.name,
            as_of=as_of.date() if as_of else clock.today(),
            contract=contract,
            contractor_id=policy.upload_scope(policy.COMMAND_LINE),
            commit=commit,
            progress=progress,
            limits=_limits(),
        )
    db.session.commit() if commit else db.session.rollback()
    if as_json:
        payload = {**report.counts(), **_issues_json(report.errors, report.warnings)}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    _echo_issues(report.errors, report.warnings)
    click.echo(messages.timesheet_summary(report.counts()))
    if report.committed:
        click.echo(_("Import recorded."))
    elif commit:
        click.echo(_("No row is accepted: nothing is recorded."))
    else:
        click.echo(_("Dry run: nothing is recorded (--commit records the accepted rows)."))


PROGRESS_FROM_ROWS = 5000


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error for long files (rows checked out of rows read)."""
    if not enabled:
        yield None
        return
    bars: list[Any] = []

    def advance(done: int, total: int) -> None:
        if not bars:
            if total < PROGRESS_FROM_ROWS:
                return
            bars.append(click.progressbar(length=total, label=label, file=sys.stderr))
            bars[0].__enter__()
        bars[0].update(done - bars[0].pos)

    try:
        yield advance
    finally:
        if bars:
            bars[0].__exit__(None, None, None)


@click.command("status")
@with_appcontext
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the assessment (YYYY-MM-DD; default: today); R is the month before.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status(as_of: datetime | None, as_json: bool) -> None:
    """Each contract's compliance: status, expected, realised and pending hours, open places."""
    day = as_of.date() if as_of else clock.today()
    rows = compliance.statuses(db.session(), day, policy.contracts_of(policy.COMMAND_LINE))
    if as_json:
        payload = {"as_of": day.isoformat(), "contracts": [row.as_json() for row in rows]}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(
        _(
            "Status as of %(date)s (reporting month: %(month)s)",
            date=day_text(day),
            month=month_name(reporting_month(day)),
        )
    )
    columns = (_("Contract"), _("Status"), _("Committed"), _("Expected"), _("Realised"))
    more = (_("Pending"), _("Report"), _("Places"))
    click.echo(_STATUS_LINE.format(*columns, *more))
    for row in rows:
        c = row.compliance
        hours = (c.committed_hours, c.expected_hours, c.realised_hours, c.pending_hours)
        report = _("missing") if c.missing_report else _("received")
        shown = (format_decimal(h, "#,##0.00") for h in hours)
        click.echo(
            _STATUS_LINE.format(
                row.reference, labels.label(c.status), *shown, report, c.open_places
            )
        )


@click.command("declare-no-hours")
@with_appcontext
@click.argument("reference")
@click.argument("month", type=click.DateTime(formats=["%Y-%m"]))
@reports_errors
def declare_no_hours(reference: str, month: datetime) -> None:
    """Record a contractor's "nothing to report" for a month (YYYY-MM) of a contract."""
    contract = compliance.contract_by_reference(db.session(), reference)
    compliance.declare_no_hours(db.session(), None, contract, month.date(), clock.today())
    db.session.commit()
    click.echo(
        _(
            "%(reference)s: nothing to report for %(month)s, recorded.",
            reference=contract.reference,
            month=month_name(month.date()),
        )
    )


@click.command("candidates")
@with_appcontext
@click.argument("reference")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the ranking (YYYY-MM-DD; default: today).",
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reports_errors
def candidates_command(reference: str, as_of: datetime | None, limit: int, as_json: bool) -> None:
    """The people who could fill a contract's insertion places, best first, with their points."""
    day = as_of.date() if as_of else clock.today()
    contract = compliance.contract_by_reference(db.session(), reference)
    found = candidates.candidates(db.session(), contract, day, limit=limit)
    if as_json:
        click.echo(json.dumps(found.as_json(), ensure_ascii=False))
        return
    click.echo(
        _(
            "Candidates for %(reference)s (%(trade)s, %(commune)s) as of %(date)s: %(places)s.",
            reference=found.reference,
            trade=contract.trade,
            commune=contract.commune or "—",
            date=day_text(day),
            places=ngettext("%(num)s open place", "%(num)s open places", found.open_places),
        )
    )
    heads = (
        _("Person"),
        _("Born"),
        _("Score"),
        pgettext("candidate points", "Trade"),
        pgettext("candidate points", "Distance"),
        pgettext("candidate points", "Priority"),
        pgettext("candidate points", "Waiting"),
        _("Why"),
    )
    click.echo(_CANDIDATE_LINE.format(*heads))
    for c in found.candidates:
        points = (format_decimal(p, "0.00") for p in (c.trade, c.distance, c.priority, c.waiting))
        click.echo(
            _CANDIDATE_LINE.format(
                f"{c.last_name.upper()} {c.first_name}"[:30],
                day_text(c.birth_date),
                format_decimal(c.score, "0.0"),
                *points,
                candidate_messages.reasons_text(c.reasons),
            )
        )
    click.echo(
        ngettext(
            "%(num)s candidate in all, %(shown)s shown.",
            "%(num)s candidates in all, %(shown)s shown.",
            found.total,
            shown=len(found.candidates),
        )
    )
    if not found.has_commune:
        click.echo(_("The site's commune is unknown: no distance is known."))


# A line of `candidates`: person, birth date, score, the four components, reasons.
_CANDIDATE_LINE = "{:<30} {:<10} {:>6} {:>6} {:>8} {:>8} {:>7}  {}"

# The text table of `status`: contract, status, four hours, report, places.
_STATUS_LINE = "{:<24} {:<26} {:>10} {:>10} {:>10} {:>10} {:>8} {:>6}"

REMINDER_OUTCOMES = {
    reminders.Outcome.SENT: _l("sent"),
    reminders.Outcome.FAILED: _l("failed"),
    reminders.Outcome.ALREADY_SENT: _l("already sent today (--force to send again)"),
    reminders.Outcome.NO_CONTACT: _l("no contact: no active contractor account, no e-mail"),
    reminders.Outcome.TO_SEND: _l("to send"),
}


@click.command("send-reminders")
@with_appcontext
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the run (YYYY-MM-DD; default: today); the missing reports are those of the "
    "month before.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing.")
@click.option("--force", is_flag=True, help="Send again to contracts reminded earlier today.")
@reports_errors
def send_reminders(as_of: datetime | None, dry_run: bool, force: bool) -> None:
    """E-mail the contractors whose monthly report of insertion hours is missing."""
    day = as_of.date() if as_of else clock.today()
    results = reminders.send_reminders(
        db.session(),
        None,
        day,
        current_app.config,
        links=links.reminder_links(),
        dry_run=dry_run,
        force=force,
    )
    db.session.rollback() if dry_run else db.session.commit()
    click.echo(
        ngettext(
            "Missing reports for %(month)s as of %(date)s: %(num)s contract.",
            "Missing reports for %(month)s as of %(date)s: %(num)s contracts.",
            len(results),
            month=month_name(reporting_month(day)),
            date=day_text(day),
        )
    )
    for result in results:
        recipients = ", ".join(result.recipients) or "—"
        outcome = str(REMINDER_OUTCOMES[result.outcome])
        if result.error:
            outcome = _("%(outcome)s: %(error)s", outcome=outcome, error=result.error)
        click.echo(
            _(
                "%(reference)s → %(recipients)s: %(outcome)s",
                reference=result.reference,
                recipients=recipients,
                outcome=outcome,
            )
        )
    if dry_run:
        click.echo(_("Dry run: no e-mail sent, nothing recorded."))
        return
    failed = sum(r.outcome is reminders.Outcome.FAILED for r in results)
    sent = sum(r.outcome is reminders.Outcome.SENT for r in results)
    click.echo(
        _(
            "%(sent)s, %(failed)s.",
            sent=ngettext("%(num)s reminder sent", "%(num)s reminders sent", sent),
            failed=ngettext("%(num)s failed", "%(num)s failed", failed),
        )
    )
    if failed:
        click.echo(
            _(
                "Some reminders could not be sent: check CLAUSES_MAIL_HOST and "
                "CLAUSES_MAIL_PORT (%(server)s); they are recorded as failed and will go with "
                "the next run.",
                server=f"{current_app.config['MAIL_HOST']}:{current_app.config['MAIL_PORT']}",
            ),
            err=True,
        )


@click.command("purge-eligibility")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List who would be purged; change nothing.")
def purge_eligibility(dry_run: bool) -> None:
    """Erase the eligibility criteria of people inactive for more than two years (GDPR)."""
    today = clock.today()
    if dry_run:
        people = participants.stale_eligibility(db.session(), today)
        for person in people:
            click.echo(f"{person.id}\t{person.full_name}")
        click.echo(
            ngettext(
                "%(num)s person whose criteria would be erased.",
                "%(num)s people whose criteria would be erased.",
                len(people),
            )
        )
        return
    count = participants.purge_eligibility(db.session(), None, today)
    db.session.commit()
    click.echo(
        ngettext(
            "Eligibility criteria erased for %(num)s person inactive for two years.",
            "Eligibility criteria erased for %(num)s people inactive for two years.",
            count,
        )
    )


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@reports_errors
def backup(file: Path) -> None:
    """Copy the whole database to FILE, consistent while the app runs (SQLite: a database file;
    PostgreSQL: a pg_dump archive)."""
    backups.backup(db.engine, file)
    backups.record_backup(db.session(), None, file)
    db.session.commit()
    click.echo(_("Backup written to %(file)s.", file=file))


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
@reports_errors
def restore(file: Path, force: bool) -> None:
    """Replace the whole database with a backup made by `clauses backup`; a backup of an older
    version is then upgraded to the code's schema."""
    restored = backups.restore(db.engine, file, force=force)
    if restored.upgrade_needed:
        upgrade()
    backups.record_restore(db.session(), None, file, restored)
    db.session.commit()
    click.echo(_("Database restored from %(file)s.", file=file))
    if restored.upgrade_needed:
        click.echo(_("Its schema was upgraded to this version's."))
