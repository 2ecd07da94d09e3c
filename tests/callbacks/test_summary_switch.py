"""A case too large to draw whole opens summarised (bars of event counts per lane), zooming in
until the span holds few enough events draws that span's markers, zooming out the summary
again; a click on a bar says what it holds and zooms in to it (callbacks called as functions).

The complete RPM case has about 300 events: the limit is lowered to 40 here so it counts as
large."""

from __future__ import annotations

import json
from datetime import timedelta

import plotly.graph_objects as go
import pytest
from dash.exceptions import PreventUpdate

from app.timeline import figure, ids, lenses, selection
from components.timeline import REFLECTED_TRACE, trace_position
from components.timeline_summary import SUMMARY_NOTE, SUMMARY_TRACE, read_bin_ref
from data.events import case_events
from data.users import get_user
from tests.support.callbacks import as_user, find, page, text_of
from tests.support.rpm_case import CASE

LIMIT = 40
QUIET_MONTH = {"from": "2016-03-01", "to": "2016-03-31"}


@pytest.fixture
def large(rpm_app, monkeypatch):
    """(app, user, case_data, the figure the page opens with), the demo case counted large."""
    for room in (figure, lenses):
        monkeypatch.setattr(room, "SUMMARY_LIMIT", LIMIT)
    app, store = rpm_app
    user = get_user(store, "pokafor")
    with as_user(app, user):
        layout = page("case_timeline").layout(case_ref=CASE)
    # the figure the page sends (a plain dict), read through plotly's objects
    return app, user, find(layout, ids.CASE).data, go.Figure(find(layout, ids.GRAPH).figure)


def operations(patch) -> dict:
    return {
        tuple(op["location"]): op["params"]["value"] for op in patch.to_plotly_json()["operations"]
    }


def drawn(patch, case_data) -> tuple[int, int]:
    """(markers, summary bars) a traces Patch draws."""
    ops = operations(patch)
    bars = ops[("data", trace_position(case_data["categories"], SUMMARY_TRACE))]
    categories = len(case_data["categories"])
    markers = sum(
        sum(1 for i in ops[("data", rank)]["customdata"] if i is not None and int(i) >= 0)
        for rank in range(categories)
    )
    return markers, len(bars["customdata"])


def on_span(app, user, case_data, span, lens_state=None):
    """The Patch the chart gets when the visible span becomes `span` (a zoom or a pan)."""
    agencies = case_data["agencies"]
    with as_user(app, user, triggered=f"{ids.SPAN}.data"):
        return figure.draw_visible_span(
            span, agencies, [], "", agencies, "agency", "date", [], 0, case_data,
            None, lens_state, [],
        )  # fmt: skip


def events_in(case_data, app, user, span) -> int:
    """How many of the case's events start in the span."""
    with as_user(app, user):
        events = case_events(app.server.config["RPM_STORE"], user, CASE, with_summary=False)
    days = events["event_date"].dt.strftime("%Y-%m-%d")
    return int(((days >= span["from"]) & (days <= span["to"])).sum())


def everything(app, user) -> int:
    with as_user(app, user):
        return len(case_events(app.server.config["RPM_STORE"], user, CASE, with_summary=False))


def test_the_large_case_opens_summarised_and_says_so(large):
    app, user, case_data, fig = large
    at = trace_position(case_data["categories"], SUMMARY_TRACE)
    assert fig.data[at].type == "bar" and len(fig.data[at].customdata) > 10
    categories = len(case_data["categories"])
    assert all(len(fig.data[rank].customdata) <= 1 for rank in range(categories))  # no markers
    assert [a.name for a in fig.layout.annotations] == [SUMMARY_NOTE]
    assert f"Summary</b> of {everything(app, user)} events" in fig.layout.annotations[0].text
    assert all(t.type in ("scatter", "bar") for t in fig.data)  # no WebGL context
    # the key keys the bars, not the categories whose markers are not drawn
    keyed = [t for t in fig.data if t.showlegend is not False]
    assert [t.type for t in keyed] == ["bar"] and keyed[0].name.startswith("Summary: events in")
    assert not fig.layout.showlegend  # the page's key above the chart, not Plotly's


