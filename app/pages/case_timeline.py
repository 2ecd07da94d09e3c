"""One case's merged multi-agency timeline: the screen the chair shares in the meeting.

The page keeps the per-interaction work small: the figure is built once when the page opens;
filter, lane and selection changes send `Patch()`es with new trace arrays (numbers only, read
by `data.events.timeline_points`); details are fetched when an event is clicked.

Interfaces other pages rely on: `dcc.Store(id="selected-point")` holds
{"kind": "event"|"episode"|"case", "id": int|None}; `html.Div(id="reflection-slot")` is where
the reflection panel mounts; `html.Div(id="tl-header-links")` holds links beside the heading.
"""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import ALL, Input, Output, Patch, State, callback, clientside_callback, ctx, dcc, html

from app.case_forms import case_links
from app.context import get_store, open_case_page, require_user
from app.panels.learning import learning_panel
from app.panels.reflection import reflection_panel
from components.timeline import (
    span_ends,
    timeline_figure,
    timeline_height,
    timeline_traces,
    x_values,
)
from components.timeline_panels import (
    case_panel,
    episode_list,
    episode_panel,
    event_panel,
    event_table,
)
from data.episodes import (
    ASSESSMENTS,
    add_episode,
    delete_episode,
    list_episodes,
    update_episode,
)
from data.errors import NotFound, StoreError
from data.event_edits import add_meeting_event, correct_event, set_event_hidden
from data.events import (
    CHRONOLOGY_COLUMNS,
    EventFilter,
    case_agencies_and_types,
    case_events,
    chronology_frame_rows,
    event_detail,
    neighbour_event,
    timeline_points,
)
from data.exports import csv_text
from data.reflections import reflected_points

dash.register_page(
    __name__,
    path_template="/cases/<case_ref>",
    title="Case timeline - RPM Timeline",
    name="Case timeline",
)

TABLE_PAGE = 25
SORTS = {
    "date": "Date, oldest first",
    "date_desc": "Date, newest first",
    "agency": "Agency, then date",
    "type": "Event type, then date",
}


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _not_found(case_ref: str | None):
    return html.Div(
        [
            html.H1("Case not found"),
            html.P(
                f"There is no case with the reference {case_ref or '(none)'}, "
                "or you do not have access to it."
            ),
            html.A("Back to the list of cases", href=dash.get_relative_path("/")),
        ],
        id="tl-not-found",
    )


def _labelled(label: str, control, control_id: str, **kwargs):
    return html.Div([dbc.Label(label, html_for=control_id, className="fw-bold"), control], **kwargs)


