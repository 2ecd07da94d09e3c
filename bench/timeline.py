"""Benchmark the timeline figure on a synthetic case of 50,000 events across 10 agencies.

Prints, beside a naive `px.timeline` figure of the same events built in the same run: figure
build time, JSON bytes sent to the browser, trace and shape counts, and the server time of a
filter change (the page's Patch path: SQL filter + new trace arrays). The filter changes and the
figure build are also timed, in the same run, through the code as it was before event
categories (`components/timeline.py` and the points query of commit c3dbe8b^, read from git:
one trace per frequent event type), the baseline that categories must not make slower. Run:

    .venv/bin/python bench/timeline.py [EVENTS]

Figures depend on the machine (the reference run was on 2 shared cores); nothing is asserted.
"""

from __future__ import annotations

import importlib.util
import subprocess
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
from data.events import (
    EventFilter,
    _where,
    case_agencies_and_types,
    case_events,
    timeline_points,
)
from data.store import Store

BEFORE_CATEGORIES = "c3dbe8b^"  # the commit before the timeline drew categories
ROOT = Path(__file__).resolve().parent.parent

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


def before_categories():
    """The timeline module as it was before categories, loaded from git (None without git)."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BEFORE_CATEGORIES}:components/timeline.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "timeline_before_categories.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def points_before_categories(store, flt, lanes, types):
    """The points query before categories: the type's index among the case's types."""
    where, params = _where(flt, False)
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = 'BENCH-1'")[0]
    df = store.query_df(
        f"""
        SELECT e.event_id::INTEGER AS event_id, e.event_date,
               (CASE e.date_precision WHEN 'month' THEN 1 WHEN 'year' THEN 2 ELSE 0 END)::TINYINT
                   AS precision_code,
               (list_position(?, a.name) - 1)::SMALLINT AS lane,
               (coalesce(list_position(?, e.event_type), 0) - 1)::SMALLINT AS type_index
        FROM events_current e JOIN agencies a ON a.agency_id = e.agency_id
        WHERE {where}
        ORDER BY e.event_date, e.event_time NULLS FIRST, a.name, e.event_id
        """,
        [list(lanes), list(types), case_id, *params],
    )
    df["lane"] = df["lane"].fillna(-1)
    return df


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

    before = before_categories()

    def ours_before():
        fig = before.timeline_figure(df, date_of_birth=DOB)
        return fig, pio.to_json(fig)

    naive_ms, (naive_fig, naive_json) = timed(naive, 1)
    our_ms = old_ms = float("inf")
    old_fig, old_json = None, ""
    for _ in range(5):  # alternated, so that both meet the same load on a shared machine
        ms, (our_fig, our_json) = timed(ours, 1)
        our_ms = min(our_ms, ms)
        if before:
            ms, (old_fig, old_json) = timed(ours_before, 1)
            old_ms = min(old_ms, ms)
    print(f"{'':32}{'naive px.timeline':>20}{'before categories':>20}{'timeline_figure':>20}")
    print(f"{'build + serialise (ms)':32}{naive_ms:>20.0f}{old_ms:>20.0f}{our_ms:>20.0f}")
    print(f"{'JSON bytes':32}{len(naive_json):>20,}{len(old_json):>20,}{len(our_json):>20,}")
    old_traces = len(old_fig.data) if old_fig else 0
    print(f"{'traces':32}{len(naive_fig.data):>20}{old_traces:>20}{len(our_fig.data):>20}")
    shapes = len(our_fig.layout.shapes) + len(our_fig.layout.annotations)
    print(f"{'shapes + annotations':32}{0:>20}{'':>20}{shapes:>20}")

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
            return pio.json.to_json_plotly(traces)  # as the page's Patch() sends them

        def filter_change_before(flt):
            events = points_before_categories(store, flt, lanes, types)
            traces = before.timeline_traces(events, lanes=lanes, types=types, date_of_birth=DOB)
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
        print("filter change, server time (SQL filter + Patch trace arrays), best of 5,")
        print(f"  {'':30}{'before categories':>20}{'now':>12}")
        for label, flt in cases.items():
            # alternated, so that both meet the same load on a shared machine
            now_ms = old_ms = float("inf")
            for _ in range(5):
                now_ms = min(now_ms, timed(lambda flt=flt: filter_change(flt), 1)[0])
                if before:
                    old_ms = min(old_ms, timed(lambda flt=flt: filter_change_before(flt), 1)[0])
            old = f"{old_ms:.0f} ms" if before else "(no git)"
            print(f"  {label:30}{old:>20}{now_ms:>9.0f} ms")
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
