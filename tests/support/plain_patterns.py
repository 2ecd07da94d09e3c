"""The reviewer's lenses' rules written the simple way, one event at a time in plain Python:
the reference `data.patterns` (vectorised) is checked against on generated cases
(tests/unit/test_patterns_reference.py) and timed beside (bench/lenses.py).

`plain_findings` gives, for each kind of finding, the set of its findings' events (event ids,
in the order data.patterns lists them; a suggested link's two in the order of their ids), so
two ways of finding can be compared finding by finding. Words are read as `data.patterns.WORD` on `str.lower()`; data.patterns lower-cases
with Arrow, which differs from Python only for a few letters (a dotted capital I), which
generated cases leave out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data import patterns


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _rows(events: pd.DataFrame) -> list[dict]:
    rows = []
    for e in events.to_dict("records"):
        lo = pd.Timestamp(e["event_date"]).date()
        if e["date_precision"] == "month":
            hi = _month_end(lo)
        elif e["date_precision"] == "year":
            hi = lo.replace(month=12, day=31)
        else:
            hi = lo
        category = e["category"] if isinstance(e["category"], str) else "Other"
        summary = e["summary"] if isinstance(e["summary"], str) else ""
        words = f"{e['event_type']} {summary}"
        referral = category == patterns.REFERRAL_CATEGORY and bool(
            patterns.REFERRAL_WORDS.search(words)
        )
        lead = re.match(patterns.LEADING_WORD, summary)
        e.update(lo=lo, hi=hi, category=category, summary=summary, referral=referral,
                 lead=lead.group(1).lower() if lead else None)  # fmt: skip
        rows.append(e)
    names = {w: a for a in {r["agency"] for r in rows} for w in patterns.agency_words(a)}
    for r in rows:
        named = names.get(r["lead"])
        r["receipt"] = r["referral"] and (
            bool(patterns.RECEIPT_WORDS.search(f"{r['event_type']} {r['summary']}"))
            or (named is not None and named != r["agency"])
        )
    rows.sort(key=lambda r: (r["lo"], r["hi"], r["event_id"]))
    return rows


def _gaps(items: list[dict], span: int) -> set[tuple]:
    """(the event that the silence starts after, the one that ends it)."""
    found, covered, setter = set(), None, None
    for r in items:
        if covered is not None and (r["lo"] - covered).days > span:
            found.add((setter["event_id"], r["event_id"]))
        if covered is None or r["hi"] >= covered:
            covered, setter = r["hi"], r
    return found


def _clusters(rows: list[dict], category: str, count: int, window: int) -> set[tuple]:
    items = [r for r in rows if r["category"] == category]
    groups: list[list[int]] = []
    end = -1
    for i in range(len(items) - count + 1):
        run = items[i : i + count]
        if (max(r["hi"] for r in run) - run[0]["lo"]).days <= window:
            if i > end:
                groups.append([])
            groups[-1].extend(j for j in range(max(i, end + 1), i + count))
            end = i + count - 1
    return {tuple(items[j]["event_id"] for j in group) for group in groups}


def plain_findings(events: pd.DataFrame, rules: patterns.Rules) -> dict[str, set[tuple]]:
    rows = _rows(events)
    found: dict[str, set[tuple]] = defaultdict(set)
    found[patterns.SILENCE] = _gaps(rows, rules.silence_days)
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
        found[patterns.AGENCY_SILENCE] = _gaps(held, rules.silence_days)
    found[patterns.WAS_NOT_BROUGHT] = _clusters(
        rows, patterns.WAS_NOT_BROUGHT_CATEGORY, rules.missed_count, rules.missed_window_days
    )
    found[patterns.DOMESTIC_INCIDENTS] = _clusters(
        rows, patterns.DOMESTIC_CATEGORY, rules.domestic_count, rules.domestic_window_days
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
                found[patterns.RE_REFERRAL].add((before[-1]["event_id"], r["event_id"]))
    responses = [r for r in rows if r["category"] in patterns.RESPONSE_CATEGORIES]
    for r in sent:
        until = r["hi"] + timedelta(days=rules.response_days)
        if not any(x["agency"] != r["agency"] and r["lo"] <= x["lo"] <= until for x in responses):
            found[patterns.UNANSWERED_REFERRAL].add((r["event_id"],))
    found[patterns.SUGGESTED_LINK] = plain_links(rows, rules)
    found[patterns.CORROBORATION] = plain_corroborations(rows, rules)
    return found


def plain_links(rows: list[dict], rules: patterns.Rules) -> set[tuple]:
    """Each suggestion as its two events' ids, lower first."""
    dated = [r for r in rows if r["date_precision"] == "day"]
    by_day = defaultdict(list)
    for r in dated:
        by_day[r["lo"]].append(r)

    def nearest(src, accept, before, after):
        best = None
        for offset in range(-before, after + 1):
            for d in by_day.get(src["lo"] + timedelta(days=offset), []):
                if d["agency"] != src["agency"] and accept(d):
                    key = (abs(offset), d["lo"], d["hi"], d["event_id"])
                    if best is None or key < best[0]:
                        best = (key, d)
        return best and best[1]

    def tries(r):
        if r["referral"] and not r["receipt"]:
            yield lambda d: d["category"] == patterns.REFERRAL_CATEGORY, 0, rules.referral_link_days
        if r["category"] == patterns.CONCERN_CATEGORY:
            yield lambda d: d["referral"], rules.concern_link_days, rules.concern_link_days
        if r["receipt"]:
            for name in {x["agency"] for x in rows}:
                words = patterns.agency_words(name)
                pattern = r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b"
                if (
                    name != r["agency"]
                    and words
                    and re.search(pattern, r["summary"], re.IGNORECASE)
                ):
                    yield lambda d, n=name: d["agency"] == n, rules.referral_link_days, 0

    pairs = set()
    for r in dated:
        for accept, before, after in tries(r):
            d = nearest(r, accept, before, after)
            if d is not None:
                pairs.add(tuple(sorted((r["event_id"], d["event_id"]))))
    return pairs