def layout(case_ref: str | None = None, **query):
    store, user = get_store(), require_user()
    case = open_case_page(case_ref, "case page")
    if case is None:
        return _not_found(case_ref)
    agencies, type_counts = case_agencies_and_types(store, user, case.case_ref)
    types = [t for t, _ in type_counts]
    total = sum(n for _, n in type_counts)
    born = f"Born {case.date_of_birth:%d %B %Y} · " if case.date_of_birth else ""
    heading = html.Div(
        [
            html.Div(
                [
                    html.H1(
                        [
                            case.label or case.case_ref,
                            html.Span(f" {case.case_ref}", className="rpm-ref"),
                        ]
                    ),
                    html.P(
                        born + f"{total:,} events from {len(agencies)} agencies",
                        className="lead",
                        id="tl-lead",
                    ),
                ]
            ),
            # Links to the case's other pages (upload, reflections, record) sit here.
            html.Div(
                case_links(case.case_ref, "Timeline"),  # upload, set-up, meeting record
                id="tl-header-links",
                className="rpm-page-links ms-auto",
            ),
        ],
        className="d-flex flex-wrap align-items-start rpm-tl-heading",
    )
    case_data = {
        "case_ref": case.case_ref,
        "dob": case.date_of_birth.isoformat() if case.date_of_birth else None,
        "agencies": agencies,
        "types": types,
        "can_chair": user.role in ("admin", "chair"),
        "agency": user.agency,
        "role": user.role,
    }
    stores = [
        dcc.Store(id="tl-case", data=case_data),
        dcc.Store(id="selected-point", data={"kind": "case", "id": None}),
        dcc.Store(id="tl-lane-order", data=agencies),
        dcc.Store(id="tl-episodes-version", data=0),
        dcc.Store(id="tl-events-version", data=0),
        dcc.Store(id="tl-page", data=0),
        dcc.Store(id="tl-episode-editing", data=None),
    ]
    if not total:
        return html.Div(
            [
                *stores,
                heading,
                html.Div(
                    [
                        html.H2("No events yet"),
                        html.P(
                            "This case's timeline is empty: it is drawn from the agencies' "
                            "extracts. Ask each agency to upload its extract for this case "
                            "(or an administrator adds one with `rpm-timeline ingest`), "
                            "then the child's journey appears here."
                        ),
                    ],
                    id="tl-empty",
                    className="rpm-empty",
                ),
                html.Div(id="reflection-slot"),
            ]
        )

    # Filter state from the address, so a view can be shared and reopened.
    picked_agencies = [a for a in _as_list(query.get("agency")) if a in agencies] or agencies
    picked_types = [t for t in _as_list(query.get("type")) if t in types]
    search = str(query.get("q") or "")[:200]
    axis = "age" if query.get("axis") == "age" and case.date_of_birth else "date"
    flt = _filter(picked_agencies, picked_types, search, agencies)
    reflected = reflected_points(store, user, case.case_ref)["events"]
    figure = _build_figure(
        store, user, case_data, flt, agencies, axis, False, False, None, reflected
    )

    controls = html.Section(
        [
            html.H2("Filters and view", className="visually-hidden"),
            dbc.Row(
                [
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend("Agencies (lanes)", className="fs-6 fw-bold"),
                                dbc.Checklist(
                                    id="tl-agencies",
                                    options=[{"label": a, "value": a} for a in agencies],
                                    value=picked_agencies,
                                    inline=True,
                                    className="rpm-checklist",
                                ),
                            ]
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        html.Details(
                            [
                                html.Summary("Event types (none ticked: all)", className="fw-bold"),
                                html.Fieldset(
                                    [
                                        html.Legend("Event types", className="visually-hidden"),
                                        dbc.Checklist(
                                            id="tl-types",
                                            options=[
                                                {"label": f"{t} ({n})", "value": t}
                                                for t, n in type_counts
                                            ],
                                            value=picked_types,
                                        ),
                                    ],
                                    className="rpm-type-list",
                                ),
                            ],
                            open=bool(picked_types),
                        ),
                        lg=2,
                    ),
                    dbc.Col(
                        _labelled(
                            "Search summaries",
                            dbc.Input(
                                id="tl-search",
                                type="search",
                                value=search,
                                debounce=True,
                                placeholder="words in the summary",
                            ),
                            "tl-search",
                        ),
                        lg=2,
                    ),
                    dbc.Col(
                        html.Button(
                            "Clear all filters",
                            id="tl-clear",
                            className="btn btn-outline-dark mt-4",
                            type="button",
                        ),
                        lg=2,
                    ),
                ],
                className="g-3 rpm-menu",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend("Horizontal axis", className="fs-6 fw-bold"),
                                dbc.RadioItems(
                                    id="tl-axis",
                                    options=[
                                        {"label": "Calendar date", "value": "date"},
                                        {
                                            "label": "Child's age",
                                            "value": "age",
                                            "disabled": case.date_of_birth is None,
                                        },
                                    ],
                                    value=axis,
                                    inline=True,
                                ),
                            ]
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.Span("Show: ", className="fw-bold me-2"),
                                html.Button(
                                    "Whole life",
                                    id="tl-preset-all",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm me-2",
                                ),
                                html.Button(
                                    "Latest year",
                                    id="tl-preset-year",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm me-2",
                                ),
                                dbc.Label("From", html_for="tl-from", className="me-1"),
                                dbc.Input(id="tl-from", type="date", className="rpm-date me-2"),
                                dbc.Label("to", html_for="tl-to", className="me-1"),
                                dbc.Input(id="tl-to", type="date", className="rpm-date me-2"),
                                html.Button(
                                    "Zoom to period",
                                    id="tl-preset-period",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm",
                                ),
                            ],
                            className="d-flex flex-wrap align-items-center",
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend("Dragging on the chart", className="fs-6 fw-bold"),
                                dbc.RadioItems(
                                    id="tl-drag",
                                    options=[
                                        {"label": "zooms in", "value": "zoom"},
                                        {"label": "pans", "value": "pan"},
                                        {"label": "marks an episode", "value": "select"},
                                    ],
                                    value="zoom",
                                    inline=True,
                                ),
                            ]
                        ),
                        lg=3,
                    ),
                ],
                className="g-3 mt-1 rpm-menu",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        html.Div(
                            [
                                dbc.Label("Lane", html_for="tl-lane-pick", className="me-2"),
                                dbc.Select(
                                    id="tl-lane-pick",
                                    options=[{"label": a, "value": a} for a in agencies],
                                    value=agencies[0] if agencies else None,
                                    className="rpm-lane-pick me-2",
                                ),
                                html.Button(
                                    "Move up",
                                    id="tl-lane-up",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm me-2",
                                ),
                                html.Button(
                                    "Move down",
                                    id="tl-lane-down",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm",
                                ),
                            ],
                            className="d-flex align-items-center",
                        ),
                        lg=5,
                        className="rpm-menu",
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.Button(
                                    "Presentation mode",
                                    id="tl-present",
                                    type="button",
                                    className="btn btn-dark me-3",
                                    **{"aria-pressed": "false"},
                                    n_clicks=0,
                                ),
                                dbc.Checklist(
                                    id="tl-hide-summaries",
                                    options=[{"label": "Hide summaries", "value": "hide"}],
                                    value=[],
                                    className="me-3",
                                ),
                                html.Button(
                                    "Download PNG",
                                    id="tl-png",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm me-2 rpm-menu",
                                ),
                                html.Button(
                                    "Download CSV",
                                    id="tl-csv",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm rpm-menu",
                                ),
                                dcc.Download(id="tl-csv-download"),
                            ],
                            className="d-flex flex-wrap align-items-center justify-content-lg-end",
                        ),
                        lg=7,
                    ),
                ],
                className="g-3 mt-1",
            ),
        ],
        className="rpm-tl-controls",
    )

    graph = dcc.Loading(
        dcc.Graph(
            id="timeline-graph",
            figure=figure,
            config={
                "displaylogo": False,
                "scrollZoom": True,
                "responsive": True,
                "toImageButtonOptions": {
                    "format": "png",
                    "filename": f"timeline-{case.case_ref}",
                    "scale": 2,
                },
            },
            className="rpm-timeline",
        ),
        delay_show=400,
    )

    details = dbc.Row(
        [
            dbc.Col(
                html.Section(
                    [
                        html.Div(
                            [
                                html.H2("Details", className="h3 me-auto"),
                                html.Button(
                                    "Previous event",
                                    id="tl-prev",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm me-2",
                                    title="Left arrow key",
                                ),
                                html.Button(
                                    "Next event",
                                    id="tl-next",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm me-2",
                                    title="Right arrow key",
                                ),
                                html.Button(
                                    "The case as a whole",
                                    id="tl-select-case",
                                    type="button",
                                    className="btn btn-outline-dark btn-sm",
                                ),
                            ],
                            className="d-flex align-items-center flex-wrap",
                        ),
                        html.P(
                            "Click an event on the chart or in the table; the left and right "
                            "arrow keys step through the events shown.",
                            className="text-muted small",
                        ),
                        html.Div(id="tl-details", **{"aria-live": "polite"}),
                        html.Div(id="tl-edit-message", role="status"),
                    ],
                    className="rpm-panel",
                    **{"aria-labelledby": "tl-details-heading"},
                ),
                lg=12,
            ),
        ],
        className="g-4 mt-2",
    )
    reflection_slot = html.Div(
        dbc.Row(
            [dbc.Col(reflection_panel(case), xl=7), dbc.Col(learning_panel(case), xl=5)],
            className="g-4",
        ),
        id="reflection-slot",
        className="mt-3",
    )

    episodes = html.Section(
        [
            html.H2("Key practice episodes", className="h3"),
            html.Div(id="tl-episode-list"),
            html.Details(
                [
                    html.Summary("Mark an episode", className="fw-bold"),
                    html.P(
                        "Choose 'marks an episode' above and drag across the chart, or type "
                        "the dates.",
                        className="small text-muted",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                _labelled(
                                    "Name",
                                    dbc.Input(id="tl-ep-title", maxLength=120),
                                    "tl-ep-title",
                                ),
                                md=4,
                            ),
                            dbc.Col(
                                _labelled(
                                    "Starts",
                                    dbc.Input(id="tl-ep-start", type="date"),
                                    "tl-ep-start",
                                ),
                                md=2,
                            ),
                            dbc.Col(
                                _labelled(
                                    "Ends", dbc.Input(id="tl-ep-end", type="date"), "tl-ep-end"
                                ),
                                md=2,
                            ),
                            dbc.Col(
                                html.Fieldset(
                                    [
                                        html.Legend("It shows", className="fs-6 fw-bold"),
                                        dbc.RadioItems(
                                            id="tl-ep-assessment",
                                            options=[
                                                {"label": v, "value": k}
                                                for k, v in ASSESSMENTS.items()
                                            ],
                                            value="problem",
                                            inline=True,
                                        ),
                                    ]
                                ),
                                md=4,
                            ),
                        ],
                        className="g-2",
                    ),
                    _labelled(
                        "Description (optional)",
                        dbc.Textarea(id="tl-ep-description", maxLength=2000),
                        "tl-ep-description",
                        className="mt-2",
                    ),
                    html.Div(
                        [
                            html.Button(
                                "Save episode",
                                id="tl-ep-save",
                                type="button",
                                className="btn btn-primary me-2",
                            ),
                            html.Button(
                                "Cancel editing",
                                id="tl-ep-cancel",
                                type="button",
                                className="btn btn-outline-dark",
                            ),
                        ],
                        className="mt-2",
                    ),
                    html.Div(id="tl-ep-message", role="status", className="mt-2"),
                ],
                id="tl-ep-form",
                className="rpm-form mt-2",
                open=False,
            ),
        ],
        className="rpm-panel mt-4 rpm-menu-episodes",
    )

    add_event = html.Section(
        html.Details(
            [
                html.Summary("Add an event from the discussion", className="fw-bold"),
                dbc.Row(
                    [
                        dbc.Col(
                            _labelled(
                                "Agency",
                                dbc.Select(
                                    id="tl-add-agency",
                                    options=[{"label": a, "value": a} for a in agencies],
                                    value=user.agency if user.agency in agencies else agencies[0],
                                ),
                                "tl-add-agency",
                            ),
                            md=3,
                        ),
                        dbc.Col(
                            _labelled(
                                "Date", dbc.Input(id="tl-add-date", type="date"), "tl-add-date"
                            ),
                            md=2,
                        ),
                        dbc.Col(
                            _labelled(
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
                                "tl-add-precision",
                            ),
                            md=2,
                        ),
                        dbc.Col(
                            _labelled(
                                "Time (optional)",
                                dbc.Input(id="tl-add-time", type="time"),
                                "tl-add-time",
                            ),
                            md=2,
                        ),
                        dbc.Col(
                            _labelled(
                                "Event type",
                                dbc.Input(id="tl-add-type", maxLength=100, list="tl-type-list"),
                                "tl-add-type",
                            ),
                            md=3,
                        ),
                    ],
                    className="g-2 mt-1",
                ),
                html.Datalist(id="tl-type-list", children=[html.Option(value=t) for t in types]),
                _labelled(
                    "Summary", dbc.Textarea(id="tl-add-summary"), "tl-add-summary", className="mt-2"
                ),
                html.Button(
                    "Add event", id="tl-add-save", type="button", className="btn btn-primary mt-2"
                ),
                html.Div(id="tl-add-message", role="status", className="mt-2"),
            ],
            className="rpm-form",
        ),
        className="rpm-panel mt-4",
    )

    table = html.Section(
        [
            html.Div(
                [
                    html.H2("Chronology", className="h3 me-auto"),
                    dbc.Label("Sort by", html_for="tl-sort", className="me-2 mb-0"),
                    dbc.Select(
                        id="tl-sort",
                        options=[{"label": v, "value": k} for k, v in SORTS.items()],
                        value="date",
                        className="rpm-sort",
                    ),
                ],
                className="d-flex align-items-center flex-wrap",
            ),
            html.Div(id="tl-table"),
            html.Div(
                [
                    html.Button(
                        "Previous page",
                        id="tl-page-prev",
                        type="button",
                        className="btn btn-outline-dark btn-sm me-2",
                    ),
                    html.Button(
                        "Next page",
                        id="tl-page-next",
                        type="button",
                        className="btn btn-outline-dark btn-sm me-3",
                    ),
                    html.Span(id="tl-page-label", **{"aria-live": "polite"}),
                ],
                className="mt-2",
            ),
        ],
        className="rpm-panel mt-4",
    )

    return html.Div(
        [*stores, heading, controls, graph, details, reflection_slot, episodes, add_event, table],
        id="tl-page-root",
        className="rpm-tl",
    )


