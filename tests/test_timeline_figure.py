"""The timeline figure builder: lanes, type traces, precision spans, age axis, stages,
episodes, reflected and selected events, text kept as text, compact arrays."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from components.timeline import (
    MAX_TYPE_TRACES,
    OTHER_TYPES,
    REFLECTED_TRACE,
    SELECTED_TRACE,
    SPANS_TRACE,
    event_codes,
    lane_order,
    timeline_figure,
    trace_position,
    type_order,
    type_styles,
)
from data.episodes import Episode


def events_frame(rows):
    df = pd.DataFrame(
        rows,
        columns=["event_id", "event_date", "date_precision", "agency", "event_type", "summary"],
    )
    df["event_date"] = pd.to_datetime(df["event_date"])
    return df.sort_values("event_date", kind="stable").reset_index(drop=True)


EVENTS = events_frame(
    [
        (1, "2015-01-01", "day", "Police", "Incident", "Call out"),
        (2, "2014-06-01", "month", "Health", "Visit", "<b>bold</b> & more"),
        (3, "2016-02-02", "day", "Police", "Incident", "Second"),
        (4, "2017-01-01", "year", "School", "Exclusion", "x" * 500),
    ]
)
DOB = date(2014, 3, 1)


def decode(value):
    """A trace array as numbers, whether plotly kept it as a list or a typed array."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value) if value is not None else []


def traces_by_name(fig):
    return {t.name: t for t in fig.data}


def test_lanes_are_agencies_in_order_of_first_event_and_labelled():
    fig = timeline_figure(EVENTS)
    assert list(fig.layout.yaxis.ticktext) == ["Health", "Police", "School"]
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2]
    incidents = traces_by_name(fig)["Incident"]
    assert decode(incidents.y) == [1, 1]
    assert decode(incidents.customdata) == [1, 3]


def test_chosen_lane_order_is_drawn_and_unknown_lanes_are_ignored():
    assert lane_order(EVENTS, ["School", "Nobody"]) == ["School", "Health", "Police"]
    fig = timeline_figure(EVENTS, lanes=["School", "Police", "Health"])
    assert list(fig.layout.yaxis.ticktext) == ["School", "Police", "Health"]
    assert decode(traces_by_name(fig)["Incident"].y) == [1, 1]


def test_one_trace_per_event_type_with_its_own_colour_and_shape_and_a_legend():
    fig = timeline_figure(EVENTS)
    names = [t.name for t in fig.data]
    assert names[-3:] == ["Month or year only (span)", "Reflected", "Selected event"]
    assert {"Incident", "Visit", "Exclusion"} <= set(names)
    assert all(t.type == "scatter" for t in fig.data)  # small: SVG, no WebGL context
    assert fig.layout.showlegend
    styles = type_styles(["Incident", "Visit", "Exclusion"])
    colours = {s.colour for s in styles.values()}
    symbols = {s.symbol for s in styles.values()}
    assert len(colours) == len(symbols) == 3


def test_types_beyond_the_limit_share_one_trace_and_trace_count_stays_small():
    types = [f"T{i}" for i in range(40)]
    styles = type_styles(types)
    assert styles["T0"].trace == "T0"
    assert styles["T39"].trace == OTHER_TYPES
    assert len({s.trace for s in styles.values()}) == MAX_TYPE_TRACES
    frame = events_frame(
        [(i, f"2015-01-{1 + i % 28:02d}", "day", "Police", t, "") for i, t in enumerate(types)]
    )
    fig = timeline_figure(frame)
    assert len(fig.data) <= 20
    assert len(decode(traces_by_name(fig)[OTHER_TYPES].customdata)) == 40 - (MAX_TYPE_TRACES - 1)


def test_month_and_year_events_are_spans_with_hollow_markers_at_their_middle():
    fig = timeline_figure(EVENTS)
    spans = fig.data[-3]
    x = decode(spans.x)
    ms = lambda d: pd.Timestamp(d).value / 1e6  # noqa: E731
    # the month event spans June 2014, the year event spans 2017; NaN separates them
    assert x[0] == pytest.approx(ms("2014-06-01"), abs=2e5)
    assert x[1] == pytest.approx(ms("2014-07-01"), abs=2e5)
    assert np.isnan(x[2])
    assert x[3] == pytest.approx(ms("2017-01-01"), abs=2e5)
    assert x[4] == pytest.approx(ms("2018-01-01"), abs=2e5)
    visit = traces_by_name(fig)["Visit"]
    assert decode(visit.marker.symbol) == [type_styles(type_order(EVENTS))["Visit"].symbol + 100]
    assert decode(visit.x)[0] == pytest.approx((ms("2014-06-01") + ms("2014-07-01")) / 2, abs=2e5)
    # exact days are solid and sit at the middle of their day
    incident = traces_by_name(fig)["Incident"]
    assert isinstance(incident.marker.symbol, int)
    assert decode(incident.x)[0] == pytest.approx(ms("2015-01-01T12:00"), abs=2e5)


def test_age_axis_counts_years_from_date_of_birth():
    fig = timeline_figure(EVENTS, axis="age", date_of_birth=DOB)
    assert fig.layout.xaxis.type == "linear"
    assert "age" in fig.layout.xaxis.title.text
    incident = traces_by_name(fig)["Incident"]
    age = (pd.Timestamp("2015-01-01") - pd.Timestamp(DOB)).days / 365.25
    assert decode(incident.x)[0] == pytest.approx(age, abs=0.01)
    # without a date of birth the date axis is kept
    assert timeline_figure(EVENTS, axis="age").layout.xaxis.type == "date"


