"""A placement's states and the rules on them (DESIGN.md "Precise candidate rules"): which
moves a facilitator or a contractor may make, and who is busy."""

from datetime import date
from enum import StrEnum


class PlacementState(StrEnum):
    """proposed → interview → hired → ended, or refused / withdrawn."""

    PROPOSED = "proposed"
    INTERVIEW = "interview"
    HIRED = "hired"
    ENDED = "ended"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


# The moves the pages offer. A follow-up sheet (import-pathways) records whatever state the
# facilitators wrote, since it tells what already happened.
MOVES: dict[PlacementState, frozenset[PlacementState]] = {
    PlacementState.PROPOSED: frozenset(
        {
            PlacementState.INTERVIEW,
            PlacementState.HIRED,
            PlacementState.REFUSED,
            PlacementState.WITHDRAWN,
        }
    ),
    PlacementState.INTERVIEW: frozenset(
        {PlacementState.HIRED, PlacementState.REFUSED, PlacementState.WITHDRAWN}
    ),
    PlacementState.HIRED: frozenset({PlacementState.ENDED}),
    PlacementState.ENDED: frozenset(),
    PlacementState.REFUSED: frozenset(),
    PlacementState.WITHDRAWN: frozenset(),
}


def can_move(current: PlacementState, new: PlacementState) -> bool:
    return new in MOVES[current]


def is_busy(
    state: PlacementState, hire_date: date | None, end_date: date | None, as_of: date
) -> bool:
    """Busy on D: proposed or in interview, or hired with no end date or an end on or after D
    (a hire starting after D included). Ended, refused and withdrawn never are."""
    if state in (PlacementState.PROPOSED, PlacementState.INTERVIEW):
        return True
    if state is PlacementState.HIRED:
        return end_date is None or end_date >= as_of
    return False