def test_zooming_in_draws_the_markers_of_the_span_and_zooming_out_the_summary(large):
    app, user, case_data, _ = large
    assert 0 < events_in(case_data, app, user, QUIET_MONTH) <= LIMIT
    markers, bars = drawn(on_span(app, user, case_data, QUIET_MONTH), case_data)
    assert markers >= events_in(case_data, app, user, QUIET_MONTH) and bars == 0
    assert markers < everything(app, user)
    zoomed_in = operations(on_span(app, user, case_data, QUIET_MONTH))
    assert zoomed_in[("layout", "annotations")] == []
    assert zoomed_in[("data", 0)]["showlegend"] is True  # the first category's trace
    # a span still holding too many: the summary, in finer bins
    busy = {"from": "2010-01-01", "to": "2019-12-31"}
    assert events_in(case_data, app, user, busy) > LIMIT
    markers, bars = drawn(on_span(app, user, case_data, busy), case_data)
    assert markers == 0 and bars > 0
    # everything again (a double click, "Whole life")
    patch = on_span(app, user, case_data, {})
    assert drawn(patch, case_data)[0] == 0
    (note,) = operations(patch)[("layout", "annotations")]
    assert note["name"] == SUMMARY_NOTE


def test_a_filter_while_zoomed_in_keeps_drawing_the_span(large):
    app, user, case_data, _ = large
    agencies = case_data["agencies"]
    with as_user(app, user, triggered=f"{ids.AGENCIES}.value"):
        patch = figure.update_figure(
            agencies[:-1], [], "", agencies, "agency", [], "date", 0, 0, 0, case_data,
            None, QUIET_MONTH, None, [], None,
        )  # fmt: skip
    markers, bars = drawn(patch, case_data)
    assert 0 < markers < everything(app, user) and bars == 0


def test_a_small_case_is_drawn_whole_and_left_alone_on_zoom(rpm_app):
    app, store = rpm_app
    user = get_user(store, "pokafor")
    with as_user(app, user):
        case_data = find(page("case_timeline").layout(case_ref=CASE), ids.CASE).data
    with pytest.raises(PreventUpdate):  # the real limit: the case is drawn whole
        on_span(app, user, case_data, QUIET_MONTH)  # (every one of its events drawn)


def test_the_lens_greys_the_summary_while_summarised(large):
    app, user, case_data, _ = large
    agencies = case_data["agencies"]
    with as_user(app, user, triggered="tl-lens-apply.n_clicks"):
        patch, note, *_ = lenses.apply_known_lens(
            1, None, None, None, None, None, "01/01/2015", None, [], agencies, [], "",
            agencies, "agency", "date", 0, case_data, {},
        )  # fmt: skip
    greyed = operations(patch)[("data", trace_position(case_data["categories"], SUMMARY_TRACE) + 1)]
    assert greyed["showlegend"] and len(greyed["customdata"]) > 0
    assert (
        f"of {everything(app, user)} events shown" in note
    )  # the note counts every event, summarised or not
    # the same lens zoomed in: the markers' opacities, no bars
    with as_user(app, user, triggered="tl-lens-apply.n_clicks"):
        patch, *_ = lenses.apply_known_lens(
            1, None, None, None, None, None, "01/01/2015", None, [], agencies, [], "",
            agencies, "agency", "date", 0, case_data, QUIET_MONTH,
        )  # fmt: skip
    ops = operations(patch)
    assert not ops[("data", trace_position(case_data["categories"], SUMMARY_TRACE) + 1)]["x"]


