"""The timeline's key, above the chart: every mark the chart draws, named beside its picture.

The chart's own (Plotly) legend was two fifths of each draw of the demo case, wrapped at the
plot's width and could not be reached from the keyboard. This key is page HTML: each entry
that hides or shows its marks is a toggle button (`aria-pressed`) naming the trace it toggles
by its position among `components.timeline.timeline_traces` (`data-trace`); the page
(assets/timeline.js) shows each entry only while its trace has `showlegend`, and keeps the
buttons' state and the summary's words in step with the chart after every redraw. Pictures
are decorative: the name is written beside each, so colour is never the only carrier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import html

from components.category_style import MarkerStyle, marker_shapes, svg_uri
from components.lens_drawing import LINK_GROUPS
from components.timeline import (
    REFLECTED_COLOURS,
    REFLECTED_TRACE,
    SPAN_COLOUR,
    SPANS_TRACE,
    extra_trace_position,
)
from components.timeline_summary import (
    BAR_COLOUR,
    GREYED_COLOUR,
    SUMMARY_GREYED_TRACE,
    SUMMARY_TRACE,
)

KEY_ID = "tl-cat-legend"
_DASHES = {"solid": "", "dot": "2 3", "dash": "6 3"}


@dataclass(frozen=True)
class KeyEntry:
    name: str
    trace: int  # the trace's position in the figure's data
    picture: str  # a data: address of its picture (svg_uri)
    key: bool = False  # a key category, drawn larger
    toggles: bool = True  # a button hiding or showing the trace (not the summary's bars)
    live_name: bool = False  # the trace's name says more on the chart (the summary's unit)
    usual: bool = True  # shown on a chart of markers with no lens (while its trace is unknown)


def key_entries(styles: Sequence[MarkerStyle]) -> list[KeyEntry]:
    """Every entry in the order the chart's traces come: the categories in the managed list's
    order, then the partial dates' spans, the reflected badge, the lenses' links and the
    summary's bars."""

    def at(name: str) -> int:
        return extra_trace_position(len(styles), name)

    return [
        *(KeyEntry(s.name, i, svg_uri(marker_shapes(s)), key=s.key) for i, s in enumerate(styles)),
        KeyEntry(SPANS_TRACE, at(SPANS_TRACE), svg_uri(_line(SPAN_COLOUR, "", 3))),
        KeyEntry(REFLECTED_TRACE, at(REFLECTED_TRACE), svg_uri(_DIAMOND)),
        *(
            KeyEntry(
                name,
                at(name),
                svg_uri(_line(colour, _DASHES[dash], 2, arrow=True)),
                usual=False,
            )
            for name, colour, dash in LINK_GROUPS.values()
        ),
        KeyEntry(
            SUMMARY_TRACE,
            at(SUMMARY_TRACE),
            svg_uri(_bar(BAR_COLOUR)),
            toggles=False,
            live_name=True,
            usual=False,
        ),
        KeyEntry(
            SUMMARY_GREYED_TRACE,
            at(SUMMARY_GREYED_TRACE),
            svg_uri(_bar(GREYED_COLOUR, hatched=True)),
            toggles=False,
            usual=False,
        ),
    ]


def chart_key(contents) -> html.Div:
    """The key's frame around its `contents` (`key_contents`)."""
    return html.Div(
        contents,
        id=KEY_ID,
        className="rpm-tl-legend",
        role="group",
        **{"aria-label": "Key to the chart (each button hides or shows its marks)"},
    )


def key_contents(styles: Sequence[MarkerStyle], traces: Sequence[dict]) -> list:
    """The key's title and entries for a chart drawn with `traces` (the figure's data; none:
    a chart of markers with no lens). Each entry shows while its trace has `showlegend`, and
    says so from the first paint, so the chart below is not resized once drawn."""
    items = []
    for entry in key_entries(styles):
        trace = traces[entry.trace] if entry.trace < len(traces) else None
        shown = entry.usual if trace is None else trace.get("showlegend") is not False
        trace = trace or {}
        name = trace.get("name") or entry.name if entry.live_name else entry.name
        # the picture is the entry's own background (timeline.css), the name its text: one
        # component where an image beside it was a second, 24 more on every case page
        marks = {
            "data-trace": str(entry.trace),
            "style": {"--rpm-picture": f'url("{entry.picture}")'},
        }
        if entry.live_name:
            marks["data-live-name"] = "1"
        if entry.toggles:
            pressed = "false" if trace.get("visible") == "legendonly" else "true"
            body = html.Button(
                name,
                type="button",
                className="rpm-key-toggle",
                **marks,
                **{"aria-pressed": pressed},
            )
        else:
            body = html.Span(name, className="rpm-key-static", **marks)
        items.append(
            html.Li(
                body,
                className="rpm-cat-item" + (" rpm-cat-key" if entry.key else ""),
                hidden=not shown,
            )
        )
    return [
        html.H2("Key", className="rpm-key-title"),
        html.Ul(items, className="rpm-cat-legend list-unstyled mb-0"),
    ]


def _line(colour: str, dash: str, width: int, arrow: bool = False) -> str:
    dashes = f" stroke-dasharray='{dash}'" if dash else ""
    head = f"<path d='M19 10 L12 5.5 L12 14.5 Z' fill='{colour}'/>" if arrow else ""
    end = 13 if arrow else 19
    return (
        f"<line x1='1' y1='10' x2='{end}' y2='10' stroke='{colour}' "
        f"stroke-width='{width}'{dashes}/>{head}"
    )


_DIAMOND = (  # the reflected badge, as the chart draws it
    f"<path d='M10 2 L18 10 L10 18 L2 10 Z' fill='{REFLECTED_COLOURS[0]}' "
    f"stroke='{REFLECTED_COLOURS[1]}' stroke-width='2'/>"
)


def _bar(colour: str, hatched: bool = False) -> str:
    hatch = (
        "<path d='M4 18 L12 2 M8 18 L16 2 M12 18 L16 10' stroke='#383f43' stroke-width='1.2'/>"
        if hatched
        else ""
    )
    return f"<rect x='4' y='2' width='12' height='16' fill='{colour}'/>{hatch}"
