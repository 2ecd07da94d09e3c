"""The Case Review Committee's explorer across cases (role `crc` and admins only).

Reads only the pseudonymised `crc_*` views through `data.crc`; every count from 1 to 5 is shown
as "c". Each callback checks the signed-in user in the store (`data.crc.require_crc`), so a
hand-made callback request from an agency or chair user is refused (403), not only the page.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import (
    ALL,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)

from app.context import get_crc_store, require_user
from app.panels.committee import briefings_tab, decisions_tab
from app.panels.publish import patterns_waiting_note, publish_panel
from components.crc import (
    case_rows_picture,
    count_table,
    rows_to_draw,
    summary_card,
    theme_bars,
)
from data import crc, pooled
from data.committee_patterns import count_missing_patterns
from data.errors import NotFound
from data.exports import csv_text
from data.patterns import rules_words
from data.permissions import explores_committee, is_administrator
from data.suppression import suppress_count
from data.vocabulary import SCOPES

dash.register_page(__name__, path="/crc", title="CRC explorer - RPM Timeline", name="CRC explorer")

WINDOWS = (12, 24, 36, 60)
TABS = (
    ("themes", "Learning themes"),
    ("barriers", "Barriers"),
    ("patterns", "Patterns"),
    ("actions", "Actions"),
    ("process", "Process times"),
    ("aligned", "Aligned journeys"),
    ("summary", "Case summary"),
    ("decisions", "Decisions and actions"),
    ("briefings", "Frontline briefings"),
)
FILTER_IDS = (
    "crc-year",
    "crc-age",
    "crc-agency",
    "crc-theme",
    "crc-stage",
    "crc-scope",
    "crc-partnership",  # pooled bundles only; an empty, hidden list otherwise
)
CHECKLIST_IDS = (*FILTER_IDS[:5], "crc-partnership")
FILTER_STATES = [State(i, "value") for i in FILTER_IDS]

# name -> (caption, file name); the CSV button of each table carries its name.
TABLES = {
    "themes-agency": "Learning points by theme and agency (single-agency by agency; cross-agency)",
    "themes-quarter": "Learning points by theme and quarter of the meeting",
    "themes-action": "Learning points by theme, with or without an action",
    "barriers": "Barriers identified by the meetings, by theme and agency",
    "unanswered-shares": "Information that did not travel, by the sending event's category "
    "and agency",
    "patterns-agency": "Patterns the reviewer's lenses found, by agency of their events and kind",
    "patterns-category": "Patterns the reviewer's lenses found, by category of their events and "
    "kind",
    "actions-agency": "Actions by owning agency and state",
    "actions-theme": "Actions by theme of their learning and state",
    "process": "Time taken between workflow stages",
    "themes-partnership": f"Learning points by partnership and theme: the {pooled.TOP_THEMES} most"
    f" frequent themes, and the others added up as {pooled.OTHER_THEMES.lower()}",
}


def _window(value) -> int:
    try:
        window = int(value)
    except (TypeError, ValueError):
        return crc.DEFAULT_WINDOW
    return window if window in WINDOWS else crc.DEFAULT_WINDOW


def _filters(years, ages, agencies, themes, stages, scope, partnerships=None) -> crc.CrcFilters:
    return crc.CrcFilters.from_values(years, ages, agencies, themes, stages, scope, partnerships)


def _options(values) -> list[dict]:
    """Checklist/select options from plain values or (value, label) pairs."""
    out = []
    for v in values:
        value, label = v if isinstance(v, tuple) else (v, str(v))
        out.append({"label": label, "value": value})
    return out


def _checklist_filter(label: str, id_: str, values, width: str = "col-xl-2"):
    """A filter as native checkboxes in a disclosure: keyboard and screen-reader friendly.
    Nothing ticked means no restriction; the summary says how many are chosen."""
    return html.Div(
        html.Details(
            [
                html.Summary(
                    [
                        html.Span(label, className="fw-bold"),
                        " ",
                        html.Span("(all)", id=f"{id_}-chosen"),
                    ]
                ),
                html.Fieldset(
                    [
                        html.Legend(label, className="visually-hidden"),
                        dbc.Checklist(id=id_, options=_options(values), value=[]),
                    ],
                    className="pt-2",
                ),
            ],
            className="rpm-crc-filter",
        ),
        className=f"col-12 col-md-6 {width} mb-3",
    )


def _csv_button(name: str):
    return html.Button(
        "Download CSV",
        id={"type": "crc-csv", "table": name},
        className="btn btn-outline-dark btn-sm mb-2",
        **{"aria-label": f"Download CSV: {TABLES[name]}"},
    )


def _refused():
    return html.Div(
        [
            html.H1("Not available"),
            html.P("The CRC explorer is for Case Review Committee members and administrators."),
            html.A("Back to the list of cases", href=dash.get_relative_path("/")),
        ]
    )


def layout(**_query):
    user = require_user()
    if not explores_committee(user):
        return _refused()
    store = get_crc_store()
    options = crc.filter_options(store, user)
    is_pooled = pooled.is_pooled(store)
    # The first view is drawn with the page, not by a callback chained on its arrival.
    count, content, _hidden, _refusal, built = _view(user, "themes", crc.CrcFilters())
    return html.Div(
        [
            html.H1(
                "Regional and national learning explorer"
                if is_pooled
                else "Case Review Committee explorer"
            ),
            html.P(
                "Learning across cases without identifying children: cases have keys, ages are "
                "in months, and every count from 1 to 5 is shown as c (with other cells hidden "
                "where needed so that it cannot be worked out from totals).",
                className="lead",
            ),
            *(_pooled_intro(store, user) if is_pooled else []),
            html.Section(
                [
                    html.H2("Choose cases", className="h4"),
                    html.Div(
                        [
                            _checklist_filter("Year of meeting", "crc-year", options["years"]),
                            _checklist_filter("Age at meeting", "crc-age", options["age_bands"]),
                            _checklist_filter("Agency involved", "crc-agency", options["agencies"]),
                            _checklist_filter("Theme", "crc-theme", options["themes"]),
                            _checklist_filter(
                                "Furthest workflow stage",
                                "crc-stage",
                                options["stages"],
                            ),
                            _partnership_filter(store, user, is_pooled),
                            html.Fieldset(
                                [
                                    html.Legend(
                                        "Learning scope",
                                        className="form-label fw-bold fs-6",
                                    ),
                                    dbc.RadioItems(
                                        id="crc-scope",
                                        options=[
                                            {"label": "All", "value": "all"},
                                            *(
                                                {"label": label, "value": scope}
                                                for scope, label in SCOPES.items()
                                            ),
                                        ],
                                        value="all",
                                    ),
                                ],
                                className="col-12 col-md-6 col-xl-2 mb-3",
                            ),
                        ],
                        className="row",
                    ),
                    html.P(
                        count,
                        id="crc-case-count",
                        className="fw-bold",
                        **{"aria-live": "polite"},
                    ),
                ],
                className="rpm-crc-filters",
            ),
            dcc.Download(id="crc-download"),
            html.Fieldset(
                [
                    html.Legend("Show", className="fw-bold fs-5"),
                    dbc.RadioItems(
                        id="crc-tabs",
                        options=[
                            {"label": label, "value": tab_id}
                            for tab_id, label in TABS
                            if not (is_pooled and tab_id in POOLED_WITHOUT)
                        ],
                        value="themes",
                        className="btn-group flex-wrap",
                        inputClassName="btn-check",
                        labelClassName="btn btn-outline-primary",
                        labelCheckedClassName="active",
                    ),
                ],
                className="mt-4 rpm-crc-views",
            ),
            html.Div(id="crc-refusal", className="pt-3", **{"aria-live": "polite"}),
            dcc.Store(id="crc-built", data=built),
            dcc.Store(id="crc-csv-asked"),
            dcc.Store(id="crc-aligned-csv-asked"),
            dcc.Loading(html.Div(content, id="crc-tab-content", className="pt-3"), type="dot"),
            *([publish_panel()] if is_administrator(user) and not is_pooled else []),
        ],
        className="rpm-crc",
    )


def _partnership_label(code: str, name: str) -> str:
    return code if name == code else f"{name} ({code})"


def _pooled_intro(store, user):
    """Which partnerships' bundles are pooled, and what that means for the figures."""
    return [
        html.P(
            [
                f"Pooled from {len(store.bundles)} partnerships' published bundles: ",
                "; ".join(
                    f"{_partnership_label(b.partnership, b.partnership_name)},"
                    f" published {b.published_at[:10]}"
                    for b in sorted(store.bundles, key=lambda b: b.partnership)
                ),
                ". Choosing partnerships shows their figures alone, suppressed on their own.",
            ]
        )
    ]


