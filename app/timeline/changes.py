"""The page's one change poll: every open case page asks, every few seconds, whether anyone
has changed the case, and the panels redraw only when the answer moves.

The poll is one small request (the case's change counter); assets/timeline.js stops it while
the browser tab is hidden.
"""

from __future__ import annotations

from dash import Input, Output, State, callback
from dash.exceptions import PreventUpdate

from app.context import get_store, require_user
from app.timeline import ids
from data.revisions import case_revision

POLL_MS = 2000


@callback(
    Output(ids.CASE_REVISION, "data"),
    Input(ids.POLL, "n_intervals"),
    State(ids.CASE_REVISION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def watch_changes(_tick, seen, case_data):
    """The case's change counter, when it has moved since the page last saw it."""
    revision = case_revision(get_store(), require_user(), case_data["case_ref"])
    if revision == seen:
        raise PreventUpdate
    return revision
