"""What the reviewer's lenses draw on the timeline: links between events as connectors across
lanes, the known-at-the-time day as a vertical line (with what could not be known then
greyed), and patterns (silences, clusters...) as labelled bands behind the lanes.

Pure: links, findings and positions in, plotly traces and layout shapes out. The traces sit at
fixed positions among the figure's traces (components.timeline.EXTRA_TRACES), so a `Patch()`
can replace each one; the bands are layout shapes named "pattern:<kind>:<n>".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from data.vocabulary import (
    AGENCY_SILENCE,
    CORROBORATION,
    DOMESTIC_INCIDENTS,
    KIND_LABELS,
    RE_REFERRAL,
    SILENCE,
    UNANSWERED_REFERRAL,
    WAS_NOT_BROUGHT,
)

GREYED = 0.2  # opacity of what was not known then: visibly there, clearly not in play
GREYED_SIZE = 0.55  # ...and its size, of the marker's own: not colour alone (WCAG 1.4.1)

# Link types drawn alike: (trace name, colour, dash). Dash and name differ, so colour is never
# the only carrier; the arrowhead points at the receiving event.
LINK_GROUPS = {
    "passed": ("Link: information passed", "#1d70b8", "solid"),
    "requested": ("Link: information requested", "#4c2c92", "dot"),
    "not_passed": ("Link: information did not travel", "#d4351c", "dash"),
}
LINK_GROUP_OF = {
    "referral sent / received": "passed",
    "information shared": "passed",
    "information requested": "requested",
    "not received": "not_passed",
    "should have been shared": "not_passed",
}
LINK_TRACES = tuple(name for name, _, _ in LINK_GROUPS.values())
LENS_DAY_TRACE = "Known at the time: the day"

# The patterns a chair can draw as bands (suggested links are drawn once accepted, as links).
BAND_KINDS = (
    SILENCE,
    AGENCY_SILENCE,
    WAS_NOT_BROUGHT,
    RE_REFERRAL,
    DOMESTIC_INCIDENTS,
    UNANSWERED_REFERRAL,
    CORROBORATION,
)
BAND_STYLE = {  # kind: (fill, line colour, dash); the label names the kind in words. Fills
    # strong enough to read from the back of the room (a screen at a quarter of its size): a
    # silence, the one no agency saw, the darkest
    SILENCE: ("rgba(80,90,95,0.30)", "#383f43", "dot"),
    AGENCY_SILENCE: ("rgba(80,90,95,0.20)", "#383f43", "dashdot"),
    WAS_NOT_BROUGHT: ("rgba(76,44,146,0.18)", "#4c2c92", "dash"),
    RE_REFERRAL: ("rgba(29,112,184,0.18)", "#1d70b8", "longdash"),
    DOMESTIC_INCIDENTS: ("rgba(145,43,136,0.18)", "#912b88", "dash"),
    UNANSWERED_REFERRAL: ("rgba(212,53,28,0.16)", "#942514", "dot"),
    CORROBORATION: ("rgba(0,112,60,0.20)", "#005a30", "solid"),
}
SHORT_LABEL = {
    SILENCE: "Silence",
    AGENCY_SILENCE: "Plan holder silent",
    WAS_NOT_BROUGHT: "Missed appointments",
    RE_REFERRAL: "Closed, re-referred",
    DOMESTIC_INCIDENTS: "Domestic abuse repeated",
    UNANSWERED_REFERRAL: "No response",
    CORROBORATION: "Several accounts",
}


@dataclass(frozen=True)
class ChartLink:
    """A link as the chart draws it: the two events and what the hover says."""

    from_event_id: int
    to_event_id: int
    link_type: str
    words: str


@dataclass(frozen=True)
class LensMarks:
    """What the lenses add to the events' traces: links, the events greyed by the
    known-at-the-time lens, and its day (None: no lens)."""

    links: Sequence[ChartLink] = ()
    greyed_event_ids: Sequence[int] = ()  # an array or a sequence of ids
    day: date | None = None
    agency: str | None = None  # whose knowledge (None: the whole partnership's)


NO_MARKS = LensMarks()


def greyed_mask(ids: np.ndarray, greyed_event_ids: Sequence[int]) -> np.ndarray | None:
    """Which of `ids` the lens greys (None when it greys nothing)."""
    if not len(greyed_event_ids):
        return None
    return np.isin(
        ids,
        np.asarray(
            list(greyed_event_ids)
            if isinstance(greyed_event_ids, set | frozenset)
            else greyed_event_ids,
            dtype="int64",
        ),
    )


def known_points(greyed: np.ndarray | None) -> list[int] | None:
    """A category trace's `selectedpoints`: the positions of its points the lens says were
    known (None: no lens). Plotly draws the others in the trace's `unselected` style
    (`greyed_style`). Not per-point `marker.opacity`: plotly's legend draws a trace's marker
    at the mean of its opacities, so the legend greyed with the lens; it draws the legend as
    if nothing were selected."""
    if greyed is None:
        return None
    return np.flatnonzero(~greyed).tolist()


def lens_selection(points: list[int] | None) -> dict:
    """A category trace's `selectedpoints` under the lens (`known_points`; None: no lens), and
    the same in its `meta`: a box-select or lasso on the chart sets `selectedpoints` too, and
    the page (assets/timeline.js) keeps a selection to the points the lens shows and shows
    them again when the selection is cleared."""
    return {"selectedpoints": points, "meta": {"lens_known": points}}


def greyed_size(size: float) -> int:
    """The marker size of an event not known then: about half its own, so what was not known
    differs by size as well as by colour."""
    return max(3, round(size * GREYED_SIZE))


def greyed_style(size: float) -> dict:
    """A category trace's `unselected` style (`size`: its markers' size): faint and small."""
    return {"marker": {"opacity": GREYED, "size": greyed_size(size)}}


def link_traces(
    links: Sequence[ChartLink],
    ids: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    width: float,
    arrow: int,
) -> list[dict]:
    """One trace per link group (LINK_GROUPS order): a segment per link whose two events are
    drawn (`ids`, `x`, `y`: the drawn events' ids and positions), from the sending event to
    the receiving one, ending in an arrowhead. SVG whatever the chart uses: links are few.
    Plain dicts, as `Patch()` sends them and `go.Figure` takes them: plotly's objects validated
    each again on every case open."""
    ends = np.array([i for link in links for i in (link.from_event_id, link.to_event_id)],
                    dtype="int64")  # fmt: skip
    rows = np.flatnonzero(np.isin(ids, ends))  # only the links' events, not every event
    where = dict(zip(ids[rows].tolist(), rows.tolist(), strict=True))
    traces = []
    for group, (name, colour, dash) in LINK_GROUPS.items():
        xs, ys, texts, shown = [], [], [], []
        for link in links:
            a, b = where.get(link.from_event_id), where.get(link.to_event_id)
            if LINK_GROUP_OF.get(link.link_type) != group or a is None or b is None:
                continue
            xs += [float(x[a]), float(x[b]), None]
            ys += [float(y[a]), float(y[b]), None]
            texts += [link.words, link.words, None]
            shown += [0, 1, 0]  # the arrowhead at the receiving end only
        heads = [i for i, head in enumerate(shown) if head]
        trace = {
            "type": "scatter",
            "x": xs or [None],
            "y": ys or [None],
            "mode": "lines+markers",
            "name": name,
            "line": {"color": colour, "width": width, "dash": dash},
            # the arrowheads are the points `selectedpoints` lists, the rest not drawn:
            # per-point opacities would draw the legend's arrow at their mean (a third);
            # the page keeps them so through a box-select (`meta`, assets/timeline.js)
            "marker": {"symbol": "arrow", "angleref": "previous", "size": arrow, "color": colour},
            "selectedpoints": heads,
            "meta": {"drawn_points": heads},
            "unselected": {"marker": {"opacity": 0}},
            "hovertemplate": "%{text}<extra></extra>",
            "showlegend": bool(xs),
            "legendrank": 5,
        }
        if texts:
            trace["text"] = texts
        traces.append(trace)
    return traces


def lens_day_words(day: date, agency: str | None) -> str:
    """What the day's line says, in two short lines: whose knowledge, on which day (the room
    is told, not left to read the greying; the Lenses tab's bar says how the rest is drawn)."""
    who = (agency or "the partnership").replace("&", "&amp;").replace("<", "&lt;")
    return f"Known to {who.replace('>', '&gt;')}<br>on {day:%d %b %Y}"  # the name as text


def lens_day_trace(
    day: date | None, x_day, lane_count: int, width: float, agency: str | None = None,
    late: bool = False,
) -> dict:  # fmt: skip
    """The known-at-the-time day as a vertical line across the lanes, labelled in the gap
    below the first lane (`day_label_y`: kept for it, the band labels use the gaps below; to
    the line's left when the day is `late` in the case, so the words stay on the chart)."""
    if day is None:
        return {
            "type": "scatter", "x": [None], "y": [None], "mode": "lines",
            "name": LENS_DAY_TRACE, "showlegend": False, "hoverinfo": "skip",
        }  # fmt: skip
    words = lens_day_words(day, agency)
    return {
        "type": "scatter",
        "x": [x_day, x_day, x_day],
        "y": [-0.55, day_label_y(lane_count), lane_count - 0.5],
        "mode": "lines+text",
        "name": LENS_DAY_TRACE,
        "line": {"color": "#0b0c0c", "width": width, "dash": "solid"},
        "text": [None, words, None],
        "textposition": "middle left" if late else "middle right",
        "textfont": {"color": "#0b0c0c"},
        "hovertemplate": words.replace("<br>", " ") + "<extra></extra>",
        "showlegend": False,
    }


def band_label(finding) -> str:
    days = finding.details.get("days")
    count = finding.details.get("count") or finding.details.get("agencies")
    label = SHORT_LABEL.get(finding.kind, KIND_LABELS[finding.kind])
    if finding.kind in (SILENCE, AGENCY_SILENCE) and days:
        return f"{label}: {days} days"
    if count:
        return f"{label}: {count}"
    return label


def band_end(finding) -> date:
    """The day after a band's last day; a referral waiting for a response is drawn over the
    days it waited."""
    if finding.kind == UNANSWERED_REFERRAL and finding.details.get("waited"):
        return finding.end + timedelta(days=int(finding.details["waited"]) + 1)
    return finding.end + timedelta(days=1)


# Band labels sit in the gaps between the lanes (up to six, from the second down: the first
# holds the known-at-the-time day's words), where no marker is drawn, each where it has
# room, none overwriting another.
LABEL_ROWS = 6
# They are laid out for the narrowest chart the room sees (the plotting area at 1366x768 in
# presentation mode, about 537 px) in the presentation mode's type, so they collide at no
# screen size in either mode: the layout is made on the server, which knows neither.
NARROWEST_PLOT = 520
LABEL_GAP = 8  # px between two labels in a row
# Which bands are labelled first when there is not room for all: the silence no agency saw,
# then the clusters and the information that stopped; the plan holder's silences last
LABEL_PRIORITY = (
    SILENCE, WAS_NOT_BROUGHT, DOMESTIC_INCIDENTS, UNANSWERED_REFERRAL, RE_REFERRAL,
    CORROBORATION, AGENCY_SILENCE,
)  # fmt: skip
TINY_LABEL = {  # where the full label has no room
    SILENCE: "Silence",
    AGENCY_SILENCE: "Plan holder",
    WAS_NOT_BROUGHT: "Missed",
    RE_REFERRAL: "Re-referred",
    DOMESTIC_INCIDENTS: "Domestic",
    UNANSWERED_REFERRAL: "No response",
    CORROBORATION: "Accounts",
}


@dataclass(frozen=True)
class BandLabel:
    text: str  # "" for a band left unlabelled (no room): the Lenses tab lists every pattern
    y: float = -0.3  # on the lanes' axis: a gap between two lanes (above the first: -0.3)
    anchor: str = "middle center"  # or "middle left" / "middle right" by the chart's edges
    # the days the label is centred over: its band's, cut to the days the chart shows (None:
    # the band's own)
    start: date | None = None
    end: date | None = None


NO_LABEL = BandLabel("")


def day_label_y(lane_count: int) -> float:
    """Where the known-at-the-time day's words go on the lanes' axis: the gap below the first
    lane, kept for them (the day moves without the bands being laid out again); below a lone
    lane, the band labels having the room above it."""
    return 0.5 if lane_count > 1 else 0.3


def label_rows(lane_count: int) -> list[float]:
    """Where band labels go on the lanes' axis: the gaps below the second lane on (the first
    gap is the known-at-the-time day's), or above the first lane when there are none."""
    gaps = [lane + 0.5 for lane in range(1, min(LABEL_ROWS + 1, lane_count - 1))]
    return gaps or [-0.3]


def band_labels(
    findings: Sequence,
    first: date,
    last: date,
    lane_count: int,
    width_of,
    font_size: float,
    zoomed: bool = False,
) -> list[BandLabel]:
    """A BandLabel for each finding: its full label, else its tiny one, in the first row
    (`label_rows` of the `lane_count` lanes drawn) where it overlaps no other label, at the
    pixel scale of the narrowest chart (NARROWEST_PLOT for the days `first` to `last`: the
    events', a little padded as the chart is, or exactly the days shown when `zoomed`;
    `width_of(text, font_size)`: a text's width in px). A label is centred over the part of
    its band the chart shows; one that would run off the chart's edge starts at that part's
    edge instead; a band not shown, or with no room in any row, has NO_LABEL."""
    days = max((last - first).days + (1 if zoomed else 0), 1)
    scale = NARROWEST_PLOT / (days * (1 if zoomed else 1.1))
    lo_edge, hi_edge = 0, days * scale  # no label runs past the first or last day
    rows = label_rows(lane_count)
    taken: dict[float, list[tuple[float, float]]] = {row: [] for row in rows}
    labels = [NO_LABEL] * len(findings)

    def rank(i):
        found = findings[i]
        return (LABEL_PRIORITY.index(found.kind), -(found.end - found.start).days, found.start)

    for i in sorted(range(len(findings)), key=rank):
        found = findings[i]
        start = max(found.start, first)
        end = min(band_end(found), first + timedelta(days=days))
        if end <= start:
            continue  # the band is off the chart
        x0, x1 = (start - first).days * scale, (end - first).days * scale
        for text in (band_label(found), TINY_LABEL[found.kind]):
            width = width_of(text, font_size) + LABEL_GAP
            lo, hi, anchor = (x0 + x1 - width) / 2, (x0 + x1 + width) / 2, "middle center"
            if lo < lo_edge:
                lo, hi, anchor = x0, x0 + width, "middle left"
            elif hi > hi_edge:
                lo, hi, anchor = x1 - width, x1, "middle right"
            row = take_free_row(taken, lo, hi)
            if row is not None:
                labels[i] = BandLabel(text, row, anchor, start, end)
                break
    return labels


def take_free_row(taken: dict, lo: float, hi: float):
    """The first row of `taken` (row: the (lo, hi) spans its labels cover, in order) where a
    label spanning `lo` to `hi` overlaps none, now taken by it; None when every row is full."""
    for row, spans in taken.items():
        if all(hi <= a or lo >= b for a, b in spans):
            spans.append((lo, hi))
            return row
    return None


def pattern_shapes(
    findings: Sequence, kinds: Collection[str], to_x, font_size: int, labels: Sequence = ()
) -> list:
    """A band behind the lanes for each finding of the chosen `kinds` ("pattern:<kind>:<n>"),
    and its label where `labels` (`band_labels` of those findings; none: every label above
    the first lane) gives it one: carried by a shape of no size of its own in a gap between
    lanes, over the days the label says ("pattern:<kind>:<n>:label"), drawn above the
    markers. `to_x` turns a day into the
    axis's value. The kinds differ in fill, border dash and their label's words, not by
    colour alone."""
    shapes, carried = [], []
    chosen = [f for f in findings if f.kind in kinds]
    for n, finding in enumerate(chosen):
        fill, colour, dash = BAND_STYLE[finding.kind]
        x0, x1 = to_x(finding.start), to_x(band_end(finding))
        name = f"pattern:{finding.kind}:{n}"
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": x0,
                "x1": x1,
                "y0": 0,
                "y1": 1,
                "layer": "below",
                "fillcolor": fill,
                "line": {"color": colour, "width": 3, "dash": dash},
                "name": name,
            }
        )
        label = labels[n] if labels else BandLabel(band_label(finding))
        if not label.text:
            continue
        carried.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": x0 if label.start is None else to_x(label.start),
                "x1": x1 if label.end is None else to_x(label.end),
                "y0": label.y,
                "y1": label.y,
                "layer": "above",
                "fillcolor": "rgba(0,0,0,0)",
                "line": {"width": 0},
                "label": {
                    "text": label.text,
                    "textposition": label.anchor,
                    "font": {"size": font_size, "color": colour},
                },
                "name": f"{name}:label",
            }
        )
    return shapes + carried
