"""The case set-up form and its save callback, shared by `/cases/new` and
`/cases/<case_ref>/setup` (a plain module, so that its callback is registered once)."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.context import audit, get_store, require_user
from components.forms import field, fieldset, uk_date_input, uk_time_input
from data.audit import CHANGE
from data.cases import list_agencies
from data.dates import typed_date, uk_day
from data.errors import StoreError
from data.permissions import may_chair
from data.setup import (
    CaseSetup,
    format_invitees,
    open_case,
    parse_invitees,
    people,
    reflective_models,
    update_setup,
)


def parse_date(text: str | None, what: str) -> date | None:
    """A date typed into a form, day first (or ISO); None when left empty."""
    if not text or not str(text).strip():
        return None
    try:
        return typed_date(text)
    except ValueError as exc:
        raise StoreError(f"the {what}: {exc}") from exc


def case_links(case_ref: str, current: str = ""):
    """Links between a case's pages (timeline, set-up, meeting record)."""
    items = [
        ("Timeline", f"/cases/{case_ref}"),
        ("Upload extracts", f"/cases/{case_ref}/upload"),
        ("Set-up and workflow", f"/cases/{case_ref}/setup"),
        ("Meeting record", f"/cases/{case_ref}/record"),
    ]
    return html.Nav(
        [
            html.A(
                text,
                href=dash.get_relative_path(href),
                className="rpm-case-link" + (" active" if text == current else ""),
                **({"aria-current": "page"} if text == current else {}),
            )
            for text, href in items
        ],
        className="rpm-case-links",
        **{"aria-label": "Case pages"},
    )


def setup_form(setup: CaseSetup | None, *, is_new: bool, from_request: int | None = None):
    """The set-up form. Values come from `setup` (None for a new case); `from_request` is the
    RPM request a new case is opened from (accepted with it)."""
    store = get_store()
    s = setup or CaseSetup(case_ref="")
    accounts = people(store)
    chair_options = [{"label": f"{u} ({r})", "value": u} for u, r in accounts if may_chair(r)]
    facilitator_options = [{"label": f"{u} ({r})", "value": u} for u, r in accounts]
    models = [{"label": name, "value": key} for key, name in reflective_models(store)]
    agencies = list_agencies(store)
    return html.Div(
        [
            fieldset(
                "The child",
                [
                    dbc.Row(
                        [
                            field(
                                "Case reference",
                                dbc.Input(
                                    id="setup-case-ref", value=s.case_ref, disabled=not is_new
                                ),
                                "2-40 letters, digits, - or _; no names",
                                width=4,
                            ),
                            field(
                                "Child's pseudonym or initials",
                                dbc.Input(id="setup-label", value=s.label or "", maxLength=80),
                                "Never the child's full name",
                                width=4,
                            ),
                            field(
                                "Date of birth (dd/mm/yyyy)",
                                uk_date_input("setup-dob", value=uk_day(s.date_of_birth)),
                                "For the child's age on the timeline and for the CRC",
                                width=4,
                            ),
                        ]
                    )
                ],
            ),
            fieldset(
                "The request",
                [
                    dbc.Row(
                        [
                            field(
                                "Requesting agency",
                                dbc.Input(
                                    id="setup-requesting-agency",
                                    value=s.requesting_agency or "",
                                    list="setup-agency-list",
                                    maxLength=80,
                                ),
                                "The agency that asked for the meeting",
                                width=4,
                            ),
                            field(
                                "Purpose of the meeting",
                                dbc.Textarea(id="setup-purpose", value=s.purpose or "", rows=3),
                                "Recorded in the child's records and sent with the invitations",
                                width=8,
                            ),
                        ]
                    ),
                    html.Datalist([html.Option(value=a) for a in agencies], id="setup-agency-list"),
                ],
            ),
            fieldset(
                "The meeting",
                [
                    dbc.Row(
                        [
                            field(
                                "Chair (account)",
                                dbc.Select(
                                    id="setup-chair",
                                    options=chair_options,
                                    value=s.chair_username or "",
                                ),
                                width=3,
                            ),
                            field(
                                "Chair's name on documents",
                                dbc.Input(
                                    id="setup-chair-name", value=s.chair_name or "", maxLength=200
                                ),
                                width=3,
                            ),
                            field(
                                "Facilitator (account)",
                                dbc.Select(
                                    id="setup-facilitator",
                                    options=facilitator_options,
                                    value=s.facilitator_username or "",
                                ),
                                width=3,
                            ),
                            field(
                                "Facilitator's name on documents",
                                dbc.Input(
                                    id="setup-facilitator-name",
                                    value=s.facilitator_name or "",
                                    maxLength=200,
                                ),
                                width=3,
                            ),
                        ]
                    ),
                    dbc.Row(
                        [
                            field(
                                "Reflective model",
                                dbc.Select(
                                    id="setup-model", options=models, value=s.reflective_model
                                ),
                                width=3,
                            ),
                            field(
                                "Date of the meeting (dd/mm/yyyy)",
                                uk_date_input("setup-meeting-date", value=uk_day(s.meeting_date)),
                                width=3,
                            ),
                            field(
                                "Start time (hh:mm)",
                                uk_time_input("setup-start-time", value=s.start_time or ""),
                                width=2,
                            ),
                            field(
                                "Venue",
                                dbc.Input(id="setup-venue", value=s.venue or "", maxLength=200),
                                width=4,
                            ),
                        ]
                    ),
                ],
            ),
            fieldset(
                "Invitees",
                [
                    field(
                        "Professionals invited",
                        dbc.Textarea(
                            id="setup-invitees",
                            value=format_invitees(s.invitees),
                            rows=6,
                            className="rpm-mono",
                        ),
                        "One person a line: name; role; agency; email; manager's email. Role,"
                        " email and manager's email may be left empty; the manager is copied on"
                        " the invitation and the signed-off record. Each agency named here can"
                        " then see the case.",
                    )
                ],
            ),
            html.Div(id="setup-message", role="status", **{"aria-live": "polite"}),
            dbc.Button(
                "Open the case for RPM" if is_new else "Save the set-up",
                id="setup-save",
                color="primary",
                size="lg",
                className="mb-4",
            ),
            dcc.Location(id="setup-location", refresh=True),
            dcc.Store(id="setup-request", data=from_request),
        ]
    )


