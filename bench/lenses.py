"""Benchmark the reviewer's lenses (data.patterns) on a synthetic case of 50,000 events.

Prints the time to find every pattern, suggested link and corroboration cluster, beside a
plain-Python loop over the events applying the same rules in the same run
(tests/support/plain_patterns.py), and how many findings each gave (they must be the same
findings: DIFFER says where not), with the load average before and after. Also the time to read the case's events from the
database, as the screen and the CLI do. Run:

    .venv/bin/python bench/lenses.py [EVENTS]

Figures depend on the machine (the reference run was on 2 shared cores); nothing is asserted.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timeline import TYPES, seed_store, synthetic_events, timed

from data import categories, event_links, patterns
from data.actor import SYSTEM
from data.events import case_events
from data.store import Store
from tests.support.plain_patterns import plain_findings

LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))
VOCABULARY = ["".join(w) for w in np.random.default_rng(5).choice(LETTERS, (3000, 6))]


def lens_events(n: int) -> pd.DataFrame:
    """bench/timeline's synthetic events with varied wording, a few quiet spells and, for one
    event in a hundred, a second agency's account of it on the same or the next day."""
    rng = np.random.default_rng(11)
    df = synthetic_events(n + n // 4)
    df = df[~df["event_date"].dt.year.isin([2012, 2019])]  # two quiet years: silences
    words = rng.choice(VOCABULARY, (len(df), 8))
    df = df.assign(summary=[" ".join(row) for row in words])
    twins = df.sample(frac=0.01, random_state=3).copy()
    twins["agency"] = twins["agency"].map(lambda a: "Agency B" if a != "Agency B" else "Agency C")
    twins["event_date"] += pd.to_timedelta(rng.integers(0, 2, len(twins)), unit="D")
    twins["date_precision"] = "day"
    twins["event_id"] = np.arange(len(twins)) + df["event_id"].max() + 1
    twins["source_ref"] = [f"T-{i}" for i in range(len(twins))]
    both = pd.concat([df, twins]).sort_values("event_date", kind="stable")
    return both.head(n).reset_index(drop=True)


def with_categories(df: pd.DataFrame) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:  # the categories the shipped rules give
        rules = Store(Path(tmp) / "rules.duckdb")
        proposed = categories.propose(rules, None, TYPES)
        rules.close()
    return df.assign(category=df["event_type"].map({p.event_type: p.category for p in proposed}))


def known_lens(store: Store, events: pd.DataFrame, agency: str | None = "Agency A",
               at: float = 0.5) -> str:  # fmt: skip
    """The lens callback's server work after the request arrives: what `agency` (None: the
    partnership) knew `at` that share of the way through the case, read, computed and written
    as a Patch of the chart (as apply_known_lens does)."""
    from dash import Patch
    from plotly.io.json import to_json_plotly

    from app.timeline.lens_marks import lens_marks
    from app.timeline.lenses import lens_patch
    from components.category_style import category_data
    from data.events import EventFilter

    day = events["event_date"].iloc[min(int(len(events) * at), len(events) - 1)].date()
    state = {"date": day.isoformat(), "agency": agency}
    case_data = {
        "case_ref": "BENCH-1",
        "categories": category_data(categories.categories(store)),
        "key_categories": [],
        "dob": None,
    }
    lanes = sorted(events["agency"].unique())
    marks = lens_marks(store, SYSTEM, "BENCH-1", state, ["links"])
    patch = Patch()
    lens_patch(patch, store, SYSTEM, case_data, EventFilter.of(), lanes, "agency", "date",
               False, marks)  # fmt: skip
    return to_json_plotly(patch.to_plotly_json())  # as Dash sends it


def opacity_patch_bytes(store: Store, events: pd.DataFrame, sent: str) -> int:
    """The baseline: the same Patch with the lens sent as each category trace's per-point
    marker opacity (a float32 typed array, as before the legend fix) in place of its
    `selectedpoints`."""
    import base64
    import json

    from plotly.io.json import to_json_plotly

    from components.category_style import category_data, marker_styles
    from components.lens_drawing import greyed_mask
    from components.timeline import category_rows, drawn_codes

    lanes = sorted(events["agency"].unique())
    styles = marker_styles(category_data(categories.categories(store)))
    codes, _ = drawn_codes(events, lanes, styles, "agency")
    day = events["event_date"].iloc[len(events) // 2].date()
    unknown = event_links.unknown_event_ids(store, SYSTEM, "BENCH-1", day, "Agency A")
    greyed = np.append(greyed_mask(codes["id"], unknown), False)  # the undrawn point: -1
    operations = json.loads(sent)["operations"]
    for op in operations:
        if op["location"][2:] == ["selectedpoints"]:
            rows = category_rows(codes, op["location"][1])
            values = np.where(greyed[rows], 0.15, 1.0).astype("float32")
            op["location"] = [*op["location"][:2], "marker", "opacity"]
            op["params"]["value"] = {"dtype": "f4", "bdata": base64.b64encode(values).decode()}
    return len(to_json_plotly({"operations": operations}))


def main(n: int = 50_000) -> None:
    events = with_categories(lens_events(n))
    rules = patterns.Rules()
    print(f"synthetic case: {len(events):,} events, {events['agency'].nunique()} agencies")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    ours_ms, found = timed(lambda: patterns.find_all(events, rules), 5)
    plain_ms, plain = timed(lambda: plain_findings(events, rules), 1)
    ours: dict[str, set] = defaultdict(set)
    for f in found:
        ours[f.kind].add(tuple(sorted(f.event_ids)) if f.kind == patterns.SUGGESTED_LINK
                         else f.event_ids)  # fmt: skip
    print(f"{'':24} {'data.patterns':>14} {'plain Python':>14}")
    print(f"{'all lenses, best of 5':24} {ours_ms:11.0f} ms {plain_ms:11.0f} ms (one run)")
    for kind in patterns.KIND_LABELS:
        flag = "" if ours[kind] == plain[kind] else "   DIFFER (not the same findings)"
        print(f"  {kind:22} {len(ours[kind]):14,} {len(plain[kind]):14,}{flag}")
    with tempfile.TemporaryDirectory() as tmp:
        store = seed_store(Path(tmp) / "bench.duckdb", events)
        read_ms, df = timed(lambda: case_events(store, SYSTEM, "BENCH-1"))
        both_ms, _ = timed(lambda: patterns.find_all(case_events(store, SYSTEM, "BENCH-1")))
        lens_ms, sent = timed(lambda: known_lens(store, events), 5)
        opacity_kb = opacity_patch_bytes(store, events, sent) / 1000
        all_ms, all_sent = timed(lambda: known_lens(store, events, None, 0.95), 5)
        store.close()
    print(f"read the case's {len(df):,} events: {read_ms:.0f} ms; read + lenses: {both_ms:.0f} ms")
    print(
        f"known-at-the-time lens applied (read, which of {len(events):,} were known, the Patch "
        f"of which points were known and the day's line), server time, best of 5: "
        f"{lens_ms:.0f} ms (target 100 ms)"
    )
    print(
        f"  its Patch: {len(sent) / 1000:,.0f} kB as `selectedpoints`; "
        f"per-point opacities (before): {opacity_kb:,.0f} kB"
    )
    print(
        "  the whole partnership 95% of the way through (its known events all listed): "
        f"{all_ms:.0f} ms, {len(all_sent) / 1000:,.0f} kB"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
