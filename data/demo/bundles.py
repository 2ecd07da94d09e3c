"""Fictional bundles of a region's partnerships, for the pooled explorer's demo and tests.

Each partnership is a fresh database seeded with the CRC demo's synthetic cases (its own seed
and size), its records signed off with the learning they flag for the committee, and then
published through `data.publish` like a real one. Everything here is invented.
"""

from __future__ import annotations

from pathlib import Path

from data.actor import SYSTEM
from data.demo.crc_demo import seed_crc_demo, sign_off_synthetic_records
from data.partnership import NAME_KEY
from data.publish import publish
from data.store import Store

# (code, name, synthetic cases): a fictional region of four partnerships.
REGION = (
    ("HAMPSHIRE", "Hampshire Safeguarding Children Partnership (fictional)", 36),
    ("ISLE-OF-WIGHT", "Isle of Wight Safeguarding Children Partnership (fictional)", 12),
    ("PORTSMOUTH", "Portsmouth Safeguarding Children Partnership (fictional)", 28),
    ("SOUTHAMPTON", "Southampton Safeguarding Children Partnership (fictional)", 22),
)


def sign_off_demo_records(store: Store) -> None:
    """A signed version 1 of every case's record, with the learning the seed flagged reviewed
    for the committee."""
    sign_off_synthetic_records(store)


def write_demo_bundles(out_dir: str | Path, partnerships=REGION) -> list[Path]:
    """One published bundle per fictional partnership in `out_dir`; their folders."""
    folders = []
    for seed, (code, name, n_cases) in enumerate(partnerships, start=11):
        store = Store(":memory:")  # a passing database: nothing of it is kept but the bundle
        try:
            with store.transaction() as cur:
                cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [NAME_KEY, name])
            seed_crc_demo(store, seed=seed, cases=n_cases, sign_off=False)
            sign_off_demo_records(store)
            folders.append(publish(store, SYSTEM, out_dir, code).path)
        finally:
            store.close()
    return folders
