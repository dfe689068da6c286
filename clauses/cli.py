"""The `clauses` command group: as thin as a view, over the same services."""

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext as _
from flask_migrate import upgrade

from clauses import links
from clauses.access import policy
from clauses.errors import ClausesError, DatabaseNotEmpty, UnreadableFile
from clauses.extensions import db
from clauses.messages import imports as messages
from clauses.models import Role
from clauses.rules.compliance import reporting_month
from clauses.services import (
    accounts,
    compliance,
    contracts_import,
    demo,
    participants,
    participants_import,
    reminders,
    timesheets,
)
from imports.codes import Issue
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
        purge_eligibility,
        send_reminders,
    ):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    upgrade()
    click.echo("Database ready.")


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
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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
    click.echo(f"User {user.email} ({user.role.value}) saved.")


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        reason = "missing" if isinstance(error, FileNotFoundError) else "unreachable"
        raise UnreadableFile(reason=reason, path=str(path)) from error


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


def _echo_reference_report(report: ReferenceImportReport, what: str, as_json: bool) -> None:
    """Each rejected row and warning with its sheet and row, then the counts."""
    if as_json:
        payload = {**report.counts(), **_issues_json(report.errors, report.warnings)}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    _echo_issues(report.errors, report.warnings)
    click.echo(_("%(what)s: %(summary)s", what=what, summary=messages.reference_summary(report)))


@click.command("import-contracts")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@reports_errors
def import_contracts(file: Path, as_json: bool) -> None:
    """Create or update contracts (and their "Échéancier" sheet) from a spreadsheet or CSV."""
    report = contracts_import.import_contracts(db.session(), None, _file_bytes(file), file.name)
    db.session.commit()
    _echo_reference_report(report, _("Contracts"), as_json)


@click.command("import-participants")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@reports_errors
def import_participants(file: Path, as_json: bool) -> None:
    """Create or update participants from a spreadsheet or CSV."""
    report = participants_import.import_participants(
        db.session(), None, _file_bytes(file), file.name
    )
    db.session.commit()
    _echo_reference_report(report, _("Participants"), as_json)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Load it only into an empty database; else say so.")
