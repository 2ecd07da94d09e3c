"""The reflection panel: reflect on the selected point of the child's journey.

Reads the page's selected point (`app.timeline.ids.SELECTED_POINT`: {"kind":
"event"|"episode"|"case", "id": int|None}), which the page sets when a marker is clicked. Shows what the point is,
a small cycle diagram of the stages covered there, the form to add (or edit) a reflection, the
reflections already made on it, and the coverage of the whole case. Writes the reflected
points to `ids.REFLECTION_MARKS` for the page to mark on the timeline.

Several people add reflections at once: the panel redraws when the page's change poll sees the
case's change counter move (`ids.CASE_REVISION`).
"""

from __future__ import annotations

from functools import lru_cache

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.contribution_forms import (
    cancel_callback,
    edit_callback,
    form_mode,
    withdraw_callback,
)
from components.contribution_items import change_buttons, change_history
from components.reflection import coverage_table, cycle_figure, cycle_summary
from components.sent import as_sent
from data import reflections as refl
from data import reflective_models as models
from data.access import require_case
from data.blame_hints import SYSTEMS_HINT, blaming_phrases
from data.contributions import MAX_TEXT
from data.errors import StoreError
from data.permissions import may_change_contribution
from data.revisions import case_revision
from data.vocabulary import counted

# dbc.Select keeps "" for its hidden placeholder, so "no choice" is this value instead.
NONE = "__none__"


def chosen(value):
    """A select's value, or None for "no choice"."""
    return None if value in (None, "", NONE) else value


CASE_POINT = ids.CASE_POINT


def reflection_panel(case) -> html.Section:
    """The panel for one case (a `data.cases.Case`), for the signed-in user."""
    store, user = get_store(), require_user()
    stages = models.model_stages(store, models.case_model(store, case))
    questions = models.list_questions(store)
    agencies = refl.case_agency_names(store, case)
    episodes = refl.episode_choices(store, user, case.case_ref)
    marks = refl.reflected_points(store, user, case.case_ref)
    title, shown, detail, items, _, revision = point_view(
        store, user, case.case_ref, CASE_POINT, marks
    )
    return html.Section(
        [
            dcc.Store(id="refl-case", data=case.case_ref),
            dcc.Store(id="refl-revision", data=revision),
            dcc.Store(id=ids.REFLECTIONS_SAVED, data=0),
            dcc.Store(id="refl-editing"),
            dcc.Store(id="refl-hint-seen", data=[]),
            dcc.Store(id=ids.REFLECTION_MARKS, data=marks),
            html.H2("Reflect on this point", id="refl-heading"),
            html.Div(
                [
                    html.P(
                        title,
                        id="refl-point-title",
                        className="rpm-point-title",
                        **{"aria-live": "polite", "data-point": shown},
                    ),
                    html.P(detail, id="refl-point-detail", className="rpm-point-detail"),
                    html.P(
                        "Click an event on the timeline to reflect on it, or choose:",
                        className="rpm-muted mb-1",
                    ),
                    html.Div(
                        [
                            dbc.Button(
                                "The case as a whole",
                                id="refl-whole-case",
                                color="dark",
                                outline=True,
                                className="me-3",
                            ),
                            html.Label(
                                "Key practice episode",
                                htmlFor="refl-episode",
                                className="me-2 rpm-episode-label",
                            ),
                            dbc.Select(
                                id="refl-episode",
                                options=_episode_options(episodes),
                                value=NONE,
                                disabled=not episodes,
                                className="rpm-inline-select",
                            ),
                        ],
                        className="d-flex align-items-center flex-wrap gap-1 mb-3",
                    ),
                ],
                className="rpm-point",
            ),
            _form(stages, questions, agencies, user),
            html.H3("Reflections on this point", className="h5 mt-3"),
            html.Div(items, id="refl-list", **{"aria-live": "polite"}),
        ],
        className="rpm-panel rpm-reflection-panel",
        **{"aria-labelledby": "refl-heading"},
    )


