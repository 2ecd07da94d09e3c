"""What the chart shows and how it changes: filters, lane order, axis, zoom presets, marks.

The figure is built once when the page opens; filter, lane and selection changes send
`Patch()`es with new trace arrays (numbers only, read by `data.events.timeline_points`) at
the positions `components.timeline.trace_position` names.
"""

from __future__ import annotations

import dash
import numpy as np
import pandas as pd
from dash import ALL, Input, Output, Patch, State, callback, clientside_callback, ctx
from dash.exceptions import PreventUpdate

from app.context import get_store, require_user
from app.timeline import ids
from app.timeline.lens_marks import band_findings, lens_marks
from app.timeline.state import (
    category_names,
    date_of_birth,
    event_filter,
    lanes_shown,
    presenting,
    span_axis_range,
    span_dates,
    span_of,
    summaries_hidden,
)
from components.lens_drawing import NO_MARKS
from components.timeline import (
    REFLECTED_TRACE,
    chart_shapes,
    event_codes,
    lane_axis,
    lane_label_margin,
    presentation_layout,
    set_path,
    timeline_figure_spec,
    timeline_traces,
    trace_position,
    x_values,
)
from components.timeline_summary import SUMMARY_LIMIT, marker_rows, summary_note
from data.dates import typed_date
from data.episodes import list_episodes
from data.events import case_category_counts, case_event_counts, case_events, timeline_points

# The visible span when everything is shown. Not None: a store holding null on mount reports it
# as a change, which would redraw the chronology once for nothing when the page opens.
ALL_SPAN: dict = {}

# Up to this many events the figure gets the full frame (hover text with summaries).
FULL_FRAME_LIMIT = 3000


def events_for_figure(store, user, case_data, flt, lanes, lane_by="agency"):
    """Small cases get the full frame (hover text with summaries); big ones numbers only (the
    full frame still when the filter leaves few enough)."""
    if case_event_counts(store, user, case_data["case_ref"]).shown <= FULL_FRAME_LIMIT:
        return case_events(store, user, case_data["case_ref"], flt)
    points = timeline_points(
        store, user, case_data["case_ref"], flt, lanes, category_names(case_data), lane_by=lane_by
    )
    if len(points) <= FULL_FRAME_LIMIT:
        return case_events(store, user, case_data["case_ref"], flt)
    return points


def lanes_for(store, user, case_data, order, flt, lane_by: str) -> list[str]:
    """The lanes drawn: the agencies shown, in the chosen order; or the categories the case has
    events in, in the list's order (only those ticked when the filter names categories alone)."""
    if lane_by != "category":
        return lanes_shown(order, flt)
    counts = case_category_counts(store, user, case_data["case_ref"])
    wanted = None if flt.categories is None or flt.types is not None else set(flt.categories)
    return [
        name
        for name in category_names(case_data)
        if counts.get(name) and (wanted is None or name in wanted)
    ]


def case_drawing(case_data: dict, axis: str, lane_by: str = "agency") -> dict:
    """What every drawing of the case's events takes from the case: the managed categories and
    the chair's key ones, what a lane is, the axis, the child's date of birth, and the limit
    above which the visible span is summarised (so the page draws at most that many markers,
    as SVG: no WebGL context to start)."""
    return {
        "categories": case_data["categories"],
        "key_categories": case_data["key_categories"],
        "lane_by": lane_by,
        "axis": axis,
        "date_of_birth": date_of_birth(case_data),
        "summarise_above": SUMMARY_LIMIT,
    }