@reports_errors
def load_demo(if_empty: bool) -> None:
    """Load a demo world of Seine-Saint-Denis into an empty database."""
    try:
        summary = demo.load_demo(db.session(), date.today())
    except DatabaseNotEmpty:
        if not if_empty:
            raise
        db.session.rollback()
        click.echo("La base contient déjà des données : la démo n'est pas rechargée.")
        click.echo(f"Comptes de démonstration (mot de passe : {demo.DEMO_PASSWORD}) :")
        for email, role, organisation, _ in demo.ACCOUNTS:
            click.echo(f"  {email:<28} {role.value:<12} {organisation}")
        return
    db.session.commit()
    hours = f"{summary.hours:,.0f}".replace(",", "\u202f")
    click.echo(
        f"Démo chargée au {summary.as_of:%d/%m/%Y} : {summary.organisations} organisations, "
        f"{summary.operations} opérations, {summary.contracts} marchés, "
        f"{summary.participants} participant·es ({summary.to_verify} à vérifier), "
        f"{summary.batches} imports, {summary.hour_entries} lignes d'heures "
        f"({hours} h)."
    )
    click.echo(f"Comptes de démonstration (mot de passe : {summary.password}) :")
    for account in summary.accounts:
        click.echo(f"  {account.email:<28} {account.role.value:<12} {account.organisation}")


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
@reports_errors
def import_timesheet(
    file: Path, contract: str | None, as_of: datetime | None, commit: bool, as_json: bool
) -> None:
    """Check a contractor's monthly hour sheet, and with --commit record it."""
    content = _file_bytes(file)
    with _progress(enabled=not as_json, label=file.name) as progress:
        report = timesheets.import_timesheet(
            db.session(),
            content,
            file.name,
            as_of=as_of.date() if as_of else date.today(),
            contract=contract,
            contractor_id=policy.upload_scope(policy.COMMAND_LINE),
            commit=commit,
            progress=progress,
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
    day = as_of.date() if as_of else date.today()
    rows = compliance.statuses(db.session(), day, policy.contracts_of(policy.COMMAND_LINE))
    if as_json:
        payload = {"as_of": day.isoformat(), "contracts": [row.as_json() for row in rows]}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(f"Situation au {day:%d/%m/%Y} (mois déclaré : {reporting_month(day):%m/%Y})")
    header = f"{'Marché':<24} {'Statut':<12} {'Prévues':>10} {'Attendues':>10} {'Réalisées':>10}"
    click.echo(f"{header} {'En attente':>10} {'Relevé':>8} {'Places':>6}")
    for row in rows:
        c = row.compliance
        click.echo(
            f"{row.reference:<24} {c.status.value:<12} {c.committed_hours:>10,.2f} "
            f"{c.expected_hours:>10,.2f} {c.realised_hours:>10,.2f} {c.pending_hours:>10,.2f} "
            f"{'manquant' if c.missing_report else 'reçu':>8} {c.open_places:>6}"
        )


@click.command("declare-no-hours")
@with_appcontext
@click.argument("reference")
@click.argument("month", type=click.DateTime(formats=["%Y-%m"]))
@reports_errors
def declare_no_hours(reference: str, month: datetime) -> None:
    """Record a contractor's "nothing to report" for a month (YYYY-MM) of a contract."""
    contract = compliance.contract_by_reference(db.session(), reference)
    compliance.declare_no_hours(db.session(), None, contract, month.date())
    db.session.commit()
    click.echo(f"{contract.reference} : rien à déclarer pour {month:%m/%Y}, enregistré.")


REMINDER_OUTCOMES = {
    reminders.Outcome.SENT: "envoyé",
    reminders.Outcome.FAILED: "échec",
    reminders.Outcome.ALREADY_SENT: "déjà envoyé aujourd'hui (--force pour renvoyer)",
    reminders.Outcome.NO_CONTACT: "aucun contact : ni compte entreprise actif, ni e-mail",
    reminders.Outcome.TO_SEND: "à envoyer",
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
    day = as_of.date() if as_of else reminders.today()
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
    month = reminders.month_text(reporting_month(day))
    click.echo(f"Relevés manquants de {month} au {day:%d/%m/%Y} : {len(results)} marché(s).")
    for result in results:
        recipients = ", ".join(result.recipients) or "—"
        outcome = REMINDER_OUTCOMES[result.outcome]
        error = f" : {result.error}" if result.error else ""
        click.echo(f"{result.reference} → {recipients} : {outcome}{error}")
    if dry_run:
        click.echo("Essai à blanc : aucun e-mail envoyé, rien n'est enregistré.")
        return
    failed = sum(r.outcome is reminders.Outcome.FAILED for r in results)
    sent = sum(r.outcome is reminders.Outcome.SENT for r in results)
    click.echo(f"{sent} relance(s) envoyée(s), {failed} en échec.")
    if failed:
        click.echo(
            "Des relances n'ont pas pu partir : vérifiez CLAUSES_MAIL_HOST et CLAUSES_MAIL_PORT "
            f"({current_app.config['MAIL_HOST']}:{current_app.config['MAIL_PORT']}) ; "
            "elles sont notées en échec et repartiront au prochain envoi.",
            err=True,
        )


@click.command("purge-eligibility")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List who would be purged; change nothing.")
def purge_eligibility(dry_run: bool) -> None:
    """Erase the eligibility criteria of people inactive for more than two years (GDPR)."""
    today = date.today()
    if dry_run:
        people = participants.stale_eligibility(db.session(), today)
        for person in people:
            click.echo(f"{person.id}\t{person.full_name}")
        click.echo(f"{len(people)} personne(s) dont les critères seraient effacés.")
        return
    count = participants.purge_eligibility(db.session(), None, today)
    db.session.commit()
    click.echo(
        f"Critères d'éligibilité effacés pour {count} personne(s) inactive(s) depuis deux ans."
    )
