"""Reminders: the contracts whose report for the reporting month is missing, and the e-mails
that ask their contractors for it. One SMTP connection per run, a Reminder row per recipient,
one audit event per run; the caller commits.

A contract already reminded (successfully) on the same day, in Paris, for the same month is
skipped unless the run is forced: the team may click twice, or the daily command run after
someone sent from the page, without a contractor getting the same e-mail twice.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message
from enum import StrEnum
from smtplib import SMTP
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date
from sqlalchemy.orm import Session, selectinload

from clauses import clock
from clauses.access import policy
from clauses.models import Contract, Operation, Reminder, User
from clauses.models.base import utcnow
from clauses.rules.compliance import reporting_month
from clauses.services import audit, compliance, mail

CHUNK = 500


@dataclass(frozen=True)
class Links:
    """The pages an e-mail points to, given by the caller, who knows the routes and where users
    reach the app (clauses/links.py)."""

    upload: str
    contract: Callable[[int], str]  # a contract's page, by its id


class ContactSource(StrEnum):
    USERS = "users"  # the contractor's active accounts
    ORGANISATION = "organisation"  # the organisation's own e-mail, when it has no account
    NONE = "none"


@dataclass(frozen=True)
class MissingReport:
    contract: Contract
    month: date  # the reporting month R whose report is missing
    contacts: tuple[str, ...]
    contact_source: ContactSource
    last_reminder: Reminder | None  # the latest attempt for this month, sent or failed


class Outcome(StrEnum):
    SENT = "sent"  # at least one recipient got it (others may have been refused: see errors)
    FAILED = "failed"
    ALREADY_SENT = "already_sent"  # sent earlier the same day for the same month
    NO_CONTACT = "no_contact"
    TO_SEND = "to_send"  # what a dry run would send


@dataclass(frozen=True)
class ReminderResult:
    contract_id: int
    reference: str
    month: date
    recipients: tuple[str, ...]
    outcome: Outcome
    subject: str = ""
    message: Message | None = None
    errors: Mapping[str, str] = field(default_factory=dict)  # recipient → why it failed

    @property
    def error(self) -> str:
        return next(iter(self.errors.values()), "")


# The list


def missing_reports(
    session: Session, as_of: date, contracts_select: sa.Select[Contract] | None = None
) -> list[MissingReport]:
    """Contracts active in R without any entry nor "nothing to report" for R, by reference."""
    month = reporting_month(as_of)
    ids = [
        s.contract_id for s in compliance.statuses(session, as_of, contracts_select) if _missing(s)
    ]
    found = _contracts(session, ids)
    contacts = _contacts(session, {c.contractor_id for c in found.values()})
    last = _last_reminders(session, ids, month)
    reports = []
    for contract_id in ids:
        contract = found[contract_id]
        emails, source = contacts.get(contract.contractor_id, ((), ContactSource.NONE))
        if source is ContactSource.NONE and contract.contractor.email:
            emails, source = (contract.contractor.email,), ContactSource.ORGANISATION
        reports.append(MissingReport(contract, month, emails, source, last.get(contract_id)))
    return reports


def _missing(status: compliance.ContractStatus) -> bool:
    return status.compliance.missing_report


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _contracts(session: Session, ids: Sequence[int]) -> dict[int, Contract]:
    found: dict[int, Contract] = {}
    for chunk in _chunks(ids):
        stmt = (
            sa.select(Contract)
            .where(Contract.id.in_(chunk))
            .options(
                selectinload(Contract.contractor),
                selectinload(Contract.operation).selectinload(Operation.buyer),
            )
        )
        found.update((c.id, c) for c in session.scalars(stmt))
    return found


def _contacts(
    session: Session, organisation_ids: Collection[int]
) -> dict[int, tuple[tuple[str, ...], ContactSource]]:
    """The e-mails of each contractor's active accounts, the people who send the sheets."""
    emails: defaultdict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(sorted(organisation_ids)):
        rows = session.execute(
            policy.report_senders()
            .with_only_columns(User.organisation_id, User.email)
            .where(User.organisation_id.in_(chunk))
            .order_by(User.email)
        )
        for organisation_id, email in rows:
            if organisation_id is not None:  # always, by the where clause
                emails[organisation_id].append(email)
    return {org: (tuple(found), ContactSource.USERS) for org, found in emails.items()}


