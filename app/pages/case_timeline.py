"""One case's merged multi-agency timeline."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from app.context import audit, get_store, require_user
from components.timeline import timeline_figure
from data.access import require_case
from data.audit import ACCESS_REFUSED, VIEW_CASE
from data.errors import Forbidden, NotFound
from data.events import case_events

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
                figure=timeline_figure(events),
                config={"displaylogo": False, "scrollZoom": True, "responsive": True},
                className="rpm-timeline",
            ),
        ]
    )
