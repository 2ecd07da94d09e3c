"""The merged multi-agency timeline figure.

One lane per agency (a row of the y axis, labelled; or one per category), one trace per event
category (SVG for small cases, WebGL for large), every category of the managed list always,
with its fixed shape and colour (components.category_style), so the legend and the markers are
the same on every case and every document; month- and year-precision events drawn
as a span over their month or year with a hollow marker, and a fixed handful of extra traces
(spans, events with reflections, the lenses'). Developmental stages, key practice episodes and
the lenses' bands are a few layout shapes (the selected event's ring is drawn by the page): nothing is drawn per event beyond its arrays, so the figure
stays small and fast on cases of tens of thousands of events. Details are fetched on click.

Everything here is pure: data in, figure out (callable outside Dash for static images).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec

from components.category_style import (
    OPEN,
    MarkerStyle,
    marker_line,
    marker_size,
    marker_styles,
)
from components.lens_drawing import (
    BAND_KINDS,
    LABEL_GAP,
    LENS_DAY_TRACE,
    LINK_TRACES,
    NARROWEST_PLOT,
    NO_MARKS,
    LensMarks,
    band_labels,
    greyed_mask,
    greyed_size,
    greyed_style,
    known_points,
    lens_day_trace,
    lens_selection,
    link_traces,
    pattern_shapes,
    take_free_row,
)
from components.timeline_summary import (
    SUMMARY_TRACES,
    lane_range,
    summary_note,
    summary_traces,
    summary_view,
)
from data.category_list import OTHER
from data.partial_dates import PRECISIONS

HOVER_SUMMARY_CHARS = 140
# Above this many events the hover shows date and type only (details come on click), so the
# browser is not sent a line of text per event.
HOVER_TEXT_LIMIT = 3000
DENSE_LIMIT = 10_000  # above this many events markers are drawn smaller
# Up to this many events the chart is SVG: no WebGL context to start (about a second in the
# software WebGL of many office machines) and crisp at any scale; above it, WebGL.
SVG_LIMIT = 5_000
PRECISION_LABEL = {"day": "", "month": " (month only)", "year": " (year only)"}
MS_PER_DAY = 86_400_000
DAYS_PER_YEAR = 365.25

STAGES = (  # (name, from age, to age in years)
    ("Pre-birth", None, 0.0),
    ("Infancy", 0.0, 2.0),
    ("Early years", 2.0, 5.0),
    ("Primary", 5.0, 11.0),
    ("Secondary", 11.0, 16.0),
)
STAGE_FILLS = ("#f3f2f1", "#ffffff")

EPISODE_STYLE = {  # assessment: (label, fill, line colour, dash)
    "good_practice": ("Good practice", "rgba(0,112,60,0.14)", "#00703c", "solid"),
    "problem": ("Problem", "rgba(212,53,28,0.14)", "#d4351c", "dash"),
    "mixed": ("Mixed", "rgba(244,119,56,0.16)", "#8f4a00", "dot"),
}


def lane_order(events: pd.DataFrame, preferred: Sequence[str] | None = None) -> list[str]:
    """Agencies top to bottom: the preferred order first, then the rest by first event."""
    first = events.groupby("agency", sort=True)["event_date"].min()
    present = list(first.sort_values(kind="stable").index)
    ordered = [a for a in (preferred or []) if a in present]
    return ordered + [a for a in present if a not in ordered]


MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _texts(values: pd.Series) -> list[str]:
    """A column as plain strings, "" where missing."""
    return values.fillna("").astype(str).tolist()


def _escaped(values: list[str]) -> list[str]:
    """Each string safe inside Plotly's hover HTML."""
    return [v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for v in values]


def _hover_dates(days: np.ndarray, precisions) -> list[str]:
    """Each date as the hover shows it: "2014", "Jun 2014" or "05 Jun 2014" by its precision."""
    months = days.astype("datetime64[M]")
    years = (days.astype("datetime64[Y]").astype("int64") + 1970).tolist()
    month_index = (months.astype("int64") % 12).tolist()
    day_of_month = ((days.astype("datetime64[D]") - months).astype("int64") + 1).tolist()
    out = []
    for y, m, d, precision in zip(years, month_index, day_of_month, precisions, strict=True):
        if precision == "year":
            out.append(f"{y}")
        elif precision == "month":
            out.append(f"{MONTH_ABBR[m]} {y}")
        else:
            out.append(f"{d:02d} {MONTH_ABBR[m]} {y}")
    return out


def hover_text(events: pd.DataFrame, *, hide_summaries: bool = False) -> np.ndarray:
    """One short hover line per event: date (with precision), agency, the agency's own event
    type and its category, start of summary.

    Built row by row in plain Python: pandas' string operations (a dozen of them, each a pass
    over the column) cost 10-20x more on a case of a few hundred events."""
    precisions = events["date_precision"].tolist()
    dates = _hover_dates(events["event_date"].to_numpy(dtype="datetime64[D]"), precisions)
    columns = [
        dates,
        [PRECISION_LABEL.get(p, "") for p in precisions],
        _escaped(_texts(events["agency"])),
        _escaped(_texts(events["event_type"])),
    ]
    if "category" in events:
        columns.append([f" <i>({c})</i>" for c in _escaped(_texts(events["category"]))])
    if not hide_summaries and "summary" in events:
        cut = HOVER_SUMMARY_CHARS
        summaries = [s if len(s) <= cut else s[:cut] + "…" for s in _texts(events["summary"])]
        # Plotly renders hover text as HTML; escape what came from an extract so it stays text.
        columns.append(["<br>" + s for s in _escaped(summaries)])
    rows = []
    for date_text, precision, agency, event_type, *rest in zip(*columns, strict=True):
        rows.append(f"{date_text}{precision}<br>{agency}: {event_type}{''.join(rest)}")
    return np.array(rows, dtype=object)


