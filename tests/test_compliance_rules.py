"""The compliance rules of DESIGN.md, as pure functions: every status, the edges, open places."""

from datetime import date
from decimal import Decimal

import pytest

from clauses.rules.compliance import (
    ContractTerms,
    MonthHours,
    Status,
    Thresholds,
    assess,
    expected_hours,
    reporting_month,
)

VALIDATED = date(2023, 1, 1)
L04 = ContractTerms(date(2023, 9, 1), date(2024, 8, 31), Decimal(900))


def hours(*items, validated_on=VALIDATED):
    return [MonthHours(date(y, m, 1), validated_on, Decimal(str(h))) for (y, m), h in items]


@pytest.mark.parametrize(
    ("as_of", "month"),
    [
        (date(2024, 4, 8), date(2024, 3, 1)),
        (date(2024, 1, 1), date(2023, 12, 1)),
        (date(2024, 3, 31), date(2024, 2, 1)),
    ],
)
def test_reporting_month_is_the_month_before(as_of, month):
    assert reporting_month(as_of) == month


def test_expected_is_linear_over_the_days():
    assert round(expected_hours(L04, date(2024, 3, 1)), 2) == Decimal("523.77")
    assert expected_hours(L04, date(2023, 8, 1)) == 0  # before the start: clamped at 0
    assert expected_hours(L04, date(2025, 1, 1)) == 900  # after the end: clamped at 1


def test_a_schedule_replaces_the_linear_curve_capped_at_the_commitment():
    terms = ContractTerms(
        L04.start,
        L04.end,
        Decimal(900),
        {
            date(2023, 9, 1): Decimal(100),
            date(2024, 3, 1): Decimal(500),
            date(2024, 4, 1): Decimal(900),
        },
    )
    assert expected_hours(terms, date(2024, 2, 1)) == 100
    assert expected_hours(terms, date(2024, 3, 1)) == 600
    assert expected_hours(terms, date(2024, 4, 1)) == 900


def test_the_at_risk_contract_of_the_fixtures():
    records = hours(
        ((2023, 9), 35),
        ((2023, 10), 35),
        ((2023, 11), 35),
        ((2023, 12), 35),
        ((2024, 1), 55.5),
        ((2024, 2), 55.5),
        ((2024, 3), 69.5),
    )
    result = assess(L04, records, [], date(2024, 4, 8))
    assert (result.status, result.expected_hours, result.realised_hours) == (
        Status.AT_RISK,
        Decimal("523.77"),
        Decimal("320.5"),
    )
    assert (result.pending_hours, result.missing_report, result.open_places) == (0, False, 1)


@pytest.mark.parametrize(
    ("terms", "realised", "status"),
    [
        (ContractTerms(date(2024, 4, 1), date(2024, 12, 31), Decimal(100)), 0, Status.NOT_STARTED),
        # One day in R: 0.36 h expected and none realised.
        (ContractTerms(date(2024, 3, 31), date(2024, 12, 31), Decimal(100)), 0, Status.BEHIND),
        (ContractTerms(date(2023, 1, 1), date(2024, 12, 31), Decimal(100)), 100, Status.FULFILLED),
        (ContractTerms(date(2023, 1, 1), date(2024, 2, 29), Decimal(100)), 99, Status.ENDED_SHORT),
        (ContractTerms(date(2023, 1, 1), date(2024, 3, 1), Decimal(100)), 50, Status.BEHIND),
        (
            ContractTerms(date(2024, 1, 1), date(2024, 6, 30), Decimal(600)),
            Decimal("270"),
            Status.ON_TRACK,
        ),
        (
            ContractTerms(date(2024, 1, 1), date(2024, 6, 30), Decimal(600)),
            Decimal("269"),
            Status.AT_RISK,
        ),
        (
            ContractTerms(date(2024, 1, 1), date(2024, 6, 30), Decimal(600)),
            Decimal("180"),
            Status.AT_RISK,
        ),
        (
            ContractTerms(date(2024, 1, 1), date(2024, 6, 30), Decimal(600)),
            Decimal("179"),
            Status.BEHIND,
        ),
    ],
)
def test_every_status(terms, realised, status):
    records = hours(((2024, 1), realised)) if realised else []
    # Contracts over Jan-Jun 2024 with 600 h: 91 of 182 days, 300 h expected by the end of March.
    assert assess(terms, records, [], date(2024, 4, 8)).status is status


