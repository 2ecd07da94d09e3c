"""The "who can open this case" list on a case's set-up page (data in, layout out)."""

from __future__ import annotations

from dash import html

from components.tables import data_table

KIND_NAMES = {
    "agency": "Agency",
    "chair": "Chair",
    "facilitator": "Facilitator",
    "participant": "Member account",
    "admins": "Administrators",
}
REMOVE_BUTTON = "access-remove"


def remove_key(kind: str, name: str) -> str:
    """The remove button's index: what to remove, as the callback reads it back."""
    return f"{'agency' if kind == 'agency' else 'account'}:{name}"


def access_table(lines, *, can_edit: bool):
    """One row per agency or account that can open the case: who, why, the accounts it lets
    in, and (for those who may change it) a Remove button or what to do instead."""
    rows = []
    for line in lines:
        if not can_edit:
            action = ""
        elif line.removable:
            action = html.Button(
                "Remove access",
                id={"type": REMOVE_BUTTON, "index": remove_key(line.kind, line.name)},
                type="button",
                className="btn btn-outline-danger btn-sm",
                **{"aria-label": f"Remove access for {line.name}"},
            )
        else:
            action = html.Span(line.instead or "", className="rpm-hint")
        rows.append(
            html.Tr(
                [
                    html.Td(KIND_NAMES.get(line.kind, line.kind)),
                    html.Th(line.name, scope="row"),
                    html.Td(line.why),
                    html.Td(", ".join(line.accounts) or "no active account yet"),
                    html.Td(action),
                ]
            )
        )
    return data_table(
        ["Kind", "Who", "Why", "Accounts it lets in", "Change"],
        rows,
        caption="Who can open this case",
        id="access-table",
        className="rpm-table",
    )
