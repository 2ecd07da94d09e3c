"""Store functions behind the timeline: filtered reads, details, episodes, events added in the
meeting, corrections and hiding with their history (the original is never changed)."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.timeline.figure import lanes_for
from components.category_style import category_data
from data.actor import SYSTEM
from data.categories import categories, category_names
from data.episodes import add_episode, delete_episode, list_episodes, update_episode
from data.errors import Forbidden, InvalidInput, NotFound
from data.event_edits import add_meeting_event, correct_event, set_event_hidden
from data.events import (
    EventFilter,
    case_agencies_and_types,
    case_category_counts,
    case_event_counts,
    case_events,
    chronology_rows,
    event_detail,
    timeline_points,
)
from data.users import add_user

REF = "DEMO-J"
PASSWORD = "a-long-password"


def first_event(store, agency="Police"):
    events = case_events(store, SYSTEM, REF)
    return int(events[events["agency"] == agency]["event_id"].iloc[0])


def test_filters_by_agency_type_and_text_in_sql(demo_store):
    everything = case_events(demo_store, SYSTEM, REF)
    police = case_events(demo_store, SYSTEM, REF, EventFilter.of(agencies=["Police"]))
    assert set(police["agency"]) == {"Police"}
    assert 0 < len(police) < len(everything)
    visits = case_events(demo_store, SYSTEM, REF, EventFilter.of(types=["Home visit"]))
    assert set(visits["event_type"]) == {"Home visit"}
    text = case_events(demo_store, SYSTEM, REF, EventFilter.of(text="NEIGHBOUR"))
    assert len(text) and text["summary"].str.lower().str.contains("neighbour").all()
    # a quote or SQL in the search is just text
    assert case_events(demo_store, SYSTEM, REF, EventFilter.of(text="x' OR 1=1 --")).empty


def test_filters_by_category_and_keeps_events_of_either_a_category_or_a_type(demo_store):
    everything = case_events(demo_store, SYSTEM, REF)
    cp = case_events(demo_store, SYSTEM, REF, EventFilter.of(categories=["Child protection"]))
    assert set(cp["category"]) == {"Child protection"}
    assert {"Child protection conference", "Core group"} <= set(cp["event_type"])
    either = EventFilter.of(types=["Home visit"], categories=["Child protection"])
    both = case_events(demo_store, SYSTEM, REF, either)
    assert len(both) == len(cp) + (everything["event_type"] == "Home visit").sum()
    counts = case_category_counts(demo_store, SYSTEM, REF)
    assert counts["Child protection"] == len(cp)
    assert sum(counts.values()) == len(everything)


def test_timeline_points_are_numbers_in_lane_and_category_order(demo_store):
    agencies, _ = case_agencies_and_types(demo_store, SYSTEM, REF)
    names = category_names(demo_store)
    points = timeline_points(demo_store, SYSTEM, REF, None, agencies, names)
    full = case_events(demo_store, SYSTEM, REF)
    assert list(points["event_id"]) == list(full["event_id"])
    assert [agencies[i] for i in points["lane"]] == list(full["agency"])
    assert [names[i] for i in points["category_index"]] == list(full["category"])
    assert set(points["precision_code"]) <= {0, 1, 2}
    by_category = timeline_points(demo_store, SYSTEM, REF, None, names, names, lane_by="category")
    assert list(by_category["lane"]) == list(by_category["category_index"])


def test_event_detail_has_extract_provenance(demo_store):
    event_id = first_event(demo_store)
    detail = event_detail(demo_store, SYSTEM, REF, event_id)
    assert detail.agency == "Police"
    assert detail.source.startswith("police.csv, row 2, uploaded by demo seed")
    assert detail.source_ref == "P-0001"
    with pytest.raises(NotFound):
        event_detail(demo_store, SYSTEM, REF, 10**9)


def test_episodes_add_edit_delete_and_validation(demo_store):
    episode_id = add_episode(
        demo_store,
        SYSTEM,
        REF,
        title="Missed appointments",
        start_date="2014-04-01",
        end_date="2014-11-30",
        assessment="problem",
    )
    [ep] = list_episodes(demo_store, SYSTEM, REF)
    assert (ep.episode_id, ep.title, ep.start_date) == (
        episode_id,
        "Missed appointments",
        date(2014, 4, 1),
    )
    update_episode(
        demo_store,
        SYSTEM,
        REF,
        episode_id,
        title="Missed health appointments",
        start_date="2014-04-01",
        end_date="2014-12-31",
        assessment="mixed",
        description="Several agencies knew",
    )
    [ep] = list_episodes(demo_store, SYSTEM, REF)
    assert (ep.title, ep.assessment, ep.end_date) == (
        "Missed health appointments",
        "mixed",
        date(2014, 12, 31),
    )
    with pytest.raises(InvalidInput, match=r"ends .* before it starts"):
        add_episode(
            demo_store,
            SYSTEM,
            REF,
            title="x",
            start_date="2015-01-02",
            end_date="2015-01-01",
            assessment="problem",
        )
    with pytest.raises(InvalidInput, match="assessment"):
        add_episode(
            demo_store,
            SYSTEM,
            REF,
            title="x",
            start_date="2015-01-01",
            end_date="2015-01-01",
            assessment="bad",
        )
    delete_episode(demo_store, SYSTEM, REF, episode_id)
    assert list_episodes(demo_store, SYSTEM, REF) == []
    # kept in the table for reflections that point at it
    assert demo_store.query_one(
        "SELECT deleted_at IS NOT NULL FROM episodes WHERE episode_id = ?", [episode_id]
    ) == (True,)
    with pytest.raises(NotFound):
        delete_episode(demo_store, SYSTEM, REF, episode_id)


def test_only_chairs_and_admins_change_episodes(demo_store):
    officer = add_user(demo_store, "pc", "agency", PASSWORD, agency="Police")
    with pytest.raises(Forbidden):
        add_episode(
            demo_store,
            officer,
            REF,
            title="x",
            start_date="2015-01-01",
            end_date="2015-01-02",
            assessment="problem",
        )


def test_event_added_in_the_meeting_has_its_provenance(demo_store):
    chair = add_user(demo_store, "chair1", "chair", PASSWORD)
    demo_store.query(
        "INSERT INTO case_members SELECT case_id, ?, 'chair', now() FROM cases", [chair.user_id]
    )
    before = len(case_events(demo_store, SYSTEM, REF))
    event_id = add_meeting_event(
        demo_store,
        chair,
        REF,
        agency="School",
        event_date="2019-05",
        date_precision="month",
        event_type="Phone call",
        summary="Teacher recalls a call with mother",
    )
    assert len(case_events(demo_store, SYSTEM, REF)) == before + 1
    detail = event_detail(demo_store, SYSTEM, REF, event_id)
    assert detail.source.startswith("added in the meeting by chair1")
    assert (detail.event_date, detail.date_precision) == (date(2019, 5, 1), "month")

    def added_by(user, **changes):
        fields = {"agency": "School", "event_date": "2019-05-01", "event_type": "x"}
        return add_meeting_event(demo_store, user, REF, **{**fields, "summary": "y", **changes})

    with pytest.raises(InvalidInput, match="summary is missing"):
        added_by(chair, summary=" ")
    with pytest.raises(InvalidInput, match="not a date"):
        added_by(chair, event_date="31/02/2019")
    # times typed on the 24-hour clock, one or two digits of hour, whatever the browser
    for typed, kept in (("9:05", time(9, 5)), ("21.30", time(21, 30)), ("07:45", time(7, 45))):
        assert (
            event_detail(demo_store, SYSTEM, REF, added_by(chair, event_time=typed)).event_time
            == kept
        )
    with pytest.raises(InvalidInput, match="24-hour clock"):
        added_by(chair, event_time="9:30 PM")
    officer = add_user(demo_store, "pc", "agency", PASSWORD, agency="Police")
    with pytest.raises(Forbidden):
        added_by(officer)


def test_correction_keeps_the_original_and_records_the_change(demo_store):
    event_id = first_event(demo_store)
    original = demo_store.query_one(
        "SELECT event_date, summary FROM events WHERE event_id = ?", [event_id]
    )
    correct_event(
        demo_store,
        SYSTEM,
        REF,
        event_id,
        event_date="2014-01-21",
        date_precision="day",
        event_type="Domestic incident",
        summary="Corrected summary",
        reason="Date was typed wrong in the extract",
    )
    detail = event_detail(demo_store, SYSTEM, REF, event_id)
    assert (detail.event_date, detail.summary, detail.corrected) == (
        date(2014, 1, 21),
        "Corrected summary",
        True,
    )
    assert detail.original["summary"] == original[1]
    assert [c["action"] for c in detail.changes] == ["correct"]
    assert detail.changes[0]["reason"] == "Date was typed wrong in the extract"
    # the events table is unchanged
    assert (
        demo_store.query_one(
            "SELECT event_date, summary FROM events WHERE event_id = ?", [event_id]
        )
        == original
    )
    assert "Corrected summary" in [r[5] for r in chronology_rows(demo_store, SYSTEM, REF)]
    with pytest.raises(InvalidInput, match="reason"):
        correct_event(
            demo_store,
            SYSTEM,
            REF,
            event_id,
            event_date="2014-01-21",
            date_precision="day",
            event_type="x",
            summary="y",
            reason="",
        )


def test_hiding_takes_the_event_off_the_timeline_and_can_be_undone(demo_store):
    event_id = first_event(demo_store)
    set_event_hidden(demo_store, SYSTEM, REF, event_id, hidden=True, reason="Duplicate of P-0002")
    assert event_id not in set(case_events(demo_store, SYSTEM, REF)["event_id"])
    assert event_id in set(case_events(demo_store, SYSTEM, REF, include_hidden=True)["event_id"])
    assert event_detail(demo_store, SYSTEM, REF, event_id).hidden
    everything = case_events(demo_store, SYSTEM, REF, include_hidden=True)
    shown = everything[~everything["hidden"]]
    # the heading's counts, in SQL: the hidden one apart
    counted = case_event_counts(demo_store, SYSTEM, REF)
    assert counted[:3] == (len(shown), shown["agency"].nunique(), 1)
    assert counted.first_day == everything["event_date"].min().date()
    assert counted.last_day == everything["event_date"].max().date()
    set_event_hidden(demo_store, SYSTEM, REF, event_id, hidden=False, reason="Not a duplicate")
    assert event_id in set(case_events(demo_store, SYSTEM, REF)["event_id"])
    assert case_event_counts(demo_store, SYSTEM, REF)[:3] == (
        len(everything),
        shown["agency"].nunique(),
        0,
    )
    assert [c["action"] for c in event_detail(demo_store, SYSTEM, REF, event_id).changes] == [
        "hide",
        "restore",
    ]


def test_agency_user_changes_only_their_agencys_events(demo_store):
    officer = add_user(demo_store, "pc", "agency", PASSWORD, agency="Police")
    demo_store.query(
        "INSERT INTO case_agencies SELECT c.case_id, a.agency_id, now() FROM cases c, agencies a"
        " WHERE a.name = 'Police' ON CONFLICT DO NOTHING"
    )
    set_event_hidden(demo_store, officer, REF, first_event(demo_store), hidden=True, reason="dup")
    with pytest.raises(Forbidden):
        set_event_hidden(
            demo_store, officer, REF, first_event(demo_store, "School"), hidden=True, reason="x"
        )


def test_lanes_by_category_are_the_categories_the_case_has_in_the_lists_order(demo_store):
    case_data = {"case_ref": "DEMO-J", "categories": category_data(categories(demo_store))}
    everything = EventFilter()
    lanes = lanes_for(demo_store, SYSTEM, case_data, [], everything, "category")
    assert lanes[0] == "Birth and family" and lanes[-1] == "Other"
    assert "Looked after and placement" not in lanes  # the demo has none
    only = EventFilter.of(categories=["Domestic abuse", "Birth and family"])
    assert lanes_for(demo_store, SYSTEM, case_data, [], only, "category") == [
        "Birth and family",
        "Domestic abuse",
    ]
    police = EventFilter.of(agencies=["Police"])
    assert lanes_for(demo_store, SYSTEM, case_data, ["Health", "Police"], police, "agency") == [
        "Police"
    ]
