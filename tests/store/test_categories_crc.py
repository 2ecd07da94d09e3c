"""The committee's explorer aligns journeys on a category, across agencies' wording."""

from __future__ import annotations

from datetime import date

from data import cases, categories, crc
from data.actor import SYSTEM
from data.suppression import SUPPRESSED


def test_alignment_on_a_category_finds_the_first_referral_whatever_each_agency_called_it(store):
    # Seven cases; their first referral is named three ways by three agencies.
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
            ]
            for agency, day, etype in rows:
                cur.execute(
                    "INSERT INTO events (case_id, agency_id, event_date, date_precision,"
                    " event_type, summary) VALUES (?, ?, ?, 'day', ?, '')",
                    [case.case_id, ids[agency], day, etype],
                )
            categories.assign(cur)
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
