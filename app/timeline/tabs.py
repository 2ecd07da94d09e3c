"""The tabs under the chart: choosing one shows its panel; those whose content is costly (the
reflective overview, learning points) are built the first time they are opened, not in the
page's first layout."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, clientside_callback, no_update
from dash.exceptions import PreventUpdate

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.learning import learning_panel
from app.timeline.reflection import reflection_overview
from data.access import require_case

BUILDERS = {"coverage": reflection_overview, "learning": learning_panel}


@callback(
    Output("tl-tab-coverage", "children"),
    Output("tl-tab-learning", "children"),
    Input(ids.TAB, "data"),
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


# A tab button chooses its tab; the chosen tab's panel shows, the others hide.
clientside_callback(
    """
    function(_clicks) {
        var ctx = window.dash_clientside.callback_context;
        var fired = ctx.triggered.some(function(t) { return t.value; });
        return fired ? ctx.triggered_id.index : window.dash_clientside.no_update;
    }
    """,
    Output(ids.TAB, "data", allow_duplicate=True),
    Input({"type": "tl-tab", "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)

clientside_callback(
    """
    function(tab, buttons) {
        var keys = buttons.map(function(id) { return id.index; });
        return [
            keys.map(function(k) { return k === tab ? 'true' : 'false'; }),
            keys.map(function(k) {
                // the panels keep their content (and what was typed): only shown or hidden
                var panel = document.getElementById('tl-panel-' + k);
                if (panel) { panel.hidden = k !== tab; }
                return 'nav-link' + (k === tab ? ' active' : '');
            }),
        ];
    }
    """,
    Output({"type": "tl-tab", "index": ALL}, "aria-selected"),
    Output({"type": "tl-tab", "index": ALL}, "className"),
    Input(ids.TAB, "data"),
    State({"type": "tl-tab", "index": ALL}, "id"),
    prevent_initial_call=True,
)
