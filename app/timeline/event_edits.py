"""Events added, corrected or hidden in the meeting (the original is always kept)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, html

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.alerts import not_saved, saved
from app.timeline.state import selected_event
from components.forms import labelled, uk_date_input, uk_time_input
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


# The correction form is part of the details, redrawn with every point selected; Dash counts
# its buttons appearing as a change of their clicks. Only a real click reaches the server: the
# browser passes it on, with what the form holds, through `ids.FIX_ACTION`, which stays in the
# page (so the server's callback never asks for a form that is not there).
FIX_FIELDS = ("date", "precision", "time", "type", "summary", "reason")  # the function's order
clientside_callback(
    """
    function(_save, _hide, date, precision, time, type, summary, reason) {
        var ctx = window.dash_clientside.callback_context;
        var clicked = ctx.triggered.some(function(t) { return t.value; });
        if (!clicked) { return window.dash_clientside.no_update; }
        var fields = {date: date, precision: precision, time: time, type: type,
                      summary: summary, reason: reason};
        return {action: ctx.triggered_id, fields: fields, at: Date.now()};
    }
    """,
    Output(ids.FIX_ACTION, "data"),
    Input("tl-fix-save", "n_clicks"),
    Input("tl-fix-hide", "n_clicks"),
    *(State(f"tl-fix-{name}", "value") for name in FIX_FIELDS),
    prevent_initial_call=True,
)


@callback(
    Output(ids.EVENTS_VERSION, "data", allow_duplicate=True),
    Output(ids.EDIT_MESSAGE, "children"),
    Input(ids.FIX_ACTION, "data"),
    State(ids.SELECTED_POINT, "data"),
    State(ids.EVENTS_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def fix_event(action, point, version, case_data):
    """Correct the selected event (`action`: {"action": "tl-fix-save", "fields": what the form
    holds, by `FIX_FIELDS`}), hide it or show it again ("tl-fix-hide"); the original stays in
    the store."""
    store, user = get_store(), require_user()
    event_id = selected_event(point)
    if event_id is None or not action:
        return dash.no_update, dash.no_update
    fields = action.get("fields") or {}
    reason = fields.get("reason")
    try:
        if action.get("action") == "tl-fix-hide":
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
                event_date=fields.get("date"),
                date_precision=fields.get("precision") or "day",
                event_time=fields.get("time"),
                event_type=fields.get("type"),
                summary=fields.get("summary"),
                reason=reason,
            )
            message = "Correction saved; the original is kept with your reason."
    except StoreError as exc:
        return dash.no_update, not_saved(exc)
    return (version or 0) + 1, saved(message)


def add_event_panel(agencies, types, user):
    """The form adding an event from the discussion (built when its tab is first opened)."""
    return html.Section(
        html.Details(
            [
                html.Summary("Add an event from the discussion", className="fw-bold"),
                dbc.Row(
                    [
                        dbc.Col(
                            labelled(
                                "Agency",
                                dbc.Select(
                                    id="tl-add-agency",
                                    options=[{"label": a, "value": a} for a in agencies],
                                    value=user.agency if user.agency in agencies else agencies[0],
                                ),
                            ),
                            md=3,
                        ),
                        dbc.Col(
                            labelled("Date (dd/mm/yyyy)", uk_date_input("tl-add-date")),
                            md=2,
                        ),
                        dbc.Col(
                            labelled(
                                "Known to the",
                                dbc.Select(
                                    id="tl-add-precision",
                                    options=[
                                        {"label": "day", "value": "day"},
                                        {"label": "month", "value": "month"},
                                        {"label": "year", "value": "year"},
                                    ],
                                    value="day",
                                ),
                            ),
                            md=2,
                        ),
                        dbc.Col(
                            labelled(
                                "Time (optional, hh:mm)",
                                uk_time_input("tl-add-time"),
                            ),
                            md=2,
                        ),
                        dbc.Col(
                            labelled(
                                "Event type",
                                dbc.Input(id="tl-add-type", maxLength=100, list="tl-type-list"),
                            ),
                            md=3,
                        ),
                    ],
                    className="g-2 mt-1",
                ),
                html.Datalist(id="tl-type-list", children=[html.Option(value=t) for t in types]),
                labelled("Summary", dbc.Textarea(id="tl-add-summary"), className="mt-2"),
                html.Button(
                    "Add event", id="tl-add-save", type="button", className="btn btn-primary mt-2"
                ),
                html.Div(id="tl-add-message", role="status", className="mt-2"),
            ],
            className="rpm-form",
        ),
        className="rpm-panel mt-4",
    )