def _partnership_filter(store, user, is_pooled: bool):
    if is_pooled:
        choices = [(c, _partnership_label(c, n)) for c, n in pooled.partnerships(store, user)]
        # partnerships' names are long: a wider column keeps each on a line or two
        return _checklist_filter("Partnership", "crc-partnership", choices, "col-xl-4")
    return html.Div(
        [
            dbc.Checklist(id="crc-partnership", options=[], value=[]),
            html.Span(id="crc-partnership-chosen"),
        ],
        hidden=True,
    )


def _select(label: str, id_: str, values, value, placeholder: str | None = None):
    """A single choice as a native <select> with its label."""
    return html.Div(
        [
            html.Label(label, htmlFor=id_, className="form-label fw-bold"),
            dbc.Select(id=id_, options=_options(values), value=value, placeholder=placeholder),
        ],
        className="col-12 col-md-4 col-xl-3 mb-3",
    )


def _table_block(name: str, table, heading: str | None = None, shaded: bool = False):
    """A heading (optional), the CSV button and the table itself."""
    return html.Div(
        [
            *([html.H3(heading, className="h4 mt-4")] if heading else []),
            _csv_button(name),
            count_table(table, f"crc-table-{name}", TABLES[name], shaded=shaded),
        ]
    )


SHADED_NOTE = "The darker a cell, the more it counts; hidden counts (c) are grey."


