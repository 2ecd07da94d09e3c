"""The meeting record (Appendix 2): the chair's fields, what the meeting recorded, sign-off,
amendments and every version with its documents."""

from __future__ import annotations

from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.case_forms import case_links
from app.context import audit, get_store, open_case_page, require_user
from app.document_files import draw_in_background
from app.mail_panel import mail_section
from app.panels.glossary import glossary_panel
from app.panels.redaction_review import RECORD_LOCATION, redaction_review_panel
from components.actions import due_words, overdue_days
from components.documents.blocks import long_date, month_year, signature_line
from components.forms import field
from components.tables import data_table
from data.access import may_edit_record
from data.audit import CHANGE, SIGN_OFF
from data.errors import InvalidInput, StoreError
from data.learning_log_model import LearningLog
from data.permissions import is_administrator
from data.record import (
    is_case_chair,
    learning_log,
    list_versions,
    missing_for_sign_off,
    save_draft,
    sign_off,
    start_amendment,
)
from data.setup import get_setup

dash.register_page(
    __name__,
    path_template="/cases/<case_ref>/record",
    title="Meeting record - RPM Timeline",
    name="Meeting record",
)

DONE_MESSAGES = {
    "saved": "The draft is saved.",
    "signed": "The record is signed off and locked. Its documents are listed below.",
    "amending": "A new draft version is open for the amendment.",
}


def _doc_href(
    case_ref: str, kind: str, version: int, draft: bool, fmt: str = "docx", anonymised=False
) -> str:
    query = (
        f"?version={version}&format={fmt}"
        + ("&draft=1" if draft else "")
        + ("&anonymised=1" if anonymised else "")
    )
    return dash.get_relative_path(f"/cases/{case_ref}/documents/{kind}{query}")


# What each version offers: the learning log for those at the meeting, its anonymised edition
# for readers outside it (services' managers, other agencies), the committee's summary.
DOCUMENTS = (
    ("learning-log", "Learning log", False),
    ("learning-log", "Anonymised learning log", True),
    ("crc-summary", "CRC summary", False),
)


def versions_table(case_ref: str, versions) -> html.Div:
    if not versions:
        return html.P("No version yet: save a draft to start the record.")
    rows = []
    for v in reversed(versions):
        draft = not v.signed
        # One line a document, wrapping between its formats: in one unbroken line the nine
        # links made the page twice as wide as a 1366 screen.
        links = [
            html.Div(
                [
                    html.A(
                        f"{label} v{v.version} ({words})",
                        href=_doc_href(case_ref, kind, v.version, draft, fmt, anonymised),
                        target="_blank" if fmt == "html" else None,
                        className="text-nowrap",
                    )
                    for fmt, words in (("docx", "Word"), ("pdf", "PDF"), ("html", "print page"))
                ],
                className="d-flex flex-wrap gap-1 column-gap-3",
            )
            for kind, label, anonymised in DOCUMENTS
        ]
        rows.append(
            html.Tr(
                [
                    html.Td(str(v.version)),
                    html.Td(
                        f"{signature_line(v.signed_name, v.signed_by, v.signed_on_behalf)},"
                        f" {v.signed_at:%d %b %Y %H:%M}"
                        if v.signed
                        else "Draft, not signed off"
                    ),
                    html.Td(v.amendment_reason or ("First record" if v.version == 1 else "")),
                    html.Td(f"{v.created_by}, {v.created_at:%d %b %Y}"),
                    html.Td(links),
                ]
            )
        )
    return data_table(
        ["Version", "Status", "Reason for the version", "Started by", "Documents"],
        rows,
        caption="Every version of the meeting record",
        id="versions-table",
        className="rpm-table",
    )


def signer_choice(store, user, case, chair_name: str | None):
    """Who signs: the signed-in chair, by name and account; an administrator who is not the
    case's chair ticks that they sign on the chair's behalf (the documents say so)."""
    chair = chair_name or "the chair (not recorded yet)"
    behalf_options = []
    if is_case_chair(store, user, case):
        text = f"You sign as the chair, {chair} (account {user.username})."
    elif is_administrator(user):
        text = f"You are signed in as {user.username}, not as this case's chair account."
        behalf_options = [
            {
                "label": f"I am signing on behalf of the chair, {chair}; the record will say it"
                f" was signed by {user.username} on the chair's behalf",
                "value": "yes",
            }
        ]
    else:
        text = "Only the case's chair, or an administrator on the chair's behalf, can sign off."
    return html.Div(
        [
            html.P(text, id="record-signer"),
            dbc.Checklist(id="record-behalf", options=behalf_options, value=[], className="mb-3"),
        ]
    )


