"""When signing in to an account from an address is delayed: after too many failures.

The delay is for the pair only: the same account from another address, and other accounts from
this address, sign in as usual, so that nobody can lock the clause team out by failing on
purpose. Plain times in, a time out: the failures come from the audit log.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

FAILURES_BEFORE_DELAY = 10
WINDOW = timedelta(minutes=15)


def delayed_until(
    failures: Iterable[datetime],
    now: datetime,
    *,
    limit: int = FAILURES_BEFORE_DELAY,
    window: timedelta = WINDOW,
) -> datetime | None:
    """Until when the pair must wait, given the times of its failed sign-ins: None while fewer
    than `limit` of them fall in the `window` before `now`; else the moment the `limit`-th
    latest of them leaves the window, when fewer than `limit` are left in it."""
    recent = sorted(at for at in failures if now - window < at <= now)
    if len(recent) < limit:
        return None
    return recent[-limit] + window
