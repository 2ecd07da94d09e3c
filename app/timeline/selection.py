"""The one selected point (an event, an episode or the case) and its details.

Markers, table rows, episode buttons and previous/next (the arrow keys press those buttons,
see assets/timeline.js) all write `ids.SELECTED_POINT`; every panel reads it.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, html

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.state import event_filter, selected_event, summaries_hidden
from components.timeline_panels import case_panel, episode_panel, event_panel
from data.episodes import list_episodes
from data.errors import NotFound
from data.events import event_detail, neighbour_event, timeline_points


@callback(
    Output(ids.SELECTED_POINT, "data"),
    Input(ids.GRAPH, "clickData"),
    Input({"type": "tl-row", "index": ALL}, "n_clicks"),
    Input({"type": "tl-ep-select", "index": ALL}, "n_clicks"),
    Input("tl-prev", "n_clicks"),
    Input("tl-next", "n_clicks"),
    Input("tl-select-case", "n_clicks"),
    State(ids.SELECTED_POINT, "data"),
    State(ids.CASE, "data"),
    State("tl-agencies", "value"),
    State("tl-types", "value"),
    State("tl-search", "value"),
    prevent_initial_call=True,
)
def select_point(click, _rows, _eps, _prev, _next, _case, point, case_data, agencies, types, text):
    """What the user selected: an event (marker, row, previous/next), an episode, the case."""
    store, user = get_store(), require_user()
    trigger = ctx.triggered_id
    if trigger == "tl-select-case":
        return dict(ids.CASE_POINT)
    if isinstance(trigger, dict):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return dash.no_update  # a row or button was (re)drawn, not clicked
        kind = "event" if trigger["type"] == "tl-row" else "episode"
        return {"kind": kind, "id": int(trigger["index"])}
    if trigger == ids.GRAPH:
        points = (click or {}).get("points") or []
        event_ids = [p.get("customdata") for p in points if p.get("customdata") is not None]
        if not event_ids:
            return dash.no_update
        event_id = event_ids[0][0] if isinstance(event_ids[0], list) else event_ids[0]
        return {"kind": "event", "id": int(event_id)}
    flt = event_filter(agencies, types, text, case_data["agencies"])
    events = timeline_points(
        store, user, case_data["case_ref"], flt, case_data["agencies"], case_data["types"]
    )
    step = -1 if trigger == "tl-prev" else 1
    event_id = neighbour_event(events, selected_event(point), step)
    if event_id is None:
        return dash.no_update
    return {"kind": "event", "id": event_id}


@callback(
    Output("tl-details", "children"),
    Input(ids.SELECTED_POINT, "data"),
    Input(ids.HIDE_SUMMARIES, "value"),
    Input(ids.EVENTS_VERSION, "data"),
    Input(ids.EPISODES_VERSION, "data"),
    State(ids.CASE, "data"),
)
def show_details(point, hide, _ev, _ep, case_data):
    store, user = get_store(), require_user()
    point = point or ids.CASE_POINT
    event_id = selected_event(point)
    if event_id is not None:
        try:
            detail = event_detail(store, user, case_data["case_ref"], event_id)
        except NotFound:
            return html.P("That event is no longer part of this case.")
        editable = user.role in ("admin", "chair") or detail.agency == user.agency
        return event_panel(detail, hide_summaries=summaries_hidden(hide), editable=editable)
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
    Output("tl-details", "title"),
    Input({"type": "tl-row", "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