def _place(r):
    return (r["lo"], r["hi"], r["event_id"])


def plain_corroborations(rows: list[dict], rules: patterns.Rules) -> set[tuple]:
    dated = [r for r in rows if r["date_precision"] == "day"]
    words = {
        r["event_id"]: set(patterns.WORD.findall(r["summary"].lower())) - patterns.STOPWORDS
        for r in dated
    }
    df = Counter(w for ws in words.values() for w in ws)
    limit = max(rules.common_word_share * len(rows), 3)
    words = {i: {w for w in ws if df[w] <= limit} for i, ws in words.items()}
    by_day = defaultdict(list)
    for r in dated:
        by_day[r["lo"]].append(r)
    parent: dict = {}

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
    place = {r["event_id"]: _place(r) for r in dated}
    groups = defaultdict(list)
    for x in parent:
        groups[root(x)].append(x)
    return {tuple(sorted(g, key=place.__getitem__)) for g in groups.values()}


# ---- a generated case with every rule's material ------------------------------------------

AGENCIES = ("Police", "Children's Social Care", "GP and Health Visiting", "Riverside Primary School",
            "Housing", "Probation")  # fmt: skip
CATEGORIES = (
    patterns.REFERRAL_CATEGORY, patterns.CONCERN_CATEGORY, patterns.CLOSURE_CATEGORY,
    patterns.WAS_NOT_BROUGHT_CATEGORY, patterns.DOMESTIC_CATEGORY, *patterns.PLAN_CATEGORIES,
    "Assessment", "Strategy and Section 47", "Health contact", "Education", "Other",
)  # fmt: skip
TYPES = ("Referral to MASH", "Contact", "Notification", "Visit", "Appointment", "Meeting",
         "Log entry")  # fmt: skip
WORDS = (
    "mother", "father", "partner", "child", "baby", "bruise", "bruising", "injury", "school",
    "attendance", "police", "health", "housing", "arrears", "drinking", "argument", "shouting",
    "neighbour", "called", "visit", "home", "unkempt", "hungry", "nursery", "clinic", "weight",
    "hospitalisation", "responsibilities", "safeguarding", "accommodation", "multiagencymeeting",
    "café", "Zoë", "naïve", "A&E", "23:00", "x", "to", "at", "the", "and", "from", "received",
    "referral", "MASH", "outcome", "notification", "Police", "School", "Housing",
)  # fmt: skip


