"""Benchmark the reviewer's lenses (data.patterns) on a synthetic case of 50,000 events.

Prints the time to find every pattern, suggested link and corroboration cluster, beside a
plain-Python loop over the events applying the same rules in the same run, and how many
findings each gave (they must agree). Also the time to read the case's events from the
database, as the screen and the CLI do. Run:

    .venv/bin/python bench/lenses.py [EVENTS]

Figures depend on the machine (the reference run was on 2 shared cores); nothing is asserted.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timeline import TYPES, seed_store, synthetic_events, timed

from data import categories, patterns
from data.actor import SYSTEM
from data.events import case_events
from data.store import Store

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


# ---- the same rules, one event at a time --------------------------------------------------


def plain_python(events: pd.DataFrame, rules: patterns.Rules) -> Counter:
    rows = []
    for e in events.to_dict("records"):
        lo = e["event_date"].date()
        if e["date_precision"] == "month":
            hi = (lo.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        elif e["date_precision"] == "year":
            hi = lo.replace(month=12, day=31)
        else:
            hi = lo
        words = f"{e['event_type']} {e['summary']}"
        referral = e["category"] == patterns.REFERRAL_CATEGORY and bool(
            patterns.REFERRAL_WORDS.search(words)
        )
        lead = re.match(patterns.LEADING_WORD, e["summary"])
        e.update(lo=lo, hi=hi, referral=referral, lead=lead.group(1).lower() if lead else None)
        rows.append(e)
    names = {w: a for a in {r["agency"] for r in rows} for w in patterns.agency_words(a)}
    for r in rows:
        named = names.get(r["lead"])
        r["receipt"] = r["referral"] and (
            bool(patterns.RECEIPT_WORDS.search(f"{r['event_type']} {r['summary']}"))
            or (named is not None and named != r["agency"])
        )
    rows.sort(key=lambda r: (r["lo"], r["hi"], r["event_id"]))
    found: Counter = Counter()

    def gaps(items, span):
        count, covered = 0, None
        for r in items:
            if covered is not None and (r["lo"] - covered).days > span:
                count += 1
            covered = r["hi"] if covered is None else max(covered, r["hi"])
        return count

    found[patterns.SILENCE] = gaps(rows, rules.silence_days)
    holder = None
    for category in patterns.PLAN_CATEGORIES:
        plan = Counter(r["agency"] for r in rows if r["category"] == category)
        if plan:
            holder = plan.most_common(1)[0][0]
            break
    own = [r for r in rows if r["agency"] == holder]
    plan = [r for r in own if r["category"] in patterns.PLAN_CATEGORIES]
    if plan:
        first, last = min(r["lo"] for r in plan), max(r["hi"] for r in plan)
        held = [r for r in own if r["lo"] >= first and r["hi"] <= last]
        found[patterns.AGENCY_SILENCE] = gaps(held, rules.silence_days)

    def clusters(category, count, window):
        items = [r for r in rows if r["category"] == category]
        groups, end = 0, -1
        for i in range(len(items) - count + 1):
            run = items[i : i + count]
            if (max(r["hi"] for r in run) - run[0]["lo"]).days <= window:
                if i > end:
                    groups += 1
                end = i + count - 1
        return groups

    found[patterns.WAS_NOT_BROUGHT] = clusters(
        patterns.WAS_NOT_BROUGHT_CATEGORY, rules.missed_count, rules.missed_window_days
    )
    found[patterns.DOMESTIC_INCIDENTS] = clusters(
        patterns.DOMESTIC_CATEGORY, rules.domestic_count, rules.domestic_window_days
    )
    sent = [r for r in rows if r["referral"] and not r["receipt"]]
    closures = sorted(
        (r for r in rows if r["category"] == patterns.CLOSURE_CATEGORY), key=lambda r: r["hi"]
    )
    followed = set()
    for r in sent:
        before = [c for c in closures if c["hi"] < r["lo"]]
        if before and id(before[-1]) not in followed:
            followed.add(id(before[-1]))
            if (r["hi"] - before[-1]["lo"]).days <= rules.rereferral_days:
                found[patterns.RE_REFERRAL] += 1
    responses = [r for r in rows if r["category"] in patterns.RESPONSE_CATEGORIES]
    for r in sent:
        until = r["hi"] + timedelta(days=rules.response_days)
        if not any(x["agency"] != r["agency"] and r["lo"] <= x["lo"] <= until for x in responses):
            found[patterns.UNANSWERED_REFERRAL] += 1
    found[patterns.SUGGESTED_LINK] = len(plain_links(rows, rules))
    found[patterns.CORROBORATION] = plain_corroborations(rows, rules)
    return found


def plain_links(rows, rules) -> set:
    dated = [r for r in rows if r["date_precision"] == "day"]
    by_day = defaultdict(list)
    for r in dated:
        by_day[r["lo"]].append(r)

    def nearest(src, accept, before, after):
        best = None
        for offset in range(-before, after + 1):
            for d in by_day.get(src["lo"] + timedelta(days=offset), []):
                if d["agency"] != src["agency"] and accept(d):
                    key = (abs(offset), d["event_id"])
                    if best is None or key < best[0]:
                        best = (key, d)
        return best and best[1]

    pairs = set()
    for r in dated:
        tries = []
        if r["referral"] and not r["receipt"]:
            tries.append(
                (lambda d: d["category"] == patterns.REFERRAL_CATEGORY, 0, rules.referral_link_days)
            )
        if r["category"] == patterns.CONCERN_CATEGORY:
            tries.append(
                (lambda d: d["referral"], rules.concern_link_days, rules.concern_link_days)
            )
        if r["receipt"]:
            for name in {x["agency"] for x in rows} - {r["agency"]}:
                words = patterns.agency_words(name)
                if words and re.search(
                    r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b",
                    r["summary"],
                    re.IGNORECASE,
                ):
                    tries.append((lambda d, n=name: d["agency"] == n, rules.referral_link_days, 0))
        for accept, before, after in tries:
            d = nearest(r, accept, before, after)
            if d is not None:
                pairs.add(tuple(sorted((r["event_id"], d["event_id"]))))
    return pairs


def plain_corroborations(rows, rules) -> int:
    dated = [r for r in rows if r["date_precision"] == "day"]
    words = {
        r["event_id"]: set(patterns.WORD.findall(r["summary"].lower())) - patterns.STOPWORDS
        for r in dated
    }
    df = Counter(w for ws in words.values() for w in ws)
    limit = max(rules.common_word_share, 3 / len(rows)) * len(rows)
    words = {i: {w for w in ws if df[w] <= limit} for i, ws in words.items()}
    by_day = defaultdict(list)
    for r in dated:
        by_day[r["lo"]].append(r)
    parent = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for r in dated:
        for offset in range(rules.corroboration_days + 1):
            for d in by_day.get(r["lo"] + timedelta(days=offset), []):
                if d["agency"] == r["agency"] or (offset == 0 and d["event_id"] <= r["event_id"]):
                    continue
                a, b = words[r["event_id"]], words[d["event_id"]]
                shared = len(a & b)
                if shared >= 2 and shared / len(a | b) >= rules.similarity:
                    parent[root(r["event_id"])] = root(d["event_id"])
    return len({root(x) for x in parent})


def known_lens(store: Store, events: pd.DataFrame) -> None:
    """The lens callback's server work after the request arrives: what Agency A knew mid-case,
    read, computed and written as a Patch of the chart (as apply_known_lens does)."""
    from dash import Patch
    from plotly.io.json import to_json_plotly

    from app.timeline.lens_marks import lens_marks
    from app.timeline.lenses import lens_patch
    from components.category_style import category_data
    from data.events import EventFilter

    day = events["event_date"].iloc[len(events) // 2].date()
    state = {"date": day.isoformat(), "agency": "Agency A"}
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
    to_json_plotly(patch.to_plotly_json())  # as Dash sends it


def main(n: int = 50_000) -> None:
    events = with_categories(lens_events(n))
    rules = patterns.Rules()
    print(f"synthetic case: {len(events):,} events, {events['agency'].nunique()} agencies")
    ours_ms, found = timed(lambda: patterns.find_all(events, rules), 5)
    plain_ms, plain = timed(lambda: plain_python(events, rules), 1)
    ours = Counter(f.kind for f in found)
    print(f"{'':24} {'data.patterns':>14} {'plain Python':>14}")
    print(f"{'all lenses, best of 5':24} {ours_ms:11.0f} ms {plain_ms:11.0f} ms (one run)")
    for kind in patterns.KIND_LABELS:
        flag = "" if ours[kind] == plain[kind] else "   DIFFER"
        print(f"  {kind:22} {ours[kind]:14,} {plain[kind]:14,}{flag}")
    with tempfile.TemporaryDirectory() as tmp:
        store = seed_store(Path(tmp) / "bench.duckdb", events)
        read_ms, df = timed(lambda: case_events(store, SYSTEM, "BENCH-1"))
        both_ms, _ = timed(lambda: patterns.find_all(case_events(store, SYSTEM, "BENCH-1")))
        lens_ms, _ = timed(lambda: known_lens(store, events), 5)
        store.close()
    print(f"read the case's {len(df):,} events: {read_ms:.0f} ms; read + lenses: {both_ms:.0f} ms")
    print(
        f"known-at-the-time lens applied (read, which of {len(events):,} were known, the Patch "
        f"of opacities and the day's line), server time, best of 5: {lens_ms:.0f} ms "
        "(target 100 ms)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
