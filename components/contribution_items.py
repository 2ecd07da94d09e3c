"""What every contribution's list item shares (reflections, learning points, actions): Edit and
Withdraw for whoever may change it, the withdraw asking first, the history of its changes, and
the messages after a change. Pure markup."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

CHANGE_WORDS = {"created": "added", "edited": "edited", "withdrawn": "withdrawn"}


def confirmed_withdraw(kind: str, index: int, what: str):
    """A withdraw button that asks first; the callbacks listen to `submit_n_clicks`."""
    return dcc.ConfirmDialogProvider(
        dbc.Button("Withdraw", color="link", size="sm", className="p-0 rpm-danger-link"),
        id={"type": kind, "index": index},
        message=f"Withdraw this {what}? It leaves the record; its history is kept.",
    )


def change_buttons(prefix: str, index: int, what: str, may_change: bool, gap: str = "me-3"):
    """Edit (`{prefix}-edit`) and Withdraw (`{prefix}-withdraw`) for one contribution, or
    nothing for someone who may not change it."""
    if not may_change:
        return []
    return [
        dbc.Button(
            "Edit",
            id={"type": f"{prefix}-edit", "index": index},
            color="link",
            size="sm",
            className=f"p-0 {gap}",
        ),
        confirmed_withdraw(f"{prefix}-withdraw", index, what),
    ]


def change_history(changes: list[dict], fields: tuple[str, ...]) -> html.Details:
    """Who changed a contribution, when, and what `fields` said before and after."""
    rows = []
    for change in changes:
        before, after = change["before"] or {}, change["after"] or {}
        what = [
            f"{field.replace('_key', '').replace('_', ' ')}: “{before.get(field)}” → “{after.get(field)}”"
            for field in fields
            if change["change"] == "edited" and before.get(field) != after.get(field)
        ]
        rows.append(
            html.Li(
                [
                    " ".join(
                        [
                            f"{change['changed_at']:%d %b %Y %H:%M} ·",
                            change["changed_by"],
                            CHANGE_WORDS[change["change"]],
                        ]
                    ),
                    html.Ul([html.Li(w, className="rpm-reflection-text") for w in what])
                    if what
                    else None,
                ]
            )
        )
    return html.Details(
        [html.Summary("History"), html.Ul(rows, className="rpm-history")],
        className="rpm-history-details",
    )


def failed(prefix: str, exc: Exception) -> dbc.Alert:
    return dbc.Alert(f"{prefix}: {exc}", color="danger", className="mb-0")


def done(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", className="mb-0", duration=4000)
