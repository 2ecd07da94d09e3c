"""The anonymised view's switch: role labels instead of names in everything the page shows.

The choice lives in the address (`view=anonymised`), which the page's requests carry to the
server (assets/anonymised.js); the server rewrites the answers (app/anonymised_view.py).
Switching it, or adding to the glossary while it is on, redraws every panel that shows case
text. Presentation mode switches it on; it stays on until the chair switches it off.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, clientside_callback, dcc, html

from app.panels.glossary import GLOSSARY_SLOT, glossary_panel
from app.timeline import ids

SWITCH = "tl-anonymised"
VIEW_VERSION = "tl-view-version"  # counts the view's changes
GLOSSARY_VERSION = "tl-glossary-version"  # counts the glossary's changes made on this page


def anonymised_switch(on: bool) -> html.Div:
    """The toolbar's one control for the anonymised view."""
    return html.Div(
        [
            dbc.Switch(
                id=SWITCH,
                label="Anonymised",
                value=on,
                input_class_name="rpm-anonymised-input",
                label_class_name="fw-bold",
            ),
            dcc.Store(id=VIEW_VERSION, data=0),
            dcc.Store(id=GLOSSARY_VERSION, data=0),
        ],
        title="Role labels from the case glossary instead of names, everywhere on this page",
        className="rpm-tool-group rpm-anonymised-switch ms-auto",
    )


def people_tab(case_ref: str, editable: bool) -> html.Div:
    """The case glossary on the meeting screen, so it grows as people are mentioned."""
    return html.Div(
        [
            html.P(
                "Add a person or an alias as soon as the meeting mentions them: with "
                "Anonymised on, the page shows their role label at once. In the anonymised "
                "view this list, too, shows role labels only.",
                className="rpm-muted",
            ),
            glossary_panel(case_ref, editable),
        ]
    )


clientside_callback(
    """
    function(n, on) {
        // already on: switching it on again would redraw every panel for nothing
        return (n || 0) % 2 === 1 && !on ? true : window.dash_clientside.no_update;
    }
    """,
    Output(SWITCH, "value"),
    Input(ids.PRESENTATION, "n_clicks"),
    State(SWITCH, "value"),
    prevent_initial_call=True,
)

# The people tab is built when first opened: the redraws below listen to a store that is always
# there, counting its glossary's changes.
clientside_callback(
    "function(_glossary, version) { return (version || 0) + 1; }",
    Output(GLOSSARY_VERSION, "data"),
    Input(GLOSSARY_SLOT, "children"),
    State(GLOSSARY_VERSION, "data"),
    prevent_initial_call=True,
)

# The address first, then the redraws: the requests they cause carry the new choice.
clientside_callback(
    """
    function(on, _glossary, view, events, episodes, reflections) {
        var dc = window.dash_clientside, nu = dc.no_update;
        if (dc.callback_context.triggered_id === 'tl-anonymised') {
            var params = new URLSearchParams(window.location.search);
            if (on) { params.set('view', 'anonymised'); } else { params.delete('view'); }
            var search = params.toString();
            window.history.replaceState(window.history.state, '',
                window.location.pathname + (search ? '?' + search : ''));
        } else if (!on) {
            return [nu, nu, nu, nu];  // a glossary change shows only in the anonymised view
        }
        return [(view || 0) + 1, (events || 0) + 1, (episodes || 0) + 1, (reflections || 0) + 1];
    }
    """,
    Output(VIEW_VERSION, "data"),
    Output(ids.EVENTS_VERSION, "data", allow_duplicate=True),
    Output(ids.EPISODES_VERSION, "data", allow_duplicate=True),
    Output(ids.REFLECTIONS_SAVED, "data", allow_duplicate=True),
    Input(SWITCH, "value"),
    Input(GLOSSARY_VERSION, "data"),
    State(VIEW_VERSION, "data"),
    State(ids.EVENTS_VERSION, "data"),
    State(ids.EPISODES_VERSION, "data"),
    State(ids.REFLECTIONS_SAVED, "data"),
    prevent_initial_call=True,
)

# The learning tab, once built, redraws too (the reflective overview follows the reflections).
clientside_callback(
    """
    function(_view, saved) { return (saved || 0) + 1; }
    """,
    Output(ids.LEARNING_SAVED, "data", allow_duplicate=True),
    Input(VIEW_VERSION, "data"),
    State(ids.LEARNING_SAVED, "data"),
    prevent_initial_call=True,
)