def test_a_click_on_a_bar_says_what_it_holds_and_zooms_in_to_it(large):
    app, user, case_data, fig = large
    at = trace_position(case_data["categories"], SUMMARY_TRACE)
    ref = fig.data[at].customdata[0]
    lane, first, after = read_bin_ref(ref)
    agencies = case_data["agencies"]
    clicked = f"{ref}@1733140000000"  # as the browser hands it on: the bar and the time
    with as_user(app, user, triggered=f"{ids.DETAILS}.data-bin"):
        panel = selection.show_bin(clicked, agencies, [], "", agencies, "agency", "date",
                                   case_data, None, [])  # fmt: skip
    said = text_of(panel)
    assert agencies[lane] in said and "A bar of the summary" in said
    zoom = find(panel, {"type": ids.BIN_ZOOM, "index": f"{first}:{after}"})
    assert zoom is not None and "Zoom in to" in zoom.children
    button = json.dumps(zoom.id, sort_keys=True, separators=(",", ":"))
    with as_user(app, user, triggered=f"{button}.n_clicks"):
        patch, span = figure.zoom_to_bin([1], "date", case_data)
    assert span == {"from": first.isoformat(), "to": (after - timedelta(days=1)).isoformat()}
    assert operations(patch)[("layout", "xaxis", "range")] == [first.isoformat(), after.isoformat()]
    # anything but a bar's customdata is refused
    with as_user(app, user), pytest.raises(PreventUpdate):
        selection.show_bin("12@1733140000000", agencies, [], "", agencies,
                           "agency", "date", case_data, None, [])  # fmt: skip


def test_previous_and_next_step_through_the_events_while_summarised(large):
    """No marker to step to in the browser: the server steps through the span's events in
    time order, keeping to the filters, and the details follow."""
    app, user, case_data, _ = large
    agencies = case_data["agencies"]
    with as_user(app, user):
        events = case_events(app.server.config["RPM_STORE"], user, CASE, with_summary=False)
    in_order = events.sort_values(["event_date", "event_id"])

    def step(by, point, span=None, lanes=agencies):
        with as_user(app, user, triggered=f"{ids.SUMMARY_STEP}.data"):
            return selection.step_in_summary({"step": by, "at": 1}, point, span or {}, lanes,
                                             [], "", agencies, "agency", "date", case_data)  # fmt: skip

    first = step(1, ids.CASE_POINT)
    assert first == {"kind": "event", "id": int(in_order["event_id"].iloc[0])}
    # the next is the next in time (a later day, or the same day in a lower lane)
    after = step(1, first)
    assert after["id"] != first["id"]
    day = dict(zip(events["event_id"], events["event_date"], strict=True))
    assert day[after["id"]] >= day[first["id"]]
    assert step(-1, after) == first
    with as_user(app, user), pytest.raises(PreventUpdate):  # at the start it stays
        step(-1, first)
    # within the visible span, and the lanes the filter keeps
    police = [a for a in agencies if a != "Police"]
    inside = step(1, ids.CASE_POINT, QUIET_MONTH, police)
    chosen = events.set_index("event_id").loc[inside["id"]]
    # an event dated to a month or a year only is in the span when its month or year meets it
    shown_as = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[chosen.date_precision]
    assert QUIET_MONTH["from"].startswith(f"{chosen.event_date:{shown_as}}") or (
        QUIET_MONTH["from"] <= f"{chosen.event_date:%Y-%m-%d}" <= QUIET_MONTH["to"]
    )
    assert chosen.agency != "Police"
    with as_user(app, user), pytest.raises(PreventUpdate):
        selection.step_in_summary(None, first, {}, agencies, [], "", agencies, "agency",
                                  "date", case_data)  # fmt: skip


def test_reflected_badges_follow_what_is_drawn(large):
    app, user, case_data, _ = large
    with as_user(app, user):
        events = case_events(app.server.config["RPM_STORE"], user, CASE, with_summary=False)
    days = events["event_date"].dt.strftime("%Y-%m-%d")
    inside = events["event_id"][days.between(QUIET_MONTH["from"], QUIET_MONTH["to"])]
    far = events["event_id"][(days < "2015-11-01") | (days > "2016-06-30")]  # beyond the margin
    marks = {"events": [int(inside.iloc[0]), int(far.iloc[0])]}
    agencies = case_data["agencies"]
    at = trace_position(case_data["categories"], REFLECTED_TRACE)

    def badges(span) -> list[int]:
        with as_user(app, user, triggered=f"{ids.REFLECTION_MARKS}.data"):
            patch = figure.mark_reflected(marks, agencies, [], "", agencies, "agency", "date",
                                          case_data, span)  # fmt: skip
        return [int(i) for i in operations(patch)[("data", at)]["customdata"] if int(i) >= 0]

    assert badges({}) == []  # summarised: no markers, so no badges
    assert badges(QUIET_MONTH) == [int(inside.iloc[0])]  # the span's, not the far one
