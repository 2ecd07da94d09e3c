"""Opening a case for RPM fills what access control reads; bad input changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from data.access import require_case
from data.actor import SYSTEM
from data.errors import Forbidden, InvalidInput
from data.setup import (
    format_invitees,
    get_setup,
    open_case,
    parse_invitees,
    update_setup,
)
from data.users import add_user, get_user
from tests.support.rpm_case import new_setup


@pytest.fixture
def people(store):
    add_user(store, "chair1", "chair", "chair-password-1")
    add_user(store, "facil1", "agency", "facil-password-1", agency="Police")
    return store


def test_parse_invitees_names_the_bad_line():
    assert parse_invitees("A; ; Police;\n\nB; Nurse; Health; b@h.example") == [
        parse_invitees("A;;Police")[0],
        parse_invitees("B;Nurse;Health;b@h.example")[0],
    ]
    with pytest.raises(InvalidInput, match="line 2 has no name"):
        parse_invitees("A; r; Police\n; r; Police")
    with pytest.raises(InvalidInput, match=r"line 1 \(A\) has no agency"):
        parse_invitees("A; role")
    with pytest.raises(InvalidInput, match="line 1 \\(A\\): 'nope' is not an email"):
        parse_invitees("A; r; Police; nope")
    text = "Alex Brown; DSL; School; a@b.example"
    assert format_invitees(parse_invitees(text)) == text


def test_opening_a_case_fills_agencies_members_meeting_and_first_stage(people):
    store = people
    chair = get_user(store, "chair1")
    setup = open_case(store, chair, new_setup(), identified_on=date(2026, 9, 1))
    assert setup.requesting_agency == "School" and setup.purpose.startswith("Reflect")
    assert [i.name for i in setup.invitees] == ["Alex Brown", "Jo Green"]
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = 'RPM-001'")[0]
    agencies = store.query(
        "SELECT a.name FROM case_agencies c JOIN agencies a USING (agency_id)"
        " WHERE case_id = ? ORDER BY 1",
        [case_id],
    )
    assert [a for (a,) in agencies] == ["Housing", "School"]
    members = store.query(
        "SELECT u.username, m.case_role FROM case_members m JOIN users u USING (user_id)"
        " WHERE case_id = ? ORDER BY 1",
        [case_id],
    )
    assert members == [("chair1", "chair"), ("facil1", "facilitator")]
    assert store.query("SELECT stage_key, done_on, done_by FROM case_workflow") == [
        ("identified", date(2026, 9, 1), "chair1")
    ]
    assert store.query("SELECT meeting_date, chair_name, facilitator FROM meetings") == [
        (date(2026, 10, 1), "Jane Chair", "Sam Facil")
    ]
    # Access follows: the chair and an invited agency's user open the case; others do not.
    require_case(store, chair, "RPM-001")
    require_case(
        store, add_user(store, "h1", "agency", "housing-password", agency="Housing"), "RPM-001"
    )
    with pytest.raises(Forbidden):
        require_case(
            store, add_user(store, "p1", "agency", "police-password", agency="Health"), "RPM-001"
        )


def test_bad_set_up_changes_nothing(people):
    store = people
    before = store.query_one("SELECT count(*) FROM cases")[0]
    cases = [
        (new_setup(purpose=" "), "purpose of the meeting is missing"),
        (new_setup(label=""), "pseudonym or initials are missing"),
        (new_setup(chair_username="facil1"), "has the role agency, which cannot chair"),
        (new_setup(facilitator_username="ghost"), "'ghost' is not an active account"),
        (new_setup(case_ref="bad ref!"), "is not valid"),
        (new_setup(start_time="25:00"), "not a time"),
        (new_setup(requesting_agency=""), "requesting agency is missing"),
    ]
    for setup, message in cases:
        with pytest.raises(InvalidInput, match=message):
            open_case(store, SYSTEM, setup)
    # A chair must be chair or facilitator of a case they open.
    add_user(store, "chair2", "chair", "chair-password-2")
    with pytest.raises(InvalidInput, match="name yourself as chair or facilitator"):
        open_case(store, get_user(store, "chair2"), new_setup())
    with pytest.raises(Forbidden):
        open_case(store, get_user(store, "facil1"), new_setup())
    assert store.query_one("SELECT count(*) FROM cases")[0] == before
    for table in ("case_requests", "invitees", "case_members", "case_workflow", "meetings"):
        assert store.query_one(f"SELECT count(*) FROM {table}")[0] == 0, table


def test_changing_the_set_up_keeps_attendance_and_replaces_the_chair(people):
    store = people
    open_case(store, SYSTEM, new_setup())
    store.query("UPDATE invitees SET attended = true WHERE name = 'Alex Brown'")
    add_user(store, "chair3", "chair", "chair-password-3")
    from data.setup import update_setup

    updated = update_setup(store, SYSTEM, new_setup(chair_username="chair3", purpose="New purpose"))
    assert updated.chair_username == "chair3" and updated.purpose == "New purpose"
    assert [(i.name, i.attended) for i in get_setup(store, SYSTEM, "RPM-001").invitees] == [
        ("Alex Brown", True),
        ("Jo Green", None),
    ]
    with pytest.raises(Forbidden):
        require_case(store, get_user(store, "chair1"), "RPM-001")


def _audit_lines(store, action):
    return [
        r[0]
        for r in store.query(
            "SELECT coalesce(detail, '') FROM audit_log WHERE action = ? ORDER BY audit_id",
            [action],
        )
    ]


def test_access_follows_the_set_up_and_every_grant_and_removal_is_audited(people):
    from data.access import remove_agency_access, who_can_open

    store = people
    chair = get_user(store, "chair1")
    housing = add_user(store, "housing1", "agency", "housing-password-1", agency="Housing")
    open_case(store, chair, new_setup())
    assert require_case(store, housing, "RPM-001").case_ref == "RPM-001"
    lines = {(a.kind, a.name): a for a in who_can_open(store, chair, "RPM-001")}
    assert lines[("agency", "Housing")].accounts == ("housing1",)
    assert lines[("agency", "Housing")].why == "invited: Jo Green"
    assert lines[("agency", "Housing")].removable
    assert not lines[("agency", "School")].removable  # the requesting agency
    assert lines[("chair", "chair1")].instead and lines[("facilitator", "facil1")].instead
    assert ("admins", "Administrators") in lines

    # Saving the set-up without Housing's invitee takes Housing's access away at once.
    update_setup(store, chair, new_setup(invitees=parse_invitees("Alex Brown; DSL; School;")))
    with pytest.raises(Forbidden):
        require_case(store, housing, "RPM-001")
    assert "agency Housing: no longer in the case set-up" in _audit_lines(store, "access_removed")
    granted = _audit_lines(store, "access_granted")
    assert "agency Housing: invitee Jo Green" in granted
    assert "agency School: requesting agency" in granted
    assert "account chair1 (chair): named in the case set-up" in granted

    # Re-invited, then removed from the access list: its invitees leave with it.
    update_setup(store, chair, new_setup())
    assert require_case(store, housing, "RPM-001")
    assert remove_agency_access(store, chair, "RPM-001", "Housing") == 1
    with pytest.raises(Forbidden):
        require_case(store, housing, "RPM-001")
    assert [i.name for i in get_setup(store, chair, "RPM-001").invitees] == ["Alex Brown"]
    with pytest.raises(InvalidInput, match="asked for this RPM"):
        remove_agency_access(store, chair, "RPM-001", "School")
    with pytest.raises(Forbidden):
        remove_agency_access(store, get_user(store, "facil1"), "RPM-001", "School")


def test_a_member_account_can_be_removed_but_not_the_chair(people):
    from data.access import remove_member

    store = people
    chair = get_user(store, "chair1")
    other = add_user(store, "chair2", "chair", "chair-password-2")
    open_case(store, chair, new_setup())
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO case_members (case_id, user_id, case_role)"
            " SELECT case_id, ?, 'participant' FROM cases WHERE case_ref = 'RPM-001'",
            [other.user_id],
        )
    assert require_case(store, other, "RPM-001")
    remove_member(store, chair, "RPM-001", "chair2")
    with pytest.raises(Forbidden):
        require_case(store, other, "RPM-001")
    with pytest.raises(InvalidInput, match="is the case's chair"):
        remove_member(store, chair, "RPM-001", "chair1")
    assert any("account chair2" in d for d in _audit_lines(store, "access_removed"))
