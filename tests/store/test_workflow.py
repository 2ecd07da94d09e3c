"""The flowchart: stages in order, dates, who may record them, what is overdue."""

from __future__ import annotations

from datetime import date

import pytest

from components.actions import due_words, overdue_days
from data.actor import SYSTEM
from data.errors import Forbidden, InvalidInput
from data.setup import get_setup
from data.users import add_user, get_user
from data.workflow import (
    Stage,
    StageDone,
    case_stages_done,
    case_workflow_status,
    complete_stage,
    correct_stage,
    list_stages,
    record_stage,
    set_expected_days,
    stage_history,
    statuses_for_user,
    withdraw_stage,
    workflow_status,
)
from tests.support.rpm_case import CASE

STAGES = [
    Stage("identified", 1, "Identified", None),
    Stage("invites_sent", 2, "Invites", 14),
    Stage("meeting_held", 3, "Meeting", 28),
    Stage("record_distributed", 4, "Record", None),
]


def done(key, day):
    return StageDone(key, day, "someone", None)


def test_overdue_is_counted_from_the_stage_before():
    status = workflow_status(STAGES, [done("identified", date(2024, 1, 1))], date(2024, 1, 20))
    assert status.current.stage_key == "identified"
    assert status.next.stage_key == "invites_sent"
    assert status.due_on == date(2024, 1, 15)
    assert status.days_overdue == 5 and status.overdue
    assert "overdue by 5 days" in status.describe()


def test_not_overdue_on_the_due_day_and_without_a_duration():
    on_time = workflow_status(STAGES, [done("identified", date(2024, 1, 1))], date(2024, 1, 15))
    assert not on_time.overdue and on_time.describe().endswith("due 15 Jan 2024")
    no_limit = workflow_status(
        STAGES,
        [done(s.stage_key, date(2024, 1, 1)) for s in STAGES[:3]],
        date(2030, 1, 1),
    )
    assert no_limit.next.stage_key == "record_distributed"
    assert no_limit.due_on is None and not no_limit.overdue


def test_not_started_and_complete():
    assert workflow_status(STAGES, [], date(2024, 1, 1)).describe() == "not started"
    every = [done(s.stage_key, date(2024, 1, 1)) for s in STAGES]
    assert workflow_status(STAGES, every, date(2030, 1, 1)).describe() == "complete"


def test_stages_go_in_order_with_dates_that_never_go_back(rpm_store):
    store = rpm_store
    # Opening the demo case through update_setup does not record "identified": record it.
    record_stage(store, SYSTEM, CASE, "identified", date(2024, 6, 3), "Requested by school")
    with pytest.raises(InvalidInput, match="cannot be recorded before 'Purpose documented"):
        record_stage(store, SYSTEM, CASE, "meeting_held", date(2024, 7, 1))
    with pytest.raises(InvalidInput, match="before 'Case identified"):
        record_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 1))
    with pytest.raises(InvalidInput, match="in the future"):
        record_stage(store, SYSTEM, CASE, "invites_sent", date(2999, 1, 1))
    with pytest.raises(InvalidInput, match="unknown workflow stage"):
        record_stage(store, SYSTEM, CASE, "party", date(2024, 6, 10))
    record_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 10), "Letters sent")
    with pytest.raises(InvalidInput, match="already recorded on 10 Jun 2024"):
        record_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 11))
    rows = store.query(
        "SELECT stage_key, done_on, done_by, note FROM case_workflow ORDER BY done_on"
    )
    assert rows == [
        ("identified", date(2024, 6, 3), "cli", "Requested by school"),
        ("invites_sent", date(2024, 6, 10), "cli", "Letters sent"),
    ]
    status = case_workflow_status(store, SYSTEM, CASE, today=date(2024, 7, 20))
    assert status.next.stage_key == "meeting_held"
    assert status.due_on == date(2024, 7, 8) and status.days_overdue == 12


def test_who_may_record_stages(rpm_store):
    store = rpm_store
    chair = get_user(store, "pokafor")
    record_stage(store, chair, CASE, "identified", date(2024, 6, 3))
    # An agency user taking part in the case sees it but cannot move it on.
    agency_user = get_user(store, "swhitfield")
    with pytest.raises(Forbidden):
        record_stage(store, agency_user, CASE, "invites_sent", date(2024, 6, 4))
    # A chair of another case does not see this one at all.
    other = add_user(store, "otherchair", "chair", "chair-password-2")
    with pytest.raises(Forbidden):
        record_stage(store, other, CASE, "invites_sent", date(2024, 6, 4))
    assert store.query_one("SELECT count(*) FROM case_workflow")[0] == 1


def test_expected_durations_are_an_admin_setting_and_change_what_is_overdue(rpm_store):
    store = rpm_store
    record_stage(store, SYSTEM, CASE, "identified", date(2024, 6, 3))
    today = date(2024, 6, 20)
    assert statuses_for_user(store, SYSTEM, today)[CASE].days_overdue == 3  # 14 days expected
    with pytest.raises(Forbidden):
        set_expected_days(store, get_user(store, "pokafor"), {"invites_sent": 30})
    with pytest.raises(InvalidInput, match="must be 1-3650"):
        set_expected_days(store, SYSTEM, {"invites_sent": 20, "meeting_held": 0})
    assert {s.stage_key: s.expected_days for s in list_stages(store)}["invites_sent"] == 14
    set_expected_days(store, SYSTEM, {"invites_sent": 30})
    assert not statuses_for_user(store, SYSTEM, today)[CASE].overdue
    # The case list shows only the cases the user may open.
    assert statuses_for_user(store, add_user(store, "c2", "chair", "chair-password-2")) == {}