# ---- building and patching the figure ---------------------------------------------------


def _filter(agencies, types, text, all_agencies) -> EventFilter:
    agencies = list(agencies or [])
    return EventFilter.of(
        agencies=None if set(agencies) >= set(all_agencies) else agencies,
        types=list(types) if types else None,
        text=text,
    )


def _lanes(order: list[str] | None, flt: EventFilter) -> list[str]:
    return [a for a in order or [] if flt.agencies is None or a in flt.agencies]


def _dob(case_data) -> date | None:
    return date.fromisoformat(case_data["dob"]) if case_data.get("dob") else None


def _events_for_figure(store, user, case_data, flt, lanes):
    """Small cases get the full frame (hover text with summaries); big ones numbers only."""
    points = timeline_points(store, user, case_data["case_ref"], flt, lanes, case_data["types"])
    if len(points) <= 3000:
        return case_events(store, user, case_data["case_ref"], flt)
    return points


def _build_figure(
    store, user, case_data, flt, order, axis, presentation, hide, selected, reflected=()
):
    lanes = _lanes(order, flt)
    events = _events_for_figure(store, user, case_data, flt, lanes)
    return timeline_figure(
        events,
        lanes=lanes,
        types=case_data["types"],
        axis=axis,
        date_of_birth=_dob(case_data),
        episodes=list_episodes(store, user, case_data["case_ref"]),
        reflected_event_ids=reflected,
        selected_event_id=selected,
        presentation=presentation,
        hide_summaries=hide,
    )