def build_figure(
    store,
    user,
    case_data,
    flt,
    order,
    axis,
    presentation,
    hide,
    reflected=(),
    span=None,
    lane_by="agency",
    lens=NO_MARKS,
    bands=(),
):
    """The page's figure (a plain dict, `timeline_figure_spec`), showing the visible `span`
    (None: everything), with the lenses' marks (`lens`) and pattern `bands`; its height follows
    the page (CSS), not the number of lanes."""
    lanes = lanes_for(store, user, case_data, order, flt, lane_by)
    events = events_for_figure(store, user, case_data, flt, lanes, lane_by)
    figure = timeline_figure_spec(
        events,
        lanes=lanes,
        **case_drawing(case_data, axis, lane_by),
        episodes=list_episodes(store, user, case_data["case_ref"]),
        reflected_event_ids=reflected,
        presentation=presentation,
        hide_summaries=hide,
        lens=lens,
        bands=bands,
        span=span_dates(span),
    )
    layout = figure["layout"]
    del layout["height"]
    layout["autosize"] = True
    layout["showlegend"] = False  # the page's key above the chart (components.chart_key)
    shown = span_axis_range(span, axis, date_of_birth(case_data))
    if shown is not None:
        layout["xaxis"].update(range=shown, autorange=False)
    return figure


TRACE_PATCH_TRIGGERS = (
    ids.AGENCIES,
    ids.TYPES,
    ids.SEARCH,
    ids.LANE_ORDER,
    ids.LANE_BY,
    ids.HIDE_SUMMARIES,
)


@callback(
    Output(ids.GRAPH, "figure"),
    Input(ids.AGENCIES, "value"),
    Input(ids.TYPES, "value"),
    Input(ids.SEARCH, "value"),
    Input(ids.LANE_ORDER, "data"),
    Input(ids.LANE_BY, "value"),
    Input(ids.HIDE_SUMMARIES, "value"),
    Input(ids.AXIS, "value"),
    Input(ids.EPISODES_VERSION, "data"),
    Input(ids.EVENTS_VERSION, "data"),
    State(ids.PRESENTATION, "n_clicks"),
    State(ids.CASE, "data"),
    State(ids.REFLECTION_MARKS, "data"),
    State(ids.SPAN, "data"),
    State(ids.LENS_STATE, "data"),
    State(ids.LENS_DRAW, "value"),
    State(ids.LENS_SILENCE, "value"),
    prevent_initial_call=True,
)
def update_figure(
    agencies,
    types,
    text,
    order,
    lane_by,
    hide,
    axis,
    _ep,
    _ev,
    present,
    case_data,
    marks,
    span,
    lens_state,
    draw,
    silence,
):
    """Filters, lane order and hiding summaries patch the traces; other changes redraw,
    keeping the visible span (on the new axis too). The lenses' marks stay in both."""
    store, user = get_store(), require_user()
    flt = event_filter(agencies, types, text, case_data["agencies"])
    hide = summaries_hidden(hide)
    presentation = presenting(present)
    reflected = (marks or {}).get("events") or []
    lens = lens_marks(store, user, case_data["case_ref"], lens_state, draw)
    bands = band_findings(store, user, case_data["case_ref"], draw, silence)
    if ctx.triggered_id in TRACE_PATCH_TRIGGERS:
        view = {"presentation": presentation, "hide_summaries": hide, "span": span}
        return traces_patch(store, user, case_data, flt, order, lane_by, axis, reflected, lens,
                            bands=bands, **view)  # fmt: skip
    return build_figure(
        store,
        user,
        case_data,
        flt,
        order,
        axis,
        presentation,
        hide,
        reflected,
        span,
        lane_by,
        lens,
        bands,
    )


def traces_patch(
    store, user, case_data, flt, order, lane_by, axis, reflected, lens, *,
    presentation, hide_summaries, span, bands,
):  # fmt: skip
    """A Patch of every trace, the lanes, the summary's note and the layout's shapes: what the
    chart draws of the filtered events while the visible `span` is shown (markers, or the
    summary's bars), the pattern `bands` labelled for the lanes drawn."""
    lanes = lanes_for(store, user, case_data, order, flt, lane_by)
    events = events_for_figure(store, user, case_data, flt, lanes, lane_by)
    drawing = case_drawing(case_data, axis, lane_by)
    traces = timeline_traces(
        events,
        lanes=lanes,
        **drawing,
        reflected_event_ids=reflected,
        presentation=presentation,
        hide_summaries=hide_summaries,
        lens=lens,
        span=span_dates(span),
    )
    patch = Patch()
    for index, trace in enumerate(traces):
        patch["data"][index] = trace
    patch["layout"]["annotations"] = summary_note(traces)
    for key, value in lane_axis(lanes, traces).items():
        patch["layout"]["yaxis"][key] = value
    patch["layout"]["margin"]["l"] = lane_label_margin(lanes, presentation)
    for path, value in presentation_layout(presentation).items():
        set_path(patch["layout"], path, value)
    patch["layout"]["shapes"] = view_shapes(
        store, user, case_data, events, len(lanes), axis, presentation, bands, span
    )
    return patch


