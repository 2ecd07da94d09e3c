"""Open a case for RPM (`/cases/new`): administrators and chairs. The form and its callback
live in case_setup.py."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from app.case_forms import setup_form
from app.context import get_store, require_user
from data.errors import StoreError
from data.permissions import is_administrator, runs_meetings
from data.rpm_requests import get_request
from data.setup import CaseSetup

# Registered before case_timeline's `/cases/<case_ref>` (pages load in module-name order), so
# this exact path is matched first.
dash.register_page(
    __name__, path="/cases/new", title="Open a case - RPM Timeline", name="Open a case"
)


def layout(request: str | None = None, **_query):
    user = require_user()
    if not runs_meetings(user):
        return html.Div(
            [
                html.H1("Open a case for RPM"),
                dbc.Alert("Only an administrator or a chair can open a case.", color="warning"),
            ]
        )
    prefill, request_id, intro = None, None, []
    if request and request.isdigit() and is_administrator(user):
        try:
            asked = get_request(get_store(), user, int(request))
        except StoreError:
            asked = None
        if asked is not None and asked.status == "pending":
            request_id = asked.request_id
            prefill = CaseSetup(
                case_ref="",
                label=asked.child_label,
                date_of_birth=asked.date_of_birth,
                requesting_agency=asked.requesting_agency,
                purpose=asked.purpose(),
            )
            intro = [
                dbc.Alert(
                    f"Opening the case requested by {asked.requesting_agency}"
                    f" ({asked.requested_by}) on {asked.created_at:%d %b %Y}: its details are"
                    " filled in below. Opening the case accepts the request.",
                    color="info",
                    id="setup-from-request",
                )
            ]
    return html.Div(
        [
            html.H1("Open a case for RPM"),
            html.P(
                "Record what the flowchart asks for when a case is identified: the child, who asked"
                " for the meeting and why, the chair and facilitator, and who is invited.",
                className="lead",
            ),
            *intro,
            setup_form(prefill, is_new=True, from_request=request_id),
        ]
    )
