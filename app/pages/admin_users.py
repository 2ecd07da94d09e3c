"""Accounts (admins only): add users, set role and agency, reset passwords, deactivate,
sign a user out everywhere. Every change is audited in the store, in the same transaction."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html

from app.admin_common import admin_or_none, refusal, when
from app.context import client_ip, get_store, require_admin
from app.shell import ROLE_NAMES
from components.forms import field
from components.tables import data_table
from data.actor import ROLES
from data.errors import InvalidInput, NotFound
from data.users import (
    MIN_PASSWORD_LENGTH,
    add_user,
    change_role,
    list_accounts,
    reset_password,
    set_active,
    sign_out_everywhere,
)

dash.register_page(__name__, path="/admin/users", title="Accounts - RPM Timeline", name="Accounts")

ROLE_OPTIONS = [{"label": ROLE_NAMES[r], "value": r} for r in ROLES]
PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters; a phrase of several words is best. "
    "Not the user name, not a well-known password."
)


def accounts_table(accounts):
    rows = [
        html.Tr(
            [
                html.Td(a.username),
                html.Td(ROLE_NAMES.get(a.role, a.role)),
                html.Td(a.agency or ""),
                html.Td("Active" if a.active else "Deactivated"),
                html.Td(when(a.last_sign_in) or "never"),
                html.Td(when(a.created_at)),
            ]
        )
        for a in accounts
    ]
    return data_table(
        ("User name", "Role", "Agency", "Status", "Last sign-in", "Added"),
        rows,
        caption="Accounts",
        id="accounts-table",
        hover=True,
        responsive=True,
        className="rpm-table",
    )


def user_options(accounts):
    return [{"label": a.username, "value": a.username} for a in accounts]


def layout(**_query):
    user = admin_or_none()
    if user is None:
        return refusal("/admin/users")
    accounts = list_accounts(get_store(), user)
    add_form = html.Section(
        [
            html.H2("Add an account"),
            field("User name", dbc.Input(id="new-username", autoComplete="off", maxLength=60)),
            field("Role", dbc.Select(id="new-role", options=ROLE_OPTIONS, value="agency")),
            field(
                "Agency",
                dbc.Input(id="new-agency", autoComplete="off", maxLength=80),
                "Needed for agency users: the agency's name as its extracts use it.",
            ),
            field(
                "Password",
                dbc.Input(id="new-password", type="password", autoComplete="new-password"),
                PASSWORD_HINT,
            ),
            dbc.Button("Add account", id="add-user-button", color="primary", size="lg"),
        ],
        className="rpm-admin-form col-lg-5",
    )
    change_form = html.Section(
        [
            html.H2("Change an account"),
            field(
                "Account",
                dbc.Select(
                    id="change-username",
                    options=user_options(accounts),
                    placeholder="Choose an account",
                ),
            ),
            field("Role", dbc.Select(id="change-role", options=ROLE_OPTIONS, value="agency")),
            field("Agency", dbc.Input(id="change-agency", autoComplete="off", maxLength=80)),
            dbc.Button(
                "Save role and agency", id="change-role-button", color="primary", className="mb-4"
            ),
            field(
                "New password",
                dbc.Input(id="change-password", type="password", autoComplete="new-password"),
                PASSWORD_HINT + " Resetting also signs the user out and lifts a lockout.",
            ),
            dbc.Button("Reset password", id="reset-password-button", color="primary"),
            html.Div(
                [
                    dbc.Button(
                        "Sign out everywhere",
                        id="user-logout-everywhere-button",
                        color="secondary",
                        className="me-2",
                    ),
                    dbc.Button(
                        "Deactivate", id="deactivate-button", color="danger", className="me-2"
                    ),
                    dbc.Button("Reactivate", id="reactivate-button", color="secondary"),
                ],
                className="mt-4",
            ),
        ],
        className="rpm-admin-form col-lg-5 offset-lg-1",
    )
    return html.Div(
        [
            html.H1("Accounts"),
            html.P(
                "Add people who take part in Reflective Practice Meetings, give them the role "
                "they need, and remove access when they no longer need it.",
                className="lead",
            ),
            html.Div(id="accounts-status", role="status", **{"aria-live": "polite"}),
            html.Div(accounts_table(accounts), id="accounts-table-wrap"),
            html.Div([add_form, change_form], className="row mt-4"),
        ]
    )


def _message(text: str, ok: bool):
    return dbc.Alert(text, color="success" if ok else "danger", className="mt-2")


@callback(
    Output("accounts-status", "children"),
    Output("accounts-table-wrap", "children"),
    Output("change-username", "options"),
    Output("new-password", "value"),
    Output("change-password", "value"),
    Input("add-user-button", "n_clicks"),
    Input("change-role-button", "n_clicks"),
    Input("reset-password-button", "n_clicks"),
    Input("deactivate-button", "n_clicks"),
    Input("reactivate-button", "n_clicks"),
    Input("user-logout-everywhere-button", "n_clicks"),
    State("new-username", "value"),
    State("new-role", "value"),
    State("new-agency", "value"),
    State("new-password", "value"),
    State("change-username", "value"),
    State("change-role", "value"),
    State("change-agency", "value"),
    State("change-password", "value"),
    prevent_initial_call=True,
)
def change_accounts(
    _add,
    _role,
    _reset,
    _deactivate,
    _reactivate,
    _everywhere,
    new_username,
    new_role,
    new_agency,
    new_password,
    username,
    role,
    agency,
    password,
):
    """Apply the button's change; Forbidden (403) for anyone but an admin, whatever they send."""
    admin = require_admin()
    store, ip = get_store(), client_ip()
    button = ctx.triggered_id
    try:
        if button == "add-user-button":
            added = add_user(
                store, new_username or "", new_role or "", new_password or "",
                agency=(new_agency or "").strip() or None, by=admin, ip=ip,
            )  # fmt: skip
            message = f"Added {added.username} ({ROLE_NAMES[added.role]})."
        else:
            if not username:
                raise InvalidInput("choose the account to change first")
            if button == "change-role-button":
                changed = change_role(
                    store, username, role or "", agency=(agency or "").strip() or None,
                    by=admin, ip=ip,
                )  # fmt: skip
                message = f"{username} is now {ROLE_NAMES[changed.role]}" + (
                    f" for {changed.agency}." if changed.agency else "."
                )
            elif button == "reset-password-button":
                reset_password(store, username, password or "", by=admin, ip=ip)
                message = f"New password set for {username}; their sessions have ended."
            elif button == "deactivate-button":
                set_active(store, username, False, by=admin, ip=ip)
                message = f"{username} is deactivated and signed out."
            elif button == "reactivate-button":
                set_active(store, username, True, by=admin, ip=ip)
                message = f"{username} is active again."
            elif button == "user-logout-everywhere-button":
                sign_out_everywhere(store, username, by=admin, ip=ip)
                message = f"{username} is signed out everywhere."
            else:
                raise InvalidInput("unknown action")
        status = _message(message, ok=True)
    except (InvalidInput, NotFound) as exc:
        status = _message(f"Not done: {exc}.", ok=False)
    accounts = list_accounts(store, admin)
    return status, accounts_table(accounts), user_options(accounts), "", ""