def _last_reminders(session: Session, ids: Sequence[int], month: date) -> dict[int, Reminder]:
    last: dict[int, Reminder] = {}
    for chunk in _chunks(ids):
        stmt = (
            sa.select(Reminder)
            .where(Reminder.contract_id.in_(chunk), Reminder.month == month)
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        )
        for reminder in session.scalars(stmt):
            last.setdefault(reminder.contract_id, reminder)
    return last


# Sending


def send_reminders(
    session: Session,
    actor: User | None,
    as_of: date,
    config: Mapping[str, Any],
    contract_ids: Iterable[int] | None = None,
    links: Links | None = None,
    dry_run: bool = False,
    force: bool = False,
    now: datetime | None = None,
) -> list[ReminderResult]:
    """E-mail the contractors of the missing reports (all, or those of `contract_ids` that are
    still missing). Without links, the e-mail says where to click instead. A dry run sends and
    writes nothing and returns what would be sent."""
    now = (now or utcnow()).astimezone(UTC)
    reports = missing_reports(session, as_of)
    if contract_ids is not None:
        wanted = set(contract_ids)
        reports = [r for r in reports if r.contract.id in wanted]
    settings = mail.MailSettings.from_config(config)
    skipped = set() if force else _sent_on_the_day(session, reports, now, config)
    plans = [_plan(r, settings, links, now, skipped) for r in reports]
    if dry_run:
        return plans
    results = _deliver(settings, plans)
    _record(session, actor, as_of, results, now, force)
    return results


def _sent_on_the_day(
    session: Session, reports: Sequence[MissingReport], now: datetime, config: Mapping[str, Any]
) -> set[int]:
    """Contracts reminded successfully for their month on `now`'s day, in the team's zone."""
    if not reports:
        return set()
    zone = ZoneInfo(str(config.get("BABEL_DEFAULT_TIMEZONE") or clock.PARIS.key))
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    ids = [r.contract.id for r in reports]
    done: set[int] = set()
    for chunk in _chunks(ids):
        done.update(
            session.scalars(
                sa.select(Reminder.contract_id).where(
                    Reminder.contract_id.in_(chunk),
                    Reminder.month == reports[0].month,
                    Reminder.is_sent,
                    Reminder.sent_at >= start,
                    Reminder.sent_at < end,
                )
            )
        )
    return done


def _plan(
    report: MissingReport,
    settings: mail.MailSettings,
    links: Links | None,
    now: datetime,
    skipped: set[int],
) -> ReminderResult:
    contract = report.contract
    subject = reminder_subject(report)
    result = ReminderResult(
        contract.id, contract.reference, report.month, report.contacts, Outcome.TO_SEND, subject
    )
    if not report.contacts:
        return replace(result, outcome=Outcome.NO_CONTACT)
    if contract.id in skipped:
        return replace(result, outcome=Outcome.ALREADY_SENT)
    body = _body(report, month_text(report.month), links)
    return replace(result, message=mail.new_message(settings, report.contacts, subject, body, now))


def _deliver(settings: mail.MailSettings, plans: list[ReminderResult]) -> list[ReminderResult]:
    """Send the planned messages over one connection; a failure is kept on its result."""
    if not any(p.outcome is Outcome.TO_SEND for p in plans):
        return plans
    try:
        smtp = mail.open_connection(settings)
    except mail.SEND_ERRORS as error:
        reason = mail.error_text(error, settings)
        return [_failed(p, reason) if p.outcome is Outcome.TO_SEND else p for p in plans]
    try:
        return [_send(smtp, settings, p) for p in plans]
    finally:
        mail.close(smtp)


