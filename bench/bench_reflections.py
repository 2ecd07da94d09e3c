"""Reflections on a long case: what one meeting's interactions cost the server.

Builds a case of N events (default 20,000) in a temporary database, adds reflections, learning
points and actions, and prints the time of: adding a reflection, the two-second change-counter
poll every open page makes, redrawing the panel for a point, the coverage view, the timeline
rings, and exporting and importing the whole case as JSON. Figures only; no assertions.

    .venv/bin/python bench/bench_reflections.py [EVENTS]
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from data import case_archive, cases, learning, reflections, revisions
from data.actor import SYSTEM
from data.ingest import ingest_file
from data.store import Store

AGENCIES = ["Police", "School", "Health", "Children's Social Care", "Housing", "Voluntary"]


def timed(label: str, fn, repeat: int = 1):
    runs = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - start) * 1000)
    if repeat == 1:
        print(f"{label:<52} {runs[0]:9.1f} ms")
    else:
        print(
            f"{label:<52} {statistics.median(runs):9.2f} ms median"
            f"  ({min(runs):.2f}-{max(runs):.2f}, n={repeat})"
        )
    return result


def main(events: int = 20_000) -> None:
    folder = Path(tempfile.mkdtemp(prefix="rpm-bench-"))
    store = Store(folder / "bench.duckdb")
    cases.add_case(store, "BENCH-1", date_of_birth=date(2010, 1, 1))
    per_agency = events // len(AGENCIES)
    for n, agency in enumerate(AGENCIES):
        path = folder / f"{n}.csv"
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["date", "event_type", "summary", "source_ref"])
            for i in range(per_agency):
                day = date(2010, 1, 1) + timedelta(days=(i * 7 + n) % 5000)
                writer.writerow([day.isoformat(), "Contact", f"Event {i} of {agency}", f"R{i}"])
        ingest_file(store, "BENCH-1", agency, path, uploaded_by="bench")
    event_ids = [e for (e,) in store.query("SELECT event_id FROM events ORDER BY event_id")]
    print(f"case with {len(event_ids):,} events from {len(AGENCIES)} agencies (2 shared cores)\n")

    counter = iter(range(10**9))

    def add_one():
        k = next(counter)
        return reflections.add_reflection(
            store,
            SYSTEM,
            "BENCH-1",
            target_kind="event",
            target_id=event_ids[(k * 37) % len(event_ids)],
            stage_key=["description", "feelings", "analysis"][k % 3],
            question_key="barrier" if k % 4 == 0 else None,
            agency=AGENCIES[k % len(AGENCIES)],
            text=f"Reflection {k}: what was going on for the child at this point.",
        )

    timed("add a reflection (with history, counter)", add_one, repeat=300)
    for k in range(40):
        learning.add_learning_point(
            store,
            SYSTEM,
            "BENCH-1",
            scope="cross_agency",
            text=f"Learning {k}",
            themes=["Information sharing"],
            event_ids=event_ids[k : k + 3],
        )
        learning.add_action(
            store,
            SYSTEM,
            "BENCH-1",
            learning.ActionFields(f"Action {k}", owner_name="Owner", due_date="2027-01-01"),
        )
    target = event_ids[0]
    timed(
        "poll: case_revision (every 2 s per open page)",
        lambda: revisions.case_revision(store, SYSTEM, "BENCH-1"),
        repeat=200,
    )
    timed(
        "panel: reflections on one event",
        lambda: reflections.list_reflections(
            store, SYSTEM, "BENCH-1", target_kind="event", target_id=target
        ),
        repeat=50,
    )
    timed(
        "panel: describe the selected event",
        lambda: reflections.describe_point(store, SYSTEM, "BENCH-1", "event", target),
        repeat=50,
    )
    timed(
        "coverage view (case, events, agencies x stages)",
        lambda: reflections.coverage(store, SYSTEM, "BENCH-1"),
        repeat=20,
    )
    timed(
        "reflected points (ids for the marks store)",
        lambda: reflections.reflected_points(store, SYSTEM, "BENCH-1"),
        repeat=20,
    )
    timed(
        "rings: reflected events for the figure patch",
        lambda: reflections.reflected_events(store, SYSTEM, "BENCH-1"),
        repeat=20,
    )
    timed(
        "find reflections by question",
        lambda: reflections.find_reflections(store, SYSTEM, "BENCH-1", question_key="barrier"),
        repeat=20,
    )
    timed(
        "learning points + actions lists",
        lambda: (
            learning.list_learning_points(store, SYSTEM, "BENCH-1"),
            learning.list_actions(store, SYSTEM, "BENCH-1"),
        ),
        repeat=20,
    )
    document = timed(
        "export case to a dict", lambda: case_archive.export_case(store, SYSTEM, "BENCH-1")
    )
    text = timed("  ... as JSON text", lambda: json.dumps(document))
    print(f"{'  JSON size':<52} {len(text) / 2**20:9.1f} MB")
    timed(
        "import case (ids remapped, same database)",
        lambda: case_archive.import_case(store, SYSTEM, json.loads(text), "BENCH-2"),
    )
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