def _themes_tab(user, f):
    tables = crc.learning_theme_tables(get_crc_store(), user, f)
    # Tables only, bars and shades drawn by the browser's CSS: the first view needs no
    # charting script (Plotly's 4.8 MB took about a second to start on every open).
    return [
        html.H2("What keeps coming up: learning themes"),
        theme_bars(
            tables["by_agency"],
            "crc-theme-bars",
            "Learning points by theme, and how many of them are cross-agency",
        ),
        _table_block("themes-agency", tables["by_agency"]),
        html.H3("How themes trend by quarter", className="h4 mt-4"),
        html.P(SHADED_NOTE, className="text-body-secondary"),
        _table_block("themes-quarter", tables["by_quarter"], shaded=True),
        _table_block("themes-action", tables["action"], "Learning with no action yet"),
        *(
            [
                _table_block(
                    "themes-partnership",
                    pooled.theme_partnership_table(get_crc_store(), user, f),
                    "Themes by partnership",
                )
            ]
            if pooled.is_pooled(get_crc_store())
            else []
        ),
    ]


def _barriers_tab(user, f):
    return [
        html.H2("Barriers the meetings identified"),
        html.P(
            "Reflections answering \u201cWas there anything that acted as a barrier?\u201d, by the "
            "themes of learning linked to the same event or episode and by the agency that "
            "raised them."
        ),
        _table_block("barriers", crc.barrier_table(get_crc_store(), user, f)),
        html.P(
            "Links the meetings recorded between two agencies' events saying the information "
            "was not received, or should have been shared, by the sending event's category and "
            "agency.",
            className="mt-4",
        ),
        _table_block(
            "unanswered-shares",
            crc.unanswered_share_table(get_crc_store(), user, f),
            "Where information did not travel",
        ),
    ]


