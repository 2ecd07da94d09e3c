"""What the forms of every kind of contribution (reflection, learning point, action) share: the
callback behind the list item's confirmed Withdraw and the one behind its Edit
(`components.contribution_items.change_buttons`), the form's words following whether it adds or
edits, and its Cancel."""

from __future__ import annotations

import json
from collections.abc import Callable

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, no_update
from dash.exceptions import PreventUpdate

from app.anonymised_view import anonymised_case, edit_refused
from app.context import get_store, require_user
from components.contribution_items import done, failed
from data.errors import StoreError


def withdraw_callback(
    prefix: str, *, saved: str, message: str, case: str, withdraw: Callable, noun: str
):
    """Register the callback withdrawing a `{prefix}-withdraw` item with `withdraw(store, user,
    case_ref, id)`; returns it, so that it can be called as a function."""

    @callback(
        Output(saved, "data", allow_duplicate=True),
        Output(message, "children", allow_duplicate=True),
        Input({"type": f"{prefix}-withdraw", "index": ALL}, "submit_n_clicks"),
        State(saved, "data"),
        State(case, "data"),
        prevent_initial_call=True,
    )
    def withdrawn(clicks, count, case_ref):
        if not ctx.triggered_id or not any(clicks or []):
            raise PreventUpdate
        store, user = get_store(), require_user()
        try:
            withdraw(store, user, case_ref, int(ctx.triggered_id["index"]))
        except StoreError as exc:
            return no_update, failed("Not withdrawn", exc)
        return (count or 0) + 1, done(
            f"{noun} withdrawn: it no longer shows, and its history is kept."
        )

    return withdrawn


def edit_callback(
    prefix: str, fields: list[str], *, editing: str, message: str, case: str, read: Callable
):
    """Register the callback behind a `{prefix}-edit` item's Edit: `read(store, user, case_ref,
    id)` gives the form's `fields` their values, then the `editing` store and the `message`
    (None: nothing to edit); refused in the anonymised view. Returns it, so that it can be called
    as a function."""
    outputs = [Output(ident, "value", allow_duplicate=True) for ident in fields]
    outputs.append(Output(editing, "data", allow_duplicate=True))

    @callback(
        *outputs,
        Output(message, "children", allow_duplicate=True),
        Input({"type": f"{prefix}-edit", "index": ALL}, "n_clicks"),
        State(case, "data"),
        prevent_initial_call=True,
    )
    def start_editing(clicks, case_ref):
        if not ctx.triggered_id or not any(clicks or []):
            raise PreventUpdate
        if anonymised_case():
            return *(no_update,) * len(outputs), edit_refused()
        store, user = get_store(), require_user()
        values = read(store, user, case_ref, int(ctx.triggered_id["index"]))
        if values is None:
            raise PreventUpdate
        return values

    return start_editing


# (id, property) -> what it says when its form opens, adding: the forms' layouts say it
# themselves (tests/callbacks/test_page_opens_settled.py holds them to it).
ADDING_WORDS: dict[tuple[str, str], str] = {}


def form_mode(editing: str, words: list[tuple[str, str, str, str]]) -> None:
    """Register the browser-side callback setting each `(id, property, when editing, when
    adding)` of `words` from the form's `editing` store: no server round trip for a label. Not
    run when the form first shows: it opens adding, as its layout says."""
    when_editing = json.dumps([w[2] for w in words])
    when_adding = json.dumps([w[3] for w in words])
    ADDING_WORDS.update({(ident, prop): adding for ident, prop, _, adding in words})
    clientside_callback(
        f"function (editing) {{ return editing ? {when_editing} : {when_adding}; }}",
        *(Output(ident, prop) for ident, prop, *_ in words),
        Input(editing, "data"),
        prevent_initial_call=True,
    )


def cancel_callback(cancel: str, *, editing: str, message: str, cleared: list[str]):
    """Register the callback behind the form's `cancel` button: it empties the `cleared` text
    fields, leaves editing (`editing` store) and clears the `message`; returns it."""

    @callback(
        *(Output(ident, "value", allow_duplicate=True) for ident in cleared),
        Output(editing, "data", allow_duplicate=True),
        Output(message, "children", allow_duplicate=True),
        Input(cancel, "n_clicks"),
        prevent_initial_call=True,
    )
    def cancelled(_clicks):
        return *([""] * len(cleared)), None, ""

    return cancelled
