"""The reviewer's lenses tab of the meeting screen: what the lenses draw on the chart (links,
pattern bands), the known-at-the-time lens (a day typed or stepped through, greying what an
agency could not have known), the case's patterns (one click makes one a key practice
episode), the links the app suggests (the chair accepts or dismisses each: nothing is linked
without a person), the links recorded, and incidents several agencies recorded."""

from __future__ import annotations

from datetime import date, timedelta

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, Patch, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from app.anonymised_view import anonymised_case, edit_refused
from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.alerts import not_saved, saved
from app.timeline.figure import CHART_VIEW, lanes_for, view_shapes
from app.timeline.lens_marks import (
    DEFAULT_DRAW,
    DEFAULT_SILENCE,
    DRAW_LINKS,
    band_findings,
    lens_day,
    lens_marks,
    rules_for,
)
from app.timeline.state import (
    category_names,
    date_of_birth,
    event_filter,
    presenting,
    selected_event,
    span_dates,
)
from components.forms import uk_date_input
from components.lens_drawing import BAND_KINDS, LINK_TRACES, lens_selection
from components.lenses import (
    episode_of,
    finding_key,
    lenses_panel,
    link_end_words,
    link_ends_view,
    link_form,
    parse_suggestion_key,
)
from components.timeline import SPANS_TRACE, lens_update, trace_position
from components.timeline_summary import SUMMARY_LIMIT
from data import event_links
from data.dates import typed_date
from data.episodes import MAX_TITLE, add_episode, list_episodes
from data.errors import StoreError
from data.events import event_detail, timeline_points
from data.patterns import PARTNERSHIP_RULES, case_findings, lens_words
from data.vocabulary import KIND_LABELS

TAB_KEY = "lenses"
DRAW_OPTIONS = [{"label": "Links between events", "value": DRAW_LINKS}] + [
    {"label": KIND_LABELS[kind], "value": kind} for kind in BAND_KINDS
]


def lenses_tab(case_data: dict):
    """The tab's frame: what to draw on the chart, the known-at-the-time lens, the silence
    span and a place for the findings (built when the tab is first opened)."""
    return html.Div(
        [
            dcc.Store(id="tl-lens-version", data=0),
            dcc.Store(id=ids.LENS_STATE),
            html.Fieldset(
                [
                    html.Legend("Draw on the chart", className="h6"),
                    dbc.Checklist(
                        id=ids.LENS_DRAW,
                        options=DRAW_OPTIONS,
                        value=list(DEFAULT_DRAW),
                        inline=True,
                    ),
                    html.P(
                        "Each band is labelled where there is room for its label; every "
                        "pattern is listed below with its dates and records.",
                        className="small text-muted mb-0",
                    ),
                ],
                className="mb-3",
            ),
            known_controls(case_data),
            html.Div(
                [
                    html.Label(
                        "Silence: no recorded contact for more than (days)",
                        htmlFor=ids.LENS_SILENCE,
                        className="form-label me-2",
                    ),
                    dcc.Input(
                        id=ids.LENS_SILENCE,
                        type="number",
                        min=7,
                        max=3650,
                        step=1,
                        value=DEFAULT_SILENCE,
                        debounce=True,
                        className="form-control",
                        style={"maxWidth": "8rem"},
                    ),
                    html.P(
                        f"For the room only: the committee counts silences of more than "
                        f"{PARTNERSHIP_RULES.silence_days} days in every case, so that cases "
                        "are counted alike.",
                        className="small text-muted mb-0",
                    ),
                ],
                className="mb-2",
            ),
            html.Div(id="tl-lens-message", role="status"),
            dcc.Store(id="tl-link-pair", data={}),
            link_form(can_chair=case_data["can_chair"]),
            html.Div(id="tl-lens-content"),
        ]
    )


