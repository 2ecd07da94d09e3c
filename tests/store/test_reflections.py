"""Reflections, learning points, actions, history and withdrawal on a temporary store."""

from __future__ import annotations

import threading

import pytest

from data import (
    blame_hints,
    cases,
    contributions,
    learning,
    reflections,
    reflective_models,
    revisions,
)
from data.actor import SYSTEM
from data.demo import DEMO_CASE_REF
from data.errors import Forbidden, InvalidInput, NotFound
from data.users import add_user


def _event_ids(store, case_ref=DEMO_CASE_REF) -> list[int]:
    return [
        e
        for (e,) in store.query(
            "SELECT event_id FROM events JOIN cases USING (case_id) WHERE case_ref = ?"
            " ORDER BY event_id",
            [case_ref],
        )
    ]


def _episode(store, title="Reception year", start="2019-09-01", end="2020-07-31") -> int:
    with store.transaction() as cur:
        return cur.execute(
            "INSERT INTO episodes (case_id, title, start_date, end_date, assessment, created_by)"
            " SELECT case_id, ?, ?, ?, 'mixed', 'test' FROM cases WHERE case_ref = ?"
            " RETURNING episode_id",
            [title, start, end, DEMO_CASE_REF],
        ).fetchone()[0]


@pytest.fixture
def police_user(demo_store):
    return add_user(demo_store, "pc-jones", "agency", "long-enough-pw", agency="Police")


def test_blaming_phrases_are_found_once_each():
    text = "The school FAILED TO refer, and should have known. Failed to follow up."
    assert blame_hints.blaming_phrases(text) == ["FAILED TO", "should have"]
    assert blame_hints.blaming_phrases("The referral was not passed on in time.") == []
    assert blame_hints.blaming_phrases(None) == []


def test_add_reflection_to_event_episode_and_case(demo_store):
    event_id = _event_ids(demo_store)[0]
    episode_id = _episode(demo_store)
    r1 = reflections.add_reflection(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="event",
        target_id=event_id,
        stage_key="description",
        question_key="going_on",
        text="  <b>Home visit</b> found the flat cold.\n",
        agency="Housing",
    )
    reflections.add_reflection(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="episode",
        target_id=episode_id,
        stage_key="feelings",
        text="Worried",
    )
    reflections.add_reflection(
        demo_store, SYSTEM, DEMO_CASE_REF, target_kind="case", stage_key="analysis", text="Overall"
    )
    on_event = reflections.list_reflections(
        demo_store, SYSTEM, DEMO_CASE_REF, target_kind="event", target_id=event_id
    )
    assert [r.reflection_id for r in on_event] == [r1]
    r = on_event[0]
    assert r.text == "  <b>Home visit</b> found the flat cold."  # stored as typed
    assert (r.stage_name, r.question_key, r.agency, r.author) == (
        "Description",
        "going_on",
        "Housing",
        "cli",
    )
    points = reflections.reflected_points(demo_store, SYSTEM, DEMO_CASE_REF)
    assert points == {"events": [event_id], "episodes": [episode_id], "case": [0]}
    assert reflections.stages_covered(demo_store, SYSTEM, DEMO_CASE_REF, "case", None) == {
        "analysis": 1
    }
    cov = reflections.coverage(demo_store, SYSTEM, DEMO_CASE_REF)
    assert cov["stages"][0].stage_key == "description"
    by_label = {row["label"]: row for row in cov["rows"]}
    assert by_label["The case as a whole"]["counts"] == {"analysis": 1}
    assert by_label["Housing"]["counts"] == {"description": 1}
    assert by_label["Police"]["counts"] == {}
    episode_row = next(row for row in cov["rows"] if row["group"] == "Episode")
    assert episode_row["counts"]["feelings"] == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "empty"),
        ({"text": "x" * (contributions.MAX_TEXT + 1)}, "maximum"),
        ({"stage_key": "now_what"}, "unknown stage"),
        ({"question_key": "why_not"}, "unknown question"),
        ({"agency": "Nowhere Agency"}, "unknown agency"),
        ({"target_kind": "meeting"}, "unknown point"),
    ],
)
def test_bad_reflection_saves_nothing(demo_store, changes, message):
    event_id = _event_ids(demo_store)[0]
    fields = {
        "target_kind": "event",
        "target_id": event_id,
        "stage_key": "description",
        "text": "What happened",
    } | changes
    with pytest.raises(InvalidInput, match=message):
        reflections.add_reflection(demo_store, SYSTEM, DEMO_CASE_REF, **fields)
    assert demo_store.query_one("SELECT count(*) FROM reflections")[0] == 0
    assert demo_store.query_one("SELECT count(*) FROM reflection_history")[0] == 0


