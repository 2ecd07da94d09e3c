"""The chronology table below the chart (it follows the selected event) and its CSV."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Input, Output, Patch, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.state import (
    category_names,
    date_of_birth,
    event_filter,
    selected_event,
    span_dates,
    summaries_hidden,
)
from components.category_style import marker_styles
from components.timeline_panels import TABLE_BODY, event_row, event_table
from data.events import (
    CHRONOLOGY_COLUMNS,
    EventCounts,
    case_event_counts,
    case_events,
    chronology_frame_rows,
)
from data.exports import csv_text
from data.vocabulary import counted

TABLE_PAGE = 25
MARKED = "tl-table-marked"  # the event the table's rows show as selected
SORTS = {
    "date": "Date, oldest first",
    "date_desc": "Date, newest first",
    "agency": "Agency, then date",
    "type": "Event type, then date",
    "category": "Category, then date",
}


@callback(
    Output("tl-table", "children"),
    Output("tl-page", "data"),
    Output("tl-page-label", "children"),
    Output(MARKED, "data"),
    Input(ids.AGENCIES, "value"),
    Input(ids.TYPES, "value"),
    Input(ids.SEARCH, "value"),
    Input("tl-sort", "value"),
    Input("tl-page-prev", "n_clicks"),
    Input("tl-page-next", "n_clicks"),
    Input(ids.SELECTED_POINT, "data"),
    Input(ids.HIDE_SUMMARIES, "value"),
    Input(ids.EVENTS_VERSION, "data"),
    Input(ids.SPAN, "data"),
    Input("tl-show-hidden", "value"),
    State("tl-page", "data"),
    State(MARKED, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def show_table(
    agencies,
    types,
    text,
    sort,
    _p,
    _n,
    point,
    hide,
    _ev,
    span,
    show_hidden,
    page,
    marked,
    case_data,
):
    """One page of the chronology of what the chart shows (its filters and visible span); it
    follows the selected event. The page's layout draws the first page itself. A selection on
    the page shown re-marks only the rows that change (a whole page costs the browser far
    more to redraw than the server to send)."""
    store, user = get_store(), require_user()
    flt = event_filter(agencies, types, text, case_data["agencies"])
    selected = selected_event(point)
    trigger = ctx.triggered_id
    page = page or 0
    if trigger == "tl-page-prev":
        page -= 1
    elif trigger == "tl-page-next":
        page += 1
    elif trigger not in (None, ids.EVENTS_VERSION, ids.SELECTED_POINT):
        page = 0  # a new filter, sort or span starts at the first page
    hide = summaries_hidden(hide)
    events, shown = table_events(
        store, user, case_data, flt, sort, span, "hidden" in (show_hidden or [])
    )
    if trigger == ids.SELECTED_POINT:
        if selected == marked:
            raise PreventUpdate
        if page_of(events, selected, page) == page:
            patch = remarked_rows(events, page, marked, selected, hide, case_data)
            return patch, no_update, no_update, selected
        page = page_of(events, selected, page)
    return (*table_page(events, shown, page, selected, hide, case_data), selected)


def table_events(store, user, case_data, flt, sort="date", span=None, with_hidden=False):
    """The chronology's rows in order, within the chart's visible `span`, and words saying
    which span that is."""
    events = case_events(store, user, case_data["case_ref"], flt, include_hidden=with_hidden)
    events, shown = in_span(events, span)
    return _sorted(events, sort, category_names(case_data)), shown


def page_of(events: pd.DataFrame, selected: int | None, page: int) -> int:
    """The page holding the `selected` event (`page` when it is not listed)."""
    if selected is None:
        return page
    where = np.nonzero(events["event_id"].to_numpy() == selected)[0]
    return int(where[0]) // TABLE_PAGE if len(where) else page


def first_table(store, user, case_data, flt, span, selected, hide: bool):
    """The chronology as its tab first shows it: sorted by date, at the selected event's page."""
    events, shown = table_events(store, user, case_data, flt, span=span)
    table, page, label = table_page(
        events, shown, page_of(events, selected, 0), selected, hide, case_data
    )
    return chronology_panel(table, page, label, selected)


