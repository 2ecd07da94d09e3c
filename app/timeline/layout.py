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
from app.timeline import ids
from app.timeline.anonymised import anonymised_switch
from app.timeline.categories import key_categories_control, kind_options, page_key
from app.timeline.changes import POLL_MS
from app.timeline.figure import ALL_SPAN, build_figure
from app.timeline.lens_marks import DEFAULT_DRAW, lens_marks
from app.timeline.lenses import lenses_tab
from app.timeline.reflection import reflection_panel
from app.timeline.state import as_list, event_filter, span_dates, span_of
from app.timeline.table import case_counts
from app.timeline.tabs import TAB_TO_BUILD, TABS_ASKED, TABS_SEEN
from components.category_style import category_data
from components.forms import uk_date_input
from components.timeline import DENSE_LIMIT, presentation_update, ring_size
from components.timeline_panels import case_panel
from data.categories import categories, key_categories
from data.events import case_agencies_and_types, case_category_counts, case_event_counts
from data.permissions import runs_meetings
from data.reflections import reflected_points
from data.revisions import case_revision


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


def page_layout(case_ref: str | None = None, **query):
    """The page for one case; filters and axis come from the address (a shared view)."""
    store, user = get_store(), require_user()
    case = open_case_page(case_ref, "case page")
    if case is None:
        return _not_found(case_ref)
    agencies, type_counts = case_agencies_and_types(store, user, case.case_ref)
    types = [t for t, _ in type_counts]
    total = sum(n for _, n in type_counts)
    # the managed list (every category, fixed markers) and the chair's key ones
    listed = category_data(categories(store))
    key = key_categories(store, case.case_id)

    case_data = {
        "case_ref": case.case_ref,
        "dob": case.date_of_birth.isoformat() if case.date_of_birth else None,
        "agencies": agencies,
        "types": types,
        "categories": listed,
        "key_categories": key,
        "presentation": {
            state: presentation_update(state == "on", listed, key, total > DENSE_LIMIT)
            for state in ("on", "off")
        },
        "can_chair": runs_meetings(user),
        "agency": user.agency,
        "role": user.role,
        "dense": total > DENSE_LIMIT,
    }
    # the filter's options: the categories (with the case's counts), then the agencies' types
    case_data["type_options"] = kind_options(
        case_data, type_counts, case_category_counts(store, user, case.case_ref)
    )
    counts = case_event_counts(store, user, case.case_ref)
    if counts.first_day:  # the known-at-the-time lens steps through these days
        case_data["first_day"] = counts.first_day.isoformat()
        case_data["last_day"] = counts.last_day.isoformat()
    heading = _heading(case, case_counts(case_data, counts))
    # An empty store is left without data, never data=None: a dcc.Store given None reports it
    # again on mount, which runs the callbacks it feeds despite prevent_initial_call (three
    # server requests on every case open, for nothing).
    stores = [
        dcc.Store(id=ids.CASE, data=case_data),
        dcc.Store(id=ids.SELECTED_POINT, data=dict(ids.CASE_POINT)),
        dcc.Store(id=ids.LANE_ORDER, data=agencies),
        dcc.Store(id=ids.EPISODES_VERSION, data=0),
        dcc.Store(id=ids.EVENTS_VERSION, data=0),
        dcc.Store(id=ids.CASE_REVISION, data=case_revision(store, user, case.case_ref)),
        dcc.Interval(id=ids.POLL, interval=POLL_MS),
        dcc.Store(id=ids.EPISODE_EDITING),
        dcc.Store(id=ids.EP_DRAGGED),
        dcc.Store(id=ids.FIX_ACTION),
    ]
    if not total:
        # Only the heading and the explanation: the timeline's stores would wake its callbacks,
        # whose other inputs (filters, chart) an empty case does not have.
        return html.Div(
            [
                heading,
                html.Div(
                    [
                        html.H2("No events yet"),
                        html.P(
                            "This case's timeline is empty: it is drawn from the agencies' "
                            "extracts. Each agency uploads its extract for this case on "
                            "the Upload extracts page, then the child's journey appears here."
                        ),
                    ],
                    id="tl-empty",
                    className="rpm-empty",
                ),
            ]
        )

    # Filter state from the address, so a view can be shared and reopened.
    picked_agencies = [a for a in as_list(query.get("agency")) if a in agencies] or agencies
    kinds = {o["value"] for o in case_data["type_options"]}
    picked_types = [t for t in as_list(query.get("type")) if t in kinds]
    lane_by = "category" if query.get("lanes") == "category" else "agency"
    search = str(query.get("q") or "")[:200]
    axis = "age" if query.get("axis") == "age" and case.date_of_birth else "date"
    span = span_of(*dates) if (dates := span_dates(query)) else None
    flt = event_filter(picked_agencies, picked_types, search, agencies)
    reflected = reflected_points(store, user, case.case_ref)["events"]
    lens = lens_marks(store, user, case.case_ref, None, DEFAULT_DRAW)
    figure = build_figure(
        store, user, case_data, flt, agencies, axis, False, False, reflected, span, lane_by, lens
    )  # fmt: skip
    toolbar = _toolbar(
        case_data, agencies, picked_agencies, picked_types, search, axis, case, lane_by
    )
    toolbar.children.insert(-1, anonymised_switch(query.get("view") == "anonymised"))
    # The side panel's first view comes with the layout, not from a round of callbacks after it.
    first_views = {"details": case_panel(case.case_ref)}
    return html.Div(
        [
            *stores,
            dcc.Store(id=ids.SPAN, data=span or ALL_SPAN),
            dcc.Store(id=ids.SUMMARY_STEP),
            heading,
            toolbar,
            html.Div(
                [
                    _graph(figure, case.case_ref, page_key(case_data, figure["data"])),
                    _side_panel(case, first_views["details"]),
                ],
                className="rpm-tl-stage",
            ),
            _below_the_chart(case_data),
        ],
        id=ids.PAGE_ROOT,
        className="rpm-tl",
    )


