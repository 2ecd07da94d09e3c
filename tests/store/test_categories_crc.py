"""The committee's explorer aligns journeys on a category, across agencies' wording."""

from __future__ import annotations

from datetime import date

from data import cases, categories, crc
from data.actor import SYSTEM
from data.suppression import SUPPRESSED


def _seven_cases(store, missing_in: int = 0) -> None:
    """Seven cases; their first referral is named three ways by three agencies. The first
    `missing_in` of them also have a missing episode a month after their referral."""
    wording = ["MASH referral", "Contact - referral", "Referral"] * 3
    with store.transaction() as cur:
        ids = {a: cases.ensure_agency(cur, a) for a in ("CSC", "Police", "Health")}
    for n in range(7):
        case = cases.add_case(store, f"ALIGN-{n}", date_of_birth=date(2015, 1, 1))
        with store.transaction() as cur:
            rows = [
                ("Police", date(2019, 12, 1), "Domestic incident"),
                (("CSC", "Police", "Health")[n % 3], date(2020, 1, 10 + n), wording[n]),
                ("Health", date(2020, 3, 1), "Was not brought"),
                *([("Police", date(2020, 2, 1), "Missing from home")] if n < missing_in else []),
            ]
            for agency, day, etype in rows:
                cur.execute(
                    "INSERT INTO events (case_id, agency_id, event_date, date_precision,"
                    " event_type, summary) VALUES (?, ?, ?, 'day', ?, '')",
                    [case.case_id, ids[agency], day, etype],
                )
            categories.assign(cur)


def test_alignment_on_a_category_finds_the_first_referral_whatever_each_agency_called_it(store):
    _seven_cases(store)
    f = crc.CrcFilters()
    anchor = crc.CATEGORY_ANCHOR + "Referral and contact"
    values = [v for v, _ in crc.anchor_choices(store, SYSTEM)]
    assert values.index(anchor) < values.index("Referral")  # categories are offered first
    assert crc.aligned_case_count(store, SYSTEM, f, anchor) == 7
    assert crc.aligned_case_count(store, SYSTEM, f, "Referral") == 2  # one wording only
    density, rows = crc.aligned_events(store, SYSTEM, f, anchor, window=6)
    cells = {(r.agency, r.rel_month): (r.events, r.cases) for r in density.itertuples()}
    assert cells[("Police", -1)] == (7, 7)  # the incident, a month before each referral
    assert cells[("Health", 2)] == (7, 7)  # was not brought two months after
    counts = rows.groupby("category")["events"].sum().to_dict()
    assert counts == {"Domestic abuse": 7, "Referral and contact": 7, "Was not brought": 7}
    # suppression is kept: cells from 1 to 5 events or cases are "c"
    shown = crc.density_table(density, 6)
    assert shown.loc["Police", -1] == 7
    small = crc.density_table(density[density["agency"] == "CSC"], 6)
    assert set(small.loc["CSC"]) <= {SUPPRESSED, 0}


def test_the_explorer_counts_events_by_category_around_the_anchor_suppressed(store):
    _seven_cases(store, missing_in=3)
    anchor = crc.CATEGORY_ANCHOR + "Referral and contact"
    events, cases_ = crc.category_counts(store, SYSTEM, crc.CrcFilters(), anchor, window=6)
    listed = [c.name for c in categories.categories(store)]
    assert list(events.index) == listed  # every category, in the list's order, zeros included
    assert events.loc["Domestic abuse"].tolist() == [7, 0]
    assert events.loc["Referral and contact"].tolist() == [0, 7]
    assert events.loc["Missing and exploitation"].tolist() == [0, 3]
    assert cases_.loc["Was not brought"].tolist() == [0, 7]
    # Outside the window nothing is counted.
    narrow, _ = crc.category_counts(store, SYSTEM, crc.CrcFilters(), anchor, window=1)
    assert narrow.loc["Was not brought"].tolist() == [0, 0]
    shown = crc.category_table(store, SYSTEM, crc.CrcFilters(), anchor, window=6)
    assert shown.loc["Domestic abuse", "Before month 0"] == 7
    assert shown.loc["Missing and exploitation", "Month 0 and after"] == SUPPRESSED
    # Secondary suppression: the column's total or another cell in it is hidden too, so the 3
    # cannot be worked out by subtraction.
    column = shown["Month 0 and after"]
    assert (column == SUPPRESSED).sum() >= 2
    # Many events from few cases are hidden too: 9 events of one case.
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO events (case_id, agency_id, event_date, date_precision, event_type,"
            " summary, category) SELECT c.case_id, a.agency_id, DATE '2020-02-02', 'day',"
            " 'Exclusion', '', 'Education'"
            " FROM cases c, agencies a, range(9) WHERE c.case_ref = 'ALIGN-6' AND a.name = 'CSC'"
        )
    shown = crc.category_table(store, SYSTEM, crc.CrcFilters(), anchor, window=6)
    assert events.loc["Education"].tolist() == [0, 0]
    assert shown.loc["Education", "Month 0 and after"] == SUPPRESSED
