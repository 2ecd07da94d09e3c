"""What each role is offered on the pages, decided by the same named questions the store asks
(data.permissions, data.access): layouts and callbacks called as plain functions."""

from __future__ import annotations

import pytest

from app.timeline import ids, selection
from data.users import add_user, get_user
from tests.support.callbacks import as_user, find, page, text_of
from tests.support.rpm_case import CASE


@pytest.fixture
def people(rpm_app):
    """The case's chair, its facilitator (a Children's Social Care account), another chair who
    is only a participant of this case, a Police account and a committee member."""
    _, store = rpm_app
    add_user(store, "otherchair", "chair", "a long pass phrase one")
    add_user(store, "police1", "agency", "a long pass phrase two", agency="Police")
    add_user(store, "crc1", "crc", "a long pass phrase three")
    add_user(store, "admin1", "admin", "a long pass phrase four")
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    other = get_user(store, "otherchair")
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO case_members (case_id, user_id, case_role) VALUES (?, ?, 'participant')",
            [case_id, other.user_id],
        )
    names = ("pokafor", "swhitfield", "otherchair", "police1", "crc1", "admin1")
    return {name: get_user(store, name) for name in names}


def test_only_the_chairs_and_admins_are_offered_to_open_a_case(rpm_app, people):
    app, _ = rpm_app
    for name, offered in [("pokafor", True), ("admin1", True), ("police1", False)]:
        with as_user(app, people[name]):
            shown = page("cases").layout()
        assert (find(shown, "open-case-link") is not None) is offered, name
    with as_user(app, people["crc1"]):
        shown = page("cases").layout()
    assert find(shown, "open-case-link") is None
    assert "RPM requests" not in text_of(shown)  # the committee does not request meetings


def test_the_record_is_editable_only_by_the_cases_chair_facilitator_or_an_admin(rpm_app, people):
    app, _ = rpm_app
    for name, editable in [
        ("pokafor", True),
        ("admin1", True),
        ("otherchair", False),  # a chair, but only a participant of this case
        ("swhitfield", False),  # the facilitator, on an agency account: the store refuses it too
    ]:
        with as_user(app, people[name]):
            shown = page("case_record").layout(case_ref=CASE)
        assert find(shown, "record-fields").disabled is not editable, name
        assert find(shown, "record-sign-off").hidden is not editable, name


def test_an_agency_corrects_only_its_own_events_in_the_details(rpm_app, people):
    app, store = rpm_app
    rows = store.query(
        "SELECT a.name, min(e.event_id) FROM events e JOIN agencies a USING (agency_id)"
        " JOIN cases c USING (case_id) WHERE c.case_ref = ? AND a.name IN ('Police',"
        " 'Children''s Social Care') GROUP BY a.name",
        [CASE],
    )
    event_of = dict(rows)
    with as_user(app, people["pokafor"]):
        # What the page keeps about the case for its callbacks, as the browser would send it.
        case_data = find(page("case_timeline").layout(case_ref=CASE), ids.CASE).data
    for name, agency, offered in [
        ("police1", "Police", True),
        ("police1", "Children's Social Care", False),
        ("pokafor", "Police", True),  # the chair corrects any agency's events
    ]:
        point = {"kind": "event", "id": event_of[agency]}
        with as_user(app, people[name]):
            details = selection.point_details(point, [], case_data)
        assert ("Correct or hide this event" in text_of(details)) is offered, (name, agency)


def test_the_committee_is_told_it_does_not_upload(rpm_app, people):
    app, _ = rpm_app
    with as_user(app, people["crc1"]):
        shown = page("upload").layout(case_ref=CASE)
    # The committee cannot open case pages at all: the case reads as not found.
    assert "Case not found" in text_of(shown)
    with as_user(app, people["police1"]):
        shown = page("upload").layout(case_ref=CASE)
    agency = find(shown, "upload-agency")
    assert agency.value == "Police" and agency.readonly
