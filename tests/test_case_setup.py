"""Opening a case for RPM fills what access control reads; bad input changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from data.access import SYSTEM, require_case
from data.errors import Forbidden, InvalidInput
from data.setup import CaseSetup, format_invitees, get_setup, open_case, parse_invitees
from data.users import add_user, get_user


def new_setup(**changes) -> CaseSetup:
    values = {
        "case_ref": "RPM-001",
        "label": "A.B.",
        "date_of_birth": date(2015, 6, 2),
        "requesting_agency": "School",
        "purpose": "Reflect on absence from school.",
        "chair_username": "chair1",
        "facilitator_username": "facil1",
        "chair_name": "Jane Chair",
        "facilitator_name": "Sam Facil",
        "meeting_date": date(2026, 10, 1),
        "invitees": parse_invitees("Alex Brown; DSL; School; a@b.example\nJo Green; SW; Housing;"),
    }
    values.update(changes)
    return CaseSetup(**values)


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
