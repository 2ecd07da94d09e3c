"""The fixed visual language of event categories: one marker shape and colour per category.

The marker comes from the category itself (stored with it, see data.categories), never from how
often it occurs, so the same category looks the same on every case, every screen and every
document, and the legend lists every category in the same order whatever the case holds.
Shapes all differ, so colour is never the only carrier; the legend names each one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from dash import html

from data.category_list import OTHER, SHIPPED_CATEGORIES

# plotly's marker symbol numbers (adding OPEN gives the hollow variant, drawn for events whose
# date is only a month or a year); numbers let a trace carry one typed array of symbols.
SYMBOL_NUMBERS = {
    "circle": 0, "square": 1, "diamond": 2, "cross": 3, "x": 4, "triangle-up": 5,
    "triangle-down": 6, "triangle-left": 7, "triangle-right": 8, "triangle-ne": 9,
    "triangle-se": 10, "triangle-sw": 11, "triangle-nw": 12, "pentagon": 13,
    "hexagon": 14, "hexagon2": 15, "octagon": 16, "star": 17, "hexagram": 18,
    "star-triangle-up": 19, "star-triangle-down": 20, "star-square": 21, "star-diamond": 22,
    "diamond-tall": 23, "diamond-wide": 24, "hourglass": 25, "bowtie": 26, "circle-cross": 27,
    "circle-x": 28, "square-cross": 29, "square-x": 30, "diamond-cross": 31, "diamond-x": 32,
}  # fmt: skip
OPEN = 100
KEY_SCALE = 1.6  # key categories (pinned by the chair) draw this much larger
# Shapes crossed by lines that plotly draws in the marker's line colour: in the category's own
# colour the cross would vanish and a square-x read as the plain square, so their line is white.
CROSSED = frozenset(range(27, 33))
CROSS_COLOUR = "#ffffff"


class CategoryLike(Protocol):
    name: str
    symbol: str
    colour: str


@dataclass(frozen=True)
class MarkerStyle:
    name: str
    symbol: int
    colour: str
    key: bool = False


def marker_styles(
    categories: Sequence[CategoryLike | Mapping] | None = None, key: Collection[str] = ()
) -> list[MarkerStyle]:
    """One style per category in legend order (default: the shipped list); Other is last.

    Categories are objects with name, symbol and colour, or dicts with those keys (as a page
    keeps them in a dcc.Store).
    """
    listed = [_as_dict(c) for c in (categories or SHIPPED_CATEGORIES)]
    listed.sort(key=lambda c: c["name"] == OTHER)
    return [
        MarkerStyle(c["name"], SYMBOL_NUMBERS.get(c["symbol"], 0), c["colour"], c["name"] in key)
        for c in listed
    ]


def _as_dict(category) -> dict:
    if isinstance(category, Mapping):
        return dict(category)
    return {"name": category.name, "symbol": category.symbol, "colour": category.colour}


def category_data(categories: Sequence[CategoryLike]) -> list[dict]:
    """The list as plain dicts, for a page's dcc.Store."""
    return [_as_dict(c) for c in categories]


def marker_size(base: float, style: MarkerStyle) -> float:
    return round(base * KEY_SCALE) if style.key else base


def marker_line(style: MarkerStyle, width: int) -> dict:
    """The marker's outline (and cross): in its own colour, or for a crossed shape white and at
    least 2 px, so that the cross shows on a marker drawn small."""
    if style.symbol in CROSSED:
        return {"width": max(width, 2), "color": CROSS_COLOUR}
    return {"width": width, "color": style.colour}