def _patterns_tab(user, f):
    store = get_crc_store()
    waiting = 0 if pooled.is_pooled(store) else count_missing_patterns(store)
    return [
        html.H2("What no single agency saw: patterns across the agencies"),
        patterns_waiting_note(
            waiting, "crc-patterns-waiting", "Until then, these tables count only the others."
        ),
        html.P(
            "What the reviewer's lenses found in each case's events when its record was signed "
            f"off: {rules_words()}. The same rules for every case, whatever span a chair chose "
            "in the meeting, so every case is counted alike. A pattern with events of several "
            "agencies (or categories) counts under each, so a kind's total can exceed its "
            "patterns; a row's total is the patterns its agency (category) had a part in."
        ),
        _table_block("patterns-agency", crc.pattern_table(store, user, f, "agency"), "By agency"),
        html.P(
            "Silences have no events, so no category: they are counted by agency only.",
            className="mt-4",
        ),
        _table_block(
            "patterns-category", crc.pattern_table(store, user, f, "category"), "By category"
        ),
    ]


def _actions_tab(user, f):
    tables = crc.action_tables(get_crc_store(), user, f)
    return [
        html.H2("Are we acting on it: actions"),
        html.P(
            "Open means open or in progress and not yet past its due date; Overdue means open "
            "or in progress past its due date."
        ),
        _table_block("actions-agency", tables["by_agency"]),
        _table_block("actions-theme", tables["by_theme"]),
    ]


def _process_tab(user, f):
    return [
        html.H2("Process: time between stages"),
        html.P(
            "Days between the flowchart's stages for the cases that reached both. With 1 to 5 "
            "cases the figures are hidden, as they would describe individual cases."
        ),
        _table_block("process", crc.process_table(get_crc_store(), user, f)),
    ]


def _aligned_tab(user, f):
    choices = crc.anchor_choices(get_crc_store(), user)
    values = [v for v, _ in choices]
    anchor = crc.DEFAULT_ANCHOR if crc.DEFAULT_ANCHOR in values else next(iter(values), None)
    note, heatmap, by_category = _aligned_view(user, f, anchor, crc.DEFAULT_WINDOW)
    return [
        html.H2("Journeys aligned on an event"),
        html.P(
            "Each case is aligned on its first event of the chosen category (whatever each "
            "agency called it) or event type; month 0 is the calendar month of that event. "
            "Events dated only to a year are left out."
        ),
        html.Div(
            [
                _select("Align on the first", "crc-anchor", choices, anchor),
                _select(
                    "Months either side",
                    "crc-window",
                    [(str(w), str(w)) for w in WINDOWS],
                    str(crc.DEFAULT_WINDOW),
                ),
            ],
            className="row",
        ),
        html.P(note, id="crc-aligned-count", className="fw-bold", **{"aria-live": "polite"}),
        html.H3("Contact density by agency", className="h4"),
        html.P(
            f"Events of each agency in each month from the anchor's. {SHADED_NOTE}",
            className="text-body-secondary",
        ),
        html.Div(heatmap, id="crc-heatmap"),
        html.Button(
            "Download CSV",
            id="crc-csv-density",
            className="btn btn-outline-dark btn-sm mb-2",
            **{
                "aria-label": "Download CSV: events by agency and month relative to the anchor event"
            },
        ),
        html.H3("Events by category around the anchor", className="h4 mt-3"),
        html.P(
            "Events of each category in the months chosen either side of each aligned case's"
            " anchor, before its month and from it on, whatever each agency called them. A"
            " count of 1 to 5, or one from 1 to 5 cases, is shown as c.",
            className="text-body-secondary",
        ),
        html.Button(
            "Download CSV",
            id="crc-csv-categories",
            className="btn btn-outline-dark btn-sm mb-2",
            **{"aria-label": "Download CSV: events by category before and after the anchor event"},
        ),
        html.Div(by_category, id="crc-category-counts"),
        html.H3("Each case as a row", className="h4 mt-3"),
        html.P(
            "One thin row per aligned case, with a marker for each category of its events in"
            " each month. Drawn when asked: a marker per case, month and category makes"
            " thousands of them for a large choice of cases.",
            className="text-body-secondary",
        ),
        # The rows are drawn when asked for: their markers were most of the tab's time.
        html.Button(
            "Show each case as a row",
            id="crc-rows-show",
            n_clicks=0,
            className="btn btn-outline-primary btn-sm mb-2",
        ),
        html.Div(id="crc-case-rows-box"),
    ]


