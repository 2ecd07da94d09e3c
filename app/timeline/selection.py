"""The one selected point (an event, an episode or the case) and its details.

Markers, table rows, episode buttons and previous/next (the arrow keys press those buttons,
see assets/timeline.js) all write `ids.SELECTED_POINT`; every panel reads it. A new selection
asks the server once, for the details and the reflection form's point together.
"""

from __future__ import annotations

import numpy as np
from dash import ALL, Input, Output, State, callback, clientside_callback, html
from dash.exceptions import PreventUpdate

from app.anonymised_view import EDIT_REFUSED, anonymised_case
from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.figure import CHART_VIEW, lanes_for
from app.timeline.lens_marks import lens_marks
from app.timeline.reflection import POINT_OUTPUTS, point_view
from app.timeline.state import (
    category_names,
    event_filter,
    selected_event,
    span_dates,
    summaries_hidden,
)
from components.lens_drawing import greyed_mask
from components.timeline import event_codes
from components.timeline_panels import bin_panel, case_panel, episode_panel, event_panel
from components.timeline_summary import (
    bin_contents,
    bin_label,
    partial_words,
    read_bin_ref,
    step_through,
)
from data.episodes import list_episodes
from data.errors import NotFound
from data.events import event_detail, timeline_points
from data.permissions import may_edit_agency_events

# What the user selected, set in the browser (no server round trip): an event (a marker or a
# table row), an episode, or the case as a whole.
clientside_callback(
    """
    function(click, _rows, _episodes, _case, current) {
        var dc = window.dash_clientside, nu = dc.no_update;
        var ctx = dc.callback_context, trigger = ctx.triggered_id;
        // choosing the point already selected changes nothing (panels are not redrawn)
        function choose(kind, id) {
            if (current && current.kind === kind && current.id === id) { return nu; }
            return {kind: kind, id: id};
        }
        if (trigger === 'tl-select-case') { return choose('case', null); }
        if (trigger && typeof trigger === 'object') {
            var fired = ctx.triggered.some(function(t) { return t.value; });
            if (!fired) { return nu; }  // a row or button was (re)drawn, not clicked
            return choose(trigger.type === 'tl-row' ? 'event' : 'episode', Number(trigger.index));
        }
        var points = (click && click.points) || [];
        for (var i = 0; i < points.length; i++) {
            var id = points[i].customdata;
            if (Array.isArray(id)) { id = id[0]; }
            // a bar of the summary is no event ('bin:...'; show_bin gives its details)
            if (typeof id === 'string' && id.indexOf('bin:') === 0) { continue; }
            if (id !== undefined && id !== null) { return choose('event', Number(id)); }
        }
        return nu;
    }
    """,
    Output(ids.SELECTED_POINT, "data"),
    Input(ids.GRAPH, "clickData"),
    Input({"type": "tl-row", "index": ALL}, "n_clicks"),
    Input({"type": "tl-ep-select", "index": ALL}, "n_clicks"),
    Input(ids.SELECT_CASE, "n_clicks"),
    State(ids.SELECTED_POINT, "data"),
    prevent_initial_call=True,
)


