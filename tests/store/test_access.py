"""Who sees which case: enforced in the store, where data is read."""

from __future__ import annotations

import pytest

from data import cases, request_memo
from data.access import remove_agency_access, require_case
from data.actor import SYSTEM
from data.errors import Forbidden
from data.events import case_events
from data.users import add_user

PASSWORD = "a-long-password"


@pytest.fixture
def two_cases(store, tmp_path):
    from data.ingest import ingest_file

    for ref, agency in (("C-POLICE", "Police"), ("C-SCHOOL", "School")):
        cases.add_case(store, ref)
        extract = tmp_path / f"{ref}.csv"
        extract.write_text("date,summary\n2016-01-02,visit\n")
        ingest_file(store, ref, agency, extract, uploaded_by="test")
    return store


def refs(store, user):
    return sorted(c.case_ref for c in cases.list_cases(store, user))


def test_admin_sees_every_case(two_cases):
    admin = add_user(two_cases, "ada", "admin", PASSWORD)
    assert refs(two_cases, admin) == ["C-POLICE", "C-SCHOOL"]


def test_agency_user_sees_only_cases_their_agency_takes_part_in(two_cases):
    officer = add_user(two_cases, "pc", "agency", PASSWORD, agency="Police")
    assert refs(two_cases, officer) == ["C-POLICE"]
    assert len(case_events(two_cases, officer, "C-POLICE")) == 1
    with pytest.raises(Forbidden, match="unknown case 'C-SCHOOL'"):
        case_events(two_cases, officer, "C-SCHOOL")


def test_chair_sees_only_cases_they_are_a_member_of(two_cases):
    chair = add_user(two_cases, "chair", "chair", PASSWORD)
    assert refs(two_cases, chair) == []
    case = require_case(two_cases, SYSTEM, "C-SCHOOL")
    with two_cases.transaction() as cur:
        cur.execute(
            "INSERT INTO case_members (case_id, user_id, case_role) VALUES (?, ?, 'chair')",
            [case.case_id, chair.user_id],
        )
    assert refs(two_cases, chair) == ["C-SCHOOL"]


def test_crc_user_sees_no_case_timeline(two_cases):
    crc = add_user(two_cases, "crc", "crc", PASSWORD)
    assert refs(two_cases, crc) == []
    with pytest.raises(Forbidden):
        case_events(two_cases, crc, "C-POLICE")


@pytest.fixture
def requests():
    """Each test request's memo of reads (`data.request_memo`): append a dict to start one."""
    started: list[dict] = []
    before = request_memo.use(lambda: started[-1] if started else None)
    yield started
    request_memo.use(before)


def test_a_removed_agency_loses_access_at_its_next_request(two_cases, requests):
    officer = add_user(two_cases, "pc", "agency", PASSWORD, agency="Police")
    admin = add_user(two_cases, "ada", "admin", PASSWORD)
    requests.append({})  # the officer opens the case: the check is remembered for the request
    assert require_case(two_cases, officer, "C-POLICE").case_ref == "C-POLICE"
    assert len(case_events(two_cases, officer, "C-POLICE")) == 1
    assert len(requests[-1]) == 1
    requests.append({})  # an administrator takes the agency's access away
    remove_agency_access(two_cases, admin, "C-POLICE", "Police")
    requests.append({})  # the officer's next request is refused
    with pytest.raises(Forbidden):
        require_case(two_cases, officer, "C-POLICE")
    with pytest.raises(Forbidden):
        case_events(two_cases, officer, "C-POLICE")


def test_a_request_reads_its_own_writes_after_the_access_check_was_remembered(two_cases, requests):
    requests.append({})
    assert require_case(two_cases, SYSTEM, "C-SCHOOL").label is None
    with two_cases.transaction() as cur:
        cur.execute("UPDATE cases SET label = 'Child S' WHERE case_ref = 'C-SCHOOL'")
    assert requests[-1] == {}  # the write forgot what the request had read
    assert require_case(two_cases, SYSTEM, "C-SCHOOL").label == "Child S"


def test_the_access_check_is_remembered_per_user(two_cases, requests):
    officer = add_user(two_cases, "pc", "agency", PASSWORD, agency="Police")
    requests.append({})  # one memo shared by two users (never so in the app): still per user
    assert require_case(two_cases, SYSTEM, "C-SCHOOL")
    with pytest.raises(Forbidden):
        require_case(two_cases, officer, "C-SCHOOL")