# An SVG path per symbol for the HTML legend (upload preview, admin page): the same shapes as
# the chart's, drawn in a 20x20 box.
_SVG_PATHS = {
    0: "M10 3a7 7 0 1 0 0.01 0z",
    1: "M3 3h14v14H3z",
    2: "M10 2l8 8-8 8-8-8z",
    3: "M7 2h6v5h5v6h-5v5H7v-5H2V7h5z",
    4: "M4 2l6 6 6-6 2 2-6 6 6 6-2 2-6-6-6 6-2-2 6-6-6-6z",
    5: "M10 2l8 15H2z",
    6: "M2 3h16l-8 15z",
    7: "M3 10l15-8v16z",
    8: "M17 10L2 18V2z",
    9: "M2 2h16v16z",
    10: "M18 2v16H2z",
    11: "M2 2l16 16H2z",
    12: "M2 2h16L2 18z",
    13: "M10 2l8 6-3 10H5L2 8z",
    14: "M5 2h10l5 8-5 8H5l-5-8z",
    17: "M10 1l2.6 6 6.4.6-4.8 4.3 1.4 6.3L10 15l-5.6 3.2 1.4-6.3L1 7.6 7.4 7z",
    18: "M10 1l2.6 4.5h5.2L15.2 10l2.6 4.5h-5.2L10 19l-2.6-4.5H2.2L4.8 10 2.2 5.5h5.2z",
    19: "M10 1Q11 12 19 17Q10 13 1 17Q9 12 10 1z",
    20: "M10 19Q11 8 19 3Q10 7 1 3Q9 8 10 19z",
    21: "M2 2Q10 8 18 2Q12 10 18 18Q10 12 2 18Q8 10 2 2z",
    22: "M10 1l2 7 7 2-7 2-2 7-2-7-7-2 7-2z",
    23: "M10 1l5 9-5 9-5-9z",
    24: "M1 10l9-5 9 5-9 5z",
    25: "M3 3h14L3 17h14z",
    26: "M3 3l14 14V3L3 17z",
    27: "M10 2a8 8 0 1 0 0.01 0z",
    28: "M10 2a8 8 0 1 0 0.01 0z",
    29: "M2 2h16v16H2z",
    30: "M2 2h16v16H2z",
    31: "M10 1l9 9-9 9-9-9z",
    32: "M10 1l9 9-9 9-9-9z",
    # older databases' spare markers (before the round ones were left out of the spares)
    15: "M2 10l4-7h8l4 7-4 7H6z",
    16: "M7 2h6l5 5v6l-5 5H7l-5-5V7z",
}
# The cross of a crossed shape, drawn in CROSS_COLOUR over it.
_SVG_CROSSES = {
    27: "M10 3v14M3 10h14",
    28: "M5 5l10 10M15 5L5 15",
    29: "M10 2v16M2 10h16",
    30: "M2 2l16 16M18 2L2 18",
    31: "M10 1v18M1 10h18",
    32: "M5.5 5.5l9 9M14.5 5.5l-9 9",
}


def svg_shape(symbol: int) -> tuple[str, str | None]:
    """(path, cross or None) of a marker symbol in a 20x20 box, as the chart draws it."""
    return _SVG_PATHS.get(symbol, _SVG_PATHS[0]), _SVG_CROSSES.get(symbol)


def marker_shapes(style: MarkerStyle) -> str:
    """The category's marker as the shapes of a 20x20 SVG picture (`svg_uri`)."""
    path, cross = svg_shape(style.symbol)
    over = (
        f"<path d='{cross}' fill='none' stroke='{CROSS_COLOUR}' stroke-width='2'/>" if cross else ""
    )
    colour = style.colour
    return f"<path d='{path}' fill='{colour}' stroke='{colour}' stroke-width='1'/>{over}"


def legend_marker(style: MarkerStyle, size: int = 18) -> html.Img:
    """The category's marker as a small picture (decorative: the name is written beside it)."""
    return svg_picture(marker_shapes(style), size)


def svg_uri(inner: str) -> str:
    """A small SVG picture drawn in a 20x20 box (`inner`: its shapes), as a data: address."""
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 20 20'>{inner}</svg>"
    return "data:image/svg+xml;utf8," + quote(svg)


def svg_picture(inner: str, size: int = 18) -> html.Img:
    """`svg_uri`'s picture as one component, decorative: whatever it stands for is named
    beside it."""
    return html.Img(src=svg_uri(inner), width=size, height=size, alt="", className="rpm-cat-marker")


def category_legend(
    styles: Sequence[MarkerStyle], title: str = "Categories", level: int = 2
) -> html.Div:
    """Every category with its marker and name, in the fixed order: the same on every case
    (`level`: its title's heading level where it sits)."""
    return html.Div(
        [
            getattr(html, f"H{level}")(title, className="h6 mb-1"),
            html.Ul(
                [
                    html.Li(
                        [legend_marker(s), html.Span(s.name)],
                        className="rpm-cat-item" + (" rpm-cat-key" if s.key else ""),
                    )
                    for s in styles
                ],
                className="rpm-cat-legend list-unstyled d-flex flex-wrap gap-3 mb-0",
            ),
        ],
        className="rpm-cat-legend-box",
    )
