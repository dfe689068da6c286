"""Months and birthdays as the domain counts them."""

from datetime import date

import pytest

from clauses.rules.dates import months_of, years_before


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 4, 8), 26, date(1998, 4, 8)),
        (date(2024, 2, 29), 26, date(1998, 2, 28)),
    ],
)
def test_years_before(day, years, expected):
    assert years_before(day, years) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 1, 15), date(2024, 1, 20), [date(2024, 1, 1)]),
        (date(2024, 11, 30), date(2025, 2, 1), [date(2024, m, 1) for m in (11, 12)]
         + [date(2025, m, 1) for m in (1, 2)]),
        (date(2024, 3, 1), date(2024, 2, 28), []),
    ],
)  # fmt: skip
def test_months_of(start, end, expected):
    assert months_of(start, end) == expected
