"""The timeline figure builder: lanes, category traces with fixed markers, precision spans, age
axis, stages, episodes, reflected and selected events, text kept as text, compact arrays."""

from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from components.category_style import KEY_SCALE, OPEN, SYMBOL_NUMBERS, marker_styles
from components.lens_drawing import GREYED, LENS_DAY_TRACE, LINK_TRACES, ChartLink, LensMarks
from components.timeline import (
    EXTRA_TRACES,
    LANE_LABEL_GAP,
    REFLECTED_TRACE,
    SPANS_TRACE,
    event_codes,
    hover_text,
    lane_label_margin,
    lane_order,
    lens_update,
    presentation_update,
    text_width,
    timeline_figure,
    trace_position,
)
from components.timeline_summary import SUMMARY_TRACES
from data.category_list import OTHER, SHIPPED_CATEGORIES
from data.episodes import Episode
from tests.support.plotly_arrays import decode

INCIDENT, VISIT, EXCLUSION = "Police and youth justice", "Health contact", "Education"
CATEGORY_OF = {"Incident": INCIDENT, "Visit": VISIT, "Exclusion": EXCLUSION}


def events_frame(rows):
    df = pd.DataFrame(
        rows,
        columns=["event_id", "event_date", "date_precision", "agency", "event_type", "summary"],
    )
    df["event_date"] = pd.to_datetime(df["event_date"])
    df["category"] = df["event_type"].map(CATEGORY_OF).fillna(OTHER)
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


def drawn(trace, values) -> list:
    """A trace's `values` for the points it draws, without the undrawn point that leads a
    category whose events are all dated to a month or year (it keeps the legend's marker)."""
    x = decode(trace.x)
    return [
        v for v, at in zip(decode(values), x, strict=True) if at is not None and not np.isnan(at)
    ]


def traces_by_name(fig):
    return {t.name: t for t in fig.data}


def test_lanes_are_agencies_in_order_of_first_event_and_labelled():
    fig = timeline_figure(EVENTS)
    assert list(fig.layout.yaxis.ticktext) == ["Health", "Police", "School"]
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2]
    incidents = traces_by_name(fig)[INCIDENT]
    assert decode(incidents.y) == [1, 1]
    assert decode(incidents.customdata) == [1, 3]


def test_chosen_lane_order_is_drawn_and_unknown_lanes_are_ignored():
    assert lane_order(EVENTS, ["School", "Nobody"]) == ["School", "Health", "Police"]
    fig = timeline_figure(EVENTS, lanes=["School", "Police", "Health"])
    assert list(fig.layout.yaxis.ticktext) == ["School", "Police", "Health"]
    assert decode(traces_by_name(fig)[INCIDENT].y) == [1, 1]


def test_one_trace_per_category_every_category_always_with_its_fixed_marker():
    fig = timeline_figure(EVENTS)
    names = [t.name for t in fig.data]
    extra = len(EXTRA_TRACES)
    assert names[-extra:] == list(EXTRA_TRACES)
    assert EXTRA_TRACES[:2] == ("Month or year only (span)", "Reflected")
    assert names[:-extra] == [c.name for c in SHIPPED_CATEGORIES]  # empty ones too, Other last
    drawn = [t for t in fig.data if t.name not in SUMMARY_TRACES]
    assert all(t.type == "scatter" for t in drawn)  # small: SVG, no WebGL context
    # plotly leaves traces without data out of the legend: empty ones get one undrawn point
    one = timeline_figure(EVENTS.iloc[:1])  # one exact-day event, nothing reflected
    assert all(len(decode(t.x)) >= 1 for t in one.data if t.name not in SUMMARY_TRACES)
    # the summary's bars (components.timeline_summary) are empty and out of the legend
    assert not any(t.showlegend or decode(t.x) for t in one.data if t.name in SUMMARY_TRACES)
    assert not any(
        t.showlegend for t in one.data if t.name in (*LINK_TRACES, LENS_DAY_TRACE)
    )  # no links
    assert fig.layout.showlegend
    listed = {c.name: c for c in SHIPPED_CATEGORIES}
    for trace in fig.data[:-extra]:
        assert trace.marker.color == listed[trace.name].colour
    assert len({t.marker.color for t in fig.data[:-extra]}) >= 14
    assert len({c.symbol for c in SHIPPED_CATEGORIES}) == len(SHIPPED_CATEGORIES)