@callback(
    Output("tl-lens-content", "children"),
    Input(ids.TAB, "data"),
    Input(ids.LENS_SILENCE, "value"),
    Input("tl-lens-version", "data"),
    Input(ids.CASE_REVISION, "data"),
    Input(ids.EPISODES_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def show_lenses(tab, silence, _version, _revision, _episodes, case_data):
    """Build the findings when the tab is open (and again after a change)."""
    if tab != TAB_KEY:
        raise PreventUpdate
    store, user = get_store(), require_user()
    case_ref = case_data["case_ref"]
    findings = case_findings(store, user, case_ref, rules_for(silence))
    links = event_links.list_links(store, user, case_ref)
    episodes = list_episodes(store, user, case_ref)
    history = event_links.link_history(store, user, case_ref)
    return lenses_panel(findings, links, episodes, history, can_chair=case_data["can_chair"])


@callback(
    Output("tl-lens-version", "data"),
    Output("tl-lens-message", "children"),
    Input({"type": "tl-lens-accept", "index": ALL}, "n_clicks"),
    Input({"type": "tl-lens-dismiss", "index": ALL}, "n_clicks"),
    State("tl-lens-version", "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def decide_suggestion(_accept, _dismiss, version, case_data):
    """The chair accepts (a link is made, marked as suggested) or dismisses a suggestion."""
    if not ctx.triggered or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    if anonymised_case():
        return dash.no_update, edit_refused()
    store, user = get_store(), require_user()
    trigger = ctx.triggered_id
    a, b, link_type = parse_suggestion_key(trigger["index"])
    try:
        if trigger["type"] == "tl-lens-accept":
            event_links.add_link(
                store, user, case_data["case_ref"], a, b, link_type, suggested=True
            )
            message = saved(f"Linked: {link_type}.")
        else:
            event_links.dismiss_suggestion(store, user, case_data["case_ref"], a, b, link_type)
            message = saved("Suggestion dismissed; it will not be suggested again.")
    except StoreError as exc:
        return dash.no_update, not_saved(exc)
    return (version or 0) + 1, message


@callback(
    Output(ids.EPISODES_VERSION, "data", allow_duplicate=True),
    Output("tl-lens-message", "children", allow_duplicate=True),
    Input({"type": "tl-lens-episode", "index": ALL}, "n_clicks"),
    State(ids.LENS_SILENCE, "value"),
    State(ids.EPISODES_VERSION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def make_episode(_clicks, silence, version, case_data):
    """Mark a pattern's span as a key practice episode (titled by the pattern)."""
    if not ctx.triggered or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    if anonymised_case():
        return dash.no_update, edit_refused()
    store, user = get_store(), require_user()
    key = ctx.triggered_id["index"]
    findings = case_findings(store, user, case_data["case_ref"], rules_for(silence))
    found = next((f for f in findings if finding_key(f) == key), None)
    if found is None:
        return dash.no_update, not_saved(ValueError("the case changed: the pattern is gone"))
    already = episode_of(found, list_episodes(store, user, case_data["case_ref"]))
    if already is not None:
        return dash.no_update, saved(f"Already a key practice episode: {already.title}.")
    title = f"{found.label}, {found.start:%b %Y}"
    if found.end != found.start:
        title += f" to {found.end:%b %Y}"
    try:
        add_episode(
            store,
            user,
            case_data["case_ref"],
            title=title[:MAX_TITLE],
            start_date=found.start,
            end_date=found.end,
            assessment="problem",
            description=found.description,
        )
    except StoreError as exc:
        return dash.no_update, not_saved(exc)
    return (version or 0) + 1, saved(f"Key practice episode added: {title}.")


def _ends_words(store, user, case_ref: str, pair: dict) -> dict:
    return {
        side: link_end_words(event_detail(store, user, case_ref, event_id))
        for side, event_id in pair.items()
    }


@callback(
    Output("tl-link-pair", "data"),
    Output("tl-link-ends", "children"),
    Input("tl-link-from-pick", "n_clicks"),
    Input("tl-link-to-pick", "n_clicks"),
    State(ids.SELECTED_POINT, "data"),
    State("tl-link-pair", "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def pick_link_end(_from, _to, point, pair, case_data):
    """The selected event becomes the link's sending (or receiving) side."""
    store, user = get_store(), require_user()
    event_id = selected_event(point)
    pair = dict(pair or {})
    words = _ends_words(store, user, case_data["case_ref"], pair)
    if event_id is None:
        hint = html.P("Select an event first: click it on the chart or in the chronology.",
                      className="small text-danger mb-0")  # fmt: skip
        return dash.no_update, [link_ends_view(words), hint]
    side = "from" if ctx.triggered_id == "tl-link-from-pick" else "to"
    pair[side] = event_id
    return pair, link_ends_view(_ends_words(store, user, case_data["case_ref"], pair))


@callback(
    Output("tl-lens-version", "data", allow_duplicate=True),
    Output("tl-lens-message", "children", allow_duplicate=True),
    Output("tl-link-pair", "data", allow_duplicate=True),
    Output("tl-link-ends", "children", allow_duplicate=True),
    Output("tl-link-note", "value"),
    Input("tl-link-save", "n_clicks"),
    State("tl-link-pair", "data"),
    State("tl-link-type", "value"),
    State("tl-link-note", "value"),
    State("tl-lens-version", "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def record_link(_clicks, pair, link_type, note, version, case_data):
    """Link the two chosen events with the kind of link chosen (and an optional note)."""
    if anonymised_case():
        return dash.no_update, edit_refused(), *(dash.no_update,) * 3
    pair = pair or {}
    nothing = (dash.no_update,) * 3
    if "from" not in pair or "to" not in pair:
        missing = "the sending side" if "from" not in pair else "the receiving side"
        return dash.no_update, not_saved(ValueError(f"choose {missing} first")), *nothing
    store, user = get_store(), require_user()
    try:
        event_links.add_link(
            store, user, case_data["case_ref"], pair["from"], pair["to"], link_type, note=note
        )
    except StoreError as exc:
        return dash.no_update, not_saved(exc), *nothing
    return (version or 0) + 1, saved(f"Linked: {link_type}."), {}, link_ends_view({}), ""


@callback(
    Output("tl-lens-version", "data", allow_duplicate=True),
    Output("tl-lens-message", "children", allow_duplicate=True),
    Input({"type": "tl-link-remove", "index": ALL}, "n_clicks"),
    State({"type": "tl-link-why", "index": ALL}, "value"),
    State({"type": "tl-link-why", "index": ALL}, "id"),
    State("tl-lens-version", "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def take_link_back(_clicks, reasons, reason_ids, version, case_data):
    """Take a link back, with the reason (kept in the links' history)."""
    if not ctx.triggered or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    if anonymised_case():
        return dash.no_update, edit_refused()
    link_id = ctx.triggered_id["index"]
    why = next((r for r, i in zip(reasons, reason_ids, strict=True) if i["index"] == link_id), "")
    store, user = get_store(), require_user()
    try:
        event_links.remove_link(store, user, case_data["case_ref"], link_id, why)
    except StoreError as exc:
        return dash.no_update, not_saved(exc)
    return (version or 0) + 1, saved(f"Link taken back: {why.strip()}.")


# The agency dropdown's value for "the whole partnership" (not empty: a select shows no
# choice at all for an empty value).
WHOLE_PARTNERSHIP = "(the whole partnership)"


def _first_day(case_data) -> date | None:
    return date.fromisoformat(case_data["first_day"]) if case_data.get("first_day") else None


def known_controls(case_data: dict):
    """The known-at-the-time lens: whose knowledge, and on which day (typed, or stepped through
    time with the slider or a month at a time). While a lens is on, whose knowledge, the
    month steps and what is shown stay in a bar at the foot of the window (`lens_stepper`),
    so the chair steps through time with the chart in view."""
    first = _first_day(case_data)
    last = date.fromisoformat(case_data["last_day"]) if case_data.get("last_day") else first
    span = (last - first).days if first else 0
    return html.Div(
        [
            html.H3("Known at the time", className="h6"),
            lens_stepper(case_data),
            html.Div(
                [
                    html.Label(
                        "On (dd/mm/yyyy)", htmlFor="tl-lens-date", className="form-label me-2"
                    ),
                    uk_date_input("tl-lens-date", style={"maxWidth": "9rem"}),
                    html.Button(
                        "Apply the lens",
                        id="tl-lens-apply",
                        type="button",
                        className="btn btn-dark btn-sm ms-2",
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-1 mt-2",
            ),
            html.Div(
                [
                    html.Label(
                        "Step through time" + (f", {first:%Y} to {last:%Y}" if first else ""),
                        htmlFor="tl-lens-slider",
                        className="form-label small mb-0 d-block",
                    ),
                    # a native range input: labelled, and keyboard-operable (arrows a day,
                    # Page Up / Page Down further) without help
                    dcc.Input(
                        id="tl-lens-slider",
                        type="range",
                        min=0,
                        max=max(span, 1),
                        step=1,
                        value=0,
                        debounce=True,
                        className="form-range",
                    ),
                ],
                className="mt-2",
            ),
        ],
        className="mb-3",
    )


def lens_stepper(case_data: dict):
    """Whose knowledge, a month earlier or later, clear, and what the lens shows, in words. A
    bar fixed at the foot of the window while a lens is on (assets/lenses.css): the page
    keeps room below it, so nothing focused is hidden behind it."""
    return html.Div(
        [
            html.Div(
                [
                    html.Label("Known to", htmlFor="tl-lens-agency", className="form-label me-1"),
                    dbc.Select(
                        id="tl-lens-agency",
                        options=[{"label": "The whole partnership", "value": WHOLE_PARTNERSHIP}]
                        + [{"label": a, "value": a} for a in case_data["agencies"]],
                        value=WHOLE_PARTNERSHIP,
                        style={"width": "15rem"},
                    ),
                    html.Button(
                        "◀ A month earlier",
                        id="tl-lens-back",
                        type="button",
                        className="btn btn-outline-dark btn-sm ms-2",
                    ),
                    html.Button(
                        "A month later ▶",
                        id="tl-lens-forward",
                        type="button",
                        className="btn btn-outline-dark btn-sm",
                    ),
                    html.Button(
                        "Clear the lens",
                        id="tl-lens-clear",
                        type="button",
                        className="btn btn-outline-dark btn-sm ms-2",
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-1 flex-shrink-0",
            ),
            html.P(id="tl-lens-known-note", role="status", className="mb-0"),
        ],
        id="tl-lens-stepper",
        className="rpm-lens-stepper",
    )


# The stepper is fixed at the foot of the window while a lens is on (a class on <body>, so
# the chart is fitted above it at once: assets/timeline.js).
clientside_callback(
    """
    function(state) {
        document.body.classList.toggle('rpm-lens-on', !!state);
        return 'rpm-lens-stepper' + (state ? ' rpm-lens-on' : '');
    }
    """,
    Output("tl-lens-stepper", "className"),
    Input(ids.LENS_STATE, "data"),
    prevent_initial_call=True,  # the page opens with no lens (assets/timeline.js)
)


def lens_patch(
    patch, store, user, case_data, flt, lanes, lane_by, axis, presentation, marks, span=None
):
    """Patch what the lenses draw while the visible `span` is shown: which of each category
    trace's points were known (the others drawn greyed), the spans of month or year only
    events known then, the lenses' traces and the summary's bars (the greyed part of each)."""
    names = category_names(case_data)
    events = timeline_points(store, user, case_data["case_ref"], flt, lanes, names, lane_by=lane_by)
    known, spans, traces = lens_update(
        events,
        lanes=lanes,
        categories=case_data["categories"],
        key_categories=case_data["key_categories"],
        lane_by=lane_by,
        axis=axis,
        date_of_birth=date_of_birth(case_data),
        presentation=presentation,
        lens=marks,
        span=span_dates(span),
        summarise_above=SUMMARY_LIMIT,
    )
    for rank, points in enumerate(known):
        for key, value in lens_selection(points).items():
            patch["data"][rank][key] = value
    for key, value in spans.items():  # the spans of the events known then
        patch["data"][trace_position(case_data["categories"], SPANS_TRACE)][key] = value
    at = trace_position(case_data["categories"], LINK_TRACES[0])
    for offset, trace in enumerate(traces):
        patch["data"][at + offset] = trace
    return events


def _lens_day(trigger, typed, slider, state, case_data) -> date:
    """The day the lens moves to (ValueError with the reason for a typed date it cannot read)."""
    current = lens_day(state) or _first_day(case_data) or date.today()
    if trigger == "tl-lens-slider":
        return _first_day(case_data) + timedelta(days=int(slider))
    if trigger in ("tl-lens-back", "tl-lens-forward"):
        step = pd.DateOffset(months=-1 if trigger == "tl-lens-back" else 1)
        return (pd.Timestamp(current) + step).date()
    if trigger == "tl-lens-agency":
        return current
    return typed_date(typed)


LENS_INPUTS = ("tl-lens-apply", "tl-lens-slider", "tl-lens-back", "tl-lens-forward")


@callback(
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Output("tl-lens-known-note", "children"),
    Output(ids.LENS_STATE, "data"),
    Output("tl-lens-slider", "value"),
    Output("tl-lens-date", "value"),
    Input("tl-lens-apply", "n_clicks"),
    Input("tl-lens-clear", "n_clicks"),
    Input("tl-lens-slider", "value"),
    Input("tl-lens-back", "n_clicks"),
    Input("tl-lens-forward", "n_clicks"),
    Input("tl-lens-agency", "value"),
    State("tl-lens-date", "value"),
    State(ids.LENS_STATE, "data"),
    State(ids.LENS_DRAW, "value"),
    *CHART_VIEW,
    State(ids.PRESENTATION, "n_clicks"),
    State(ids.CASE, "data"),
    State(ids.SPAN, "data"),
    prevent_initial_call=True,
)
def apply_known_lens(
    _apply, _clear, slider, _back, _forward, agency, typed, state, draw, agencies, types,
    text, order, lane_by, axis, present, case_data, span=None,
):  # fmt: skip
    """Grey what the chosen agency (or the partnership) could not have known on the day:
    later events, and other agencies' events not shared with it by then; a line marks the
    day. A typed day, the slider or a month's step moves it; choosing another agency while a
    lens is on moves the lens to it. A Patch of the category traces' `selectedpoints` and the
    lenses' traces only."""
    trigger = ctx.triggered_id
    if trigger == "tl-lens-agency" and not state:
        raise PreventUpdate  # no lens on: the choice waits for a day
    if trigger == "tl-lens-slider" and (slider is None or not case_data.get("first_day")):
        raise PreventUpdate
    store, user = get_store(), require_user()
    flt = event_filter(agencies, types, text, case_data["agencies"])
    lanes = lanes_for(store, user, case_data, order, flt, lane_by)
    nothing = dash.no_update
    if trigger == "tl-lens-clear":
        marks = lens_marks(store, user, case_data["case_ref"], None, draw)
        patch = Patch()
        lens_patch(patch, store, user, case_data, flt, lanes, lane_by, axis,
                   presenting(present), marks, span)  # fmt: skip
        return patch, "No lens: everything is shown.", None, None, ""
    try:
        day = _lens_day(trigger, typed, slider, state, case_data)
    except ValueError as exc:
        return nothing, f"Lens not applied: {exc}", nothing, nothing, nothing
    who = None if agency in (WHOLE_PARTNERSHIP, None, "") else agency
    new_state = {"date": day.isoformat(), "agency": who, "words": lens_words(day, who)}
    marks = lens_marks(store, user, case_data["case_ref"], new_state, draw)
    patch = Patch()
    events = lens_patch(patch, store, user, case_data, flt, lanes, lane_by, axis,
                        presenting(present), marks, span)  # fmt: skip
    greyed = int(events["event_id"].isin(marks.greyed_event_ids).sum())
    note = (
        f"Known to {who or 'the whole partnership'} on {day.day} {day:%B %Y}: "
        f"{len(events) - greyed:,} of {len(events):,} events shown; the others are greyed and "
        "smaller (later, or not shared by then)."
    )
    first = _first_day(case_data)
    at = (day - first).days if first else None
    slider_value = nothing if trigger == "tl-lens-slider" else at
    return patch, note, new_state, slider_value, f"{day:%d/%m/%Y}"


@callback(
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Input(ids.LENS_DRAW, "value"),
    Input("tl-lens-version", "data"),
    Input(ids.LENS_SILENCE, "value"),
    State(ids.LENS_STATE, "data"),
    *CHART_VIEW,
    State(ids.PRESENTATION, "n_clicks"),
    State(ids.CASE, "data"),
    State(ids.SPAN, "data"),
    prevent_initial_call=True,
)
def draw_lenses(draw, _version, silence, state, agencies, types, text, order, lane_by, axis,
                present, case_data, span=None):  # fmt: skip
    """Draw (or take off) the links and the chosen patterns' bands, after a choice or a
    change of links: the lenses' traces and the layout's shapes (stages, episodes, bands)."""
    store, user = get_store(), require_user()
    case_ref = case_data["case_ref"]
    flt = event_filter(agencies, types, text, case_data["agencies"])
    lanes = lanes_for(store, user, case_data, order, flt, lane_by)
    marks = lens_marks(store, user, case_ref, state, draw)
    patch = Patch()
    presentation = presenting(present)
    events = lens_patch(patch, store, user, case_data, flt, lanes, lane_by, axis, presentation,
                        marks, span)  # fmt: skip
    patch["layout"]["shapes"] = view_shapes(
        store, user, case_data, events, len(lanes), axis, presentation,
        band_findings(store, user, case_ref, draw, silence), span,
    )  # fmt: skip
    return patch