def span_ends(days: np.ndarray, precision: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each event as datetime64[D]: its day, month or year.

    `precision` holds codes: 0 day, 1 month, 2 year.
    """
    start = days.astype("datetime64[D]")
    end = start + np.timedelta64(1, "D")
    month_end = (start.astype("datetime64[M]") + 1).astype("datetime64[D]")
    year_end = (start.astype("datetime64[Y]") + 1).astype("datetime64[D]")
    end = np.where(precision == 1, month_end, np.where(precision == 2, year_end, end))
    return start, end


def x_values(days, axis: str, date_of_birth: date | None) -> np.ndarray:
    """Dates as the x axis wants them: epoch milliseconds, or the child's age in years."""
    ms = np.asarray(days).astype("datetime64[ms]").astype("int64").astype("float64")
    if axis == "age" and date_of_birth is not None:
        born = float(np.datetime64(date_of_birth, "ms").astype("int64"))
        return (ms - born) / MS_PER_DAY / DAYS_PER_YEAR
    return ms


def event_codes(
    events: pd.DataFrame,
    lanes: Sequence[str],
    categories: Sequence[str],
    lane_by: str = "agency",
) -> dict[str, np.ndarray]:
    """The events as numeric arrays: id, day, precision code, lane index, category index.

    Uses the columns lane / category_index / precision_code when the read model supplied them
    (data.events.timeline_points), else computes them from agency (or category, with
    lane_by="category") / category / date_precision. Events of lanes not listed get lane -1;
    of categories not listed (or without one), the index of Other.
    """
    categories = list(categories)
    other = categories.index(OTHER) if OTHER in categories else len(categories) - 1
    if "lane" in events.columns:
        lane = events["lane"].to_numpy(dtype="int16")
        category = events["category_index"].to_numpy(dtype="int16")
        precision = events["precision_code"].to_numpy(dtype="int8")
    else:
        names = events["category"] if "category" in events else pd.Series(OTHER, events.index)
        by = names if lane_by == "category" else events["agency"]
        lane = pd.Index(list(lanes)).get_indexer(by).astype("int16")  # -1: not listed
        category = pd.Index(categories).get_indexer(names).astype("int16")
        precision = pd.Index(PRECISIONS).get_indexer(events["date_precision"])
        precision = np.maximum(precision, 0).astype("int8")
    category = np.where(category < 0, other, category).astype("int16")
    return {
        "id": events["event_id"].to_numpy(dtype="int64"),
        "day": events["event_date"].to_numpy(dtype="datetime64[D]"),
        "precision": precision,
        "lane": lane,
        "category": category,
    }


def _x_scalar(day, axis: str, date_of_birth: date | None) -> float | str:
    if axis == "age" and date_of_birth is not None:
        return (pd.Timestamp(day) - pd.Timestamp(date_of_birth)).days / DAYS_PER_YEAR
    return pd.Timestamp(day).strftime("%Y-%m-%d")


def _axis_is_age(axis: str, date_of_birth: date | None) -> bool:
    return axis == "age" and date_of_birth is not None


SPANS_TRACE = "Month or year only (span)"
REFLECTED_TRACE = "Reflected"
SPAN_COLOUR = "rgba(11,12,12,0.55)"  # a month or year only event's span
REFLECTED_COLOURS = ("#ffdd00", "#0b0c0c")  # the reflected badge's fill and outline
# after the categories, in this order; the lenses' links and day, then the summary's bars
EXTRA_TRACES = (SPANS_TRACE, REFLECTED_TRACE, *LINK_TRACES, LENS_DAY_TRACE, *SUMMARY_TRACES)


def trace_position(categories: Sequence | None, name: str) -> int:
    """Where the extra trace `name` sits among `timeline_traces(categories=...)`, for `Patch()`."""
    return extra_trace_position(len(marker_styles(categories)), name)


def extra_trace_position(category_count: int, name: str) -> int:
    """As `trace_position`, after `category_count` category traces."""
    return category_count + EXTRA_TRACES.index(name)


def timeline_traces(
    events: pd.DataFrame,
    *,
    lanes: Sequence[str],
    categories: Sequence | None = None,
    key_categories: Collection[str] = (),
    lane_by: str = "agency",
    axis: str = "date",
    date_of_birth: date | None = None,
    reflected_event_ids: Collection[int] = (),
    presentation: bool = False,
    hide_summaries: bool = False,
    webgl: bool | None = None,
    lens: LensMarks = NO_MARKS,
    span: tuple[date, date] | None = None,
    summarise_above: int | None = None,
) -> list[dict]:
    """The figure's traces (plain dicts, as `Patch()` sends them and `go.Figure` takes them),
    always the same ones in the same order for a given category list.

    Order: one per category in the managed list's order (empty ones too, so the legend never
    changes between cases), precision spans, events with reflections ("Reflected"), the
    lenses' links (one per link group), the known-at-the-time day and the summary's bars
    (components.timeline_summary): while the visible `span` (first and last day; None:
    everything) holds more than `summarise_above` events (None: never), the lanes draw bars
    of event counts and no markers; else the markers of that span (all of a small case).
    Keeping the order fixed lets callbacks replace data with `Patch()` at the positions
    `trace_position` names. `key_categories` draw larger. `lens` greys the events its
    known-at-the-time lens says were not known, and gives the links and the day. `lanes` are
    agencies, or categories with lane_by="category". `webgl` (default: more than `SVG_LIMIT` events) draws
    with WebGL; pass the same value for every patch of one figure.
    """
    styles = marker_styles(categories, key_categories)
    codes, keep = drawn_codes(events, lanes, styles, lane_by)
    # Dense cases get smaller markers: they overlap anyway until zoomed, and the browser
    # (software WebGL on many office machines) fills far fewer pixels.
    dense = len(codes["id"]) > DENSE_LIMIT
    greyed_all = greyed_mask(codes["id"], lens.greyed_event_ids)
    codes, keep, bins = in_view(codes, keep, span, summarise_above, greyed_all)
    ev = events[keep] if len(events) <= HOVER_TEXT_LIMIT else None
    imprecise = codes["precision"] > 0
    x_start, x_end, x_all, y_all = event_positions(codes, len(lanes), axis, date_of_birth)
    with_text = ev is not None and "agency" in ev.columns
    text_all = hover_text(ev, hide_summaries=hide_summaries) if with_text else None
    sizes = mark_sizes(presentation, dense)
    # Plain dicts: plotly's objects validated every array of every trace again (and again in
    # to_plotly_json), a third of a filter change's server time on 50,000 events.
    kind = "scattergl" if (len(codes["id"]) > SVG_LIMIT if webgl is None else webgl) else "scatter"

    def scatter(**trace) -> dict:
        return {"type": kind, **trace}

    ids = codes["id"]
    age = _axis_is_age(axis, date_of_birth)
    x_hover = "%{x:.1f} years" if age else "%{x|%d %b %Y}"
    short_hover = x_hover + "<br>%{fullData.name}<br><i>click for details</i><extra></extra>"

    def common(mask):
        extra = {}
        if with_text:
            extra = {"text": text_all[mask], "hovertemplate": "%{text}<extra></extra>"}
        else:
            extra = {"hovertemplate": short_hover}
        # Serialised as a plain JSON list (dcc.Graph only passes customdata of a clicked point
        # on from an Array, not a typed array); an object array skips plotly's per-element
        # validation of a Python list, which cost ~5x the time on 50,000 events.
        return {"customdata": ids[mask].astype(object), **extra}

    # One undrawn point after the events (no x, no event, filled), index -1: see category_rows.
    x_all = np.append(x_all, np.float32(np.nan))
    y_all = np.append(y_all, 0).astype(y_all.dtype)
    ids, imprecise = np.append(ids, -1), np.append(imprecise, False)  # -1: no event
    if text_all is not None:
        text_all = np.append(text_all, "")
    greyed = greyed_mask(ids, lens.greyed_event_ids)
    traces = []
    for rank, style in enumerate(styles):
        mask = category_rows(codes, rank)
        marker = event_marker(style, imprecise[mask], sizes, hollow=kind == "scatter")
        traces.append(
            scatter(
                x=_kept(x_all[mask]),
                y=_kept(y_all[mask]),
                mode="markers",
                name=style.name,
                marker=marker,
                # the known-at-the-time lens: what was not known is drawn `unselected`
                **lens_selection(known_points(greyed_rows(greyed, mask))),
                unselected=greyed_style(marker["size"]),
                legendrank=10 + rank,
                showlegend=bins is None,  # the summary's bars are per lane, not per category
                **common(mask),
            )
        )
    spans = spans_trace(x_start, x_end, y_all, imprecise, greyed, sizes)
    traces.append({"type": kind, **spans, "showlegend": bins is None})
    reflected = np.isin(ids, np.fromiter((int(i) for i in reflected_event_ids), dtype="int64"))
    traces.append(
        scatter(
            x=_kept(x_all[reflected]),
            y=_kept((y_all[reflected] - 0.32).astype("float32")),
            mode="markers",
            name=REFLECTED_TRACE,
            marker={
                "size": sizes["reflected"],
                "symbol": "diamond",
                "color": REFLECTED_COLOURS[0],
                "line": {"width": 2, "color": REFLECTED_COLOURS[1]},
            },
            legendrank=100,
            showlegend=bins is None,
            **common(reflected),
        )
    )
    lensed = lens_traces(codes, x_all, y_all, len(lanes), lens, sizes, axis, date_of_birth)
    summary = summary_traces(bins, lanes, lambda d: x_values(d, axis, date_of_birth), age=age)
    return traces + lensed + summary


def in_view(codes, keep, span, summarise_above, greyed):
    """The codes and rows (`keep`) of the events drawn as markers while `span` is shown, and
    the summary's bins (None unless summarised): see components.timeline_summary."""
    drawn, bins = summary_view(codes, span, summarise_above, greyed)
    if drawn.all():
        return codes, keep, bins
    rows = np.nonzero(keep)[0][drawn]
    keep = np.zeros(len(keep), dtype=bool)
    keep[rows] = True
    return {k: v[drawn] for k, v in codes.items()}, keep, bins


def ring_size(presentation: bool) -> dict[str, int]:
    """The selected event's ring in pixels (its outer diameter and line), drawn by the page over
    the chart (assets/timeline.js), not by Plotly: moving a shape made Plotly redraw the chart,
    70-200 ms of every click."""
    sizes = mark_sizes(presentation, False)
    return {"size": sizes["selected"], "line": sizes["selected_line"]}


def drawn_codes(events, lanes, styles, lane_by) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The event codes of the events drawn (in a listed lane), and which rows of `events`
    they are."""
    codes = event_codes(events, lanes, [st.name for st in styles], lane_by)
    keep = codes["lane"] >= 0
    return {k: v[keep] for k, v in codes.items()}, keep


def category_rows(codes: dict[str, np.ndarray], rank: int) -> np.ndarray:
    """The rows of one category's trace in the order it draws them. Exact dates first: plotly's
    legend draws a trace's first marker, which must be the category's filled one on every case.
    When every event of the category is dated to a month or year only, -1 leads: an undrawn
    filled point that `timeline_traces` appends after the events."""
    rows = np.nonzero(codes["category"] == rank)[0]
    imprecise = codes["precision"][rows] > 0
    rows = rows[np.argsort(imprecise, kind="stable")]
    if len(rows) and imprecise.all():
        rows = np.concatenate([[-1], rows])
    return rows


def spans_trace(x_start, x_end, y_all, imprecise, greyed, sizes) -> dict:
    """The spans of month or year only events (`imprecise`), one line each with NaN between
    them (no per-event shapes); under the known-at-the-time lens only those of events known
    then (`greyed`: the others; a line cannot be greyed in part), as their markers are full."""
    shown = imprecise if greyed is None else imprecise & ~greyed
    span_idx = np.nonzero(shown)[0]
    sx = np.full(len(span_idx) * 3, np.nan, dtype="float32")
    sy = np.full(len(span_idx) * 3, np.nan, dtype="float32")
    sx[0::3], sx[1::3] = x_start[span_idx], x_end[span_idx]
    sy[0::3] = sy[1::3] = y_all[span_idx]
    return {
        "x": _kept(sx),
        "y": _kept(sy),
        "mode": "lines",
        "name": SPANS_TRACE,
        "line": {"color": SPAN_COLOUR, "width": sizes["span"]},
        "hoverinfo": "skip",
        "legendrank": 1,
    }


def greyed_rows(greyed: np.ndarray | None, rows: np.ndarray) -> np.ndarray | None:
    """Which of a category trace's points (`rows`, as `category_rows` gives them) the lens
    greys; the undrawn point (-1) with them, so the points shown as known are events."""
    if greyed is None:
        return None
    flags = greyed[rows]
    flags[rows < 0] = True
    return flags


def event_positions(codes, lane_count: int, axis: str, date_of_birth: date | None):
    """Where each event is drawn: (x of its span's start, x of its end, x of its marker, y)."""
    y_all = codes["lane"].astype("int8" if lane_count < 120 else "int16")
    start, end = span_ends(codes["day"], codes["precision"])
    imprecise = codes["precision"] > 0
    x_start = x_values(start, axis, date_of_birth)
    x_end = x_values(end, axis, date_of_birth)
    # Exact days sit on their day; month/year events at the middle of their span.
    # (Noon of the day: the day's centre, and far from midnight for float32 rounding.)
    half_day = 0.5 / DAYS_PER_YEAR if _axis_is_age(axis, date_of_birth) else MS_PER_DAY / 2
    x_all = np.where(imprecise, (x_start + x_end) / 2, x_start + half_day).astype("float32")
    return x_start, x_end, x_all, y_all


def lens_traces(codes, x_all, y_all, lane_count, lens: LensMarks, sizes, axis, date_of_birth):
    """The lenses' traces (the last of EXTRA_TRACES): links between drawn events, the day."""
    traces = link_traces(lens.links, codes["id"], x_all, y_all, sizes["link"], sizes["arrow"])
    day_x = None if lens.day is None else _x_scalar(lens.day, axis, date_of_birth)
    days = codes["day"]
    late = bool(
        lens.day is not None and len(days)
        and np.datetime64(lens.day, "D") > days.min() + (days.max() - days.min()) * 2 // 5
    )  # fmt: skip
    return [
        *traces,
        lens_day_trace(lens.day, day_x, lane_count, sizes["link"], lens.agency, late),
    ]


def lens_update(
    events: pd.DataFrame,
    *,
    lanes: Sequence[str],
    categories: Sequence | None,
    key_categories: Collection[str] = (),
    lane_by: str = "agency",
    axis: str = "date",
    date_of_birth: date | None = None,
    presentation: bool = False,
    lens: LensMarks = NO_MARKS,
    span: tuple[date, date] | None = None,
    summarise_above: int | None = None,
) -> tuple[list, dict, list]:
    """What a lens change patches, as `timeline_traces` would draw it: each category trace's
    `selectedpoints` (in trace order: the points known then, None with no lens), the spans'
    trace's points (`x` and `y`: those of the events known then) and the lenses' traces then
    the summary's (from `trace_position` of the first link trace on)."""
    styles = marker_styles(categories, key_categories)
    codes, keep = drawn_codes(events, lanes, styles, lane_by)
    dense = len(codes["id"]) > DENSE_LIMIT
    greyed_all = greyed_mask(codes["id"], lens.greyed_event_ids)
    codes, _, bins = in_view(codes, keep, span, summarise_above, greyed_all)
    greyed = greyed_mask(codes["id"], lens.greyed_event_ids)
    known = [known_points(greyed_rows(greyed, category_rows(codes, rank)))
             for rank in range(len(styles))]  # fmt: skip
    x_start, x_end, x_all, y_all = event_positions(codes, len(lanes), axis, date_of_birth)
    sizes = mark_sizes(presentation, dense)
    spans = spans_trace(x_start, x_end, y_all, codes["precision"] > 0, greyed, sizes)
    lensed = lens_traces(codes, x_all, y_all, len(lanes), lens, sizes, axis, date_of_birth)
    age = _axis_is_age(axis, date_of_birth)
    summary = summary_traces(bins, lanes, lambda d: x_values(d, axis, date_of_birth), age=age)
    return known, {"x": spans["x"], "y": spans["y"]}, lensed + summary


def mark_sizes(presentation: bool, dense: bool) -> dict[str, int]:
    """Marker and line sizes in pixels: larger for the shared screen, smaller when dense."""
    if presentation:
        return {
            "event": 10 if dense else 20,
            "outline": 2,
            "span": 6,
            "reflected": 13,
            "selected": 44,
            "selected_line": 6,
            "link": 4,
            "arrow": 20,
        }
    return {
        "event": 7 if dense else 12,
        "outline": 1,
        "span": 4,
        "reflected": 9,
        "selected": 26,
        "selected_line": 4,
        "link": 2.5,
        "arrow": 14,
    }


def event_marker(
    style: MarkerStyle, imprecise: np.ndarray, sizes: dict[str, int], hollow: bool = True
) -> dict:
    """The marker of one category's trace: its colour and shape (larger for a key category),
    hollow for month or year only dates (`imprecise`, one flag per event) unless not
    `hollow`. WebGL charts draw every marker filled, their span line alone marking the
    imprecise date: a symbol per point cost scattergl about 2 s of a 50,000-event chart's
    first draw (one symbol per trace: 1.4-2.2 s against 3.6-4.4 s, bench of the same figure)."""
    symbol = style.symbol
    if hollow and imprecise.any():
        # a typed array (plotly would otherwise check each symbol one by one) of uint8: the
        # hollow variants of every symbol (up to 132) in one byte each
        symbol = to_typed_array_spec(
            np.where(imprecise, style.symbol + OPEN, style.symbol).astype("uint8")
        )
    return {
        "size": marker_size(sizes["event"], style),
        "color": style.colour,
        "symbol": symbol,
        "line": marker_line(style, sizes["outline"]),
    }


def presentation_update(
    presentation: bool,
    categories: Sequence | None,
    key_categories: Collection[str],
    dense: bool,
) -> dict:
    """What presentation mode changes, as `Plotly.update` arguments: per-trace sizes (in
    `timeline_traces` order) and layout font sizes. The page applies it in the browser, so
    the toggle needs no server."""
    sizes = mark_sizes(presentation, dense)
    styles = marker_styles(categories, key_categories)
    category_traces = len(styles)
    marker = [marker_size(sizes["event"], st) for st in styles]
    greyed = [greyed_size(size) for size in marker]  # the known-at-the-time lens's others
    greyed += [None] * len(EXTRA_TRACES)
    marker += [None, sizes["reflected"]]
    outline = [marker_line(st, sizes["outline"])["width"] for st in styles]
    outline += [None, 2]
    line = [None] * category_traces + [sizes["span"], None]
    # the lenses' links and day: line widths (a link's arrowheads are sized per point)
    marker += [sizes["arrow"]] * len(LINK_TRACES) + [None]
    outline += [None] * (len(LINK_TRACES) + 1)
    line += [sizes["link"]] * (len(LINK_TRACES) + 1)
    # the summary's bars: nothing to resize
    marker, outline, line = (
        values + [None] * len(SUMMARY_TRACES) for values in (marker, outline, line)
    )
    return {
        "traces": {
            "marker.size": marker,
            "marker.line.width": outline,
            "line.width": line,
            "unselected.marker.size": greyed,
        },
        "layout": presentation_layout(presentation),
        "shape_labels": label_sizes(presentation),
        "lane_label_gap": LANE_LABEL_GAP,
        "bottom_margin": {
            "date": bottom_margin(False, presentation),
            "age": bottom_margin(True, presentation),
        },
    }


def bottom_margin(age: bool, presentation: bool) -> int:
    """The chart's bottom margin: room for the x axis's tick labels, and on the age axis its
    title, at their font sizes. Set here rather than by Plotly's automargin, which drew the
    chart twice over whenever they outgrew the margin (in presentation mode, on the age axis):
    a third of the presentation toggle's time."""
    fonts = presentation_layout(presentation)
    margin = math.ceil(fonts["xaxis.tickfont.size"] * 1.3) + 19
    if age:
        margin += math.ceil(fonts["font.size"] * 1.25) + 7
    return margin


def label_sizes(presentation: bool) -> dict[str, int]:
    """Font sizes of the stage, episode and pattern band labels (shapes named "stage:...",
    "episode:...", "pattern:...")."""
    return {
        "stage": 18 if presentation else 13,
        "episode": 20 if presentation else 14,
        "pattern": 18 if presentation else 13,
    }


# Helvetica's advance widths (1/1000 em) of the printable ASCII characters, space to tilde:
# Arial, the chart's font, has the same metrics.
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
LANE_LABEL_GAP = 14  # px between the longest lane label and the paper's left edge


def text_width(text: str, font_size: float) -> float:
    """The width in px of `text` in Arial at `font_size`, erring wide: accented Latin letters
    as 0.72 em, anything further afield (other scripts, emoji) as a full em."""
    units = 0
    for char in text:
        code = ord(char)
        if 32 <= code <= 126:
            units += _ASCII_WIDTHS[code - 32]
        else:
            units += 720 if code < 0x250 else 1000
    return units * font_size / 1000


def lane_label_margin(lanes: Sequence[str], presentation: bool) -> int:
    """The chart's left margin: room for the longest lane label at the lane font size. Set
    here rather than by Plotly's automargin, which draws the chart two or three times over to
    find it (two thirds of each draw of the demo case). Linear in the font size, so the page
    rescales it when presentation mode changes the size (`presentation_update` gives the gap)."""
    size = presentation_layout(presentation)["yaxis.tickfont.size"]
    longest = max((text_width(str(lane), size) for lane in lanes), default=0)
    return math.ceil(longest) + LANE_LABEL_GAP


def presentation_layout(presentation: bool) -> dict:
    """Layout font sizes for presentation mode or not (dotted Plotly paths). On the shared
    screen lane labels and year ticks stay readable from the back of the room (a 1920x1080
    screen seen at a quarter of its size)."""
    return {
        "font.size": 22 if presentation else 16,
        "yaxis.tickfont.size": 34 if presentation else 16,
        "xaxis.tickfont.size": 32 if presentation else 16,
        "legend.font.size": 14,
        "hoverlabel.font.size": 20 if presentation else 15,
    }


def _arr(values: np.ndarray):
    """A numpy array as a plotly typed array (base64), so it is not checked value by value."""
    return to_typed_array_spec(values) if len(values) else []


def _kept(values: np.ndarray):
    """As _arr, but an empty trace gets one undrawn point: plotly leaves empty traces out of
    the legend, and the legend must be the same on every case."""
    return _arr(values) if len(values) else [None]


def stage_shapes(
    axis: str,
    date_of_birth: date | None,
    first_event: pd.Timestamp | None = None,
    last_event: pd.Timestamp | None = None,
    font_size: int = 13,
) -> list[dict]:
    """Faint background bands for the child's developmental stages, labelled at the bottom.

    Bands are clipped to the events' period (so they do not stretch the axis).
    """
    if date_of_birth is None:
        return []
    born = pd.Timestamp(date_of_birth)
    first = first_event if first_event is not None else born - pd.Timedelta(days=270)
    last = last_event if last_event is not None else born + pd.Timedelta(days=16 * 366)
    first, last = first - pd.Timedelta(days=30), last + pd.Timedelta(days=30)
    shapes = []
    for index, (name, start, stop) in enumerate(STAGES):
        lo_ts = first if start is None else born + pd.Timedelta(days=round(start * DAYS_PER_YEAR))
        hi_ts = born + pd.Timedelta(days=round(stop * DAYS_PER_YEAR))
        lo_ts, hi_ts = max(lo_ts, first), min(hi_ts, last)
        if hi_ts <= lo_ts:
            continue
        lo, hi = _to_x(lo_ts, axis, born), _to_x(hi_ts, axis, born)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": lo,
                "x1": hi,
                "y0": 0,
                "y1": 1,
                "layer": "below",
                "line": {"width": 0},
                "fillcolor": STAGE_FILLS[index % 2],
                "label": {
                    "text": name,
                    # the pre-birth band is short: its label sits at the top, so it never
                    # collides with the next band's label at the bottom
                    "textposition": "top left" if index == 0 else "bottom left",
                    "font": {"size": font_size, "color": "#505a5f"},
                },
                "name": f"stage:{name}",
            }
        )
    return shapes


