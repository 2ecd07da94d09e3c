"""Open a case for RPM (`/cases/new`): administrators and chairs. The form and its callback
live in case_setup.py."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from app.case_forms import setup_form
from app.context import require_user

# Registered before case_timeline's `/cases/<case_ref>` (pages load in module-name order), so
# this exact path is matched first.
dash.register_page(
    __name__, path="/cases/new", title="Open a case - RPM Timeline", name="Open a case"
)


def layout(**_query):
    user = require_user()
    if user.role not in ("admin", "chair"):
        return html.Div(
            [
                html.H1("Open a case for RPM"),
                dbc.Alert("Only an administrator or a chair can open a case.", color="warning"),
            ]
        )
    return html.Div(
        [
            html.H1("Open a case for RPM"),
            html.P(
                "Record what the flowchart asks for when a case is identified: the child, who asked"
                " for the meeting and why, the chair and facilitator, and who is invited.",
                className="lead",
            ),
            setup_form(None, is_new=True),
        ]
    )