def _heading(case, counts: str):
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
                        counts,
                        className="lead",
                        id=ids.HEADING_LEAD,
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


def _popover(summary: str, body, ident: str, *, open_: bool = False):
    """A toolbar button that opens a panel over the chart (never pushing it down)."""
    return html.Details(
        [
            html.Summary(summary, className="btn btn-outline-dark btn-sm"),
            html.Div(body, className="rpm-popover-body"),
        ],
        id=ident,
        className="rpm-popover",
        open=open_,
    )


def _toolbar(case_data, agencies, picked_agencies, picked_types, search, axis, case, lane_by):
    """Filters and view in one compact bar above the chart."""
    button = "btn btn-outline-dark btn-sm"
    lanes = html.Fieldset(
        [
            html.Legend("One lane per", className="fs-6 fw-bold"),
            dbc.RadioItems(
                id=ids.LANE_BY,
                options=[
                    {"label": "agency", "value": "agency"},
                    {"label": "category (in the list's order)", "value": "category"},
                ],
                value=lane_by,
                inline=True,
                className="mb-2",
            ),
            html.Legend("Agencies", className="fs-6 fw-bold"),
            dbc.Checklist(
                id=ids.AGENCIES,
                options=[{"label": a, "value": a} for a in agencies],
                value=picked_agencies,
                className="rpm-checklist",
            ),
            html.Div(
                [
                    dbc.Label("Move lane", html_for=ids.LANE_PICK, className="me-2 mb-0"),
                    dbc.Select(
                        id=ids.LANE_PICK,
                        options=[{"label": a, "value": a} for a in agencies],
                        value=agencies[0] if agencies else None,
                        className="rpm-lane-pick me-2",
                    ),
                    html.Button("Up", id=ids.LANE_UP, type="button", className=button + " me-1"),
                    html.Button("Down", id=ids.LANE_DOWN, type="button", className=button),
                ],
                className="d-flex align-items-center mt-2",
            ),
        ]
    )
    types = html.Div(
        [
            html.Fieldset(
                [
                    html.Legend(
                        "Categories and event types (none ticked: all)", className="fs-6 fw-bold"
                    ),
                    dbc.Label(
                        "Find a category or type",
                        html_for=ids.TYPES_FIND,
                        className="visually-hidden",
                    ),
                    dbc.Input(
                        id=ids.TYPES_FIND,
                        type="search",
                        placeholder="Find a category or type",
                        className="mb-2",
                        autoComplete="off",
                    ),
                    dbc.Checklist(
                        id=ids.TYPES,
                        options=case_data["type_options"],
                        value=picked_types,
                        className="rpm-type-list",
                    ),
                ]
            ),
            key_categories_control(case_data),
        ]
    )
    more = html.Div(
        [
            dbc.Checklist(
                id=ids.HIDE_SUMMARIES,
                options=[{"label": "Hide summaries", "value": "hide"}],
                value=[],
                className="mb-2",
            ),
            html.Fieldset(
                [
                    html.Legend("Dragging on the chart", className="fs-6 fw-bold"),
                    dbc.RadioItems(
                        id=ids.DRAG,
                        options=[
                            {"label": "zooms in", "value": "zoom"},
                            {"label": "pans", "value": "pan"},
                            {"label": "marks an episode", "value": "select"},
                        ],
                        value="zoom",
                    ),
                ],
                className="mb-2",
            ),
            html.Div(
                [
                    dbc.Label("From", html_for=ids.PERIOD_FROM, className="me-1 mb-0"),
                    uk_date_input(ids.PERIOD_FROM, className="rpm-date me-2"),
                    dbc.Label("to", html_for=ids.PERIOD_TO, className="me-1 mb-0"),
                    uk_date_input(ids.PERIOD_TO, className="rpm-date me-2"),
                    html.Button(
                        "Zoom to period", id=ids.PRESET_PERIOD, type="button", className=button
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-1 mb-2",
            ),
            html.Button("Download PNG", id=ids.PNG, type="button", className=button + " me-2"),
            html.Button("Download CSV", id=ids.CSV, type="button", className=button),
            dcc.Download(id=ids.CSV_DOWNLOAD),
        ]
    )
    return html.Section(
        [
            html.H2("Filters and view", className="visually-hidden"),
            _popover("Lanes", lanes, "tl-lanes-menu"),
            _popover("Categories and types", types, "tl-types-menu"),
            html.Div(
                [
                    dbc.Label("Search summaries", html_for=ids.SEARCH, className="visually-hidden"),
                    dbc.Input(
                        id=ids.SEARCH,
                        type="search",
                        value=search,
                        debounce=True,
                        placeholder="Search summaries",
                        className="form-control-sm rpm-search",
                    ),
                ]
            ),
            html.Button("Clear filters", id=ids.CLEAR, className=button, type="button"),
            html.Fieldset(
                [
                    html.Legend("Axis", className="visually-hidden"),
                    dbc.RadioItems(
                        id=ids.AXIS,
                        options=[
                            {"label": "Date", "value": "date"},
                            {
                                "label": "Child's age",
                                "value": "age",
                                "disabled": case.date_of_birth is None,
                            },
                        ],
                        value=axis,
                        inline=True,
                        className="rpm-axis",
                    ),
                ],
                className="rpm-tool-group",
            ),
            html.Div(
                [
                    html.Button("Whole life", id=ids.PRESET_ALL, type="button", className=button),
                    html.Button("Latest year", id=ids.PRESET_YEAR, type="button", className=button),
                ],
                className="btn-group",
                role="group",
                **{"aria-label": "Show"},
            ),
            _popover("More", more, "tl-more-menu"),
            html.Button(
                "Presentation mode",
                id=ids.PRESENTATION,
                type="button",
                className="btn btn-dark btn-sm rpm-present",
                **{"aria-pressed": "false"},
                n_clicks=0,
            ),
        ],
        className="rpm-tl-toolbar",
    )


def _graph(figure, case_ref: str, legend):
    # No dcc.Loading around it: its overlay covered what sits below the chart (the table's
    # buttons) and caught the clicks meant for it.
    return html.Div(
        [
            legend,
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
                style={"height": "100%"},
            ),
            _ring(),
        ],
        className="rpm-tl-chart",
    )


def _ring() -> html.Span:
    """The selected event's ring, placed over its marker by assets/timeline.js at these sizes."""
    sizes = {False: ring_size(False), True: ring_size(True)}
    return html.Span(
        id=ids.RING,
        className="rpm-ring",
        hidden=True,
        **{
            "aria-hidden": "true",
            "data-size": sizes[False]["size"],
            "data-line": sizes[False]["line"],
            "data-size-presenting": sizes[True]["size"],
            "data-line-presenting": sizes[True]["line"],
        },
    )


def _side_panel(case, details_view):
    """Beside the chart: the selected point's details and the form to reflect on it."""
    button = "btn btn-outline-dark btn-sm"
    details = html.Section(
        [
            html.Div(
                [
                    html.H2("Details", className="h4 me-auto mb-0"),
                    html.Button(
                        "Previous",
                        id=ids.PREV,
                        type="button",
                        className=button,
                        title="Left arrow key",
                    ),
                    html.Button(
                        "Next",
                        id=ids.NEXT,
                        type="button",
                        className=button,
                        title="Right arrow key",
                    ),
                    html.Button("The case", id=ids.SELECT_CASE, type="button", className=button),
                ],
                className="d-flex align-items-center flex-wrap gap-1",
            ),
            html.P(
                "Click an event; the left and right arrow keys step through the events shown.",
                className="visually-hidden",
            ),
            html.Div(details_view, id=ids.DETAILS, **{"aria-live": "polite"}),
            html.Div(id=ids.EDIT_MESSAGE, role="status"),
        ],
        className="rpm-side-details",
        **{"aria-labelledby": "tl-details-heading"},
    )
    return html.Aside(
        [details, html.Div(reflection_panel(case), id=ids.REFLECTION_SLOT)],
        className="rpm-tl-side",
        **{"aria-label": "Selected point"},
    )


# The lenses second: what each agency knew when, and the patterns no one agency saw, are what
# a chair shows the room first after the chronology.
TABS = (
    ("chronology", "Chronology"),
    ("lenses", "Lenses"),
    ("episodes", "Key practice episodes"),
    ("add-event", "Add an event"),
    ("coverage", "Reflective cycle and coverage"),
    ("learning", "Learning points and actions"),
    ("people", "People in the case"),
)


def _below_the_chart(case_data):
    """Tabs under the chart. Every panel stays in the page once built, hidden when not chosen,
    so what is typed in one is kept; all but the lenses (`tabs.LAZY`) are built when first
    opened or first scrolled into view, so the page opens, and every later change of it
    redraws, with far fewer components."""
    content = {"lenses": lenses_tab(case_data)}
    first = TABS[0][0]
    strip = html.Div(
        [
            html.Button(
                label,
                id={"type": ids.TAB, "index": key},
                type="button",
                role="tab",
                className="nav-link" + (" active" if key == first else ""),
                **{
                    "aria-selected": "true" if key == first else "false",
                    "aria-controls": f"tl-panel-{key}",
                },
            )
            for key, label in TABS
        ],
        id="tl-tabs",
        role="tablist",
        className="nav nav-tabs",
        **{"aria-label": "More about the case"},
    )
    panels = [
        html.Div(
            content.get(key),
            id=f"tl-panel-{key}",
            role="tabpanel",
            hidden=key != first,
            className="rpm-tab-panel",
            **{"aria-label": label},
        )
        for key, label in TABS
    ]
    return html.Section(
        [
            dcc.Store(id=ids.TAB, data=first),
            dcc.Store(id=TABS_ASKED, data=[]),
            dcc.Store(id=TAB_TO_BUILD),
            dcc.Store(id=TABS_SEEN, data=False),
            strip,
            *panels,
        ],
        id="tl-below",
        className="mt-3 rpm-tl-tabs",
    )