def _to_x(ts: pd.Timestamp, axis: str, born: pd.Timestamp):
    if axis == "age":
        return (ts - born).days / DAYS_PER_YEAR
    return ts.strftime("%Y-%m-%d")


# Episode labels run along the top of the chart in up to three rows, each in the first row
# where it overwrites no other label, at the narrowest chart's scale in presentation mode's
# type (as the bands' labels: components.lens_drawing.NARROWEST_PLOT); then the assessment word
# alone; else none (the episode list below the chart names every episode).
EPISODE_LABEL_ROWS = 3


def episode_labels(episodes: Sequence, first: date | None, last: date | None) -> list[tuple]:
    """(text, row) of each episode's label, from its band's left edge (an episode in the first
    half of the case's events, `first` to `last`) or leftwards from its right edge; ("", 0)
    where neither its full label nor its assessment fits in a row."""
    font = label_sizes(True)["episode"]
    days = max((last - first).days, 1) if first and last else 1
    scale = NARROWEST_PLOT / (days * 1.1)  # the chart spans the events, a little padded
    middle = first + timedelta(days=days / 2) if first else None
    taken: dict[int, list[tuple[float, float]]] = {row: [] for row in range(EPISODE_LABEL_ROWS)}
    out = []
    for ep in episodes:
        word, *_ = EPISODE_STYLE.get(ep.assessment, EPISODE_STYLE["mixed"])
        start = ((ep.start_date - first).days if first else 0) * scale
        end = ((ep.end_date - first).days + 1 if first else 1) * scale
        late = middle is not None and ep.start_date > middle
        placed = ("", 0)
        for text in (f"{word}: {ep.title}", word):
            width = text_width(text, font) + LABEL_GAP
            lo, hi = (end - width, end) if late else (start, start + width)
            row = take_free_row(taken, lo, hi)
            if row is not None:
                placed = (text, row)
                break
        out.append(placed)
    return out