def from_the_meeting(log: LearningLog):
    """What the record takes from the meeting as it was recorded (read-only here)."""
    points = log.learning_points
    actions = log.actions
    items = [
        html.H3("Learning points along the timeline", className="h4"),
        data_table(
            ["On the timeline", "Stage of the cycle", "Scope", "Learning point", "For the CRC"],
            [
                html.Tr(
                    [
                        html.Td(month_year(p.on_timeline) or "Whole case"),
                        html.Td(p.stage or ""),
                        html.Td(p.scope_label + (f": {p.agency}" if p.agency else "")),
                        html.Td(p.text),
                        html.Td("Yes" if p.share_with_crc else "No"),
                    ]
                )
                for p in points
            ],
            className="rpm-table",
            id="record-learning",
        )
        if points
        else html.P("No learning points recorded yet (they are added on the timeline)."),
        html.H3("Actions", className="h4"),
        html.Ul(
            [
                html.Li(
                    [
                        f"{a.description} (owner: {a.owner}, {a.status.lower()}, ",
                        html.Span(
                            due_words(a.due, a.status),
                            className="rpm-overdue" if overdue_days(a.due, a.status) else "",
                        ),
                        ")",
                    ]
                )
                for a in actions
            ],
            id="record-actions",
        )
        if actions
        else html.P("No actions recorded yet."),
    ]
    return html.Section(
        [html.H2("Filled from the meeting"), *items],
        className="mb-4",
    )


def layout(case_ref: str | None = None, done: str | None = None, mail: str | None = None, **_query):
    store, user = get_store(), require_user()
    case = open_case_page(case_ref, "meeting record page")
    if case is None:
        return html.Div([html.H1("Case not found"), html.A("Back to the cases", href="/")])
    heading = [
        html.H1(
            [
                f"Meeting record: {case.label or case.case_ref}",
                html.Span(case.case_ref, className="rpm-ref"),
            ]
        ),
        case_links(case.case_ref, "Meeting record"),
    ]
    try:
        log = learning_log(store, user, case.case_ref)
    except StoreError as exc:
        return html.Div(
            [
                *heading,
                dbc.Alert(
                    [
                        f"{str(exc)[:1].upper()}{str(exc)[1:]}. ",
                        html.A(
                            "Go to the case set-up",
                            href=dash.get_relative_path(f"/cases/{case.case_ref}/setup"),
                        ),
                    ],
                    color="info",
                    id="record-no-meeting",
                ),
            ]
        )
    versions = list_versions(store, user, case.case_ref)
    latest = versions[-1] if versions else None
    locked = bool(latest and latest.signed)
    can_edit = may_edit_record(store, user, case)
    invitees = get_setup(store, user, case.case_ref).invitees
    if latest is None:
        status = "No record yet: fill in the fields below and save a draft."
    elif locked:
        status = (
            f"Version {latest.version} is signed off and locked."
            f" {signature_line(latest.signed_name, latest.signed_by, latest.signed_on_behalf)}"
            f" on {latest.signed_at:%d %B %Y}."
        )
    else:
        status = f"Version {latest.version} is a draft." + (
            f" Amendment: {latest.amendment_reason}" if latest.amendment_reason else ""
        )
    missing = missing_for_sign_off(log)
    message = [dbc.Alert(DONE_MESSAGES[done], color="success")] if done in DONE_MESSAGES else []

    fields = html.Fieldset(
        [
            html.Legend("Written by the chair", className="rpm-legend"),
            html.P(
                f"Meeting on {long_date(log.meeting_date)}"
                + (f" at {log.start_time}" if log.start_time else "")
                + (f", {log.venue}" if log.venue else "")
                + f". Facilitator: {log.facilitator or 'not recorded'}."
            ),
            dbc.Row(
                [
                    field(
                        "Chair",
                        dbc.Input(id="record-chair", value=log.chair_name or "", maxLength=200),
                        width=4,
                    ),
                ]
            ),
            field(
                "Professionals involved: who attended",
                dbc.Checklist(
                    id="record-attended",
                    options=[
                        {
                            "label": f"{i.name}, {i.role or 'role not given'}, {i.agency}",
                            "value": i.invitee_id,
                        }
                        for i in invitees
                    ],
                    value=[i.invitee_id for i in invitees if i.attended],
                ),
                "Tick those who came. If no one is ticked, the invitees are listed.",
            ),
            field(
                "Briefly, what were the issues that led to the RPM?",
                dbc.Textarea(id="record-issues", value=log.issues or "", rows=4),
            ),
            field(
                "Timescale considered",
                dbc.Input(id="record-timescale", value=log.timescale or "", maxLength=500),
                "For example: from the birth of the child's sibling in 2015 to the referral in 2019",
            ),
            field(
                "Conclusions / outcomes",
                dbc.Textarea(id="record-conclusions", value=log.conclusions or "", rows=5),
            ),
            html.Div(id="record-save-message", role="status"),
            dbc.Button("Save draft", id="record-save", color="primary", className="mb-3"),
        ],
        className="rpm-fieldset",
        id="record-fields",
        disabled=locked or not can_edit,
    )
    sign = html.Section(
        [
            html.H2("Sign off"),
            html.P(
                "Signing locks this version. A later change needs an amendment, which starts a"
                " new version with a reason; every version stays listed."
            ),
            html.P(
                "Still missing before sign-off: " + "; ".join(missing) + ".",
                className="rpm-missing",
                id="record-missing",
            )
            if missing
            else html.P("Every required field is filled.", id="record-missing"),
            signer_choice(store, user, case, log.chair_name),
            html.Div(id="record-sign-message", role="status", **{"aria-live": "polite"}),
            dbc.Button("Sign off and lock", id="record-sign", color="primary"),
        ],
        className="rpm-panel mb-4",
        id="record-sign-off",
        hidden=locked or not can_edit,
    )
    amend = html.Section(
        [
            html.H2("Amend the signed record"),
            field(
                "Reason for the amendment",
                dbc.Textarea(id="record-amend-reason", rows=2, maxLength=2000),
            ),
            html.Div(id="record-amend-message", role="status", **{"aria-live": "polite"}),
            dbc.Button("Start an amendment", id="record-amend", color="secondary"),
        ],
        className="rpm-panel mb-4",
        hidden=not locked or not can_edit,
    )
    return html.Div(
        [
            *heading,
            *message,
            html.P(status, className="lead", id="record-status"),
            fields,
            from_the_meeting(log),
            glossary_panel(case.case_ref, can_edit),
            redaction_review_panel(case.case_ref, can_edit, locked),
            sign,
            amend,
            html.Section(
                [html.H2("Versions and documents"), versions_table(case.case_ref, versions)]
            ),
            mail_section(
                case.case_ref,
                ["record_to_attendees", "to_business_unit"],
                can_send=can_edit and any(v.signed for v in versions),
                heading="Sending the signed record",
                after=mail,
            ),
            dcc.Location(id=RECORD_LOCATION, refresh=True),
        ]
    )