def table_page(events, shown: str, page: int, selected, hide: bool, case_data):
    """(table, page number, label): one page of `events` (clamped to the pages there are)."""
    pages = max(1, -(-len(events) // TABLE_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = events.iloc[page * TABLE_PAGE : (page + 1) * TABLE_PAGE]
    label = f"Page {page + 1} of {pages} · {len(events):,} events {shown}"
    table = event_table(rows, selected, hide_summaries=hide, categories=case_data["categories"])
    return table, page, label


def remarked_rows(events, page: int, marked, selected, hide: bool, case_data) -> Patch:
    """The rows of the page shown whose marking changes (the one marked, the one selected)."""
    styles = {st.name: st for st in marker_styles(case_data["categories"])}
    rows = events.iloc[page * TABLE_PAGE : (page + 1) * TABLE_PAGE]
    patch = Patch()
    body = patch["props"]["children"][TABLE_BODY]["props"]["children"]
    for i, row in enumerate(rows.itertuples(index=False)):
        if int(row.event_id) in (marked, selected):
            body[i] = event_row(row, selected, hide_summaries=hide, styles=styles)
    return patch


def in_span(events: pd.DataFrame, span) -> tuple[pd.DataFrame, str]:
    """The events in the chart's visible span, and words saying which span that is."""
    dates = span_dates(span)
    if dates is None:
        return events, "(the whole timeline, as on the chart)"
    lo, hi = dates
    day = events["event_date"].dt.date
    return (
        events[(day >= lo) & (day <= hi)],
        f"shown on the chart, {lo:%d %b %Y} to {hi:%d %b %Y}",
    )


def _sorted(events: pd.DataFrame, sort: str, category_order: list[str]) -> pd.DataFrame:
    if sort == "date_desc":
        return events.iloc[::-1]
    if sort == "agency":
        return events.sort_values(["agency", "event_date"], kind="stable")
    if sort == "type":
        return events.sort_values(["event_type", "event_date"], kind="stable")
    if sort == "category":  # in the legend's order
        rank = pd.Index(category_order).get_indexer(events["category"])
        return events.assign(_rank=rank).sort_values(["_rank", "event_date"], kind="stable")
    return events


@callback(
    Output(ids.CSV_DOWNLOAD, "data"),
    Input(ids.CSV, "n_clicks"),
    State(ids.AGENCIES, "value"),
    State(ids.TYPES, "value"),
    State(ids.SEARCH, "value"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def download_csv(_n, agencies, types, text, case_data):
    """The filtered chronology as CSV, formula-safe."""
    store, user = get_store(), require_user()
    flt = event_filter(agencies, types, text, case_data["agencies"])
    rows = chronology_frame_rows(case_events(store, user, case_data["case_ref"], flt))
    return {
        "content": csv_text(CHRONOLOGY_COLUMNS, rows),
        "filename": f"chronology-{case_data['case_ref']}.csv",
        "type": "text/csv",
    }


@callback(
    Output(ids.HEADING_LEAD, "children"),
    Input(ids.EVENTS_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def show_counts(_version, case_data):
    """The heading's counts, true after events are added, hidden or shown again."""
    return case_counts(
        case_data, case_event_counts(get_store(), require_user(), case_data["case_ref"])
    )


def case_counts(case_data, counts: EventCounts) -> str:
    """ "Born ... · 313 events from 6 agencies · 2 hidden" (hidden events are not counted with
    the others)."""
    born = date_of_birth(case_data)
    words = f"Born {born:%d %B %Y} · " if born else ""
    words += f"{counted(counts.shown, 'event')} from "
    words += counted(counts.agencies, "agency", "agencies")
    return words + (f" · {counts.hidden:,} hidden" if counts.hidden else "")


def chronology_panel(table, page: int, label: str, marked):
    """The chronology's tab, built when first opened: the page of it the chart's filters and
    span and the selected event ask for (`table_page`), with the page it is at and the event its
    rows mark as selected."""
    return html.Section(
        [
            dcc.Store(id="tl-page", data=page),
            dcc.Store(id=MARKED, data=marked),
            html.Div(
                [
                    html.H2("Chronology", className="h3 me-auto"),
                    dbc.Checklist(
                        id="tl-show-hidden",
                        options=[{"label": "Show hidden events", "value": "hidden"}],
                        value=[],
                        className="me-3",
                    ),
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
            html.Div(table, id="tl-table"),
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
                    html.Span(label, id="tl-page-label", **{"aria-live": "polite"}),
                ],
                className="mt-2",
            ),
        ],
        className="rpm-panel mt-4",
    )