def generated_case(n: int, seed: int) -> pd.DataFrame:
    """About n events of six agencies over ten years with two quiet spells, partial dates,
    every category the rules read, wording drawn from everyday words (agency names, referral
    words, punctuation) and 1,500 made-up ones (3 to 16 letters, some accented), a referral
    nobody answers before each quiet spell and, for one event in twenty, another agency's
    account of it the same or the next day in mostly the same words (one in five of those
    written again by the same agency instead)."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2010-01-01")
    days = rng.integers(0, 3650, n)
    days = days[(days < 700) | (days > 850)]  # a quiet spell of 150 days
    days = days[(days < 2000) | (days > 2130)]  # and one of 130
    m = len(days)
    weights = np.array([8, 4, 3, 3, 3, 2, 1, 2, 2, 1, 6, 4, 4], dtype=float)
    category = rng.choice(CATEGORIES, m, p=weights / weights.sum())
    agency = rng.choice(AGENCIES, m)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzéï"))
    spelt = ["".join(rng.choice(letters, k)) for k in rng.integers(3, 17, 1500)]
    summaries = []
    for _ in range(m):
        words = list(rng.choice(WORDS, rng.integers(0, 4))) + list(
            rng.choice(spelt, rng.integers(1, 8))
        )
        if rng.random() < 0.1:
            words.insert(0, str(rng.choice(["Police referral:", "Referral from school",
                                             "Housing notification", "referral sent"])))  # fmt: skip
        summaries.append(" ".join(words))
    frame = pd.DataFrame(
        {
            "event_date": pd.to_datetime(start + days.astype("timedelta64[D]")),
            "date_precision": rng.choice(["day", "month", "year"], m, p=[0.88, 0.09, 0.03]),
            "agency": agency,
            "category": category,
            "event_type": rng.choice(TYPES, m),
            "summary": summaries,
        }
    )
    # no event known only to its year in the quiet spells' years (it would cover them)
    quiet_years = frame["event_date"].dt.year.isin([2011, 2012, 2015])
    frame.loc[quiet_years & (frame["date_precision"] == "year"), "date_precision"] = "day"
    month = frame["date_precision"] == "month"
    year = frame["date_precision"] == "year"
    frame.loc[month, "event_date"] = frame.loc[month, "event_date"].dt.to_period("M").dt.start_time
    frame.loc[year, "event_date"] = frame.loc[year, "event_date"].dt.to_period("Y").dt.start_time
    twins = frame[frame["date_precision"] == "day"].sample(frac=0.05, random_state=seed).copy()
    twins["agency"] = [AGENCIES[(AGENCIES.index(a) + 1) % len(AGENCIES)] for a in twins["agency"]]
    twins["event_date"] += pd.to_timedelta(rng.integers(0, 2, len(twins)), unit="D")
    twins["summary"] = [s + " " + " ".join(rng.choice(spelt, 2)) for s in twins["summary"]]
    # and one agency writing one incident twice: one account, however alike
    twins.loc[twins.index[::5], "agency"] = frame.loc[twins.index[::5], "agency"]
    # a referral just before each quiet spell: nobody answers it
    unanswered = pd.DataFrame(
        {
            "event_date": pd.to_datetime(start + np.array([699, 1999]).astype("timedelta64[D]")),
            "date_precision": "day",
            "agency": "Riverside Primary School",
            "category": patterns.REFERRAL_CATEGORY,
            "event_type": "Referral to MASH",
            "summary": "Concerns about bruising",
        }
    )
    both = pd.concat([frame, twins, unanswered], ignore_index=True)
    both = both.sample(frac=1, random_state=seed).reset_index(drop=True)  # any order
    return both.assign(
        event_id=np.arange(1, len(both) + 1) * 3,
        source_ref=[f"G-{i}" if i % 7 else "" for i in range(len(both))],
    )
