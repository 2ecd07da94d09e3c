"""The frame around every page: service header, navigation, signed-in user, sign out."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from app.auth import csrf_token
from app.context import current_user
from app.first_page import page_container
from data.permissions import explores_committee, is_administrator

ROLE_NAMES = {
    "admin": "Administrator",
    "chair": "Chair",
    "agency": "Agency",
    "crc": "Case Review Committee",
}


def user_badge():
    user = current_user()
    if user is None:
        return []
    role = ROLE_NAMES.get(user.role, user.role)
    who = f"{user.username} · {role}" + (f" · {user.agency}" if user.agency else "")
    return [
        html.Span(who, className="rpm-user me-3"),
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                html.Button("Sign out", type="submit", className="btn btn-outline-light btn-sm"),
            ],
            action="/logout",
            method="POST",
            className="d-inline",
        ),
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                html.Button(
                    "Sign out everywhere",
                    type="submit",
                    id="logout-everywhere",
                    className="btn btn-outline-light btn-sm ms-2",
                    title="End your sessions in every browser and device",
                ),
            ],
            action="/logout-everywhere",
            method="POST",
            className="d-inline",
        ),
    ]


def admin_links():
    """Navigation shown to administrators only (the pages refuse everyone else anyway)."""
    user = current_user()
    if not is_administrator(user):
        return []
    return [
        html.A("Accounts", href=dash.get_relative_path("/admin/users"), className="rpm-nav-link"),
        html.A("Audit", href=dash.get_relative_path("/admin/audit"), className="rpm-nav-link"),
        html.A(
            "Categories",
            href=dash.get_relative_path("/admin/categories"),
            className="rpm-nav-link",
        ),
        # partnership name and logo, expected durations of the flowchart's stages
        html.A("Settings", href=dash.get_relative_path("/settings"), className="rpm-nav-link"),
    ]


def crc_nav_link():
    """The CRC explorer link, for Case Review Committee members and administrators only."""
    user = current_user()
    if not explores_committee(user):
        return []
    return [html.A("CRC explorer", href=dash.get_relative_path("/crc"), className="rpm-nav-link")]


def shell_layout():
    return html.Div(
        [
            html.Header(
                dbc.Container(
                    [
                        html.A(
                            "RPM Timeline",
                            href=dash.get_relative_path("/"),
                            className="rpm-service",
                        ),
                        html.Nav(
                            [
                                html.A(
                                    "Cases",
                                    href=dash.get_relative_path("/"),
                                    className="rpm-nav-link",
                                ),
                                *admin_links(),
                                *crc_nav_link(),
                            ],
                            **{"aria-label": "Main"},
                            className="ms-4",
                        ),
                        html.Div(user_badge(), className="ms-auto d-flex align-items-center"),
                    ],
                    fluid=True,
                    className="d-flex align-items-center",
                ),
                className="rpm-header",
            ),
            html.Main(page_container(), id="main", className="container-fluid rpm-main"),
        ]
    )
