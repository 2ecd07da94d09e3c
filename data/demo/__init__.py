"""The synthetic demo case, shipped as one CSV per agency and ingested through the normal path."""

from __future__ import annotations

from importlib import resources

from data import cases
from data.demo.crc_demo import seed_crc_demo
from data.demo.make_demo import DOB, FILES, SCHOOL, VOLUNTARY
from data.demo.rpm import seed_demo_rpm
from data.ingest import ingest_file
from data.store import Store

DEMO_CASE_REF = "DEMO-J"
DEMO_LABEL = "Child J (fictional demo)"
# What the demo agencies' uploaders chose where the word rules would read their type otherwise.
DEMO_CATEGORY_CHOICES = {
    VOLUNTARY: {"Contact": "Child in need and early help"},
    SCHOOL: {"Parent contact": "Education"},
}


def seed_demo(store: Store, *, crc_cases: bool = True) -> bool:
    """Add the demo case if the database has no cases yet. Returns True if it was added.

    `crc_cases` also adds the synthetic closed cases the CRC explorer shows; tests
    about the demo case alone leave them out."""
    if cases.count_cases(store):
        return False
    cases.add_case(store, DEMO_CASE_REF, date_of_birth=DOB, label=DEMO_LABEL, is_demo=True)
    folder = resources.files("data") / "demo"
    for agency, file_name in FILES.items():
        with resources.as_file(folder / file_name) as path:
            ingest_file(
                store,
                DEMO_CASE_REF,
                agency,
                path,
                uploaded_by="demo seed",
                category_choices=DEMO_CATEGORY_CHOICES.get(agency),
            )
    seed_demo_rpm(store, DEMO_CASE_REF, DEMO_LABEL)
    if crc_cases:
        seed_crc_demo(store)
    return True
