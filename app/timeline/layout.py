"""The timeline page's first layout: heading, controls, chart, details, panels, table.

Everything here is built once when the page opens; callbacks in the sibling rooms fill and
patch it.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from app.case_forms import case_links
from app.context import get_store, open_case_page, require_user
from app.panels.learning import learning_panel
from app.panels.reflection import reflection_panel
from app.timeline import ids
from app.timeline.figure import build_figure
from app.timeline.state import as_list, event_filter
from app.timeline.table import SORTS
from data.episodes import ASSESSMENTS
from data.events import case_agencies_and_types
from data.reflections import reflected_points


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


def page_layout(case_ref: str | None = None, **query):
    """The page for one case; filters and axis come from the address (a shared view)."""
    store, user = get_store(), require_user()
    case = open_case_page(case_ref, "case page")
    if case is None:
        return _not_found(case_ref)
    agencies, type_counts = case_agencies_and_types(store, user, case.case_ref)
    types = [t for t, _ in type_counts]
    total = sum(n for _, n in type_counts)
    heading = _heading(case, total, agencies)

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
        dcc.Store(id=ids.CASE, data=case_data),
        dcc.Store(id=ids.SELECTED_POINT, data=dict(ids.CASE_POINT)),
        dcc.Store(id="tl-lane-order", data=agencies),
        dcc.Store(id=ids.EPISODES_VERSION, data=0),
        dcc.Store(id=ids.EVENTS_VERSION, data=0),
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
                html.Div(id=ids.REFLECTION_SLOT),
            ]
        )

    # Filter state from the address, so a view can be shared and reopened.
    picked_agencies = [a for a in as_list(query.get("agency")) if a in agencies] or agencies
    picked_types = [t for t in as_list(query.get("type")) if t in types]
    search = str(query.get("q") or "")[:200]
    axis = "age" if query.get("axis") == "age" and case.date_of_birth else "date"
    flt = event_filter(picked_agencies, picked_types, search, agencies)
    reflected = reflected_points(store, user, case.case_ref)["events"]
    figure = build_figure(
        store, user, case_data, flt, agencies, axis, False, False, None, reflected
    )
    controls = _controls(agencies, type_counts, picked_agencies, picked_types, search, axis, case)
    return html.Div(
        [
            *stores,
            heading,
            controls,
            _graph(figure, case.case_ref),
            _details(),
            _reflection_slot(case),
            _episodes(),
            _add_event(agencies, types, user),
            _table(),
        ],
        id="tl-page-root",
        className="rpm-tl",
    )


def _heading(case, total: int, agencies: list[str]):
    born = f"Born {case.date_of_birth:%d %B %Y} · " if case.date_of_birth else ""
    return html.Div(
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
                id=ids.HEADER_LINKS,
                className="rpm-page-links ms-auto",
            ),
        ],
        className="d-flex flex-wrap align-items-start rpm-tl-heading",
    )


def _controls(agencies, type_counts, picked_agencies, picked_types, search, axis, case):
    return html.Section(
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
                                    id=ids.HIDE_SUMMARIES,
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


def _graph(figure, case_ref: str):
    return dcc.Loading(
        dcc.Graph(
            id=ids.GRAPH,
            figure=figure,
            config={
                "displaylogo": False,
                "scrollZoom": True,
                "responsive": True,
                "toImageButtonOptions": {
                    "format": "png",
                    "filename": f"timeline-{case_ref}",
                    "scale": 2,
                },
            },
            className="rpm-timeline",
        ),
        delay_show=400,
    )


def _details():
    return dbc.Row(
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


def _reflection_slot(case):
    return html.Div(
        dbc.Row(
            [dbc.Col(reflection_panel(case), xl=7), dbc.Col(learning_panel(case), xl=5)],
            className="g-4",
        ),
        id=ids.REFLECTION_SLOT,
        className="mt-3",
    )


def _episodes():
    return html.Section(
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


def _add_event(agencies, types, user):
    return html.Section(
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


def _table():
    return html.Section(
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