def view_shapes(
    store, user, case_data, events, lane_count, axis, presentation, bands, span
) -> list[dict]:
    """The layout's shapes for the chart as it is shown: stages, episodes and the pattern
    `bands`, their labels laid out in the gaps between the `lane_count` lanes drawn, for the
    visible `span` of the filtered `events`. Every change of lanes, filters, zoom or bands
    lays them out again: labels placed for other lanes fall outside the chart or on a lane."""
    return chart_shapes(
        None if events.empty else events["event_date"].min(),
        None if events.empty else events["event_date"].max(),
        axis=axis,
        date_of_birth=date_of_birth(case_data),
        episodes=list_episodes(store, user, case_data["case_ref"]),
        bands=bands,
        presentation=presentation,
        lane_count=lane_count,
        span=span_dates(span),
    )


# What a patch of some traces needs to know of the chart's view, in this order: agencies,
# kinds, search, lane order, lanes by, axis.
CHART_VIEW = (
    State(ids.AGENCIES, "value"),
    State(ids.TYPES, "value"),
    State(ids.SEARCH, "value"),
    State(ids.LANE_ORDER, "data"),
    State(ids.LANE_BY, "value"),
    State(ids.AXIS, "value"),
)


@callback(
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Input(ids.SPAN, "data"),
    *CHART_VIEW,
    State(ids.HIDE_SUMMARIES, "value"),
    State(ids.PRESENTATION, "n_clicks"),
    State(ids.CASE, "data"),
    State(ids.REFLECTION_MARKS, "data"),
    State(ids.LENS_STATE, "data"),
    State(ids.LENS_DRAW, "value"),
    State(ids.LENS_SILENCE, "value"),
    prevent_initial_call=True,
)
def draw_visible_span(span, agencies, types, text, order, lane_by, axis, hide, present,
                      case_data, marks, lens_state, draw, silence=None):  # fmt: skip
    """Zooming or panning a case too large to draw whole: the summary's bars for the new span
    while it holds more than SUMMARY_LIMIT events, else that span's markers. A case of no
    more events than that is drawn whole: only the pattern bands' labels are laid out again
    for the span (when bands are drawn)."""
    store, user = get_store(), require_user()
    flt = event_filter(agencies, types, text, case_data["agencies"])
    bands = band_findings(store, user, case_data["case_ref"], draw, silence)
    presentation = presenting(present)
    if case_event_counts(store, user, case_data["case_ref"]).shown <= SUMMARY_LIMIT:
        if not bands:
            raise PreventUpdate
        lanes = lanes_for(store, user, case_data, order, flt, lane_by)
        events = timeline_points(store, user, case_data["case_ref"], flt, lanes,
                                 category_names(case_data), lane_by=lane_by)  # fmt: skip
        patch = Patch()
        patch["layout"]["shapes"] = view_shapes(
            store, user, case_data, events, len(lanes), axis, presentation, bands, span
        )
        return patch
    lens = lens_marks(store, user, case_data["case_ref"], lens_state, draw)
    reflected = (marks or {}).get("events") or []
    view = {"presentation": presentation, "hide_summaries": summaries_hidden(hide)}
    return traces_patch(store, user, case_data, flt, order, lane_by, axis, reflected, lens,
                        span=span, bands=bands, **view)  # fmt: skip


