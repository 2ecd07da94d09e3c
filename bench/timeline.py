"""Benchmark the timeline figure on a synthetic case of 50,000 events across 10 agencies.

Prints, beside a naive `px.timeline` figure of the same events built in the same run: figure
build time, JSON bytes sent to the browser, trace and shape counts, and the server time of a
filter change (the page's Patch path: SQL filter + new trace arrays). Run:

    .venv/bin/python bench/timeline.py [EVENTS]

Figures depend on the machine (the reference run was on 2 shared cores); nothing is asserted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.io as pio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.timeline import timeline_figure, timeline_traces
from data import categories
from data.actor import SYSTEM
from data.cases import add_case, add_case_agency, ensure_agency
from data.events import EventFilter, case_agencies_and_types, case_events, timeline_points
from data.store import Store

AGENCIES = [f"Agency {chr(65 + i)}" for i in range(10)]
# Event types as agencies name them (most frequent first), spread over the categories.
TYPES = [
    "Home visit", "GP appointment", "Information report", "Contact - referral",
    "Domestic incident", "School attendance concern", "Strategy discussion",
    "Section 47 enquiry", "Missing episode", "Was not brought", "Initial child protection conference",
    "Core group meeting", "Child in need review", "Housing application", "Placement move",
    "Arrest", "Hospital admission", "MARAC", "Early help assessment", "Fixed term exclusion",
    "Case closed", "Birth notification", "Return home interview", "Note",
]  # fmt: skip
DOB = date(2008, 3, 14)


def synthetic_events(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2007-06-01")
    days = rng.integers(0, 17 * 365, n)
    weights = 1 / np.arange(1, len(TYPES) + 1)
    return pd.DataFrame(
        {
            "event_id": np.arange(1, n + 1),
            "event_date": pd.to_datetime(start + days.astype("timedelta64[D]")),
            "date_precision": rng.choice(["day", "month", "year"], n, p=[0.9, 0.08, 0.02]),
            "agency": rng.choice(AGENCIES, n),
            "event_type": rng.choice(TYPES, n, p=weights / weights.sum()),
            "summary": [
                f"Synthetic summary number {i} with some words about the visit" for i in range(n)
            ],
            "source_ref": [f"R-{i}" for i in range(n)],
        }
    ).sort_values("event_date", kind="stable")


def seed_store(path: Path, df: pd.DataFrame) -> Store:
    store = Store(path)
    case = add_case(store, "BENCH-1", date_of_birth=DOB)
    with store.transaction() as cur:
        ids = {a: ensure_agency(cur, a) for a in AGENCIES}
        for agency_id in ids.values():
            add_case_agency(cur, case.case_id, agency_id, by="bench", why="synthetic events")
        frame = df.assign(agency_id=df["agency"].map(ids), case_id=case.case_id)
        frame = frame[
            [
                "case_id",
                "agency_id",
                "event_date",
                "date_precision",
                "event_type",
                "summary",
                "source_ref",
            ]
        ]
        cur.register("bench_frame", frame)
        cur.execute(
            "INSERT INTO events (case_id, agency_id, event_date, date_precision, event_type,"
            " summary, source_ref) SELECT case_id, agency_id, CAST(event_date AS DATE),"
            " date_precision, event_type, summary, source_ref FROM bench_frame"
        )
        categories.assign(cur, case_id=case.case_id)  # as ingest does
    return store


def timed(fn, repeat: int = 3):
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000, value


def main(n: int = 50_000) -> None:
    df = synthetic_events(n)
    with tempfile.TemporaryDirectory() as tmp:  # the categories the shipped rules give
        rules = Store(Path(tmp) / "rules.duckdb")
        proposed = categories.propose(rules, None, TYPES)
        rules.close()
    df["category"] = df["event_type"].map({p.event_type: p.category for p in proposed})
    print(
        f"synthetic case: {n:,} events, {len(AGENCIES)} agencies, {len(TYPES)} event types"
        f" in {df['category'].nunique()} categories"
    )

    def naive():
        d = df.assign(end=df["event_date"] + pd.Timedelta(days=1))
        fig = px.timeline(
            d,
            x_start="event_date",
            x_end="end",
            y="agency",
            color="event_type",
            hover_data=["summary", "source_ref"],
        )
        return fig, pio.to_json(fig)

    def ours():
        fig = timeline_figure(df, date_of_birth=DOB)
        return fig, pio.to_json(fig)

    naive_ms, (naive_fig, naive_json) = timed(naive, 1)
    our_ms, (our_fig, our_json) = timed(ours)
    print(f"{'':32}{'naive px.timeline':>20}{'timeline_figure':>20}")
    print(f"{'build + serialise (ms)':32}{naive_ms:>20.0f}{our_ms:>20.0f}")
    print(f"{'JSON bytes':32}{len(naive_json):>20,}{len(our_json):>20,}")
    print(f"{'traces':32}{len(naive_fig.data):>20}{len(our_fig.data):>20}")
    shapes = len(our_fig.layout.shapes) + len(our_fig.layout.annotations)
    print(f"{'shapes + annotations':32}{0:>20}{shapes:>20}")

    with tempfile.TemporaryDirectory() as tmp:
        store = seed_store(Path(tmp) / "bench.duckdb", df)
        _, types = case_agencies_and_types(store, SYSTEM, "BENCH-1")
        types = [t for t, _ in types]
        lanes = AGENCIES
        listed = categories.categories(store)  # the managed list, as the page reads it
        names = [c.name for c in listed]

        def filter_change(flt):
            events = timeline_points(store, SYSTEM, "BENCH-1", flt, lanes, names)
            traces = timeline_traces(events, lanes=lanes, categories=listed, date_of_birth=DOB)
            return pio.json.to_json_plotly([t.to_plotly_json() for t in traces])

        def load_all():
            return case_events(store, SYSTEM, "BENCH-1")

        load_ms, events = timed(load_all)
        print(f"{'load 50k events from DuckDB (ms)':32}{'':>20}{load_ms:>20.0f}")
        cases = {
            "filter: 3 agencies": EventFilter.of(agencies=AGENCIES[:3]),
            "filter: 2 types": EventFilter.of(types=types[:2]),
            "filter: text 'number 12'": EventFilter.of(text="number 12"),
            "lane toggle: 9 of 10 agencies": EventFilter.of(agencies=AGENCIES[1:]),
            "no filter (clear all)": EventFilter(),
        }
        print("filter change, server time (SQL filter + Patch trace arrays), best of 3:")
        for label, flt in cases.items():
            ms, _ = timed(lambda flt=flt: filter_change(flt))
            print(f"  {label:30}{ms:>20.0f} ms")
        # naive baseline: rebuild the px.timeline figure for the filtered events
        sub = events[events["agency"].isin(AGENCIES[:3])]
        ms, _ = timed(
            lambda: pio.to_json(
                px.timeline(
                    sub.assign(end=sub["event_date"] + pd.Timedelta(days=1)),
                    x_start="event_date",
                    x_end="end",
                    y="agency",
                    color="event_type",
                )
            ),
            1,
        )
        print(f"  {'naive rebuild, 3 agencies':30}{ms:>20.0f} ms")
        store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
