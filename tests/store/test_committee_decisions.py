"""The committee's consideration (stage 6) and the briefings delivered (stage 7): recorded by
committee members on case keys, refused when their words identify someone, completing the
flowchart's stages of every case they cover."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data import committee
from data.actor import SYSTEM
from data.crc import case_key_of
from data.errors import Forbidden, InvalidInput, NotFound
from data.record import save_draft, sign_off, start_amendment
from data.users import add_user, get_user
from data.workflow import case_stages_done, record_stage, stage_history, withdraw_stage
from tests.support.rpm_case import CASE, RECORD

TODAY = date.today()


@pytest.fixture
def signed(rpm_store):
    """The RPM case signed off by its chair; a committee member; the case's key."""
    store = rpm_store
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    member = add_user(store, "committee", "crc", "crc-test-password")
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    return store, member, case_key_of(store, case_id)


def stages(store) -> dict:
    return {d.stage_key: d for d in case_stages_done(store, SYSTEM, CASE)}


def test_a_decision_on_a_case_key_records_stage_6_with_its_date_and_who(signed):
    store, member, key = signed
    decision_id = committee.record_decision(
        store,
        member,
        committee.Subject(case_key=key),
        "The shared learning on information sharing between school and health.",
        "Ask the health and education leads for a joint protocol.",
        TODAY,
        today=TODAY,
    )
    done = stages(store)["crc_considered"]
    assert (done.done_on, done.done_by) == (TODAY, "committee")
    assert f"decision {decision_id} on case {key}" in done.note
    # Stage 5 was not recorded separately: it is implied, and says so.
    assert done.note and stages(store)["sent_to_business_unit"].note.startswith("Not recorded")
    assert [c.change for c in stage_history(store, SYSTEM, CASE)][-2:] == ["recorded"] * 2
    (decision,) = committee.list_decisions(store, member, committee.Subject(case_key=key))
    assert decision.case_keys == (key,) and decision.decided_on == TODAY
    # A second decision on the same case keeps the first date of the stage.
    committee.record_decision(
        store, member, committee.Subject(case_key=key), "Progress", "Keep it open", TODAY
    )
    assert stages(store)["crc_considered"].done_on == TODAY


def test_a_theme_decision_covers_every_case_whose_shared_learning_has_it(signed):
    store, member, key = signed
    committee.record_decision(
        store,
        member,
        committee.Subject(theme="Information sharing"),
        "Learning on information sharing across cases",
        "A multi-agency audit",
        TODAY,
        today=TODAY,
    )
    (decision,) = committee.list_decisions(store, member, committee.Subject(case_key=key))
    assert decision.theme == "Information sharing" and decision.case_keys == (key,)
    assert "crc_considered" in stages(store)
    with pytest.raises(InvalidInput, match="no signed-off learning"):
        committee.record_decision(
            store, member, committee.Subject(theme="Neglect"), "x", "y", TODAY, today=TODAY
        )


def test_the_committee_words_may_not_identify_anyone_nor_name_a_case_reference(signed):
    store, member, key = signed
    subject = committee.Subject(case_key=key)
    for considered, why in (
        ("What Alex Brown told the school", "name in the case glossary"),
        ("Learning from DEMO-J", "case reference"),
        ("Mother on 07700 900123", "phone number"),
    ):
        with pytest.raises(InvalidInput, match=why):
            committee.record_decision(store, member, subject, considered, "Agreed", TODAY)
    assert committee.list_decisions(store, member) == []
    assert "crc_considered" not in stages(store)


def test_only_cases_with_a_signed_off_latest_record_can_be_considered(signed):
    store, member, key = signed
    start_amendment(store, get_user(store, "pokafor"), CASE, "A date was wrong")
    with pytest.raises(NotFound):
        committee.record_decision(
            store, member, committee.Subject(case_key=key), "x", "y", TODAY, today=TODAY
        )
    with pytest.raises(NotFound):
        committee.record_decision(
            store, member, committee.Subject(case_key="KNOTAKEY"), "x", "y", TODAY
        )


def test_agency_and_chair_users_are_refused(signed):
    store, _member, key = signed
    officer = add_user(store, "officer", "agency", "crc-test-password", agency="Police")
    for user in (officer, get_user(store, "pokafor")):
        with pytest.raises(Forbidden):
            committee.record_decision(store, user, committee.Subject(case_key=key), "x", "y", TODAY)
        with pytest.raises(Forbidden):
            committee.list_decisions(store, user)


def test_dates_in_the_future_or_before_the_record_was_completed_are_refused(signed):
    store, member, key = signed
    with pytest.raises(InvalidInput, match="earlier stages were recorded up to"):
        committee.record_decision(
            store, member, committee.Subject(case_key=key), "x", "y", TODAY - timedelta(days=1)
        )
    with pytest.raises(InvalidInput, match="in the future"):
        committee.record_decision(
            store,
            member,
            committee.Subject(case_key=key),
            "x",
            "y",
            TODAY + timedelta(days=1),
            today=TODAY,
        )