def test_the_same_category_gets_the_same_marker_whatever_the_data():
    """Frequencies, order and which categories occur never change a category's marker."""
    many_visits = events_frame(
        [(i, f"2015-01-{1 + i % 28:02d}", "day", "Health", "Visit", "") for i in range(50)]
        + [(99, "2016-01-01", "day", "Police", "Incident", "")]
    )
    a, b = traces_by_name(timeline_figure(EVENTS)), traces_by_name(timeline_figure(many_visits))

    def shape(trace):  # the filled shape (hollow variants, +100, mark month/year dates)
        symbol = trace.marker.symbol
        return {v % 100 for v in decode(symbol)} if isinstance(symbol, dict) else {symbol}

    for name in (INCIDENT, VISIT, "Domestic abuse", OTHER):
        assert a[name].marker.color == b[name].marker.color
        assert shape(a[name]) == shape(b[name])
    assert shape(a[INCIDENT]) == {SYMBOL_NUMBERS["triangle-down"]}
    assert list(a) == list(b)  # the legend is the same


def test_types_no_category_claims_are_drawn_as_other_and_key_categories_draw_larger():
    frame = EVENTS.assign(category=["Not listed", VISIT, INCIDENT, EXCLUSION])
    fig = timeline_figure(frame, key_categories=[INCIDENT])
    by_name = traces_by_name(fig)
    assert len(drawn(by_name[OTHER], by_name[OTHER].customdata)) == 1
    assert by_name[INCIDENT].marker.size == round(by_name[VISIT].marker.size * KEY_SCALE)
    # presentation mode (applied in the browser) keeps the key category larger
    update = presentation_update(True, None, [INCIDENT], dense=False)
    sizes = dict(zip(names_of(fig), update["traces"]["marker.size"], strict=True))
    assert sizes[INCIDENT] == round(sizes[VISIT] * KEY_SCALE)


def names_of(fig):
    return [t.name for t in fig.data]


def test_lanes_can_be_categories():
    lanes = [INCIDENT, EXCLUSION, VISIT]
    fig = timeline_figure(EVENTS, lanes=lanes, lane_by="category")
    assert list(fig.layout.yaxis.ticktext) == lanes
    by_name = traces_by_name(fig)
    assert decode(by_name[INCIDENT].y) == [0, 0]
    assert drawn(by_name[EXCLUSION], by_name[EXCLUSION].y) == [1]
    assert drawn(by_name[VISIT], by_name[VISIT].y) == [2]


def test_month_and_year_events_are_spans_with_hollow_markers_at_their_middle():
    fig = timeline_figure(EVENTS)
    spans = traces_by_name(fig)[SPANS_TRACE]
    x = decode(spans.x)
    ms = lambda d: pd.Timestamp(d).value / 1e6  # noqa: E731
    # the month event spans June 2014, the year event spans 2017; NaN separates them
    assert x[0] == pytest.approx(ms("2014-06-01"), abs=2e5)
    assert x[1] == pytest.approx(ms("2014-07-01"), abs=2e5)
    assert np.isnan(x[2])
    assert x[3] == pytest.approx(ms("2017-01-01"), abs=2e5)
    assert x[4] == pytest.approx(ms("2018-01-01"), abs=2e5)
    visit = traces_by_name(fig)[VISIT]
    visit_style = next(st for st in marker_styles() if st.name == VISIT)
    assert drawn(visit, visit.marker.symbol) == [visit_style.symbol + 100]
    assert drawn(visit, visit.x)[0] == pytest.approx(
        (ms("2014-06-01") + ms("2014-07-01")) / 2, abs=2e5
    )
    # exact days are solid and sit at the middle of their day
    incident = traces_by_name(fig)[INCIDENT]
    assert isinstance(incident.marker.symbol, int)
    assert decode(incident.x)[0] == pytest.approx(ms("2015-01-01T12:00"), abs=2e5)


