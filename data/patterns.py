"""The reviewer's lenses over a case's events: patterns no single agency saw, links between
agencies the app can suggest, and accounts of one incident by several agencies.

Everything here is computed from a frame of events (as `data.events.case_events` returns it)
with vectorised numpy and pandas, never a loop over events, so a 50,000-event case takes
milliseconds (bench/lenses.py).

Imprecise dates are treated conservatively. An event known only to its month (or year) may
have happened on any day of that month (year), so it is taken as the whole interval: it
covers that interval for a silence (a month-precision event can never be the edge that makes a
gap long enough: the silence is only found where no event could have been), and a cluster or
a "within 12 months" counts only when every possible day of its events keeps it within the
span. Suggested links and corroboration need two events dated to the day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.event_links import decided_pairs
from data.events import case_events
from data.vocabulary import (
    AGENCY_SILENCE,
    CORROBORATION,
    DOMESTIC_INCIDENTS,
    KIND_LABELS,
    LINK_TYPES,
    RE_REFERRAL,
    SILENCE,
    SUGGESTED_LINK,
    UNANSWERED_REFERRAL,
    WAS_NOT_BROUGHT,
)

REFERRAL_CATEGORY = "Referral and contact"
CONCERN_CATEGORY = "Concern and disclosure"
CLOSURE_CATEGORY = "Closure and step down"
WAS_NOT_BROUGHT_CATEGORY = "Was not brought"
DOMESTIC_CATEGORY = "Domestic abuse"
# Work that holds a plan for the child, strongest first: the agency with most of the strongest
# kind present "holds the plan" (child protection before early help).
PLAN_CATEGORIES = ("Child protection", "Looked after and placement", "Child in need and early help")
# What counts as a response to a referral, from another agency.
RESPONSE_CATEGORIES = (
    REFERRAL_CATEGORY,
    "Assessment",
    "Strategy and Section 47",
    "Child protection",
    "Child in need and early help",
    CLOSURE_CATEGORY,
)
# "Referral and contact" also holds everyday contacts: a referral says so in its words.
REFERRAL_WORDS = re.compile(r"\b(?:referr\w*|mash|notification)\b", re.IGNORECASE)
# ...and a receipt or an outcome is not a referral waiting for an answer: it says so, or it is
# written as another agency's ("Police referral: ...", "Referral from school").
RECEIPT_WORDS = re.compile(r"\b(?:received|outcome|response|acknowledged|from)\b", re.IGNORECASE)
LEADING_WORD = r"^\W*([A-Za-z]+)"

WORD = re.compile(r"[a-z]{3,}")  # an account's words, lower-cased (as _CORROBORATION_SQL)
STOPWORDS = frozenset({
    "the", "and", "for", "with", "was", "were", "are", "has", "had", "have", "his", "her", "him",
    "she", "they", "them", "their", "this", "that", "from", "not", "but", "who", "what", "when",
    "which", "into", "onto", "about", "after", "before", "said", "says", "told", "also", "been",
    "being", "than", "then", "there", "here", "our", "out", "over", "under", "very", "all", "any",
    "can", "could", "would", "should", "will", "per", "via", "yes", "one", "two",
})  # fmt: skip


@dataclass(frozen=True)
class Rules:
    """The spans and counts the lenses use; the screen lets the chair choose the silence for
    the meeting. The committee's counts use the partnership's rules (`PARTNERSHIP_RULES`) for
    every case, whatever the chair chose (data.committee_patterns says why)."""

    silence_days: int = 90
    plan_agency: str | None = None  # None: the agency with most plan work, if any
    missed_count: int = 3
    missed_window_days: int = 183  # 6 months
    rereferral_days: int = 365
    domestic_count: int = 3
    domestic_window_days: int = 365
    response_days: int = 28
    referral_link_days: int = 5
    concern_link_days: int = 6  # the same week, either side
    corroboration_days: int = 1  # same or adjacent day
    similarity: float = 0.2  # share of the two accounts' distinct words
    common_word_share: float = 0.02  # words in more events than this identify no incident


PARTNERSHIP_RULES = Rules()  # the same for every case: what the committee counts


def _span_words(days: int) -> str:
    months = round(days / 30.44)
    return f"{months} months" if days >= 60 else f"{days} days"


def rules_words(rules: Rules = PARTNERSHIP_RULES) -> str:
    """The patterns `rules` find, in words (for the committee's explorer and the screen)."""
    return (
        f"silences (no contact for more than {rules.silence_days} days, from any agency or from "
        f"the agency holding the plan), {rules.missed_count} or more missed appointments in "
        f"{_span_words(rules.missed_window_days)}, {rules.domestic_count} or more domestic "
        f"abuse incidents in {_span_words(rules.domestic_window_days)}, a closure followed by "
        f"a re-referral within {_span_words(rules.rereferral_days)}, referrals with no "
        f"response from another agency within {rules.response_days} days, and one incident "
        "recorded by several agencies"
    )


@dataclass(frozen=True)
class Finding:
    """One pattern, suggested link or corroboration cluster, with the events behind it."""

    kind: str
    start: date
    end: date
    agencies: tuple[str, ...]
    event_ids: tuple[int, ...]
    event_refs: tuple[str, ...]
    description: str
    link_type: str | None = None  # a suggested link's type
    details: dict = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def csv_row(self) -> list[str]:
        """kind,start,end,agencies,event_refs,description (see PATTERN_CSV_COLUMNS)."""
        return [
            self.kind,
            self.start.isoformat(),
            self.end.isoformat(),
            "; ".join(self.agencies),
            "; ".join(self.event_refs),
            self.description,
        ]


PATTERN_CSV_COLUMNS = ("kind", "start", "end", "agencies", "event_refs", "description")

DAY = np.timedelta64(1, "D")


def _frame(events: pd.DataFrame) -> pd.DataFrame:
    """The columns the rules read, with each event's interval [lo, hi] of possible days, in
    the order of (lo, hi, event_id)."""
    event_id = events["event_id"].to_numpy().astype(np.int64)
    lo = events["event_date"].to_numpy().astype("datetime64[D]")
    precision = events["date_precision"].to_numpy()
    month_end = (lo.astype("datetime64[M]") + 1).astype("datetime64[D]") - DAY
    year_end = (lo.astype("datetime64[Y]") + 1).astype("datetime64[D]") - DAY
    hi = np.where(precision == "month", month_end, np.where(precision == "year", year_end, lo))
    order = np.lexsort((event_id, hi, lo))

    def text(column, missing=""):
        return events[column].fillna(missing).to_numpy(dtype=object)[order]

    category, agency, summary = text("category", "Other"), text("agency"), text("summary")
    referral = np.zeros(len(events), dtype=bool)
    receipt = np.zeros(len(events), dtype=bool)
    # the words are read for the few "Referral and contact" events only
    rows = np.flatnonzero(category == REFERRAL_CATEGORY)
    if rows.size:
        known = {w: a for a in set(agency) for w in agency_words(a)}
        written = zip(text("event_type")[rows].tolist(), summary[rows].tolist(),
                      agency[rows].tolist(), strict=True)  # fmt: skip
        for row, (kind, words, by) in zip(rows.tolist(), written, strict=True):
            said = f"{kind} {words}"
            if REFERRAL_WORDS.search(said):
                referral[row] = True
                receipt[row] = bool(RECEIPT_WORDS.search(said)) or _written_as_other(
                    words, by, known
                )
    return pd.DataFrame(
        {
            "event_id": event_id[order],
            "lo": lo[order],
            "hi": hi[order],
            "day": precision[order] == "day",
            # object Series: pandas would otherwise convert each to its string type and back
            "agency": pd.Series(agency, dtype=object),
            "category": pd.Series(category, dtype=object),
            "ref": pd.Series(text("source_ref"), dtype=object),
            "summary": pd.Series(summary, dtype=object),
            "referral": referral,
            "receipt": receipt,
        },
        copy=False,  # the arrays are this frame's own
    )


@dataclass(frozen=True)
class _Columns:
    """The frame's columns as arrays, for building findings row by row without pandas."""

    event_id: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    agency: np.ndarray
    ref: np.ndarray
    summary: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _Columns:
        return cls(*(frame[c].to_numpy() for c in ("event_id", "lo", "hi", "agency", "ref",
                                                    "summary")))  # fmt: skip


GENERIC_AGENCY_WORDS = frozenset({"care", "services", "service", "children", "network"})


def agency_words(name: str) -> set[str]:
    """The words of an agency's name a record would use to name it ("GP and Health Visiting":
    gp, health, visiting)."""
    words = {w for w in re.findall(r"[a-z]+", name.lower()) if len(w) > 1}
    return words - STOPWORDS - GENERIC_AGENCY_WORDS


def _written_as_other(summary: str, agency: str, known: dict[str, str]) -> bool:
    """Whether a summary starts with a word naming an agency other than the one recording it
    ("Police referral" written by social care); `known`: agency word -> agency."""
    lead = re.match(LEADING_WORD, summary)
    named = known.get(lead.group(1).lower()) if lead else None
    return named is not None and named != agency


def _day(value) -> date:
    return np.datetime64(value, "D").item()


def _words(value) -> str:
    day = _day(value)
    return f"{day.day} {day:%B %Y}"


def _finding(kind, cols: _Columns, rows, start, end, description, **extra) -> Finding:
    rows = np.asarray(rows)
    ids = cols.event_id[rows].tolist()
    refs = [r or f"event {i}" for r, i in zip(cols.ref[rows].tolist(), ids, strict=True)]
    return Finding(
        kind=kind,
        start=_day(start),
        end=_day(end),
        agencies=tuple(dict.fromkeys(cols.agency[rows].tolist())),
        event_ids=tuple(ids),
        event_refs=tuple(refs),
        description=description,
        **extra,
    )


def silences(frame: pd.DataFrame, span_days: int, *, kind=SILENCE, who="any agency"):
    """Gaps longer than span_days in which none of the frame's events could have happened.

    A gap starts where every earlier event has certainly happened (the latest end of their
    intervals) and ends where the next event could first have happened.
    """
    n = len(frame)
    if n < 2:
        return []
    lo, hi = frame["lo"].to_numpy(), frame["hi"].to_numpy()
    covered = np.maximum.accumulate(hi)
    # the row that set the running end, for naming the event the silence starts after
    setter = np.maximum.accumulate(np.where(hi == covered, np.arange(n), 0))
    gap = (lo[1:] - covered[:-1]) / DAY
    cols = _Columns.of(frame)
    found = []
    for i in np.flatnonzero(gap > span_days):
        days = int(gap[i])
        found.append(
            _finding(
                kind,
                cols,
                (setter[i], i + 1),
                covered[i],
                lo[i + 1],
                f"No recorded contact from {who} for {days} days, between "
                f"{_words(covered[i])} and {_words(lo[i + 1])}",
                details={"days": days},
            )
        )
    return found


def plan_agency(frame: pd.DataFrame) -> str | None:
    """The agency with most plan work of the strongest kind the case has (child protection,
    then looked after, then child in need and early help); None without plan work."""
    for category in PLAN_CATEGORIES:
        plan = frame.loc[frame["category"] == category, "agency"]
        if not plan.empty:
            return str(plan.value_counts().index[0])
    return None


def agency_silences(frame: pd.DataFrame, agency: str, span_days: int) -> list[Finding]:
    """Silences of one agency while it held the plan: from its first to its last plan work."""
    own = frame[frame["agency"] == agency]
    plan = own[own["category"].isin(PLAN_CATEGORIES)]  # any kind: a plan can step down
    if plan.empty:
        return []
    held = own[(own["lo"] >= plan["lo"].min()) & (own["hi"] <= plan["hi"].max())]
    return silences(
        held.reset_index(drop=True),
        span_days,
        kind=AGENCY_SILENCE,
        who=f"{agency} (holding the plan)",
    )


def clusters(frame: pd.DataFrame, count: int, window_days: int) -> list[list[int]]:
    """Rows of the frame grouped into runs where `count` consecutive events certainly fall
    within window_days (from the first one's earliest day to the latest one's last)."""
    n = len(frame)
    if n < count:
        return []
    lo, hi = frame["lo"].to_numpy(), frame["hi"].to_numpy()
    last = hi[: n - count + 1].copy()
    for k in range(1, count):
        last = np.maximum(last, hi[k : n - count + 1 + k])
    starts = np.flatnonzero((last - lo[: n - count + 1]) / DAY <= window_days)
    if starts.size == 0:
        return []
    new = np.ones(starts.size, dtype=bool)
    new[1:] = starts[1:] > starts[:-1] + count - 1
    groups = np.cumsum(new) - 1
    first = starts[new]
    end = np.zeros(first.size, dtype=np.int64)
    np.maximum.at(end, groups, starts + count - 1)
    return [list(range(a, b + 1)) for a, b in zip(first, end, strict=True)]


def _cluster_findings(frame, category, count, window_days, kind, what) -> list[Finding]:
    rows = frame.index[frame["category"] == category].to_numpy()
    sub = frame.iloc[rows].reset_index(drop=True)
    cols = _Columns.of(frame)
    found = []
    for group in clusters(sub, count, window_days):
        picked = rows[group]
        start, end = cols.lo[picked[0]], cols.hi[picked].max()
        months = max(1, round(int((end - start) / DAY) / 30.4))
        found.append(
            _finding(
                kind,
                cols,
                picked,
                start,
                end,
                f"{len(picked)} {what} in {months} month{'s' if months > 1 else ''}, "
                f"{_words(start)} to {_words(end)}",
                details={"count": len(picked)},
            )
        )
    return found


def re_referrals(frame: pd.DataFrame, within_days: int) -> list[Finding]:
    """A closure followed by a referral certainly within within_days: for each closure, the
    first referral after it (the latest closure before a referral is the one it follows)."""
    closures = frame.index[frame["category"] == CLOSURE_CATEGORY].to_numpy()
    referrals = frame.index[frame["referral"] & ~frame["receipt"]].to_numpy()
    if closures.size == 0 or referrals.size == 0:
        return []
    c_hi = frame["hi"].to_numpy()[closures]
    order = np.argsort(c_hi, kind="stable")
    closures, c_hi = closures[order], c_hi[order]
    r_lo = frame["lo"].to_numpy()[referrals]
    before = np.searchsorted(c_hi, r_lo, side="left") - 1  # latest closure ending before
    has = before >= 0
    referrals, before = referrals[has], before[has]
    first = np.ones(before.size, dtype=bool)
    first[1:] = before[1:] != before[:-1]
    cols = _Columns.of(frame)
    found = []
    for r, b in zip(referrals[first], before[first], strict=True):
        c = closures[b]
        start, end = cols.lo[c], cols.hi[r]
        days = int((end - start) / DAY)
        if days > within_days:
            continue
        found.append(
            _finding(
                RE_REFERRAL,
                cols,
                (c, r),
                start,
                end,
                f"Closed by {cols.agency[c]} on {_words(start)}, referred again by "
                f"{cols.agency[r]} {days} days later",
                details={"days": days},
            )
        )
    return found


def _in_window_counts(lo_sorted: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.searchsorted(lo_sorted, b, side="right") - np.searchsorted(lo_sorted, a, "left")


def unanswered_referrals(
    frame: pd.DataFrame, within_days: int, answered: frozenset[int] = frozenset()
) -> list[Finding]:
    """Referrals with no response from another agency (a referral, assessment, strategy,
    plan or closure) recorded within within_days of the referral's last possible day, and no
    link recorded from it."""
    referrals = frame.index[frame["referral"] & ~frame["receipt"]].to_numpy()
    referrals = referrals[~frame["event_id"].iloc[referrals].isin(answered).to_numpy()]
    if referrals.size == 0:
        return []
    responses = frame[frame["category"].isin(RESPONSE_CATEGORIES)]
    a = frame["lo"].to_numpy()[referrals]
    b = frame["hi"].to_numpy()[referrals] + within_days * DAY
    agency = frame["agency"].to_numpy()[referrals]
    total = _in_window_counts(responses["lo"].to_numpy(), a, b)
    own = np.zeros(referrals.size, dtype=np.int64)
    for name, group in responses.groupby("agency", sort=False):
        mine = agency == name
        own[mine] = _in_window_counts(group["lo"].to_numpy(), a[mine], b[mine])
    cols = _Columns.of(frame)
    found = []
    for r in referrals[(total - own) == 0]:
        day = cols.lo[r]
        found.append(
            _finding(
                UNANSWERED_REFERRAL,
                cols,
                (r,),
                day,
                cols.hi[r],
                f"Referral by {cols.agency[r]} on {_words(day)}: no response from "
                f"another agency recorded within {within_days} days",
            )
        )
    return found


def _pairs(lo: np.ndarray, src: np.ndarray, dst: np.ndarray, before: int, after: int):
    """Pairs of the frame's rows (src, dst) with dst within [-before, +after] days of src:
    arrays s, d (rows) and gap (days from s to d). src and dst in the frame's order (by day)."""
    d_lo, s_lo = lo[dst], lo[src]
    first = np.searchsorted(d_lo, s_lo - before * DAY, side="left")
    last = np.searchsorted(d_lo, s_lo + after * DAY, side="right")
    sizes = last - first
    offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    d_pos = np.repeat(first, sizes) + offsets
    return np.repeat(src, sizes), dst[d_pos], (d_lo[d_pos] - np.repeat(s_lo, sizes)) // DAY


def _nearest(agency: np.ndarray, s: np.ndarray, d: np.ndarray, gap: np.ndarray):
    """Of the pairs, each s with its nearest d of another agency (the earlier row of two as
    near), by s."""
    other = agency[s] != agency[d]
    s, d, gap = s[other], d[other], gap[other]
    order = np.lexsort((d, np.abs(gap), s))
    s, d, gap = s[order], d[order], gap[order]
    first = np.concatenate([[True], s[1:] != s[:-1]]) if len(s) else np.zeros(0, dtype=bool)
    return zip(s[first].tolist(), d[first].tolist(), gap[first].tolist(), strict=True)


def suggested_links(frame: pd.DataFrame, rules: Rules, linked=frozenset()) -> list[Finding]:
    """Links the app can infer, for the chair to accept or dismiss (never made without one):
    - a referral sent and another agency's referral or contact record within
      referral_link_days after it (referral sent / received);
    - a referral or notification received that names an agency ("Referral from police") and
      that agency's nearest record within referral_link_days before it (the same);
    - a concern logged and another agency's referral the same week (information shared).
    Both events dated to the day. `linked` holds (event_id, event_id) pairs already linked or
    decided, either way round: they are not suggested again."""
    cols = _Columns.of(frame)
    agency, ids, lo = cols.agency, cols.event_id, cols.lo
    dated = frame["day"].to_numpy()
    referral = dated & frame["referral"].to_numpy()
    receipt = dated & frame["receipt"].to_numpy()
    category = frame["category"].to_numpy()
    rows = np.flatnonzero
    candidates = [
        (_pairs(lo, rows(referral & ~receipt), rows(dated & (category == REFERRAL_CATEGORY)), 0,
                rules.referral_link_days), LINK_TYPES[0]),
        (_pairs(lo, rows(dated & (category == CONCERN_CATEGORY)), rows(referral),
                rules.concern_link_days, rules.concern_link_days), LINK_TYPES[1]),
    ]  # fmt: skip
    receipts = rows(receipt)
    for name in frame["agency"].unique():
        words = agency_words(name)
        if not words:
            continue
        pattern = re.compile(
            r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b", re.IGNORECASE
        )
        naming = receipts[
            [a != name and pattern.search(text) is not None
             for a, text in zip(agency[receipts], cols.summary[receipts], strict=True)]
        ]  # fmt: skip
        if naming.size:
            own = rows(dated & (agency == name))
            candidates.append((_pairs(lo, naming, own, rules.referral_link_days, 0),
                               LINK_TYPES[0]))  # fmt: skip
    seen = {tuple(sorted(p)) for p in linked}
    found = []
    for pairs, link_type in candidates:
        for s, d, gap in _nearest(agency, *pairs):
            a, b = (s, d) if gap >= 0 else (d, s)  # earlier first
            key = tuple(sorted((int(ids[a]), int(ids[b]))))
            if key in seen:
                continue
            seen.add(key)
            days = abs(gap)
            when = "the same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart"
            found.append(
                _finding(
                    SUGGESTED_LINK,
                    cols,
                    (a, b),
                    lo[a],
                    lo[b],
                    f"{agency[a]}: {_short(cols.summary[a])} / {agency[b]}: "
                    f"{_short(cols.summary[b])} ({when}): {link_type}?",
                    link_type=link_type,
                )
            )
    return found


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Accounts' words: runs of three letters or more of the lower-cased summary, without stop
# words. They are read from the summaries' bytes with numpy, never a loop over accounts: a word
# of up to 13 letters is its own number, its letters read as base-27 digits (a = 1 ... z = 26;
# 27**13 < 2**63), a longer one (few) is numbered from its bytes. The few accounts found get
# their words back as text.
_SHORT_WORD = 13
_BASE = 27
_POWERS = _BASE ** np.arange(_SHORT_WORD, dtype=np.int64)


def _word_number(word: str) -> int:
    """The number a word of up to _SHORT_WORD letters a-z stands for (as _account_words)."""
    number = 0
    for letter in word:
        number = number * _BASE + ord(letter) - 96
    return number


_ONE_NUMBER = 2**62  # (word, day, account) as one number below this; sorted as three above


_STOPWORD_NUMBERS = np.array(sorted(_word_number(w) for w in STOPWORDS), dtype=np.int64)


@dataclass(frozen=True)
class _Words:
    """Every word of the accounts, in order: its account, where it starts in `data` (the
    accounts' lower-cased UTF-8, one after the other), its length, and its number (the same
    number for the same word)."""

    data: np.ndarray
    account: np.ndarray
    start: np.ndarray
    length: np.ndarray
    number: np.ndarray

    def text(self, picked: np.ndarray) -> list[str]:
        spelt = self.data.tobytes()
        starts, ends = self.start[picked], self.start[picked] + self.length[picked]
        return [
            spelt[s:e].decode("ascii") for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        ]


def _account_words(summaries: np.ndarray) -> _Words:
    """The words of each summary (as WORD finds them in the lower-cased text), stop words
    left out."""
    text = pc.utf8_lower(pa.array(summaries, type=pa.large_string()))
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[: len(text) + 1]
    data = np.frombuffer(text.buffers()[2] or b"", dtype=np.uint8)[: offsets[-1]]
    letter = (data >= 97) & (data <= 122)
    account_starts = np.zeros(len(data) + 1, dtype=bool)
    account_starts[offsets] = True  # a word never runs on into the next account
    before = np.concatenate([[False], letter[:-1]])
    after = np.concatenate([letter[1:], [False]])
    start = np.flatnonzero(letter & (~before | account_starts[:-1]))
    length = np.flatnonzero(letter & (~after | account_starts[1:])) + 1 - start
    start, length = start[length >= 3], length[length >= 3]
    digits = np.where(letter, data - 96, 0).astype(np.uint8)
    digits = np.concatenate([digits, np.zeros(_SHORT_WORD, dtype=np.uint8)])
    # the _SHORT_WORD letters from each word's start, as one number; the letters after its
    # end (down to the last digits) are dropped by the division
    spelt = np.lib.stride_tricks.sliding_window_view(digits, _SHORT_WORD)[start]
    number = spelt.astype(np.int64) @ _POWERS[::-1]
    number //= _POWERS[_SHORT_WORD - np.minimum(length, _SHORT_WORD)]
    long = np.flatnonzero(length > _SHORT_WORD)
    if long.size:  # numbered below zero, from their bytes
        whole = [data[s : s + n].tobytes() for s, n in zip(start[long], length[long], strict=True)]
        number[long] = -1 - pd.factorize(np.array(whole, dtype=object))[0]
    near = np.minimum(np.searchsorted(_STOPWORD_NUMBERS, number), len(_STOPWORD_NUMBERS) - 1)
    keep = _STOPWORD_NUMBERS[near] != number
    account_of_byte = np.repeat(np.arange(len(text), dtype=np.int64), np.diff(offsets))
    return _Words(data, account_of_byte[start[keep]], start[keep], length[keep], number[keep])


def _close_accounts(words: _Words, day, agency, most: float, span: int, similarity: float):
    """Pairs (a, b) of accounts by different agencies within `span` days of each other sharing
    two distinct words or more, and at least `similarity` of all their distinct words, words
    in more than `most` accounts left out; and which of `words` were left out as too common.

    Sorted by (word, day, account), the accounts sharing a word within the span follow each
    other."""
    word, vocabulary = pd.factorize(words.number)
    accounts = len(day)
    offset = day - (day.min() if accounts else 0)
    days = int(offset.max(initial=0)) + span + 2  # a word's days never reach the next word's
    word_day, account = word * days + offset[words.account], words.account
    if len(vocabulary) * days * accounts < _ONE_NUMBER:  # sorted fastest as one number
        key = np.sort(word_day * accounts + account)
        word_day, account = key // accounts, key % accounts
    else:
        order = np.lexsort((account, word_day))
        word_day, account = word_day[order], account[order]
    distinct = np.ones(len(account), dtype=bool)
    distinct[1:] = (word_day[1:] != word_day[:-1]) | (account[1:] != account[:-1])
    word_day, account = word_day[distinct], account[distinct]
    with_word = np.bincount(word_day // days, minlength=len(vocabulary))
    common = with_word > most
    kept = ~common[word_day // days]
    account, word_day = account[kept], word_day[kept]
    # each (word, day) with the later ones of the same word within the span
    last = np.searchsorted(word_day, word_day + span, side="right")
    sizes = last - np.arange(len(word_day)) - 1
    i = np.repeat(np.arange(len(word_day)), sizes)
    j = i + 1 + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    a, b = account[i], account[j]
    other = agency[a] != agency[b]
    a, b = np.minimum(a[other], b[other]), np.maximum(a[other], b[other])
    pair, shared = np.unique(a * accounts + b, return_counts=True)
    a, b = pair // accounts, pair % accounts
    size = np.bincount(account, minlength=accounts)  # each account's distinct words kept
    close = (shared >= 2) & (shared / (size[a] + size[b] - shared) >= similarity)
    return a[close], b[close], common[word]


def corroborations(frame: pd.DataFrame, rules: Rules) -> list[Finding]:
    """Accounts by different agencies of what looks like one incident: dated to the day
    within corroboration_days of each other, sharing two distinct content words at least and
    at least `similarity` of all their distinct content words (words in more than
    common_word_share of the case's events are left out: they identify no incident).
    Grouped, never merged: every account stays as it was."""
    dated = frame[frame["day"]]
    if dated.empty:
        return []
    day = (dated["lo"].to_numpy() - np.datetime64("1970-01-01", "D")) // DAY
    agency = pd.factorize(dated["agency"].to_numpy())[0]
    found = _account_words(dated["summary"].to_numpy())
    most = max(rules.common_word_share * len(frame), 3)
    a, b, common = _close_accounts(found, day, agency, most, rules.corroboration_days,
                                   rules.similarity)  # fmt: skip
    index = dated.index.to_numpy()
    involved = np.zeros(len(dated), dtype=bool)
    involved[a] = involved[b] = True
    picked = np.flatnonzero(involved[found.account] & ~common)
    words: dict[int, set] = {}
    for row, word in zip(found.account[picked].tolist(), found.text(picked), strict=True):
        words.setdefault(int(index[row]), set()).add(word)  # a word too common is no evidence
    cols = _Columns.of(frame)
    return [
        _corroboration(cols, words, sorted(group, key=lambda r: (cols.lo[r], r)))
        for group in _components(index[a], index[b])
    ]


def _components(a: np.ndarray, b: np.ndarray) -> list[set[int]]:
    """Connected groups of the pairs (a[i], b[i]); the pairs are few once filtered."""
    parent: dict[int, int] = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        parent[root(x)] = root(y)
    groups: dict[int, set[int]] = {}
    for x in parent:
        groups.setdefault(root(x), set()).add(x)
    return list(groups.values())


def _corroboration(cols: _Columns, words: dict[int, set], rows: list[int]) -> Finding:
    common = set.intersection(*(words.get(r, set()) for r in rows))
    differ = {
        cols.agency[r]: sorted(words.get(r, set()) - common)[:8]
        for r in rows
        if words.get(r, set()) - common
    }
    agencies = list(dict.fromkeys(cols.agency[rows].tolist()))
    start, end = cols.lo[rows[0]], cols.lo[rows[-1]]
    text = (
        f"{len(agencies)} agencies recorded one incident around {_words(start)}: "
        + ", ".join(agencies)
        + (f"; in common: {', '.join(sorted(common)[:8])}" if common else "")
    )
    if differ:
        text += "; only in one account: " + "; ".join(
            f"{agency}: {', '.join(only)}" for agency, only in differ.items()
        )
    return _finding(
        CORROBORATION,
        cols,
        rows,
        start,
        end,
        text,
        details={"agencies": len(agencies), "common": sorted(common), "differ": differ},
    )


def find_all(
    events: pd.DataFrame,
    rules: Rules = Rules(),
    *,
    linked: frozenset = frozenset(),
    answered: frozenset = frozenset(),
) -> list[Finding]:
    """Every pattern, suggested link and corroboration cluster of the events, by start date.

    `events`: columns event_id, event_date, date_precision, agency, category, event_type,
    summary, source_ref (data.events.case_events). `linked`: pairs of event ids already
    linked or whose suggestion was decided (not suggested again); `answered`: ids of events a
    recorded link answers (a referral linked to its receipt has a response)."""
    if events.empty:
        return []
    frame = _frame(events)
    holder = rules.plan_agency or plan_agency(frame)
    found = [
        *silences(frame, rules.silence_days),
        *(agency_silences(frame, holder, rules.silence_days) if holder else []),
        *_cluster_findings(
            frame,
            WAS_NOT_BROUGHT_CATEGORY,
            rules.missed_count,
            rules.missed_window_days,
            WAS_NOT_BROUGHT,
            "missed appointments",
        ),
        *re_referrals(frame, rules.rereferral_days),
        *_cluster_findings(
            frame,
            DOMESTIC_CATEGORY,
            rules.domestic_count,
            rules.domestic_window_days,
            DOMESTIC_INCIDENTS,
            "domestic abuse events",
        ),
        *unanswered_referrals(frame, rules.response_days, answered),
        *suggested_links(frame, rules, linked),
        *corroborations(frame, rules),
    ]
    order = {kind: i for i, kind in enumerate(KIND_LABELS)}
    return sorted(found, key=lambda f: (f.start, order[f.kind], f.event_ids))


def case_findings(store, user, case_ref: str, rules: Rules = Rules()) -> list[Finding]:
    """Every pattern, suggested link and corroboration cluster of a case (the events the
    timeline shows: hidden and replaced ones left out), with the links people recorded: a
    pair linked or dismissed is not suggested again, a referral linked as received is
    answered."""
    linked, answered = decided_pairs(store, user, case_ref)
    return find_all(case_events(store, user, case_ref), rules, linked=linked, answered=answered)


def findings_csv_rows(findings: list[Finding]) -> list[list[str]]:
    """Rows in PATTERN_CSV_COLUMNS order (write them with data.exports.csv_text)."""
    return [f.csv_row() for f in findings]


def lens_words(day: date | None, agency: str | None) -> str | None:
    """How a reflection names the lens it was written under: "with what was known to Police
    on 14 March 2016" (or "to the whole partnership"); None without a lens."""
    if day is None:
        return None
    return f"with what was known to {agency or 'the whole partnership'} on {_words(day)}"
