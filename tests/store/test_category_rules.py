"""The managed category list, the shipped word rules and set-based assignment."""

from __future__ import annotations

import pytest

from data import categories as cat
from data import category_list as shipped
from data.store import Store
from tests.support.category_names import AGENCY_TYPE_NAMES


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("cat") / "c.duckdb")
    yield s
    s.close()


def test_at_least_150_real_world_names_from_six_kinds_of_agency():
    assert len(AGENCY_TYPE_NAMES) >= 150
    assert len({t for _, t, _ in AGENCY_TYPE_NAMES}) >= 150


def test_shipped_rules_map_real_world_type_names(store):
    proposals = cat.propose(store, None, [t for _, t, _ in AGENCY_TYPE_NAMES])
    got = {p.event_type: p.category for p in proposals}
    wrong = [
        f"{agency}: {etype!r} -> {got[etype]!r}, expected {expected!r}"
        for agency, etype, expected in AGENCY_TYPE_NAMES
        if got[etype] != expected
    ]
    assert not wrong, "\n".join(wrong)


def test_every_rule_names_a_listed_category_and_every_category_has_its_own_marker(store):
    names = {c.name for c in shipped.SHIPPED_CATEGORIES}
    assert {c for c, _ in shipped.SHIPPED_RULES} <= names
    assert 14 <= len(names) <= 17
    assert len({c.symbol for c in shipped.SHIPPED_CATEGORIES}) == len(names)
    assert [c.name for c in cat.categories(store)][-1] == cat.OTHER


def test_unmatched_type_is_other_not_an_error(store):
    [p] = cat.propose(store, "Nowhere", ["Zzyzx record 42"])
    assert (p.category, p.remembered) == (cat.OTHER, False)


@pytest.mark.parametrize(
    ("phrase", "words"),
    [("Section 47", "section 47"), ("A&E", "a and e"), ("Children's  centre", "childrens centre"),
     ("=Contact", "=contact"), ("exclu*", "exclu*")],
)  # fmt: skip
def test_phrase_words(phrase, words):
    assert shipped.phrase_words(phrase) == words


def test_the_documented_rule_list_is_the_shipped_one():
    from pathlib import Path

    doc = Path(__file__).parents[2] / "docs" / "categories.md"
    assert doc.read_text(encoding="utf-8") == shipped.shipped_markdown()
