"""Events added, corrected or hidden in the meeting (the original is always kept)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, ctx

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.alerts import not_saved, saved
from app.timeline.state import selected_event
from data.errors import StoreError
from data.event_edits import add_meeting_event, correct_event, set_event_hidden
from data.events import event_detail


@callback(
    Output(ids.EVENTS_VERSION, "data"),
    Output("tl-add-message", "children"),
    Output("tl-add-summary", "value"),
    Input("tl-add-save", "n_clicks"),
    State("tl-add-agency", "value"),
    State("tl-add-date", "value"),
    State("tl-add-precision", "value"),
    State("tl-add-time", "value"),
    State("tl-add-type", "value"),
    State("tl-add-summary", "value"),
    State(ids.EVENTS_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def add_event(_n, agency, day, precision, at, etype, summary, version, case_data):
    store, user = get_store(), require_user()
    try:
        add_meeting_event(
            store,
            user,
            case_data["case_ref"],
            agency=agency,
            event_date=day,
            date_precision=precision or "day",
            event_time=at,
            event_type=etype,
            summary=summary,
        )
    except StoreError as exc:
        return dash.no_update, not_saved(exc), dash.no_update
    return (version or 0) + 1, saved("Event added to the timeline."), ""


@callback(
    Output(ids.EVENTS_VERSION, "data", allow_duplicate=True),
    Output("tl-edit-message", "children"),
    Input("tl-fix-save", "n_clicks"),
    Input("tl-fix-hide", "n_clicks"),
    State(ids.SELECTED_POINT, "data"),
    State("tl-fix-date", "value"),
    State("tl-fix-precision", "value"),
    State("tl-fix-time", "value"),
    State("tl-fix-type", "value"),
    State("tl-fix-summary", "value"),
    State("tl-fix-reason", "value"),
    State(ids.EVENTS_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def fix_event(save, hide, point, day, precision, at, etype, summary, reason, version, case_data):
    """Correct the selected event, hide it or show it again; the original stays in the store."""
    store, user = get_store(), require_user()
    event_id = selected_event(point)
    if event_id is None or not (save or hide):
        return dash.no_update, dash.no_update
    try:
        if ctx.triggered_id == "tl-fix-hide":
            hidden = event_detail(store, user, case_data["case_ref"], event_id).hidden
            set_event_hidden(
                store, user, case_data["case_ref"], event_id, hidden=not hidden, reason=reason
            )
            message = (
                "Event shown on the timeline again; your reason is recorded."
                if hidden
                else "Event hidden from the timeline; the original is kept with your reason."
            )
        else:
            correct_event(
                store,
                user,
                case_data["case_ref"],
                event_id,
                event_date=day,
                date_precision=precision or "day",
                event_time=at,
                event_type=etype,
                summary=summary,
                reason=reason,
            )
            message = "Correction saved; the original is kept with your reason."
    except StoreError as exc:
        return dash.no_update, not_saved(exc)
    return (version or 0) + 1, saved(message)