def episode_shapes(
    episodes: Sequence,
    axis: str,
    date_of_birth: date | None,
    font_size: int = 14,
    first: pd.Timestamp | None = None,
    last: pd.Timestamp | None = None,
) -> list[dict]:
    """A labelled shaded band across all lanes for each key practice episode.

    Good practice, problem and mixed differ by fill, border dash and the label's words. A band
    after the middle of the case's events (`first` to `last`) has its label at its right edge,
    running leftwards, so a long label on a short late episode is not cut off at the chart's
    right edge; labels take rows so none overwrites another (`episode_labels`).
    """
    shapes = []
    age = _axis_is_age(axis, date_of_birth)
    first_day, last_day = (None, None) if first is None else (first.date(), last.date())
    middle = None if first is None else first + (last - first) / 2
    labels = episode_labels(episodes, first_day, last_day)
    row_height = label_sizes(True)["episode"] + 6  # presentation mode's type: the tallest
    for ep, (text, row) in zip(episodes, labels, strict=True):
        late = middle is not None and pd.Timestamp(ep.start_date) > middle
        _, fill, line, dash = EPISODE_STYLE.get(ep.assessment, EPISODE_STYLE["mixed"])
        end = pd.Timestamp(ep.end_date) + pd.Timedelta(days=1)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": _x_scalar(ep.start_date, "age" if age else "date", date_of_birth),
                "x1": _x_scalar(end, "age" if age else "date", date_of_birth),
                "y0": 0,
                "y1": 1,
                "layer": "below",
                "fillcolor": fill,
                "line": {"color": line, "width": 2, "dash": dash},
                "label": {
                    "text": _escaped([text])[0],
                    "textposition": "top right" if late else "top left",
                    "font": {"size": font_size, "color": line},
                    "padding": 3 + row * row_height,
                },
                "name": f"episode:{ep.episode_id}",
            }
        )
    return shapes