def test_age_axis_counts_years_from_date_of_birth():
    fig = timeline_figure(EVENTS, axis="age", date_of_birth=DOB)
    assert fig.layout.xaxis.type == "linear"
    assert "age" in fig.layout.xaxis.title.text
    incident = traces_by_name(fig)[INCIDENT]
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
    # The events run from mid-2014 to 2017: the early band's label runs rightwards from its
    # left edge, the late one's leftwards from its right edge (neither leaves the chart).
    assert [b.label.textposition for b in bands] == ["top left", "top right"]


def test_episode_labels_take_rows_so_none_overwrites_another():
    """Side by side episodes: at the narrowest chart's scale in presentation mode's type, no two
    labels in a row overlap; when the rows are full, the assessment word alone, then nothing."""
    from components.lens_drawing import LABEL_GAP, NARROWEST_PLOT
    from components.timeline import EPISODE_LABEL_ROWS, episode_labels, label_sizes

    first, last = date(2014, 1, 1), date(2024, 1, 1)
    episodes = [
        Episode(n, f"Episode number {n} of the case", date(2016, 1, 1) + timedelta(days=30 * n),
                date(2016, 1, 20) + timedelta(days=30 * n), "problem", None, "c")
        for n in range(8)
    ]  # fmt: skip
    labels = episode_labels(episodes, first, last)
    assert labels[0] == ("Problem: Episode number 0 of the case", 0)
    assert {row for _, row in labels} <= set(range(EPISODE_LABEL_ROWS))
    scale, font = NARROWEST_PLOT / ((last - first).days * 1.1), label_sizes(True)["episode"]
    spans = {}
    for ep, (text, row) in zip(episodes, labels, strict=True):
        if text:
            lo = (ep.start_date - first).days * scale  # early episodes: rightwards from the start
            spans.setdefault(row, []).append((lo, lo + text_width(text, font) + LABEL_GAP))
    for row in spans.values():
        assert all(a[1] <= b[0] for a, b in pairwise(sorted(row)))
    assert labels[-1] == ("", 0)  # no room left in any row: no label (the list names it)
    # three rows filled from the first day; a late episode ends where its full label (running
    # leftwards) would overwrite them, but its assessment word alone fits
    title = "A long episode title"
    taken = (text_width(f"Problem: {title}", font) + LABEL_GAP) / scale  # in days
    word = (text_width("Mixed", font) + LABEL_GAP) / scale
    end = first + timedelta(days=int(taken + word) + 2)
    late = Episode(9, title, end - timedelta(days=10), end, "mixed", None, "c")
    crowded = [Episode(n, title, first, first, "problem", None, "c") for n in range(3)] + [late]
    assert episode_labels(crowded, first, last)[-1] == ("Mixed", 0)
    # the shapes carry them: a label's row is its distance from the chart's top
    fig = timeline_figure(EVENTS, episodes=episodes[:2])
    pads = [s.label.padding for s in fig.layout.shapes if s.name.startswith("episode:")]
    assert pads[0] < pads[1]  # the second, overlapping the first, on the row below


def test_reflected_events_get_a_badge():
    fig = timeline_figure(EVENTS, reflected_event_ids={3, 99})
    reflected = traces_by_name(fig)["Reflected"]
    assert decode(reflected.customdata) == [3]
    # above event 3's marker
    marker = traces_by_name(fig)[INCIDENT]
    at = decode(marker.customdata).index(3)
    assert decode(reflected.x)[0] == pytest.approx(decode(marker.x)[at])


@pytest.mark.parametrize("listed", [None, SHIPPED_CATEGORIES[:3], SHIPPED_CATEGORIES])
def test_named_trace_positions_match_the_traces_drawn(listed):
    fig = timeline_figure(EVENTS, categories=listed)
    for name in (SPANS_TRACE, REFLECTED_TRACE):
        assert fig.data[trace_position(listed, name)].name == name


