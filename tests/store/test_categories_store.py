"""Categories on stored events: at ingest, remembered per agency, corrections, admin changes."""

from __future__ import annotations

from datetime import date

import pytest

from data import audit, cases
from data import categories as cat
from data import category_list as shipped
from data.actor import SYSTEM, User
from data.errors import Forbidden, InvalidInput
from data.event_edits import add_meeting_event, correct_event
from data.ingest import ingest_file
from data.store import Store

CHAIR = User(user_id=0, username="chair1", role="chair", agency=None, active=True)
EXTRACT = (
    "date,event_type,summary\n"
    "01/02/2020,MASH referral,a\n"
    "02/02/2020,Strategy discussion,b\n"
    "03/02/2020,Contact,c\n"
    "04/02/2020,Zzyzx record,d\n"
)


def by_type(store: Store) -> dict[str, str]:
    return dict(store.query("SELECT event_type, category FROM events_current"))


@pytest.fixture
def case(store):
    return cases.add_case(store, "CAT-1", date_of_birth=date(2015, 1, 1))


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "voluntary.csv"
    path.write_text(EXTRACT, encoding="utf-8")
    return path


def test_ingest_stores_each_events_category_from_the_rules(store, case, extract):
    ingest_file(store, "CAT-1", "Police", extract)
    assert by_type(store) == {
        "MASH referral": "Referral and contact",
        "Strategy discussion": "Strategy and Section 47",
        "Contact": "Referral and contact",
        "Zzyzx record": cat.OTHER,
    }
    assert store.query("SELECT count(*) FROM events WHERE category IS NULL") == [(0,)]


def test_an_agencys_choices_win_over_the_rules_and_are_proposed_next_time(store, case, extract):
    choices = {"Contact": "Child in need and early help"}
    ingest_file(store, "CAT-1", "Family Support", extract, category_choices=choices)
    assert by_type(store)["Contact"] == "Child in need and early help"
    again = {p.event_type: p for p in cat.propose(store, "Family Support", ["Contact", "Meeting"])}
    assert (
        again["Contact"].category == "Child in need and early help" and again["Contact"].remembered
    )
    assert not again["Meeting"].remembered
    # another agency's "Contact" still follows the rules
    assert cat.propose(store, "Police", ["Contact"])[0].category == "Referral and contact"


def test_an_unknown_chosen_category_refuses_the_upload_and_changes_nothing(store, case, extract):
    with pytest.raises(InvalidInput, match="no such category"):
        ingest_file(store, "CAT-1", "Police", extract, category_choices={"Contact": "Nope"})
    assert store.query("SELECT count(*) FROM events") == [(0,)]


def test_meeting_events_and_corrections_are_categorised(store, case, extract):
    ingest_file(store, "CAT-1", "Police", extract)
    added = add_meeting_event(
        store, SYSTEM, "CAT-1", agency="Police", event_date="2020-03-01",
        event_type="Arrest", summary="x",
    )  # fmt: skip
    (eid,) = store.query_one("SELECT event_id FROM events WHERE event_type = 'Zzyzx record'")
    correct_event(
        store, SYSTEM, "CAT-1", eid, event_date="2020-02-04", date_precision="day",
        event_type="Missing episode", summary="d", reason="type was garbled",
    )  # fmt: skip
    rows = dict(store.query("SELECT event_id, category FROM events_current"))
    assert rows[added] == "Police and youth justice"
    assert rows[eid] == "Missing and exploitation"
    # the extract's own row keeps what its type said
    assert store.query_one("SELECT category FROM events WHERE event_id = ?", [eid]) == (cat.OTHER,)


def test_events_inserted_without_a_category_are_categorised_at_start_up(tmp_path):
    path = tmp_path / "old.duckdb"
    store = Store(path)
    case = cases.add_case(store, "OLD-1")
    with store.transaction() as cur:
        agency_id = cases.ensure_agency(cur, "School")
        cur.execute(
            "INSERT INTO events (case_id, agency_id, event_date, date_precision, event_type,"
            " summary) VALUES (?, ?, DATE '2020-01-01', 'day', 'Fixed term exclusion', '')",
            [case.case_id, agency_id],
        )
    store.close()
    store = Store(path)
    assert store.query("SELECT category FROM events") == [("Education",)]
    assert store.query("SELECT category FROM crc_events") == [("Education",)]
    store.close()


def test_rename_merge_and_rules_re_apply_to_events_and_are_audited(store, case, extract):
    ingest_file(store, "CAT-1", "Police", extract)
    (before,) = store.query_one(
        "SELECT count(*) FROM events WHERE category = 'Referral and contact'"
    )
    moved = cat.rename_category(store, SYSTEM, "Referral and contact", "Contacts and referrals")
    assert moved == before > 0  # the page says how many events the change touched
    assert by_type(store)["MASH referral"] == "Contacts and referrals"
    renamed = {c.name: c for c in cat.categories(store)}["Contacts and referrals"]
    assert renamed.symbol == "triangle-right"  # the marker follows the category
    cat.merge_categories(store, SYSTEM, "Strategy and Section 47", "Child protection")
    assert by_type(store)["Strategy discussion"] == "Child protection"
    assert "Strategy and Section 47" not in cat.category_names(store)
    added = cat.add_category(store, SYSTEM, "Private fostering")
    assert added.symbol not in {c.symbol for c in shipped.SHIPPED_CATEGORIES}
    assert cat.category_names(store)[-2:] == ["Private fostering", cat.OTHER]
    rules = cat.rules_text(cat.rules(store))
    cat.set_rules(store, SYSTEM, "zzyzx => Private fostering\n" + rules)
    assert by_type(store)["Zzyzx record"] == "Private fostering"
    details = [e.detail for e in audit.search(store, SYSTEM, action=audit.CATEGORIES)]
    assert any("renamed category Referral and contact" in d for d in details)
    assert any("merged category Strategy and Section 47" in d for d in details)
    assert any("1 events re-categorised" in d for d in details)