def reflection_overview(case, point) -> html.Div:
    """The cycle diagram of the selected `point`, everything said found again, and the coverage
    of the whole case (built when its tab is first opened, complete: the callbacks below run
    only when what they show changes)."""
    store, user = get_store(), require_user()
    cycle, cycle_text, coverage = _overview(store, user, case.case_ref, point)
    stages = models.model_stages(store, models.case_model(store, case))
    questions = models.list_questions(store)
    agencies = refl.case_agency_names(store, case)
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H3("Reflective cycle here", className="h5"),
                            dcc.Graph(
                                id="refl-cycle",
                                figure=cycle,
                                config={"staticPlot": True, "responsive": True},
                                style={"height": "330px"},
                                className="rpm-cycle",
                            ),
                            html.P(cycle_text, id="refl-cycle-text", className="rpm-cycle-text"),
                        ],
                        md=5,
                    ),
                    dbc.Col(
                        html.Details(
                            [
                                html.Summary("Coverage: what the group has and has not discussed"),
                                html.Div(coverage, id="refl-coverage", className="mt-2"),
                            ],
                            className="rpm-coverage-details",
                            open=True,
                        ),
                        md=7,
                    ),
                ],
                className="g-4",
            ),
            _finder(stages, questions, agencies, _found(store, user, case.case_ref)),
        ]
    )


def _form(stages, questions, agencies, user) -> html.Div:
    default_agency = user.agency if user.agency in agencies else NONE
    return html.Div(
        [
            html.H3("Add a reflection", id="refl-form-heading", className="h5"),
            dbc.Label("Stage of the reflective cycle", html_for="refl-stage"),
            dbc.Select(
                id="refl-stage",
                options=[{"label": s.name, "value": s.stage_key} for s in stages],
                value=stages[0].stage_key if stages else None,
            ),
            html.P(
                stages[0].prompt if stages else "",
                id="refl-stage-prompt",
                className="rpm-prompt",
            ),
            dcc.Store(id="refl-prompts", data={s.stage_key: s.prompt for s in stages}),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(
                                "Question (optional)",
                                html_for="refl-question",
                            ),
                            dbc.Select(
                                id="refl-question",
                                options=[{"label": "None in particular", "value": NONE}]
                                + [
                                    {"label": f"{q.position}. {q.text}", "value": q.question_key}
                                    for q in questions
                                ],
                                value=NONE,
                            ),
                        ],
                        xs=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Agency perspective", html_for="refl-agency"),
                            dbc.Select(
                                id="refl-agency",
                                options=[{"label": "Not for one agency", "value": NONE}]
                                + [{"label": a, "value": a} for a in agencies],
                                value=default_agency,
                            ),
                        ],
                        xs=6,
                    ),
                ],
                className="g-2",
            ),
            dbc.Label("Reflection", html_for="refl-text", className="mt-2"),
            html.P(id="refl-lens-note", className="rpm-hint mb-1", role="status"),
            dbc.Textarea(
                id="refl-text",
                rows=3,
                maxLength=MAX_TEXT + 1000,
                placeholder="What the group said at this point",
                className="rpm-textarea",
            ),
            dbc.Alert(
                id="refl-hint",
                is_open=False,
                dismissable=True,
                color="warning",
                className="mt-2 rpm-hint",
            ),
            html.Div(id="refl-message", className="mt-2", role="status"),
            html.Div(
                [
                    dbc.Button(
                        "Save reflection", id="refl-save", color="primary", className="me-2"
                    ),
                    dbc.Button(
                        "Cancel editing", id="refl-cancel", color="link", className="d-none"
                    ),
                ],
                className="mt-2",
            ),
        ],
        className="rpm-form",
        role="form",
        **{"aria-labelledby": "refl-form-heading"},
    )


