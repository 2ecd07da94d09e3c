"""The demo case opened for RPM: request, meeting, invitees and the first flowchart
stages, so that `make run` shows the workflow. Every name is fictional."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from data import event_links
from data.actor import SYSTEM
from data.demo.make_demo import DOB
from data.glossary import save_entry
from data.setup import CaseSetup, parse_invitees, update_setup
from data.store import Store
from data.workflow import record_stage

DEMO_SEED = replace(SYSTEM, username="demo seed")
# Where information stopped, as the meeting found it (fictional): the lenses draw them as red
# dashed arrows, and the committee counts them once the record is signed off.
DEMO_LINKS = (
    (
        "P-0001",
        "GAHV-0004",
        "should have been shared",
        (
            "The domestic incident in pregnancy did not reach the health visitor before the new"
            " birth visit (fictional)."
        ),
    ),
    (
        "S-0011",
        "CSC-0028",
        "should have been shared",
        (
            "The school's concern about hunger in November 2018 reached children's social care"
            " only with its referral in February 2019 (fictional)."
        ),
    ),
)
INVITEES = """Dana Reeve (fictional); Team manager; Children's Social Care; dana.reeve@example.org
Morgan Hale (fictional); Detective sergeant; Police; morgan.hale@example.org
Ashley Price (fictional); Health visitor; GP and Health Visiting; ashley.price@example.org
Robin Ellis (fictional); Designated safeguarding lead; School; robin.ellis@example.org
Casey Ward (fictional); Housing officer; Housing;
Jamie Cole (fictional); Family support worker; Family Support Network;"""


def seed_demo_rpm(store: Store, case_ref: str, label: str) -> bool:
    """Open the demo case for RPM, chaired by `admin`. Skipped when there is no admin yet."""
    if not store.query_one("SELECT 1 FROM users WHERE username = 'admin' AND active"):
        return False
    update_setup(
        store,
        SYSTEM,
        CaseSetup(
            case_ref=case_ref,
            label=label,
            date_of_birth=DOB,
            requesting_agency="School",
            purpose=(
                "To reflect together on how agencies understood and responded to neglect of"
                " Child J over ten years, and what we would do differently."
            ),
            chair_username="admin",
            facilitator_username="admin",
            chair_name="Lee Morgan (fictional chair)",
            facilitator_name="Sam Patel (fictional facilitator)",
            meeting_date=date(2024, 9, 2),
            start_time="10:00",
            venue="Partnership offices, meeting room 2",
            invitees=parse_invitees(INVITEES),
        ),
    )
    # The family as the extracts name them (fictional): the anonymised view shows their roles.
    save_entry(store, SYSTEM, case_ref, "Mother", "Kerry Walsh, Kerry")
    save_entry(store, SYSTEM, case_ref, "Father", "Dean Walsh, Dean")
    for stage, on, note in (
        ("identified", date(2024, 7, 1), "Requested by the school's safeguarding lead"),
        ("invites_sent", date(2024, 7, 8), "Purpose recorded; invitations sent"),
        ("meeting_held", date(2024, 9, 2), None),
    ):
        record_stage(store, DEMO_SEED, case_ref, stage, on, note)
    for sent, received, kind, note in DEMO_LINKS:
        ids = [
            store.query_one(
                "SELECT e.event_id FROM events e JOIN cases c USING (case_id)"
                " WHERE c.case_ref = ? AND e.source_ref = ?",
                [case_ref, ref],
            )[0]
            for ref in (sent, received)
        ]
        event_links.add_link(store, DEMO_SEED, case_ref, *ids, kind, note=note)
    return True