def test_only_admins_change_the_list_and_bad_rules_name_their_line(store):
    with pytest.raises(Forbidden):
        cat.rename_category(store, CHAIR, "Assessment", "Assessments")
    with pytest.raises(InvalidInput, match="line 2: there is no category 'Nope'"):
        cat.set_rules(store, SYSTEM, "dna => Was not brought\nfoo => Nope\n")
    with pytest.raises(InvalidInput, match="keeps its name"):
        cat.rename_category(store, SYSTEM, cat.OTHER, "Misc")
    assert len(cat.rules(store)) == len(shipped.shipped_rule_rows())  # unchanged


def test_key_categories_are_pinned_per_case_by_the_chair(store, case):
    cat.set_key_categories(store, SYSTEM, "CAT-1", ["Domestic abuse", "Missing and exploitation"])
    assert cat.key_categories(store, case.case_id) == ["Domestic abuse", "Missing and exploitation"]
    agency = User(user_id=0, username="a", role="agency", agency="Police", active=True)
    with pytest.raises(Forbidden):
        cat.set_key_categories(store, agency, "CAT-1", [])
    with pytest.raises(InvalidInput):
        cat.set_key_categories(store, SYSTEM, "CAT-1", ["Nope"])


def test_the_shipped_markers_are_told_apart_drawn_small_and_migration_0017b_moves_them(store):
    from components.category_style import _SVG_PATHS, SYMBOL_NUMBERS
    from data.migrations import migration_files

    symbols = [c.symbol for c in shipped.SHIPPED_CATEGORIES]
    assert len(set(symbols) & shipped.ROUNDISH_SYMBOLS) <= 1  # one round blob at most
    assert not set(symbols) & set(shipped.SPARE_SYMBOLS)  # a marker is never shared
    assert all(SYMBOL_NUMBERS[s] in _SVG_PATHS for s in symbols)  # the HTML legend draws each
    migration = dict(migration_files())["0017b_distinct_category_markers"]

    def rerun(symbols_before: dict[str, str]) -> dict[str, str]:
        with store.transaction() as cur:
            for name, symbol in symbols_before.items():
                cur.execute("UPDATE categories SET symbol = ? WHERE name = ?", [symbol, name])
            cur.execute(migration)
        return dict(store.query("SELECT name, symbol FROM categories"))

    # A database from before: the shipped hexagon and pentagon move to the new markers.
    after = rerun(
        {"Looked after and placement": "hexagon", "Child in need and early help": "pentagon"}
    )
    assert after["Looked after and placement"] == "star-square"
    assert after["Child in need and early help"] == "star-triangle-up"
    assert after == {c.name: c.symbol for c in shipped.SHIPPED_CATEGORIES}
    # Where an administrator's own category already has the new marker, nothing is shared.
    cat.add_category(store, SYSTEM, "Private fostering")
    with store.transaction() as cur:
        cur.execute("UPDATE categories SET symbol = 'star-square' WHERE name = 'Private fostering'")
    after = rerun({"Looked after and placement": "hexagon"})
    assert after["Looked after and placement"] == "hexagon"
    assert len(set(after.values())) == len(after)


def test_every_added_category_has_a_shape_of_its_own_and_0022b_moves_round_ones(store):
    """Added categories take spare markers no other category has: none round (they would read
    as the circle), the crossed ones drawn with a white cross; every one in the HTML legend."""
    from components.category_style import (
        _SVG_PATHS,
        CROSSED,
        SYMBOL_NUMBERS,
        marker_line,
        marker_styles,
    )
    from data.migrations import migration_files

    added = [
        cat.add_category(store, SYSTEM, f"Added {n}") for n in range(len(shipped.SPARE_SYMBOLS))
    ]
    with pytest.raises(InvalidInput, match="every marker shape is in use"):
        cat.add_category(store, SYSTEM, "One too many")
    listed = cat.categories(store)
    symbols = [c.symbol for c in listed]
    assert len(set(symbols)) == len(symbols) == len(shipped.SHIPPED_CATEGORIES) + len(added)
    assert len(set(symbols) & shipped.ROUNDISH_SYMBOLS) == 1  # the shipped circle alone
    assert all(SYMBOL_NUMBERS[s] in _SVG_PATHS for s in symbols)
    crossed = [st for st in marker_styles(listed) if st.symbol in CROSSED]
    assert len(crossed) == 6 and all(st.name.startswith("Added") for st in crossed)
    for style in marker_styles(listed):
        colour = "#ffffff" if style in crossed else style.colour  # the cross shows
        assert marker_line(style, 1)["color"] == colour
    # A database from before: added categories with round markers move to free spare ones.
    with store.transaction() as cur:
        cur.execute("DELETE FROM categories WHERE name LIKE 'Added %' AND name <> 'Added 0'")
        cur.execute("UPDATE categories SET symbol = 'pentagon' WHERE name = 'Added 0'")
        cur.execute("INSERT INTO categories SELECT 'Added old', 90, 'octagon', '#3d3d3d', ''")
        cur.execute(dict(migration_files())["0022b_spare_markers_distinct"])
    after = dict(store.query("SELECT name, symbol FROM categories"))
    assert (after["Added 0"], after["Added old"]) == ("hexagram", "star-triangle-down")
    assert len(set(after.values())) == len(after)
