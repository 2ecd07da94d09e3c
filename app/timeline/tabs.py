"""The tabs under the chart whose content is costly (the reflective overview, learning points)
are built the first time they are opened, not in the page's first layout."""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update
from dash.exceptions import PreventUpdate

from app.context import get_store, require_user
from app.panels.learning import learning_panel
from app.panels.reflection import reflection_overview
from app.timeline import ids
from data.access import require_case

BUILDERS = {"coverage": reflection_overview, "learning": learning_panel}


@callback(
    Output("tl-tab-coverage", "children"),
    Output("tl-tab-learning", "children"),
    Input("tl-tabs", "active_tab"),
    State("tl-tab-coverage", "children"),
    State("tl-tab-learning", "children"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def open_tab(tab, coverage, learning, case_data):
    """Build the opened tab's content once; it then stays (with anything typed in it)."""
    built = {"coverage": coverage, "learning": learning}
    if tab not in BUILDERS or built[tab]:
        raise PreventUpdate
    case = require_case(get_store(), require_user(), case_data["case_ref"])
    content = BUILDERS[tab](case)
    return (content, no_update) if tab == "coverage" else (no_update, content)