def test_organisational_actions_are_planned_updated_and_their_history_kept(signed):
    store, member, key = signed
    decision_id = committee.record_decision(
        store, member, committee.Subject(case_key=key), "Learning", "Act", TODAY
    )
    action_id = committee.plan_action(
        store, member, decision_id, "A joint protocol", "School", "2025-01-31", "open"
    )
    with pytest.raises(InvalidInput, match="unknown agency"):
        committee.plan_action(store, member, decision_id, "x", "Nowhere", None)
    with pytest.raises(InvalidInput, match="agency that owns"):
        committee.plan_action(store, member, decision_id, "x", "", None)
    with pytest.raises(InvalidInput, match="name in the case glossary"):
        committee.plan_action(store, member, decision_id, "Call Jo Green", "School", None)
    committee.update_action(store, member, action_id, "done", "2025-01-31", "Protocol in use")
    (decision,) = committee.list_decisions(store, member)
    (action,) = decision.actions
    assert (action.owner_agency, action.status, action.evidence) == (
        "School",
        "done",
        "Protocol in use",
    )
    assert action.completed_on is not None
    changes = store.query(
        "SELECT change, status FROM committee_action_changes WHERE action_id = ?"
        " ORDER BY change_id",
        [action_id],
    )
    assert changes == [("planned", "open"), ("updated", "done")]
    # The analysts' view: keys, no text.
    assert store.query(
        "SELECT committee_action_key, agency, status FROM crc_committee_actions"
    ) == [(action_id, "School", "done")]


def test_a_briefing_delivered_records_stage_7(signed):
    store, member, key = signed
    committee.record_decision(
        store, member, committee.Subject(case_key=key), "Learning", "Brief", TODAY
    )
    delivery_id = committee.record_delivery(
        store,
        member,
        committee.Subject(case_key=key),
        "briefing",
        TODAY,
        "Designated safeguarding leads",
        ["School", "GP and Health Visiting"],
        "23",
        today=TODAY,
    )
    done = stages(store)["frontline_informed"]
    assert (done.done_on, done.done_by) == (TODAY, "committee")
    assert "Designated safeguarding leads" in done.note and "23 attended" in done.note
    (delivery,) = committee.list_deliveries(store, member, committee.Subject(case_key=key))
    assert (delivery.delivery_id, delivery.agencies, delivery.attended) == (
        delivery_id,
        ("GP and Health Visiting", "School"),
        23,
    )
    for kwargs, why in (
        ({"attended": "0"}, "1 to"),
        ({"attended": "many"}, "whole number"),
        ({"agencies": []}, "choose the agencies"),
        ({"agencies": ["School", "  "]}, "unknown agency '  '"),  # a blank name, hand-made
        ({"agencies": ["Nowhere"]}, "unknown agency 'Nowhere'"),
        ({"audience": "Friends of Jo Green"}, "name in the case glossary"),
        ({"kind": "party"}, "unknown kind"),
    ):
        args = {
            "kind": "workshop",
            "audience": "Health visitors",
            "agencies": ["School"],
            "attended": 5,
            **kwargs,
        }
        with pytest.raises(InvalidInput, match=why):
            committee.record_delivery(
                store, member, committee.Subject(case_key=key), delivered_on=TODAY, **args
            )
    assert len(committee.list_deliveries(store, member)) == 1


