"""One agency whatever the capitals or spacing its name is written with: matched so wherever an
agency is named (ingest, requests, set-up, invitees, accounts, briefings), refused as a second
row by the database, and merged by migration 0030 where a database already has both."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from data.actor import SYSTEM
from data.agency_names import agency_key, same_agency
from data.ingest import check_may_upload, ingest_file
from data.migrations import migration_files
from data.permissions import may_edit_agency_events
from data.rpm_requests import list_requests, submit_request
from data.setup import get_setup, parse_invitees, update_setup
from data.users import add_user, get_user
from tests.support.rpm_case import CASE, INVITEES

HEADER = "date,time,event_type,summary,source_ref\n"


def police_like(store) -> list[tuple[int, str]]:
    return store.query(
        "SELECT agency_id, name FROM agencies WHERE lower(trim(name)) = 'police' ORDER BY 1"
    )


def test_names_differing_only_in_capitals_and_spaces_are_one_agency():
    assert agency_key("  Children's \t Social  CARE ") == "children's social care"
    assert same_agency("Police", "police ") and not same_agency("Police", "Police Scotland")
    assert not same_agency(None, "Police")


def test_every_way_of_naming_an_agency_finds_the_one_already_there(rpm_store, tmp_path):
    store = rpm_store
    ((police_id, kept),) = police_like(store)
    assert kept == "Police"
    # Ingest: an extract for "police " goes into Police's lane, not a new one.
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "2016-05-03,,Referral,Seen at home,P1\n", encoding="utf-8")
    ingest_file(store, CASE, "police ", path, uploaded_by="test")
    assert store.query_one("SELECT agency_id FROM uploads ORDER BY upload_id DESC LIMIT 1") == (
        police_id,
    )
    # Accounts: one made for "POLICE" is a Police account, and may upload and edit as Police.
    add_user(store, "officer1", "agency", "a long pass phrase one", agency="  POLICE")
    officer = get_user(store, "officer1")
    assert officer.agency == "Police"
    assert check_may_upload(store, officer, CASE, "police").case_ref == CASE
    assert may_edit_agency_events(officer, "police ")
    # Set-up: invitees of "police" and "Police " are one agency given access once.
    setup = get_setup(store, SYSTEM, CASE)
    setup.invitees = parse_invitees(
        INVITEES + "\nSam Lee; Detective; police; sam@police.example"
        "\nKim Roe; Sergeant; Police ; kim@police.example"
    )
    update_setup(store, SYSTEM, setup)
    invitees = {i.name: i.agency for i in get_setup(store, SYSTEM, CASE).invitees}
    assert invitees["Sam Lee"] == invitees["Kim Roe"] == "Police"
    assert police_like(store) == [(police_id, "Police")]
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    assert store.query_one(
        "SELECT count(*) FROM case_agencies WHERE case_id = ? AND agency_id = ?",
        [case_id, police_id],
    ) == (1,)
    # Requests: made as "police" (the words kept as written), seen by every Police account.
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO rpm_requests (requested_by, requesting_agency, child_label, reason,"
            " agencies_involved, hoped_learning, urgency) VALUES ('someone', 'police ', 'Child K',"
            " 'why', 'Police, School', 'learning', 'routine')"
        )
    submit_request(
        store, officer, child_label="Child L", date_of_birth=date(2015, 1, 1), reason="why",
        agencies_involved="Police", hoped_learning="learning", urgency="routine",
    )  # fmt: skip
    add_user(store, "officer2", "agency", "a long pass phrase two", agency="Police")
    seen = {r.child_label for r in list_requests(store, get_user(store, "officer2"))}
    assert seen == {"Child K", "Child L"}
    # The database refuses a second spelling outright.
    with pytest.raises(duckdb.ConstraintException):
        store.query_one("INSERT INTO agencies (name) VALUES ('police  ') RETURNING agency_id")


def test_migration_0030_merges_agencies_already_written_twice(rpm_store):
    store = rpm_store
    ((police_id, _),) = police_like(store)
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    events_before = store.query_one("SELECT count(*) FROM events")[0]
    add_user(store, "officer9", "agency", "a long pass phrase nine", agency="Police")
    # A database from before: "police " written as a second agency, with what names it.
    with store.transaction() as cur:
        cur.execute("DROP INDEX agencies_name_key")
    with store.transaction() as cur:
        (dup,) = cur.execute(
            "INSERT INTO agencies (name) VALUES ('police ') RETURNING agency_id"
        ).fetchone()
        cur.execute(
            "UPDATE events SET agency_id = ? WHERE event_id IN"
            " (SELECT event_id FROM events WHERE agency_id = ? LIMIT 3)",
            [dup, police_id],
        )
        cur.execute("INSERT INTO case_agencies (case_id, agency_id) VALUES (?, ?)", [case_id, dup])
        cur.execute(
            "INSERT INTO agency_type_categories (agency_id, event_type, category, decided_by)"
            " SELECT ?, event_type, 'Other', 'test' FROM agency_type_categories"
            " WHERE agency_id = ? LIMIT 1",
            [dup, police_id],
        )
        cur.execute(
            "INSERT INTO agency_type_categories (agency_id, event_type, category, decided_by)"
            " VALUES (?, 'Only written lower-case', 'Other', 'test')",
            [dup],
        )
    categories_before = dict(
        store.query(
            "SELECT event_type, category FROM agency_type_categories WHERE agency_id = ?",
            [police_id],
        )
    )
    with store.transaction() as cur:
        cur.execute("UPDATE users SET agency_id = ? WHERE username = 'officer9'", [dup])
        cur.execute(dict(migration_files())["0030_one_agency_whatever_its_capitals"])
    with store.transaction() as cur:
        cur.execute(dict(migration_files())["0030b_agency_name_key"])
    assert police_like(store) == [(police_id, "Police")]
    assert store.query_one("SELECT count(*) FROM events")[0] == events_before  # nothing lost
    assert store.query_one("SELECT count(*) FROM events WHERE agency_id = ?", [dup]) == (0,)
    assert get_user(store, "officer9").agency == "Police"
    assert store.query_one(
        "SELECT count(*) FROM case_agencies WHERE case_id = ? AND agency_id = ?",
        [case_id, police_id],
    ) == (1,)
    categories = dict(
        store.query(
            "SELECT event_type, category FROM agency_type_categories WHERE agency_id = ?",
            [police_id],
        )
    )
    assert categories == {**categories_before, "Only written lower-case": "Other"}
    (detail,) = store.query_one("SELECT detail FROM audit_log WHERE actor = 'migration 0030'")
    assert detail.startswith("agency 'police ' merged into 'Police'")


def test_reflections_name_their_agency_and_lens_whatever_the_capitals(rpm_store):
    from data.reflections import add_reflection, find_reflections

    store = rpm_store
    add_reflection(
        store, SYSTEM, CASE, target_kind="case", stage_key="description", text="We met late.",
        agency="police ", lens_date="2016-03-14", lens_agency="POLICE",
    )  # fmt: skip
    found = find_reflections(store, SYSTEM, CASE, agency="police")
    assert "We met late." in [f.reflection.text for f in found]