def _collect(case_ref, label, dob, agency, purpose, chair, chair_name, facilitator,
             facilitator_name, model, meeting_date, start_time, venue, invitees) -> CaseSetup:  # fmt: skip
    return CaseSetup(
        case_ref=(case_ref or "").strip(),
        label=label,
        date_of_birth=parse_date(dob, "date of birth"),
        requesting_agency=agency,
        purpose=purpose,
        chair_username=chair or None,
        facilitator_username=facilitator or None,
        chair_name=chair_name,
        facilitator_name=facilitator_name,
        reflective_model=model or "gibbs",
        meeting_date=parse_date(meeting_date, "meeting date"),
        start_time=start_time or None,
        venue=venue,
        invitees=parse_invitees(invitees or ""),
    )


@callback(
    Output("setup-message", "children"),
    Output("setup-location", "href"),
    Input("setup-save", "n_clicks"),
    State("setup-case-ref", "value"),
    State("setup-case-ref", "disabled"),
    State("setup-label", "value"),
    State("setup-dob", "value"),
    State("setup-requesting-agency", "value"),
    State("setup-purpose", "value"),
    State("setup-chair", "value"),
    State("setup-chair-name", "value"),
    State("setup-facilitator", "value"),
    State("setup-facilitator-name", "value"),
    State("setup-model", "value"),
    State("setup-meeting-date", "value"),
    State("setup-start-time", "value"),
    State("setup-venue", "value"),
    State("setup-invitees", "value"),
    State("setup-request", "data"),
    prevent_initial_call=True,
)
def save_setup(n_clicks, case_ref, existing, *values):
    *values, from_request = values
    store, user = get_store(), require_user()
    try:
        setup = _collect(case_ref, *values)
        if existing:
            update_setup(store, user, setup)
            done = "saved"
        else:
            open_case(store, user, setup, from_request=from_request)
            done = "opened"
    except StoreError as exc:
        return dbc.Alert(f"Not saved: {exc}", color="danger"), no_update
    audit(
        CHANGE,
        case_ref=setup.case_ref,
        detail="case opened for RPM" if done == "opened" else "case set-up changed",
    )
    return no_update, dash.get_relative_path(
        f"/cases/{setup.case_ref}/setup?done={done}&n={n_clicks}"
    )