def _finder(stages, questions, agencies, found) -> html.Details:
    """Everything said, found again by stage, question or agency perspective (`found`: every
    reflection, as it opens)."""

    def select(ident, label, options):
        return dbc.Col(
            [
                dbc.Label(label, html_for=ident),
                dbc.Select(
                    id=ident, options=[{"label": "Any", "value": NONE}, *options], value=NONE
                ),
            ],
            md=4,
        )

    return html.Details(
        [
            html.Summary("Find what was said: every reflection by stage, question or agency"),
            dbc.Row(
                [
                    select(
                        "refl-find-stage",
                        "Stage",
                        [{"label": s.name, "value": s.stage_key} for s in stages],
                    ),
                    select(
                        "refl-find-question",
                        "Question",
                        [
                            {"label": f"{q.position}. {q.text}", "value": q.question_key}
                            for q in questions
                        ],
                    ),
                    select(
                        "refl-find-agency", "Agency", [{"label": a, "value": a} for a in agencies]
                    ),
                ],
                className="g-3 mt-1",
            ),
            html.Div(found, id="refl-find-results", className="mt-2", **{"aria-live": "polite"}),
        ],
        className="rpm-coverage-details mt-4",
    )


def point_key(kind: str, ident: int | None) -> str:
    """How the form names the point it shows (`data-point`): "case", "event:12"."""
    return f"{kind}:{ident}" if ident is not None else kind


def _point(point) -> tuple[str, int | None]:
    if not isinstance(point, dict) or point.get("kind") not in refl.TARGET_KINDS:
        return "case", None
    kind = point["kind"]
    if kind == "case":
        return "case", None
    try:
        return kind, int(point.get("id"))
    except (TypeError, ValueError):
        return "case", None


# What a reflection's history compares between versions.
REFLECTION_FIELDS = ("text", "stage_key", "question_key", "agency")


def _reflection_item(r: refl.Reflection, user, history: list[dict] | None = None):
    """One reflection in the list: its text, who and when, and Edit and Withdraw for whoever
    may change it (with the history of its changes when it was edited)."""
    may_change = may_change_contribution(user, r.author)
    if history:
        return _reflection_markup(r, may_change, history)
    return _sent_item(r, may_change)


# A point can hold hundreds of reflections, and its list is redrawn on every change anyone
# makes to the case: each reflection (a frozen record, read afresh by every request) is drawn
# into what the browser receives once, not again on every redraw.
@lru_cache(maxsize=4096)
def _sent_item(r: refl.Reflection, may_change: bool) -> dict:
    return as_sent(_reflection_markup(r, may_change))


def _reflection_markup(r: refl.Reflection, may_change: bool, history=None) -> html.Li:
    meta = [r.author]
    if r.agency:
        meta.append(f"for {r.agency}")
    meta.append(f"{r.created_at:%d %b %Y %H:%M}")
    if r.updated_at:
        meta.append("edited")
    if r.lens:
        meta.append(r.lens)
    buttons = change_buttons("refl", r.reflection_id, "reflection", may_change)
    return html.Li(
        [
            html.P(r.question_text, className="rpm-question mb-1") if r.question_text else None,
            html.P(r.text, className="rpm-reflection-text mb-1"),
            html.Div(
                [html.Span(" · ".join(meta), className="rpm-muted me-3"), *buttons],
                className="d-flex align-items-center flex-wrap",
            ),
            change_history(history, REFLECTION_FIELDS) if history else None,
        ],
        className="rpm-reflection",
        **{"data-reflection-id": str(r.reflection_id)},
    )


def reflection_list(
    items: list[refl.Reflection], stages, user, histories: dict[int, list[dict]] | None = None
) -> list:
    """The reflections on one point, grouped by stage in cycle order; `histories` gives the
    changes of edited reflections by id."""
    histories = histories or {}
    if not items:
        return [html.P("No reflections on this point yet.", className="rpm-muted")]
    out = []
    for stage in stages:
        here = [r for r in items if r.stage_key == stage.stage_key]
        if here:
            out.append(
                html.Div(
                    [
                        html.H4(f"{stage.name} ({len(here)})", className="h6 rpm-stage-heading"),
                        html.Ul(
                            [
                                _reflection_item(r, user, histories.get(r.reflection_id))
                                for r in here
                            ],
                            className="list-unstyled",
                        ),
                    ],
                    className="rpm-stage-group",
                    **{"data-stage": stage.stage_key},
                )
            )
    return out


