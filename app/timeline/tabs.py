"""The tabs under the chart: choosing one shows its panel. The costly panels (`LAZY`) are
built the first time they are opened, or when the tabs are first scrolled into view
(assets/timeline.js sets `TABS_SEEN`), not in the page's first layout: every component in the
page makes each later change of it slower to apply in the browser. Each is asked for once
(`TABS_ASKED`, kept in the browser): a second build, asked for by a scroll while the first was
on its way, replaced the panel after it was drawn and lost what had been ticked in it."""

from __future__ import annotations

import json

from dash import ALL, Input, Output, State, callback, clientside_callback, no_update
from dash.exceptions import PreventUpdate

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.anonymised import people_tab
from app.timeline.episodes import episodes_tab
from app.timeline.event_edits import add_event_panel
from app.timeline.learning import learning_panel
from app.timeline.reflection import reflection_overview
from app.timeline.state import event_filter, selected_event, summaries_hidden
from app.timeline.table import first_table
from data.access import require_case

TABS_ASKED = "tl-tabs-asked"  # the lazy tabs asked for so far
TAB_TO_BUILD = "tl-tab-to-build"  # the lazy tab to build now
TABS_SEEN = "tl-tabs-seen"  # true once the tabs have been scrolled into view
LAZY = ("chronology", "episodes", "add-event", "coverage", "learning", "people")


# The chosen tab (or, once the tabs are seen, the one shown) is asked for at most once, decided
# in the browser, where the list of tabs asked for is up to date at once.
clientside_callback(
    """
    function(tab, _seen, asked) {
        var nu = window.dash_clientside.no_update;
        asked = asked || [];
        if (LAZY.indexOf(tab) < 0 || asked.indexOf(tab) >= 0) { return [nu, nu]; }
        return [tab, asked.concat([tab])];
    }
    """.replace("LAZY", json.dumps(LAZY)),
    Output(TAB_TO_BUILD, "data"),
    Output(TABS_ASKED, "data"),
    Input(ids.TAB, "data"),
    Input(TABS_SEEN, "data"),
    State(TABS_ASKED, "data"),
    prevent_initial_call=True,
)


@callback(
    *(Output(f"tl-panel-{key}", "children") for key in LAZY),
    Input(TAB_TO_BUILD, "data"),
    State(ids.AGENCIES, "value"),
    State(ids.TYPES, "value"),
    State(ids.SEARCH, "value"),
    State(ids.SPAN, "data"),
    State(ids.SELECTED_POINT, "data"),
    State(ids.HIDE_SUMMARIES, "value"),
    State(ids.EP_DRAGGED, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def open_tab(tab, agencies, types, text, span, point, hide, dragged, case_data):
    """Build the lazy `tab` (it then stays, with anything typed in it), showing what the chart
    shows now."""
    if tab not in LAZY:
        raise PreventUpdate
    store, user = get_store(), require_user()
    case = require_case(store, user, case_data["case_ref"])
    if tab == "chronology":
        flt = event_filter(agencies, types, text, case_data["agencies"])
        content = first_table(
            store, user, case_data, flt, span, selected_event(point), summaries_hidden(hide)
        )
    elif tab == "episodes":
        content = episodes_tab(store, user, case_data, dragged)
    elif tab == "add-event":
        content = add_event_panel(case_data["agencies"], case_data["types"], user)
    elif tab == "coverage":
        content = reflection_overview(case, point)
    elif tab == "learning":
        content = learning_panel(case)
    else:
        content = people_tab(case.case_ref, case_data["can_chair"])
    return tuple(content if key == tab else no_update for key in LAZY)


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
    Input({"type": ids.TAB, "index": ALL}, "n_clicks"),
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
    Output({"type": ids.TAB, "index": ALL}, "aria-selected"),
    Output({"type": ids.TAB, "index": ALL}, "className"),
    Input(ids.TAB, "data"),
    State({"type": ids.TAB, "index": ALL}, "id"),
    prevent_initial_call=True,
)
