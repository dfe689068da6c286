"""Placement states: the moves the pages offer, and who is busy on a date (DESIGN.md)."""

from datetime import date

import pytest

from clauses.rules.placements import PlacementState, can_move, is_busy

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