def test_hover_text_is_escaped_and_summaries_can_be_hidden():
    fig = timeline_figure(EVENTS)
    visit = traces_by_name(fig)[VISIT]
    assert (
        drawn(visit, visit.text)[0]
        == "Jun 2014 (month only)<br>Health: Visit <i>(Health contact)</i>"
        "<br>&lt;b&gt;bold&lt;/b&gt; &amp; more"
    )
    exclusion = traces_by_name(fig)[EXCLUSION]
    assert drawn(exclusion, exclusion.text)[0].endswith("…")
    hidden = traces_by_name(timeline_figure(EVENTS, hide_summaries=True))[VISIT]
    assert (
        drawn(hidden, hidden.text)[0]
        == "Jun 2014 (month only)<br>Health: Visit <i>(Health contact)</i>"
    )


def test_hover_text_gives_each_date_at_its_precision_and_missing_text_as_empty():
    events = events_frame(
        [
            (1, "2015-01-05", "day", "Police", "Incident", None),
            (2, "2014-06-01", "month", "Health", "Visit", "y" * 140),
            (3, "2017-01-01", "year", "School & <Co>", "Exclusion", "z" * 141),
        ]
    )
    events.loc[events["event_id"] == 1, "category"] = None
    assert list(hover_text(events)) == [
        "Jun 2014 (month only)<br>Health: Visit <i>(Health contact)</i><br>" + "y" * 140,
        "05 Jan 2015<br>Police: Incident <i>()</i><br>",
        "2017 (year only)<br>School &amp; &lt;Co&gt;: Exclusion <i>(Education)</i><br>"
        + "z" * 140
        + "…",
    ]


def test_presentation_mode_uses_larger_type_and_markers():
    normal, big = timeline_figure(EVENTS), timeline_figure(EVENTS, presentation=True)
    assert big.layout.font.size > normal.layout.font.size
    assert big.data[0].marker.size > normal.data[0].marker.size
    assert big.layout.height > normal.layout.height
    # pictures of the chart carry its own legend in both (the page draws its key instead)
    assert normal.layout.showlegend and big.layout.showlegend


def test_the_lane_labels_margin_fits_the_longest_label_at_its_size():
    lanes = ["Police", "GP and Health Visiting", "Łódź Służby 社会福祉"]
    normal = timeline_figure(EVENTS, lanes=lanes)
    big = timeline_figure(EVENTS, lanes=lanes, presentation=True)
    # sized here, not by Plotly's automargin (which draws the chart again to find it)
    assert normal.layout.yaxis.automargin is False
    widths = [text_width(lane, 16) for lane in lanes]
    assert normal.layout.margin.l == lane_label_margin(lanes, False) > max(widths)
    assert max(widths) == text_width("Łódź Służby 社会福祉", 16)  # other scripts err wide
    # presentation's larger labels get proportionally more room (the page rescales it so)
    gap = LANE_LABEL_GAP
    assert big.layout.margin.l - gap == pytest.approx(
        (normal.layout.margin.l - gap) * 34 / 16, abs=2
    )
    assert text_width("WWW", 10) > text_width("iii", 10)


def test_the_bottom_margin_grows_with_the_year_ticks_and_the_age_axis_title():
    # sized here too (Plotly's automargin drew the chart twice when the ticks outgrew it); the
    # browser test checks the labels fit (test_age_axis_and_presentation_mode_...)
    margins = {}
    for axis in ("date", "age"):
        for presentation in (False, True):
            layout = timeline_figure(
                EVENTS, axis=axis, date_of_birth=date(2010, 5, 1), presentation=presentation
            ).layout
            assert layout.xaxis.automargin is False
            margins[axis, presentation] = layout.margin.b
    assert margins["date", False] < margins["date", True] < margins["age", True]
    assert margins["date", False] < margins["age", False] < margins["age", True]
    update = presentation_update(True, None, (), dense=False)
    assert update["bottom_margin"] == {"date": margins["date", True], "age": margins["age", True]}