def timeline_figure(events: pd.DataFrame, **drawing) -> go.Figure:
    """`timeline_figure_spec` as a validated plotly figure (documents, static images, tests)."""
    return go.Figure(timeline_figure_spec(events, **drawing))


def timeline_figure_spec(
    events: pd.DataFrame,
    *,
    lanes: Sequence[str] | None = None,
    categories: Sequence | None = None,
    key_categories: Collection[str] = (),
    lane_by: str = "agency",
    axis: str = "date",
    date_of_birth: date | None = None,
    episodes: Sequence = (),
    reflected_event_ids: Collection[int] = (),
    presentation: bool = False,
    hide_summaries: bool = False,
    webgl: bool | None = None,
    lens: LensMarks = NO_MARKS,
    bands: Sequence = (),
    span: tuple[date, date] | None = None,
    summarise_above: int | None = None,
) -> dict:
    """Draw the case's events in one lane per agency, with stages and episodes behind them, as
    the plain figure dict the page sends (`{"data": [...], "layout": {...}}`): building plotly's
    objects and copying them again to serialise was most of a page open's server time.

    `events` has columns event_id, event_date (datetime64), date_precision, agency,
    event_type, category and, for hover text on smaller cases, summary. `lanes` is the full
    ordered list of lanes to draw (default: agencies by first event); with
    lane_by="category" the lanes are categories. `categories` is the managed list (default:
    the shipped one), which fixes the traces and their markers whatever the data;
    `key_categories` are drawn larger.
    `axis` is "date" or "age" (years from `date_of_birth`). `episodes` are objects with
    episode_id, title, start_date, end_date, assessment. Events in `reflected_event_ids` get
    a yellow diamond badge above them (the selected event's ring is the page's: `ring_size`).
    `webgl`, `lens`, `span` and `summarise_above`: see `timeline_traces` (a summarised
    chart says so in an annotation); `bands`: the lenses' findings drawn as bands behind the
    lanes.
    """
    lanes = list(lanes) if lanes is not None else lane_order(events)
    age = _axis_is_age(axis, date_of_birth)
    traces = timeline_traces(
        events,
        lanes=lanes,
        categories=categories,
        key_categories=key_categories,
        lane_by=lane_by,
        axis=axis,
        date_of_birth=date_of_birth,
        reflected_event_ids=reflected_event_ids,
        presentation=presentation,
        hide_summaries=hide_summaries,
        webgl=webgl,
        lens=lens,
        span=span,
        summarise_above=summarise_above,
    )
    first_event = None if events.empty else events["event_date"].min()
    last_event = None if events.empty else events["event_date"].max()
    layout = {
        "template": simple_white_template(),
        "height": timeline_height(len(lanes), presentation),
        # the mode bar stands upright in the right margin, clear of the legend above the chart
        "margin": {
            "l": lane_label_margin(lanes, presentation),
            "r": 44,
            "t": 10,
            "b": bottom_margin(age, presentation),
        },
        "modebar": {"orientation": "v"},
        # pictures of the chart (documents, the page's PNG) carry Plotly's legend; the page
        # turns it off for its own key above the chart (components.chart_key)
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.01,
            "x": 0,
        },
        "font": {"family": "Arial, Helvetica, sans-serif", "color": "#0b0c0c"},
        "hoverlabel": {"align": "left"},
        "dragmode": "zoom",
        "uirevision": f"timeline-{'age' if age else 'date'}",  # switching axis sets the span anew
        "shapes": chart_shapes(
            first_event,
            last_event,
            axis=axis,
            date_of_birth=date_of_birth,
            episodes=episodes,
            bands=bands,
            presentation=presentation,
            lane_count=len(lanes),
            span=span,
        ),
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "barmode": "overlay",  # the summary's bars stand where their base puts them
        "xaxis": {
            # age: ticks chosen by Plotly, whole years when zoomed out, fractions zoomed in
            **(
                {"type": "linear", "title": {"text": "Child's age (years)"}}
                if age
                else {"type": "date"}
            ),
            "showgrid": True,
            "gridcolor": "#d8d8d8",
            "ticks": "outside",
            "zeroline": False,
            # the margins hold the labels: Plotly's default ("hide past div") measures every
            # label on every draw, a forced layout each
            "ticklabeloverflow": "allow",
            "automargin": False,  # see bottom_margin
        },
        "yaxis": {
            **lane_axis(lanes, traces),
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "zeroline": False,
            "automargin": False,  # see lane_label_margin
            "ticklabeloverflow": "allow",  # as the x axis's
            "fixedrange": True,
        },
    }
    if note := summary_note(traces):
        layout["annotations"] = note
    for path, value in presentation_layout(presentation).items():
        set_path(layout, path, value)
    return {"data": traces, "layout": layout}


