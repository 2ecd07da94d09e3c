"""Case set-up: open a case for RPM (`/cases/new`, see case_new.py) or change what was
recorded (`/cases/<case_ref>/setup`), follow the flowchart's stages, get the invitation."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from app.case_forms import case_links, parse_date, setup_form
from app.context import audit, get_store, open_case_page, require_user
from app.mail_panel import mail_section
from app.panels.glossary import glossary_panel
from components.case_access import REMOVE_BUTTON, access_table
from components.forms import date_text, field, uk_date_input
from components.tables import data_table
from data.access import remove_agency_access, remove_member, who_can_open
from data.audit import CHANGE
from data.dates import uk_day
from data.errors import StoreError
from data.permissions import runs_meetings
from data.setup import get_setup
from data.workflow import (
    CHANGE_WORDS,
    case_stages_done,
    case_workflow_status,
    correct_stage,
    list_stages,
    record_stage,
    stage_history,
    withdraw_stage,
)

dash.register_page(
    __name__,
    path_template="/cases/<case_ref>/setup",
    title="Case set-up - RPM Timeline",
    name="Case set-up",
)

DONE_MESSAGES = {
    "opened": "The case is open for RPM. The first stage, case identified, is recorded.",
    "saved": "The case set-up is saved.",
    "stage": "The stage is recorded.",
    "corrected": "The stage is corrected; the stage history keeps what it said before.",
    "withdrawn": "The stage is withdrawn; the stage history keeps it with your reason.",
    "removed": "Access removed: they can no longer open this case, from their next request.",
}


def access_panel(case_ref: str, can_edit: bool):
    store, user = get_store(), require_user()
    intro = (
        "Agencies taking part let every account of that agency in. Saving the case details"
        " without an agency (as requester or invitee) also takes its access away."
        if can_edit
        else "The chair or an administrator changes who can open this case."
    )
    return html.Section(
        [
            html.H2("Who can open this case"),
            html.P(intro),
            html.Div(id="access-message", role="status"),
            access_table(who_can_open(store, user, case_ref), can_edit=can_edit),
        ],
        className="mb-5",
    )


def workflow_panel(case_ref: str):
    store, user = get_store(), require_user()
    stages = list_stages(store)
    done = {d.stage_key: d for d in case_stages_done(store, user, case_ref)}
    status = case_workflow_status(store, user, case_ref)
    rows = []
    for stage in stages:
        d = done.get(stage.stage_key)
        is_next = status.next is not None and stage.stage_key == status.next.stage_key
        if d and d.completed_by == "outbox":
            state = "Done: in the outbox folder, not emailed"
        elif d:
            state = "Done"
        elif is_next and status.overdue:
            state = f"Overdue by {status.days_overdue} days"
        elif is_next:
            state = "Next" + (f": due {status.due_on:%d %b %Y}" if status.due_on else "")
        else:
            state = "Not yet"
        rows.append(
            html.Tr(
                [
                    html.Td(f"{stage.position}. {stage.name}"),
                    html.Td(
                        state,
                        className="rpm-overdue" if (is_next and status.overdue) else "",
                    ),
                    html.Td(date_text(d.done_on) if d else ""),
                    html.Td(d.done_by if d else ""),
                    html.Td(d.note or "" if d else ""),
                    html.Td(
                        f"{stage.expected_days} days" if stage.expected_days else "",
                        className="text-end",
                    ),
                ],
                className="rpm-next-stage" if is_next else "",
            )
        )
    table = data_table(
        [
            "Stage",
            "State",
            "Done on",
            "By",
            "Note",
            html.Th("Expected after the previous stage", scope="col", className="text-end"),
        ],
        rows,
        caption="The flowchart's stages for this case",
        id="workflow-table",
        className="rpm-table",
    )
    parts = [html.H2("Workflow (Appendix 1 flowchart)"), table]
    if runs_meetings(user):
        if status.next is not None:
            parts += next_stage_form(status.next)
        if done:
            parts += correction_form(stages, done)
    history = stage_history(store, user, case_ref)
    if history:
        parts.append(history_table(stages, history))
    parts.append(dcc.Location(id="workflow-location", refresh=True))
    return html.Section(parts, className="mb-5")


def next_stage_form(stage) -> list:
    meeting_reason = []
    if stage.stage_key == "meeting_held":
        meeting_reason = [
            field(
                "If it took place before its scheduled date: why the meeting date changes",
                dbc.Input(id="stage-meeting-reason", maxLength=2000),
                "Left empty, a date before the scheduled meeting is refused.",
            )
        ]
    else:
        meeting_reason = [dcc.Input(id="stage-meeting-reason", type="hidden", value="")]
    return [
        html.H3(f"Record the next stage: {stage.name}", className="h4 mt-3"),
        dbc.Row(
            [
                field(
                    "Date done (dd/mm/yyyy)",
                    uk_date_input("stage-date", value=uk_day(date.today())),
                    width=3,
                ),
                field("Note", dbc.Input(id="stage-note", maxLength=2000), width=6),
            ]
        ),
        dbc.Row(meeting_reason),
        html.Div(id="stage-message", role="status"),
        dbc.Button("Record this stage", id="stage-record", color="primary"),
        dcc.Store(id="stage-key", data=stage.stage_key),
    ]


def correction_form(stages, done: dict) -> list:
    """Correct the date or note of a recorded stage, or withdraw the last one, with a reason."""
    recorded = [s for s in stages if s.stage_key in done]
    last = recorded[-1]
    return [
        html.Details(
            [
                html.Summary("Correct or withdraw a stage recorded by mistake", className="h5"),
                html.P(
                    "Every correction and withdrawal is kept in the stage history with its"
                    " reason. Only the last stage reached can be withdrawn."
                ),
                dbc.Row(
                    [
                        field(
                            "Stage",
                            dbc.Select(
                                id="fix-stage",
                                options=[
                                    {"label": f"{s.position}. {s.name}", "value": s.stage_key}
                                    for s in recorded
                                ],
                                value=last.stage_key,
                            ),
                            width=5,
                        ),
                        field(
                            "Correct date (dd/mm/yyyy)",
                            uk_date_input("fix-date", value=uk_day(done[last.stage_key].done_on)),
                            width=3,
                        ),
                        field("Note", dbc.Input(id="fix-note", maxLength=2000), width=4),
                    ]
                ),
                field(
                    "Reason for the correction or withdrawal",
                    dbc.Textarea(id="fix-reason", rows=2, maxLength=2000),
                ),
                field(
                    "If 'meeting held' moves before its scheduled date: why the meeting date changes",
                    dbc.Input(id="fix-meeting-reason", maxLength=2000),
                ),
                html.Div(id="fix-message", role="status"),
                dbc.Button(
                    "Save the correction", id="fix-correct", color="secondary", className="me-2"
                ),
                dcc.ConfirmDialogProvider(
                    dbc.Button("Withdraw this stage", id="fix-withdraw-button", color="danger"),
                    id="fix-withdraw",
                    message="Withdraw this stage? It stays in the stage history with your reason.",
                ),
            ],
            className="rpm-panel mt-3",
            id="workflow-fix",
        )
    ]


def history_table(stages, history) -> html.Details:
    names = {s.stage_key: f"{s.position}. {s.name}" for s in stages}
    rows = [
        html.Tr(
            [
                html.Td(f"{c.changed_at:%d %b %Y %H:%M}"),
                html.Td(names.get(c.stage_key, c.stage_key)),
                html.Td(CHANGE_WORDS.get(c.change, c.change)),
                html.Td(
                    (f"{date_text(c.before_on)} → " if c.before_on else "")
                    + (date_text(c.done_on) if c.done_on else "withdrawn")
                ),
                html.Td(c.reason or c.note or ""),
                html.Td(c.changed_by),
            ]
        )
        for c in reversed(history)
    ]
    return html.Details(
        [
            html.Summary("Stage history", className="h5"),
            data_table(
                ("When", "Stage", "Change", "Date", "Reason or note", "By"),
                rows,
                id="workflow-history",
                className="rpm-table",
            ),
        ],
        className="mt-3",
        id="workflow-history-details",
    )


def layout(case_ref: str | None = None, done: str | None = None, mail: str | None = None, **_query):
    store, user = get_store(), require_user()
    case = open_case_page(case_ref, "case set-up page")
    if case is None:
        return html.Div([html.H1("Case not found"), html.A("Back to the cases", href="/")])
    setup = get_setup(store, user, case.case_ref)
    can_edit = runs_meetings(user)
    message = [dbc.Alert(DONE_MESSAGES[done], color="success")] if done in DONE_MESSAGES else []
    parts = [
        html.H1(
            [
                f"Case set-up: {case.label or case.case_ref}",
                html.Span(case.case_ref, className="rpm-ref"),
            ]
        ),
        case_links(case.case_ref, "Set-up and workflow"),
        *message,
        workflow_panel(case.case_ref),
        access_panel(case.case_ref, can_edit),
        html.Section(
            [
                html.H2("Invitation"),
                html.P(
                    "The invitation lists the purpose, the date and who is invited, on the"
                    " partnership's letterhead."
                ),
                html.A(
                    "Download the invitation (Word)",
                    href=dash.get_relative_path(f"/cases/{case.case_ref}/documents/invitation"),
                    className="btn btn-outline-dark me-2",
                    id="invitation-download",
                ),
                html.A(
                    "Download the invitation (PDF)",
                    href=dash.get_relative_path(
                        f"/cases/{case.case_ref}/documents/invitation?format=pdf"
                    ),
                    className="btn btn-outline-dark",
                    id="invitation-download-pdf",
                ),
            ],
            className="mb-4",
        ),
        mail_section(
            case.case_ref,
            ["invitation"],
            can_send=runs_meetings(user),
            heading="Sending the invitations",
            after=mail,
        ),
    ]
    parts.append(glossary_panel(case.case_ref, can_edit))
    if can_edit:
        parts += [html.H2("Case details"), setup_form(setup, is_new=False)]
    return html.Div(parts)


def _case_ref(pathname: str | None) -> str:
    return (pathname or "").rstrip("/").split("/")[-2]


@callback(
    Output("stage-message", "children"),
    Output("workflow-location", "href", allow_duplicate=True),
    Input("stage-record", "n_clicks"),
    State("stage-key", "data"),
    State("stage-date", "value"),
    State("stage-note", "value"),
    State("stage-meeting-reason", "value"),
    State("workflow-location", "pathname"),
    prevent_initial_call=True,
)
def record_next_stage(n_clicks, stage_key, done_on, note, meeting_reason, pathname):
    store, user = get_store(), require_user()
    case_ref = _case_ref(pathname)
    try:
        record_stage(
            store,
            user,
            case_ref,
            stage_key,
            parse_date(done_on, "date"),
            note,
            meeting_date_reason=meeting_reason,
        )
    except StoreError as exc:
        return dbc.Alert(f"Not recorded: {exc}", color="danger"), no_update
    audit(
        CHANGE,
        case_ref=case_ref,
        detail=f"workflow stage {stage_key} recorded as done on {done_on}"
        + (" (meeting date corrected)" if meeting_reason else ""),
    )
    return no_update, dash.get_relative_path(f"/cases/{case_ref}/setup?done=stage&n={n_clicks}")


@callback(
    Output("fix-message", "children"),
    Output("workflow-location", "href", allow_duplicate=True),
    Input("fix-correct", "n_clicks"),
    Input("fix-withdraw", "submit_n_clicks"),
    State("fix-stage", "value"),
    State("fix-date", "value"),
    State("fix-note", "value"),
    State("fix-reason", "value"),
    State("fix-meeting-reason", "value"),
    State("workflow-location", "pathname"),
    prevent_initial_call=True,
)
def fix_stage(correct, withdraw, stage_key, done_on, note, reason, meeting_reason, pathname):
    store, user = get_store(), require_user()
    case_ref = _case_ref(pathname)
    withdrawing = dash.ctx.triggered_id == "fix-withdraw"
    try:
        if withdrawing:
            withdraw_stage(store, user, case_ref, stage_key, reason)
        else:
            correct_stage(
                store,
                user,
                case_ref,
                stage_key,
                parse_date(done_on, "date"),
                note,
                reason,
                meeting_date_reason=meeting_reason,
            )
    except StoreError as exc:
        return dbc.Alert(f"Not done: {exc}", color="danger"), no_update
    what = "withdrawn" if withdrawing else f"corrected to {done_on}"
    audit(CHANGE, case_ref=case_ref, detail=f"workflow stage {stage_key} {what}")
    done = "withdrawn" if withdrawing else "corrected"
    n = (correct or 0) + (withdraw or 0)
    return no_update, dash.get_relative_path(f"/cases/{case_ref}/setup?done={done}&n={n}")


@callback(
    Output("access-message", "children"),
    Output("workflow-location", "href", allow_duplicate=True),
    Input({"type": REMOVE_BUTTON, "index": ALL}, "n_clicks"),
    State("workflow-location", "pathname"),
    prevent_initial_call=True,
)
def remove_access(clicks, pathname):
    if not isinstance(ctx.triggered_id, dict) or not ctx.triggered[0].get("value"):
        return no_update, no_update
    store, user = get_store(), require_user()
    case_ref = _case_ref(pathname)
    kind, _, name = ctx.triggered_id["index"].partition(":")
    try:
        if kind == "agency":
            remove_agency_access(store, user, case_ref, name)
        else:
            remove_member(store, user, case_ref, name)
    except StoreError as exc:
        return dbc.Alert(f"Not removed: {exc}", color="danger"), no_update
    return no_update, dash.get_relative_path(f"/cases/{case_ref}/setup?done=removed")
