"""The case glossary panel: the people in the case, their role labels, names and aliases.

Mounted on the set-up page (entered before the meeting) and on the meeting record page (it
grows during the meeting). The chair, the facilitator and administrators add and remove
people; everyone who may open the case reads it.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from app.context import audit, get_store, require_user
from components.forms import field
from components.redaction import glossary_table
from data.audit import CHANGE
from data.errors import StoreError
from data.glossary import list_glossary, remove_entry, save_entry

# The glossary's table: redrawn whenever the glossary changes (the meeting screen listens).
GLOSSARY_SLOT = "glossary-slot"


def glossary_panel(case_ref: str, editable: bool) -> html.Section:
    entries = list_glossary(get_store(), require_user(), case_ref)
    form = html.Div(
        [
            dbc.Row(
                [
                    field(
                        "Role label",
                        dbc.Input(id="glossary-label", maxLength=60, autoComplete="off"),
                        "What the room and the committee call them: Child J, Mother, Health visitor 1",
                        width=4,
                    ),
                    field(
                        "Names and aliases",
                        dbc.Textarea(id="glossary-names", rows=2, maxLength=2500),
                        "One a line, or separated by commas: full name, first name, nicknames",
                        width=8,
                    ),
                ]
            ),
            html.Div(id="glossary-message", role="status", **{"aria-live": "polite"}),
            dbc.Button("Add to the glossary", id="glossary-add", color="primary", size="sm"),
        ],
        hidden=not editable,
        className="mt-2",
    )
    return html.Section(
        [
            html.H2("Case glossary: the people in the case"),
            html.P(
                "Names here are replaced by their role label in the anonymised views and in"
                " everything the Case Review Committee reads."
            ),
            dcc.Store(id="glossary-case", data=case_ref),
            html.Div(glossary_table(entries, editable), id=GLOSSARY_SLOT),
            form,
        ],
        id="glossary-panel",
        className="rpm-panel mb-4",
    )


@callback(
    Output(GLOSSARY_SLOT, "children"),
    Output("glossary-message", "children"),
    Output("glossary-label", "value"),
    Output("glossary-names", "value"),
    Input("glossary-add", "n_clicks"),
    Input({"type": "glossary-remove", "entry": ALL}, "n_clicks"),
    State("glossary-case", "data"),
    State("glossary-label", "value"),
    State("glossary-names", "value"),
    prevent_initial_call=True,
)
def change_glossary(_add, removes, case_ref, label, names):
    store, user = get_store(), require_user()
    trigger = ctx.triggered_id
    try:
        if trigger == "glossary-add":
            entry = save_entry(store, user, case_ref, label or "", names or "")
            done = f"{entry.role_label} added to the glossary."
            audit(CHANGE, case_ref=case_ref, detail=f"glossary: {entry.role_label} added")
        elif isinstance(trigger, dict) and any(removes or []):
            remove_entry(store, user, case_ref, int(trigger["entry"]))
            done = "Removed from the glossary."
            audit(CHANGE, case_ref=case_ref, detail=f"glossary: entry {trigger['entry']} removed")
        else:
            return no_update, no_update, no_update, no_update
    except StoreError as exc:
        return no_update, dbc.Alert(f"Not done: {exc}", color="danger"), no_update, no_update
    entries = list_glossary(store, user, case_ref)
    return glossary_table(entries, True), dbc.Alert(done, color="success"), "", ""
