"""The demo's hours, sent as contractors send them: one hour sheet per contractor and month,
imported through the timesheet service, and a "nothing to report" declared through the contract
page's service. So the demo's batches, entries, summaries and audit trail are the real ones."""

import csv
import io
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from clauses.models import Contract, ImportBatch, Organisation, Participant, User
from clauses.models.enums import SHEET_LABELS
from clauses.rules.dates import add_months
from clauses.rules.names import normalise_name
from clauses.services import compliance, timesheets
from clauses.services.demo.catalogue import (
    CONTRACTOR_ACCOUNT,
    DEMO_CONTRACTOR,
    FACILITATOR_ACCOUNT,
)
from clauses.services.demo.simulator import SheetLine
from imports.template import HEADERS


def send_sheets(
    session: Session,
    rng: random.Random,
    lines: Sequence[SheetLine],
    people: Sequence[Participant],
    contractors: dict[str, Organisation],
    users: dict[str, User],
    today: date,
) -> int:
    """Import each contractor's sheet of each month, as sent early the next month (never after
    `today`). The demo contractor sends its own; the clause team sends the others'. Returns the
    number of sheets."""
    grouped: defaultdict[tuple[date, str], list[SheetLine]] = defaultdict(list)
    for line in lines:
        grouped[(line.month, line.site.lot.contractor)].append(line)
    for (month, key), sheet in sorted(grouped.items()):
        own = key == DEMO_CONTRACTOR
        sent = _sent_at(add_months(month, 1) + timedelta(days=rng.randint(2, 9)), today)
        report = timesheets.import_timesheet(
            session,
            _csv(sheet, people),
            f"releve-{_slug(contractors[key].name)}-{month:%Y-%m}.csv",
            as_of=sent.date(),
            uploader=users[CONTRACTOR_ACCOUNT if own else FACILITATOR_ACCOUNT],
            contractor_id=contractors[key].id if own else None,
            commit=True,
        )
        session.get_one(ImportBatch, report.batch_id).uploaded_at = sent.replace(
            minute=rng.randint(0, 59)
        )
    return len(grouped)


def declare_quiet_month(
    session: Session, contract: Contract, month: date, contractor: User, today: date
) -> None:
    """The contractor's "nothing to report" for `month`, made a few days after it."""
    declaration = compliance.declare_no_hours(session, contractor, contract, month, today)
    declaration.declared_at = _sent_at(add_months(month, 1) + timedelta(days=3), today)


def _sent_at(day: date, today: date) -> datetime:
    """Nine in the morning of `day`, or of yesterday when `day` is not over yet: on the 1st,
    last month's sheets were sent on its last day at the latest."""
    return datetime.combine(min(day, today - timedelta(days=1)), time(9), UTC)


def _csv(lines: Sequence[SheetLine], people: Sequence[Participant]) -> bytes:
    """The sheet as a contractor would write it: names in capitals, French dates and hours."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for line in lines:
        person = people[line.worker]
        writer.writerow(
            [line.site.reference, person.last_name.upper(), person.first_name,
             f"{person.birth_date:%d/%m/%Y}", f"{line.month:%m/%Y}",
             f"{line.hours.normalize():f}".replace(".", ","),
             SHEET_LABELS[line.employment_type], line.employer]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def _slug(name: str) -> str:
    return normalise_name(name).lower().replace(" ", "-")
