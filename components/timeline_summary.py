"""The summary a large case's timeline draws while zoomed out: bars of event counts per lane.

A chart of tens of thousands of markers costs the browser seconds to draw and shows a room no
more than a blur. While the visible span holds more than `SUMMARY_LIMIT` events, each lane
draws instead one bar per calendar bin (a day, week, month, quarter or year: the finest that
keeps the span to at most `MAX_BINS` bins), its height the number of events in it. Zoomed in
until the span holds few enough, the chart draws the individual markers of that span only.

Partial dates are binned honestly: an event dated to a month or a year only is counted in the
bin where its span starts, and a bin finer than that precision says how many of its events it
holds that way. Events the known-at-the-time lens greys are the hatched top of their bar.

Pure: event codes (components.timeline.event_codes) in, bins and plotly trace dicts out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from _plotly_utils.utils import to_typed_array_spec

# While the visible span holds more events than this, the lanes draw their summary; at most
# this many markers are drawn, so the page never needs WebGL (bench/meeting.py measured the
# open of a 50,000-event case, summarised and zoomed in to a span of this many).
SUMMARY_LIMIT = 3000
MAX_BINS = 120  # bins across the visible span: a bar of 10 px or more at 1366 px wide
# Bin units, finest first: (name, the bin's length in words, a bin's length in days roughly)
BIN_UNITS = (
    ("day", "a day", 1),
    ("week", "a week", 7),
    ("month", "a month", 30.44),
    ("quarter", "three months", 91.3),
    ("year", "a year", 365.25),
)
# A bin of this unit is finer than these precisions: events so dated are counted at their start
FINER_THAN = {"day": (1, 2), "week": (1, 2), "month": (2,), "quarter": (2,), "year": ()}
PRECISION_WORDS = {1: "month", 2: "year"}

SUMMARY_TRACE = "Summary: events in each lane"
SUMMARY_GREYED_TRACE = "Summary: not known at the time (hatched)"
SUMMARY_TRACES = (SUMMARY_TRACE, SUMMARY_GREYED_TRACE)
SUMMARY_NOTE = "summary"  # the name of the layout annotation that says the chart is a summary
BAR_COLOUR = "#1d70b8"
GREYED_COLOUR = "rgba(80,90,95,0.35)"
LANE_SHARE = 0.72  # of a lane's height, the tallest bar
LEAST_SHARE = 0.12  # of a lane's height, the shortest bar: one event is never invisible
FOOT = 0.32  # a bar stands this far below its lane's middle (the y axis runs downwards)
NOTE_ROOM = 0.7  # of a lane's height, room above the top lane for the summary's note


@dataclass(frozen=True)
class EventBins:
    """Event counts per lane per calendar bin (only bins holding events), for one span."""

    unit: str  # a BIN_UNITS name
    lane: np.ndarray  # lane index of each bin
    start: np.ndarray  # datetime64[D], the bin's first day
    end: np.ndarray  # datetime64[D], the day after its last
    count: np.ndarray  # events counted in it
    partial: np.ndarray  # of those, events dated less precisely than the bin (at their start)
    greyed: np.ndarray  # of those, events the known-at-the-time lens greys
    total: int  # events counted in all bins

    @property
    def tallest(self) -> int:
        return int(self.count.max()) if len(self.count) else 0


def span_days(span: tuple[date, date] | None):
    """The span (first and last day, both shown) as datetime64[D] bounds [lo, hi)."""
    if span is None:
        return None
    lo, hi = span
    return np.datetime64(lo, "D"), np.datetime64(hi + timedelta(days=1), "D")


def in_span(days: np.ndarray, precision: np.ndarray, bounds) -> np.ndarray:
    """Which events' own spans (a day, month or year from `days`) meet `bounds` ([lo, hi),
    datetime64[D]; None: all)."""
    days = days.astype("datetime64[D]")
    if bounds is None:
        return np.ones(len(days), dtype=bool)
    lo, hi = bounds
    month_end = (days.astype("datetime64[M]") + 1).astype("datetime64[D]")
    year_end = (days.astype("datetime64[Y]") + 1).astype("datetime64[D]")
    end = np.where(precision == 1, month_end, np.where(precision == 2, year_end, days + 1))
    return (days < hi) & (end > lo)


def summarised(days: np.ndarray, precision: np.ndarray, span, limit: int | None) -> bool:
    """Whether the visible `span` (first and last day; None: everything) holds more events
    than `limit` (None: never summarise)."""
    if limit is None or len(days) <= limit:
        return False
    return int(in_span(days, precision, span_days(span)).sum()) > limit


def markers_drawn(days: np.ndarray, precision: np.ndarray, span, limit: int | None) -> np.ndarray:
    """Which events the chart draws as markers while not summarised: all of them in a case of
    no more than `limit` events (or with no limit, or no span), else those of the span and of
    a quarter of its length either side (panning a little shows markers at once)."""
    if limit is None or len(days) <= limit or span is None:
        return np.ones(len(days), dtype=bool)
    lo, hi = span_days(span)
    margin = (hi - lo) // 4
    return in_span(days, precision, (lo - margin, hi + margin))


def summary_view(codes: dict, span, limit: int | None, greyed: np.ndarray | None = None):
    """What the chart draws of the events `codes` (components.timeline.event_codes) while the
    visible `span` (first and last day; None: everything) is shown: which events as markers,
    and the summary's bins (None unless summarised). `greyed` flags the events the
    known-at-the-time lens greys."""
    days, precision = codes["day"], codes["precision"]
    if not summarised(days, precision, span, limit):
        return markers_drawn(days, precision, span, limit), None
    bins = event_bins(days, precision, codes["lane"], span, greyed)
    return np.zeros(len(days), dtype=bool), bins


def marker_rows(days: np.ndarray, precision: np.ndarray, span, limit: int | None) -> np.ndarray:
    """Which events the chart draws as markers while `span` is shown: none while it is
    summarised, else `markers_drawn`."""
    if summarised(days, precision, span, limit):
        return np.zeros(len(days), dtype=bool)
    return markers_drawn(days, precision, span, limit)


def bin_unit(lo: np.datetime64, hi: np.datetime64, max_bins: int = MAX_BINS) -> str:
    """The finest unit that cuts [lo, hi) into at most `max_bins` bins."""
    length = float((hi - lo).astype("int64"))
    for name, _, days in BIN_UNITS:
        if length / days <= max_bins:
            return name
    return BIN_UNITS[-1][0]


def bin_start(days: np.ndarray, unit: str) -> np.ndarray:
    """The first day of the `unit` bin each day falls in (weeks start on Monday)."""
    days = days.astype("datetime64[D]")
    if unit == "day":
        return days
    if unit == "week":  # 1970-01-01 was a Thursday
        return days - ((days.astype("int64") + 3) % 7).astype("timedelta64[D]")
    if unit == "month":
        return days.astype("datetime64[M]").astype("datetime64[D]")
    if unit == "quarter":
        months = days.astype("datetime64[M]").astype("int64")
        return (months - months % 3).astype("datetime64[M]").astype("datetime64[D]")
    return days.astype("datetime64[Y]").astype("datetime64[D]")


def bin_end(starts: np.ndarray, unit: str) -> np.ndarray:
    """The day after each `unit` bin starting on `starts`."""
    if unit == "day":
        return starts + 1
    if unit == "week":
        return starts + 7
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    return (starts.astype("datetime64[M]") + months).astype("datetime64[D]")


def event_bins(
    days: np.ndarray,
    precision: np.ndarray,
    lane: np.ndarray,
    span=None,
    greyed: np.ndarray | None = None,
    max_bins: int = MAX_BINS,
) -> EventBins:
    """Count the events (their first days `days`, precision codes 0 day / 1 month / 2 year,
    lane indices) per lane per bin across the visible `span` (first and last day; None: from
    the first event to the last), each event at its span's start. `greyed` flags the events
    the known-at-the-time lens greys."""
    days = np.asarray(days).astype("datetime64[D]")
    precision, lane = np.asarray(precision), np.asarray(lane)
    bounds = span_days(span)
    if bounds is None and len(days):
        bounds = days.min(), days.max() + 1
    unit = bin_unit(*bounds, max_bins) if bounds is not None else "month"
    if bounds is not None:  # whole bins: the first and last bars count all their events
        lo = bin_start(np.array([bounds[0]]), unit)[0]
        bounds = lo, bin_end(bin_start(np.array([bounds[1] - 1]), unit), unit)[0]
    shown = in_span(days, precision, bounds) & (lane >= 0)
    starts = bin_start(days[shown], unit)
    lanes = lane[shown].astype("int64")
    # one key per (lane, bin): the bin's first day as a day number, the lane above it
    key = lanes * 10_000_000 + (starts.astype("int64") + 5_000_000)
    keys, index, count = np.unique(key, return_inverse=True, return_counts=True)
    finer = np.isin(precision[shown], FINER_THAN[unit])
    partial = np.bincount(index, weights=finer, minlength=len(keys)).astype("int64")
    grey = np.zeros(len(days), dtype=bool) if greyed is None else np.asarray(greyed, dtype=bool)
    greyed_count = np.bincount(index, weights=grey[shown], minlength=len(keys)).astype("int64")
    bin_first = (keys % 10_000_000 - 5_000_000).astype("datetime64[D]")
    return EventBins(
        unit=unit,
        lane=(keys // 10_000_000).astype("int64"),
        start=bin_first,
        end=bin_end(bin_first, unit),
        count=count.astype("int64"),
        partial=partial,
        greyed=greyed_count,
        total=int(shown.sum()),
    )


def unit_words(unit: str) -> str:
    return {name: words for name, words, _ in BIN_UNITS}[unit]


def bin_label(start: np.datetime64, end: np.datetime64, unit: str) -> str:
    """A bin in words: '14 Mar 2016', 'week of 14 Mar 2016', 'Mar 2016', 'Jan-Mar 2016',
    '2016'."""
    first = start.astype(object)
    last = (end - 1).astype(object)
    if unit == "day":
        return f"{first:%d %b %Y}"
    if unit == "week":
        return f"week of {first:%d %b %Y}"
    if unit == "month":
        return f"{first:%b %Y}"
    if unit == "quarter":
        return f"{first:%b}-{last:%b %Y}"
    return f"{first:%Y}"


def partial_words(partial: int, unit: str) -> str:
    """What a bin says of its events dated less precisely than it ('' when none)."""
    if not partial:
        return ""
    kinds = " or ".join(PRECISION_WORDS[p] for p in FINER_THAN[unit])
    return f"{partial:,} dated to the {kinds} only (counted at its start)"


EPOCH = date(1970, 1, 1)


def bin_ref(lane: int, first: int, after: int) -> str:
    """A bar's customdata: 'bin:<lane>:<first day>:<day after its last>', days counted from
    1970 (short: a summary sends thousands). Never a number, so the page's click on a marker
    (an event id) cannot mistake a bar for an event."""
    return f"bin:{lane}:{first}:{after}"


def read_bin_ref(ref) -> tuple[int, date, date] | None:
    """The lane index and the bin's [first day, day after its last) of a bar's customdata."""
    parts = ref.split(":") if isinstance(ref, str) else []
    if len(parts) != 4 or parts[0] != "bin":
        return None
    try:
        lane, first, after = (int(part) for part in parts[1:])
        return lane, EPOCH + timedelta(days=first), EPOCH + timedelta(days=after)
    except (ValueError, OverflowError):
        return None


def bar_heights(bins: EventBins) -> np.ndarray:
    """Each bar's height in lanes: in proportion to its count (the tallest LANE_SHARE of a
    lane), never below LEAST_SHARE, so a bin of one event still shows."""
    if not len(bins.count):
        return np.zeros(0)
    share = bins.count / max(bins.tallest, 1) * LANE_SHARE
    return np.maximum(share, LEAST_SHARE)


def summary_traces(
    bins: EventBins | None,
    lanes: Sequence[str],
    to_x,
    *,
    age: bool,
) -> list[dict]:
    """The summary's two bar traces (SUMMARY_TRACES order), empty when `bins` is None (the
    chart draws markers). `to_x` turns datetime64[D] days into x values. Each bar stands on
    its lane's foot and rises towards the lane above; events the lens greys are its hatched
    top part. Hover and click say what a bar holds."""
    if bins is None or not len(bins.count):
        return [_bars(name, visible=False) for name in SUMMARY_TRACES]
    start_x, end_x = to_x(bins.start), to_x(bins.end)
    width = (end_x - start_x) * 0.86
    middle = (start_x + end_x) / 2
    height = bar_heights(bins)
    known = np.where(bins.count > 0, (bins.count - bins.greyed) / bins.count, 0) * height
    foot = bins.lane + FOOT
    refs = bin_refs(bins)
    text = bar_hover(bins, lanes, start_x if age else None, end_x if age else None)
    grey = bins.greyed > 0
    return [
        _bars(
            SUMMARY_TRACE,
            x=middle,
            base=foot,
            y=-known,
            width=width,
            customdata=refs,
            text=text,
            legend=f"Summary: events in {unit_words(bins.unit)} (bar height; tallest "
            f"{bins.tallest:,})",
            meta={"unit": bins.unit, "tallest": bins.tallest, "shown": bins.total},
        ),
        _bars(
            SUMMARY_GREYED_TRACE,
            x=middle[grey],
            base=(foot - known)[grey],
            y=-(height - known)[grey],
            width=width[grey],
            customdata=[r for r, g in zip(refs, grey, strict=True) if g],
            text=[t for t, g in zip(text, grey, strict=True) if g],
            visible=bool(grey.any()),
        ),
    ]


def bin_refs(bins: EventBins) -> list[str]:
    """Each bar's `bin_ref`, for thousands of bars at once."""
    first, after = bins.start.astype("int64").tolist(), bins.end.astype("int64").tolist()
    return [bin_ref(*each) for each in zip(bins.lane.tolist(), first, after, strict=True)]