@callback(
    Output("record-save-message", "children"),
    Output("record-sign-message", "children"),
    Output("record-amend-message", "children"),
    Output(RECORD_LOCATION, "href"),
    Input("record-save", "n_clicks"),
    Input("record-sign", "n_clicks"),
    Input("record-amend", "n_clicks"),
    State(RECORD_LOCATION, "pathname"),
    State("record-chair", "value"),
    State("record-attended", "value"),
    State("record-issues", "value"),
    State("record-timescale", "value"),
    State("record-conclusions", "value"),
    State("record-behalf", "value"),
    State("record-amend-reason", "value"),
    prevent_initial_call=True,
)
def record_action(save, sign, amend, pathname, chair, attended, issues, timescale, conclusions,
                  behalf, reason):  # fmt: skip
    store, user = get_store(), require_user()
    case_ref = (pathname or "").rstrip("/").split("/")[-2]
    trigger = dash.ctx.triggered_id

    def save_on_screen():
        save_draft(
            store,
            user,
            case_ref,
            issues=issues,
            timescale=timescale,
            conclusions=conclusions,
            chair_name=chair,
            attended_ids=attended or [],
        )

    try:
        if trigger == "record-save":
            save_on_screen()
            done = "saved"
            audit(CHANGE, case_ref=case_ref, detail="meeting record draft saved")
        elif trigger == "record-sign":
            # What is on screen is saved first, so that what is signed is what the chair sees;
            # but only when it can be signed, so that a refused sign-off changes nothing.
            versions = list_versions(store, user, case_ref)
            if not versions or not versions[-1].signed:
                on_screen = replace(
                    learning_log(store, user, case_ref),
                    chair_name=(chair or "").strip(),
                    issues=(issues or "").strip(),
                    timescale=(timescale or "").strip(),
                    conclusions=(conclusions or "").strip(),
                )
                missing = missing_for_sign_off(on_screen)
                if missing:
                    raise InvalidInput("cannot sign off: " + "; ".join(missing) + " missing")
                save_on_screen()
            signed = sign_off(store, user, case_ref, on_behalf=bool(behalf))
            draw_in_background(store, user, case_ref, signed.version)
            done = "signed"
            audit(SIGN_OFF, case_ref=case_ref, detail=f"meeting record version {signed.version}")
        elif trigger == "record-amend":
            amended = start_amendment(store, user, case_ref, reason or "")
            done = "amending"
            audit(
                CHANGE,
                case_ref=case_ref,
                detail=f"amendment started: record version {amended.version}",
            )
        else:
            return no_update, no_update, no_update, no_update
    except StoreError as exc:
        # The message goes beside the button that was pressed.
        alert = dbc.Alert(f"Not done: {exc}", color="danger", id="record-error")
        slots = ["record-save", "record-sign", "record-amend"]
        return (*(alert if trigger == slot else None for slot in slots), no_update)
    n = (save or 0) + (sign or 0) + (amend or 0)
    href = dash.get_relative_path(f"/cases/{case_ref}/record?done={done}&n={n}")
    return no_update, no_update, no_update, href