def _shown_point(store, user, case_ref, point) -> tuple[str, int | None, dict]:
    """The selected point as the panel shows it (the case as a whole if it is not a point of
    this case any more)."""
    kind, ident = _point(point)
    described = refl.describe_point(store, user, case_ref, kind, ident)
    if described is None:
        kind, ident = "case", None
        described = refl.describe_point(store, user, case_ref, kind, ident)
    return kind, ident, described


def point_view(store, user, case_ref: str, point, marks) -> tuple:
    """What the panel shows of the selected point, in the order of `POINT_OUTPUTS`: its title,
    its key (`data-point`), its description, its reflections, the timeline's reflection marks
    (no_update when unchanged) and the case revision drawn."""
    revision = case_revision(store, user, case_ref)
    kind, ident, described = _shown_point(store, user, case_ref, point)
    case = require_case(store, user, case_ref)
    stages = models.model_stages(store, models.case_model(store, case))
    items = refl.list_reflections(store, user, case_ref, target_kind=kind, target_id=ident)
    new_marks = refl.reflected_points(store, user, case_ref)
    return (
        described["title"],
        point_key(kind, ident),
        described["detail"],
        reflection_list(
            items,
            stages,
            user,
            {
                r.reflection_id: refl.reflection_history(store, user, case_ref, r.reflection_id)
                for r in items
                if r.updated_at
            },
        ),
        no_update if new_marks == marks else new_marks,
        revision,
    )


# What `point_view` fills; a click's one request (app/timeline/selection.py) fills them too.
POINT_OUTPUTS = (
    ("refl-point-title", "children"),
    ("refl-point-title", "data-point"),
    ("refl-point-detail", "children"),
    ("refl-list", "children"),
    (ids.REFLECTION_MARKS, "data"),
    ("refl-revision", "data"),
)


@callback(
    *(Output(ident, prop, allow_duplicate=True) for ident, prop in POINT_OUTPUTS),
    Input(ids.CASE_REVISION, "data"),
    Input(ids.REFLECTIONS_SAVED, "data"),
    State(ids.SELECTED_POINT, "data"),
    State("refl-revision", "data"),
    State("refl-point-title", "data-point"),
    State(ids.REFLECTION_MARKS, "data"),
    State("refl-case", "data"),
    prevent_initial_call=True,  # the layout draws the case as a whole
)
def refresh(_revision, _saved, point, seen, shown, marks, case_ref):
    """The point reflected on (always the one selected), its reflections, and the marks on
    the timeline, after a save here or a change elsewhere. Nothing is sent only when all of
    that is already drawn: a poll's answer supersedes the answer to a click still on its way
    (the browser drops that one), so it must draw the selected point whenever the form shows
    another."""
    store, user = get_store(), require_user()
    polled = set(ctx.triggered_prop_ids) == {f"{ids.CASE_REVISION}.data"}
    if (
        polled
        and case_revision(store, user, case_ref) == seen
        and shown == point_key(*_point(point))
    ):
        raise PreventUpdate  # already drawn
    return point_view(store, user, case_ref, point, marks)


@callback(
    Output("refl-cycle", "figure"),
    Output("refl-cycle-text", "children"),
    Output("refl-coverage", "children"),
    Input(ids.SELECTED_POINT, "data"),
    Input("refl-revision", "data"),
    State("refl-case", "data"),
    prevent_initial_call=True,
)
def refresh_overview(point, _revision, case_ref):
    """The cycle diagram of the selected point and the case's coverage (when shown)."""
    return _overview(get_store(), require_user(), case_ref, point)


def _overview(store, user, case_ref, point):
    """(the cycle diagram of `point`, its words, the case's coverage table)."""
    kind, ident, _ = _shown_point(store, user, case_ref, point)
    case = require_case(store, user, case_ref)
    pairs = [
        (s.stage_key, s.name) for s in models.model_stages(store, models.case_model(store, case))
    ]
    covered: dict[str, int] = {}
    for r in refl.list_reflections(store, user, case_ref, target_kind=kind, target_id=ident):
        covered[r.stage_key] = covered.get(r.stage_key, 0) + 1
    return (
        cycle_figure(pairs, covered),
        cycle_summary(pairs, covered),
        coverage_table(refl.coverage(store, user, case_ref)),
    )