def bar_hover(bins: EventBins, lanes: Sequence[str], start_age=None, end_age=None) -> list[str]:
    """Each bar's hover: its lane, period (and the child's age then, on the age axis), count,
    what the lens greys and the partial dates it holds."""
    periods = {}  # a period's words, once for every lane's bar of it
    for start, end in zip(bins.start.tolist(), bins.end.tolist(), strict=True):
        if start not in periods:
            periods[start] = bin_label(np.datetime64(start), np.datetime64(end), bins.unit)
    names = [_escape(str(lane)) for lane in lanes]
    out = []
    for i, (lane, start, count, greyed, partial) in enumerate(
        zip(
            bins.lane.tolist(),
            bins.start.tolist(),
            bins.count.tolist(),
            bins.greyed.tolist(),
            bins.partial.tolist(),
            strict=True,
        )
    ):
        period = periods[start]
        if start_age is not None:
            period += f" (age {start_age[i]:.1f}-{end_age[i]:.1f})"
        lines = [
            names[lane] if 0 <= lane < len(names) else "",
            f"{period}: {count:,} event{'' if count == 1 else 's'}",
        ]
        if greyed:
            lines.append(f"{greyed:,} not known at the time")
        if partial:
            lines.append(partial_words(partial, bins.unit))
        out.append("<br>".join(lines))
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bars(
    name: str, *, visible: bool = True, legend: str | None = None, meta=None, **points
) -> dict:
    hatched = name == SUMMARY_GREYED_TRACE
    trace = {
        "type": "bar",
        "name": legend or name,
        "x": _typed(points.get("x", []), "float64"),  # epoch ms want float64
        "y": _typed(points.get("y", []), "float32"),
        "base": _typed(points.get("base", []), "float32"),
        "width": _typed(points.get("width", []), "float32"),
        "customdata": list(points.get("customdata", [])),
        "text": list(points.get("text", [])),
        "textposition": "none",
        "hovertemplate": "%{text}<br><i>click for details</i><extra></extra>",
        "marker": {
            "color": GREYED_COLOUR if hatched else BAR_COLOUR,
            "line": {"width": 0},
            "pattern": {"shape": "/" if hatched else "", "fgcolor": "#383f43", "size": 6},
        },
        "showlegend": visible,
        "visible": True,
        "legendrank": 5 if not hatched else 6,
        "meta": meta,
    }
    return trace