def _summary_tab(user, f):
    keys = crc.summary_case_keys(get_crc_store(), user, f)
    return [
        html.H2("A case's CRC summary (Appendix 3)"),
        html.P(
            "The summary the meeting shares with the Case Review Committee, for cases whose "
            "latest meeting record is signed off: never the child's name or the agencies' "
            "event records."
        ),
        html.Div(
            [_select("Case key", "crc-summary-key", keys, None, "Choose a case")],
            className="row",
        ),
        html.Div(id="crc-summary"),
    ]


# Case summaries are never published, so the pooled explorer has none; the committee's own
# decisions and briefings belong to its partnership.
POOLED_WITHOUT = ("summary", "decisions", "briefings")
# Tabs that work on one case key or theme at a time, whatever the filters choose.
UNFILTERED = ("decisions", "briefings")

TAB_BUILDERS = {
    "themes": _themes_tab,
    "barriers": _barriers_tab,
    "patterns": _patterns_tab,
    "actions": _actions_tab,
    "process": _process_tab,
    "aligned": _aligned_tab,
    "summary": _summary_tab,
    "decisions": decisions_tab,
    "briefings": briefings_tab,
}


def _table(user, f: crc.CrcFilters, name: str):
    """One named table, computed alone (for its CSV)."""
    store = get_crc_store()
    if name == "themes-partnership":
        return pooled.theme_partnership_table(store, user, f)
    if name.startswith("themes-"):
        key = {"themes-agency": "by_agency", "themes-quarter": "by_quarter"}.get(name, "action")
        return crc.learning_theme_tables(store, user, f)[key]
    if name.startswith("actions-"):
        key = "by_agency" if name == "actions-agency" else "by_theme"
        return crc.action_tables(store, user, f)[key]
    if name == "barriers":
        return crc.barrier_table(store, user, f)
    if name == "unanswered-shares":
        return crc.unanswered_share_table(store, user, f)
    if name.startswith("patterns-"):
        return crc.pattern_table(store, user, f, name.removeprefix("patterns-"))
    return crc.process_table(store, user, f)


def _view(user, tab: str, f: crc.CrcFilters, built=None):
    """(case count, tab content, content hidden, refusal, tab built) for a tab and filters."""
    if tab in POOLED_WITHOUT and pooled.is_pooled(get_crc_store()):
        tab = "themes"
    builder = TAB_BUILDERS.get(tab, _themes_tab)
    refusal = crc.check_differencing(get_crc_store(), user, f)
    if refusal and tab in UNFILTERED:
        return "Cases selected: not shown", builder(user, f), False, None, tab
    if refusal:
        alert = dbc.Alert(refusal, color="warning", id="crc-refused")
        return "Cases selected: not shown", [], True, alert, None
    count = f"Cases selected: {suppress_count(crc.selected_case_count(get_crc_store(), user, f))}"
    if builder is _aligned_tab and ctx.triggered_id in FILTER_IDS and built == "aligned":
        return count, no_update, False, None, no_update
    return count, builder(user, f), False, None, tab