def _send(smtp: SMTP, settings: mail.MailSettings, plan: ReminderResult) -> ReminderResult:
    if plan.outcome is not Outcome.TO_SEND or plan.message is None:
        return plan
    try:
        refused = mail.send(smtp, plan.message)
    except mail.SEND_ERRORS as error:
        return _failed(plan, mail.error_text(error, settings))
    outcome = Outcome.FAILED if set(refused) >= set(plan.recipients) else Outcome.SENT
    return replace(plan, outcome=outcome, errors=refused)


def _failed(plan: ReminderResult, reason: str) -> ReminderResult:
    return replace(plan, outcome=Outcome.FAILED, errors=dict.fromkeys(plan.recipients, reason))


def _record(
    session: Session,
    actor: User | None,
    as_of: date,
    results: list[ReminderResult],
    now: datetime,
    force: bool,
) -> None:
    """A Reminder per recipient of each attempt, and one audit event for the run."""
    if not results:
        return
    for result in results:
        if result.outcome not in (Outcome.SENT, Outcome.FAILED):
            continue
        for recipient in result.recipients:
            error = result.errors.get(recipient, "")
            session.add(
                Reminder(
                    contract_id=result.contract_id,
                    month=result.month,
                    recipient=recipient,
                    sent_at=now,
                    sent_by_id=actor.id if actor else None,
                    is_sent=not error,
                    error=error[:500],
                )
            )
    counts = {outcome.value: 0 for outcome in Outcome if outcome is not Outcome.TO_SEND}
    for result in results:
        counts[result.outcome.value] += 1
    audit.record(
        session,
        actor,
        "send_reminders",
        "reminder",
        results[0].month.isoformat(),
        as_of=as_of.isoformat(),
        forced=force,
        recipients=sum(
            len(r.recipients) - len(r.errors) for r in results if r.outcome is Outcome.SENT
        ),
        **counts,
    )


# The e-mail. Contractors read it outside the app: in French unless a language is given
# (mail.catalogue).


def reminder_subject(report: MissingReport, locale: str = "fr") -> str:
    _ = mail.catalogue(locale).gettext
    return _("Insertion hours report expected for %(month)s — contract %(reference)s") % {
        "month": month_text(report.month, locale),
        "reference": report.contract.reference,
    }


def month_text(month: date, locale: str = "fr") -> str:
    """ "mars 2024"; written after "pour" or "en", never "de" (no "de août")."""
    return format_date(month, "MMMM y", locale=locale)


def _body(report: MissingReport, month: str, links: Links | None, locale: str = "fr") -> str:
    _ = mail.catalogue(locale).gettext
    contract = report.contract
    upload = (
        _("upload it on Clauses: %(link)s") % {"link": links.upload}
        if links
        else _("upload it on Clauses (menu “Hour sheets”, “Send an hour sheet”)")
    )
    page = f": {links.contract(contract.id)}" if links else ""
    values = {
        "month": month,
        "reference": contract.reference,
        "title": contract.title,
        "operation": contract.operation.name,
        "buyer": contract.operation.buyer.name,
        "contractor": contract.contractor.name,
        "upload": upload,
        "page": page,
    }
    return "\n".join(
        line % values
        for line in (
            _("Hello,"),
            "",
            _(
                "Unless we are mistaken, we have not received the report of insertion hours for "
                "%(month)s of the following contract:"
            ),
            "",
            _("  Contract: %(reference)s — %(title)s"),
            _("  Operation: %(operation)s (%(buyer)s)"),
            _("  Contractor: %(contractor)s"),
            "",
            _(
                "The hours of a month are reported in the first days of the next month. To send "
                "the report (Excel, ODS or CSV; a template is offered), %(upload)s."
            ),
            "",
            _(
                "If no insertion hours were worked on this contract in %(month)s, declare "
                "“nothing to report” for that month on the contract's page%(page)s."
            ),
            "",
            _("Thank you in advance,"),
            _("The social clause facilitation team"),
            "",
            "-- ",
            _("Message sent by Clauses, the follow-up of social-insertion clauses."),
        )
    )
