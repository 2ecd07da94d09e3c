"""The reviewer's lenses tab of the meeting screen: the case's patterns, the links the app
suggests (the chair accepts or dismisses each: nothing is linked without a person), the
links recorded, and incidents several agencies recorded; a pattern becomes a key practice
episode with one click."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import numpy as np
from dash import ALL, Input, Output, Patch, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from app.anonymised_view import anonymised_case, edit_refused
from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.alerts import not_saved, saved
from app.timeline.figure import lanes_for
from app.timeline.state import event_filter
from components.category_style import marker_styles
from components.forms import uk_date_input
from components.lenses import finding_key, lenses_panel, parse_suggestion_key
from components.timeline import event_codes
from data import event_links
from data.dates import typed_date
from data.episodes import MAX_TITLE, add_episode
from data.errors import StoreError
from data.events import case_events
from data.patterns import Rules, case_findings, known_at, lens_words

TAB_KEY = "lenses"
DEFAULT_SILENCE = Rules().silence_days


def lenses_tab(agencies: list[str]):
    """The tab's frame: the known-at-the-time lens, the silence span and a place for the
    findings (built when the tab is first opened)."""
    return html.Div(
        [
            dcc.Store(id="tl-lens-version", data=0),
            dcc.Store(id=ids.LENS_STATE, data=None),
            known_controls(agencies),
            html.Div(
                [
                    html.Label(
                        "Silence: no recorded contact for more than (days)",
                        htmlFor="tl-lens-silence",
                        className="form-label me-2",
                    ),
                    dcc.Input(
                        id="tl-lens-silence",
                        type="number",
                        min=7,
                        max=3650,
                        step=1,
                        value=DEFAULT_SILENCE,
                        debounce=True,
                        className="form-control",
                        style={"maxWidth": "8rem"},
                    ),
                ],
                className="mb-2",
            ),
            html.Div(id="tl-lens-message", role="status"),
            html.Div(id="tl-lens-content"),
        ]
    )


def _rules(silence) -> Rules:
    try:
        days = int(silence)
    except (TypeError, ValueError):
        days = DEFAULT_SILENCE
    return Rules(silence_days=min(max(days, 7), 3650))


@callback(
    Output("tl-lens-content", "children"),
    Input(ids.TAB, "data"),
    Input("tl-lens-silence", "value"),
    Input("tl-lens-version", "data"),
    Input(ids.CASE_REVISION, "data"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def show_lenses(tab, silence, _version, _revision, case_data):
    """Build the findings when the tab is open (and again after a change)."""
    if tab != TAB_KEY:
        raise PreventUpdate
    store, user = get_store(), require_user()
    findings = case_findings(store, user, case_data["case_ref"], _rules(silence))
    links = event_links.list_links(store, user, case_data["case_ref"])
    return lenses_panel(findings, links, can_chair=case_data["can_chair"])


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
    State("tl-lens-silence", "value"),
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
    findings = case_findings(store, user, case_data["case_ref"], _rules(silence))
    found = next((f for f in findings if finding_key(f) == key), None)
    if found is None:
        return dash.no_update, not_saved(ValueError("the case changed: the pattern is gone"))
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


WHOLE_PARTNERSHIP = ""  # the agency dropdown's value for "the whole partnership"
GREYED = 0.15  # opacity of what was not known then: visibly there, clearly not in play


def known_controls(agencies: list[str]):
    """The known-at-the-time lens: whose knowledge, and on which day."""
    return html.Div(
        [
            html.H3("Known at the time", className="h6"),
            html.Div(
                [
                    html.Label("Known to", htmlFor="tl-lens-agency", className="form-label me-2"),
                    dbc.Select(
                        id="tl-lens-agency",
                        options=[{"label": "The whole partnership", "value": WHOLE_PARTNERSHIP}]
                        + [{"label": a, "value": a} for a in agencies],
                        value=WHOLE_PARTNERSHIP,
                        style={"maxWidth": "18rem"},
                    ),
                    html.Label(
                        "on (dd/mm/yyyy)", htmlFor="tl-lens-date", className="form-label mx-2"
                    ),
                    uk_date_input("tl-lens-date", style={"maxWidth": "9rem"}),
                    html.Button(
                        "Apply the lens",
                        id="tl-lens-apply",
                        type="button",
                        className="btn btn-dark btn-sm ms-2",
                    ),
                    html.Button(
                        "Clear",
                        id="tl-lens-clear",
                        type="button",
                        className="btn btn-outline-dark btn-sm ms-2",
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-1",
            ),
            html.P(id="tl-lens-known-note", role="status", className="mt-2"),
        ],
        className="mb-3",
    )


def lens_opacities(codes, known, category_count: int) -> list:
    """Per category trace, the opacity of each of its points in the order
    `components.timeline.timeline_traces` draws them (the events in lanes, exact dates first):
    1 for what was known, GREYED for the rest."""
    keep = codes["lane"] >= 0
    imprecise = codes["precision"] > 0
    opacities = []
    for rank in range(category_count):
        rows = np.nonzero(keep & (codes["category"] == rank))[0]
        rows = rows[np.argsort(imprecise[rows], kind="stable")]
        opacities.append(np.where(known[rows], 1.0, GREYED).tolist())
    return opacities


@callback(
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Output("tl-lens-known-note", "children"),
    Output(ids.LENS_STATE, "data"),
    Input("tl-lens-apply", "n_clicks"),
    Input("tl-lens-clear", "n_clicks"),
    State("tl-lens-agency", "value"),
    State("tl-lens-date", "value"),
    State("tl-agencies", "value"),
    State("tl-types", "value"),
    State("tl-search", "value"),
    State("tl-lane-order", "data"),
    State("tl-lane-by", "value"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def apply_known_lens(
    _apply, _clear, agency, day_text, agencies, types, text, order, lane_by, case_data
):
    """Grey what the chosen agency (or the partnership) could not have known on the day:
    later events, and other agencies' events not shared with it by then (Patch of the
    category traces' opacities only)."""
    styles = marker_styles(case_data["categories"], case_data["key_categories"])
    patch = Patch()
    if ctx.triggered_id == "tl-lens-clear":
        for rank in range(len(styles)):
            patch["data"][rank]["marker"]["opacity"] = 1
        return patch, "No lens: everything is shown.", None
    try:
        day = typed_date(day_text)
    except ValueError as exc:
        return dash.no_update, f"Lens not applied: {exc}", dash.no_update
    store, user = get_store(), require_user()
    flt = event_filter(agencies, types, text, case_data["agencies"])
    lanes = lanes_for(store, user, case_data, order, flt, lane_by)
    events = case_events(store, user, case_data["case_ref"], flt, with_summary=False)
    codes = event_codes(events, lanes, [st.name for st in styles], lane_by)
    shared = [
        (link.from_event_id, link.to_event_id)
        for link in event_links.list_links(store, user, case_data["case_ref"])
        if link.link_type in event_links.ARRIVED
    ]
    who = agency or None
    known = known_at(events, shared, day, who)
    for rank, opacity in enumerate(lens_opacities(codes, known, len(styles))):
        patch["data"][rank]["marker"]["opacity"] = opacity
    words = lens_words(day, who)
    note = (
        f"Showing {words}: {int(known.sum()):,} of {len(events):,} events; "
        "the others are greyed (later, or not shared with it by then)."
    )
    return patch, note, {"date": day.isoformat(), "agency": who, "words": words}
