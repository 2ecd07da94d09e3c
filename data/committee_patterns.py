"""What the reviewer's lenses found in a case, for the Case Review Committee.

When a record version is signed off, beside its reviewed learning
(`data.shared_wording.write_committee_learning`), the patterns `data.patterns` finds in the
case's events (as the timeline shows them, with the links people recorded) are written to
`committee_patterns` for that version: per pattern its kind, its dates, and the agencies and
categories of its events. Suggested links are left out (they wait for a person); the links
people made reach the committee as `crc_event_links`. The committee reads them through the
view `crc_patterns`, for the version each case shows it (migration 0031), and `data.crc` counts
them, suppressed.

The patterns are found with the partnership's rules (`data.patterns.PARTNERSHIP_RULES`: a
silence is more than 90 days, and so on), the same for every case, not with a span a chair
chose in the meeting. The committee adds cases up and compares them: a "silence" must mean
the same gap in every case it counts (and every partnership it pools with), or one case's
45-day silences would be counted beside another's 180-day ones. The chair's span is a lens
for the room, never stored; what the committee counts is said in its explorer
(`rules_words`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import duckdb
import pandas as pd

from data.actor import SYSTEM
from data.errors import StoreError
from data.event_links import decided_pairs
from data.events import case_events
from data.patterns import PARTNERSHIP_RULES, Finding, find_all
from data.store import Store
from data.vocabulary import AGENCY_SILENCE, COMMITTEE_PATTERN_KINDS, SILENCE

COLUMNS = ("pattern_no", "kind", "start_date", "end_date", "agency", "category")


def pattern_rows(events: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    """Pure: one row per counted pattern and distinct (agency, category) of its events; a
    silence of every agency has neither, the plan holder's silence its agency only."""
    category = events["category"].fillna("Other")
    of_event = dict(zip(events["event_id"], zip(events["agency"], category, strict=True),
                        strict=True))  # fmt: skip
    rows = []
    counted = [f for f in findings if f.kind in COMMITTEE_PATTERN_KINDS]
    for number, found in enumerate(counted, start=1):
        if found.kind == SILENCE:
            involved = [(None, None)]
        elif found.kind == AGENCY_SILENCE:
            involved = [(found.agencies[0], None)]
        else:
            involved = list(dict.fromkeys(of_event[i] for i in found.event_ids))
        rows.extend((number, found.kind, found.start, found.end, *pair) for pair in involved)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for day in ("start_date", "end_date"):
        frame[day] = pd.to_datetime(frame[day])
    return frame


def write_committee_patterns(store: Store, cur, case_ref: str, record_id: int) -> int:
    """Within the sign-off's transaction (`cur`, the store's cursor of this thread): the
    case's patterns for the committee, for this record version. Returns how many."""
    events = case_events(store, SYSTEM, case_ref)
    linked, answered = decided_pairs(store, SYSTEM, case_ref)
    rows = pattern_rows(
        events, find_all(events, PARTNERSHIP_RULES, linked=linked, answered=answered)
    )
    ((case_id,),) = cur.execute(
        "SELECT case_id FROM meeting_records WHERE record_id = ?", [record_id]
    ).fetchall()
    if not rows.empty:
        cur.register("committee_pattern_rows", rows)
        try:
            cur.execute(
                "INSERT INTO committee_patterns (record_id, case_id, pattern_no, kind,"
                " start_date, end_date, agency_id, category)"
                " SELECT ?, ?, r.pattern_no, r.kind, r.start_date, r.end_date, a.agency_id,"
                " r.category FROM committee_pattern_rows r"
                " LEFT JOIN agencies a ON a.name = r.agency",
                [record_id, case_id],
            )
        finally:
            cur.unregister("committee_pattern_rows")
    found = int(rows["pattern_no"].nunique()) if not rows.empty else 0
    cur.execute(
        "INSERT INTO committee_pattern_runs (record_id, case_id, patterns) VALUES (?, ?, ?)",
        [record_id, case_id, found],
    )
    return found


# Signed versions the committee sees whose patterns were never written (signed before the
# lenses reached the committee).
MISSING = (
    "FROM committee_records r JOIN cases c ON c.case_id = r.case_id"
    " WHERE r.record_id NOT IN (SELECT record_id FROM committee_pattern_runs)"
)


def count_missing_patterns(store: Store) -> int:
    """How many signed versions still wait for their patterns (0 once the backfill is done)."""
    return int(store.query_one(f"SELECT count(*) {MISSING}")[0])


def write_missing_patterns(store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """Write the patterns of every signed version that has none, one version a transaction
    (stopped halfway, the database holds whole versions only, and a second run goes on where
    the first stopped). `progress(done, total)` is told after each. Returns how many."""
    missing = store.query(f"SELECT r.record_id, c.case_ref {MISSING} ORDER BY r.record_id")
    written = 0
    for record_id, case_ref in missing:
        with store.transaction() as cur:
            done = cur.execute(
                "SELECT count(*) FROM committee_pattern_runs WHERE record_id = ?", [record_id]
            ).fetchone()[0]
            if not done:  # nor written meanwhile by another run
                write_committee_patterns(store, cur, case_ref, record_id)
                written += 1
        if progress:
            progress(written, len(missing))
    return written


def backfill_in_background(store: Store, announce: Callable[[str], None]) -> threading.Thread:
    """`write_missing_patterns` in a thread, so that a server started after an upgrade answers
    at once; the explorer says that the patterns are not all written until it is done, and
    publishing waits for it. `announce(line)` is told when it starts and ends (or fails)."""

    def run() -> None:
        try:
            total = count_missing_patterns(store)
            if not total:
                return
            announce(f"Writing the committee's patterns of {total} signed-off record(s)...")
            started = time.perf_counter()
            written = write_missing_patterns(store)
            announce(
                f"Wrote the patterns of {written} signed-off record(s) for the committee"
                f" in {time.perf_counter() - started:.0f} s."
            )
        except (StoreError, duckdb.Error) as exc:  # the server goes on, the explorer says so
            announce(f"Writing the committee's patterns stopped: {exc}")

    thread = threading.Thread(target=run, name="pattern-backfill", daemon=True)
    thread.start()
    return thread
