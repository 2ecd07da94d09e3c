"""A complete RPM case for tests: the demo events, a set-up with invitees, learning points (one
shared with the committee), an action and a reflection inserted directly."""

from __future__ import annotations

from datetime import date

import pytest

from data.actor import SYSTEM
from data.demo import DEMO_CASE_REF, seed_demo
from data.setup import CaseSetup, parse_invitees, update_setup
from data.shared_wording import confirm_wording, review_items
from data.users import add_user
from tests.support.templates import copy_of, shared_template

CASE = DEMO_CASE_REF
CHILD = "Child J (fictional demo)"
CHAIR = "Pat Okafor"
FACILITATOR = "Sam Whitfield"
INVITEES = (
    "Alex Brown; Designated safeguarding lead; School; alex@school.example\n"
    "Jo Green; Social worker; Children's Social Care; jo@csc.example\n"
    "Priya Shah; Health visitor; GP and Health Visiting;"
)
SHARED = "Information from school about Child J and Alex Brown was not shared with health"
NOT_SHARED = "Police referrals lacked the voice of the child"
ACTION = "Brief every designated safeguarding lead on information sharing"


def make_case(store, *, meeting_date: date | None = date(2024, 9, 2)):
    """The demo case set up for RPM; returns the chair user."""
    seed_demo(store, crc_cases=False)  # the demo case alone (no CRC synthetic cases)
    chair = add_user(store, "pokafor", "chair", "chair-password-1")
    add_user(store, "swhitfield", "agency", "facil-password-1", agency="Children's Social Care")
    update_setup(
        store,
        SYSTEM,
        CaseSetup(
            case_ref=CASE,
            label=CHILD,
            date_of_birth=date(2014, 3, 11),
            requesting_agency="School",
            purpose="Reflect on how agencies responded to neglect concerns.",
            chair_username="pokafor",
            facilitator_username="swhitfield",
            chair_name=CHAIR,
            facilitator_name=FACILITATOR,
            meeting_date=meeting_date,
            start_time="10:00",
            venue="Civic Offices",
            invitees=parse_invitees(INVITEES),
        ),
    )
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    event_id = store.query_one(
        "SELECT event_id FROM events WHERE case_id = ? ORDER BY event_date, event_id LIMIT 1 OFFSET 5",
        [case_id],
    )[0]
    police = store.query_one("SELECT agency_id FROM agencies WHERE name = 'Police'")[0]
    with store.transaction() as cur:
        shared_id = cur.execute(
            "INSERT INTO learning_points (case_id, scope, text, stage_key, share_with_crc,"
            " created_by) VALUES (?, 'cross_agency', ?, 'analysis', true, 'test')"
            " RETURNING learning_id",
            [case_id, SHARED],
        ).fetchone()[0]
        cur.execute(
            "INSERT INTO learning_point_links (learning_id, event_id) VALUES (?, ?)",
            [shared_id, event_id],
        )
        cur.execute(
            "INSERT INTO learning_point_themes SELECT ?, theme_id FROM themes"
            " WHERE name = 'Information sharing'",
            [shared_id],
        )
        cur.execute(
            "INSERT INTO learning_points (case_id, scope, agency_id, text, stage_key,"
            " share_with_crc, created_by) VALUES (?, 'single_agency', ?, ?, 'evaluation', false, 'test')",
            [case_id, police, NOT_SHARED],
        )
        cur.execute(
            "INSERT INTO actions (case_id, learning_id, description, owner_name, due_date,"
            " created_by) VALUES (?, ?, ?, 'Head of Safeguarding', DATE '2024-12-01', 'test')",
            [case_id, shared_id, ACTION],
        )
        cur.execute(
            "INSERT INTO reflections (case_id, target_kind, model_key, stage_key, text, author)"
            " VALUES (?, 'case', 'gibbs', 'feelings', 'We felt stretched', 'test')",
            [case_id],
        )
    # The redaction review of the shared point: the chair confirms the proposed wording.
    (item,) = review_items(store, SYSTEM, CASE)
    confirm_wording(store, SYSTEM, CASE, shared_id, item.proposed_text)
    return chair


RECORD = {
    "issues": "Ten years of neglect concerns without a coordinated plan.",
    "timescale": "From the first health visitor concern in 2013 to June 2024",
    "conclusions": "Each agency held part of the picture; nobody held all of it.",
}


@pytest.fixture(scope="session")
def rpm_template(tmp_path_factory):
    return shared_template(tmp_path_factory, "rpm", "rpm.duckdb", make_case)


@pytest.fixture
def rpm_store(tmp_path, rpm_template):
    """A store with the RPM case of `make_case` (no record yet)."""
    with copy_of(rpm_template, tmp_path) as store:
        yield store


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