# Previous / next (and the arrow keys, which press these buttons) step through the events the
# chart shows, in the browser: in time order, then top to bottom, from the chart's own arrays.
# While the chart is summarised it holds no marker to step to: the server steps (step_in_summary).
clientside_callback(
    """
    function(_prev, _next, point) {
        var nu = window.dash_clientside.no_update;
        var gd = document.querySelector('#timeline-graph .js-plotly-plot');
        if (!gd || !gd._fullData) { return [nu, nu]; }
        var step = window.dash_clientside.callback_context.triggered_id === 'tl-prev' ? -1 : 1;
        var events = [];
        gd._fullData.forEach(function(t) {
            if (t.mode !== 'markers' || !t.customdata || t.legendrank >= 100) { return; }
            for (var i = 0; i < t.customdata.length; i++) {
                var id = t.customdata[i];  // an undrawn point (legend only) holds no event
                if (id === null || id === undefined || Number(id) < 0) { continue; }
                events.push([Number(t.x[i]), Number(t.y[i]), Number(id)]);
            }
        });
        if (!events.length) { return [nu, {step: step, at: Date.now()}]; }
        events.sort(function(a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
        var current = point && point.kind === 'event' ? Number(point.id) : null;
        var at = -1;
        for (var j = 0; j < events.length; j++) { if (events[j][2] === current) { at = j; break; } }
        var next = at < 0 ? (step > 0 ? 0 : events.length - 1)
                          : Math.min(Math.max(at + step, 0), events.length - 1);
        return [{kind: 'event', id: events[next][2]}, nu];
    }
    """,
    Output(ids.SELECTED_POINT, "data", allow_duplicate=True),
    Output(ids.SUMMARY_STEP, "data"),
    Input(ids.PREV, "n_clicks"),
    Input(ids.NEXT, "n_clicks"),
    State(ids.SELECTED_POINT, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.SELECTED_POINT, "data", allow_duplicate=True),
    Input(ids.SUMMARY_STEP, "data"),
    State(ids.SELECTED_POINT, "data"),
    State(ids.SPAN, "data"),
    *CHART_VIEW,
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def step_in_summary(asked, point, span, agencies, types, text, order, lane_by, _axis, case_data):
    """Previous / next while the chart is summarised: the event before or after the selected
    one among those the filters keep in the visible span, in the order the browser steps
    through markers (its details then show; the ring waits until the chart draws it)."""
    if not isinstance(asked, dict) or asked.get("step") not in (-1, 1):
        raise PreventUpdate
    _lanes, codes = chart_codes(case_data, agencies, types, text, order, lane_by)
    chosen = step_through(codes, span_dates(span), selected_event(point), asked["step"])
    if chosen is None or chosen == selected_event(point):
        raise PreventUpdate
    return {"kind": "event", "id": chosen}


@callback(
    Output(ids.DETAILS, "children"),
    *(Output(ident, prop, allow_duplicate=True) for ident, prop in POINT_OUTPUTS),
    Input(ids.SELECTED_POINT, "data"),
    State(ids.HIDE_SUMMARIES, "value"),
    State(ids.CASE, "data"),
    State(ids.REFLECTION_MARKS, "data"),
    prevent_initial_call=True,  # the layout shows the case as a whole
)
def show_point(point, hide, case_data, marks):
    """The selected point's details and the reflection form's point, in one answer."""
    store, user = get_store(), require_user()
    point = point or ids.CASE_POINT
    view = point_view(store, user, case_data["case_ref"], point, marks)
    return (point_details(point, hide, case_data), *view)


@callback(
    Output(ids.DETAILS, "children", allow_duplicate=True),
    Input(ids.HIDE_SUMMARIES, "value"),
    Input(ids.EVENTS_VERSION, "data"),
    Input(ids.EPISODES_VERSION, "data"),
    State(ids.SELECTED_POINT, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def redraw_details(hide, _ev, _ep, point, case_data):
    """The details again after summaries are hidden or shown, or events or episodes change."""
    return point_details(point or ids.CASE_POINT, hide, case_data)


# A click on a bar of the summary, picked out in the browser (a click on a marker asks the
# server nothing more): the bar's customdata and the time, so a second click on it counts.
clientside_callback(
    """
    function(click) {
        var points = (click && click.points) || [];
        for (var i = 0; i < points.length; i++) {
            var ref = points[i].customdata;
            if (typeof ref === 'string' && ref.indexOf('bin:') === 0) {
                return ref + '@' + Date.now();
            }
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.DETAILS, "data-bin"),
    Input(ids.GRAPH, "clickData"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.DETAILS, "children", allow_duplicate=True),
    Input(ids.DETAILS, "data-bin"),
    *CHART_VIEW,
    State(ids.CASE, "data"),
    State(ids.LENS_STATE, "data"),
    State(ids.LENS_DRAW, "value"),
    prevent_initial_call=True,
)
def show_bin(clicked, agencies, types, text, order, lane_by, axis, case_data, lens_state, draw):
    """A click on a bar of the summary (`clicked`: its customdata, '@', the time): what it
    holds and a button to zoom in to it (the selected point, and so the reflection form's,
    stays as it was)."""
    ref = read_bin_ref(str(clicked or "").split("@")[0])
    if ref is None:
        raise PreventUpdate
    lane, first, after = ref
    lanes, codes = chart_codes(case_data, agencies, types, text, order, lane_by)
    if not 0 <= lane < len(lanes):
        return html.P("That part of the chart has changed: click it again.")
    names = category_names(case_data)
    store, user = get_store(), require_user()
    greyed = lens_marks(store, user, case_data["case_ref"], lens_state, draw).greyed_event_ids
    held = bin_contents(codes, lane, first, after, greyed_mask(codes["id"], greyed))
    return bin_panel(
        lane=lanes[lane],
        period=bin_label(np.datetime64(first, "D"), np.datetime64(after, "D"), held.unit),
        count=held.count,
        by_category=[(names[i], n) for i, n in held.by_category],
        partial=partial_words(held.partial, held.unit),
        greyed=held.greyed,
        zoom_id={"type": ids.BIN_ZOOM, "index": f"{first}:{after}"},
        categories=case_data["categories"],
    )


def chart_codes(case_data, agencies, types, text, order, lane_by):
    """The lanes the chart shows and, as numeric codes, the events the filters keep."""
    store, user = get_store(), require_user()
    flt = event_filter(agencies, types, text, case_data["agencies"])
    lanes = lanes_for(store, user, case_data, order, flt, lane_by)
    names = category_names(case_data)
    points = timeline_points(store, user, case_data["case_ref"], flt, lanes, names,
                             lane_by=lane_by)  # fmt: skip
    return lanes, event_codes(points, lanes, names, lane_by)


def point_details(point, hide, case_data):
    """The details of the selected point: an event (editable by its agency, not in the
    anonymised view), an episode, or the case."""
    store, user = get_store(), require_user()
    event_id = selected_event(point)
    if event_id is not None:
        try:
            detail = event_detail(store, user, case_data["case_ref"], event_id)
        except NotFound:
            return html.P("That event is no longer part of this case.")
        editable = may_edit_agency_events(user, detail.agency)
        anonymised = editable and anonymised_case() is not None
        panel = event_panel(
            detail,
            hide_summaries=summaries_hidden(hide),
            editable=editable and not anonymised,
            categories=case_data["categories"],
        )
        if anonymised:
            panel.children.append(html.P(EDIT_REFUSED, className="rpm-note"))
        return panel
    if point.get("kind") == "episode" and point.get("id") is not None:
        for ep in list_episodes(store, user, case_data["case_ref"]):
            if ep.episode_id == int(point["id"]):
                return episode_panel(ep)
        return html.P("That episode has been deleted.")
    return case_panel(case_data["case_ref"])


# Choosing "Show" on a chronology row brings the chart and the details back into view (the
# table sits below them).
clientside_callback(
    """
    function(clicks) {
        if ((clicks || []).some(function(n) { return n; })) {
            window.scrollTo({top: 0});
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.DETAILS, "title"),
    Input({"type": "tl-row", "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