def _record_up_to_invites(store):
    record_stage(store, SYSTEM, CASE, "identified", date(2024, 6, 3))
    record_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 10))


def test_meeting_held_is_not_dated_before_the_meeting_unless_its_date_is_corrected(rpm_store):
    store = rpm_store  # the meeting is scheduled for 2 Sep 2024
    _record_up_to_invites(store)
    with pytest.raises(InvalidInput, match=r"scheduled for 02 Sep 2024.*correct the meeting date"):
        record_stage(store, SYSTEM, CASE, "meeting_held", date(2024, 8, 30))
    assert "meeting_held" not in {d.stage_key for d in case_stages_done(store, SYSTEM, CASE)}
    record_stage(
        store,
        SYSTEM,
        CASE,
        "meeting_held",
        date(2024, 8, 30),
        meeting_date_reason="Brought forward at the chair's request",
    )
    assert get_setup(store, SYSTEM, CASE).meeting_date == date(2024, 8, 30)
    changes = [
        (c.stage_key, c.change, c.before_on, c.reason) for c in stage_history(store, SYSTEM, CASE)
    ]
    assert changes[-2:] == [
        (
            "meeting_held",
            "meeting_date_corrected",
            date(2024, 9, 2),
            "Brought forward at the chair's request",
        ),
        ("meeting_held", "recorded", None, None),
    ]


def test_a_stage_recorded_by_mistake_is_corrected_or_withdrawn_with_a_reason(rpm_store):
    store = rpm_store
    _record_up_to_invites(store)
    with pytest.raises(InvalidInput, match="reason for correcting"):
        correct_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 12), None, " ")
    with pytest.raises(InvalidInput, match="before 'Case identified"):
        correct_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 1), None, "typo")
    correct_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 12), "By email", "Wrong day")
    with pytest.raises(InvalidInput, match="after 'Purpose documented"):
        correct_stage(store, SYSTEM, CASE, "identified", date(2024, 6, 20), None, "typo")
    with pytest.raises(InvalidInput, match="withdraw the later stages first"):
        withdraw_stage(store, SYSTEM, CASE, "identified", "mistake")
    with pytest.raises(InvalidInput, match="reason for withdrawing"):
        withdraw_stage(store, SYSTEM, CASE, "invites_sent", "")
    with pytest.raises(Forbidden):
        withdraw_stage(store, get_user(store, "swhitfield"), CASE, "invites_sent", "mistake")
    withdraw_stage(store, SYSTEM, CASE, "invites_sent", "Invites not sent after all")
    assert [d.stage_key for d in case_stages_done(store, SYSTEM, CASE)] == ["identified"]
    history = [
        (c.stage_key, c.change, c.done_on, c.before_on, c.reason)
        for c in stage_history(store, SYSTEM, CASE)
    ]
    assert history == [
        ("identified", "recorded", date(2024, 6, 3), None, None),
        ("invites_sent", "recorded", date(2024, 6, 10), None, None),
        ("invites_sent", "corrected", date(2024, 6, 12), date(2024, 6, 10), "Wrong day"),
        ("invites_sent", "withdrawn", None, date(2024, 6, 12), "Invites not sent after all"),
    ]
    # Withdrawn, it can be recorded again.
    record_stage(store, SYSTEM, CASE, "invites_sent", date(2024, 6, 14))


def test_an_action_completing_a_stage_records_the_stages_it_implies(rpm_store):
    store = rpm_store
    record_stage(store, SYSTEM, CASE, "identified", date(2024, 6, 3))
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    with store.transaction() as cur:
        complete_stage(cur, case_id, "meeting_held", date(2024, 9, 2), "pokafor", "record signed")
        complete_stage(cur, case_id, "meeting_held", date(2024, 9, 9), "pokafor", "again")
    done = {d.stage_key: d for d in case_stages_done(store, SYSTEM, CASE)}
    assert done["invites_sent"].note == "Not recorded separately; implied by: record signed"
    assert done["meeting_held"].done_on == date(2024, 9, 2)  # the second call changed nothing


def test_actions_past_due_and_not_done_are_overdue():
    today = date(2025, 3, 15)
    assert overdue_days("2025-03-03", "open", today) == 12
    assert overdue_days(date(2025, 3, 3), "In progress", today) == 12
    assert overdue_days("2025-03-03", "Done", today) == 0
    assert overdue_days("2025-03-03", "verified", today) == 0
    assert overdue_days(None, "open", today) == 0
    assert due_words("2025-03-15", "open", today) == "due 15 Mar 2025"
    assert due_words("2025-03-14", "open", today) == "overdue by 1 day (due 14 Mar 2025)"