def _typed(values, dtype: str):
    """Numbers as a plotly typed array (base64): a summary's thousands of bars are sent in a
    fraction of the JSON's bytes and are not checked value by value."""
    values = np.asarray(values, dtype=dtype)
    return to_typed_array_spec(values) if len(values) else []


def lane_range(lane_count: int, traces: Sequence[dict]) -> list[float]:
    """The y axis range: every lane, top lane first, and room above it for the summary's
    note while the `traces` draw the summary."""
    return [lane_count - 0.5, -0.6 - (NOTE_ROOM if summary_note(traces) else 0)]


def summary_note(traces: Sequence[dict]) -> list[dict]:
    """The layout's annotations for the figure's `traces`: while they draw the summary, one
    at the chart's top right that says so (how many events, what a bar is, how to see each
    event); none otherwise."""
    drawn = [t["meta"] for t in traces if t.get("type") == "bar" and t.get("meta")]
    if not drawn:
        return []
    meta = drawn[0]
    text = (
        f"<b>Summary</b> of {meta['shown']:,} events, a bar for {unit_words(meta['unit'])} "
        "of each lane: zoom in to see each event"
    )
    return [
        {
            "name": SUMMARY_NOTE,
            "text": text,
            "xref": "paper",
            "yref": "paper",
            "x": 1,
            "y": 1,
            "xanchor": "right",
            "yanchor": "top",
            "showarrow": False,
            "align": "right",
            "bgcolor": "rgba(255,255,255,0.92)",
            "bordercolor": "#0b0c0c",
            "borderwidth": 1,
            "borderpad": 4,
        }
    ]


