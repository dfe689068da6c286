"""Where people live and where sites are: a commune found from what a person or a file wrote
(a name, an INSEE code or a postcode), and the straight-line distance between two communes.

DESIGN.md, "Precise candidate rules" and "Where the candidate rules leave a choice": the text is
trimmed (empty is not found); five characters are tried as a current INSEE code, then a former
one, then a postcode; else the exact normalised name (a leading ST / STE reads SAINT / SAINTE),
among current communes first and among former names only when no current commune has it.
Several matches go to the first programme département, else to the lowest INSEE code; for a
postcode, an arrondissement comes before its city (75019 is Paris 19e). A former commune (one
merged into another, such as Pierrefitte-sur-Seine into Saint-Denis) resolves to the current one.

Pure: the table is built from rows (services/communes.py reads the shipped files once).
"""

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from clauses.rules.names import normalise_name

# Seine-Saint-Denis first, then Paris, the inner ring and the rest of Île-de-France.
DEFAULT_DEPARTMENTS = ("93", "75", "92", "94", "95", "77", "78", "91")
EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # of latitude, the most a degree can be apart
CODE_LENGTH = 5
# The cities split into arrondissements, and the first digits of their arrondissements' codes.
ARRONDISSEMENTS = {"75056": "751", "69123": "6938", "13055": "132"}
SAINT = {"ST": "SAINT", "STE": "SAINTE"}


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    department: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class FormerCommune:
    """A commune that no longer exists on its own (déléguée, associée), and the current
    commune it belongs to."""

    insee: str
    name: str
    current_insee: str


def commune_of(row: Mapping[str, str]) -> Commune:
    """A row of communes.csv: insee, name, postcodes (separated by spaces), department, lat,
    lon."""
    return Commune(
        insee=row["insee"],
        name=row["name"],
        postcodes=tuple(row["postcodes"].split()),
        department=row["department"],
        lat=float(row["lat"]),
        lon=float(row["lon"]),
    )


def former_of(row: Mapping[str, str]) -> FormerCommune:
    """A row of communes_former.csv: insee, name, current_insee."""
    return FormerCommune(row["insee"], row["name"], row["current_insee"])


def name_key(text: str) -> str:
    """A commune's name as compared: normalised as people's names are, a leading ST / STE
    read as SAINT / SAINTE ("St-Ouen-sur-Seine", "ST DENIS")."""
    words = normalise_name(text).split(" ")
    words[0] = SAINT.get(words[0], words[0])
    return " ".join(words)


class CommuneTable:
    """Every commune by INSEE code, name and postcode; former communes by code and name."""

    def __init__(self, communes: Iterable[Commune], former: Iterable[FormerCommune]) -> None:
        self._by_code: dict[str, Commune] = {}
        self._by_name: defaultdict[str, list[Commune]] = defaultdict(list)
        self._by_postcode: defaultdict[str, list[Commune]] = defaultdict(list)
        for commune in communes:
            self._by_code[commune.insee] = commune
            self._by_name[name_key(commune.name)].append(commune)
            for postcode in commune.postcodes:
                self._by_postcode[postcode].append(commune)
        # By latitude, to find the communes near one without measuring every distance.
        self._by_lat = sorted(self._by_code.values(), key=lambda commune: commune.lat)
        self._lats = [commune.lat for commune in self._by_lat]
        self._former_code: dict[str, Commune] = {}
        self._former_name: defaultdict[str, list[Commune]] = defaultdict(list)
        for old in former:
            current = self._by_code.get(old.current_insee)
            if current is None:
                continue
            self._former_code[old.insee] = current
            self._former_name[name_key(old.name)].append(current)

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, insee: str | None) -> Commune | None:
        """The current commune of this INSEE code (as stored once resolved)."""
        return self._by_code.get(insee) if insee else None

    def within(self, centre: Commune, km: float) -> list[tuple[Commune, float]]:
        """The communes whose centroid lies within `km` of the centre's (itself included), with
        their distance."""
        degrees = km / KM_PER_DEGREE
        low = bisect.bisect_left(self._lats, centre.lat - degrees)
        high = bisect.bisect_right(self._lats, centre.lat + degrees)
        # A degree of longitude is shortest at the band's highest latitude: farther apart in
        # longitude than `km` there, a commune is farther than `km`.
        widest = min(89.0, abs(centre.lat) + degrees)
        lon_degrees = degrees / math.cos(math.radians(widest))
        near = (
            (commune, distance_km(centre, commune))
            for commune in self._by_lat[low:high]
            if abs(commune.lon - centre.lon) <= lon_degrees
        )
        return [(commune, d) for commune, d in near if d <= km]

    def resolve(
        self, text: str, departments: Sequence[str] = DEFAULT_DEPARTMENTS
    ) -> Commune | None:
        """The commune `text` designates, or None when none does."""
        text = text.strip()
        if not text:
            return None
        if len(text) == CODE_LENGTH:
            code = text.upper()
            found = self._by_code.get(code) or self._former_code.get(code)
            if found is not None:
                return found
            by_postcode = self._by_postcode.get(code)
            if by_postcode:
                return pick(_arrondissements_first(by_postcode), departments)
        key = name_key(text)
        matches = self._by_name.get(key) or self._former_name.get(key)
        return pick(matches, departments) if matches else None


def pick(matches: Sequence[Commune], departments: Sequence[str]) -> Commune:
    """Among several communes: those of the first programme département that has any, else
    all; then the lowest INSEE code."""
    for department in departments:
        inside = [commune for commune in matches if commune.department == department]
        if inside:
            return min(inside, key=lambda commune: commune.insee)
    return min(matches, key=lambda commune: commune.insee)


def _arrondissements_first(matches: Sequence[Commune]) -> list[Commune]:
    """A postcode of Paris, Lyon or Marseille names an arrondissement and its whole city: the
    arrondissement is meant, so the city is dropped when one of its arrondissements matches."""
    codes = {commune.insee for commune in matches}
    return [
        commune
        for commune in matches
        if not (
            commune.insee in ARRONDISSEMENTS
            and any(code.startswith(ARRONDISSEMENTS[commune.insee]) for code in codes)
        )
    ]


def distance_km(a: Commune, b: Commune) -> float:
    """The great-circle distance between two centroids (haversine, Earth radius 6,371 km)."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
