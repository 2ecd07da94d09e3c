"""Case set-up: open a case for RPM (`/cases/new`, see case_new.py) or change what was
recorded (`/cases/<case_ref>/setup`), follow the flowchart's stages, get the invitation."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.case_forms import case_links, parse_date, setup_form
from app.context import audit, get_store, open_case_page, require_user
from components.forms import date_text, field
from data.audit import CHANGE
from data.errors import StoreError
from data.setup import get_setup
from data.workflow import (
    can_run_case,
    case_stages_done,
    case_workflow_status,
    list_stages,
    record_stage,
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
}


def workflow_panel(case_ref: str):
    store, user = get_store(), require_user()
    stages = list_stages(store)
    done = {d.stage_key: d for d in case_stages_done(store, user, case_ref)}
    status = case_workflow_status(store, user, case_ref)
    rows = []
    for stage in stages:
        d = done.get(stage.stage_key)
        is_next = status.next is not None and stage.stage_key == status.next.stage_key
        if d:
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
    table = dbc.Table(
        [
            html.Caption("The flowchart's stages for this case", className="visually-hidden"),
            html.Thead(
                html.Tr(
                    [
                        html.Th("Stage", scope="col"),
                        html.Th("State", scope="col"),
                        html.Th("Done on", scope="col"),
                        html.Th("By", scope="col"),
                        html.Th("Note", scope="col"),
                        html.Th(
                            "Expected after the previous stage", scope="col", className="text-end"
                        ),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        id="workflow-table",
        className="rpm-table",
    )
    form = []
    if status.next is not None and can_run_case(user):
        form = [
            html.H3(f"Record the next stage: {status.next.name}", className="h4 mt-3"),
            dbc.Row(
                [
                    field(
                        "Date done",
                        dbc.Input(id="stage-date", type="date", value=date.today().isoformat()),
                        width=3,
                    ),
                    field("Note", dbc.Input(id="stage-note", maxLength=2000), width=6),
                ]
            ),
            html.Div(id="stage-message", role="status"),
            dbc.Button("Record this stage", id="stage-record", color="primary"),
            dcc.Store(id="stage-key", data=status.next.stage_key),
        ]
    return html.Section(
        [html.H2("Workflow (Appendix 1 flowchart)"), table, *form], className="mb-5"
    )


def layout(case_ref: str | None = None, done: str | None = None, **_query):
    store, user = get_store(), require_user()
    case = open_case_page(case_ref, "case set-up page")
    if case is None:
        return html.Div([html.H1("Case not found"), html.A("Back to the cases", href="/")])
    setup = get_setup(store, user, case.case_ref)
    can_edit = user.role in ("admin", "chair")
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
                    className="btn btn-outline-dark",
                    id="invitation-download",
                ),
            ],
            className="mb-5",
        ),
    ]
    if can_edit:
        parts += [html.H2("Case details"), setup_form(setup, is_new=False)]
    return html.Div(parts)


@callback(
    Output("stage-message", "children"),
    Output("setup-location", "href", allow_duplicate=True),
    Input("stage-record", "n_clicks"),
    State("stage-key", "data"),
    State("stage-date", "value"),
    State("stage-note", "value"),
    State("setup-location", "pathname"),
    prevent_initial_call=True,
)
def record_next_stage(n_clicks, stage_key, done_on, note, pathname):
    store, user = get_store(), require_user()
    case_ref = (pathname or "").rstrip("/").split("/")[-2]
    try:
        record_stage(store, user, case_ref, stage_key, parse_date(done_on, "date"), note)
    except StoreError as exc:
        return dbc.Alert(f"Not recorded: {exc}", color="danger"), no_update
    audit(
        CHANGE,
        case_ref=case_ref,
        detail=f"workflow stage {stage_key} recorded as done on {done_on}",
    )
    return no_update, dash.get_relative_path(f"/cases/{case_ref}/setup?done=stage&n={n_clicks}")