def test_decisions_and_deliveries_are_corrected_or_withdrawn_with_a_reason_kept(signed):
    store, member, key = signed
    with store.transaction() as cur:
        cur.execute("UPDATE case_workflow SET done_on = done_on - INTERVAL 10 DAY")
    on_case = committee.Subject(case_key=key)
    early, later = TODAY - timedelta(days=2), TODAY - timedelta(days=1)
    first = committee.record_decision(store, member, on_case, "Learning", "Act", early)
    second = committee.record_decision(store, member, on_case, "Progress", "Keep open", TODAY)
    action_id = committee.plan_action(store, member, first, "A protocol", "School", None)
    # A correction keeps what it said before; the stage follows the earliest decision's date.
    with pytest.raises(InvalidInput, match="reason for the correction is empty"):
        committee.correct_decision(store, member, first, "Learning", "Act", later, " ")
    with pytest.raises(InvalidInput, match="name in the case glossary"):
        committee.correct_decision(store, member, first, "Learning", "Ask Jo Green", later, "typo")
    with pytest.raises(InvalidInput, match="nothing was changed"):
        committee.correct_decision(store, member, first, "Learning", "Act", early, "typo")
    with pytest.raises(InvalidInput, match="before 'Record and learning sent"):
        committee.correct_decision(
            store, member, first, "Learning", "Act", early - timedelta(days=1), "Earlier"
        )
    committee.correct_decision(store, member, first, "Learning", "Act now", later, "Wrong day")
    assert stages(store)["crc_considered"].done_on == later
    (change,) = committee.list_decisions(store, member)[1].changes
    assert (change.change, change.before["decision"], change.after["decision"], change.reason) == (
        "corrected",
        "Act",
        "Act now",
        "Wrong day",
    )
    # A briefing delivered: stage 7; the decision behind stage 6 cannot go while it stands.
    delivery = committee.record_delivery(
        store, member, on_case, "briefing", TODAY, "Health visitors", ["School"], 9
    )
    committee.withdraw_record(store, member, "decision", second, "Recorded twice")
    assert stages(store)["crc_considered"].done_on == later  # the first still covers the case
    with pytest.raises(InvalidInput, match="cannot be withdrawn while 'Frontline"):
        committee.withdraw_record(store, member, "decision", first, "Not decided")
    assert [d.decision_id for d in committee.list_decisions(store, member)] == [first]
    committee.correct_delivery(
        store, member, delivery, "workshop", TODAY, "Health visitors", ["School"], 12, "Count"
    )
    assert "workshop" in committee.list_deliveries(store, member)[0].kind
    with pytest.raises(InvalidInput, match="before"):  # before the committee considered it
        committee.correct_delivery(
            store, member, delivery, "workshop", early, "Health visitors",
            ["School"], 12, "Date",
        )  # fmt: skip
    committee.withdraw_record(store, member, "delivery", delivery, "Did not happen")
    assert "frontline_informed" not in stages(store)
    committee.withdraw_record(store, member, "decision", first, "Not decided")
    assert "crc_considered" not in stages(store)
    history = [
        (c.stage_key, c.change, c.reason)
        for c in stage_history(store, SYSTEM, CASE)
        if c.stage_key in ("crc_considered", "frontline_informed")
    ]
    assert history == [
        ("crc_considered", "recorded", None),
        ("crc_considered", "corrected", f"decision {first} corrected: Wrong day"),
        ("frontline_informed", "recorded", None),
        ("frontline_informed", "withdrawn", f"delivery {delivery} withdrawn: Did not happen"),
        ("crc_considered", "withdrawn", f"decision {first} withdrawn: Not decided"),
    ]
    # Withdrawn ones leave the lists, the analysts' views and take no new actions; kept aside.
    assert committee.list_decisions(store, member) == []
    assert {d.decision_id for d in committee.list_decisions(store, member, withdrawn=True)} == {
        first,
        second,
    }
    assert store.query("SELECT * FROM crc_committee_decisions") == []
    assert store.query("SELECT * FROM crc_committee_actions") == []
    assert store.query("SELECT * FROM crc_briefing_deliveries") == []
    with pytest.raises(NotFound, match="withdrawn"):
        committee.plan_action(store, member, first, "More", "School", None)
    with pytest.raises(NotFound, match="withdrawn"):
        committee.update_action(store, member, action_id, "done")
    with pytest.raises(NotFound, match="withdrawn"):
        committee.withdraw_record(store, member, "decision", first, "Again")


def test_withdrawing_or_correcting_a_decision_leaves_a_stage_6_recorded_by_hand(signed):
    store, member, key = signed
    with store.transaction() as cur:
        cur.execute("UPDATE case_workflow SET done_on = done_on - INTERVAL 10 DAY")
    by_hand = TODAY - timedelta(days=3)
    record_stage(store, SYSTEM, CASE, "sent_to_business_unit", by_hand - timedelta(days=1))
    record_stage(store, SYSTEM, CASE, "crc_considered", by_hand, "Considered at the May meeting")
    on_case = committee.Subject(case_key=key)
    decision = committee.record_decision(store, member, on_case, "Learning", "Act", TODAY)
    committee.correct_decision(
        store, member, decision, "Learning", "Act", TODAY - timedelta(days=1), "Wrong day"
    )
    committee.withdraw_record(store, member, "decision", decision, "Recorded by mistake")
    # Only what the decision recorded follows it: the hand-recorded stage stays as it was.
    done = stages(store)["crc_considered"]
    assert (done.done_on, done.note) == (by_hand, "Considered at the May meeting")
    changes = [
        c.change for c in stage_history(store, SYSTEM, CASE) if c.stage_key == "crc_considered"
    ]
    assert changes == ["recorded"]
    # A stage the decision did record is withdrawn with it, as before.
    record_stage(store, SYSTEM, CASE, "frontline_informed", TODAY)
    withdraw_stage(store, SYSTEM, CASE, "frontline_informed", "Not yet")
    withdraw_stage(store, SYSTEM, CASE, "crc_considered", "Not yet")
    again = committee.record_decision(store, member, on_case, "Learning", "Act", TODAY)
    assert stages(store)["crc_considered"].done_on == TODAY
    committee.withdraw_record(store, member, "decision", again, "Recorded by mistake")
    assert "crc_considered" not in stages(store)
