"""A contractor's job offer: open until its places are filled by hires, or until it is closed."""

from datetime import datetime
from enum import StrEnum

from clauses.rules.placements import PlacementState


class OfferState(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"


# A place is filled by a hire, and stays filled when that job ends: the offer was answered.
FILLING_STATES = frozenset({PlacementState.HIRED, PlacementState.ENDED})


def offer_state(closed_at: datetime | None, places: int, hires: int) -> OfferState:
    """Closed by the contractor (or the clause team) whatever its hires; else filled once it
    has as many hires as places; else open."""
    if closed_at is not None:
        return OfferState.CLOSED
    return OfferState.FILLED if hires >= places else OfferState.OPEN


def places_left(places: int, hires: int) -> int:
    return max(0, places - hires)