def unit_of(first: date, after: date) -> str:
    """The unit of a bin from its first day and the day after its last."""
    days = (after - first).days
    return (
        "day"
        if days == 1
        else "week"
        if days == 7
        else "month"
        if days <= 31
        else ("quarter" if days <= 92 else "year")
    )


@dataclass(frozen=True)
class BinContents:
    """What one bar of the summary holds (see `bin_contents`)."""

    unit: str
    count: int
    partial: int
    greyed: int
    by_category: list[tuple[int, int]]  # (category index, events), most first


def bin_contents(
    codes: dict, lane: int, first: date, after: date, greyed: np.ndarray | None = None
) -> BinContents:
    """The events of `lane` whose span starts in the bin [first, after) (as `event_bins`
    counts them): how many, how many dated less precisely than the bin, how many the lens
    greys, and how many of each category."""
    unit = unit_of(first, after)
    days = codes["day"].astype("datetime64[D]")
    rows = (
        (codes["lane"] == lane)
        & (days >= np.datetime64(first, "D"))
        & (days < np.datetime64(after, "D"))
    )
    kinds, counts = np.unique(codes["category"][rows], return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return BinContents(
        unit=unit,
        count=int(rows.sum()),
        partial=int(np.isin(codes["precision"][rows], FINER_THAN[unit]).sum()),
        greyed=0 if greyed is None else int(np.asarray(greyed, dtype=bool)[rows].sum()),
        by_category=[(int(kinds[i]), int(counts[i])) for i in order],
    )


def step_through(codes: dict, span, current: int | None, step: int) -> int | None:
    """The event `step` (-1 or +1) from `current` among those of the shown lanes in the
    visible `span` (first and last day; None: everything), in the order previous / next take
    the chart's markers: by day, then lane (top to bottom), then id. From an event outside
    them (or none), the first or, stepping back, the last; at either end it stays. None when
    the span holds no event."""
    rows = np.flatnonzero(
        (codes["lane"] >= 0) & in_span(codes["day"], codes["precision"], span_days(span))
    )
    if not len(rows):
        return None
    order = rows[np.lexsort((codes["id"][rows], codes["lane"][rows], codes["day"][rows]))]
    ids = codes["id"][order]
    at = np.flatnonzero(ids == current)
    if not len(at):
        return int(ids[0] if step > 0 else ids[-1])
    return int(ids[min(max(int(at[0]) + step, 0), len(ids) - 1)])
