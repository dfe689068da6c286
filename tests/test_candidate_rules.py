"""The candidate rules as pure functions (DESIGN.md, "Precise candidate rules" and "Where the
candidate rules leave a choice"): each component at its edges, who is a candidate, the order and
its tie-breaks, and how a commune is found."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clauses.rules.candidates import (
    Person,
    Priority,
    Site,
    Weights,
    assess,
    half_up,
    is_candidate,
    priorities_of,
    rank,
    trade_keys,
    waiting_start,
    wanted_trades,
)
from clauses.rules.communes import (
    DEFAULT_DEPARTMENTS,
    Commune,
    CommuneTable,
    FormerCommune,
    distance_km,
    haversine_km,
)
from clauses.rules.placements import PlacementState
from clauses.services.communes import table

D = date(2026, 3, 11)
SITE = Commune("93008", "Bobigny", ("93000",), "93", 48.9074, 2.4398)
KM_PER_DEGREE = 6371 * math.pi / 180  # along a meridian


def north_of(site: Commune, km: float, insee: str = "99001") -> Commune:
    return Commune(insee, f"À {km} km", (), "93", site.lat + km / KM_PER_DEGREE, site.lon)


def person(**changes: object) -> Person:
    values: dict[str, object] = {
        "id": 1,
        "last_name": "Diallo",
        "first_name": "Awa",
        "birth_date": date(1990, 1, 1),
        "wanted_trades": "",
        "commune": None,
        "priorities": frozenset(),
        "validated_on": D,
        "last_month_with_hours": None,
    }
    return Person(**{**values, **changes})  # type: ignore[arg-type]


GROS_OEUVRE = Site("Gros œuvre", SITE)


def points(site: Site = GROS_OEUVRE, **changes: object):
    return assess(site, person(**changes), D, Weights())


# Trade ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_trade", "wanted", "expected"),
    [
        ("Gros œuvre", "gros oeuvre", 40),
        ("Gros œuvre", "Gros-œuvre", 40),
        ("Électricité", "ELECTRICITE", 40),
        ("Plomberie", "Peinture; plomberie", 40),
        ("Plomberie", "Peinture, Carrelage ,  PLOMBERIE ", 40),
        ("Menuiserie", "Menuiseries", 0),
        ("Électricité", "Électricien", 0),
        ("Gros œuvre", "Gros œuvre et VRD", 0),
        ("Gros œuvre", "", 0),
        ("", "", 0),
    ],
)
def test_trade_points_need_the_same_normalised_trade(site_trade, wanted, expected):
    found = points(Site(site_trade, SITE), wanted_trades=wanted)
    assert found.points.trade == expected
    assert found.is_same_trade is bool(expected)


def test_wanted_trades_are_kept_as_written_and_compared_normalised():
    assert wanted_trades(" Peinture ;plomberie,, Gros-œuvre ") == (
        "Peinture",
        "plomberie",
        "Gros-œuvre",
    )
    assert trade_keys("Gros-œuvre; Æther") == {"GROS OEUVRE", "AETHER"}


# Distance ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "expected"),
    [(0, 30), (5, 24), (12.5, 15), (24.9, 0.12), (25, 0), (25.1, 0), (80, 0)],
)
def test_distance_points_fall_to_zero_at_25_km(km, expected):
    found = points(commune=north_of(SITE, km) if km else SITE)
    assert found.distance_km == pytest.approx(km, abs=1e-6)
    assert found.points.distance == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("where", ["person", "site"])
def test_an_unknown_commune_gives_no_distance_and_no_points(where):
    site = Site("Gros œuvre", None if where == "site" else SITE)
    found = points(site, commune=None if where == "person" else SITE)
    assert found.distance_km is None
    assert found.points.distance == 0


def test_distances_are_haversine_on_a_6371_km_earth():
    bobigny, saint_denis = table().resolve("Bobigny"), table().resolve("Saint-Denis")
    assert bobigny
    assert saint_denis
    # SOURCES.md's example: 6.65 km as the crow flies.
    assert haversine_km(bobigny.lat, bobigny.lon, saint_denis.lat, saint_denis.lon) == (
        pytest.approx(6.65, abs=0.01)
    )


# Priority ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("woman", "qpv", "criteria", "expected"),
    [
        (False, False, [], 0),
        (True, False, [], 5),
        (False, True, [], 5),
        (False, False, ["qpv_resident"], 5),
        (False, True, ["qpv_resident"], 5),  # the flag and the criterion: once
        (False, False, ["rsa", "long_term_job_seeker"], 10),
        (True, True, ["rsa"], 15),
        (True, True, ["rsa", "long_term_job_seeker"], 20),
        (True, True, ["rsa", "long_term_job_seeker", "qpv_resident", "rqth", "over_50"], 20),
        (False, False, ["rqth", "over_50", "refugee", "siae_employee"], 0),
    ],
)
def test_priority_points_five_each_at_most_twenty(woman, qpv, criteria, expected):
    found = points(priorities=priorities_of(woman, qpv, criteria))
    assert found.points.priority == expected


# Waiting -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validated_on", "last_month", "days", "expected"),
    [
        (D, None, 0, 0),  # validated on D, no hours
        (D - timedelta(days=73), None, 73, 2),  # no hours: from the validation
        (D - timedelta(days=365), None, 365, 10),
        (D - timedelta(days=800), None, 800, 10),  # capped points, uncapped days
        (date(2024, 1, 1), date(2026, 3, 1), 0, 0),  # hours in D's own month
        (date(2024, 1, 1), date(2026, 2, 1), 10, 10 * 10 / 365),  # in the reporting month
        (date(2024, 1, 1), date(2026, 4, 1), 0, 0),  # hours after D: never negative
        (date(2025, 6, 1), date(2024, 12, 1), 434, 10),  # hours before the validation count
    ],
)
def test_waiting_counts_from_the_month_after_the_last_hours(
    validated_on, last_month, days, expected
):
    found = points(validated_on=validated_on, last_month_with_hours=last_month)
    assert found.waiting_days == days
    assert found.points.waiting == pytest.approx(expected)


def test_waiting_starts_on_the_first_day_after_the_last_month_with_hours():
    assert waiting_start(date(2020, 5, 5), date(2025, 12, 1)) == date(2026, 1, 1)
    assert waiting_start(date(2020, 5, 5), None) == date(2020, 5, 5)
    assert points(validated_on=date(2025, 7, 11)).waiting_months == 8


# Score and order -----------------------------------------------------------------------------


def test_the_score_is_the_unrounded_sum_rounded_half_up():
    weights = Weights(Decimal("72.25"), Decimal(0), Decimal(0), Decimal(0))
    found = assess(Site("Peinture", None), person(wanted_trades="Peinture"), D, weights)
    assert found.score == Decimal("72.3")  # not 72.2, as rounding half to even would give
    assert half_up(0.125, Decimal("0.01")) == Decimal("0.13")


def test_a_full_score_adds_every_component():
    found = points(
        wanted_trades="Gros œuvre",
        commune=SITE,
        priorities=frozenset(Priority),
        validated_on=D - timedelta(days=400),
    )
    assert (found.points.trade, found.points.distance, found.points.priority) == (40, 30, 20)
    assert found.points.waiting == 10
    assert found.score == Decimal(100)


def test_weights_are_settings():
    weights = Weights(Decimal(10), Decimal(0), Decimal(40), Decimal(0))
    found = assess(
        Site("Gros œuvre", SITE),
        person(wanted_trades="Gros œuvre", commune=SITE, priorities=frozenset({Priority.RSA})),
        D,
        weights,
    )
    assert (found.points.trade, found.points.distance, found.points.priority) == (10, 0, 10)


def names(ranked):
    return [(r.person.last_name, r.person.first_name, r.person.birth_date.year) for r in ranked]


def test_order_by_score_then_waiting_then_names_then_birth_date():
    site = Site("Gros œuvre", SITE)
    long_ago = D - timedelta(days=200)
    people = [
        person(id=1, last_name="Eymard", first_name="Léo", validated_on=long_ago),
        person(id=2, last_name="Évrard", first_name="Zoé", validated_on=long_ago),
        person(id=3, last_name="Évrard", first_name="Élodie", validated_on=long_ago),
        person(id=4, last_name="de Sousa", first_name="Ana", validated_on=long_ago),
        person(id=5, last_name="Desousa", first_name="Ana", validated_on=long_ago),
        person(
            id=6,
            last_name="Evrard",
            first_name="Elodie",
            validated_on=long_ago,
            birth_date=date(1985, 1, 1),
        ),
        person(id=7, last_name="Zola", first_name="Émile", validated_on=D - timedelta(days=250)),
        person(id=8, last_name="Abadie", first_name="Luc", wanted_trades="Gros oeuvre"),
    ]
    assert names(rank(site, people, D)) == [
        ("Abadie", "Luc", 1990),  # the trade's 40 points first
        ("Zola", "Émile", 1990),  # then more waiting points
        ("de Sousa", "Ana", 1990),  # equal: names, normalised ("DE SOUSA": a space before S)
        ("Desousa", "Ana", 1990),
        ("Evrard", "Elodie", 1985),  # same normalised names: the earlier birth date
        ("Évrard", "Élodie", 1990),
        ("Évrard", "Zoé", 1990),
        ("Eymard", "Léo", 1990),
    ]


def test_equal_rounded_scores_go_by_waiting_days_not_by_the_unrounded_sums():
    site = Site("Peinture", SITE)
    # 40 + 10 * 10/365 = 40.274 with 10 days; 40 + 0.12 (24.9 km) + 10 * 7/365 = 40.312.
    ahead = person(
        id=1,
        last_name="Aa",
        wanted_trades="Peinture",
        validated_on=D - timedelta(7),
        commune=north_of(SITE, 24.9),
    )
    waited = person(id=2, last_name="Zz", wanted_trades="Peinture", validated_on=D - timedelta(10))
    first, second = rank(site, [ahead, waited], D)
    assert first.score == second.score == Decimal("40.3")
    assert first.points.total < second.points.total
    assert (first.person.last_name, second.person.last_name) == ("Zz", "Aa")


# Who is a candidate --------------------------------------------------------------------------

P = PlacementState


@pytest.mark.parametrize(
    ("validated_on", "available", "placements", "expected"),
    [
        (D, True, [], True),  # validated on D
        (D + timedelta(days=1), True, [], False),  # validated the day after
        (None, True, [], False),  # to verify
        (date(2025, 1, 1), False, [], False),  # not available
        (date(2025, 1, 1), True, [(P.PROPOSED, None, None)], False),
        (date(2025, 1, 1), True, [(P.INTERVIEW, None, None)], False),
        (date(2025, 1, 1), True, [(P.HIRED, date(2025, 6, 1), None)], False),
        (date(2025, 1, 1), True, [(P.HIRED, date(2025, 6, 1), D)], False),  # until D
        (date(2025, 1, 1), True, [(P.HIRED, date(2025, 6, 1), D - timedelta(1))], True),
        (date(2025, 1, 1), True, [(P.HIRED, D + timedelta(1), None)], False),  # from tomorrow
        (date(2025, 1, 1), True, [(P.ENDED, date(2025, 6, 1), date(2027, 1, 1))], True),
        (date(2025, 1, 1), True, [(P.REFUSED, None, None), (P.WITHDRAWN, None, None)], True),
        (date(2025, 1, 1), True, [(P.REFUSED, None, None), (P.PROPOSED, None, None)], False),
    ],
)
def test_who_is_a_candidate(validated_on, available, placements, expected):
    assert is_candidate(validated_on, available, placements, D) is expected


# Communes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "insee"),
    [
        ("Saint-Denis", "93066"),  # homonyms in 11, 30 and 974: the programme's 93
        ("saint denis", "93066"),
        ("ST DENIS", "93066"),
        ("St-Ouen-sur-Seine", "93070"),
        ("Ste-Geneviève-des-Bois", "91549"),  # in 45 and 91: 91 is a programme département
        ("Marolles-en-Brie", "94048"),  # in 94 and 77: 94 comes first
        ("Saint-Ouen", "41226"),  # in 41 and 80, neither the programme's: the lowest code
        ("Épinay sur Seine", "93031"),
        ("  Bondy ", "93010"),  # five letters: not a code, a name
        ("93048", "93048"),  # an INSEE code
        ("2a004", "2A004"),
        ("93200", "93066"),  # a postcode
        ("95000", "95074"),  # a postcode of four communes of 95: the lowest code
        ("13780", "13030"),  # shared by 13 and 83, no programme département: the lowest code
        ("75019", "75119"),  # an arrondissement before its city
        ("Paris", "75056"),
        ("Paris 19e Arrondissement", "75119"),
        ("93059", "93066"),  # a former INSEE code: Pierrefitte-sur-Seine, merged in 2025
        ("Pierrefitte-sur-Seine", "93066"),  # a former name
        ("69003", "69003"),  # an INSEE code before a postcode (Lyon 3e is 69383)
    ],
)
def test_communes_resolve_by_name_code_or_postcode(written, insee):
    found = table().resolve(written)
    assert found is not None
    assert found.insee == insee


@pytest.mark.parametrize("written", ["", "   ", "Nowhere", "Bobigy", "99999", "Saint"])
def test_what_names_no_commune_is_not_found(written):
    assert table().resolve(written) is None


def small_table() -> CommuneTable:
    def commune(insee: str, name: str, postcodes: str, department: str) -> Commune:
        return Commune(insee, name, tuple(postcodes.split()), department, 48.0, 2.0)

    return CommuneTable(
        [
            commune("77010", "Villeneuve", "77100", "77"),
            commune("94020", "Villeneuve", "94100", "94"),
            commune("01005", "Villeneuve", "01100", "01"),
            commune("77020", "Bourg", "77100", "77"),
            commune("94030", "Bourg", "77100", "94"),
            commune("93001", "Nouvelle", "93100", "93"),
            commune("40001", "Ancienne", "40100", "40"),
        ],
        [
            FormerCommune("93002", "Ancienne", "93001"),
            FormerCommune("93003", "Autrefois", "93001"),
        ],
    )


@pytest.mark.parametrize(
    ("written", "departments", "insee"),
    [
        ("Villeneuve", DEFAULT_DEPARTMENTS, "94020"),  # 94 before 77 in the default list
        ("Villeneuve", ("77", "94"), "77010"),
        ("Villeneuve", ("13",), "01005"),  # none in the programme: the lowest code
        ("77100", DEFAULT_DEPARTMENTS, "94030"),  # a shared postcode: 94 before 77
        ("77100", ("77",), "77010"),  # then the lowest code
        ("Ancienne", DEFAULT_DEPARTMENTS, "40001"),  # a current name before a former one
        ("Autrefois", DEFAULT_DEPARTMENTS, "93001"),
        ("93003", DEFAULT_DEPARTMENTS, "93001"),
    ],
)
def test_homonyms_go_to_the_first_programme_departement(written, departments, insee):
    found = small_table().resolve(written, departments)
    assert found is not None
    assert found.insee == insee


def test_the_shipped_table_holds_every_commune():
    assert len(table()) == 34_920
    assert table().get("93066") == table().resolve("Saint-Denis")
    assert table().get(None) is None


def test_the_communes_within_a_distance_are_those_haversine_finds():
    bobigny = table().resolve("Bobigny")
    assert bobigny
    found = {c.insee: km for c, km in table().within(bobigny, 25)}
    every = {
        c.insee: km
        for c in map(table().get, [row for row in _all_codes()])
        if c is not None and (km := distance_km(bobigny, c)) <= 25
    }
    assert found == every
    assert found["93008"] == 0
    assert "93066" in found
    assert "77284" not in found  # Meaux, about 33 km


def _all_codes():
    import csv

    from clauses.services.communes import DATA

    with (DATA / "communes.csv").open(encoding="utf-8") as file:
        return [row["insee"] for row in csv.DictReader(file)]