def test_numeric_codes_from_the_read_model_draw_the_same_figure():
    lanes, names = ["Health", "Police", "School"], [st.name for st in marker_styles()]
    codes = event_codes(EVENTS, lanes, names)
    lean = pd.DataFrame(
        {
            "event_id": codes["id"],
            "event_date": EVENTS["event_date"],
            "precision_code": codes["precision"],
            "lane": codes["lane"],
            "category_index": codes["category"],
        }
    )
    a = timeline_figure(EVENTS, lanes=lanes)
    b = timeline_figure(lean, lanes=lanes)
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
    fewer = (*LINK_TRACES, LENS_DAY_TRACE, *SUMMARY_TRACES)
    events_traces = [t for t in fig.data if t.name not in fewer]
    assert all(t.type == "scattergl" for t in events_traces)  # large: WebGL
    assert all(
        t.type == "scatter" for t in fig.data if t.name in (*LINK_TRACES, LENS_DAY_TRACE)
    )  # links: few
    assert timeline_figure(EVENTS, webgl=True).data[0].type == "scattergl"  # as the page asks
    size = len(pio.to_json(fig))
    assert size < 40 * n  # half are month spans here; the naive figure is ~140 an event
    assert all(t.text is None for t in fig.data if t.name not in SUMMARY_TRACES)
    assert len(fig.layout.shapes) <= 6  # the selected ring and five stages
    # WebGL markers are filled, one symbol a trace; the month events' spans mark them
    categories = [t for t in fig.data if 10 <= (t.legendrank or 0) < 100]
    assert categories and all(isinstance(t.marker.symbol, int | str) for t in categories)
    (spans,) = [t for t in fig.data if t.name == SPANS_TRACE]
    assert len(decode(spans.x)) >= 3 * (frame["date_precision"] == "month").sum()


def test_the_legend_marker_is_filled_whatever_the_first_event_of_a_category_is():
    # Plotly's legend draws a trace's first marker: a case whose first health contact is dated
    # to a month only must still show the filled circle, as every other case does.
    events = events_frame(
        [
            (1, "2014-06-01", "month", "Health", "Visit", "a"),
            (2, "2015-01-01", "day", "Health", "Visit", "b"),
            (3, "2015-03-01", "month", "Health", "Visit", "c"),
        ]
    )
    fig = timeline_figure(events, date_of_birth=DOB)
    (health,) = [t for t in fig.data if t.name == VISIT]
    symbols = decode(health.marker.symbol)
    filled = SYMBOL_NUMBERS["circle"]
    assert symbols[0] == filled and sorted(symbols) == [filled, filled + OPEN, filled + OPEN]
    assert list(health.customdata) == [2, 1, 3]  # every point keeps its own event
    # Every event of a category dated to a month or year only: an undrawn filled point leads.
    only_months = events_frame(
        [
            (1, "2014-06-01", "month", "Health", "Visit", "a"),
            (2, "2015-03-01", "year", "Health", "Visit", "b"),
        ]
    )
    (health,) = [t for t in timeline_figure(only_months).data if t.name == VISIT]
    symbols = decode(health.marker.symbol)
    assert list(symbols) == [filled, filled + OPEN, filled + OPEN]
    assert np.isnan(decode(health.x)[0]) and list(health.customdata)[1:] == [1, 2]
    assert not np.isnan(decode(health.x)[1:]).any()


def test_links_join_the_two_events_drawn_with_an_arrowhead_at_the_receiving_one():
    links = (
        ChartLink(1, 4, "referral sent / received", "Police to School"),
        ChartLink(3, 2, "should have been shared", "Police to Health"),
        ChartLink(1, 99, "information shared", "to an event not drawn"),
    )
    lanes = ["Police", "Health", "School"]
    fig = timeline_figure(EVENTS, lanes=lanes, lens=LensMarks(links=links))
    by_name = traces_by_name(fig)
    passed, missing = by_name[LINK_TRACES[0]], by_name[LINK_TRACES[2]]
    police = decode(by_name[INCIDENT].x)
    school = drawn(by_name[EXCLUSION], by_name[EXCLUSION].x)
    assert passed.x[:2] == (police[0], school[0]) and passed.y[:2] == (0, 2)
    assert len(passed.x) == 3  # the link to an event not drawn is left out
    # the arrowhead at the receiving end only; the legend's arrow drawn whole
    assert list(passed.selectedpoints) == [1] and passed.unselected.marker.opacity == 0
    assert passed.meta == {"drawn_points": [1]}  # kept so through a box-select by the page
    assert passed.marker.opacity is None
    assert missing.line.dash == "dash" and passed.line.dash == "solid"  # not colour alone
    assert missing.y[:2] == (0, 1) and missing.text[0] == "Police to Health"
    assert not by_name[LINK_TRACES[1]].showlegend  # no information requested
    # without the Police lane neither link is drawn
    fig = timeline_figure(EVENTS, lanes=["Health", "School"], lens=LensMarks(links=links))
    assert not any(traces_by_name(fig)[name].showlegend for name in LINK_TRACES)


