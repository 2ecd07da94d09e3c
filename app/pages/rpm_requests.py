"""RPM requests (`/requests`): an agency asks for an RPM about a child; the business unit
accepts (opening the case with the request's details, on `/cases/new?request=N`) or declines
with a reason; the requester sees the outcome here."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.case_forms import parse_date
from app.context import client_ip, get_store, require_user
from components.forms import field, uk_date_input
from components.tables import data_table
from data.errors import StoreError
from data.permissions import committee_only, is_administrator
from data.rpm_requests import STATUS, URGENCY, decline_request, list_requests, submit_request

dash.register_page(
    __name__, path="/requests", title="RPM requests - RPM Timeline", name="RPM requests"
)

DONE = {
    "sent": "Your request is sent to the partnership business unit. Its outcome shows below.",
    "declined": "The request is declined; the requester sees your reason.",
}


def request_form():
    return html.Section(
        [
            html.H2("Request an RPM"),
            html.P(
                "All agencies may ask for a reflective practice meeting about a child whose"
                " journey holds learning. Never write the child's full name."
            ),
            dbc.Row(
                [
                    field(
                        "Child's pseudonym or initials",
                        dbc.Input(id="req-label", maxLength=80),
                        width=4,
                    ),
                    field("Date of birth (dd/mm/yyyy)", uk_date_input("req-dob"), width=3),
                ]
            ),
            field("Why are you asking for an RPM?", dbc.Textarea(id="req-reason", rows=3)),
            field(
                "Which agencies were involved?",
                dbc.Input(id="req-agencies", maxLength=4000),
                "For example: school, health visiting, police, children's social care",
            ),
            field("What do you hope to learn?", dbc.Textarea(id="req-learning", rows=3)),
            html.Fieldset(
                [
                    html.Legend("How urgent is it?", className="rpm-label fs-6"),
                    dbc.RadioItems(
                        id="req-urgency",
                        options=[{"label": v, "value": k} for k, v in URGENCY.items()],
                        value="routine",
                        inline=True,
                    ),
                ],
                className="mb-3",
            ),
            html.Div(id="req-message", role="status"),
            dbc.Button("Send the request", id="req-send", color="primary"),
        ],
        className="rpm-panel mb-4",
    )


def _outcome(r, is_admin: bool):
    if r.status == "accepted":
        return [
            f"Accepted by {r.decided_by} on {r.decided_at:%d %b %Y}: case ",
            html.A(r.case_ref, href=dash.get_relative_path(f"/cases/{r.case_ref}/setup")),
        ]
    if r.status == "declined":
        return f"Declined by {r.decided_by} on {r.decided_at:%d %b %Y}: {r.decline_reason}"
    if not is_admin:
        return STATUS["pending"]
    return html.Div(
        [
            html.A(
                "Accept: open the case",
                href=dash.get_relative_path(f"/cases/new?request={r.request_id}"),
                className="btn btn-primary btn-sm mb-2",
                id=f"req-accept-{r.request_id}",
            ),
            dbc.Label("Or decline, saying why", html_for=f"req-why-{r.request_id}"),
            dbc.Input(
                id={"type": "req-why", "index": r.request_id}, maxLength=4000, className="mb-1"
            ),
            dcc.ConfirmDialogProvider(
                dbc.Button("Decline", color="danger", size="sm"),
                id={"type": "req-decline", "index": r.request_id},
                message="Decline this request? The requester sees your reason.",
            ),
        ]
    )


def requests_table(requests, is_admin: bool):
    if not requests:
        return html.P("No RPM requests yet.", id="req-table")
    rows = [
        html.Tr(
            [
                html.Td(f"{r.created_at:%d %b %Y}"),
                html.Td([r.requesting_agency, html.Div(r.requested_by, className="rpm-hint")]),
                html.Td(
                    [
                        r.child_label,
                        html.Div(
                            f"born {r.date_of_birth:%d %b %Y}" if r.date_of_birth else "",
                            className="rpm-hint",
                        ),
                    ]
                ),
                html.Td(
                    [
                        html.P(r.reason, className="mb-1 rpm-reflection-text"),
                        html.P(f"Agencies: {r.agencies_involved}", className="mb-1"),
                        html.P(f"Hopes to learn: {r.hoped_learning}", className="mb-0"),
                    ]
                ),
                html.Td(URGENCY[r.urgency]),
                html.Td(_outcome(r, is_admin)),
            ]
        )
        for r in requests
    ]
    head = ("Asked on", "Agency", "Child", "The request", "Urgency", "Outcome")
    return data_table(head, rows, caption="RPM requests", id="req-table", className="rpm-table")


def layout(done: str | None = None, **_query):
    store, user = get_store(), require_user()
    if committee_only(user):
        return html.Div(
            [html.H1("RPM requests"), dbc.Alert("The committee does not request meetings.")]
        )
    is_admin = is_administrator(user)
    return html.Div(
        [
            html.H1("RPM requests"),
            dbc.Alert(DONE[done], color="success") if done in DONE else None,
            request_form(),
            html.H2("Requests waiting and decided" if is_admin else "Your agency's requests"),
            html.Div(id="req-decline-message", role="status"),
            requests_table(list_requests(store, user), is_admin),
            dcc.Location(id="req-location", refresh=True),
        ]
    )


@callback(
    Output("req-message", "children"),
    Output("req-location", "href", allow_duplicate=True),
    Input("req-send", "n_clicks"),
    State("req-label", "value"),
    State("req-dob", "value"),
    State("req-reason", "value"),
    State("req-agencies", "value"),
    State("req-learning", "value"),
    State("req-urgency", "value"),
    prevent_initial_call=True,
)
def send_request(n_clicks, label, dob, reason, agencies, learning, urgency):
    store, user = get_store(), require_user()
    try:
        submit_request(
            store,
            user,
            child_label=label,
            date_of_birth=parse_date(dob, "date of birth"),
            reason=reason,
            agencies_involved=agencies,
            hoped_learning=learning,
            urgency=urgency,
            ip=client_ip(),
        )
    except StoreError as exc:
        return dbc.Alert(f"Not sent: {exc}", color="danger"), no_update
    return no_update, dash.get_relative_path(f"/requests?done=sent&n={n_clicks}")


@callback(
    Output("req-decline-message", "children"),
    Output("req-location", "href", allow_duplicate=True),
    Input({"type": "req-decline", "index": ALL}, "submit_n_clicks"),
    State({"type": "req-why", "index": ALL}, "value"),
    State({"type": "req-why", "index": ALL}, "id"),
    prevent_initial_call=True,
)
def decline(clicks, reasons, ids):
    if not ctx.triggered_id or not any(clicks or []):
        raise PreventUpdate
    request_id = int(ctx.triggered_id["index"])
    reason = dict(zip([i["index"] for i in ids], reasons, strict=True)).get(request_id)
    try:
        decline_request(get_store(), require_user(), request_id, reason, ip=client_ip())
    except StoreError as exc:
        return dbc.Alert(f"Not declined: {exc}", color="danger"), no_update
    return no_update, dash.get_relative_path(f"/requests?done=declined&n={request_id}")