# The chosen stage's prompt, from the prompts the form came with (no server round trip).
clientside_callback(
    "function(stage, prompts) { return (prompts || {})[stage] || ''; }",
    Output("refl-stage-prompt", "children"),
    Input("refl-stage", "value"),
    State("refl-prompts", "data"),
    prevent_initial_call=True,
)


@callback(
    Output("refl-hint", "children"),
    Output("refl-hint", "is_open"),
    Output("refl-hint-seen", "data"),
    Input("refl-text", "value"),
    State("refl-hint-seen", "data"),
    prevent_initial_call=True,
)
def blame_hint(text, seen):
    """A gentle hint when blaming words appear; once dismissed it stays away for those words."""
    phrases = blaming_phrases(text)
    fresh = [p for p in phrases if p.lower() not in (seen or [])]
    if not fresh:
        return no_update, no_update if phrases else False, no_update
    quoted = ", ".join(f"“{p}”" for p in phrases)
    message = [
        html.Strong(f"Learning, not blame ({quoted}). "),
        SYSTEMS_HINT,
        " Saving is not blocked.",
    ]
    return message, True, sorted({*(seen or []), *(p.lower() for p in phrases)})


@callback(
    Output("refl-message", "children"),
    Output("refl-text", "value"),
    Output("refl-editing", "data"),
    Output(ids.REFLECTIONS_SAVED, "data"),
    Output("refl-hint-seen", "data", allow_duplicate=True),
    Input("refl-save", "n_clicks"),
    State(ids.SELECTED_POINT, "data"),
    State("refl-stage", "value"),
    State("refl-question", "value"),
    State("refl-agency", "value"),
    State("refl-text", "value"),
    State("refl-editing", "data"),
    State(ids.REFLECTIONS_SAVED, "data"),
    State("refl-case", "data"),
    State(ids.LENS_STATE, "data"),
    prevent_initial_call=True,
)
def save(_clicks, point, stage_key, question_key, agency, text, editing, saved, case_ref, lens):
    store, user = get_store(), require_user()
    kind, ident = _point(point)
    fields = {
        "stage_key": stage_key,
        "question_key": chosen(question_key),
        "agency": chosen(agency),
        "text": text,
    }
    try:
        if editing:
            refl.edit_reflection(store, user, case_ref, int(editing), **fields)
            done = "Your change is saved."
        else:
            # A new reflection is read with the lens it was written under (an edit keeps its own).
            refl.add_reflection(
                store,
                user,
                case_ref,
                target_kind=kind,
                target_id=ident,
                lens_date=(lens or {}).get("date"),
                lens_agency=(lens or {}).get("agency"),
                **fields,
            )
            done = "Reflection saved."
    except StoreError as exc:
        return (
            dbc.Alert(f"Not saved: {exc}", color="danger", id="refl-error", className="mb-0"),
            no_update,
            no_update,
            no_update,
            no_update,
        )
    return (
        dbc.Alert(done, color="success", id="refl-ok", className="mb-0", duration=4000),
        "",
        None,
        (saved or 0) + 1,
        [],
    )


def _reflection_to_edit(store, user, case_ref, reflection_id):
    r = refl.get_reflection(store, user, case_ref, reflection_id)
    if not may_change_contribution(user, r.author):
        return None
    return (
        r.stage_key,
        r.question_key or NONE,
        r.agency or NONE,
        r.text,
        r.reflection_id,
        dbc.Alert(
            "Editing a reflection: change it and save, or cancel.", color="info", className="mb-0"
        ),
    )


start_edit = edit_callback(
    "refl",
    ["refl-stage", "refl-question", "refl-agency", "refl-text"],
    editing="refl-editing",
    message="refl-message",
    case="refl-case",
    read=_reflection_to_edit,
)