def known(trace) -> dict:
    """Which of a trace's drawn events the lens shows as known (the others it greys)."""
    ids = decode(trace.customdata)
    shown = set(trace.selectedpoints)
    return {i: at in shown for at, i in enumerate(ids) if i != -1}


def test_the_known_at_the_time_lens_greys_the_events_and_marks_its_day():
    lens = LensMarks(greyed_event_ids=(3, 4), day=date(2015, 6, 1), agency="Police")
    fig = timeline_figure(EVENTS, lanes=["Police", "Health", "School"], lens=lens)
    by_name = traces_by_name(fig)
    police = by_name[INCIDENT]
    assert known(police) == {1: True, 3: False}
    assert known(by_name[VISIT]) == {2: True}
    # greyed: faint and smaller than its own markers, not by colour alone
    assert police.unselected.marker.opacity == GREYED
    assert police.unselected.marker.size < police.marker.size / 1.5
    # the legend draws the trace's own marker: one opacity for the trace, not one per point
    assert police.marker.opacity is None
    day = by_name[LENS_DAY_TRACE]
    assert day.x == ("2015-06-01",) * 3 and (day.y[0], day.y[-1]) == (-0.55, 2.5)
    # its words in the first gap between lanes, which no band label uses
    assert day.y[1] == 0.5 and day.text[1] == "Known to Police<br>on 01 Jun 2015"
    assert timeline_figure(EVENTS).data[0].selectedpoints is None  # no lens: nothing greyed

    # of the month or year only events, only the span of one known then is drawn (a line
    # cannot be greyed in part), in the figure and in a lens step's patch alike
    def span_ends(x):
        return [v for v in decode(x) if v is not None and not np.isnan(v)]

    assert len(span_ends(traces_by_name(timeline_figure(EVENTS))[SPANS_TRACE].x)) == 4
    assert len(span_ends(by_name[SPANS_TRACE].x)) == 2  # event 2's; event 4 is greyed
    _, spans, _ = lens_update(EVENTS, lanes=["Police", "Health", "School"], categories=None,
                              lens=lens)  # fmt: skip
    assert span_ends(spans["x"]) == span_ends(by_name[SPANS_TRACE].x)
    # an agency's name is drawn as text, whatever it holds
    lens = LensMarks(day=date(2015, 6, 1), agency="<b>Police</b> & co")
    day = traces_by_name(timeline_figure(EVENTS, lens=lens))[LENS_DAY_TRACE]
    assert day.text[1] == "Known to &lt;b&gt;Police&lt;/b&gt; &amp; co<br>on 01 Jun 2015"


def test_patterns_are_drawn_as_labelled_bands_behind_the_lanes():
    from data.patterns import Finding

    silence = Finding("silence", date(2015, 1, 2), date(2016, 2, 2), ("Police",), (1, 3),
                      ("a", "b"), "No contact", details={"days": 396})  # fmt: skip
    fig = timeline_figure(EVENTS, bands=[silence])
    band, label = [s for s in fig.layout.shapes if s.name.startswith("pattern:")]
    assert (band.x0, band.x1, band.layer) == ("2015-01-02", "2016-02-03", "below")
    assert band.line.dash == "dot" and band.name == "pattern:silence:0"
    # its label in the gap below the second lane, over the band, above the markers
    assert label.name == "pattern:silence:0:label" and label.label.text == "Silence: 396 days"
    assert (label.x0, label.x1, label.y0, label.yref) == (band.x0, band.x1, 1.5, "y")
    assert label.layer == "above" and label.line.width == 0


def _finding(kind, start, length, **details):
    from data.patterns import Finding

    return Finding(kind, start, start + timedelta(days=length), ("Police",), (), (), "",
                   details=details)  # fmt: skip