@callback(
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Input(ids.REFLECTION_MARKS, "data"),
    *CHART_VIEW,
    State(ids.CASE, "data"),
    State(ids.SPAN, "data"),
    prevent_initial_call=True,
)
def mark_reflected(marks, agencies, types, text, order, lane_by, axis, case_data, span=None):
    """Redraw only the 'Reflected' badges when reflections change: those of the events drawn
    as markers while the visible `span` is shown (none while it is summarised)."""
    store, user = get_store(), require_user()
    reflected = (marks or {}).get("events") or []
    flt = event_filter(agencies, types, text, case_data["agencies"])
    lanes = lanes_for(store, user, case_data, order, flt, lane_by)
    events = case_events(store, user, case_data["case_ref"], flt, with_summary=False)
    codes = event_codes(events, lanes, category_names(case_data), lane_by)
    drawn = marker_rows(codes["day"], codes["precision"], span_dates(span), SUMMARY_LIMIT)
    events = events[drawn & events["event_id"].isin(reflected).to_numpy()]
    traces = timeline_traces(
        events,
        lanes=lanes,
        **case_drawing(case_data, axis, lane_by),
        reflected_event_ids=reflected,
    )
    at = trace_position(case_data["categories"], REFLECTED_TRACE)
    patch = Patch()
    patch["data"][at] = traces[at]
    return patch


