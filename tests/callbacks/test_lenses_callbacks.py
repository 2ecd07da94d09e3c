"""The lenses tab of the meeting screen, its callbacks called as plain functions: patterns and
suggestions listed, a suggestion accepted by the chair only, a pattern made an episode with
one click, the known-at-the-time lens greying what was not known."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
from dash.exceptions import PreventUpdate

from app.timeline import ids, lenses
from components.lens_drawing import LENS_DAY_TRACE, LINK_TRACES
from components.lenses import finding_key, suggestion_key
from components.timeline import trace_position
from data import event_links, patterns
from data.episodes import list_episodes
from data.users import add_user, get_user
from tests.support.callbacks import as_user, find, page, text_of
from tests.support.rpm_case import CASE


def _case_data(app, user):
    with as_user(app, user):
        return find(page("case_timeline").layout(case_ref=CASE), ids.CASE).data


def _shows(component, text: str) -> bool:
    return json.dumps(text)[1:-1] in text_of(component)  # as the JSON escapes it


def _pressed(kind: str, index: str) -> str:
    return json.dumps({"index": index, "type": kind}, separators=(",", ":")) + ".n_clicks"


def test_the_chair_accepts_a_suggestion_and_the_list_counts_the_link(rpm_app):
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    with as_user(app, chair):
        shown = lenses.show_lenses("lenses", 90, 0, 0, 0, case_data)
    suggestions = [f for f in patterns.case_findings(store, chair, CASE)
                   if f.kind == patterns.SUGGESTED_LINK]  # fmt: skip
    first = suggestions[0]
    assert _shows(shown, first.description) and "Links recorded (no links)" in text_of(shown)
    assert find(shown, {"type": "tl-lens-accept", "index": suggestion_key(first)}) is not None
    with as_user(app, chair, triggered=_pressed("tl-lens-accept", suggestion_key(first))):
        version, message = lenses.decide_suggestion([1], [None], 0, case_data)
    assert version == 1 and "Linked" in text_of(message)
    (link,) = event_links.list_links(store, chair, CASE)
    assert (link.from_event_id, link.to_event_id, link.suggested) == (*first.event_ids, True)
    with as_user(app, chair):
        shown = lenses.show_lenses("lenses", 90, 1, 0, 0, case_data)
    assert "Links recorded (1 link: 1 referral sent / received)" in text_of(shown)
    assert not _shows(shown, first.description)  # not suggested again


def test_an_agency_user_sees_the_findings_without_decision_buttons(rpm_app):
    app, store = rpm_app
    add_user(store, "police1", "agency", "a long pass phrase two", agency="Police")
    police = get_user(store, "police1")
    case_data = _case_data(app, police)
    with as_user(app, police):
        shown = lenses.show_lenses("lenses", 90, 0, 0, 0, case_data)
    text = text_of(shown)
    assert "Suggested links" in text and "tl-lens-accept" not in text
    assert "tl-lens-episode" not in text


def test_a_pattern_becomes_a_key_practice_episode_with_one_click_and_only_once(rpm_app):
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    cluster = next(f for f in patterns.case_findings(store, chair, CASE)
                   if f.kind == patterns.WAS_NOT_BROUGHT)  # fmt: skip
    before = len(list_episodes(store, chair, CASE))
    pressed = _pressed("tl-lens-episode", finding_key(cluster))
    with as_user(app, chair, triggered=pressed):
        version, message = lenses.make_episode([1], 90, 4, case_data)
    assert version == 5 and "Key practice episode added" in text_of(message)
    episodes = list_episodes(store, chair, CASE)
    assert len(episodes) == before + 1
    added = next(e for e in episodes if e.title.startswith("Missed appointments"))
    assert (added.start_date, added.end_date) == (cluster.start, cluster.end)
    assert added.description == cluster.description
    # the list says so instead of offering the button again; a second click adds nothing
    with as_user(app, chair):
        shown = lenses.show_lenses("lenses", 90, 0, 0, 5, case_data)
    assert _shows(shown, f"Already a key practice episode: {added.title}")
    assert find(shown, {"type": "tl-lens-episode", "index": finding_key(cluster)}) is None
    with as_user(app, chair, triggered=pressed):
        version, message = lenses.make_episode([2], 90, 5, case_data)
    assert "Already a key practice episode" in text_of(message)
    assert len(list_episodes(store, chair, CASE)) == before + 1


def _known(patch, category_count):
    """The category traces' points a patch shows as known (`selectedpoints`: the others are
    drawn greyed; None: no lens), by trace position; each trace's `meta` carries the same, for
    the page to keep a box-select to them."""
    found, carried = {}, {}
    for op in patch.to_plotly_json()["operations"]:
        location = op["location"]
        if location[0] == "data" and location[2:] == ["selectedpoints"]:
            found[location[1]] = op["params"]["value"]
        if location[0] == "data" and location[2:] == ["meta"]:
            carried[location[1]] = op["params"]["value"]["lens_known"]
    assert sorted(found) == list(range(category_count)) and carried == found
    return found


def _assigned(patch, at):
    """The whole trace a patch assigns at position `at`."""
    return next(
        op["params"]["value"]
        for op in patch.to_plotly_json()["operations"]
        if op["location"] == ["data", at]
    )


def _check_event_by_event(store, user, traces_or_patch, state, categories):
    """Every drawn event is shown as known (the others greyed) exactly when the store says it
    was known."""
    day = date.fromisoformat(state["date"])
    unknown = set(event_links.unknown_event_ids(store, user, CASE, day, state["agency"]).tolist())
    checked = 0
    for trace in traces_or_patch[:categories]:
        ids = [i for i in (trace["customdata"] if trace["customdata"] is not None else [])]
        assert trace["meta"]["lens_known"] == trace["selectedpoints"]  # kept by a box-select
        shown = set(trace["selectedpoints"])
        for at, i in enumerate(ids):
            if i == -1:
                continue  # the undrawn point that keeps a category's legend marker filled
            assert (at in shown) == (i not in unknown), i
            checked += 1
    return checked


def test_the_known_at_the_time_lens_greys_what_the_agency_could_not_know(rpm_app):
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    agencies = case_data["agencies"]
    draw = ["links"]
    filters = (agencies, [], "", agencies, "agency", "date", 0, case_data)
    args = (1, None, None, None, None)  # apply, clear, slider, back, forward
    with as_user(app, chair, triggered="tl-lens-apply.n_clicks"):
        patch, note, lens, slider, typed = lenses.apply_known_lens(
            *args, "Children's Social Care", "11/09/2014", None, draw, *filters
        )
    assert lens == {
        "date": "2014-09-11",
        "agency": "Children's Social Care",
        "words": "with what was known to Children's Social Care on 11 September 2014",
    }
    assert note.startswith("Known to Children's Social Care on 11 September 2014: ")
    first = date.fromisoformat(case_data["first_day"])
    assert slider == (date(2014, 9, 11) - first).days and typed == "11/09/2014"
    categories = len(case_data["categories"])
    shown = sum(len(points) for points in _known(patch, categories).values())
    known, drawn = (int(n.replace(",", "")) for n in note.split(": ")[1].split(" events")[0]
                    .split(" of "))  # fmt: skip
    assert shown == known and 0 < known < drawn
    day_trace = _assigned(patch, trace_position(case_data["categories"], LENS_DAY_TRACE))
    assert day_trace["x"] == ["2014-09-11"] * 3  # the day's line across the lanes
    # the slider and the month steps move it; a bad typed date is refused with the reason
    with as_user(app, chair, triggered="tl-lens-slider.value"):
        _, _, moved, slider, typed = lenses.apply_known_lens(
            None, None, 30, None, None, lenses.WHOLE_PARTNERSHIP, "", lens, draw, *filters
        )
    assert moved["date"] == (first + timedelta(days=30)).isoformat() and moved["agency"] is None
    assert typed == f"{first + timedelta(days=30):%d/%m/%Y}"
    with as_user(app, chair, triggered="tl-lens-forward.n_clicks"):
        _, _, later, slider, _ = lenses.apply_known_lens(
            None, None, 30, None, 1, lenses.WHOLE_PARTNERSHIP, "", moved, draw, *filters
        )
    assert (
        later["date"] == (pd.Timestamp(moved["date"]) + pd.DateOffset(months=1)).date().isoformat()
    )
    assert slider == (date.fromisoformat(later["date"]) - first).days
    with as_user(app, chair, triggered="tl-lens-apply.n_clicks"):
        _, refused, *kept = lenses.apply_known_lens(
            1, None, None, None, None, "", "31/02/2014", later, draw, *filters
        )
    assert refused.startswith("Lens not applied") and kept[0] is not None  # no_update
    with as_user(app, chair, triggered="tl-lens-clear.n_clicks"):
        patch, note, cleared, _, _ = lenses.apply_known_lens(
            None, 1, None, None, None, "", "", later, draw, *filters
        )
    assert cleared is None and set(_known(patch, categories).values()) == {None}


def test_the_lens_survives_a_filter_change_event_by_event(rpm_app):
    from app.timeline import figure

    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    agencies = case_data["agencies"]
    state = {"date": "2015-06-01", "agency": "Police", "words": "..."}
    categories = len(case_data["categories"])
    with as_user(app, chair, triggered="tl-agencies.value"):
        patch = figure.update_figure(
            agencies[:-1], [], "", agencies, "agency", [], "date", 0, 0, 0, case_data,
            {}, {}, state, ["links"], 90,
        )  # fmt: skip
    traces = {}
    for op in patch.to_plotly_json()["operations"]:
        if op["location"][0] == "data" and len(op["location"]) == 2:
            traces[op["location"][1]] = op["params"]["value"]
    drawn = [traces[i] for i in range(categories)]
    assert _check_event_by_event(store, chair, drawn, state, categories) > 10
    # and a full redraw (the axis) keeps it too
    with as_user(app, chair, triggered="tl-axis.value"):
        fig = figure.update_figure(
            agencies, [], "", agencies, "agency", [], "date", 0, 0, 0, case_data,
            {}, {}, state, ["links"], 90,
        )  # fmt: skip
    drawn = fig["data"][:categories]
    assert _check_event_by_event(store, chair, drawn, state, categories) > 10


def test_links_and_chosen_patterns_are_drawn_and_taken_off(rpm_app):
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    agencies = case_data["agencies"]
    suggestion = next(f for f in patterns.case_findings(store, chair, CASE)
                      if f.kind == patterns.SUGGESTED_LINK)  # fmt: skip
    event_links.add_link(store, chair, CASE, *suggestion.event_ids, suggestion.link_type)
    view = (None, agencies, [], "", agencies, "agency", "date", 0, case_data)
    at = trace_position(case_data["categories"], LINK_TRACES[0])
    with as_user(app, chair, triggered="tl-lens-draw.value"):
        patch = lenses.draw_lenses(["links", patterns.WAS_NOT_BROUGHT], 1, 90, *view)
    passed = _assigned(patch, at)
    assert passed["showlegend"] and len(passed["x"]) == 3 and passed["x"][2] is None
    assert suggestion.link_type in passed["text"][0]
    shapes = next(op["params"]["value"] for op in patch.to_plotly_json()["operations"]
                  if op["location"] == ["layout", "shapes"])  # fmt: skip
    clusters = [f for f in patterns.case_findings(store, chair, CASE)
                if f.kind == patterns.WAS_NOT_BROUGHT]  # fmt: skip
    bands = [s for s in shapes if s["name"].startswith("pattern:")]
    labels = [s for s in bands if s["name"].endswith(":label")]
    bands = [s for s in bands if s not in labels]
    assert clusters and len(bands) == len(clusters) == len(labels)  # room for each label
    assert all(s["name"].startswith("pattern:was_not_brought:") for s in bands)
    assert bands[0]["x0"] == f"{clusters[0].start:%Y-%m-%d}" == labels[0]["x0"]
    assert labels[0]["label"]["text"].startswith("Missed appointments: ")
    assert any(s["name"].startswith("stage:") for s in shapes)  # the rest stays
    with as_user(app, chair, triggered="tl-lens-draw.value"):
        patch = lenses.draw_lenses([], 1, 90, *view)
    assert _assigned(patch, at)["showlegend"] is False
    shapes = next(op["params"]["value"] for op in patch.to_plotly_json()["operations"]
                  if op["location"] == ["layout", "shapes"])  # fmt: skip
    assert not any(s["name"].startswith("pattern:") for s in shapes)


def test_the_chair_links_two_chosen_events_and_takes_the_link_back_with_a_reason(rpm_app):
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    police = store.query_one("SELECT event_id FROM events WHERE source_ref = 'P-0003'")[0]
    school = store.query_one(
        "SELECT e.event_id FROM events e JOIN agencies a USING (agency_id)"
        " WHERE a.name = 'School' ORDER BY e.event_date LIMIT 1"
    )[0]
    point = {"kind": "event", "id": police}
    with as_user(app, chair, triggered="tl-link-to-pick.n_clicks"):
        pair, ends = lenses.pick_link_end(None, 1, {"kind": "case", "id": None}, {}, case_data)
    assert "Select an event first" in text_of(ends)  # nothing selected: nothing chosen
    with as_user(app, chair, triggered="tl-link-from-pick.n_clicks"):
        pair, ends = lenses.pick_link_end(1, None, point, {}, case_data)
    assert pair == {"from": police} and "Sending side: Police, " in text_of(ends)
    # a link needs both sides, and two agencies
    with as_user(app, chair, triggered="tl-link-save.n_clicks"):
        _, refused, *_ = lenses.record_link(1, pair, "information shared", "", 0, case_data)
    assert "choose the receiving side first" in text_of(refused)
    same = store.query_one(
        "SELECT e.event_id FROM events e JOIN agencies a USING (agency_id)"
        " WHERE a.name = 'Police' AND e.event_id <> ? LIMIT 1", [police]
    )[0]  # fmt: skip
    with as_user(app, chair, triggered="tl-link-save.n_clicks"):
        _, refused, *_ = lenses.record_link(
            1, {"from": police, "to": same}, "information shared", "", 0, case_data
        )
    assert "two different agencies" in text_of(refused)
    assert event_links.list_links(store, chair, CASE) == []
    with as_user(app, chair, triggered="tl-link-to-pick.n_clicks"):
        pair, ends = lenses.pick_link_end(None, 1, {"kind": "event", "id": school}, pair, case_data)
    assert "Receiving side: School, " in text_of(ends)
    with as_user(app, chair, triggered="tl-link-save.n_clicks"):
        version, message, reset, _, note = lenses.record_link(
            1, pair, "should have been shared", "told at the strategy meeting", 3, case_data
        )
    assert version == 4 and "Linked: should have been shared" in text_of(message)
    assert reset == {} and note == ""
    (link,) = event_links.list_links(store, chair, CASE)
    assert (link.from_event_id, link.to_event_id, link.link_type, link.suggested) == (
        police, school, "should have been shared", False
    )  # fmt: skip
    with as_user(app, chair):
        shown = lenses.show_lenses("lenses", 90, 4, 0, 0, case_data)
    text = text_of(shown)
    assert "Links recorded (1 link: 1 should have been shared)" in text
    assert "Note: told at the strategy meeting" in text
    remove = {"type": "tl-link-remove", "index": link.link_id}
    assert find(shown, remove) is not None
    why_ids = [{"type": "tl-link-why", "index": link.link_id}]
    with as_user(app, chair, triggered=_pressed("tl-link-remove", link.link_id)):
        _, refused = lenses.take_link_back([1], ["  "], why_ids, 4, case_data)
    assert (
        "the reason for taking the link back is missing" in text_of(refused)
        and len(event_links.list_links(store, chair, CASE)) == 1
    )
    with as_user(app, chair, triggered=_pressed("tl-link-remove", link.link_id)):
        version, message = lenses.take_link_back([1], ["the wrong school record"], why_ids, 4,
                                                 case_data)  # fmt: skip
    assert version == 5 and "Link taken back: the wrong school record" in text_of(message)
    assert event_links.list_links(store, chair, CASE) == []
    with as_user(app, chair):
        shown = lenses.show_lenses("lenses", 90, 5, 0, 0, case_data)
    history = text_of(shown)
    assert "History of the links (2 changes)" in history
    assert "removed: the wrong school record" in history


def test_an_agency_user_gets_no_link_form_and_cannot_record_one(rpm_app):
    app, store = rpm_app
    add_user(store, "police2", "agency", "a long pass phrase three", agency="Police")
    police = get_user(store, "police2")
    case_data = _case_data(app, police)
    with as_user(app, police):
        layout = page("case_timeline").layout(case_ref=CASE)
    assert find(layout, "tl-link-form").hidden is True
    ids_ = [r[0] for r in store.query(
        "SELECT e.event_id FROM events e JOIN agencies a USING (agency_id)"
        " WHERE a.name IN ('Police', 'School') ORDER BY a.name LIMIT 1000")]  # fmt: skip
    pair = {"from": ids_[0], "to": ids_[-1]}
    with as_user(app, police, triggered="tl-link-save.n_clicks"):
        _, refused, *_ = lenses.record_link(1, pair, "information shared", "", 0, case_data)
    assert "Not saved" in text_of(refused)
    assert event_links.list_links(store, police, CASE) == []


def test_the_explorer_counts_where_information_did_not_travel_suppressed(rpm_app):
    from data.crc import case_key_of
    from data.record import save_draft, sign_off
    from data.suppression import SUPPRESSED
    from tests.support.rpm_case import RECORD

    app, store = rpm_app
    chair = get_user(store, "pokafor")
    police = store.query_one("SELECT event_id FROM events WHERE source_ref = 'P-0003'")[0]
    csc = store.query_one("SELECT event_id FROM events WHERE source_ref = 'CSC-0005'")[0]
    event_links.add_link(store, chair, CASE, police, csc, "not received", note="a private note")
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    member = add_user(store, "committee", "crc", "crc-test-password")
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    assert case_key_of(store, case_id)  # the committee has the case
    with as_user(app, member):
        _, content, hidden, refusal, _ = page("crc").render_tab(
            "barriers", None, None, None, None, None, None, None, None
        )
    text = text_of(content)
    assert not hidden and refusal is None
    assert "Where information did not travel" in text and "crc-table-unanswered-shares" in text
    from dash import html

    table = text_of(find(html.Div(content), "crc-table-unanswered-shares"))
    assert "Police" in table  # the sending agency's column
    assert SUPPRESSED in table  # one link: a count of 1 to 5 is not shown
    assert "a private note" not in text and CASE not in text


def test_the_explorer_counts_the_patterns_of_signed_off_cases_suppressed(rpm_app):
    from dash import html

    from data.record import save_draft, sign_off
    from data.suppression import SUPPRESSED
    from data.vocabulary import KIND_LABELS
    from tests.support.rpm_case import RECORD

    app, store = rpm_app
    member = add_user(store, "committee", "crc", "crc-test-password")

    def patterns_tab():
        with as_user(app, member):
            _, content, hidden, refusal, _ = page("crc").render_tab(
                "patterns", None, None, None, None, None, None, None, None
            )
        assert not hidden and refusal is None
        return content

    # Not signed off: nothing of the case's patterns
    assert "Nothing recorded for the cases selected" in text_of(patterns_tab())
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    content = patterns_tab()
    text = text_of(content)
    assert "What no single agency saw" in text
    for name, first in (("patterns-agency", "Agency"), ("patterns-category", "Category")):
        table = text_of(find(html.Div(content), f"crc-table-{name}"))
        assert first in table and SUPPRESSED in table  # one case: its counts are hidden
        assert KIND_LABELS[patterns.CORROBORATION] in table
    by_agency = text_of(find(html.Div(content), "crc-table-patterns-agency"))
    assert KIND_LABELS[patterns.SILENCE] in by_agency and "Every agency" in by_agency
    findings = patterns.case_findings(store, chair, CASE)
    assert CASE not in text and not any(f.description in text for f in findings)


def _band_labels(patch) -> list[dict]:
    """The pattern bands' label carriers a patch draws."""
    shapes = next(op["params"]["value"] for op in patch.to_plotly_json()["operations"]
                  if op["location"] == ["layout", "shapes"])  # fmt: skip
    return [s for s in shapes if s["name"].startswith("pattern:") and s["name"].endswith(":label")]


