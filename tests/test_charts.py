"""The SVG line chart builder on its own: plain data in, accessible markup out."""

from datetime import date
from decimal import Decimal
from itertools import pairwise
from xml.etree import ElementTree

import pytest
from markupsafe import Markup

from clauses.views.charts import Line, Series, line_chart, value_ticks

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [date(2024, m, 1) for m in range(1, 7)]


def chart(**changes):
    arguments = {
        "chart_id": "c",
        "title": "Heures <cumulées>",
        "description": "Réalisées & attendues",
        "months": MONTHS,
        "series": [
            Series(
                "Réalisées",
                [(m, Decimal(10 * i)) for i, m in enumerate(MONTHS[:3])],
                Line.SOLID,
                True,
            ),
            Series("Attendues", [(m, Decimal(100 * i)) for i, m in enumerate(MONTHS)], Line.DASHED),
            Series("Engagement", [(m, Decimal(600)) for m in MONTHS], Line.DOTTED),
        ],
    }
    return line_chart(**(arguments | changes))


def parsed(markup):
    return ElementTree.fromstring(str(markup))


def points(svg, name):
    group = next(g for g in svg.iter(f"{SVG}g") if g.get("data-series") == name)
    line = group.find(f"{SVG}polyline")
    return [tuple(float(v) for v in pair.split(",")) for pair in line.get("points").split()]


def test_the_chart_is_an_accessible_image():
    markup = chart()
    assert isinstance(markup, Markup)
    svg = parsed(markup)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Heures <cumulées>"  # escaped in the markup
    assert svg.find(f"{SVG}title").get("id") == "c-title"
    assert svg.find(f"{SVG}desc").text == "Réalisées & attendues"
    assert "<cumulées>" not in str(markup)


def test_each_series_is_a_line_of_its_own_points():
    svg = parsed(chart())
    assert len(points(svg, "Réalisées")) == 3
    assert len(points(svg, "Attendues")) == 6
    realised = points(svg, "Réalisées")
    # Months go right, higher values go up (smaller y).
    assert [x for x, _ in realised] == sorted(x for x, _ in realised)
    assert realised[0][1] > realised[1][1] > realised[2][1]
    # The same value lands at the same height on every line.
    assert points(svg, "Attendues")[0][1] == realised[0][1]  # both 0
    assert len({y for _, y in points(svg, "Engagement")}) == 1


def test_lines_differ_in_print_by_their_dashes_and_a_legend_names_them():
    svg = parsed(chart())
    dashes = {
        g.get("data-series"): g.find(f"{SVG}polyline").get("stroke-dasharray")
        for g in svg.iter(f"{SVG}g")
    }
    assert dashes["Réalisées"] is None
    assert dashes["Attendues"]
    assert dashes["Engagement"]
    assert dashes["Attendues"] != dashes["Engagement"]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for name in ("Réalisées", "Attendues", "Engagement"):
        assert name in texts
    # Only the series with markers has circles at its points (plus one in the legend).
    assert len(list(svg.iter(f"{SVG}circle"))) == 3 + 1


def test_axis_labels_use_the_callers_formats():
    svg = parsed(chart(month_label=lambda m: f"M{m.month}", value_label=lambda v: f"{v} heures"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert [t for t in texts if t.startswith("M")] == [f"M{m}" for m in range(1, 7)]
    assert "0 heures" in texts
    assert "600 heures" in texts


def test_a_long_contract_gets_at_most_a_dozen_month_labels():
    months = [date(2022 + i // 12, i % 12 + 1, 1) for i in range(40)]
    svg = parsed(
        chart(
            months=months,
            series=[Series("x", [(m, Decimal(1)) for m in months])],
            month_label=lambda m: f"M{m:%Y%m}",
        )
    )
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.text.startswith("M")]
    assert 6 <= len(labels) <= 12
    assert labels[0] == "M202201"


def test_a_single_month_and_empty_series_still_draw():
    svg = parsed(chart(months=MONTHS[:1], series=[Series("Vide", [])]))
    assert points(svg, "Vide") == []
    assert svg.get("role") == "img"


def test_points_outside_the_months_and_no_months_are_refused():
    with pytest.raises(ValueError, match="outside"):
        chart(series=[Series("x", [(date(2030, 1, 1), Decimal(1))])])
    with pytest.raises(ValueError, match="at least one month"):
        chart(months=[])


@pytest.mark.parametrize(
    ("maximum", "top", "steps"),
    [
        (Decimal(0), Decimal(1), 1),
        (Decimal(1200), Decimal(1500), 3),  # steps of 500: 250 would make 5
        (Decimal(1000), Decimal(1000), 4),  # steps of 250
        (Decimal("298.36"), Decimal(300), 3),
        (Decimal(7), Decimal(8), 4),
        (Decimal("0.3"), Decimal("0.3"), 3),
    ],
)
def test_value_ticks_are_round_and_reach_the_maximum(maximum, top, steps):
    ticks = value_ticks(maximum)
    assert ticks[0] == 0
    assert ticks[-1] >= maximum
    assert ticks[-1] == top
    assert len(ticks) - 1 == steps
    assert len({b - a for a, b in pairwise(ticks)}) == 1