# The selected event's ring is drawn over the chart by assets/timeline.js (rpmRing), over the
# marker with that event's id in the chart's own arrays, and placed again after every redraw; an
# event the chart does not show gets no ring. No Plotly call: moving a shape redrew the chart.
clientside_callback(
    """
    function(point) {
        var id = point && point.kind === 'event' && point.id !== null ? Number(point.id) : null;
        if (window.rpmRing) { window.rpmRing.show(id); }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.RING, "title"),
    Input(ids.SELECTED_POINT, "data"),
    prevent_initial_call=True,  # the page opens on the case as a whole: no ring
)


@callback(
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Output(ids.SPAN, "data", allow_duplicate=True),
    Input(ids.PRESET_ALL, "n_clicks"),
    Input(ids.PRESET_YEAR, "n_clicks"),
    Input(ids.PRESET_PERIOD, "n_clicks"),
    Input(ids.DRAG, "value"),
    State(ids.PERIOD_FROM, "value"),
    State(ids.PERIOD_TO, "value"),
    State(ids.AXIS, "value"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def zoom_preset(_all, _year, _period, drag, start, end, axis, case_data):
    """Presets: the whole life, the latest year with events, or a typed period."""
    store, user = get_store(), require_user()
    patch = Patch()
    trigger = ctx.triggered_id
    if trigger == ids.DRAG:
        patch["layout"]["dragmode"] = drag if drag in ("zoom", "pan", "select") else "zoom"
        patch["layout"]["selectdirection"] = "h"
        return patch, dash.no_update
    if trigger == ids.PRESET_ALL:
        patch["layout"]["xaxis"]["autorange"] = True
        return patch, ALL_SPAN
    if trigger == ids.PRESET_YEAR:
        events = case_events(store, user, case_data["case_ref"], with_summary=False)
        last = events["event_date"].max()
        lo, hi = last - pd.DateOffset(years=1), last + pd.Timedelta(days=15)
    else:
        try:  # typed day first, dd/mm/yyyy
            lo = pd.Timestamp(typed_date(start))
            hi = pd.Timestamp(typed_date(end)) + pd.Timedelta(days=1)
        except ValueError:
            return dash.no_update, dash.no_update
        if hi <= lo:
            return dash.no_update, dash.no_update
    return zoomed_to(lo, hi, axis, case_data)


@callback(
    Output(ids.GRAPH, "figure", allow_duplicate=True),
    Output(ids.SPAN, "data", allow_duplicate=True),
    Input({"type": ids.BIN_ZOOM, "index": ALL}, "n_clicks"),
    State(ids.AXIS, "value"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def zoom_to_bin(clicks, axis, case_data):
    """A summary bar's "Zoom in" button: the chart shows that bar's span (and so, once it holds
    few enough events, each of them)."""
    require_user()
    trigger = ctx.triggered_id
    if not any(clicks or []) or not isinstance(trigger, dict):
        raise PreventUpdate
    try:
        first, after = (pd.Timestamp(day) for day in str(trigger["index"]).split(":"))
    except ValueError:
        raise PreventUpdate from None
    return zoomed_to(first, after, axis, case_data)


def zoomed_to(lo: pd.Timestamp, hi: pd.Timestamp, axis: str, case_data) -> tuple[Patch, dict]:
    """The chart's x range set to show the days from `lo` to before `hi` (on the date or the
    age axis), and that visible span."""
    patch = Patch()
    born = date_of_birth(case_data)
    xs = x_values(np.array([lo.to_datetime64(), hi.to_datetime64()]), axis, born)
    if axis != "age" or born is None:
        xs = [lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")]
    patch["layout"]["xaxis"]["range"] = [xs[0], xs[1]] if isinstance(xs, list) else list(xs)
    patch["layout"]["xaxis"]["autorange"] = False
    return patch, span_of(lo.date(), (hi - pd.Timedelta(days=1)).date())


@callback(
    Output(ids.AGENCIES, "value"),
    Output(ids.TYPES, "value"),
    Output(ids.SEARCH, "value"),
    Input(ids.CLEAR, "n_clicks"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)
def clear_filters(_n, case_data):
    require_user()
    return case_data["agencies"], [], ""


@callback(
    Output(ids.LANE_ORDER, "data"),
    Input(ids.LANE_UP, "n_clicks"),
    Input(ids.LANE_DOWN, "n_clicks"),
    State(ids.LANE_PICK, "value"),
    State(ids.LANE_ORDER, "data"),
    prevent_initial_call=True,
)
def move_lane(_up, _down, lane, order):
    require_user()
    order = list(order or [])
    if lane not in order:
        return dash.no_update
    i = order.index(lane)
    j = i - 1 if ctx.triggered_id == ids.LANE_UP else i + 1
    if not 0 <= j < len(order):
        return dash.no_update
    order[i], order[j] = order[j], order[i]
    return order


# Presentation mode is a class on <body> (so the header's menus can be hidden too) and larger
# type and marks on the chart, applied in the browser: no server round trip. The page's own
# click listener applies it as the click happens (assets/timeline.js, rpmPresentation); this
# callback says so on the button, and applies it only if the listener could not.
clientside_callback(
    """
    function(n, caseData) {
        var on = (n || 0) % 2 === 1;
        if (window.rpmPresentation) { window.rpmPresentation.apply(on, caseData); }
        return [on ? 'true' : 'false', on ? 'Leave presentation mode' : 'Presentation mode'];
    }
    """,
    Output(ids.PRESENTATION, "aria-pressed"),
    Output(ids.PRESENTATION, "children"),
    Input(ids.PRESENTATION, "n_clicks"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,  # the layout's button says "off" (assets/timeline.js resets it)
)

clientside_callback(
    """
    function(n, caseData) {
        if (!n) { return window.dash_clientside.no_update; }
        var gd = document.querySelector('#timeline-graph .js-plotly-plot');
        if (gd && window.Plotly) {
            // The picture carries the chart's own legend: the page's key above the chart
            // (components.chart_key) is not part of the image.
            var layout = Object.assign({}, gd.layout, {showlegend: true});
            var extra = 150;
            window.Plotly.downloadImage({data: gd.data, layout: layout}, {format: 'png',
                width: 1920, height: (gd.offsetHeight || 800) + extra,
                filename: 'timeline-' + caseData.case_ref});
        }
        return '';
    }
    """,
    Output(ids.PNG, "title"),
    Input(ids.PNG, "n_clicks"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)

# Hiding summaries also hides them in panels other pages mount here (reflection panel). No
# output: a checklist has no prop to spare (Dash refuses its "title" once the page comes with
# the first layout, app/first_page.py).
clientside_callback(
    """
    function(value) {
        document.body.classList.toggle('rpm-hide-summaries', (value || []).indexOf('hide') >= 0);
    }
    """,
    Input(ids.HIDE_SUMMARIES, "value"),
    prevent_initial_call=True,  # the page opens with summaries shown (assets/timeline.js)
)

# The filters and the visible span go into the address (replaceState: no page reload, no history entry).
clientside_callback(
    """
    function(agencies, types, text, axis, span, laneBy, caseData) {
        var params = new URLSearchParams();
        var view = new URLSearchParams(window.location.search).get('view');
        if (view) { params.set('view', view); }  // the anonymised view (app/timeline/anonymised.py)
        var all = caseData.agencies || [];
        if (agencies && agencies.length < all.length) {
            agencies.forEach(function(a) { params.append('agency', a); });
        }
        (types || []).forEach(function(t) { params.append('type', t); });
        if (text) { params.set('q', text); }
        if (axis === 'age') { params.set('axis', 'age'); }
        if (laneBy === 'category') { params.set('lanes', 'category'); }
        if (span && span.from && span.to) { params.set('from', span.from); params.set('to', span.to); }
        var search = params.toString();
        var url = window.location.pathname + (search ? '?' + search : '');
        window.history.replaceState(window.history.state, '', url);
        return search;
    }
    """,
    Output(ids.PAGE_ROOT, "data-filters"),
    Input(ids.AGENCIES, "value"),
    Input(ids.TYPES, "value"),
    Input(ids.SEARCH, "value"),
    Input(ids.AXIS, "value"),
    Input(ids.SPAN, "data"),
    Input(ids.LANE_BY, "value"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,  # the page opens at the address that asked for it
)


# "Find a category or type" narrows the list as you type (ticked ones always stay listed).
clientside_callback(
    """
    function(text, ticked, caseData) {
        var words = String(text || '').toLowerCase().trim();
        var keep = ticked || [];
        return caseData.type_options.filter(function(o) {
            return !words || keep.indexOf(o.value) >= 0
                || o.label.toLowerCase().indexOf(words) >= 0;
        });
    }
    """,
    Output(ids.TYPES, "options"),
    Input(ids.TYPES_FIND, "value"),
    State(ids.TYPES, "value"),
    State(ids.CASE, "data"),
    prevent_initial_call=True,
)


# Zooming or panning the chart sets the visible span (as days), which the table follows and
# the address keeps; an axis change does not move it.
clientside_callback(
    """
    function(relayout, axis, caseData, current) {
        var nu = window.dash_clientside.no_update;
        if (!relayout) { return nu; }
        // an unchanged span is not sent again (the table would redraw for nothing)
        if (relayout['xaxis.autorange']) { return current && current.from ? {} : nu; }
        var r = relayout['xaxis.range'] ||
            (relayout['xaxis.range[0]'] !== undefined
                ? [relayout['xaxis.range[0]'], relayout['xaxis.range[1]']] : null);
        if (!r) { return nu; }
        var days = r.map(function(v) {
            var ms;
            if (axis === 'age' && caseData.dob) {
                ms = Date.parse(caseData.dob) + Number(v) * 365.25 * 86400000;
            } else {
                var t = String(v);
                t = t.length <= 10 ? t + 'T00:00:00' : t.replace(' ', 'T');
                ms = typeof v === 'number' ? v : Date.parse(t + 'Z');
            }
            return new Date(ms).toISOString().slice(0, 10);
        });
        if (current && current.from === days[0] && current.to === days[1]) { return nu; }
        return {from: days[0], to: days[1]};
    }
    """,
    Output(ids.SPAN, "data"),
    Input(ids.GRAPH, "relayoutData"),
    State(ids.AXIS, "value"),
    State(ids.CASE, "data"),
    State(ids.SPAN, "data"),
    prevent_initial_call=True,
)

# Once the span is taken in, the zoom that set it is forgotten: the browser passes on only a
# prop that changed, so a second double click (the same {"xaxis.autorange": true}) after a
# preset, a bar's "Zoom in" or the address had set the span would not reach the callback above,
# and the chart (and the table) would keep the old span's drawing under the whole case's axis.
clientside_callback(
    "function(span) { return null; }",
    Output(ids.GRAPH, "relayoutData", allow_duplicate=True),
    Input(ids.SPAN, "data"),
    prevent_initial_call=True,
)
