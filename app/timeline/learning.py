"""Learning points and actions: what the group learned and what will change.

A learning point is single-agency or cross-agency, tagged with themes from the managed list,
linked to the point selected on the timeline (`app.timeline.ids.SELECTED_POINT`) when asked,
and flagged whether it is shared with the Case Review Committee. An action says what will
change, its owner, due date, status and evidence of impact. Like the reflection panel, this
panel redraws when the page's change poll sees someone else add something.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.anonymised_view import anonymised_case, edit_refused
from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.contribution_forms import (
    cancel_callback,
    edit_callback,
    form_mode,
    withdraw_callback,
)
from app.timeline.reflection import NONE, chosen
from components.actions import due_words, overdue_days
from components.contribution_items import change_buttons, done, failed
from components.forms import uk_date_input
from components.tables import data_table
from data import learning as lp
from data import reflections as refl
from data.dates import uk_day
from data.errors import StoreError
from data.permissions import is_administrator, may_change_contribution
from data.revisions import case_revision
from data.vocabulary import ACTION_STATUSES, SCOPES, counted


def learning_panel(case) -> html.Section:
    """The learning points and actions with their forms, built with their lists (the refresh
    below runs only when they change)."""
    store, user = get_store(), require_user()
    agencies = refl.case_agency_names(store, case)
    agency_options = [{"label": a, "value": a} for a in agencies]
    point_list, action_table, point_options, theme_options, revision = _lists(
        store, user, case.case_ref, case_revision(store, user, case.case_ref)
    )
    return html.Section(
        [
            dcc.Store(id="lp-case", data=case.case_ref),
            dcc.Store(id="lp-revision", data=revision),
            dcc.Store(id=ids.LEARNING_SAVED, data=0),
            dcc.Store(id="act-editing"),
            dcc.Store(id="lp-editing"),
            html.H2("Learning points", id="lp-heading"),
            html.Div(
                [
                    html.Fieldset(
                        [
                            html.Legend("Scope", className="form-label fs-6 mb-1"),
                            dbc.RadioItems(
                                id="lp-scope",
                                options=[
                                    {"label": SCOPES[s], "value": s}
                                    for s in ("cross_agency", "single_agency")
                                ],
                                value="cross_agency",
                                inline=True,
                            ),
                        ]
                    ),
                    dbc.Label("Agency (for a single-agency point)", html_for="lp-agency"),
                    dbc.Select(
                        id="lp-agency",
                        options=[{"label": "Choose the agency", "value": NONE}, *agency_options],
                        value=user.agency if user.agency in agencies else NONE,
                    ),
                    dbc.Label("Learning point", html_for="lp-text", className="mt-3"),
                    dbc.Textarea(id="lp-text", rows=3, className="rpm-textarea"),
                    html.Fieldset(
                        [
                            html.Legend("Themes", className="form-label fs-6 mt-3"),
                            dbc.Checklist(
                                id="lp-themes",
                                options=theme_options,
                                value=[],
                                className="rpm-themes",
                            ),
                        ]
                    ),
                    dbc.Checklist(
                        id="lp-link",
                        options=[
                            {"label": "Link to the selected event or episode", "value": "link"}
                        ],
                        value=["link"],
                        className="mt-2",
                    ),
                    dbc.Checklist(
                        id="lp-share",
                        options=[{"label": "Share with the Case Review Committee", "value": "crc"}],
                        value=[],
                    ),
                    html.Div(id="lp-message", className="mt-2", role="status"),
                    dbc.Button(
                        "Save learning point", id="lp-save", color="primary", className="mt-2"
                    ),
                    dbc.Button(
                        "Cancel the change",
                        id="lp-cancel",
                        color="secondary",
                        className="d-none mt-2 ms-2",
                    ),
                    _theme_admin(user),
                ],
                className="rpm-form",
            ),
            html.Div(point_list, id="lp-list", className="mt-3", **{"aria-live": "polite"}),
            html.H2("Actions", id="act-heading", className="mt-4"),
            html.Div(
                [
                    html.H3("Add an action", id="act-form-heading", className="h5"),
                    dbc.Label("From learning point (optional)", html_for="act-learning"),
                    dbc.Select(id="act-learning", options=point_options, value=NONE),
                    dbc.Label("What will change", html_for="act-description", className="mt-3"),
                    dbc.Textarea(id="act-description", rows=2, className="rpm-textarea"),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label("Owner's name", html_for="act-owner"),
                                    dbc.Input(id="act-owner", maxLength=200),
                                ],
                                md=6,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label("Owner's agency", html_for="act-owner-agency"),
                                    dbc.Select(
                                        id="act-owner-agency",
                                        options=[{"label": "None", "value": NONE}, *agency_options],
                                        value=NONE,
                                    ),
                                ],
                                md=6,
                            ),
                        ],
                        className="mt-3",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label("Due date (dd/mm/yyyy)", html_for="act-due"),
                                    uk_date_input("act-due"),
                                ],
                                md=6,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label("Status", html_for="act-status"),
                                    dbc.Select(
                                        id="act-status",
                                        options=[
                                            {"label": ACTION_STATUSES[s], "value": s}
                                            for s in lp.STATUSES
                                        ],
                                        value="open",
                                    ),
                                ],
                                md=6,
                            ),
                        ],
                        className="mt-3",
                    ),
                    dbc.Label("Evidence of impact", html_for="act-evidence", className="mt-3"),
                    dbc.Textarea(id="act-evidence", rows=2, className="rpm-textarea"),
                    html.Div(id="act-message", className="mt-2", role="status"),
                    dbc.Button(
                        "Save action", id="act-save", color="primary", className="mt-2 me-2"
                    ),
                    dbc.Button(
                        "Cancel editing", id="act-cancel", color="link", className="d-none mt-2"
                    ),
                ],
                className="rpm-form",
            ),
            html.Div(action_table, id="act-list", className="mt-3", **{"aria-live": "polite"}),
        ],
        className="rpm-panel rpm-learning-panel",
        **{"aria-labelledby": "lp-heading"},
    )


def _theme_admin(user):
    if not is_administrator(user):
        return None
    return html.Details(
        [
            html.Summary("Add a theme to the list (administrators)"),
            dbc.Label("New theme", html_for="lp-new-theme", className="mt-2"),
            dbc.Input(id="lp-new-theme", maxLength=200),
            dbc.Button("Add theme", id="lp-add-theme", color="secondary", className="mt-2"),
            html.Div(id="lp-theme-message", className="mt-2", role="status"),
        ],
        className="mt-3",
    )


def _learning_item(point: lp.LearningPoint, user) -> html.Li:
    scope = SCOPES[point.scope] + (f": {point.agency}" if point.agency else "")
    links = []
    if point.event_ids:
        links.append(counted(len(point.event_ids), "event"))
    if point.episode_ids:
        n = len(point.episode_ids)
        links.append(counted(n, "episode"))
    return html.Li(
        [
            html.Div(
                [
                    dbc.Badge(scope, color="dark", className="me-2"),
                    dbc.Badge("Shared with CRC", color="primary", className="me-2")
                    if point.share_with_crc
                    else None,
                    *[
                        dbc.Badge(t, color="light", text_color="dark", className="me-1 rpm-theme")
                        for t in point.themes
                    ],
                ]
            ),
            html.P(point.text, className="rpm-reflection-text my-1"),
            html.Div(
                [
                    html.Span(
                        " · ".join(
                            [
                                point.created_by,
                                *(["linked to " + ", ".join(links)] if links else []),
                            ]
                        ),
                        className="rpm-muted me-3",
                    ),
                    *change_buttons(
                        "lp",
                        point.learning_id,
                        "learning point",
                        may_change_contribution(user, point.created_by),
                    ),
                ]
            ),
        ],
        className="rpm-reflection",
    )


def _action_row(action: lp.Action, user) -> html.Tr:
    buttons = change_buttons(
        "act",
        action.action_id,
        "action",
        may_change_contribution(user, action.created_by),
        gap="me-2",
    )
    return html.Tr(
        [
            html.Td(action.description, className="rpm-reflection-text"),
            html.Td(
                action.owner_name + (f" ({action.owner_agency})" if action.owner_agency else "")
            ),
            html.Td(
                due_words(action.due_date, action.status) if action.due_date else "—",
                className="rpm-overdue" if overdue_days(action.due_date, action.status) else "",
            ),
            html.Td(
                ACTION_STATUSES[action.status], className=f"rpm-status rpm-status-{action.status}"
            ),
            html.Td(action.evidence or "—", className="rpm-reflection-text"),
            html.Td(buttons),
        ]
    )


@callback(
    Output("lp-list", "children"),
    Output("act-list", "children"),
    Output("act-learning", "options"),
    Output("lp-themes", "options"),
    Output("lp-revision", "data"),
    Input(ids.CASE_REVISION, "data"),
    Input(ids.LEARNING_SAVED, "data"),
    State("lp-revision", "data"),
    State("lp-case", "data"),
    prevent_initial_call=True,
)
def refresh(_tick, _saved, seen, case_ref):
    """The lists again, when this page saved (`LEARNING_SAVED`) or anyone changed the case."""
    store, user = get_store(), require_user()
    revision = case_revision(store, user, case_ref)
    if ctx.triggered_id == ids.CASE_REVISION and revision == seen:
        raise PreventUpdate
    return _lists(store, user, case_ref, revision)


def _lists(store, user, case_ref, revision):
    """(learning points, actions, the actions' choice of learning point, themes, `revision`)."""
    points = lp.list_learning_points(store, user, case_ref)
    actions = lp.list_actions(store, user, case_ref)
    point_list = (
        html.Ul([_learning_item(p, user) for p in points], className="list-unstyled", id="lp-items")
        if points
        else html.P("No learning points yet.", className="rpm-muted")
    )
    action_table = (
        data_table(
            (
                "What will change",
                "Owner",
                "Due",
                "Status",
                "Evidence of impact",
                "",
            ),
            [_action_row(a, user) for a in actions],
            className="rpm-table",
            id="act-table",
            size="sm",
        )
        if actions
        else html.P("No actions yet.", className="rpm-muted")
    )
    options = [{"label": "None", "value": NONE}] + [
        {"label": (p.text[:80] + ("…" if len(p.text) > 80 else "")), "value": str(p.learning_id)}
        for p in points
    ]
    themes = [{"label": t, "value": t} for t in lp.list_themes(store)]
    return point_list, action_table, options, themes, revision


@callback(
    Output("lp-message", "children"),
    Output("lp-text", "value"),
    Output("lp-themes", "value"),
    Output("lp-share", "value"),
    Output("lp-scope", "value"),
    Output("lp-agency", "value"),
    Output("lp-link", "value"),
    Output("lp-editing", "data"),
    Output(ids.LEARNING_SAVED, "data"),
    Input("lp-save", "n_clicks"),
    State("lp-scope", "value"),
    State("lp-agency", "value"),
    State("lp-text", "value"),
    State("lp-themes", "value"),
    State("lp-link", "value"),
    State("lp-share", "value"),
    State(ids.SELECTED_POINT, "data"),
    State(ids.LEARNING_SAVED, "data"),
    State("lp-case", "data"),
    State("lp-agency", "options"),
    State("lp-editing", "data"),
    prevent_initial_call=True,
)
def save_learning(
    _clicks, scope, agency, text, themes, link, share, point, saved, case_ref, agency_options,
    editing,
):  # fmt: skip
    store, user = get_store(), require_user()
    event_ids, episode_ids = [], []
    if link and isinstance(point, dict) and point.get("id") is not None:
        if point.get("kind") == "event":
            event_ids = [point["id"]]
        elif point.get("kind") == "episode":
            episode_ids = [point["id"]]
    try:
        if editing:  # its links stay; the store keeps what it said before as history
            lp.edit_learning_point(
                store,
                user,
                case_ref,
                int(editing),
                scope=scope,
                agency=chosen(agency),
                text=text,
                themes=themes or [],
                share_with_crc=bool(share),
            )
        else:
            lp.add_learning_point(
                store,
                user,
                case_ref,
                scope=scope,
                agency=chosen(agency),
                text=text,
                themes=themes or [],
                event_ids=event_ids,
                episode_ids=episode_ids,
                share_with_crc=bool(share),
            )
    except StoreError as exc:
        return failed("Not saved", exc), *(no_update,) * 8
    said = (
        "Learning point updated; what it said before is kept."
        if editing
        else ("Learning point saved.")
    )
    return done(said), *_empty_learning_form(user, agency_options), (saved or 0) + 1


def _empty_learning_form(user, agency_options) -> tuple:
    """Every field back to its default, the committee flag above all: a point is shared with
    the committee only when someone ticks it for that point. (text, themes, share, scope,
    agency, link, editing)"""
    listed = {o["value"] for o in agency_options or []}
    default_agency = user.agency if user.agency in listed else NONE
    return "", [], [], "cross_agency", default_agency, ["link"], None


@callback(
    Output("lp-text", "value", allow_duplicate=True),
    Output("lp-themes", "value", allow_duplicate=True),
    Output("lp-share", "value", allow_duplicate=True),
    Output("lp-scope", "value", allow_duplicate=True),
    Output("lp-agency", "value", allow_duplicate=True),
    Output("lp-link", "value", allow_duplicate=True),
    Output("lp-editing", "data", allow_duplicate=True),
    Output("lp-message", "children", allow_duplicate=True),
    Input({"type": "lp-edit", "index": ALL}, "n_clicks"),
    Input("lp-cancel", "n_clicks"),
    State("lp-case", "data"),
    State("lp-agency", "options"),
    prevent_initial_call=True,
)
def start_or_cancel_learning_edit(clicks, _cancel, case_ref, agency_options):
    trigger = ctx.triggered_id
    store, user = get_store(), require_user()
    if trigger == "lp-cancel":
        return *_empty_learning_form(user, agency_options), ""
    if not trigger or not any(clicks or []):
        raise PreventUpdate
    if anonymised_case():
        return *(no_update,) * 7, edit_refused()
    point = next(
        (
            p
            for p in lp.list_learning_points(store, user, case_ref)
            if p.learning_id == int(trigger["index"])
        ),
        None,
    )
    if point is None:
        raise PreventUpdate
    return (
        point.text,
        list(point.themes),
        ["crc"] if point.share_with_crc else [],
        point.scope,
        point.agency or NONE,
        [],  # editing keeps the point's links
        point.learning_id,
        "",
    )


form_mode(
    "lp-editing",
    [
        ("lp-save", "children", "Save change", "Save learning point"),
        ("lp-cancel", "className", "mt-2 ms-2", "d-none mt-2 ms-2"),
    ],
)


withdraw_learning = withdraw_callback(
    "lp",
    saved=ids.LEARNING_SAVED,
    message="lp-message",
    case="lp-case",
    withdraw=lp.withdraw_learning_point,
    noun="Learning point",
)


@callback(
    Output("lp-theme-message", "children"),
    Output("lp-new-theme", "value"),
    Output(ids.LEARNING_SAVED, "data", allow_duplicate=True),
    Input("lp-add-theme", "n_clicks"),
    State("lp-new-theme", "value"),
    State(ids.LEARNING_SAVED, "data"),
    prevent_initial_call=True,
)
def add_theme(_clicks, name, saved):
    store, user = get_store(), require_user()
    try:
        added = lp.add_theme(store, user, name)
    except StoreError as exc:
        return failed("Not added", exc), no_update, no_update
    return done(f"Theme “{added}” added."), "", (saved or 0) + 1


@callback(
    Output("act-message", "children"),
    Output("act-description", "value"),
    Output("act-evidence", "value"),
    Output("act-editing", "data"),
    Output(ids.LEARNING_SAVED, "data", allow_duplicate=True),
    Output("act-learning", "value", allow_duplicate=True),
    Output("act-owner", "value", allow_duplicate=True),
    Output("act-owner-agency", "value", allow_duplicate=True),
    Output("act-due", "value", allow_duplicate=True),
    Output("act-status", "value", allow_duplicate=True),
    Input("act-save", "n_clicks"),
    State("act-learning", "value"),
    State("act-description", "value"),
    State("act-owner", "value"),
    State("act-owner-agency", "value"),
    State("act-due", "value"),
    State("act-status", "value"),
    State("act-evidence", "value"),
    State("act-editing", "data"),
    State(ids.LEARNING_SAVED, "data"),
    State("lp-case", "data"),
    prevent_initial_call=True,
)
def save_action(
    _c, learning_id, description, owner, agency, due, status, evidence, editing, saved, case_ref
):
    store, user = get_store(), require_user()
    fields = lp.ActionFields(
        learning_id=int(learning_id) if chosen(learning_id) else None,
        description=description,
        owner_name=owner,
        owner_agency=chosen(agency),
        due_date=due or None,
        status=status,
        evidence=evidence,
    )
    try:
        if editing:
            lp.update_action(store, user, case_ref, int(editing), fields)
            said = "Action updated."
        else:
            lp.add_action(store, user, case_ref, fields)
            said = "Action saved."
    except StoreError as exc:
        return (failed("Not saved", exc), *[no_update] * 9)
    return done(said), "", "", None, (saved or 0) + 1, NONE, "", NONE, "", "open"


def _action_to_edit(store, user, case_ref, action_id):
    a = lp.get_action(store, user, case_ref, action_id)
    return (
        str(a.learning_id) if a.learning_id else NONE,
        a.description,
        a.owner_name,
        a.owner_agency or NONE,
        uk_day(a.due_date),
        a.status,
        a.evidence or "",
        a.action_id,
        "",
    )


# The action form's fields, in the order an action being edited fills them.
ACTION_FIELDS = [
    "act-learning",
    "act-description",
    "act-owner",
    "act-owner-agency",
    "act-due",
    "act-status",
    "act-evidence",
]

start_action_edit = edit_callback(
    "act",
    ACTION_FIELDS,
    editing="act-editing",
    message="act-message",
    case="lp-case",
    read=_action_to_edit,
)


form_mode(
    "act-editing",
    [
        ("act-form-heading", "children", "Update an action", "Add an action"),
        ("act-save", "children", "Save change", "Save action"),
        ("act-cancel", "className", "mt-2", "d-none mt-2"),
    ],
)


cancel_action_edit = cancel_callback(
    "act-cancel",
    editing="act-editing",
    message="act-message",
    cleared=["act-description", "act-evidence"],
)


withdraw_action = withdraw_callback(
    "act",
    saved=ids.LEARNING_SAVED,
    message="act-message",
    case="lp-case",
    withdraw=lp.withdraw_action,
    noun="Action",
)