def _presenting(n_clicks) -> bool:
    return bool(n_clicks) and n_clicks % 2 == 1


def _selected_event(point) -> int | None:
    if point and point.get("kind") == "event" and point.get("id") is not None:
        return int(point["id"])
    return None


@callback(
    Output("timeline-graph", "figure"),
    Input("tl-agencies", "value"),
    Input("tl-types", "value"),
    Input("tl-search", "value"),
    Input("tl-lane-order", "data"),
    Input("tl-hide-summaries", "value"),
    Input("tl-axis", "value"),
    Input("tl-present", "n_clicks"),
    Input("tl-episodes-version", "data"),
    Input("tl-events-version", "data"),
    State("tl-case", "data"),
    State("selected-point", "data"),
    State("reflection-marks", "data"),
    prevent_initial_call=True,
)
def update_figure(
    agencies, types, text, order, hide, axis, present, _ep, _ev, case_data, point, marks
):
    """Filters, lane order and hiding summaries patch the traces; other changes redraw."""
    store, user = get_store(), require_user()
    flt = _filter(agencies, types, text, case_data["agencies"])
    hide = "hide" in (hide or [])
    presentation = _presenting(present)
    selected = _selected_event(point)
    reflected = (marks or {}).get("events") or []
    trigger = ctx.triggered_id
    if trigger in ("tl-agencies", "tl-types", "tl-search", "tl-lane-order", "tl-hide-summaries"):
        lanes = _lanes(order, flt)
        events = _events_for_figure(store, user, case_data, flt, lanes)
        traces = timeline_traces(
            events,
            lanes=lanes,
            types=case_data["types"],
            axis=axis,
            date_of_birth=_dob(case_data),
            reflected_event_ids=reflected,
            selected_event_id=selected,
            presentation=presentation,
            hide_summaries=hide,
        )
        patch = Patch()
        for index, trace in enumerate(traces):
            patch["data"][index] = trace.to_plotly_json()
        patch["layout"]["yaxis"]["tickvals"] = list(range(len(lanes)))
        patch["layout"]["yaxis"]["ticktext"] = lanes
        patch["layout"]["yaxis"]["range"] = [len(lanes) - 0.5, -0.6]
        patch["layout"]["height"] = timeline_height(len(lanes), presentation)
        return patch
    return _build_figure(
        store, user, case_data, flt, order, axis, presentation, hide, selected, reflected
    )


