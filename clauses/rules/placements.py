"""A placement's states and the rules on them (DESIGN.md "Precise candidate rules"): which
moves a facilitator or a contractor may make, and who is busy."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from clauses.rules.dates import months_between, previous_month


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


# A proposal the contractor has not answered after this many days is shown "sans réponse".
ANSWER_DAYS = 15


def is_unanswered(state: PlacementState, state_on: date, today: date) -> bool:
    """Still proposed, ANSWER_DAYS days or more after the proposal."""
    return state is PlacementState.PROPOSED and (today - state_on).days >= ANSWER_DAYS


# A hired person's hours are due in the first days of the month after each month worked (the
# reporting month is the one before today's): after this many reported months since the hire
# month, a hire without hours is flagged.
REPORTED_MONTHS_BEFORE_FLAG = 2


def lacks_hours(
    state: PlacementState, hire_date: date | None, hours_since_hire: Decimal, as_of: date
) -> bool:
    """A hired placement whose hire month and the month after have both been due (the hire
    month is at least two reporting months back), with no hours of that person on that
    contract since the hire month."""
    if state is not PlacementState.HIRED or hire_date is None or hours_since_hire > 0:
        return False
    reported = months_between(hire_date, previous_month(as_of))
    return reported >= REPORTED_MONTHS_BEFORE_FLAG
