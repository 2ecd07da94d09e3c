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
from components.category_style import MarkerStyle, category_legend, marker_styles
from components.sent import as_sent
from components.timeline import presentation_update
from data.categories import MAX_KEY_CATEGORIES, set_key_categories
from data.errors import StoreError

KEY_CHECKLIST = "tl-key-categories"
KEY_MESSAGE = "tl-key-message"
LEGEND = "tl-cat-legend"


def presentation_legend(case_data) -> html.Div:
    """Every category's marker and name above the chart in presentation mode, where the chart's
    own legend would take half its height on a 1366 wide screen (it wraps at the plot's
    width); key categories in bold with larger markers."""
    styles = marker_styles(case_data["categories"], case_data["key_categories"])
    return html.Div(_legend(tuple(styles)), id=LEGEND, className="rpm-tl-legend")


@lru_cache(maxsize=256)
def _legend(styles: tuple[MarkerStyle, ...]) -> dict:
    """The legend drawn once per list of categories and key ones (some 70 components, on every
    case open otherwise)."""
    return as_sent(category_legend(styles, title="Categories (larger: key)"))


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
    Output(LEGEND, "children"),
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
    return updated, patch, None, presentation_legend(updated).children
