"""The sign-in delay rule, on plain times."""

from datetime import UTC, datetime, timedelta

from clauses.rules.sign_in import FAILURES_BEFORE_DELAY, WINDOW, delayed_until

NOW = datetime(2024, 4, 8, 10, 0, tzinfo=UTC)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_the_rule_counts_ten_failures_in_fifteen_minutes():
    assert FAILURES_BEFORE_DELAY == 10
    assert timedelta(minutes=15) == WINDOW


def test_nine_failures_do_not_delay():
    assert delayed_until(minutes_ago(*range(9)), NOW) is None


def test_the_tenth_failure_delays_until_the_oldest_leaves_the_window():
    failures = minutes_ago(*range(10))  # 0 to 9 minutes ago
    assert delayed_until(failures, NOW) == NOW - timedelta(minutes=9) + WINDOW


def test_with_more_failures_the_delay_ends_when_fewer_than_ten_are_left():
    failures = minutes_ago(*range(12))  # 0 to 11 minutes ago: the tenth latest is 9 minutes ago
    assert delayed_until(failures, NOW) == NOW + timedelta(minutes=6)


def test_failures_older_than_the_window_do_not_count():
    assert delayed_until(minutes_ago(*range(5), *range(15, 30)), NOW) is None


def test_the_order_of_the_failures_does_not_matter():
    failures = minutes_ago(*range(10))
    assert delayed_until(reversed(failures), NOW) == delayed_until(failures, NOW)


def test_once_the_delay_is_over_the_pair_may_try_again():
    failures = minutes_ago(*range(10))
    until = delayed_until(failures, NOW)
    assert until is not None
    assert delayed_until(failures, until) is None
    assert delayed_until(failures, until - timedelta(seconds=1)) == until
