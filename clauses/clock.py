"""The one clock of the app: "today" is the date in Paris, whatever the server's zone.

Hours, months and reminders are the clause team's, in France: at 23:30 UTC on 31 December it
is already 1 January there. Tests set the time by replacing `now` (or `today`) here.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(PARIS).date()


def as_utc(moment: datetime) -> datetime:
    """A time read back from the database: SQLite keeps no zone, and stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