def test_developmental_stages_are_faint_labelled_bands_clipped_to_the_events():
    born = date(2014, 7, 1)  # after the first event: the pre-birth band shows
    fig = timeline_figure(EVENTS, date_of_birth=born)
    stages = [s for s in fig.layout.shapes if s.name.startswith("stage:")]
    labels = [s.label.text for s in stages]
    assert labels[:3] == ["Pre-birth", "Infancy", "Early years"]
    assert all(s.layer == "below" for s in stages)
    # the last event is in 2017: no band beyond early 2017 (Primary starts 2019)
    assert "Primary" not in labels
    age_fig = timeline_figure(EVENTS, axis="age", date_of_birth=born)
    infancy = next(s for s in age_fig.layout.shapes if s.name == "stage:Infancy")
    assert (infancy.x0, round(infancy.x1, 2)) == (0.0, 2.0)


def test_episodes_are_labelled_bands_across_all_lanes():
    episodes = [
        Episode(
            7, "Missed <b>signs</b>", date(2015, 1, 1), date(2015, 6, 30), "problem", None, "c"
        ),
        Episode(8, "Good handover", date(2016, 1, 1), date(2016, 2, 1), "good_practice", None, "c"),
    ]
    fig = timeline_figure(EVENTS, episodes=episodes)
    bands = [s for s in fig.layout.shapes if s.name.startswith("episode:")]
    assert [b.name for b in bands] == ["episode:7", "episode:8"]
    assert bands[0].label.text == "Problem: Missed &lt;b&gt;signs&lt;/b&gt;"
    assert bands[1].label.text.startswith("Good practice: ")
    assert (bands[0].yref, bands[0].y0, bands[0].y1) == ("paper", 0, 1)
    assert bands[0].line.dash != bands[1].line.dash  # not colour alone
    assert not fig.layout.annotations


def test_reflected_events_get_a_badge_and_the_selected_event_a_ring():
    fig = timeline_figure(EVENTS, reflected_event_ids={3, 99}, selected_event_id=1)
    reflected = traces_by_name(fig)["Reflected"]
    assert decode(reflected.customdata) == [3]
    selected = fig.data[-1]
    assert selected.name == "Selected event"
    assert decode(selected.customdata) == [1]
    assert timeline_figure(EVENTS).data[-1].x in ([], ())


@pytest.mark.parametrize("type_count", [1, 3, MAX_TYPE_TRACES, MAX_TYPE_TRACES + 5])
def test_named_trace_positions_match_the_traces_drawn(type_count):
    types = [f"Type {i}" for i in range(type_count)]
    fig = timeline_figure(EVENTS, types=types)
    for name in (SPANS_TRACE, REFLECTED_TRACE, SELECTED_TRACE):
        assert fig.data[trace_position(types, name)].name == name


def test_hover_text_is_escaped_and_summaries_can_be_hidden():
    fig = timeline_figure(EVENTS)
    visit = traces_by_name(fig)["Visit"]
    assert (
        visit.text[0]
        == "Jun 2014 (month only)<br>Health: Visit<br>&lt;b&gt;bold&lt;/b&gt; &amp; more"
    )
    exclusion = traces_by_name(fig)["Exclusion"]
    assert exclusion.text[0].endswith("…")
    hidden = traces_by_name(timeline_figure(EVENTS, hide_summaries=True))["Visit"]
    assert hidden.text[0] == "Jun 2014 (month only)<br>Health: Visit"


def test_presentation_mode_uses_larger_type_and_markers():
    normal, big = timeline_figure(EVENTS), timeline_figure(EVENTS, presentation=True)
    assert big.layout.font.size > normal.layout.font.size
    assert big.data[0].marker.size > normal.data[0].marker.size
    assert big.layout.height > normal.layout.height


def test_numeric_codes_from_the_read_model_draw_the_same_figure():
    lanes, types = ["Health", "Police", "School"], ["Incident", "Visit", "Exclusion"]
    codes = event_codes(EVENTS, lanes, types)
    lean = pd.DataFrame(
        {
            "event_id": codes["id"],
            "event_date": EVENTS["event_date"],
            "precision_code": codes["precision"],
            "lane": codes["lane"],
            "type_index": codes["type"],
        }
    )
    a = timeline_figure(EVENTS, lanes=lanes, types=types)
    b = timeline_figure(lean, lanes=lanes, types=types)
    for ta, tb in zip(a.data, b.data, strict=True):
        assert decode(ta.x) == pytest.approx(decode(tb.x), nan_ok=True)
        assert decode(ta.y) == pytest.approx(decode(tb.y), nan_ok=True)


def test_large_case_is_compact_with_no_per_event_text_or_shapes():
    n = 20_000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "event_id": np.arange(n),
            "event_date": pd.to_datetime("2010-01-01")
            + pd.to_timedelta(rng.integers(0, 5000, n), unit="D"),
            "date_precision": rng.choice(["day", "month"], n),
            "agency": rng.choice(list("ABCDEFGHIJ"), n),
            "event_type": rng.choice([f"t{i}" for i in range(15)], n),
            "summary": "a summary that would be large if it were sent",
        }
    ).sort_values("event_date")
    fig = timeline_figure(frame, date_of_birth=DOB)
    assert all(t.type == "scattergl" for t in fig.data)  # large: WebGL
    assert timeline_figure(EVENTS, webgl=True).data[0].type == "scattergl"  # as the page asks
    size = len(pio.to_json(fig))
    assert size < 40 * n  # half are month spans here; the naive figure is ~140 an event
    assert all(t.text is None for t in fig.data)
    assert len(fig.layout.shapes) <= 5
