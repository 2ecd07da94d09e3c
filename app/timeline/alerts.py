"""The page's short saved / not-saved messages."""

from __future__ import annotations

import dash_bootstrap_components as dbc


def saved(text: str):
    return dbc.Alert(text, color="success", className="py-2")


def not_saved(exc: Exception):
    return dbc.Alert(f"Not saved: {exc}", color="danger", className="py-2")
