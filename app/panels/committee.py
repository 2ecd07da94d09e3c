"""The CRC explorer's "Decisions and actions" and "Frontline briefings" tabs (data.committee).

The committee chooses a case by its key (cases whose latest record is signed off) or a theme,
reads the learning shared with it, records what it considered and decided (stage 6 of the
flowchart), plans organisational actions and keeps them up to date, downloads the 7-minute
briefing and records each briefing or workshop delivered (stage 7). Only case keys appear.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from app.context import client_ip, get_store, require_user
from components.committee import (
    KIND_NAMES,
    actions_table,
    decision_card,
    decision_covers,
    deliveries_table,
    withdrawn_list,
)
from components.crc import summary_card
from components.forms import field, uk_date_input
from data import committee, crc
from data.cases import list_agencies
from data.dates import uk_day
from data.errors import NotFound, StoreError
from data.vocabulary import ACTION_STATUSES

CHOOSE = "Choose a case or a theme"


def subject_of(value) -> committee.Subject | None:
    """Pure: the subject a select value names ("case:KEY" or "theme:NAME"), or None."""
    kind, _, name = str(value or "").partition(":")
    if not name:
        return None
    if kind == "case":
        return committee.Subject(case_key=name)
    if kind == "theme":
        return committee.Subject(theme=name)
    return None


def _subject_options(store, user) -> list[dict]:
    keys = crc.summary_case_keys(store, user, crc.CrcFilters())
    return [
        *({"label": f"Case {k}", "value": f"case:{k}"} for k in keys),
        *(
            {"label": f"Theme: {t} (across cases)", "value": f"theme:{t}"}
            for t in committee.committee_themes(store, user)
        ),
    ]


def _subject_select(id_: str, store, user):
    return html.Div(
        [
            html.Label("Case or theme", htmlFor=id_, className="form-label fw-bold"),
            dbc.Select(id=id_, options=_subject_options(store, user), placeholder=CHOOSE),
        ],
        className="col-12 col-md-6 col-xl-4 mb-3",
    )


def _options(pairs) -> list[dict]:
    return [{"label": label, "value": value} for value, label in pairs]


def _textarea(id_: str, rows: int = 3):
    return dbc.Textarea(id=id_, rows=rows, maxLength=4000)


def _status_select(id_: str):
    return dbc.Select(id=id_, options=_options(ACTION_STATUSES.items()), value="open")


def _agency_select(id_: str, agencies):
    return dbc.Select(id=id_, options=_options((a, a) for a in agencies), placeholder="Choose")


def _form(heading: str, rows: list, name: str, button: str, *, margin: str = "mt-4"):
    """A form section: heading, fields, its status message and its button (`{name}-save`)."""
    return html.Section(
        [
            html.H3(heading, className=f"h4 {margin}"),
            *rows,
            html.Div(id=f"{name}-message", role="status"),
            dbc.Button(button, id=f"{name}-save", color="primary"),
        ],
        className="rpm-committee-form",
    )


def _date_field(label: str, id_: str, value: str = ""):
    """A day-first date field a quarter of the row wide; its label says the format."""
    return field(f"{label} (dd/mm/yyyy)", uk_date_input(id_, value=value), width=3)


def _choice_field(label: str, id_: str, width: int):
    """A choice among recorded things, filled by the callback that lists them."""
    return field(label, dbc.Select(id=id_, options=[]), width=width)


def _agencies_checklist(id_: str, store):
    return html.Fieldset(
        [
            html.Legend("Agencies whose practitioners took part", className="rpm-label fs-6"),
            dbc.Checklist(
                id=id_,
                options=_options((a, a) for a in list_agencies(store)),
                value=[],
                inline=True,
            ),
        ],
        className="mb-3",
    )


def _fix_form(name: str, what: str, rows: list):
    """Correct or withdraw a recorded `what`: its fields, a reason, and two buttons; the
    withdrawal asks for confirmation first (`{name}-withdraw`'s `submit_n_clicks`)."""
    return html.Section(
        [
            html.H3(f"Correct or withdraw a {what}", className="h4 mt-4"),
            html.P(
                f"A {what} recorded by mistake is withdrawn, or corrected, with a reason: what it"
                " said before is kept, and the stage it recorded follows (withdrawn when nothing"
                " else covers the case).",
                className="text-body-secondary",
            ),
            *rows,
            field("Reason for the correction or withdrawal", _textarea(f"{name}-reason", 2)),
            html.Div(id=f"{name}-message", role="status"),
            html.Div(
                [
                    dbc.Button("Save the correction", id=f"{name}-save", color="primary"),
                    dcc.ConfirmDialogProvider(
                        dbc.Button(f"Withdraw the {what}", color="danger", outline=True),
                        id=f"{name}-withdraw",
                        message=f"Withdraw this {what}? It leaves the lists; its history is kept.",
                    ),
                ],
                className="d-flex flex-wrap gap-2",
            ),
        ],
        className="rpm-committee-form",
    )


def decisions_tab(user, _filters):
    store = get_store()
    committee.require_committee(user)
    agencies = list_agencies(store)
    today = uk_day(date.today())
    return [
        dcc.Store(id="committee-saved", data=0),
        html.H2("The committee's consideration: decisions and organisational actions"),
        html.P(
            "Choose a case by its key, or a theme across cases, read the learning shared with"
            " the committee, and record what the committee considered and decided, and the"
            " organisational actions it plans. Recording a decision records the flowchart's"
            " stage 6 (the committee considered the learning) for every case it covers, with"
            " its date and your account. Words that name a case reference, a person in a case"
            " or another identifier are refused."
        ),
        html.Div(_subject_select("committee-subject", store, user), className="row"),
        html.Div(id="committee-subject-view", **{"aria-live": "polite"}),
        _form(
            "Record the committee's decision",
            [
                dbc.Row(_date_field("Date the committee considered it", "committee-date", today)),
                field("What the committee considered", _textarea("committee-considered")),
                field("The committee's decision", _textarea("committee-decision")),
            ],
            "committee",
            "Record the decision",
        ),
        _form(
            "Plan an organisational action",
            [
                dbc.Row(
                    [
                        _choice_field("Under the decision", "committee-action-decision", 6),
                        field(
                            "Owner agency",
                            _agency_select("committee-action-agency", agencies),
                            width=3,
                        ),
                        _date_field("Due date", "committee-action-due"),
                    ]
                ),
                field("What will change", _textarea("committee-action-text", 2)),
                dbc.Row(
                    [
                        field("Status", _status_select("committee-action-status"), width=3),
                        field(
                            "Evidence of impact (optional)",
                            _textarea("committee-action-evidence", 2),
                            width=9,
                        ),
                    ]
                ),
            ],
            "committee-action",
            "Plan this action",
        ),
        _form(
            "Update an organisational action",
            [
                dbc.Row(
                    [
                        _choice_field("Action", "committee-update-action", 6),
                        field("Status", _status_select("committee-update-status"), width=3),
                        _date_field("Due date", "committee-update-due"),
                    ]
                ),
                field("Evidence of impact", _textarea("committee-update-evidence", 2)),
            ],
            "committee-update",
            "Save the action",
        ),
        _fix_form(
            "committee-fix",
            "decision",
            [
                dbc.Row(
                    [
                        _choice_field("Decision", "committee-fix-decision", 6),
                        _date_field("Date the committee considered it", "committee-fix-date"),
                    ]
                ),
                field("What the committee considered", _textarea("committee-fix-considered")),
                field("The committee's decision", _textarea("committee-fix-text")),
            ],
        ),
        html.H3("Every organisational action the committee planned", className="h4 mt-5"),
        html.Div(id="committee-all-actions"),
        html.Div(id="committee-withdrawn"),
    ]


def briefings_tab(user, _filters):
    store = get_store()
    committee.require_committee(user)
    today = uk_day(date.today())
    return [
        dcc.Store(id="briefing-saved", data=0),
        html.H2("Frontline briefings"),
        html.P(
            "A one-page 7-minute briefing for frontline practitioners, from the learning one"
            " case shared with the committee or a theme across cases, with no identifying"
            " detail. Record each briefing or workshop delivered: it records the flowchart's"
            " last stage (frontline practitioners informed) for every case it covers."
        ),
        html.Div(_subject_select("briefing-subject", store, user), className="row"),
        html.Div(id="briefing-links", className="mb-3"),
        _form(
            "Record a briefing or workshop delivered",
            [
                dbc.Row(
                    [
                        dbc.Col(
                            html.Fieldset(
                                [
                                    html.Legend("What was delivered", className="rpm-label fs-6"),
                                    dbc.RadioItems(
                                        id="briefing-kind",
                                        options=_options(KIND_NAMES.items()),
                                        value="briefing",
                                    ),
                                ],
                                className="mb-3",
                            ),
                            md=3,
                        ),
                        _date_field("Date delivered", "briefing-date", today),
                        field(
                            "How many attended",
                            dbc.Input(id="briefing-attended", type="number", min=1, step=1),
                            width=3,
                        ),
                    ]
                ),
                field(
                    "Who it was for",
                    dbc.Input(id="briefing-audience", maxLength=200),
                    "For example: designated safeguarding leads in primary schools",
                ),
                _agencies_checklist("briefing-agencies", store),
            ],
            "briefing",
            "Record it as delivered",
            margin="mt-3",
        ),
        html.H3("Briefings and workshops delivered", className="h4 mt-5"),
        html.Div(id="briefing-deliveries-view"),
        _fix_form(
            "briefing-fix",
            "briefing or workshop",
            [
                dbc.Row(
                    [
                        _choice_field("Briefing or workshop", "briefing-fix-delivery", 4),
                        field(
                            "What was delivered",
                            dbc.Select(
                                id="briefing-fix-kind", options=_options(KIND_NAMES.items())
                            ),
                            width=2,
                        ),
                        _date_field("Date delivered", "briefing-fix-date"),
                        field(
                            "How many attended",
                            dbc.Input(id="briefing-fix-attended", type="number", min=1, step=1),
                            width=3,
                        ),
                    ]
                ),
                field("Who it was for", dbc.Input(id="briefing-fix-audience", maxLength=200)),
                _agencies_checklist("briefing-fix-agencies", store),
            ],
        ),
    ]


def _theme_learning(store, user, theme: str):
    """The shared learning on a theme across the cases the committee can consider."""
    items = []
    for key in crc.summary_case_keys(store, user, crc.CrcFilters(themes=(theme,))):
        summary = crc.crc_summary(store, user, key)
        items += [
            html.Li([html.Strong(f"Case {key}, {scope}{' · ' + agency if agency else ''}: "), text])
            for scope, agency, text, themes in summary.learning
            if theme in themes
        ]
    return html.Div(
        [
            html.H3(f"Learning shared with the committee on {theme}", className="h4"),
            html.Ul(items) if items else html.P("No shared learning on this theme."),
        ]
    )


@callback(
    Output("committee-subject-view", "children"),
    Output("committee-action-decision", "options"),
    Output("committee-action-decision", "value"),
    Output("committee-update-action", "options"),
    Output("committee-all-actions", "children"),
    Output("committee-fix-decision", "options"),
    Output("committee-withdrawn", "children"),
    Input("committee-subject", "value"),
    Input("committee-saved", "data"),
)
def show_decisions(value, _saved):
    """The chosen case's (or theme's) shared learning and decisions; every action planned."""
    user, store = require_user(), get_store()
    every = committee.list_decisions(store, user)
    withdrawn = withdrawn_list(committee.list_decisions(store, user, withdrawn=True), "decisions")
    return (*_subject_decisions(store, user, value, every), withdrawn)


def _decision_label(d) -> str:
    return f"Decision {d.decision_id}, {d.decided_on:%d %b %Y}"


def _subject_decisions(store, user, value, every):
    all_actions = [a for d in every for a in d.actions]
    table = (
        actions_table(
            all_actions,
            caption="Every organisational action the committee planned",
            keys=decision_covers(every),
        )
        if all_actions
        else html.P("No organisational action planned yet.")
    )
    subject = subject_of(value)
    if subject is None:
        return html.P(CHOOSE + " to see its learning and decisions."), [], None, [], table, []
    try:
        learning = (
            summary_card(
                crc.crc_summary(store, user, subject.case_key),
                dash.get_relative_path(f"/crc/summaries/{subject.case_key}"),
            )
            if subject.case_key
            else _theme_learning(store, user, subject.theme)
        )
    except NotFound:
        return html.P("There is no case with that key."), [], None, [], table, []
    decisions = committee.list_decisions(store, user, subject)
    view = [
        learning,
        html.H3(f"The committee's decisions on {subject.describe()}", className="h4 mt-4"),
        *(
            [decision_card(d) for d in decisions]
            or [html.P("No decision recorded yet.", id="committee-no-decision")]
        ),
    ]
    decision_options = [
        {"label": _decision_label(d), "value": str(d.decision_id)} for d in decisions
    ]
    action_options = [
        {"label": f"{a.action_id}. {a.description[:80]}", "value": str(a.action_id)}
        for d in decisions
        for a in d.actions
    ]
    first = decision_options[0]["value"] if decision_options else None
    return view, decision_options, first, action_options, table, decision_options


def _failed(exc: Exception) -> dbc.Alert:
    return dbc.Alert(f"Not saved: {exc}", color="danger", className="py-2")


class _Refused(Exception):
    """A form sent without what it needs (no case chosen): said, nothing saved."""


def _save_outcome(clicks, saved, save, resets=()):
    """What a save button's callback returns: a message, the saved counter bumped on success
    (so the lists redraw), and the form's fields: reset after a save, left as typed otherwise.

    ``save`` does the work and returns the success message; a store refusal becomes the
    message instead, so every form says why in the same words.
    """
    unchanged = (no_update,) * len(resets)
    if not clicks:
        return no_update, no_update, *unchanged
    try:
        text = save()
    except (_Refused, StoreError, ValueError) as exc:
        return _failed(exc), no_update, *unchanged
    return dbc.Alert(text, color="success", className="py-2"), (saved or 0) + 1, *resets


def _chosen_subject(value) -> committee.Subject:
    subject = subject_of(value)
    if subject is None:
        raise _Refused("choose a case or a theme first")
    return subject


def _required(value, why: str):
    if not value:
        raise _Refused(why)
    return value


@callback(
    Output("committee-message", "children"),
    Output("committee-saved", "data", allow_duplicate=True),
    Output("committee-considered", "value"),
    Output("committee-decision", "value"),
    Input("committee-save", "n_clicks"),
    State("committee-subject", "value"),
    State("committee-date", "value"),
    State("committee-considered", "value"),
    State("committee-decision", "value"),
    State("committee-saved", "data"),
    prevent_initial_call=True,
)
def save_decision(clicks, value, on, considered, decision, saved):
    user = require_user()

    def save():
        subject = _chosen_subject(value)
        decision_id = committee.record_decision(
            get_store(), user, subject, considered, decision, on, ip=client_ip()
        )
        return (
            f"Decision {decision_id} recorded on {subject.describe()}; the committee's"
            " consideration (stage 6) is recorded for every case it covers."
        )

    return _save_outcome(clicks, saved, save, resets=("", ""))


@callback(
    Output("committee-action-message", "children"),
    Output("committee-saved", "data", allow_duplicate=True),
    Output("committee-action-text", "value"),
    Output("committee-action-agency", "value"),
    Output("committee-action-due", "value"),
    Output("committee-action-status", "value"),
    Output("committee-action-evidence", "value"),
    Input("committee-action-save", "n_clicks"),
    State("committee-action-decision", "value"),
    State("committee-action-text", "value"),
    State("committee-action-agency", "value"),
    State("committee-action-due", "value"),
    State("committee-action-status", "value"),
    State("committee-action-evidence", "value"),
    State("committee-saved", "data"),
    prevent_initial_call=True,
)
def save_action(clicks, decision_id, text, agency, due, status, evidence, saved):
    user = require_user()

    def save():
        under = _required(
            decision_id, "record the committee's decision first, then plan its actions"
        )
        action_id = committee.plan_action(
            get_store(), user, int(under), text, agency, due, status, evidence, ip=client_ip()
        )
        return f"Action {action_id} planned under decision {under}."

    return _save_outcome(clicks, saved, save, resets=("", None, "", "open", ""))


@callback(
    Output("committee-update-status", "value"),
    Output("committee-update-due", "value"),
    Output("committee-update-evidence", "value"),
    Input("committee-update-action", "value"),
    prevent_initial_call=True,
)
def fill_update(action_id):
    """The chosen action's current status, due date and evidence, to change."""
    user = require_user()
    action = next(
        (
            a
            for d in committee.list_decisions(get_store(), user)
            for a in d.actions
            if str(a.action_id) == str(action_id)
        ),
        None,
    )
    if action is None:
        return "open", "", ""
    return action.status, uk_day(action.due_date), action.evidence or ""


@callback(
    Output("committee-update-message", "children"),
    Output("committee-saved", "data", allow_duplicate=True),
    Input("committee-update-save", "n_clicks"),
    State("committee-update-action", "value"),
    State("committee-update-status", "value"),
    State("committee-update-due", "value"),
    State("committee-update-evidence", "value"),
    State("committee-saved", "data"),
    prevent_initial_call=True,
)
def save_update(clicks, action_id, status, due, evidence, saved):
    user = require_user()

    def save():
        chosen = _required(action_id, "choose the action to update")
        committee.update_action(
            get_store(), user, int(chosen), status, due, evidence, ip=client_ip()
        )
        return f"Action {chosen} saved; its history keeps what it said before."

    return _save_outcome(clicks, saved, save)


def _briefing_links(subject: committee.Subject):
    query = urlencode(
        {"case_key": subject.case_key} if subject.case_key else {"theme": subject.theme}
    )
    return html.Div(
        [
            html.A(
                f"Download the 7-minute briefing ({label})",
                href=dash.get_relative_path(f"/briefing?{query}&format={fmt}"),
                className="btn btn-outline-dark btn-sm me-2 rpm-download",
                id=f"briefing-download-{fmt}",
            )
            for fmt, label in (("docx", "Word"), ("pdf", "PDF"))
        ]
    )


@callback(
    Output("briefing-links", "children"),
    Output("briefing-deliveries-view", "children"),
    Output("briefing-fix-delivery", "options"),
    Input("briefing-subject", "value"),
    Input("briefing-saved", "data"),
)
def show_briefings(value, _saved):
    user, store = require_user(), get_store()
    subject = subject_of(value)
    listed = committee.list_deliveries(store, user)
    deliveries = [
        deliveries_table(listed),
        withdrawn_list(committee.list_deliveries(store, user, withdrawn=True), "briefings"),
    ]
    options = [
        {"label": f"{KIND_NAMES[d.kind]} {d.delivery_id}, {d.delivered_on:%d %b %Y}",
         "value": str(d.delivery_id)}
        for d in listed
    ]  # fmt: skip
    if subject is None:
        return html.P(CHOOSE + " to download its briefing."), deliveries, options
    return _briefing_links(subject), deliveries, options


@callback(
    Output("briefing-message", "children"),
    Output("briefing-saved", "data", allow_duplicate=True),
    Output("briefing-audience", "value"),
    Output("briefing-attended", "value"),
    Output("briefing-agencies", "value"),
    Input("briefing-save", "n_clicks"),
    State("briefing-subject", "value"),
    State("briefing-kind", "value"),
    State("briefing-date", "value"),
    State("briefing-audience", "value"),
    State("briefing-agencies", "value"),
    State("briefing-attended", "value"),
    State("briefing-saved", "data"),
    prevent_initial_call=True,
)
def save_delivery(clicks, value, kind, on, audience, agencies, attended, saved):
    user = require_user()

    def save():
        subject = _chosen_subject(value)
        delivery_id = committee.record_delivery(
            get_store(), user, subject, kind, on, audience, agencies or [], attended,
            ip=client_ip(),
        )  # fmt: skip
        return (
            f"{KIND_NAMES.get(kind, 'Briefing')} {delivery_id} recorded as delivered on"
            f" {subject.describe()}; frontline practitioners informed (stage 7) is recorded"
            " for every case it covers."
        )

    return _save_outcome(clicks, saved, save, resets=("", None, []))


def _chosen(records, key: str, value):
    return next((r for r in records if str(getattr(r, key)) == str(value)), None)


@callback(
    Output("committee-fix-date", "value"),
    Output("committee-fix-considered", "value"),
    Output("committee-fix-text", "value"),
    Input("committee-fix-decision", "value"),
    prevent_initial_call=True,
)
def fill_decision_fix(decision_id):
    """The chosen decision's date and words, to correct."""
    d = _chosen(committee.list_decisions(get_store(), require_user()), "decision_id", decision_id)
    if d is None:
        return "", "", ""
    return uk_day(d.decided_on), d.considered, d.decision


@callback(
    Output("committee-fix-message", "children"),
    Output("committee-saved", "data", allow_duplicate=True),
    Output("committee-fix-reason", "value"),
    Input("committee-fix-save", "n_clicks"),
    Input("committee-fix-withdraw", "submit_n_clicks"),
    State("committee-fix-decision", "value"),
    State("committee-fix-date", "value"),
    State("committee-fix-considered", "value"),
    State("committee-fix-text", "value"),
    State("committee-fix-reason", "value"),
    State("committee-saved", "data"),
    prevent_initial_call=True,
)
def fix_decision(saves, withdrawals, decision_id, on, considered, text, reason, saved):
    user, store = require_user(), get_store()
    withdraw = dash.ctx.triggered_id == "committee-fix-withdraw"

    def save():
        chosen = _required(decision_id, "choose the decision")
        if withdraw:
            committee.withdraw_record(store, user, "decision", chosen, reason, ip=client_ip())
        else:
            committee.correct_decision(
                store, user, chosen, considered, text, on, reason, ip=client_ip()
            )
        done = "withdrawn" if withdraw else "corrected"
        return f"Decision {chosen} {done}; its history keeps what it said before."

    return _save_outcome(withdrawals if withdraw else saves, saved, save, resets=("",))


@callback(
    Output("briefing-fix-kind", "value"),
    Output("briefing-fix-date", "value"),
    Output("briefing-fix-attended", "value"),
    Output("briefing-fix-audience", "value"),
    Output("briefing-fix-agencies", "value"),
    Input("briefing-fix-delivery", "value"),
    prevent_initial_call=True,
)
def fill_delivery_fix(delivery_id):
    """The chosen delivery's details, to correct."""
    d = _chosen(committee.list_deliveries(get_store(), require_user()), "delivery_id", delivery_id)
    if d is None:
        return None, "", None, "", []
    return d.kind, uk_day(d.delivered_on), d.attended, d.audience, list(d.agencies)


@callback(
    Output("briefing-fix-message", "children"),
    Output("briefing-saved", "data", allow_duplicate=True),
    Output("briefing-fix-reason", "value"),
    Input("briefing-fix-save", "n_clicks"),
    Input("briefing-fix-withdraw", "submit_n_clicks"),
    State("briefing-fix-delivery", "value"),
    State("briefing-fix-kind", "value"),
    State("briefing-fix-date", "value"),
    State("briefing-fix-audience", "value"),
    State("briefing-fix-agencies", "value"),
    State("briefing-fix-attended", "value"),
    State("briefing-fix-reason", "value"),
    State("briefing-saved", "data"),
    prevent_initial_call=True,
)
def fix_delivery(saves, withdrawals, delivery_id, kind, on, audience, agencies, attended,
                 reason, saved):  # fmt: skip
    user, store = require_user(), get_store()
    withdraw = dash.ctx.triggered_id == "briefing-fix-withdraw"

    def save():
        chosen = _required(delivery_id, "choose the briefing or workshop")
        if withdraw:
            committee.withdraw_record(store, user, "delivery", chosen, reason, ip=client_ip())
        else:
            committee.correct_delivery(
                store, user, chosen, kind, on, audience, agencies or [], attended, reason,
                ip=client_ip(),
            )  # fmt: skip
        done = "withdrawn" if withdraw else "corrected"
        return f"Delivery {chosen} {done}; its history is kept."

    return _save_outcome(withdrawals if withdraw else saves, saved, save, resets=("",))
