"""The meeting record: drafts, sign-off with required fields, the lock, amendments, versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from components.documents.blocks import doc_text
from components.documents.learning_log import learning_log_doc
from data.actor import SYSTEM
from data.errors import Forbidden, InvalidInput
from data.learning_log_model import LearningLog, StageCount
from data.record import (
    AWAITING_REVIEW,
    age_at,
    crc_summary,
    learning_log,
    list_versions,
    save_draft,
    sign_off,
    start_amendment,
)
from data.shared_wording import confirm_wording, review_items
from data.users import get_user
from data.workflow import case_stages_done, case_workflow_status
from tests.support.rpm_case import (
    ACTION,
    CASE,
    CHAIR,
    NOT_SHARED,
    RECORD,
    SHARED,
    make_case,
)


def snapshot_rows(store):
    return store.query("SELECT * FROM meeting_records ORDER BY version")


def test_no_meeting_yet_is_refused_by_name(store):
    make_case(store, meeting_date=None)
    with pytest.raises(InvalidInput, match="case DEMO-J has no meeting yet"):
        save_draft(store, SYSTEM, CASE, **RECORD)
    with pytest.raises(InvalidInput, match="no meeting yet"):
        learning_log(store, SYSTEM, CASE)
    assert snapshot_rows(store) == []


def test_sign_off_needs_every_required_field_and_changes_nothing_otherwise(rpm_store):
    store = rpm_store
    save_draft(store, SYSTEM, CASE, issues=RECORD["issues"], timescale="", conclusions=None)
    before = snapshot_rows(store)
    with pytest.raises(InvalidInput) as refused:
        sign_off(store, SYSTEM, CASE, on_behalf=True)
    message = str(refused.value)
    assert "the timescale considered" in message
    assert "the conclusions / outcomes" in message
    assert "issues" not in message  # filled
    assert snapshot_rows(store) == before


def test_signed_record_is_locked_and_amendments_are_new_versions(rpm_store):
    store = rpm_store
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD, attended_ids=[])
    signed = sign_off(store, chair, CASE)
    assert signed.version == 1 and signed.signed and signed.signed_by == "pokafor"
    log_v1 = learning_log(store, chair, CASE, 1)
    assert log_v1.status == "signed off" and log_v1.signed_name == CHAIR

    # Editing a locked record is refused and changes nothing.
    before = snapshot_rows(store)
    with pytest.raises(InvalidInput, match="version 1 of the record is signed off and locked"):
        save_draft(store, chair, CASE, issues="changed", timescale="x", conclusions="y")
    with pytest.raises(InvalidInput, match="already signed off"):
        sign_off(store, chair, CASE)
    assert snapshot_rows(store) == before

    # The signed version does not move when the live learning changes.
    store.query("UPDATE learning_points SET text = 'rewritten later' WHERE text = ?", [SHARED])
    assert SHARED in learning_log(store, chair, CASE, 1).as_json()

    with pytest.raises(InvalidInput, match="reason for the amendment is missing"):
        start_amendment(store, chair, CASE, "  ")
    amended = start_amendment(store, chair, CASE, "Learning point reworded")
    assert (amended.version, amended.signed, amended.amendment_reason) == (
        2,
        False,
        "Learning point reworded",
    )
    assert amended.issues == RECORD["issues"]  # carried forward
    with pytest.raises(InvalidInput, match="no signed-off version to amend"):
        start_amendment(store, chair, CASE, "again")
    draft = learning_log(store, chair, CASE)
    assert draft.version == 2 and draft.status == "draft"
    assert "rewritten later" in draft.as_json()
    save_draft(store, chair, CASE, **{**RECORD, "conclusions": "Amended conclusions"})
    # The shared point was reworded: its wording for the committee is reviewed again first.
    with pytest.raises(InvalidInput, match="redaction review of 1 learning point"):
        sign_off(store, chair, CASE)
    (item,) = review_items(store, chair, CASE)
    confirm_wording(store, chair, CASE, item.learning_id, item.proposed_text)
    sign_off(store, chair, CASE)
    versions = list_versions(store, chair, CASE)
    assert [(v.version, v.signed) for v in versions] == [(1, True), (2, True)]
    assert learning_log(store, chair, CASE, 1).conclusions == RECORD["conclusions"]
    assert learning_log(store, chair, CASE, 2).conclusions == "Amended conclusions"


def test_sign_off_is_the_signed_in_chair_and_records_the_stage(rpm_store):
    store = rpm_store
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    signed = sign_off(store, chair, CASE, now=datetime(2024, 9, 20, 15, 30))
    assert (signed.signed_name, signed.signed_by, signed.signed_on_behalf) == (
        CHAIR,
        "pokafor",
        False,
    )
    done = {d.stage_key: d for d in case_stages_done(store, chair, CASE)}
    # The meeting was held on its date; the record completed on the day it was signed.
    assert done["meeting_held"].done_on == date(2024, 9, 2)
    assert done["record_distributed"].done_on == date(2024, 9, 20)
    assert done["record_distributed"].done_by == "pokafor"
    status = case_workflow_status(store, chair, CASE, today=date(2024, 9, 25))
    assert status.current.stage_key == "record_distributed" and not status.overdue


def test_an_admin_signs_only_on_the_chairs_behalf_and_the_record_says_so(rpm_store):
    store = rpm_store
    save_draft(store, SYSTEM, CASE, **RECORD)
    before = snapshot_rows(store)
    with pytest.raises(InvalidInput, match="signing on the chair's behalf"):
        sign_off(store, SYSTEM, CASE)
    assert snapshot_rows(store) == before
    signed = sign_off(store, SYSTEM, CASE, on_behalf=True)
    assert (signed.signed_name, signed.signed_by, signed.signed_on_behalf) == (CHAIR, "cli", True)
    log = learning_log(store, SYSTEM, CASE, 1)
    assert log.signed_on_behalf is True
    text = doc_text(learning_log_doc(log, None, "not asked"))
    assert f"Signed on behalf of the chair, {CHAIR}, by the administrator cli" in text


def test_only_the_cases_chair_signs(rpm_store):
    store = rpm_store
    save_draft(store, SYSTEM, CASE, **RECORD)
    facilitator = get_user(store, "swhitfield")
    with pytest.raises(Forbidden):
        sign_off(store, facilitator, CASE)
    assert [v.signed for v in list_versions(store, SYSTEM, CASE)] == [False]


def test_only_the_cases_chair_or_an_admin_edits(rpm_store):
    store = rpm_store
    agency_user = get_user(store, "swhitfield")  # sees the case through its agency
    with pytest.raises(Forbidden):
        save_draft(store, agency_user, CASE, **RECORD)
    assert snapshot_rows(store) == []


def test_learning_log_is_filled_from_the_meeting(rpm_store):
    store = rpm_store
    save_draft(store, SYSTEM, CASE, **RECORD)
    log = learning_log(store, SYSTEM, CASE)
    assert [p.name for p in log.professionals] == ["Alex Brown", "Jo Green", "Priya Shah"]
    points = {p.text: p for p in log.learning_points}
    assert points[SHARED].stage == "Analysis"
    assert points[SHARED].themes == ("Information sharing",)
    assert points[SHARED].on_timeline is not None
    assert points[NOT_SHARED].agency == "Police"
    assert log.learning_points[0].text == SHARED  # linked to the timeline, so first
    assert [a.description for a in log.actions] == [ACTION]
    assert log.reflections_by_stage == (StageCount("Feelings", 1),)
    assert log.journey.event_count > 300
    # Ticking who attended narrows the professionals involved.
    alex = store.query_one("SELECT invitee_id FROM invitees WHERE name = 'Alex Brown'")[0]
    save_draft(store, SYSTEM, CASE, **RECORD, attended_ids=[alex])
    assert [p.name for p in learning_log(store, SYSTEM, CASE).professionals] == ["Alex Brown"]


def test_age_at_the_meeting():
    from datetime import date

    assert age_at(date(2014, 3, 11), date(2024, 9, 2)) == "10 years 5 months"
    assert age_at(date(2024, 3, 11), date(2024, 4, 10)) == "0 months"
    assert age_at(date(2023, 3, 11), date(2024, 3, 11)) == "1 year"
    assert age_at(None, date(2024, 1, 1)) is None


def test_crc_summary_keeps_only_reviewed_shared_wording_under_the_case_key():
    log = LearningLog.from_dict({
        "case_ref": "X-1",
        "case_name": "Child K",
        "date_of_birth": "2015-01-20",
        "meeting_date": "2024-02-01",
        "chair_name": "Pat Okafor",
        "version": 2,
        "status": "draft",
        "learning_points": [
            {"learning_id": 1, "scope": "cross_agency", "scope_label": "Cross-agency",
             "agency": None, "stage": "Analysis", "themes": [],
             "text": "Pat Okafor and Sam Whitfield saw Child K", "share_with_crc": True,
             "shared_text": "The chair and the facilitator saw the child"},
            {"learning_id": 2, "scope": "cross_agency", "scope_label": "Cross-agency",
             "agency": None, "stage": None, "themes": [],
             "text": "Sam saw Child K at 14 Elm Road", "share_with_crc": True,
             "shared_text": None},
            {"learning_id": 3, "scope": "single_agency", "scope_label": "Single-agency",
             "agency": "Police", "stage": None, "themes": [],
             "text": "not for the committee", "share_with_crc": False, "shared_text": None},
        ],
    })  # fmt: skip
    summary = crc_summary(log, "K0123456789")
    assert summary["age_at_meeting"] == "9 years"
    assert (summary["case_key"], summary["version"]) == ("K0123456789", 2)
    assert "case_ref" not in summary
    # A draft lists the point awaiting review without its text.
    assert [item["text"] for item in summary["learning"]] == [
        "The chair and the facilitator saw the child",
        AWAITING_REVIEW,
    ]
    # Signed off: only reviewed wording.
    signed = crc_summary(replace(log, status="signed off"), "K0123456789")
    assert [item["text"] for item in signed["learning"]] == [
        "The chair and the facilitator saw the child"
    ]


def test_the_links_supporting_a_learning_point_are_in_the_learning_log(rpm_store):
    from dataclasses import asdict

    from data import event_links

    store = rpm_store
    save_draft(store, SYSTEM, CASE, **RECORD)
    (linked,) = store.query_one(
        "SELECT event_id FROM learning_point_links k JOIN learning_points USING (learning_id)"
        " WHERE text = ?",
        [SHARED],
    )
    agency = store.query_one("SELECT agency_id FROM events WHERE event_id = ?", [linked])[0]

    def latest_of_another_agency(*not_agencies):
        return store.query_one(
            "SELECT event_id, agency_id FROM events WHERE NOT list_contains(?, agency_id)"
            " ORDER BY event_date DESC, event_id LIMIT 1",
            [list(not_agencies)],
        )

    other, other_agency = latest_of_another_agency(agency)
    third, third_agency = latest_of_another_agency(agency, other_agency)
    fourth, _ = latest_of_another_agency(agency, other_agency, third_agency)
    event_links.add_link(store, SYSTEM, CASE, linked, other, "should have been shared")
    event_links.add_link(store, SYSTEM, CASE, third, fourth, "information shared")  # unrelated
    gone = event_links.add_link(store, SYSTEM, CASE, third, linked, "information requested")
    event_links.remove_link(store, SYSTEM, CASE, gone, "recorded by mistake")
    log = learning_log(store, SYSTEM, CASE)
    points = {p.text: p for p in log.learning_points}
    (words,) = points[SHARED].links
    assert words.startswith("should have been shared: ") and " → " in words
    assert points[NOT_SHARED].links == ()  # linked to no event the links touch
    assert f"Who told whom: {words}." in doc_text(learning_log_doc(log, None, "not asked"))
    # the signed snapshot keeps them, and a snapshot from before links still reads
    assert LearningLog.from_json(log.as_json()).learning_points == log.learning_points
    old = asdict(log)
    for point in old["learning_points"]:
        del point["links"]
    assert all(p.links == () for p in LearningLog.from_dict(old).learning_points)


def test_a_reflection_written_under_the_lens_says_so_in_the_learning_log(rpm_store):
    from data.reflections import add_reflection

    store = rpm_store
    save_draft(store, SYSTEM, CASE, **RECORD)
    event_id, agency = store.query_one(
        "SELECT e.event_id, a.name FROM events e JOIN agencies a USING (agency_id)"
        " ORDER BY e.event_date, e.event_id LIMIT 1"
    )
    for lens_agency in (agency, None):
        add_reflection(
            store, SYSTEM, CASE, target_kind="event", target_id=event_id, stage_key="analysis",
            text=f"Read as {lens_agency} knew it.", lens_date=date(2016, 3, 14),
            lens_agency=lens_agency,
        )  # fmt: skip
    log = learning_log(store, SYSTEM, CASE)
    lenses = {r.text: r.lens for r in log.reflections}
    assert lenses[f"Read as {agency} knew it."] == (
        f"with what was known to {agency} on 14 March 2016"
    )
    assert lenses["Read as None knew it."] == (
        "with what was known to the whole partnership on 14 March 2016"
    )
    assert all(lens is None for text, lens in lenses.items() if not text.startswith("Read as"))
    text = doc_text(learning_log_doc(log, None, "not asked"))
    assert f"Read as {agency} knew it. (Written with what was known to {agency} on 14" in text
    # the signed snapshot keeps it, and one from before lenses were kept still reads
    assert LearningLog.from_json(log.as_json()).reflections == log.reflections
    old = log.as_dict()
    for reflection in old["reflections"]:
        del reflection["lens"]
    assert all(r.lens is None for r in LearningLog.from_dict(old).reflections)