@callback(
    Output("timeline-graph", "figure", allow_duplicate=True),
    Input("reflection-marks", "data"),
    State("tl-agencies", "value"),
    State("tl-types", "value"),
    State("tl-search", "value"),
    State("tl-lane-order", "data"),
    State("tl-axis", "value"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)
def mark_reflected(marks, agencies, types, text, order, axis, case_data):
    """Redraw only the 'Reflected' badges (trace -2) when reflections change."""
    store, user = get_store(), require_user()
    ids = (marks or {}).get("events") or []
    flt = _filter(agencies, types, text, case_data["agencies"])
    lanes = _lanes(order, flt)
    events = case_events(store, user, case_data["case_ref"], flt, with_summary=False)
    events = events[events["event_id"].isin(ids)]
    traces = timeline_traces(
        events,
        lanes=lanes,
        types=case_data["types"],
        axis=axis,
        date_of_birth=_dob(case_data),
        reflected_event_ids=ids,
    )
    patch = Patch()
    patch["data"][-2] = traces[-2].to_plotly_json()
    return patch


@callback(
    Output("timeline-graph", "figure", allow_duplicate=True),
    Input("selected-point", "data"),
    State("tl-case", "data"),
    State("tl-agencies", "value"),
    State("tl-lane-order", "data"),
    State("tl-axis", "value"),
    prevent_initial_call=True,
)
def highlight_selected(point, case_data, agencies, order, axis):
    """Ring the selected event (the last trace) without resending anything else."""
    store, user = get_store(), require_user()
    patch = Patch()
    event_id = _selected_event(point)
    x, y, ids = [], [], []
    if event_id is not None:
        detail = event_detail(store, user, case_data["case_ref"], event_id)
        lanes = _lanes(order, _filter(agencies, [], "", case_data["agencies"]))
        if detail.agency in lanes:
            precision = {"day": 0, "month": 1, "year": 2}[detail.date_precision]
            day = np.array([np.datetime64(detail.event_date, "D")])
            start, end = span_ends(day, np.array([precision]))
            xs, xe = (x_values(v, axis, _dob(case_data)) for v in (start, end))
            half = (xe - xs) / 2
            x, y, ids = [float((xs + half)[0])], [lanes.index(detail.agency)], [event_id]
    patch["data"][-1]["x"] = x
    patch["data"][-1]["y"] = y
    patch["data"][-1]["customdata"] = ids
    return patch


@callback(
    Output("timeline-graph", "figure", allow_duplicate=True),
    Input("tl-preset-all", "n_clicks"),
    Input("tl-preset-year", "n_clicks"),
    Input("tl-preset-period", "n_clicks"),
    Input("tl-drag", "value"),
    State("tl-from", "value"),
    State("tl-to", "value"),
    State("tl-axis", "value"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)
def zoom_preset(_all, _year, _period, drag, start, end, axis, case_data):
    """Presets: the whole life, the latest year with events, or a typed period."""
    store, user = get_store(), require_user()
    patch = Patch()
    trigger = ctx.triggered_id
    if trigger == "tl-drag":
        patch["layout"]["dragmode"] = drag if drag in ("zoom", "pan", "select") else "zoom"
        patch["layout"]["selectdirection"] = "h"
        return patch
    if trigger == "tl-preset-all":
        patch["layout"]["xaxis"]["autorange"] = True
        return patch
    if trigger == "tl-preset-year":
        events = case_events(store, user, case_data["case_ref"], with_summary=False)
        last = events["event_date"].max()
        lo, hi = last - pd.DateOffset(years=1), last + pd.Timedelta(days=15)
    else:
        try:
            lo, hi = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
        except (TypeError, ValueError):
            return dash.no_update
        if pd.isna(lo) or pd.isna(hi) or hi <= lo:
            return dash.no_update
    xs = x_values(np.array([lo.to_datetime64(), hi.to_datetime64()]), axis, _dob(case_data))
    if axis != "age" or not case_data.get("dob"):
        xs = [lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")]
    patch["layout"]["xaxis"]["range"] = [xs[0], xs[1]] if isinstance(xs, list) else list(xs)
    patch["layout"]["xaxis"]["autorange"] = False
    return patch


# ---- selection, details, keyboard -------------------------------------------------------


@callback(
    Output("selected-point", "data"),
    Input("timeline-graph", "clickData"),
    Input({"type": "tl-row", "index": ALL}, "n_clicks"),
    Input({"type": "tl-ep-select", "index": ALL}, "n_clicks"),
    Input("tl-prev", "n_clicks"),
    Input("tl-next", "n_clicks"),
    Input("tl-select-case", "n_clicks"),
    State("selected-point", "data"),
    State("tl-case", "data"),
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
        return {"kind": "case", "id": None}
    if isinstance(trigger, dict):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return dash.no_update  # a row or button was (re)drawn, not clicked
        kind = "event" if trigger["type"] == "tl-row" else "episode"
        return {"kind": kind, "id": int(trigger["index"])}
    if trigger == "timeline-graph":
        points = (click or {}).get("points") or []
        ids = [p.get("customdata") for p in points if p.get("customdata") is not None]
        if not ids:
            return dash.no_update
        event_id = ids[0][0] if isinstance(ids[0], list) else ids[0]
        return {"kind": "event", "id": int(event_id)}
    flt = _filter(agencies, types, text, case_data["agencies"])
    events = timeline_points(
        store, user, case_data["case_ref"], flt, case_data["agencies"], case_data["types"]
    )
    step = -1 if trigger == "tl-prev" else 1
    event_id = neighbour_event(events, _selected_event(point), step)
    if event_id is None:
        return dash.no_update
    return {"kind": "event", "id": event_id}


@callback(
    Output("tl-details", "children"),
    Input("selected-point", "data"),
    Input("tl-hide-summaries", "value"),
    Input("tl-events-version", "data"),
    Input("tl-episodes-version", "data"),
    State("tl-case", "data"),
)
def show_details(point, hide, _ev, _ep, case_data):
    store, user = get_store(), require_user()
    hide = "hide" in (hide or [])
    point = point or {"kind": "case", "id": None}
    if point.get("kind") == "event" and point.get("id") is not None:
        try:
            detail = event_detail(store, user, case_data["case_ref"], int(point["id"]))
        except NotFound:
            return html.P("That event is no longer part of this case.")
        editable = user.role in ("admin", "chair") or detail.agency == user.agency
        return event_panel(detail, hide_summaries=hide, editable=editable)
    if point.get("kind") == "episode" and point.get("id") is not None:
        for ep in list_episodes(store, user, case_data["case_ref"]):
            if ep.episode_id == int(point["id"]):
                return episode_panel(ep)
        return html.P("That episode has been deleted.")
    return case_panel(case_data["case_ref"])


# Arrow keys step through events (assets/timeline.js clicks the buttons); presentation mode
# is a class on <body>, so the header's menus can be hidden too.
clientside_callback(
    """
    function(n) {
        var on = (n || 0) % 2 === 1;
        document.body.classList.toggle('rpm-presenting', on);
        return [on ? 'true' : 'false', on ? 'Leave presentation mode' : 'Presentation mode'];
    }
    """,
    Output("tl-present", "aria-pressed"),
    Output("tl-present", "children"),
    Input("tl-present", "n_clicks"),
)

clientside_callback(
    """
    function(n, caseData) {
        if (!n) { return window.dash_clientside.no_update; }
        var gd = document.querySelector('#timeline-graph .js-plotly-plot');
        if (gd && window.Plotly) {
            window.Plotly.downloadImage(gd, {format: 'png', width: 1920,
                height: gd.offsetHeight || 800, filename: 'timeline-' + caseData.case_ref});
        }
        return '';
    }
    """,
    Output("tl-png", "title"),
    Input("tl-png", "n_clicks"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)

# Hiding summaries also hides them in panels other pages mount here (reflection panel).
clientside_callback(
    """
    function(value) {
        document.body.classList.toggle('rpm-hide-summaries', (value || []).indexOf('hide') >= 0);
        return '';
    }
    """,
    Output("tl-hide-summaries", "title"),
    Input("tl-hide-summaries", "value"),
)

# The filter state goes into the address (replaceState: no page reload, no history entry).
clientside_callback(
    """
    function(agencies, types, text, axis, caseData) {
        var params = new URLSearchParams();
        var all = caseData.agencies || [];
        if (agencies && agencies.length < all.length) {
            agencies.forEach(function(a) { params.append('agency', a); });
        }
        (types || []).forEach(function(t) { params.append('type', t); });
        if (text) { params.set('q', text); }
        if (axis === 'age') { params.set('axis', 'age'); }
        var search = params.toString();
        var url = window.location.pathname + (search ? '?' + search : '');
        window.history.replaceState(window.history.state, '', url);
        return search;
    }
    """,
    Output("tl-page-root", "data-filters"),
    Input("tl-agencies", "value"),
    Input("tl-types", "value"),
    Input("tl-search", "value"),
    Input("tl-axis", "value"),
    State("tl-case", "data"),
)

# Dragging across the chart in 'marks an episode' mode fills the episode's dates; only the
# range leaves the browser, not the selected points.
clientside_callback(
    """
    function(selected, axis, caseData) {
        var nu = window.dash_clientside.no_update;
        if (!selected || !selected.range || !selected.range.x) { return [nu, nu, nu]; }
        var r = selected.range.x, days = [];
        for (var i = 0; i < 2; i++) {
            var d;
            if (axis === 'age' && caseData.dob) {
                d = new Date(Date.parse(caseData.dob) + r[i] * 365.25 * 86400000);
            } else {
                d = new Date(typeof r[i] === 'number' ? r[i] : Date.parse(String(r[i]).replace(' ', 'T') + 'Z'));
            }
            days.push(d.toISOString().slice(0, 10));
        }
        days.sort();
        return [days[0], days[1], true];
    }
    """,
    Output("tl-ep-start", "value"),
    Output("tl-ep-end", "value"),
    Output("tl-ep-form", "open"),
    Input("timeline-graph", "selectedData"),
    State("tl-axis", "value"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)


# ---- filters, lanes, table, CSV ---------------------------------------------------------


@callback(
    Output("tl-agencies", "value"),
    Output("tl-types", "value"),
    Output("tl-search", "value"),
    Input("tl-clear", "n_clicks"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)
def clear_filters(_n, case_data):
    require_user()
    return case_data["agencies"], [], ""


@callback(
    Output("tl-lane-order", "data"),
    Input("tl-lane-up", "n_clicks"),
    Input("tl-lane-down", "n_clicks"),
    State("tl-lane-pick", "value"),
    State("tl-lane-order", "data"),
    prevent_initial_call=True,
)
def move_lane(_up, _down, lane, order):
    require_user()
    order = list(order or [])
    if lane not in order:
        return dash.no_update
    i = order.index(lane)
    j = i - 1 if ctx.triggered_id == "tl-lane-up" else i + 1
    if not 0 <= j < len(order):
        return dash.no_update
    order[i], order[j] = order[j], order[i]
    return order


@callback(
    Output("tl-table", "children"),
    Output("tl-page", "data"),
    Output("tl-page-label", "children"),
    Input("tl-agencies", "value"),
    Input("tl-types", "value"),
    Input("tl-search", "value"),
    Input("tl-sort", "value"),
    Input("tl-page-prev", "n_clicks"),
    Input("tl-page-next", "n_clicks"),
    Input("selected-point", "data"),
    Input("tl-hide-summaries", "value"),
    Input("tl-events-version", "data"),
    State("tl-page", "data"),
    State("tl-case", "data"),
)
def show_table(agencies, types, text, sort, _p, _n, point, hide, _ev, page, case_data):
    """One page of the filtered chronology; it follows the selected event."""
    store, user = get_store(), require_user()
    flt = _filter(agencies, types, text, case_data["agencies"])
    events = case_events(store, user, case_data["case_ref"], flt)
    events = _sorted(events, sort)
    pages = max(1, -(-len(events) // TABLE_PAGE))
    selected = _selected_event(point)
    trigger = ctx.triggered_id
    page = page or 0
    if trigger == "tl-page-prev":
        page -= 1
    elif trigger == "tl-page-next":
        page += 1
    elif trigger == "selected-point" and selected is not None:
        where = np.nonzero(events["event_id"].to_numpy() == selected)[0]
        if len(where):
            page = int(where[0]) // TABLE_PAGE
    elif trigger != "tl-events-version":
        page = 0 if trigger is not None else page
    page = min(max(page, 0), pages - 1)
    rows = events.iloc[page * TABLE_PAGE : (page + 1) * TABLE_PAGE]
    label = f"Page {page + 1} of {pages} · {len(events):,} events"
    return event_table(rows, selected, hide_summaries="hide" in (hide or [])), page, label


def _sorted(events: pd.DataFrame, sort: str) -> pd.DataFrame:
    if sort == "date_desc":
        return events.iloc[::-1]
    if sort == "agency":
        return events.sort_values(["agency", "event_date"], kind="stable")
    if sort == "type":
        return events.sort_values(["event_type", "event_date"], kind="stable")
    return events


@callback(
    Output("tl-csv-download", "data"),
    Input("tl-csv", "n_clicks"),
    State("tl-agencies", "value"),
    State("tl-types", "value"),
    State("tl-search", "value"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)
def download_csv(_n, agencies, types, text, case_data):
    """The filtered chronology as CSV, formula-safe."""
    store, user = get_store(), require_user()
    flt = _filter(agencies, types, text, case_data["agencies"])
    rows = chronology_frame_rows(case_events(store, user, case_data["case_ref"], flt))
    return {
        "content": csv_text(CHRONOLOGY_COLUMNS, rows),
        "filename": f"chronology-{case_data['case_ref']}.csv",
        "type": "text/csv",
    }


# ---- episodes ---------------------------------------------------------------------------


@callback(
    Output("tl-episode-list", "children"),
    Input("tl-episodes-version", "data"),
    State("tl-case", "data"),
)
def show_episodes(_version, case_data):
    store, user = get_store(), require_user()
    return episode_list(
        list_episodes(store, user, case_data["case_ref"]), editable=case_data["can_chair"]
    )


@callback(
    Output("tl-episodes-version", "data"),
    Output("tl-ep-message", "children"),
    Output("tl-episode-editing", "data"),
    Output("tl-ep-title", "value"),
    Output("tl-ep-start", "value", allow_duplicate=True),
    Output("tl-ep-end", "value", allow_duplicate=True),
    Output("tl-ep-assessment", "value"),
    Output("tl-ep-description", "value"),
    Output("tl-ep-form", "open", allow_duplicate=True),
    Input("tl-ep-save", "n_clicks"),
    Input("tl-ep-cancel", "n_clicks"),
    Input({"type": "tl-ep-edit", "index": ALL}, "n_clicks"),
    Input({"type": "tl-ep-delete", "index": ALL}, "n_clicks"),
    State("tl-ep-title", "value"),
    State("tl-ep-start", "value"),
    State("tl-ep-end", "value"),
    State("tl-ep-assessment", "value"),
    State("tl-ep-description", "value"),
    State("tl-episode-editing", "data"),
    State("tl-episodes-version", "data"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)
def change_episode(
    _save, _cancel, _edit, _delete, title, start, end, assessment, text, editing, version, case
):
    """Save (add or update), start editing, cancel, or delete an episode."""
    store, user = get_store(), require_user()
    nu = dash.no_update
    trigger = ctx.triggered_id
    blank = (None, "", None, None, "problem", "")
    if isinstance(trigger, dict):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return (nu,) * 9
        episode_id = int(trigger["index"])
        if trigger["type"] == "tl-ep-delete":
            try:
                delete_episode(store, user, case["case_ref"], episode_id)
            except StoreError as exc:
                return nu, _error(exc), *(nu,) * 7
            return (version or 0) + 1, _ok("Episode deleted."), *blank, nu
        for ep in list_episodes(store, user, case["case_ref"]):
            if ep.episode_id == episode_id:
                return (
                    nu,
                    _ok(f"Editing the episode '{ep.title}'."),
                    ep.episode_id,
                    ep.title,
                    ep.start_date.isoformat(),
                    ep.end_date.isoformat(),
                    ep.assessment,
                    ep.description or "",
                    True,
                )
        return (nu,) * 9
    if trigger == "tl-ep-cancel":
        return nu, "", *blank, False
    values = {
        "title": title,
        "start_date": start,
        "end_date": end,
        "assessment": assessment,
        "description": text,
    }
    try:
        if editing:
            update_episode(store, user, case["case_ref"], int(editing), **values)
            message = "Episode saved."
        else:
            add_episode(store, user, case["case_ref"], **values)
            message = "Episode added."
    except StoreError as exc:
        return nu, _error(exc), *(nu,) * 7
    return (version or 0) + 1, _ok(message), *blank, False


def _ok(text: str):
    return dbc.Alert(text, color="success", className="py-2")


def _error(exc: Exception):
    return dbc.Alert(f"Not saved: {exc}", color="danger", className="py-2")


# ---- events added, corrected or hidden in the meeting ------------------------------------


@callback(
    Output("tl-events-version", "data"),
    Output("tl-add-message", "children"),
    Output("tl-add-summary", "value"),
    Input("tl-add-save", "n_clicks"),
    State("tl-add-agency", "value"),
    State("tl-add-date", "value"),
    State("tl-add-precision", "value"),
    State("tl-add-time", "value"),
    State("tl-add-type", "value"),
    State("tl-add-summary", "value"),
    State("tl-events-version", "data"),
    State("tl-case", "data"),
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
        return dash.no_update, _error(exc), dash.no_update
    return (version or 0) + 1, _ok("Event added to the timeline."), ""


@callback(
    Output("tl-events-version", "data", allow_duplicate=True),
    Output("tl-edit-message", "children"),
    Input("tl-fix-save", "n_clicks"),
    Input("tl-fix-hide", "n_clicks"),
    State("selected-point", "data"),
    State("tl-fix-date", "value"),
    State("tl-fix-precision", "value"),
    State("tl-fix-time", "value"),
    State("tl-fix-type", "value"),
    State("tl-fix-summary", "value"),
    State("tl-fix-reason", "value"),
    State("tl-events-version", "data"),
    State("tl-case", "data"),
    prevent_initial_call=True,
)
def fix_event(save, hide, point, day, precision, at, etype, summary, reason, version, case_data):
    """Correct or hide the selected event; the original stays in the store."""
    store, user = get_store(), require_user()
    event_id = _selected_event(point)
    if event_id is None or not (save or hide):
        return dash.no_update, dash.no_update
    try:
        if ctx.triggered_id == "tl-fix-hide":
            set_event_hidden(
                store, user, case_data["case_ref"], event_id, hidden=True, reason=reason
            )
            message = "Event hidden from the timeline; the original is kept with your reason."
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
        return dash.no_update, _error(exc)
    return (version or 0) + 1, _ok(message)
