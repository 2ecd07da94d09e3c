"""The lenses tab of the meeting screen, its callbacks called as plain functions: patterns and
suggestions listed, a suggestion accepted by the chair only, a pattern made an episode with
one click, the known-at-the-time lens greying what was not known."""

from __future__ import annotations

import json

from app.timeline import ids, lenses
from components.lenses import finding_key, suggestion_key
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
        shown = lenses.show_lenses("lenses", 90, 0, 0, case_data)
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
        shown = lenses.show_lenses("lenses", 90, 1, 0, case_data)
    assert "Links recorded (1 link: 1 referral sent / received)" in text_of(shown)
    assert not _shows(shown, first.description)  # not suggested again


def test_an_agency_user_sees_the_findings_without_decision_buttons(rpm_app):
    app, store = rpm_app
    add_user(store, "police1", "agency", "a long pass phrase two", agency="Police")
    police = get_user(store, "police1")
    case_data = _case_data(app, police)
    with as_user(app, police):
        shown = lenses.show_lenses("lenses", 90, 0, 0, case_data)
    text = text_of(shown)
    assert "Suggested links" in text and "tl-lens-accept" not in text
    assert "tl-lens-episode" not in text


def test_a_pattern_becomes_a_key_practice_episode_with_one_click(rpm_app):
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    cluster = next(f for f in patterns.case_findings(store, chair, CASE)
                   if f.kind == patterns.WAS_NOT_BROUGHT)  # fmt: skip
    before = len(list_episodes(store, chair, CASE))
    with as_user(app, chair, triggered=_pressed("tl-lens-episode", finding_key(cluster))):
        version, message = lenses.make_episode([1], 90, 4, case_data)
    assert version == 5 and "Key practice episode added" in text_of(message)
    episodes = list_episodes(store, chair, CASE)
    assert len(episodes) == before + 1
    added = next(e for e in episodes if e.title.startswith("Missed appointments"))
    assert (added.start_date, added.end_date) == (cluster.start, cluster.end)
    assert added.description == cluster.description


def test_the_known_at_the_time_lens_greys_what_the_agency_could_not_know(rpm_app):
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    case_data = _case_data(app, chair)
    agencies = case_data["agencies"]
    state = (agencies, [], "", agencies, "agency", case_data)
    with as_user(app, chair, triggered="tl-lens-apply.n_clicks"):
        patch, note, lens = lenses.apply_known_lens(
            1, None, "Children's Social Care", "11/09/2014", *state
        )
    assert lens == {
        "date": "2014-09-11",
        "agency": "Children's Social Care",
        "words": "with what was known to Children's Social Care on 11 September 2014",
    }
    assert "with what was known to Children's Social Care on 11 September 2014" in note
    operations = patch.to_plotly_json()["operations"]
    opacities = [op["params"]["value"] for op in operations]
    assert len(opacities) == len(case_data["categories"])
    flat = [v for values in opacities for v in values]
    known = int(note.split(": ")[1].split(" of ")[0].replace(",", ""))
    assert flat.count(1.0) == known and known > 0
    assert flat.count(lenses.GREYED) == len(flat) - known
    with as_user(app, chair, triggered="tl-lens-apply.n_clicks"):
        _, refused, kept = lenses.apply_known_lens(1, None, "", "31/02/2014", *state)
    assert refused.startswith("Lens not applied") and kept is not None  # no_update


def test_the_lens_opacities_follow_the_points_as_the_chart_draws_them(rpm_app):
    from components.category_style import marker_styles
    from components.timeline import event_codes, timeline_traces
    from data.events import case_events

    _, store = rpm_app
    chair = get_user(store, "pokafor")
    events = case_events(store, chair, CASE)
    lanes = sorted(events["agency"].unique())[:-1]  # one agency's lane not drawn
    styles = marker_styles(None)
    codes = event_codes(events, lanes, [st.name for st in styles])
    known = (events["event_id"] % 3 == 0).to_numpy()  # any choice of known events
    opacities = lenses.lens_opacities(codes, known, len(styles))
    traces = timeline_traces(events, lanes=lanes)
    known_ids = set(events.loc[known, "event_id"])
    for trace, values in zip(traces[: len(styles)], opacities, strict=True):
        ids = list(trace.customdata if trace.customdata is not None else [])
        assert values == [1.0 if i in known_ids else lenses.GREYED for i in ids], trace.name
