"""Key practice episodes: listed, marked (typed or dragged across the chart), edited, deleted."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, html

from app.anonymised_view import anonymised_case, edit_refused
from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.alerts import not_saved, saved
from components.forms import labelled, uk_date_input
from components.timeline_panels import episode_list
from data.episodes import ASSESSMENTS, add_episode, delete_episode, list_episodes, update_episode
from data.errors import StoreError


@callback(
    Output(ids.EPISODE_LIST, "children"),
    Input(ids.EPISODES_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,  # the layout draws the first list
)
def show_episodes(_version, case_data):
    store, user = get_store(), require_user()
    return episode_list(
        list_episodes(store, user, case_data["case_ref"]), editable=case_data["can_chair"]
    )


@callback(
    Output(ids.EPISODES_VERSION, "data"),
    Output(ids.EP_MESSAGE, "children"),
    Output(ids.EPISODE_EDITING, "data"),
    Output(ids.EP_TITLE, "value"),
    Output(ids.EP_START, "value", allow_duplicate=True),
    Output(ids.EP_END, "value", allow_duplicate=True),
    Output(ids.EP_ASSESSMENT, "value"),
    Output(ids.EP_DESCRIPTION, "value"),
    Output(ids.EP_FORM, "open", allow_duplicate=True),
    Input(ids.EP_SAVE, "n_clicks"),
    Input(ids.EP_CANCEL, "n_clicks"),
    Input({"type": "tl-ep-edit", "index": ALL}, "n_clicks"),
    Input({"type": "tl-ep-delete", "index": ALL}, "n_clicks"),
    State(ids.EP_TITLE, "value"),
    State(ids.EP_START, "value"),
    State(ids.EP_END, "value"),
    State(ids.EP_ASSESSMENT, "value"),
    State(ids.EP_DESCRIPTION, "value"),
    State(ids.EPISODE_EDITING, "data"),
    State(ids.EPISODES_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def change_episode(
    _save, _cancel, _edit, _delete, title, start, end, assessment, text, editing, version, case
):
    """Save (add or update), start editing, cancel, or delete an episode."""
    store, user = get_store(), require_user()
    nu = dash.no_update
    trigger = ctx.triggered_id
    blank = (None, "", None, None, "problem", "")
    if isinstance(trigger, dict):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return (nu,) * 9
        episode_id = int(trigger["index"])
        if trigger["type"] == "tl-ep-delete":
            try:
                delete_episode(store, user, case["case_ref"], episode_id)
            except StoreError as exc:
                return nu, not_saved(exc), *(nu,) * 7
            return (version or 0) + 1, saved("Episode deleted."), *blank, nu
        if anonymised_case():
            return nu, edit_refused(), *(nu,) * 7
        for ep in list_episodes(store, user, case["case_ref"]):
            if ep.episode_id == episode_id:
                return (
                    nu,
                    saved(f"Editing the episode '{ep.title}'."),
                    ep.episode_id,
                    ep.title,
                    f"{ep.start_date:%d/%m/%Y}",
                    f"{ep.end_date:%d/%m/%Y}",
                    ep.assessment,
                    ep.description or "",
                    True,
                )
        return (nu,) * 9
    if trigger == ids.EP_CANCEL:
        return nu, "", *blank, False
    values = {
        "title": title,
        "start_date": start,
        "end_date": end,
        "assessment": assessment,
        "description": text,
    }
    try:
        if editing:
            update_episode(store, user, case["case_ref"], int(editing), **values)
            message = "Episode saved."
        else:
            add_episode(store, user, case["case_ref"], **values)
            message = "Episode added."
    except StoreError as exc:
        return nu, not_saved(exc), *(nu,) * 7
    return (version or 0) + 1, saved(message), *blank, False


# Dragging across the chart in 'marks an episode' mode opens the episodes tab with the dates
# filled (`episodes_tab` builds it so, the first time; the callback below fills it after);
# only the range leaves the browser, not the selected points.
clientside_callback(
    """
    function(selected, axis, caseData) {
        var nu = window.dash_clientside.no_update;
        if (!selected || !selected.range || !selected.range.x) { return [nu, nu]; }
        var r = selected.range.x, days = [];
        for (var i = 0; i < 2; i++) {
            var d;
            if (axis === 'age' && caseData.dob) {
                d = new Date(Date.parse(caseData.dob) + r[i] * 365.25 * 86400000);
            } else {
                d = new Date(typeof r[i] === 'number' ? r[i] : Date.parse(String(r[i]).replace(' ', 'T') + 'Z'));
            }
            days.push(d.toISOString().slice(0, 10));
        }
        days.sort();
        var uk = days.map(function(iso) { return iso.split('-').reverse().join('/'); });
        return [uk, 'episodes'];
    }
    """,
    Output(ids.EP_DRAGGED, "data"),
    Output(ids.TAB, "data"),
    Input(ids.GRAPH, "selectedData"),
    State(ids.AXIS, "value"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)


def episodes_tab(store, user, case_data, dragged) -> html.Section:
    """The episodes tab, built when first opened: the case's episodes and the form marking one,
    open with the `dragged` range's dates (`EP_DRAGGED`) when a drag across the chart opened it."""
    episodes = list_episodes(store, user, case_data["case_ref"])
    return html.Section(
        [
            html.H2("Key practice episodes", className="visually-hidden"),
            html.Div(episode_list(episodes, editable=case_data["can_chair"]), id=ids.EPISODE_LIST),
            _episode_form(dragged),
        ],
        className="rpm-panel mt-4 rpm-menu-episodes",
    )