def test_link_to_event_of_another_case_is_refused(demo_store):
    cases.add_case(demo_store, "OTHER-1")
    foreign = _event_ids(demo_store)[0]
    with pytest.raises(InvalidInput, match="not an event of case OTHER-1"):
        reflections.add_reflection(
            demo_store,
            SYSTEM,
            "OTHER-1",
            target_kind="event",
            target_id=foreign,
            stage_key="description",
            text="x",
        )
    with pytest.raises(InvalidInput, match="not an event of case OTHER-1"):
        learning.add_learning_point(
            demo_store, SYSTEM, "OTHER-1", scope="cross_agency", text="x", event_ids=[foreign]
        )
    assert demo_store.query_one("SELECT count(*) FROM learning_points")[0] == 0


def test_case_model_decides_the_stages(demo_store):
    reflective_models.set_case_model(demo_store, SYSTEM, DEMO_CASE_REF, "driscoll")
    with pytest.raises(InvalidInput, match="unknown stage"):
        reflections.add_reflection(
            demo_store, SYSTEM, DEMO_CASE_REF, target_kind="case", stage_key="feelings", text="x"
        )
    reflections.add_reflection(
        demo_store, SYSTEM, DEMO_CASE_REF, target_kind="case", stage_key="so_what", text="x"
    )
    with pytest.raises(InvalidInput, match="cannot change now"):
        reflective_models.set_case_model(demo_store, SYSTEM, DEMO_CASE_REF, "gibbs")
    assert [s.name for s in reflections.coverage(demo_store, SYSTEM, DEMO_CASE_REF)["stages"]] == [
        "What?",
        "So what?",
        "Now what?",
    ]


def test_edit_and_withdraw_keep_history_and_respect_authorship(demo_store, police_user):
    rid = reflections.add_reflection(
        demo_store,
        police_user,
        DEMO_CASE_REF,
        target_kind="case",
        stage_key="description",
        text="First words",
        agency="Police",
    )
    other = add_user(demo_store, "nurse-k", "agency", "long-enough-pw", agency="Police")
    with pytest.raises(Forbidden):
        reflections.edit_reflection(
            demo_store, other, DEMO_CASE_REF, rid, stage_key="description", text="Hijack"
        )
    reflections.edit_reflection(
        demo_store,
        police_user,
        DEMO_CASE_REF,
        rid,
        stage_key="evaluation",
        text="Better words",
        agency="Police",
    )
    reflections.withdraw_reflection(demo_store, SYSTEM, DEMO_CASE_REF, rid)  # admin may
    assert reflections.list_reflections(demo_store, SYSTEM, DEMO_CASE_REF) == []
    assert reflections.reflected_points(demo_store, SYSTEM, DEMO_CASE_REF)["case"] == []
    kept = demo_store.query_one(
        "SELECT text, withdrawn_by FROM reflections WHERE reflection_id = ?", [rid]
    )
    assert kept == ("Better words", "cli")
    history = reflections.reflection_history(demo_store, SYSTEM, DEMO_CASE_REF, rid)
    assert [(h["change"], h["changed_by"]) for h in history] == [
        ("created", "pc-jones"),
        ("edited", "pc-jones"),
        ("withdrawn", "cli"),
    ]
    assert history[1]["before"]["text"] == "First words"
    assert history[1]["after"] == {
        "stage_key": "evaluation",
        "question_key": None,
        "text": "Better words",
        "agency": "Police",
        "withdrawn": False,
    }
    with pytest.raises(NotFound):
        reflections.edit_reflection(
            demo_store, SYSTEM, DEMO_CASE_REF, rid, stage_key="description", text="again"
        )
    audited = demo_store.query(
        "SELECT actor, detail FROM audit_log WHERE action = 'change' AND case_ref = ?"
        " ORDER BY audit_id",
        [DEMO_CASE_REF],
    )
    assert audited == [
        ("pc-jones", f"reflection {rid} created"),
        ("pc-jones", f"reflection {rid} edited"),
        ("cli", f"reflection {rid} withdrawn"),
    ]