@callback(
    Output("crc-case-count", "children"),
    Output("crc-tab-content", "children"),
    Output("crc-tab-content", "hidden"),
    Output("crc-refusal", "children"),
    Output("crc-built", "data"),
    Input("crc-tabs", "value"),
    *[Input(i, "value") for i in FILTER_IDS],
    State("crc-built", "data"),
    prevent_initial_call=True,
)
def render_tab(tab, years, ages, agencies, themes, stages, scope, partnerships, built):
    """Only the open tab is computed and sent (the page's layout holds the first). The aligned
    tab keeps its own controls: a filter change there updates its figures (update_aligned)
    without rebuilding the tab. A choice of filters that could be differenced against a broader
    one shows and sends nothing."""
    user = require_user()
    f = _filters(years, ages, agencies, themes, stages, scope, partnerships)
    return _view(user, tab, f, built)


# Each filter's summary says how many values are ticked (in the browser: no request).
clientside_callback(
    """function(...values) {
        return values.map(v => (v && v.length) ? '(' + v.length + ' chosen)' : '(all)');
    }""",
    *[Output(f"{i}-chosen", "children") for i in CHECKLIST_IDS],
    *[Input(i, "value") for i in CHECKLIST_IDS],
    prevent_initial_call=True,
)


@callback(
    Output("crc-aligned-count", "children"),
    Output("crc-heatmap", "children"),
    Output("crc-category-counts", "children"),
    Output("crc-case-rows-box", "children"),
    Output("crc-rows-show", "hidden"),
    Input("crc-anchor", "value"),
    Input("crc-window", "value"),
    *[Input(i, "value") for i in FILTER_IDS],
    Input("crc-rows-show", "n_clicks"),
    prevent_initial_call=True,
)
def update_aligned(
    anchor, window, years, ages, agencies, themes, stages, scope, partnerships, rows_asked
):  # fmt: skip
    """The aligned view's figures for another anchor, window or filters (the tab, when built,
    holds its first figures), with the case rows once asked for; the button that asks for
    them draws only those."""
    user = require_user()
    f = _filters(years, ages, agencies, themes, stages, scope, partnerships)
    window = _window(window)
    rows = _case_rows(user, f, anchor, window) if rows_asked else no_update
    if ctx.triggered_id == "crc-rows-show":
        return no_update, no_update, no_update, rows, True
    return (*_aligned_view(user, f, anchor, window), rows, bool(rows_asked))


def _withheld_rows(message: str):
    return html.P(message, id="crc-case-rows-withheld", className="fw-bold")


def _aligned_view(user, f: crc.CrcFilters, anchor: str | None, window: int):
    """(count note, density heat map, category table) of the aligned view."""
    store = get_crc_store()
    refusal = crc.check_differencing(store, user, f)
    if refusal:
        return refusal, html.P("Not shown for this choice of cases."), None
    anchor = anchor or ""
    aligned = suppress_count(crc.aligned_case_count(store, user, f, anchor))
    density, _rows = crc.aligned_events(store, user, f, anchor, window, only="density")
    named = anchor.removeprefix(crc.CATEGORY_ANCHOR) if anchor else "(nothing chosen)"
    by_category = count_table(
        crc.category_table(store, user, f, anchor, window),
        "crc-table-categories-aligned",
        f"Events by category within {window} months of the first {named} event",
    )
    # A month a row and an agency a column: 49 months across did not fit a screen's width,
    # nor would a nation's five-digit counts.
    by_month = crc.density_table(density, window).T.rename_axis("month")
    heatmap = count_table(
        by_month,
        "crc-table-density",
        f"Events by month from the first {named} event (0: its month) and agency",
        shaded=True,
        line_before=0,
    )
    return f"Cases with a {named} event: {aligned}", heatmap, by_category


def _case_rows(user, f: crc.CrcFilters, anchor: str | None, window: int):
    """The case rows picture (with what it shows), or why it is not drawn."""
    store = get_crc_store()
    if crc.check_differencing(store, user, f):
        return _withheld_rows("Not shown for this choice of cases.")
    anchor = anchor or ""
    n_aligned = crc.aligned_case_count(store, user, f, anchor)
    if n_aligned < crc.MIN_CASES_FOR_ROWS:
        # A row per case for a handful of cases would describe individual children.
        return _withheld_rows(
            "Rows for individual cases are shown only when 6 or more cases are aligned."
        )
    _density, rows = crc.aligned_events(store, user, f, anchor, window, only="rows")
    rows = rows_to_draw(rows, crc.MIN_CASES_FOR_ROWS)
    shown = int(rows["case_row"].max()) + 1 if not rows.empty else 0
    return [
        *(
            [html.P(f"The first {shown} cases by anchor date.", id="crc-case-rows-note")]
            if 0 < shown < n_aligned
            else []
        ),
        case_rows_picture(rows, (-window, window), crc.category_list(store)),
    ]