def lane_axis(lanes: Sequence[str], traces: Sequence[dict]) -> dict:
    """The y axis's lanes: one labelled tick each, top lane first (room above for the summary's
    note while `traces` draw it); a full figure and a patch of its traces set the same."""
    return {
        "tickvals": list(range(len(lanes))),
        "ticktext": list(lanes),
        "range": lane_range(len(lanes), traces),
    }


@cache
def simple_white_template() -> dict:
    """Plotly's "simple_white" template as the JSON the browser gets (plotly.js knows no
    template names: plotly.py expands them). Shared by every figure: never modify it."""
    return pio.templates["simple_white"].to_plotly_json()


def set_path(tree, path: str, value) -> None:
    """Set the dotted plotly `path` ("yaxis.tickfont.size") in a figure dict or a `Patch()`."""
    *parents, leaf = path.split(".")
    for part in parents:
        tree = tree.setdefault(part, {}) if isinstance(tree, dict) else tree[part]
    tree[leaf] = value


def chart_shapes(
    first_event: pd.Timestamp | None,
    last_event: pd.Timestamp | None,
    *,
    axis: str,
    date_of_birth: date | None,
    episodes: Sequence = (),
    bands: Sequence = (),
    presentation: bool = False,
    lane_count: int = 1,
    span: tuple[date, date] | None = None,
) -> list[dict]:
    """The layout's shapes, back to front: developmental stages, key practice episodes and the
    lenses' pattern `bands` (findings, labelled in the gaps between the `lane_count` lanes
    drawn, for the days the chart shows: the visible `span`, else all), for a case whose
    events run first to last."""
    age = _axis_is_age(axis, date_of_birth)
    labels = label_sizes(presentation)
    drawn = [f for f in bands if f.kind in BAND_KINDS]
    shown = span or ((first_event.date(), last_event.date()) if first_event is not None else None)
    return [
        *stage_shapes(
            "age" if age else "date",
            date_of_birth,
            first_event,
            last_event,
            font_size=labels["stage"],
        ),
        *episode_shapes(episodes, axis, date_of_birth, labels["episode"], first_event, last_event),
        *pattern_shapes(
            bands,
            BAND_KINDS,
            lambda day: _x_scalar(day, "age" if age else "date", date_of_birth),
            labels["pattern"],
            labels=band_labels(
                drawn,
                *shown,
                lane_count,
                text_width,
                label_sizes(True)["pattern"],  # presentation mode's type: the widest
                zoomed=span is not None,
            )
            if drawn and shown is not None
            else (),
        ),
    ]


def timeline_height(lane_count: int, presentation: bool = False) -> int:
    per_lane = 95 if presentation else 70
    return max(360, 170 + per_lane * max(lane_count, 1))
