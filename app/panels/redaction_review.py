"""The redaction review on the meeting record page: the chair confirms the shared wording of
each learning point flagged for the committee (`data.shared_wording`)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, ctx, html, no_update

from app.context import audit, get_store, require_user
from components.redaction import review_section
from data.audit import CHANGE
from data.errors import StoreError
from data.shared_wording import confirm_wording, review_items

# The record page's location (its pathname names the case), read by the review's callback.
RECORD_LOCATION = "record-location"


def redaction_review_panel(case_ref: str, editable: bool, locked: bool) -> html.Section:
    items = review_items(get_store(), require_user(), case_ref)
    note = (
        "This version is signed off: its shared wording is locked with it. An amendment opens"
        " the review again."
        if locked
        else None
    )
    return review_section(items, editable and not locked, note)


@callback(
    Output({"type": "review-message", "learning": MATCH}, "children"),
    Output({"type": "review-status", "learning": MATCH}, "children"),
    Input({"type": "review-confirm", "learning": MATCH}, "n_clicks"),
    State({"type": "review-text", "learning": MATCH}, "value"),
    State(RECORD_LOCATION, "pathname"),
    prevent_initial_call=True,
)
def confirm_shared_wording(n_clicks, text, pathname):
    if not n_clicks:
        return no_update, no_update
    store, user = get_store(), require_user()
    case_ref = (pathname or "").rstrip("/").split("/")[-2]
    learning_id = int(ctx.triggered_id["learning"])
    try:
        confirm_wording(store, user, case_ref, learning_id, text or "")
    except StoreError as exc:
        return dbc.Alert(f"Not confirmed: {exc}", color="danger"), no_update
    audit(
        CHANGE,
        case_ref=case_ref,
        detail=f"shared wording of learning point {learning_id} confirmed",
    )
    return (
        dbc.Alert(
            [
                "Confirmed. This wording goes to the committee when the version is signed off. ",
                html.A("Reload the page", href=dash.get_relative_path(f"/cases/{case_ref}/record")),
                " to see what is still missing before sign-off.",
            ],
            color="success",
        ),
        html.Strong(f"Review: Confirmed by {user.username}."),
    )