def _episode_form(dragged) -> html.Details:
    start, end = dragged or ("", "")
    return html.Details(
        [
            html.Summary("Mark an episode", className="fw-bold"),
            html.P(
                "Choose 'marks an episode' above and drag across the chart, or type the dates.",
                className="small text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        labelled(
                            "Name",
                            dbc.Input(id=ids.EP_TITLE, maxLength=120),
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        labelled(
                            "Starts (dd/mm/yyyy)",
                            uk_date_input(ids.EP_START, value=start),
                        ),
                        md=2,
                    ),
                    dbc.Col(
                        labelled("Ends (dd/mm/yyyy)", uk_date_input(ids.EP_END, value=end)),
                        md=2,
                    ),
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend("It shows", className="fs-6 fw-bold"),
                                dbc.RadioItems(
                                    id=ids.EP_ASSESSMENT,
                                    options=[
                                        {"label": v, "value": k} for k, v in ASSESSMENTS.items()
                                    ],
                                    value="problem",
                                    inline=True,
                                ),
                            ]
                        ),
                        md=4,
                    ),
                ],
                className="g-2",
            ),
            labelled(
                "Description (optional)",
                dbc.Textarea(id=ids.EP_DESCRIPTION, maxLength=2000),
                className="mt-2",
            ),
            html.Div(
                [
                    html.Button(
                        "Save episode",
                        id=ids.EP_SAVE,
                        type="button",
                        className="btn btn-primary me-2",
                    ),
                    html.Button(
                        "Cancel editing",
                        id=ids.EP_CANCEL,
                        type="button",
                        className="btn btn-outline-dark",
                    ),
                ],
                className="mt-2",
            ),
            html.Div(id=ids.EP_MESSAGE, role="status", className="mt-2"),
        ],
        id=ids.EP_FORM,
        className="rpm-form mt-2",
        open=dragged is not None,
    )


clientside_callback(
    "function(days) { return days ? [days[0], days[1], true] : window.dash_clientside.no_update; }",
    Output(ids.EP_START, "value", allow_duplicate=True),
    Output(ids.EP_END, "value", allow_duplicate=True),
    Output(ids.EP_FORM, "open", allow_duplicate=True),
    Input(ids.EP_DRAGGED, "data"),
    prevent_initial_call=True,
)
