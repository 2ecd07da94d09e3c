"""The timeline figure builder: lanes, compact traces, text kept as text."""

from __future__ import annotations

import pandas as pd

from components.timeline import lane_order, timeline_figure


def events_frame(rows):
    df = pd.DataFrame(
        rows,
        columns=["event_id", "event_date", "date_precision", "agency", "event_type", "summary"],
    )
    df["event_date"] = pd.to_datetime(df["event_date"])
    return df


EVENTS = events_frame(
    [
        (1, "2015-01-01", "day", "Police", "Incident", "Call out"),
        (2, "2014-06-01", "month", "Health", "Visit", "<b>bold</b> & more"),
        (3, "2016-02-02", "day", "Police", "Incident", "Second"),
        (4, "2017-03-03", "year", "School", "Exclusion", "x" * 500),
    ]
)


def test_one_webgl_trace_per_agency_in_order_of_first_event():
    fig = timeline_figure(EVENTS)
    assert [t.name for t in fig.data] == ["Health", "Police", "School"]
    assert all(t.type == "scattergl" for t in fig.data)
    assert list(fig.layout.yaxis.ticktext) == ["Health", "Police", "School"]
    assert not fig.layout.shapes and not fig.layout.annotations


def test_points_carry_event_ids_and_numeric_dates():
    police = timeline_figure(EVENTS).data[1]
    assert list(police.customdata) == [1, 3]
    assert list(police.x) == [
        int(pd.Timestamp("2015-01-01").value // 1_000_000),
        int(pd.Timestamp("2016-02-02").value // 1_000_000),
    ]
    assert set(police.y) == {1}


def test_preferred_lane_order_comes_first():
    assert lane_order(EVENTS, ["School", "Nobody"]) == ["School", "Health", "Police"]


def test_hover_shows_date_agency_type_and_escaped_summary():
    health = timeline_figure(EVENTS).data[0]
    assert (
        health.text[0]
        == "Jun 2014 (month only)<br>Health: Visit<br>&lt;b&gt;bold&lt;/b&gt; &amp; more"
    )
    school = timeline_figure(EVENTS).data[2]
    assert school.text[0].startswith("2017 (year only)<br>School: Exclusion<br>xxx")
    assert school.text[0].endswith("…")