def test_twenty_threads_adding_reflections_at_once_lose_nothing(demo_store):
    event_ids = _event_ids(demo_store)
    errors = []
    start = threading.Barrier(20)

    def add_some(n: int) -> None:
        try:
            start.wait()
            for k in range(5):
                reflections.add_reflection(
                    demo_store,
                    SYSTEM,
                    DEMO_CASE_REF,
                    target_kind="event",
                    target_id=event_ids[(n * 5 + k) % len(event_ids)],
                    stage_key="analysis",
                    text=f"thread {n} note {k}",
                )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    revision_before = revisions.case_revision(demo_store, SYSTEM, DEMO_CASE_REF)
    threads = [threading.Thread(target=add_some, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    texts = {r.text for r in reflections.list_reflections(demo_store, SYSTEM, DEMO_CASE_REF)}
    assert texts == {f"thread {n} note {k}" for n in range(20) for k in range(5)}
    assert demo_store.query_one("SELECT count(*) FROM reflection_history")[0] == 100
    assert revisions.case_revision(demo_store, SYSTEM, DEMO_CASE_REF) == revision_before + 100


def test_learning_points_themes_links_and_history(demo_store):
    event_id = _event_ids(demo_store)[3]
    episode_id = _episode(demo_store)
    lid = learning.add_learning_point(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        scope="single_agency",
        agency="School",
        text="Attendance concerns were not shared",
        themes=["Information sharing", "School attendance and exclusion"],
        event_ids=[event_id],
        episode_ids=[episode_id],
        share_with_crc=True,
    )
    [lp] = learning.list_learning_points(demo_store, SYSTEM, DEMO_CASE_REF)
    assert (lp.learning_id, lp.scope, lp.agency, lp.share_with_crc) == (
        lid,
        "single_agency",
        "School",
        True,
    )
    assert lp.themes == ("Information sharing", "School attendance and exclusion")
    assert (lp.event_ids, lp.episode_ids) == ((event_id,), (episode_id,))
    with pytest.raises(InvalidInput, match="choose the agency"):
        learning.add_learning_point(
            demo_store, SYSTEM, DEMO_CASE_REF, scope="single_agency", text="x"
        )
    with pytest.raises(InvalidInput, match="unknown theme"):
        learning.add_learning_point(
            demo_store, SYSTEM, DEMO_CASE_REF, scope="cross_agency", text="x", themes=["Luck"]
        )
    learning.edit_learning_point(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        lid,
        scope="cross_agency",
        agency="School",
        text="Attendance concerns were not shared across agencies",
        themes=["Information sharing"],
    )
    [lp] = learning.list_learning_points(demo_store, SYSTEM, DEMO_CASE_REF)
    assert (lp.scope, lp.agency, lp.themes, lp.share_with_crc) == (
        "cross_agency",
        None,
        ("Information sharing",),
        False,
    )
    learning.withdraw_learning_point(demo_store, SYSTEM, DEMO_CASE_REF, lid)
    assert learning.list_learning_points(demo_store, SYSTEM, DEMO_CASE_REF) == []
    history = learning.learning_point_history(demo_store, SYSTEM, DEMO_CASE_REF, lid)
    assert [h["change"] for h in history] == ["created", "edited", "withdrawn"]
    assert history[1]["before"]["themes"] == [
        "Information sharing",
        "School attendance and exclusion",
    ]


def test_only_admin_adds_themes(demo_store, police_user):
    with pytest.raises(Forbidden):
        learning.add_theme(demo_store, police_user, "Housing instability")
    learning.add_theme(demo_store, SYSTEM, "Housing instability")
    assert "Housing instability" in learning.list_themes(demo_store)
    with pytest.raises(InvalidInput, match="already"):
        learning.add_theme(demo_store, SYSTEM, "housing instability")


def test_actions_status_evidence_and_history(demo_store):
    lid = learning.add_learning_point(
        demo_store, SYSTEM, DEMO_CASE_REF, scope="cross_agency", text="Share earlier"
    )
    aid = learning.add_action(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        learning.ActionFields(
            description="Add school to strategy discussions",
            owner_name="A. Manager",
            owner_agency="Children's Social Care",
            due_date="2026-12-31",
            learning_id=lid,
        ),
    )
    [action] = learning.list_actions(demo_store, SYSTEM, DEMO_CASE_REF)
    assert (action.status, action.owner_agency, str(action.due_date), action.learning_id) == (
        "open",
        "Children's Social Care",
        "2026-12-31",
        lid,
    )
    learning.set_action_status(demo_store, SYSTEM, DEMO_CASE_REF, aid, "in_progress")
    learning.set_action_status(
        demo_store, SYSTEM, DEMO_CASE_REF, aid, "done", evidence="Audit of 20 cases: all invited"
    )
    action = learning.get_action(demo_store, SYSTEM, DEMO_CASE_REF, aid)
    assert (action.status, action.evidence) == ("done", "Audit of 20 cases: all invited")
    assert action.completed_on is not None
    with pytest.raises(InvalidInput, match="unknown status"):
        learning.set_action_status(demo_store, SYSTEM, DEMO_CASE_REF, aid, "finished")
    with pytest.raises(InvalidInput, match="owner"):
        learning.add_action(demo_store, SYSTEM, DEMO_CASE_REF, learning.ActionFields("x", " "))
    with pytest.raises(InvalidInput, match="not a date"):
        learning.add_action(
            demo_store, SYSTEM, DEMO_CASE_REF, learning.ActionFields("x", "y", due_date="soon")
        )
    learning.withdraw_action(demo_store, SYSTEM, DEMO_CASE_REF, aid)
    assert learning.list_actions(demo_store, SYSTEM, DEMO_CASE_REF) == []
    history = learning.action_history(demo_store, SYSTEM, DEMO_CASE_REF, aid)
    assert [(h["change"], (h["after"] or {}).get("status")) for h in history] == [
        ("created", "open"),
        ("edited", "in_progress"),
        ("edited", "done"),
        ("withdrawn", "done"),
    ]


def test_other_agency_cannot_reach_the_case(demo_store):
    outsider = add_user(demo_store, "outsider", "agency", "long-enough-pw", agency="Probation")
    with pytest.raises(Forbidden):
        reflections.add_reflection(
            demo_store,
            outsider,
            DEMO_CASE_REF,
            target_kind="case",
            stage_key="description",
            text="x",
        )
    with pytest.raises(Forbidden):
        learning.list_learning_points(demo_store, outsider, DEMO_CASE_REF)


def test_find_reflections_by_stage_question_and_agency(demo_store):
    events = _event_ids(demo_store)
    episode_id = _episode(demo_store)
    add = reflections.add_reflection
    add(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="case",
        stage_key="analysis",
        text="c",
        question_key="barrier",
    )
    add(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="event",
        target_id=events[5],
        stage_key="analysis",
        text="e",
        question_key="barrier",
        agency="Police",
    )
    add(
        demo_store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="episode",
        target_id=episode_id,
        stage_key="feelings",
        text="p",
        agency="Police",
    )
    found = reflections.find_reflections(demo_store, SYSTEM, DEMO_CASE_REF, question_key="barrier")
    assert [f.reflection.text for f in found] == ["c", "e"]
    assert found[0].point == "The case as a whole"
    assert " · " in found[1].point
    police = reflections.find_reflections(demo_store, SYSTEM, DEMO_CASE_REF, agency="Police")
    assert {f.reflection.text for f in police} == {"e", "p"}
    feelings = reflections.find_reflections(demo_store, SYSTEM, DEMO_CASE_REF, stage_key="feelings")
    assert [f.point for f in feelings] == ["Episode: Reception year (from 01 Sep 2019)"]


def test_reflections_on_a_retired_event_stay_visible_and_are_flagged(store, tmp_path):
    from data.ingest import ingest_file

    cases.add_case(store, "C-R")
    first = tmp_path / "police-v1.csv"
    first.write_text("date,event_type,summary\n2016-01-02,Incident,first version\n")
    ingest_file(store, "C-R", "Police", first)
    (event_id,) = _event_ids(store, "C-R")
    reflections.add_reflection(
        store,
        SYSTEM,
        "C-R",
        target_kind="event",
        target_id=event_id,
        stage_key="description",
        question_key=None,
        text="Officers attended quickly.",
        agency="Police",
    )
    corrected = tmp_path / "police-v2.csv"
    corrected.write_text("date,event_type,summary\n2016-01-03,Incident,corrected version\n")
    ingest_file(store, "C-R", "Police", corrected, replace=True)

    (found,) = reflections.find_reflections(store, SYSTEM, "C-R")
    assert found.reflection.text == "Officers attended quickly."
    assert found.point.endswith(f"({reflections.RETIRED_NOTE})")
    point = reflections.describe_point(store, SYSTEM, "C-R", "event", event_id)
    assert point["title"].endswith(f"({reflections.RETIRED_NOTE})")
    # No ring is drawn for an event that is no longer on the timeline.
    assert reflections.reflected_events(store, SYSTEM, "C-R").empty
