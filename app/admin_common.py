"""Shared pieces of the admin pages (not a page itself: no `register_page`)."""

from __future__ import annotations

import dash
from dash import html

from app.context import audit, require_user
from data import audit as audit_log
from data.permissions import is_administrator


def refusal(path: str):
    """What a signed-in non-admin sees at an admin address (and the attempt is audited)."""
    audit(audit_log.ACCESS_REFUSED, detail=f"{path}: not an administrator")
    return html.Div(
        [
            html.H1("You cannot open this page"),
            html.P("This page is for administrators of the partnership's business unit."),
            html.A("Go to the list of cases", href=dash.get_relative_path("/")),
        ],
        id="admin-refused",
    )


def admin_or_none():
    user = require_user()
    return user if is_administrator(user) else None


def when(value) -> str:
    return "" if value is None else f"{value:%d %b %Y %H:%M}"
