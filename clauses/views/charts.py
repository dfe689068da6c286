"""Line charts of months as inline SVG, built on the server from plain data.

No JavaScript and nothing from the internet: the page is complete as sent, prints as it shows,
and a screen reader gets a title and a description (the page adds the data as a table). Lines
differ by dash pattern as well as by colour, and a legend names them, so a black-and-white print
still tells them apart.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP = 72, 36, 16
PLOT_BOTTOM = 240  # the x axis; month labels and the legend sit below it
MAX_MONTH_LABELS = 12
FONT = 'font-size="12" fill="currentColor"'
STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


class Line(StrEnum):
    SOLID = "solid"
    DASHED = "dashed"
    DOTTED = "dotted"


# (colour, width, dash pattern): distinct in colour, and in black and white too.
STROKES = {
    Line.SOLID: ("#0b5cad", 3.0, ""),
    Line.DASHED: ("#6b4c00", 2.0, "9 5"),
    Line.DOTTED: ("#333333", 2.0, "2 4"),
}


@dataclass(frozen=True)
class Series:
    """A named line: one value for some of the chart's months (none for the others)."""

    name: str
    points: Sequence[tuple[date, Decimal]]
    line: Line = Line.SOLID
    has_markers: bool = False


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    months: Sequence[date],
    series: Sequence[Series],
    month_label: Callable[[date], str] = lambda month: f"{month:%m/%Y}",
    value_label: Callable[[Decimal], str] = str,
) -> Markup:
    """An SVG line chart over `months` (the x axis, in order) of the given series."""
    if not months:
        raise ValueError("A chart needs at least one month.")
    position = {month: index for index, month in enumerate(months)}
    for s in series:
        unknown = [month for month, _ in s.points if month not in position]
        if unknown:
            raise ValueError(f"Series {s.name!r} has months outside the chart: {unknown}.")
    ticks = value_ticks(max((v for s in series for _, v in s.points), default=Decimal(0)))
    frame = _Frame(len(months), float(ticks[-1]))
    parts = [
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *_grid(frame, ticks, value_label),
        *_month_labels(frame, months, month_label),
        *(_line(frame, [(position[m], float(v)) for m, v in s.points], s) for s in series),
        *_legend(series),
    ]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%">' + "".join(parts) + "</svg>"
    )


def value_ticks(maximum: Decimal, count: int = 4) -> list[Decimal]:
    """Round values from 0 to at least `maximum` in about `count` steps of 1, 2, 2.5 or 5
    times a power of ten."""
    if maximum <= 0:
        return [Decimal(0), Decimal(1)]
    raw = maximum / count
    magnitude = Decimal(10) ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in STEPS if raw <= m * magnitude)
    return [step * i for i in range(math.ceil(maximum / step) + 1)]


@dataclass(frozen=True)
class _Frame:
    """Where a (month index, value) pair lands in the drawing."""

    months: int
    top_value: float

    def x(self, index: int) -> float:
        if self.months == 1:
            return (LEFT + WIDTH - RIGHT) / 2
        return LEFT + index * (WIDTH - LEFT - RIGHT) / (self.months - 1)

    def y(self, value: float) -> float:
        return PLOT_BOTTOM - value * (PLOT_BOTTOM - TOP) / self.top_value


def _grid(frame: _Frame, ticks: list[Decimal], value_label: Callable[[Decimal], str]) -> list[str]:
    parts = []
    for tick in ticks:
        y = frame.y(float(tick))
        colour = "#000000" if tick == 0 else "#cccccc"
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
            f"{escape(value_label(tick))}</text>"
        )
    return parts


def _month_labels(
    frame: _Frame, months: Sequence[date], month_label: Callable[[date], str]
) -> list[str]:
    # At most about a dozen labels, so that they never overlap on a long contract.
    every = math.ceil(len(months) / MAX_MONTH_LABELS)
    return [
        f'<text x="{frame.x(i):.1f}" y="{PLOT_BOTTOM + 18}" text-anchor="middle" {FONT}>'
        f"{escape(month_label(month))}</text>"
        for i, month in enumerate(months)
        if i % every == 0
    ]


def _line(frame: _Frame, points: list[tuple[int, float]], series: Series) -> str:
    colour, width, dashes = STROKES[series.line]
    coordinates = " ".join(f"{frame.x(i):.1f},{frame.y(v):.1f}" for i, v in points)
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    markers = "".join(
        f'<circle cx="{frame.x(i):.1f}" cy="{frame.y(v):.1f}" r="3.5" fill="{colour}"/>'
        for i, v in points
        if series.has_markers
    )
    return (
        f'<g data-series="{escape(series.name)}"><polyline fill="none" stroke="{colour}" '
        f'stroke-width="{width}"{dash} points="{coordinates}"/>{markers}</g>'
    )


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x, y = [], float(LEFT), float(PLOT_BOTTOM + 48)
    for s in series:
        # Text width is not known on the server: about 7 px a character at 12 px.
        width = 40 + 7 * len(s.name) + 24
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = float(LEFT), y + 22
        colour, stroke, dashes = STROKES[s.line]
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        marker = (
            f'<circle cx="{x + 16}" cy="{y}" r="3.5" fill="{colour}"/>' if s.has_markers else ""
        )
        parts.append(
            f'<line x1="{x}" y1="{y}" x2="{x + 32}" y2="{y}" stroke="{colour}" '
            f'stroke-width="{stroke}"{dash}/>{marker}'
            f'<text x="{x + 40}" y="{y + 4}" {FONT}>{escape(s.name)}</text>'
        )
        x += width
    return parts