def test_thresholds_are_configurable():
    terms = ContractTerms(date(2024, 1, 1), date(2024, 6, 30), Decimal(600))
    records = hours(((2024, 1), 250))
    assert assess(terms, records, [], date(2024, 4, 8)).status is Status.AT_RISK
    assert (
        assess(
            terms, records, [], date(2024, 4, 8), Thresholds(Decimal("0.8"), Decimal("0.5"))
        ).status
        is Status.ON_TRACK
    )


def test_expected_zero_counts_as_on_track():
    terms = ContractTerms(
        date(2024, 3, 31), date(2024, 12, 31), Decimal(100), {date(2024, 6, 1): Decimal(100)}
    )
    assert assess(terms, [], [], date(2024, 4, 8)).status is Status.ON_TRACK


def test_unvalidated_people_are_pending_for_every_month_and_count_once_validated():
    records = hours(((2024, 3), 42), ((2024, 4), 10), validated_on=None) + hours(
        ((2024, 3), 8), validated_on=date(2024, 4, 9)
    )
    result = assess(L04, records, [], date(2024, 4, 8))
    assert (result.realised_hours, result.pending_hours) == (0, 60)
    later = assess(L04, records, [], date(2024, 4, 9))
    assert (later.realised_hours, later.pending_hours) == (8, 52)


def test_hours_after_the_reporting_month_are_not_realised_yet():
    result = assess(L04, hours(((2024, 3), 10), ((2024, 4), 20)), [], date(2024, 4, 8))
    assert result.realised_hours == 10


def test_hours_before_the_start_still_count():
    result = assess(L04, hours(((2023, 8), 30)), [], date(2024, 4, 8))
    assert result.realised_hours == 30


@pytest.mark.parametrize(
    ("records", "declared", "missing"),
    [
        ([], [], True),
        (hours(((2024, 2), 10)), [], True),
        (hours(((2024, 3), 10), validated_on=None), [], False),
        ([], [date(2024, 3, 1)], False),
    ],
)
def test_missing_report_for_the_reporting_month(records, declared, missing):
    assert assess(L04, records, declared, date(2024, 4, 8)).missing_report is missing


@pytest.mark.parametrize(
    ("terms", "missing"),
    [
        (
            ContractTerms(date(2024, 3, 31), date(2024, 12, 31), Decimal(10)),
            True,
        ),  # starts inside R
        (ContractTerms(date(2023, 1, 1), date(2024, 3, 1), Decimal(10)), True),  # ends inside R
        (ContractTerms(date(2024, 4, 1), date(2024, 12, 31), Decimal(10)), False),  # not started
        (ContractTerms(date(2023, 1, 1), date(2024, 2, 29), Decimal(10)), False),  # ended before R
    ],
)
def test_missing_report_only_for_contracts_active_in_r(terms, missing):
    assert assess(terms, [], [], date(2024, 4, 8)).missing_report is missing


def test_open_places_from_hours_owed_and_recent_pace():
    terms = ContractTerms(date(2024, 1, 1), date(2024, 12, 31), Decimal(3000))
    # 9 months left (Apr-Dec), 3000 - 300 owed: 300 a month needed; pace 100: 200 h short.
    result = assess(
        terms, hours(((2024, 1), 100), ((2024, 2), 100), ((2024, 3), 100)), [], date(2024, 4, 8)
    )
    assert result.open_places == 2  # ceil(200 / 151.67)


def test_pace_counts_only_months_since_the_start():
    terms = ContractTerms(date(2024, 3, 1), date(2024, 12, 31), Decimal(1000))
    result = assess(terms, hours(((2024, 3), 100)), [], date(2024, 4, 8))
    # needed (1000 - 100) / 9 = 100 a month, pace 100 (one month): nothing more.
    assert result.open_places == 0


@pytest.mark.parametrize(
    "terms",
    [
        ContractTerms(date(2023, 1, 1), date(2024, 3, 31), Decimal(3000)),  # ends in R
        ContractTerms(date(2024, 5, 1), date(2024, 12, 31), Decimal(3000)),  # not started
        ContractTerms(date(2023, 1, 1), date(2024, 1, 31), Decimal(3000)),  # ended short
    ],
)
def test_no_open_places_outside_running_contracts(terms):
    assert assess(terms, [], [], date(2024, 4, 8)).open_places == 0
