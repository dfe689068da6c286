"""Recognising people: normalised name and birth date, a near spelling with the same birth date,
or the name alone when the birth date is missing and only one known person has that name.

An exact match is sought among everyone; a near spelling or the name alone only among the
people known to the uploader (DESIGN.md, "What a contractor is shown"): a contractor never
learns a registered spelling, nor that someone it did not know is in the programme."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rapidfuzz import fuzz, process

from clauses.rules.names import name_key

FUZZY_THRESHOLD = 85


@dataclass(eq=False, slots=True)
class Person:
    """A registered person (id set), or one this file creates (is_new; id set once committed).
    is_known_to_uploader: known to the uploader before this file (see access.policy.known_to);
    never for a person the file creates."""

    id: int | None
    last_name: str
    first_name: str
    name_key: str
    birth_date: date
    is_known_to_uploader: bool = True
    is_new: bool = False


class MatchKind(StrEnum):
    EXACT = "exact"
    FUZZY = "fuzzy"
    NAME_ONLY = "name_only"  # no readable birth date, one known person with that name
    NEW = "new"
    AMBIGUOUS = "ambiguous"
    NO_BIRTH_DATE = "no_birth_date"  # no readable birth date and no single person to fit


@dataclass(frozen=True, slots=True)
class Match:
    outcome: MatchKind
    person: Person | None = None
    # An exact match on a registered person the uploader did not know, named for the first time
    # in this file: the uploader is shown a new person (participant_new), the clause team the
    # truth.
    introduces: bool = False


class People:
    """Everyone registered, for an exact match. Among them, the people known to the uploader
    and those this file named or created so far, for a near spelling or the name alone.

    An import that never creates people (the follow-up sheet) says so: a person not found is
    then NEW without a person, and later rows do not find them either."""

    def __init__(self, people: Iterable[Person] = (), *, may_create: bool = True) -> None:
        self._may_create = may_create
        self._exact: dict[tuple[str, date], Person] = {}
        self._by_name: defaultdict[str, list[Person]] = defaultdict(list)
        self._by_birth: defaultdict[date, list[Person]] = defaultdict(list)
        for person in people:
            self._exact[(person.name_key, person.birth_date)] = person
            if person.is_known_to_uploader:
                self._know(person)

    def _know(self, person: Person) -> None:
        self._by_name[person.name_key].append(person)
        self._by_birth[person.birth_date].append(person)

    def match(self, last_name: str, first_name: str, birth_date: date | None) -> Match:
        key = name_key(last_name, first_name)
        if birth_date is None:
            namesakes = self._by_name.get(key, [])
            if len(namesakes) == 1:
                return Match(MatchKind.NAME_ONLY, namesakes[0])
            return Match(MatchKind.NO_BIRTH_DATE)
        exact = self._exact.get((key, birth_date))
        if exact is not None:
            return self._exact_match(exact)
        return self._near(key, birth_date) or self._create(last_name, first_name, key, birth_date)

    def _exact_match(self, person: Person) -> Match:
        # Once the file names someone with their exact name and birth date, the uploader knows
        # them: its later rows may give a near spelling or the name alone.
        introduces = person not in self._by_name[person.name_key]
        if introduces:
            self._know(person)
        return Match(MatchKind.EXACT, person, introduces=introduces)

    def _near(self, key: str, birth_date: date) -> Match | None:
        same_birth = self._by_birth.get(birth_date, [])
        if not same_birth:
            return None
        hits = process.extract(
            key,
            [person.name_key for person in same_birth],
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_THRESHOLD,
            limit=None,
        )
        if len(hits) == 1:
            return Match(MatchKind.FUZZY, same_birth[hits[0][2]])
        if len(hits) > 1:
            return Match(MatchKind.AMBIGUOUS)
        return None

    def _create(self, last_name: str, first_name: str, key: str, birth_date: date) -> Match:
        if not self._may_create:
            return Match(MatchKind.NEW)
        person = Person(
            None,
            last_name.strip(),
            first_name.strip(),
            key,
            birth_date,
            is_known_to_uploader=False,
            is_new=True,
        )
        self._exact[(key, birth_date)] = person
        self._know(person)
        return Match(MatchKind.NEW, person)