def test_band_labels_are_laid_out_for_the_lanes_shown_and_the_span_zoomed_to(rpm_app):
    """A lane filter lays the band labels out again in the gaps of the lanes left (not in gaps
    of lanes no longer drawn, off the chart), and a zoom lays them out for the days shown."""
    from app.timeline import figure
    from components.lens_drawing import BAND_KINDS, label_rows

    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    agencies = case_data["agencies"]
    draw = list(BAND_KINDS)

    def filtered(shown):
        with as_user(app, chair, triggered="tl-agencies.value"):
            return figure.update_figure(
                shown, [], "", agencies, "agency", [], "date", 0, 0, 0, case_data,
                {}, {}, None, draw, 90,
            )  # fmt: skip

    every_lane = _band_labels(filtered(agencies))
    assert {s["y0"] for s in every_lane} - set(label_rows(2))  # rows below the second lane
    two_lanes = _band_labels(filtered(agencies[:2]))
    assert two_lanes and {s["y0"] for s in two_lanes} <= set(label_rows(2))
    assert len(two_lanes) < len(every_lane)  # one row holds fewer

    # zoomed to a year: only the bands that year shows are labelled, over the part shown
    findings = [f for f in patterns.case_findings(store, chair, CASE) if f.kind in BAND_KINDS]
    first = min(f.start for f in findings)
    span = {"from": f"{first:%Y-%m-%d}", "to": f"{first + timedelta(days=365):%Y-%m-%d}"}
    after = f"{first + timedelta(days=366):%Y-%m-%d}"  # the chart shows the span's last day whole
    with as_user(app, chair, triggered=f"{ids.SPAN}.data"):
        patch = figure.draw_visible_span(
            span, agencies, [], "", agencies, "agency", "date", [], 0, case_data,
            None, None, draw, 90,
        )  # fmt: skip
    zoomed = _band_labels(patch)
    assert zoomed and len(zoomed) < len(every_lane)
    assert all(span["from"] <= s["x0"] < s["x1"] <= after for s in zoomed)
    # no bands drawn: a zoom of a case drawn whole sends nothing
    with as_user(app, chair, triggered=f"{ids.SPAN}.data"):
        try:
            figure.draw_visible_span(
                span, agencies, [], "", agencies, "agency", "date", [], 0, case_data,
                None, None, ["links"], 90,
            )  # fmt: skip
        except PreventUpdate:
            pass
        else:
            raise AssertionError("a zoom without bands patched the chart")
