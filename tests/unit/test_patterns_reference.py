"""data.patterns (vectorised) finds exactly what the same rules written one event at a time
find (tests/support/plain_patterns.py), finding by finding, on generated cases with partial
dates, long and accented words, agency names and several agencies' accounts of one incident."""

from __future__ import annotations

import pandas as pd
import pytest

from data import patterns
from data.patterns import Rules, find_all
from tests.support.plain_patterns import generated_case, plain_findings


def fast_findings(events, rules) -> dict[str, set[tuple]]:
    found: dict[str, set[tuple]] = {kind: set() for kind in patterns.KIND_LABELS}
    for f in find_all(events, rules):
        ids = tuple(sorted(f.event_ids)) if f.kind == patterns.SUGGESTED_LINK else f.event_ids
        assert ids not in found[f.kind], f"{f.kind} found twice: {ids}"
        found[f.kind].add(ids)
    return found


@pytest.mark.parametrize(
    ("seed", "rules"),
    [
        (1, Rules()),
        (2, Rules(silence_days=60, missed_count=2, corroboration_days=2, similarity=0.3)),
        (3, Rules(common_word_share=0.002, response_days=10, referral_link_days=2)),
    ],
)
def test_the_vectorised_rules_find_what_the_plain_rules_find(seed, rules):
    events = generated_case(2500, seed)
    fast, plain = fast_findings(events, rules), plain_findings(events, rules)
    for kind in patterns.KIND_LABELS:
        assert fast[kind] == plain[kind], kind
    # every rule had something to find, so the comparison says something
    assert all(fast[kind] for kind in patterns.KIND_LABELS), {k: len(v) for k, v in fast.items()}


def test_words_longer_than_thirteen_letters_are_words_like_any_other():
    """Words of up to 13 letters are numbered from their letters, longer ones from their
    bytes: each still matches itself only."""
    long = "hospitalisation multiagencymeeting responsibilities"
    near = "hospitalisatiox multiagencymeetinx responsibilitiez"  # the first 13 letters alike
    rows = [
        (1, "2020-05-04", "Police", long),
        (2, "2020-05-04", "Housing", long),
        (3, "2020-05-04", "Probation", near),
    ]
    events = pd.DataFrame(
        [
            {"event_id": i, "event_date": pd.Timestamp(d), "date_precision": "day", "agency": a,
             "category": "Other", "event_type": "Note", "summary": s, "source_ref": f"R{i}"}
            for i, d, a, s in rows
        ]
    )  # fmt: skip
    (group,) = [f for f in find_all(events) if f.kind == patterns.CORROBORATION]
    assert group.event_ids == (1, 2)
    assert group.details["common"] == sorted(long.split())


def test_a_case_too_large_to_pair_in_one_number_is_paired_the_same(monkeypatch):
    """Beyond about 10**18 (words x days x accounts) the accounts are sorted by three keys
    instead of one number: the same findings."""
    events, rules = generated_case(1500, 4), Rules()
    expected = find_all(events, rules)
    monkeypatch.setattr(patterns, "_ONE_NUMBER", 0)
    assert find_all(events, rules) == expected
    fast, plain = fast_findings(events, rules), plain_findings(events, rules)
    assert all(fast[kind] == plain[kind] for kind in patterns.KIND_LABELS)
