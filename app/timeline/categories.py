"""Categories on the timeline page: the filter's options, lanes by category, and the key
categories a chair pins so that they draw larger (saved with the case, so the whole meeting
sees them)."""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, Patch, State, callback, html, no_update

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.state import CATEGORY_VALUE, category_names, presenting
from components.category_style import MarkerStyle, marker_styles
from components.chart_key import KEY_ID, chart_key, key_contents
from components.sent import as_sent
from components.timeline import presentation_update
from data.categories import MAX_KEY_CATEGORIES, set_key_categories
from data.errors import StoreError

KEY_CHECKLIST = "tl-key-categories"
KEY_MESSAGE = "tl-key-message"


def page_key(case_data, traces) -> html.Div:
    """The key above the chart (components.chart_key) for a chart drawn with `traces`; key
    categories in bold with larger markers."""
    styles = marker_styles(case_data["categories"], case_data["key_categories"])
    return chart_key(_key(tuple(styles), tuple(_drawn(t) for t in traces)))


def _drawn(trace: dict) -> tuple:
    """What of a trace the key shows: its name, whether it is listed and whether hidden."""
    return trace.get("name"), trace.get("showlegend"), trace.get("visible")


@lru_cache(maxsize=256)
def _key(styles: tuple[MarkerStyle, ...], drawn: tuple[tuple, ...]) -> dict:
    """The key built once per list of categories and key ones and what the chart draws (some
    120 components, on every case open otherwise); its children, as the browser receives them."""
    traces = [{"name": n, "showlegend": listed, "visible": v} for n, listed, v in drawn]
    return as_sent(key_contents(styles, traces))


def kind_options(case_data, type_counts, category_counts: dict[str, int]) -> list[dict]:
    """The filter's options: every category of the managed list (with the case's count), then
    the agencies' own event types."""
    return [
        {
            "label": f"Category: {name} ({category_counts.get(name, 0)})",
            "value": CATEGORY_VALUE + name,
        }
        for name in category_names(case_data)
    ] + [{"label": f"{t} ({n})", "value": t} for t, n in type_counts]


def key_categories_control(case_data) -> html.Fieldset:
    """Chairs pin up to MAX_KEY_CATEGORIES categories; everyone else sees which are key."""
    chair = case_data["can_chair"]
    return html.Fieldset(
        [
            html.Legend(
                f"Key categories, drawn larger (up to {MAX_KEY_CATEGORIES})",
                className="fs-6 fw-bold",
            ),
            html.P(
                "Pinned for everyone who opens the case."
                if chair
                else "The chair pins them for the case.",
                className="small mb-1",
            ),
            dbc.Checklist(
                id=KEY_CHECKLIST,
                options=[
                    {"label": n, "value": n, "disabled": not chair}
                    for n in category_names(case_data)
                ],
                value=case_data["key_categories"],
                className="rpm-type-list",
            ),
            html.Div(id=KEY_MESSAGE, role="status"),
        ],
        className="mt-2",
    )


@callback(
    Output(ids.CASE, "data", allow_duplicate=True),
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Output(KEY_MESSAGE, "children"),
    Output(KEY_ID, "children"),
    Input(KEY_CHECKLIST, "value"),
    State(ids.CASE, "data"),
    State(ids.PRESENTATION, "n_clicks"),
    prevent_initial_call=True,
)
def pin_key_categories(picked, case_data, present):
    """Save the chair's key categories and resize their markers (nothing else is resent)."""
    picked = list(picked or [])
    if picked == case_data["key_categories"]:
        return no_update, no_update, no_update, no_update
    store, user = get_store(), require_user()
    try:
        saved = set_key_categories(store, user, case_data["case_ref"], picked)
    except StoreError as exc:
        return no_update, no_update, dbc.Alert(str(exc), color="danger"), no_update
    listed, dense = case_data["categories"], case_data["dense"]
    updated = {
        **case_data,
        "key_categories": saved,
        "presentation": {
            state: presentation_update(state == "on", listed, saved, dense)
            for state in ("on", "off")
        },
    }
    sizes = updated["presentation"]["on" if presenting(present) else "off"]["traces"]
    patch = Patch()
    for index in range(len(listed)):  # the category traces come first
        patch["data"][index]["marker"]["size"] = sizes["marker.size"][index]
    # the key as on a chart of markers: the page sets it after the redraw if the chart is
    # summarised (assets/timeline.js)
    return updated, patch, None, page_key(updated, ()).children