def test_band_labels_never_overlap_in_a_row_and_stay_on_the_chart():
    """However many bands, at the narrowest chart's scale in presentation mode's type: each
    label is in a gap between lanes, overlaps no other in its row and runs past neither end
    of the events; the silence no agency saw is labelled before the plan holder's."""
    from components.lens_drawing import (
        NARROWEST_PLOT,
        TINY_LABEL,
        band_label,
        band_labels,
        day_label_y,
        label_rows,
    )
    from data.vocabulary import AGENCY_SILENCE, SILENCE, WAS_NOT_BROUGHT

    rng = np.random.default_rng(19)
    first, last = date(2014, 1, 1), date(2024, 12, 31)
    kinds = [AGENCY_SILENCE] * 30 + [WAS_NOT_BROUGHT] * 15 + [SILENCE]
    findings = [
        _finding(kind, first + timedelta(days=int(rng.integers(0, 3800))),
                 int(rng.integers(0, 300)), days=100, count=4)
        for kind in kinds
    ]  # fmt: skip
    labels = band_labels(findings, first, last, 8, text_width, 18)
    scale = NARROWEST_PLOT / ((last - first).days * 1.1)
    placed = {}
    for found, label in zip(findings, labels, strict=True):
        if not label.text:
            continue
        assert label.text in (band_label(found), TINY_LABEL[found.kind])
        assert label.y in (1.5, 2.5, 3.5, 4.5, 5.5, 6.5)  # not 0.5: the lens's day
        x0 = (found.start - first).days * scale
        x1 = (found.end + timedelta(days=1) - first).days * scale
        width = text_width(label.text, 18)
        lo = {"middle left": x0, "middle right": x1 - width}.get(label.anchor,
                                                                 (x0 + x1 - width) / 2)  # fmt: skip
        assert lo >= 0 and lo + width <= (last - first).days * scale
        placed.setdefault(label.y, []).append((lo, lo + width))
    for spans in placed.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in pairwise(spans))
    assert labels[-1].text == "Silence: 100 days"  # first served
    assert 0 < sum(bool(label.text) for label in labels) < len(findings)  # not room for all
    # one lane: no gap, the labels go above it; a band alone has its full label
    (alone,) = band_labels(findings[-1:], first, last, 1, text_width, 18)
    assert (alone.text, alone.y) == ("Silence: 100 days", -0.3)
    assert day_label_y(1) not in label_rows(1)  # the lens's day words go below a lone lane


@pytest.mark.parametrize(
    "drawing",
    [
        {},
        {"presentation": True, "reflected_event_ids": [1]},
        {"axis": "age", "date_of_birth": DOB, "lane_by": "category", "lanes": [INCIDENT, VISIT]},
        {"webgl": True, "hide_summaries": True},
        {
            "lens": LensMarks(
                greyed_event_ids=(3,),
                day=date(2015, 6, 1),
                links=(ChartLink(1, 4, "referral sent / received", "Police to School"),),
            )
        },
    ],
)
def test_the_figure_dict_the_page_sends_is_what_plotly_validates_it_to(drawing):
    """The page sends the plain dict (no plotly objects built); plotly's validation would raise
    on any property it does not know, and must change nothing the browser gets."""
    from components.timeline import timeline_figure_spec

    episode = Episode(1, "Referral week", date(2015, 1, 1), date(2015, 1, 8), "problem", None, "c")
    spec = timeline_figure_spec(EVENTS, episodes=[episode], **drawing)
    validated = timeline_figure(EVENTS, episodes=[episode], **drawing)
    assert canonical(pio.to_json(spec, validate=False)) == canonical(pio.to_json(validated))


def canonical(figure_json: str) -> str:
    """The JSON with its keys sorted and null attributes left out, as plotly.js reads it: null
    is "not set" (the lens sends `selectedpoints: null` to clear its greying). Compared as text,
    since NaN is unequal to itself once parsed."""

    def unset_dropped(node):
        if isinstance(node, dict):
            return {k: unset_dropped(v) for k, v in node.items() if v is not None}
        if isinstance(node, list):
            return [unset_dropped(v) for v in node]
        return node

    return json.dumps(unset_dropped(json.loads(figure_json)), sort_keys=True)
