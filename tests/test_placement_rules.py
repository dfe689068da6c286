"""Placement states: the moves the pages offer, who is busy on a date (DESIGN.md), a proposal
without an answer, a hire without hours; a job offer open, filled or closed."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clauses.rules.job_offers import OfferState, offer_state, places_left
from clauses.rules.placements import PlacementState, can_move, is_busy, is_unanswered, lacks_hours

D = date(2026, 3, 11)
P = PlacementState


@pytest.mark.parametrize(
    ("state", "hire", "end", "busy"),
    [
        (P.PROPOSED, None, None, True),
        (P.INTERVIEW, None, None, True),
        (P.HIRED, date(2026, 1, 5), None, True),  # no end date
        (P.HIRED, date(2026, 1, 5), D, True),  # hired until the as-of date
        (P.HIRED, date(2026, 3, 12), None, True),  # a hire starting after D
        (P.HIRED, date(2026, 1, 5), date(2026, 3, 10), False),  # until the day before
        (P.ENDED, date(2026, 1, 5), None, False),
        (P.REFUSED, None, None, False),
        (P.WITHDRAWN, None, None, False),
    ],
)
def test_who_is_busy(state: P, hire: date | None, end: date | None, busy: bool) -> None:
    assert is_busy(state, hire, end, D) is busy


def test_moves_go_forward_only() -> None:
    assert can_move(P.PROPOSED, P.INTERVIEW)
    assert can_move(P.PROPOSED, P.HIRED)
    assert can_move(P.INTERVIEW, P.REFUSED)
    assert can_move(P.HIRED, P.ENDED)
    assert not can_move(P.HIRED, P.PROPOSED)
    assert not can_move(P.INTERVIEW, P.PROPOSED)
    for final in (P.ENDED, P.REFUSED, P.WITHDRAWN):
        assert not any(can_move(final, other) for other in P)


@pytest.mark.parametrize(
    ("state", "proposed_on", "unanswered"),
    [
        (P.PROPOSED, date(2026, 2, 25), False),  # 14 days
        (P.PROPOSED, date(2026, 2, 24), True),  # 15 days: "sans réponse"
        (P.INTERVIEW, date(2026, 1, 1), False),  # answered
        (P.REFUSED, date(2026, 1, 1), False),
    ],
)
def test_a_proposal_is_unanswered_after_15_days(
    state: P, proposed_on: date, unanswered: bool
) -> None:
    assert is_unanswered(state, proposed_on, D) is unanswered


@pytest.mark.parametrize(
    ("state", "hire", "worked", "as_of", "flagged"),
    [
        # Hired in January: January's hours were due in February, February's in March.
        (P.HIRED, date(2026, 1, 20), Decimal(0), date(2026, 3, 2), True),
        (P.HIRED, date(2026, 1, 20), Decimal(0), date(2026, 2, 27), False),  # one month due
        (P.HIRED, date(2026, 1, 20), Decimal("7.5"), date(2026, 6, 1), False),  # hours came
        (P.HIRED, date(2026, 3, 2), Decimal(0), date(2026, 3, 11), False),  # hired this month
        (P.HIRED, date(2025, 12, 31), Decimal(0), date(2026, 2, 1), True),  # Dec and Jan due
        (P.ENDED, date(2026, 1, 20), Decimal(0), date(2026, 6, 1), False),  # not hired now
        (P.PROPOSED, None, Decimal(0), date(2026, 6, 1), False),
    ],
)
def test_a_hire_without_hours_after_two_reporting_months_is_flagged(
    state: P, hire: date | None, worked: Decimal, as_of: date, flagged: bool
) -> None:
    assert lacks_hours(state, hire, worked, as_of) is flagged


@pytest.mark.parametrize(
    ("closed", "places", "hires", "state", "left"),
    [
        (None, 2, 0, OfferState.OPEN, 2),
        (None, 2, 1, OfferState.OPEN, 1),
        (None, 2, 2, OfferState.FILLED, 0),
        (None, 2, 3, OfferState.FILLED, 0),
        (datetime(2026, 3, 1, tzinfo=UTC), 2, 0, OfferState.CLOSED, 2),
        (datetime(2026, 3, 1, tzinfo=UTC), 2, 2, OfferState.CLOSED, 0),
    ],
)
def test_a_job_offer_fills_with_hires_or_is_closed(
    closed: datetime | None, places: int, hires: int, state: OfferState, left: int
) -> None:
    assert offer_state(closed, places, hires) is state
    assert places_left(places, hires) == left