@callback(
    Output("crc-summary", "children"),
    Input("crc-summary-key", "value"),
    prevent_initial_call=True,
)
def show_summary(case_key):
    user = require_user()
    if not case_key:
        return []
    try:
        summary = crc.crc_summary(get_crc_store(), user, case_key)
        return summary_card(summary, dash.get_relative_path(f"/crc/summaries/{summary.case_key}"))
    except NotFound:
        return html.P("There is no case with that key.")


def _csv(table, name: str) -> dict:
    header, rows = crc.table_csv_rows(table)
    return {
        "content": csv_text(header, rows),
        "filename": f"crc-{name}.csv",
        "type": "text/csv",
    }


# Which table's CSV was asked for, noted in the browser: the buttons come and go with the tabs,
# and each time they do Dash calls their callback, which asks the server for nothing this way.
clientside_callback(
    """function(clicks) {
        const asked = window.dash_clientside.callback_context.triggered_id;
        if (!asked || !(clicks || []).some(Boolean)) return window.dash_clientside.no_update;
        return {table: asked.table, at: Date.now()};
    }""",
    Output("crc-csv-asked", "data"),
    Input({"type": "crc-csv", "table": ALL}, "n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output("crc-download", "data", allow_duplicate=True),
    Input("crc-csv-asked", "data"),
    *FILTER_STATES,
    prevent_initial_call=True,
)
def download_csv(asked, years, ages, agencies, themes, stages, scope, partnerships):
    user = require_user()
    name = asked.get("table") if isinstance(asked, dict) else None
    if name not in TABLES:
        return no_update
    f = _filters(years, ages, agencies, themes, stages, scope, partnerships)
    if crc.check_differencing(get_crc_store(), user, f):
        return no_update
    return _csv(_table(user, f, name), name)


# The same for the aligned tab's two CSV buttons (built with that tab): noted in the browser,
# so that the tab's arrival sends no request.
clientside_callback(
    """function(density, categories) {
        const asked = window.dash_clientside.callback_context.triggered_id;
        const clicks = asked === 'crc-csv-categories' ? categories : density;
        if (!asked || !clicks) return window.dash_clientside.no_update;
        return {table: asked, at: Date.now()};
    }""",
    Output("crc-aligned-csv-asked", "data"),
    Input("crc-csv-density", "n_clicks"),
    Input("crc-csv-categories", "n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output("crc-download", "data", allow_duplicate=True),
    Input("crc-aligned-csv-asked", "data"),
    State("crc-anchor", "value"),
    State("crc-window", "value"),
    *FILTER_STATES,
    prevent_initial_call=True,
)
def download_aligned(
    asked, anchor, window, years, ages, agencies, themes, stages, scope, partnerships
):  # fmt: skip
    """The aligned view's tables as CSV: the density by agency, or the events by category."""
    user = require_user()
    table = asked.get("table") if isinstance(asked, dict) else None
    if table not in ("crc-csv-density", "crc-csv-categories"):
        return no_update
    by_category = table == "crc-csv-categories"
    f = _filters(years, ages, agencies, themes, stages, scope, partnerships)
    store = get_crc_store()
    if crc.check_differencing(store, user, f):
        return no_update
    window = _window(window)
    if by_category:
        return _csv(crc.category_table(store, user, f, anchor or "", window), "categories")
    density, _rows = crc.aligned_events(store, user, f, anchor or "", window, only="density")
    return _csv(crc.density_table(density, window), "density")
