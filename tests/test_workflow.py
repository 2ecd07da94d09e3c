"""The flowchart: stages in order, dates, who may record them, what is overdue."""

from __future__ import annotations

from datetime import date

import pytest

from data.access import SYSTEM
from data.errors import Forbidden, InvalidInput
from data.users import add_user, get_user
from data.workflow import (
    Stage,
    StageDone,
    case_workflow_status,
    list_stages,
    record_stage,
    set_expected_days,
    statuses_for_user,
    workflow_status,
)
from tests.rpm_case import CASE

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