form_mode(
    "refl-editing",
    [
        ("refl-form-heading", "children", "Edit a reflection", "Add a reflection"),
        ("refl-save", "children", "Save change", "Save reflection"),
        ("refl-cancel", "className", "", "d-none"),
    ],
)


cancel_edit = cancel_callback(
    "refl-cancel", editing="refl-editing", message="refl-message", cleared=["refl-text"]
)


withdraw = withdraw_callback(
    "refl",
    saved=ids.REFLECTIONS_SAVED,
    message="refl-message",
    case="refl-case",
    withdraw=refl.withdraw_reflection,
    noun="Reflection",
)


@callback(
    Output(ids.SELECTED_POINT, "data", allow_duplicate=True),
    Output("refl-episode", "value"),
    Input("refl-whole-case", "n_clicks"),
    Input("refl-episode", "value"),
    prevent_initial_call=True,
)
def choose_point(_clicks, episode):
    if ctx.triggered_id == "refl-whole-case":
        return dict(CASE_POINT), NONE
    if chosen(episode):
        return {"kind": "episode", "id": int(episode)}, no_update
    raise PreventUpdate


@callback(
    Output("refl-find-results", "children"),
    Input("refl-find-stage", "value"),
    Input("refl-find-question", "value"),
    Input("refl-find-agency", "value"),
    Input("refl-revision", "data"),
    State("refl-case", "data"),
    prevent_initial_call=True,
)
def find(stage_key, question_key, agency, _revision, case_ref):
    return _found(get_store(), require_user(), case_ref, stage_key, question_key, agency)


def _found(store, user, case_ref, stage_key=NONE, question_key=NONE, agency=NONE):
    """The reflections of the case said at this stage, to this question, for this agency (each
    `NONE`: any), listed."""
    found = refl.find_reflections(
        store,
        user,
        case_ref,
        stage_key=chosen(stage_key),
        question_key=chosen(question_key),
        agency=chosen(agency),
    )
    if not found:
        return html.P("No reflections match.", className="rpm-muted")
    return [
        html.P(counted(len(found), "reflection"), className="rpm-muted"),
        html.Ul(
            [
                html.Li(
                    [
                        html.P(
                            f"{f.point} · {f.reflection.stage_name}"
                            + (
                                f" · {f.reflection.question_text}"
                                if f.reflection.question_text
                                else ""
                            ),
                            className="rpm-question mb-1",
                        ),
                        html.P(f.reflection.text, className="rpm-reflection-text mb-1"),
                        html.Span(
                            " · ".join(
                                [f.reflection.author]
                                + ([f"for {f.reflection.agency}"] if f.reflection.agency else [])
                            ),
                            className="rpm-muted",
                        ),
                    ],
                    className="rpm-reflection",
                )
                for f in found
            ],
            className="list-unstyled",
            id="refl-find-list",
        ),
    ]


def _episode_options(episodes: list[tuple[int, str]]) -> list[dict]:
    return [{"label": "Choose an episode", "value": NONE}] + [
        {"label": label, "value": str(i)} for i, label in episodes
    ]


@callback(
    Output("refl-episode", "options"),
    Output("refl-episode", "disabled"),
    Input(ids.EPISODES_VERSION, "data"),
    Input(ids.CASE_REVISION, "data"),
    State("refl-episode", "options"),
    State("refl-case", "data"),
    prevent_initial_call=True,
)
def refresh_episode_choices(_version, _tick, shown, case_ref):
    """Episodes marked on this page, or by others in the meeting, become choosable."""
    episodes = refl.episode_choices(get_store(), require_user(), case_ref)
    options = _episode_options(episodes)
    if options == shown:
        return no_update, no_update
    return options, not episodes


# The form says which lens a new reflection is written under, as the reflection will record it.
clientside_callback(
    "function (lens) { return lens ? 'Written ' + lens.words + ' (the lens in use).' : ''; }",
    Output("refl-lens-note", "children"),
    Input(ids.LENS_STATE, "data"),
    prevent_initial_call=True,  # the page opens with no lens
)
