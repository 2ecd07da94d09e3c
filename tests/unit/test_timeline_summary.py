"""The summary a large case's timeline draws while zoomed out (components.timeline_summary):
bins of hand-made events, partial dates among them, and the figure that draws them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from components.lens_drawing import LensMarks
from components.timeline import (
    EXTRA_TRACES,
    event_codes,
    presentation_update,
    timeline_figure,
    trace_position,
)
from components.timeline_summary import (
    FOOT,
    LANE_SHARE,
    LEAST_SHARE,
    SUMMARY_GREYED_TRACE,
    SUMMARY_NOTE,
    SUMMARY_TRACE,
    bar_heights,
    bin_contents,
    bin_label,
    bin_ref,
    bin_start,
    bin_unit,
    event_bins,
    markers_drawn,
    partial_words,
    read_bin_ref,
    step_through,
    summarised,
)
from data.category_list import SHIPPED_CATEGORIES
from tests.support.plotly_arrays import decode
from tests.support.synthetic_case import big_case

PRECISION = {"day": 0, "month": 1, "year": 2}


def days(*isos: str) -> np.ndarray:
    return np.array(isos, dtype="datetime64[D]")


def codes_of(rows) -> dict[str, np.ndarray]:
    """Event codes from (day, precision, lane) rows, as components.timeline.event_codes."""
    return {
        "id": np.arange(1, len(rows) + 1),
        "day": days(*(r[0] for r in rows)),
        "precision": np.array([PRECISION[r[1]] for r in rows], dtype="int8"),
        "lane": np.array([r[2] for r in rows], dtype="int16"),
        "category": np.zeros(len(rows), dtype="int16"),
    }


def by_bin(bins) -> dict[tuple[int, str], tuple[int, int]]:
    """{(lane, first day): (count, partial)} of each bin."""
    return {
        (int(lane), str(start)): (int(n), int(p))
        for lane, start, n, p in zip(bins.lane, bins.start, bins.count, bins.partial, strict=True)
    }


def test_bins_start_on_calendar_boundaries_weeks_on_monday():
    some = days("2016-03-16", "2016-03-20", "2016-03-21", "2016-12-31")  # Wed, Sun, Mon, Sat
    assert (
        bin_start(some, "week").tolist()
        == days("2016-03-14", "2016-03-14", "2016-03-21", "2016-12-26").tolist()
    )
    assert [str(d) for d in bin_start(some, "month")] == [
        "2016-03-01",
        "2016-03-01",
        "2016-03-01",
        "2016-12-01",
    ]
    assert [str(d) for d in bin_start(some, "quarter")] == [
        "2016-01-01",
        "2016-01-01",
        "2016-01-01",
        "2016-10-01",
    ]
    assert str(bin_start(some, "year")[0]) == "2016-01-01"


def test_the_bin_is_the_finest_unit_that_keeps_the_span_to_few_bins():
    lo = np.datetime64("2010-01-01")
    assert bin_unit(lo, lo + 100, max_bins=240) == "day"
    assert bin_unit(lo, lo + 3 * 365, max_bins=240) == "week"
    assert bin_unit(lo, lo + 17 * 365, max_bins=240) == "month"
    assert bin_unit(lo, lo + 40 * 365, max_bins=240) == "quarter"
    assert bin_unit(lo, lo + 100 * 365, max_bins=240) == "year"


def test_events_are_counted_per_lane_per_bin_partial_dates_at_their_start_said_so():
    rows = [
        ("2015-03-02", "day", 0),
        ("2015-03-30", "day", 0),
        ("2015-03-01", "month", 0),  # March 2015 only
        ("2015-01-01", "year", 0),  # 2015 only: counted in January, said so
        ("2015-03-10", "day", 1),
        ("2016-07-04", "day", 1),
    ]
    codes = codes_of(rows)
    bins = event_bins(codes["day"], codes["precision"], codes["lane"], max_bins=40)
    assert bins.unit == "month"
    assert by_bin(bins) == {
        (0, "2015-01-01"): (1, 1),  # the year-only event, dated less precisely than a month
        (0, "2015-03-01"): (3, 0),  # a month-only event is exact in a month's bin
        (1, "2015-03-01"): (1, 0),
        (1, "2016-07-01"): (1, 0),
    }
    assert bins.total == len(rows) and bins.tallest == 3
    assert [str(d) for d in bins.end] == ["2015-02-01", "2015-04-01", "2015-04-01", "2016-08-01"]
    # in a week's bins the month-only event is counted in the week of its first day
    weekly = event_bins(
        codes["day"],
        codes["precision"],
        codes["lane"],
        span=(date(2015, 1, 1), date(2015, 12, 31)),
        max_bins=60,
    )
    assert weekly.unit == "week"
    held = by_bin(weekly)
    assert held[(0, "2015-02-23")] == (1, 1)  # 1 March 2015 was a Sunday: the month-only event
    assert held[(0, "2014-12-29")] == (1, 1)  # the year-only event, at 1 January's week
    assert held[(0, "2015-03-30")] == (1, 0)
    assert (1, "2016-07-04") not in held  # outside the span
    assert weekly.total == 5
    assert partial_words(1, "week") == "1 dated to the month or year only (counted at its start)"
    assert partial_words(2, "month") == "2 dated to the year only (counted at its start)"
    assert partial_words(0, "day") == ""


def test_a_year_only_event_reaching_into_the_span_is_counted_in_it():
    codes = codes_of([("2015-01-01", "year", 0), ("2014-06-01", "day", 0)])
    span = (date(2015, 6, 1), date(2015, 6, 30))
    assert markers_drawn(codes["day"], codes["precision"], span, limit=1).tolist() == [True, False]
    assert not summarised(codes["day"], codes["precision"], span, limit=1)
    assert summarised(codes["day"], codes["precision"], None, limit=1)


def test_markers_of_the_span_and_a_margin_once_it_holds_few_enough_events():
    rows = [(str(np.datetime64("2015-01-01") + i), "day", i % 3) for i in range(0, 400, 4)]
    codes = codes_of(rows)
    d, p = codes["day"], codes["precision"]
    assert markers_drawn(d, p, None, None).all()  # no limit: all
    assert markers_drawn(d, p, (date(2015, 3, 1), date(2015, 3, 31)), 1000).all()  # small case
    assert summarised(d, p, None, 50)  # 100 events, limit 50
    march = (date(2015, 3, 1), date(2015, 4, 30))  # 61 days: 15 or 16 events, margin 15 days
    assert not summarised(d, p, march, 50)
    drawn = d[markers_drawn(d, p, march, 50)]
    assert str(drawn.min()) >= "2015-02-14" and str(drawn.max()) <= "2015-05-15"
    assert (drawn >= np.datetime64("2015-03-01")).sum() >= 15


def test_a_bar_of_one_event_still_shows_the_tallest_fills_most_of_its_lane():
    codes = codes_of([("2015-01-05", "day", 0)] * 40 + [("2015-06-05", "day", 1)])
    bins = event_bins(codes["day"], codes["precision"], codes["lane"])
    heights = dict(zip(bins.count.tolist(), bar_heights(bins).tolist(), strict=True))
    assert heights[40] == pytest.approx(LANE_SHARE)
    assert heights[1] == pytest.approx(LEAST_SHARE)


def test_a_bar_is_never_taken_for_an_event_and_reads_back():
    days_from_1970 = (date(2015, 3, 1) - date(1970, 1, 1)).days
    ref = bin_ref(3, days_from_1970, days_from_1970 + 31)
    assert not ref.lstrip("-").isdigit()
    assert read_bin_ref(ref) == (3, date(2015, 3, 1), date(2015, 4, 1))
    for bad in (None, 12, "12", "bin:x:1:2", "bin:1:2", "event:1:2:3"):
        assert read_bin_ref(bad) is None
    assert bin_label(np.datetime64("2015-01-01"), np.datetime64("2015-04-01"), "quarter") == (
        "Jan-Mar 2015"
    )
    assert bin_label(np.datetime64("2015-03-02"), np.datetime64("2015-03-09"), "week") == (
        "week of 02 Mar 2015"
    )


def test_what_a_bar_holds_is_what_it_counted():
    rows = [
        ("2015-03-02", "day", 0),
        ("2015-03-01", "month", 0),
        ("2015-01-01", "year", 0),
        ("2015-03-10", "day", 1),
    ]
    codes = codes_of(rows)
    codes["category"] = np.array([2, 2, 5, 2], dtype="int16")
    bins = event_bins(codes["day"], codes["precision"], codes["lane"], max_bins=40)
    for lane, start, end, count, partial in zip(
        bins.lane, bins.start, bins.end, bins.count, bins.partial, strict=True
    ):
        held = bin_contents(codes, int(lane), start.astype(object), end.astype(object))
        assert (held.unit, held.count, held.partial) == (bins.unit, count, partial)
    march = bin_contents(codes, 0, date(2015, 3, 1), date(2015, 4, 1), greyed=[1, 0, 0, 0])
    assert (march.count, march.greyed, march.by_category) == (2, 1, [(2, 2)])


def test_previous_and_next_step_through_the_spans_events_by_day_lane_then_id():
    codes = codes_of(
        [
            ("2020-03-02", "day", 1),  # 1
            ("2020-03-01", "day", 0),  # 2
            ("2020-03-02", "day", 0),  # 3
            ("2020-03-02", "day", -1),  # 4: its lane is filtered away
            ("2020-05-01", "day", 0),  # 5: after the span
            ("2020-01-01", "year", 1),  # 6: a year-only event, its year meets the span
        ]
    )
    span = (date(2020, 3, 1), date(2020, 3, 31))
    walk, at = [], None
    for _ in range(5):
        at = step_through(codes, span, at, +1)
        walk.append(at)
    assert walk == [6, 2, 3, 1, 1]  # in order, staying at the end
    assert step_through(codes, span, 1, -1) == 3
    assert step_through(codes, span, 6, -1) == 6  # staying at the start
    assert step_through(codes, span, 5, -1) == 1  # from outside the span: its last
    assert step_through(codes, span, 5, +1) == 6  # ... or its first
    assert step_through(codes, None, 1, +1) == 5  # everything
    assert step_through(codes, (date(2021, 1, 1), date(2021, 2, 1)), 1, +1) is None


def marker_ids(fig) -> list[int]:
    return [
        int(i)
        for t in fig.data
        if t.type == "scatter" and 10 <= (t.legendrank or 0) < 100
        for i in (() if t.customdata is None else t.customdata)
        if i is not None and int(i) >= 0
    ]


def test_a_large_case_opens_summarised_every_event_counted_and_said_so():
    events = big_case()
    lanes = ["Police", "Health", "School"]
    fig = timeline_figure(events, lanes=lanes, summarise_above=1000)
    assert all(t.type in ("scatter", "bar") for t in fig.data)  # SVG: no WebGL context
    assert marker_ids(fig) == []  # no markers: the bars
    at = trace_position(None, SUMMARY_TRACE)
    bars = fig.data[at]
    assert bars.type == "bar" and fig.data[at + 1].type == "bar"
    assert EXTRA_TRACES[-2:] == (SUMMARY_TRACE, SUMMARY_GREYED_TRACE)
    assert bars.meta["shown"] == len(events)
    refs = [read_bin_ref(ref) for ref in bars.customdata]
    codes = event_codes(events, lanes, [c.name for c in SHIPPED_CATEGORIES])
    assert sum(bin_contents(codes, *ref).count for ref in refs) == len(events)
    assert "month" in bars.name and "tallest" in bars.name  # the legend says what a bar is
    (note,) = fig.layout.annotations
    assert note.name == SUMMARY_NOTE and "Summary</b> of 4,000 events" in note.text
    assert "a bar for a month of each lane: zoom in to see each event" in note.text
    assert fig.layout.yaxis.range[1] < -0.6  # room above the top lane for the note
    # bars stand on their lane's foot and rise towards the lane above (the y axis runs down)
    base, height = np.array(decode(bars.base)), np.array(decode(bars.y))
    lane_of = np.array([ref[0] for ref in refs])
    assert np.allclose(base, lane_of + FOOT) and (height < 0).all()
    assert fig.layout.barmode == "overlay"
    assert not fig.data[at + 1].showlegend  # nothing greyed: the hatched trace is empty


def test_zoomed_in_a_large_case_draws_the_markers_of_the_span_only():
    events = big_case()
    span = (date(2012, 1, 1), date(2012, 6, 30))
    fig = timeline_figure(events, lanes=["Police", "Health", "School"], span=span,
                          summarise_above=1000)  # fmt: skip
    ids = set(marker_ids(fig))
    start = events["event_date"]
    inside = set(events["event_id"][(start >= "2012-01-01") & (start <= "2012-06-30")])
    assert inside <= ids  # every event of the span
    exact = events["date_precision"] == "day"
    far = set(events["event_id"][exact & ((start < "2011-06-01") | (start > "2013-01-01"))])
    assert not ids & far  # none far from it (a year-only 2011 event reaches into it)
    assert not fig.layout.annotations
    assert all(not decode(t.x) for t in fig.data if t.type == "bar")
    assert all(t.type == "scatter" for t in fig.data if t.type != "bar")


def test_the_lens_greys_the_hatched_top_of_each_bar():
    events = big_case()
    late = events["event_id"][events["event_date"] >= "2015-01-01"].tolist()
    lens = LensMarks(greyed_event_ids=late, day=date(2015, 1, 1))
    fig = timeline_figure(events, lanes=["Police", "Health", "School"], lens=lens,
                          summarise_above=1000)  # fmt: skip
    at = trace_position(None, SUMMARY_TRACE)
    known, greyed = fig.data[at], fig.data[at + 1]
    assert greyed.showlegend and greyed.marker.pattern.shape == "/"  # hatched, not colour only
    assert greyed.name == SUMMARY_GREYED_TRACE
    # each hatched part sits on top of its bar's known part
    tops = dict(zip(known.customdata, np.add(decode(known.base), decode(known.y)), strict=True))
    assert np.allclose(decode(greyed.base), [tops[ref] for ref in greyed.customdata])
    assert "not known at the time" in greyed.text[0]


def test_presentation_mode_resizes_no_bar():
    update = presentation_update(True, None, [], False)
    traces = len(timeline_figure(big_case(50)).data)
    assert all(len(values) == traces for values in update["traces"].values())
    assert update["traces"]["marker.size"][-2:] == [None, None]


def test_on_the_age_axis_a_bar_stands_at_the_childs_age_and_says_it():
    events = big_case(1500)
    born = date(2009, 6, 1)
    fig = timeline_figure(events, lanes=["Police", "Health", "School"], axis="age",
                          date_of_birth=born, summarise_above=1000)  # fmt: skip
    bars = fig.data[trace_position(None, SUMMARY_TRACE)]
    middle = np.array(decode(bars.x))
    assert middle.min() > 0.5 and middle.max() < 9.5  # years of age: 2010 to 2018
    assert "(age " in bars.text[0] and bars.text[0].startswith(("Police", "Health", "School"))
