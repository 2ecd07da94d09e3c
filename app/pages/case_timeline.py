"""One case's merged multi-agency timeline."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, Patch, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from app.case_forms import case_links
from app.context import audit, get_store, require_user
from app.panels.learning import learning_panel
from app.panels.reflection import reflection_panel
from components.reflection import reflected_trace
from components.timeline import lane_order, timeline_figure
from data.access import require_case
from data.audit import ACCESS_REFUSED, VIEW_CASE
from data.errors import Forbidden, NotFound
from data.events import case_events
from data.reflections import reflected_events

dash.register_page(
    __name__,
    path_template="/cases/<case_ref>",
    title="Case timeline - RPM Timeline",
    name="Case timeline",
)


def layout(case_ref: str | None = None, **_query):
    store, user = get_store(), require_user()
    try:
        case = require_case(store, user, case_ref or "")
    except (NotFound, Forbidden):
        case = None
        audit(
            ACCESS_REFUSED,
            case_ref=(case_ref or "")[:40],
            detail="case page: not found or not allowed",
        )
    if case is None:
        return html.Div(
            [
                html.H1("Case not found"),
                html.P(f"There is no case with the reference {case_ref or '(none)'}."),
                html.A("Back to the list of cases", href=dash.get_relative_path("/")),
            ]
        )
    events = case_events(store, user, case.case_ref)
    audit(VIEW_CASE, case_ref=case.case_ref)
    heading = [
        html.H1([case.label or case.case_ref, html.Span(f" {case.case_ref}", className="rpm-ref")]),
        case_links(case.case_ref, "Timeline"),  # issue 6: set-up and meeting record
        html.P(
            (f"Born {case.date_of_birth:%d %B %Y} · " if case.date_of_birth else "")
            + f"{len(events):,} events from {events['agency'].nunique()} agencies",
            className="lead",
        ),
        html.A("Upload extract", href=dash.get_relative_path(f"/cases/{case.case_ref}/upload")),
    ]
    if events.empty:
        return html.Div(
            [
                *heading,
                dbc.Alert(
                    "No events yet: the timeline appears when an agency's extract is added.",
                    color="info",
                ),
            ]
        )
    return html.Div(
        [
            *heading,
            html.H2("Child's journey", className="visually-hidden"),
            dcc.Graph(
                id="timeline-graph",
                figure=_with_reflection_marks(store, user, case, events),
                config={"displaylogo": False, "scrollZoom": True, "responsive": True},
                className="rpm-timeline",
            ),
            *_reflection_block(case, events),
        ]
    )


# --- Issue 5 (reflections): the selected point, the slot the reflection and learning panels
# mount in, and open rings on reflected events. Kept apart so it can move onto the rewritten
# timeline page (#4), which provides `selected-point`, `reflection-slot` and the marking.
def _with_reflection_marks(store, user, case, events):
    fig = timeline_figure(events)
    fig.add_trace(reflected_trace(reflected_events(store, user, case.case_ref), lane_order(events)))
    return fig


def _reflection_block(case, events) -> list:
    return [
        dcc.Store(id="selected-point", data={"kind": "case", "id": None}),
        dcc.Store(id="timeline-lanes", data=lane_order(events)),
        html.P(
            "Open rings mark events the group has reflected on. Click an event to reflect on it.",
            className="rpm-muted mt-2",
        ),
        html.Div(
            dbc.Row(
                [
                    dbc.Col(reflection_panel(case), xl=7),
                    dbc.Col(learning_panel(case), xl=5),
                ],
                className="g-4",
            ),
            id="reflection-slot",
            className="mt-3",
        ),
    ]


@callback(
    Output("selected-point", "data"),
    Input("timeline-graph", "clickData"),
    State("timeline-lanes", "data"),
    State("refl-case", "data"),
    prevent_initial_call=True,
)
def select_event(click, lanes, case_ref):
    """The clicked marker's event. WebGL traces leave customdata out of clickData, so the event
    is found from the trace (lane, or the rings after the lanes) and the point's index."""
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        raise PreventUpdate from None
    if point.get("customdata") is not None:
        return {"kind": "event", "id": int(point["customdata"])}
    store, user = get_store(), require_user()
    curve, index = point.get("curveNumber"), point.get("pointIndex")
    if not isinstance(curve, int) or not isinstance(index, int) or not lanes:
        raise PreventUpdate
    if curve < len(lanes):
        events = case_events(store, user, case_ref)
        rows = events[events["agency"] == lanes[curve]]
    else:
        reflected = reflected_events(store, user, case_ref)
        rows = reflected[reflected["agency"].isin(lanes)]
    if not 0 <= index < len(rows):
        raise PreventUpdate
    return {"kind": "event", "id": int(rows["event_id"].iloc[index])}


@callback(
    Output("timeline-graph", "figure"),
    Input("reflection-marks", "data"),
    State("timeline-lanes", "data"),
    State("refl-case", "data"),
    prevent_initial_call=True,
)
def mark_reflected(marks, lanes, case_ref):
    """Redraw only the rings (the trace after the lanes) when reflections change."""
    if marks is None or not lanes:
        raise PreventUpdate
    store, user = get_store(), require_user()
    patched = Patch()
    patched["data"][len(lanes)] = reflected_trace(
        reflected_events(store, user, case_ref), lanes
    ).to_plotly_json()
    return patched
