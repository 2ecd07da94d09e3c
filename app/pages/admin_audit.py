"""The audit trail (admins only): search by person, action, case, account and dates; download
the matching rows as a formula-safe CSV (the download itself is audited)."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app.admin_common import admin_or_none, refusal
from app.context import audit, get_store, require_admin
from components.forms import field, uk_date_input
from components.tables import data_table
from data import audit as audit_log
from data.dates import typed_date
from data.errors import InvalidInput

dash.register_page(
    __name__, path="/admin/audit", title="Audit trail - RPM Timeline", name="Audit trail"
)

SHOWN = 500
ACTION_OPTIONS = [{"label": "Any action", "value": "any"}] + [
    {"label": label, "value": key} for key, label in audit_log.ACTIONS.items()
]


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return typed_date(text)
    except ValueError as exc:
        raise InvalidInput(f"{text!r}: {exc}") from exc


def _filters(actor, action, case_ref, subject, date_from, date_to) -> dict:
    return {
        "actor": (actor or "").strip() or None,
        "action": None if action in (None, "", "any") else action,
        "case_ref": (case_ref or "").strip() or None,
        "subject": (subject or "").strip() or None,
        "date_from": _date(date_from),
        "date_to": _date(date_to),
    }


def results(entries):
    shown = entries[:SHOWN]
    count = (
        f"Showing the newest {SHOWN:,} matching entries; download the CSV for all of them."
        if len(entries) > SHOWN
        else f"{len(entries):,} matching entries."
    )
    rows = [
        html.Tr(
            [
                html.Td(f"{e.at:%d %b %Y %H:%M:%S}"),
                html.Td(e.actor),
                html.Td(audit_log.ACTIONS.get(e.action, e.action)),
                html.Td(e.case_ref or ""),
                html.Td(e.subject or ""),
                html.Td(e.detail or ""),
                html.Td(e.ip or ""),
            ]
        )
        for e in shown
    ]
    return [
        html.P(count, id="audit-count"),
        data_table(
            (
                "When",
                "User",
                "Action",
                "Case",
                "Account",
                "Detail",
                "Address",
            ),
            rows,
            caption="Audit entries, newest first",
            id="audit-table",
            hover=True,
            responsive=True,
            size="sm",
            className="rpm-table rpm-audit-table",
        ),
    ]


def layout(**_query):
    user = admin_or_none()
    if user is None:
        return refusal("/admin/audit")
    entries = audit_log.search(get_store(), user, limit=SHOWN + 1)
    return html.Div(
        [
            html.H1("Audit trail"),
            html.P(
                "Who signed in, viewed, uploaded, changed, exported or signed off what, and "
                "when. Entries cannot be changed or deleted.",
                className="lead",
            ),
            dbc.Row(
                [
                    field("User", dbc.Input(id="audit-actor", autoComplete="off")),
                    field(
                        "Action", dbc.Select(id="audit-action", options=ACTION_OPTIONS, value="")
                    ),
                    field("Case reference", dbc.Input(id="audit-case", autoComplete="off")),
                    field("Account concerned", dbc.Input(id="audit-subject", autoComplete="off")),
                    field("From", uk_date_input("audit-from"), width=2),
                    field("To", uk_date_input("audit-to"), width=2),
                ]
            ),
            html.Div(
                [
                    dbc.Button("Search", id="audit-search", color="primary", className="me-2"),
                    dbc.Button("Download CSV", id="audit-download-button", color="secondary"),
                    dcc.Download(id="audit-download"),
                ],
                className="mb-3",
            ),
            html.Div(id="audit-error", role="alert"),
            html.Div(results(entries), id="audit-results"),
        ]
    )


FILTER_STATES = [
    State("audit-actor", "value"),
    State("audit-action", "value"),
    State("audit-case", "value"),
    State("audit-subject", "value"),
    State("audit-from", "value"),
    State("audit-to", "value"),
]


def _answer(values, answer):
    """(answer(admin, filters), None) for the filters in the form's `values`, or (no update,
    the reason they are refused)."""
    admin = require_admin()
    try:
        filters = _filters(*values)
    except InvalidInput as exc:
        return dash.no_update, dbc.Alert(str(exc), color="danger")
    return answer(admin, filters), None


@callback(
    Output("audit-results", "children"),
    Output("audit-error", "children"),
    Input("audit-search", "n_clicks"),
    *FILTER_STATES,
    prevent_initial_call=True,
)
def search_audit(_clicks, *values):
    return _answer(
        values,
        lambda admin, filters: results(
            audit_log.search(get_store(), admin, limit=SHOWN + 1, **filters)
        ),
    )


@callback(
    Output("audit-download", "data"),
    Output("audit-error", "children", allow_duplicate=True),
    Input("audit-download-button", "n_clicks"),
    *FILTER_STATES,
    prevent_initial_call=True,
)
def download_audit(_clicks, *values):
    def csv_file(admin, filters):
        text = audit_log.search_csv(get_store(), admin, **filters)
        shown = {k: str(v) for k, v in filters.items() if v}
        audit(audit_log.EXPORT, detail=f"audit CSV {shown}" if shown else "audit CSV")
        return dcc.send_string(text, f"rpm-audit-{date.today():%Y-%m-%d}.csv")

    return _answer(values, csv_file)
