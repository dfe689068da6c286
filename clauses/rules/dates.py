"""Months, as the domain counts them: an hour entry's month is its first day."""

import calendar
from datetime import date


def first_day_of_month(day: date) -> date:
    return day.replace(day=1)


def last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(day: date) -> date:
    """The first day of the month before the one of `day`."""
    first = first_day_of_month(day)
    return date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from `first`'s month to `last`'s, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def months_of(start: date, end: date) -> list[date]:
    """The first days of the months from `start`'s to `end`'s, both included."""
    first = first_day_of_month(start)
    return [add_months(first, i) for i in range(months_between(first, end))]


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February gives the 28th): someone born after it is
    younger than `years` on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
