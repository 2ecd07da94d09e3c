"""The case list: every case the user can see, with its size and span."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from app.context import get_store, require_user
from components.tables import data_table
from data.cases import list_cases
from data.permissions import committee_only, is_administrator, runs_meetings
from data.rpm_requests import STATUS, list_requests
from data.workflow import statuses_for_user

dash.register_page(__name__, path="/", title="Cases - RPM Timeline", name="Cases")


def _span(first, last) -> str:
    if first is None:
        return "no events yet"
    return f"{first:%b %Y} to {last:%b %Y}"


EMPTY_LIST = {
    "admin": "There are no cases yet. Open one with Open a case for RPM above.",
    "chair": (
        "You are not the chair or facilitator of any case yet. Open one with Open a case for RPM"
        " above, or ask the partnership's business unit to name you on a case."
    ),
    "agency": (
        "Your agency takes part in no case yet. When a chair invites your agency to a"
        " Reflective Practice Meeting, the case appears here."
    ),
    "crc": (
        "Case Review Committee members do not open case timelines. The CRC explorer (in the"
        " menu above) looks across all cases without identifying children."
    ),
}


def empty_list_message(role: str) -> str:
    """What this user can do when they have no case to open (words, no command lines)."""
    return EMPTY_LIST.get(role, "There are no cases you can open.")


def layout(**_query):
    store, user = get_store(), require_user()
    summaries = list_cases(store, user)
    statuses = statuses_for_user(store, user)
    if not summaries:
        body = dbc.Alert(empty_list_message(user.role), color="info", id="no-cases")
    else:
        rows = [
            html.Tr(
                [
                    html.Td(
                        html.A(s.case_ref, href=dash.get_relative_path(f"/cases/{s.case_ref}"))
                    ),
                    html.Td(s.label or ""),
                    html.Td(f"{s.date_of_birth:%d %b %Y}" if s.date_of_birth else "not recorded"),
                    html.Td(f"{s.event_count:,}", className="text-end"),
                    html.Td(f"{s.agency_count}", className="text-end"),
                    html.Td(_span(s.first_event, s.last_event)),
                    *_workflow_cells(s.case_ref, statuses.get(s.case_ref)),
                ]
            )
            for s in summaries
        ]
        body = data_table(
            [
                "Case",
                "Child",
                "Date of birth",
                html.Th("Events", scope="col", className="text-end"),
                html.Th("Agencies", scope="col", className="text-end"),
                "Period",
                "Stage reached",
                "Next, and what is overdue",
            ],
            rows,
            caption="Cases you can open",
            id="case-table",
            hover=True,
            responsive=True,
            className="rpm-table",
        )
    actions = []
    if runs_meetings(user):
        actions.append(
            html.A(
                "Open a case for RPM",
                href=dash.get_relative_path("/cases/new"),
                className="btn btn-primary btn-lg mb-3",
                id="open-case-link",
            )
        )
    if not committee_only(user):
        actions.append(requests_link(list_requests(store, user), is_administrator(user)))
    return html.Div([html.H1("Cases"), *actions, body])


def requests_link(requests, is_admin: bool):
    """The first step of the flowchart on the case list: how many requests wait (for the
    business unit), or the outcome of this agency's latest request."""
    waiting = sum(r.status == "pending" for r in requests)
    if is_admin:
        text = f"RPM requests: {waiting} waiting" if waiting else "RPM requests: none waiting"
    elif requests:
        latest = requests[0]
        text = f"Your agency's RPM requests: latest {STATUS[latest.status].lower()}"
    else:
        text = "Request an RPM"
    return html.A(
        text,
        href=dash.get_relative_path("/requests"),
        className="btn btn-outline-dark btn-lg mb-3 ms-2",
        id="requests-link",
    )


def _workflow_cells(case_ref: str, status) -> list:
    """Stage reached and what is next or overdue; overdue is said in words and bold."""
    if status is None or status.current is None:
        return [html.Td("Not opened for RPM"), html.Td("")]
    next_cell = html.Td(
        status.describe(),
        className="rpm-overdue" if status.overdue else "",
    )
    return [
        html.Td(
            [
                html.A(
                    status.current.name,
                    href=dash.get_relative_path(f"/cases/{case_ref}/setup"),
                ),
                html.Div(f"on {status.current_on:%d %b %Y}", className="rpm-hint"),
            ]
        ),
        next_cell,
    ]
