"""The CRC's pseudonymised views and read models, on small hand-checked data."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import plotly.utils
import pytest

from data import cases, categories, crc
from data.actor import SYSTEM
from data.errors import Forbidden
from data.events import case_events, chronology_rows
from data.exports import csv_text
from data.shared_wording import write_committee_learning
from data.store import Store
from data.users import add_user
from tests.support.committee import crc_views, everything_the_committee_can_read

PASSWORD = "a-long-password"
SECRET = "SECRETTEXT"
# Columns that would identify a child or carry text from an extract. Two documented
# exceptions: the chair's name (Appendix 3 asks for it) and the reviewed shared wording of the
# learning the meeting chose to share with the CRC.
FORBIDDEN_COLUMNS = {
    "case_id", "case_ref", "label", "date_of_birth", "summary", "source_ref", "extra",
    "file_name", "upload_id", "row_number", "event_id", "raw", "value", "description",
    "owner_name", "evidence", "author", "created_by", "done_by", "note", "title", "username",
    "facilitator", "text", "chair_name", "reflection_id", "content_sha256", "names",
    "meeting_text", "shared_text", "marked", "record_id",
}  # fmt: skip
ALLOWED_EXCEPTIONS = {("crc_summaries", "chair_name"), ("crc_shared_learning", "text")}


def ids(cur, table, column, where, params):
    return cur.execute(f"SELECT {column} FROM {table} WHERE {where}", params).fetchone()[0]


def add_event(cur, case_id, agency, day, event_type, precision="day", summary=SECRET):
    agency_id = cases.ensure_agency(cur, agency)
    cases.add_case_agency(cur, case_id, agency_id, by="cli", why="test event")
    return cur.execute(
        "INSERT INTO events (case_id, agency_id, event_date, date_precision, event_type, summary,"
        " source_ref, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING event_id",
        [case_id, agency_id, day, precision, event_type, summary, SECRET, f'{{"x": "{SECRET}"}}'],
    ).fetchone()[0]


@pytest.fixture
def hand(store: Store):
    """Three cases. A and B have a Referral (the anchor); C has none.

    A (born 2015-01-15, meeting 2020-06-01): Police 2019-12-20, CSC Referral 2020-01-05 (anchor),
      Health 2020-01-31, CSC Referral 2020-03-02, School 2019-11 (month only), Housing 2019
      (year only, left out of alignment).
    B (born 2018-06-30, meeting 2021-09-10): CSC Referral 2021-06-30 (anchor), Police
      2021-05-01, Health 2022-06-01, CSC Assessment 2024-01-01 (31 months on: outside 24).
    C: one School event, no Referral.
    """
    a = cases.add_case(store, "SECRETREF-A", date_of_birth=date(2015, 1, 15), label=SECRET)
    b = cases.add_case(store, "SECRETREF-B", date_of_birth=date(2018, 6, 30), label=SECRET)
    c = cases.add_case(store, "SECRETREF-C", date_of_birth=date(2010, 2, 1), label=SECRET)
    with store.transaction() as cur:
        add_event(cur, a.case_id, "Police", date(2019, 12, 20), "Domestic incident")
        anchor_event = add_event(cur, a.case_id, "CSC", date(2020, 1, 5), "Referral")
        add_event(cur, a.case_id, "Health", date(2020, 1, 31), "GP appointment")
        add_event(cur, a.case_id, "CSC", date(2020, 3, 2), "Referral")
        add_event(cur, a.case_id, "School", date(2019, 11, 1), "Attendance", "month")
        add_event(cur, a.case_id, "Housing", date(2019, 1, 1), "Tenancy visit", "year")
        add_event(cur, b.case_id, "CSC", date(2021, 6, 30), "Referral")
        add_event(cur, b.case_id, "Police", date(2021, 5, 1), "Welfare check")
        add_event(cur, b.case_id, "Health", date(2022, 6, 1), "GP appointment")
        add_event(cur, b.case_id, "CSC", date(2024, 1, 1), "Assessment")
        add_event(cur, c.case_id, "School", date(2020, 5, 5), "Attendance")
        categories.assign(cur)  # as ingest does
        for case, day, chair in (
            (a, date(2020, 6, 1), "Chair Person"),
            (b, date(2021, 9, 10), None),
        ):
            cur.execute(
                "INSERT INTO meetings (case_id, meeting_date, chair_name, facilitator)"
                " VALUES (?, ?, ?, ?)",
                [case.case_id, day, chair, SECRET],
            )
        for stage, day in (
            ("identified", date(2020, 4, 1)),
            ("meeting_held", date(2020, 6, 1)),
            ("crc_considered", date(2020, 8, 1)),
        ):
            cur.execute(
                "INSERT INTO case_workflow (case_id, stage_key, done_on, done_by, note)"
                " VALUES (?, ?, ?, ?, ?)",
                [a.case_id, stage, day, SECRET, SECRET],
            )
        theme = ids(cur, "themes", "theme_id", "name = ?", ["Information sharing"])
        police = ids(cur, "agencies", "agency_id", "name = ?", ["Police"])
        learning = []
        for scope, agency, share in (
            ("cross_agency", None, True),
            ("single_agency", police, False),
        ):
            learning.append(
                cur.execute(
                    "INSERT INTO learning_points (case_id, scope, agency_id, text, share_with_crc,"
                    " created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING learning_id",
                    [a.case_id, scope, agency, f"shared {scope} {SECRET}", share, SECRET],
                ).fetchone()[0]
            )
        cur.execute("INSERT INTO learning_point_themes VALUES (?, ?)", [learning[0], theme])
        cur.execute(
            "INSERT INTO learning_point_links (learning_id, event_id) VALUES (?, ?)",
            [learning[0], anchor_event],
        )
        cur.execute(
            "INSERT INTO reflections (case_id, target_kind, event_id, model_key, stage_key,"
            " question_key, text, agency_id, author) VALUES (?, 'event', ?, 'gibbs', 'analysis',"
            " 'barrier', ?, ?, ?)",
            [a.case_id, anchor_event, SECRET, police, SECRET],
        )
        cur.execute(
            "INSERT INTO actions (case_id, learning_id, description, owner_name, owner_agency_id,"
            " due_date, status, evidence, created_by) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
            [a.case_id, learning[0], SECRET, SECRET, police, date(2020, 9, 1), SECRET, SECRET],
        )
        # A's record is signed off, its shared point reviewed ("reviewed cross_agency").
        record_id = cur.execute(
            "INSERT INTO meeting_records (case_id, version, created_by, signed_name, signed_by,"
            " signed_at, snapshot) VALUES (?, 1, ?, ?, ?, TIMESTAMP '2020-06-02 10:00', '{}')"
            " RETURNING record_id",
            [a.case_id, SECRET, SECRET, SECRET],
        ).fetchone()[0]
        cur.execute(
            "INSERT INTO learning_shared_wording (case_id, learning_id, meeting_text, shared_text,"
            " marked, confirmed_by) SELECT case_id, learning_id, text, 'reviewed ' || scope, '[]',"
            " ? FROM learning_points WHERE case_id = ? AND share_with_crc",
            [SECRET, a.case_id],
        )
        write_committee_learning(cur, a.case_id, record_id)
    return store


def test_relative_month_is_the_calendar_month_difference():
    anchor = pd.Series(pd.to_datetime(["2020-01-31"] * 4))
    when = pd.Series(pd.to_datetime(["2020-02-01", "2019-12-31", "2020-01-01", "2022-01-31"]))
    assert crc.relative_month(anchor, when).tolist() == [1, -1, 0, 24]


def test_aligned_density_and_case_rows_by_hand(hand):
    density, rows = crc.aligned_events(hand, SYSTEM, crc.CrcFilters(), "Referral", window=24)
    got = {(r.agency, r.rel_month): (r.events, r.cases) for r in density.itertuples()}
    assert got == {
        ("CSC", 0): (2, 2),  # A's and B's first Referral
        ("CSC", 2): (1, 1),  # A's second Referral, March 2020
        ("Police", -1): (2, 2),  # A: Dec 2019; B: May 2021
        ("Health", 0): (1, 1),  # A: 31 Jan 2020, same month as the anchor
        ("Health", 12): (1, 1),  # B: June 2022
        ("School", -2): (1, 1),  # A: November 2019 (month only)
    }  # Housing (year only), B's Assessment (31 months) and case C are left out.
    assert rows.to_dict("records") == [
        {"case_row": 0, "rel_month": -2, "category": "Education", "events": 1},
        {"case_row": 0, "rel_month": -1, "category": "Domestic abuse", "events": 1},
        {"case_row": 0, "rel_month": 0, "category": "Health contact", "events": 1},
        {"case_row": 0, "rel_month": 0, "category": "Referral and contact", "events": 1},
        {"case_row": 0, "rel_month": 2, "category": "Referral and contact", "events": 1},
        {"case_row": 1, "rel_month": -1, "category": "Police and youth justice", "events": 1},
        {"case_row": 1, "rel_month": 0, "category": "Referral and contact", "events": 1},
        {"case_row": 1, "rel_month": 12, "category": "Health contact", "events": 1},
    ]
    assert crc.aligned_case_count(hand, SYSTEM, crc.CrcFilters(), "Referral") == 2
    # What the CRC sees: every one of these counts is from 1 to 5, so all hidden.
    shown = crc.density_table(density, 24)
    assert set(shown.to_numpy().ravel()) <= {"c", 0}
    assert shown.loc["CSC", 0] == "c"


def test_ages_in_months_and_bands(hand):
    ages = dict(
        hand.query(
            "SELECT meeting_date, age_months_at_meeting FROM crc_cases WHERE meeting_date IS NOT NULL"
        )
    )
    # A: 2015-01-15 to 2020-06-01 is 64 complete months; B: 2018-06-30 to 2021-09-10 is 38.
    assert sorted(ages.values()) == [38, 64]
    bands = {r[0] for r in hand.query("SELECT age_band_at_meeting FROM crc_cases")}
    assert bands == {"5 to 9", "1 to 4", "Not known"}
    referral_age = hand.query_one(
        "SELECT min(age_months) FROM crc_events WHERE event_date = DATE '2020-01-05'"
    )[0]
    assert referral_age == 59  # 15 Jan 2015 to 5 Jan 2020: one day short of 60 months


def test_views_have_no_personal_or_extract_text_columns(hand):
    views = crc_views(hand)
    assert {"crc_cases", "crc_events", "crc_learning_points", "crc_shared_learning"} <= set(views)
    for view in views:
        columns = {r[0] for r in hand.query(f"DESCRIBE {view}")}
        leaked = {c for c in columns & FORBIDDEN_COLUMNS if (view, c) not in ALLOWED_EXCEPTIONS}
        assert not leaked, f"{view} exposes {leaked}"


def test_views_carry_no_names_references_or_extract_text(hand):
    text = everything_the_committee_can_read(hand)
    assert "SECRETREF" not in text and SECRET not in text
    # Only learning flagged for the CRC is shared, in its reviewed wording.
    shared = hand.query("SELECT scope, record_version, text FROM crc_shared_learning")
    assert shared == [("cross_agency", 1, "reviewed cross_agency")]


def test_case_key_is_stable_and_not_the_reference(hand, tmp_path):
    keys = dict(hand.query("SELECT case_id, case_key FROM crc_case_keys"))
    assert keys == dict(hand.query("SELECT case_id, case_key FROM crc_case_keys"))
    assert len(set(keys.values())) == 3
    for key in keys.values():
        assert len(key) == 11 and key.startswith("K") and "SECRETREF" not in key
    # Another database with the same cases gets other keys: the key depends on a secret.
    other = Store(tmp_path / "other.duckdb")
    cases.add_case(other, "SECRETREF-A")
    assert other.query_one("SELECT case_key FROM crc_case_keys")[0] != keys[1]
    other.close()


def test_tables_process_and_summary(hand):
    f = crc.CrcFilters()
    themes = crc.learning_theme_counts(hand, SYSTEM, f)
    # Only A's signed, reviewed, shared point counts (the Police point was not shared).
    assert themes["by_agency"].loc["Information sharing", "Cross-agency"] == 1
    assert themes["by_agency"].index.tolist() == ["Information sharing"]
    assert themes["action"].loc["Information sharing", "With an action"] == 1
    assert themes["by_quarter"].columns.tolist() == ["2020 Q2"]
    barriers = crc.barrier_counts(hand, SYSTEM, f)
    assert barriers.loc["Information sharing", "Police"] == 1
    actions = crc.action_counts(hand, SYSTEM, f)
    assert actions["by_agency"].loc["Police", "Overdue"] == 1
    durations = crc.process_durations(hand, SYSTEM, f).dropna(subset=["days_meeting_to_crc"])
    assert durations[["days_identified_to_meeting", "days_meeting_to_crc"]].values.tolist() == [
        [61, 61]
    ]
    # One case measured: hidden as c.
    assert crc.process_table(hand, SYSTEM, f).loc["Meeting to CRC", "Median days"] == "c"
    # Only A has a signed-off record: B (a meeting, no record) has no summary.
    (a_key,) = crc.summary_case_keys(hand, SYSTEM, f)
    a = crc.crc_summary(hand, SYSTEM, a_key)
    assert (a.age_text, a.meeting_date, a.chair, a.record_version) == (
        "5 years 4 months",
        date(2020, 6, 1),
        "Chair Person",
        1,
    )
    assert a.learning == [("Cross-agency", None, "reviewed cross_agency", ("Information sharing",))]


def test_filters_choose_cases(hand):
    count = crc.selected_case_count
    assert count(hand, SYSTEM, crc.CrcFilters()) == 3
    assert count(hand, SYSTEM, crc.CrcFilters(years=(2020,))) == 1
    assert count(hand, SYSTEM, crc.CrcFilters(age_bands=("1 to 4",))) == 1
    assert count(hand, SYSTEM, crc.CrcFilters(agencies=("School",))) == 2
    assert count(hand, SYSTEM, crc.CrcFilters(themes=("Information sharing",))) == 1
    assert count(hand, SYSTEM, crc.CrcFilters(stages=("crc_considered",))) == 1
    assert count(hand, SYSTEM, crc.CrcFilters(scope="cross_agency")) == 1
    assert count(hand, SYSTEM, crc.CrcFilters(scope="single_agency")) == 0  # not shared
    # The theme filter narrows the aligned view to case A only.
    density, _ = crc.aligned_events(
        hand, SYSTEM, crc.CrcFilters(themes=("Information sharing",)), "Referral"
    )
    assert density["cases"].max() == 1
    # Values from the browser that are not what the filter expects are dropped, not used.
    f = crc.CrcFilters.from_values(["2020", "x"], None, [{"a": 1}], None, None, "bogus")
    assert (f.years, f.agencies, f.scope) == ((2020,), (), None)


def test_only_crc_and_admin_users_may_read(hand):
    agency = add_user(hand, "pc", "agency", PASSWORD, agency="Police")
    chair = add_user(hand, "chair", "chair", PASSWORD)
    committee = add_user(hand, "crc", "crc", PASSWORD)
    f = crc.CrcFilters()
    calls = [
        lambda u: crc.filter_options(hand, u),
        lambda u: crc.event_types(hand, u),
        lambda u: crc.selected_case_count(hand, u, f),
        lambda u: crc.learning_theme_tables(hand, u, f),
        lambda u: crc.barrier_table(hand, u, f),
        lambda u: crc.action_tables(hand, u, f),
        lambda u: crc.process_table(hand, u, f),
        lambda u: crc.aligned_events(hand, u, f, "Referral"),
        lambda u: crc.summary_case_keys(hand, u, f),
    ]
    for call in calls:
        for refused in (agency, chair):
            with pytest.raises(Forbidden, match="CRC explorer"):
                call(refused)
        call(committee)
    key = crc.summary_case_keys(hand, committee, f)[0]
    with pytest.raises(Forbidden):
        crc.crc_summary(hand, agency, key)
    assert crc.crc_summary(hand, committee, key).case_key == key


def test_crc_users_are_refused_case_timelines_and_event_details(hand):
    committee = add_user(hand, "crc", "crc", PASSWORD)
    assert cases.list_cases(hand, committee) == []
    for call in (case_events, chronology_rows):
        with pytest.raises(Forbidden):
            call(hand, committee, "SECRETREF-A")


def test_csv_of_a_table_is_formula_safe(hand):
    with hand.transaction() as cur:
        cur.execute("INSERT INTO themes (name) VALUES ('=HYPERLINK(\"x\")')")
    table = pd.DataFrame(
        {"Total": ["c", 7]}, index=pd.Index(['=HYPERLINK("x")', "Total"], name="theme")
    )
    header, rows = crc.table_csv_rows(table)
    text = csv_text(header, rows)
    assert text.splitlines()[1].startswith("\"'=HYPERLINK")
    assert text.splitlines()[0] == "theme,Total"


def test_the_density_is_a_shaded_table_with_hidden_cells_grey_and_marked_c():
    """A month a row, an agency a column: each shown count shaded by its size with text that
    contrasts 4.5:1 or more, hidden ones c on one grey, month 0 under a heavy line; names as
    text (the browser renders a component's string children as text, never as HTML)."""
    from components.crc import HIDDEN_SHADE, SHADES, _luminance, _text_on, count_table
    from tests.support.crc_figures import table_rows

    density = pd.DataFrame(
        {"agency": ["<b>CSC</b>", "<b>CSC</b>", "Police"], "rel_month": [0, 1, 0],
         "events": [40, 3, 12], "cases": [9, 2, 7]}
    )  # fmt: skip
    table = crc.density_table(density, window=1)
    assert table.loc["<b>CSC</b>"].tolist() == [0, 40, "c"]
    drawn = count_table(table.T.rename_axis("month"), "d", "Density", shaded=True, line_before=0)
    sent = json.loads(json.dumps(drawn, cls=plotly.utils.PlotlyJSONEncoder))
    assert table_rows(sent, "d-data") == [
        {"_row": "-1", "<b>CSC</b>": "0", "Police": "0"},
        {"_row": "0", "<b>CSC</b>": "40", "Police": "12"},
        {"_row": "1", "<b>CSC</b>": "c", "Police": "0"},
    ]
    body = sent["props"]["children"][1]["props"]["children"]["props"]["children"][1]
    month_rows = body["props"]["children"]
    assert [r["props"].get("className") for r in month_rows] == [None, "rpm-crc-line-before", None]
    cells = {(r["props"]["children"][0]["props"]["children"], i): c["props"]
             for r in month_rows for i, c in enumerate(r["props"]["children"][1:])}  # fmt: skip
    assert cells[("1", 0)]["style"] == {"backgroundColor": HIDDEN_SHADE}
    assert cells[("1", 0)]["className"] == "rpm-crc-c"
    assert cells[("0", 0)]["style"]["backgroundColor"] == SHADES[-1]  # the largest count
    assert cells[("-1", 0)]["style"]["backgroundColor"] == SHADES[0]
    for shade in SHADES:
        lighter, darker = sorted((_luminance(shade), _luminance(_text_on(shade))), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, shade


def test_case_rows_are_a_picture_with_the_categories_markers_and_no_count():
    """A marker per case, month and category in the category's own shape and colour (as on
    every timeline), a row per case, the legend in the page as text; at most SVG_LIMIT markers
    however many cases, never fewer than 6 cases."""
    import base64
    import re

    from components.category_style import marker_styles, svg_shape
    from components.crc import case_rows_picture, rows_to_draw
    from components.timeline import SVG_LIMIT

    rows = pd.DataFrame(
        {"case_row": [0, 0, 1], "rel_month": [-1, 0, 0],
         "category": ["Domestic abuse", "Referral and contact", "Domestic abuse"],
         "events": [1, 2, 1]}
    )  # fmt: skip
    picture = case_rows_picture(rows, (-1, 1))
    sent = json.loads(json.dumps(picture, cls=plotly.utils.PlotlyJSONEncoder))
    legend, image = sent["props"]["children"]
    # the legend names the categories in the list's order, as text
    assert [i["props"]["children"][1]["props"]["children"]
            for i in legend["props"]["children"][1]["props"]["children"]] == [
        "Referral and contact", "Domestic abuse"]  # fmt: skip
    assert image["props"]["data-months"] == "-1,1" and image["props"]["data-cases"] == "2"
    assert "2 aligned cases" in image["props"]["alt"]
    svg = base64.b64decode(image["props"]["src"].split(",")[1]).decode()
    fixed = {st.name: st for st in marker_styles()}
    for i, name in enumerate(["Referral and contact", "Domestic abuse"]):
        shape = re.search(f"<g id='c{i}'[^>]*><path d='([^']*)' fill='([^']*)'", svg)
        assert shape.groups() == (svg_shape(fixed[name].symbol)[0], fixed[name].colour)
    uses = re.findall(r"<use href='#c(\d)' x='([\d.]+)' y='(\d+)'/>", svg)
    assert sorted((c, y) for c, _x, y in uses) == [("0", "15"), ("1", "15"), ("1", "25")]
    # no count anywhere: its texts are the month ticks and the axis title
    assert re.findall(r"<text[^>]*>([^<]*)</text>", svg) == [
        "0", "months relative to the anchor event (0: its month)"]  # fmt: skip
    many = pd.concat(
        [rows.assign(case_row=rows["case_row"] + 2 * k) for k in range(SVG_LIMIT)],
        ignore_index=True,
    )
    drawn = rows_to_draw(many, 6)
    assert len(drawn) <= SVG_LIMIT and drawn["case_row"].nunique() >= 6
    crowded = pd.DataFrame(
        {"case_row": np.repeat(range(8), SVG_LIMIT // 2), "rel_month": 0, "category": "Other"}
    )
    assert rows_to_draw(crowded, 6)["case_row"].nunique() == 6  # over the limit, not under 6


def facts_for_differencing():
    """20 cases: 10 met in 2022 and 10 in 2023; cases 0-2 aged 1 to 4; odd cases Police, even
    School, and case 19 Housing alone."""
    return [
        crc.CaseFacts(
            case_key=f"K{i:02d}",
            year=2022 if i < 10 else 2023,
            age_band="1 to 4" if i < 3 else "5 to 9",
            stage="identified",
            agencies=frozenset({"Housing"} if i == 19 else {"Police"} if i % 2 else {"School"}),
            themes=frozenset(),
            scopes=frozenset(),
        )
        for i in range(20)
    ]


def test_differencing_one_step_rule():
    facts = facts_for_differencing()
    refused = crc.differencing_refusal
    assert refused(facts, crc.CrcFilters()) is None  # all cases: always shown
    assert refused(facts, crc.CrcFilters(years=(2022,))) is None  # differs from all by 10
    # 2022 and aged 5 to 9 leaves out 3 of 2022's cases: comparing the two would describe them.
    assert "fewer than 6 cases" in refused(
        facts, crc.CrcFilters(years=(2022,), age_bands=("5 to 9",))
    )
    # A view of 1 to 5 cases is not shown at all.
    assert "fewer than 6 cases match" in refused(facts, crc.CrcFilters(age_bands=("1 to 4",)))
    # "All agencies" and "all but one": Housing's single case would be their difference.
    all_agencies = crc.CrcFilters(agencies=("Housing", "Police", "School"))
    assert crc.chosen_cases(facts, all_agencies) == {c.case_key for c in facts}
    assert refused(facts, crc.CrcFilters(agencies=("Police", "School"))) is not None
    # Of a risky pair one step apart, at least one is never shown, whichever is asked first.
    for f in (crc.CrcFilters(years=(2022,), age_bands=("5 to 9",)), all_agencies):
        for wider in crc._one_step_back(f):
            assert refused(facts, f) is not None or refused(facts, wider) is not None


def test_fact_index_chooses_the_same_cases_as_the_sql(hand):
    facts = crc.fact_index(hand, SYSTEM)
    for f in (
        crc.CrcFilters(),
        crc.CrcFilters(years=(2020,)),
        crc.CrcFilters(agencies=("School",)),
        crc.CrcFilters(themes=("Information sharing",)),
        crc.CrcFilters(stages=("crc_considered",)),
        crc.CrcFilters(scope="cross_agency"),
        crc.CrcFilters(age_bands=("1 to 4", "Not known")),
    ):
        assert len(crc.chosen_cases(facts, f)) == crc.selected_case_count(hand, SYSTEM, f), f


def test_case_rows_drawn_are_the_first_cases_within_what_svg_draws_quickly():
    from components.crc import rows_to_draw
    from components.timeline import SVG_LIMIT

    # 40 cases of 300 markers each: 12,000 markers, more than SVG draws quickly
    rows = pd.DataFrame(
        {"case_row": np.repeat(np.arange(40), 300), "rel_month": 0, "category": "x", "events": 1}
    )
    drawn = rows_to_draw(rows, least=6)
    assert len(drawn) <= SVG_LIMIT
    assert sorted(set(drawn["case_row"])) == list(range(SVG_LIMIT // 300))  # the first cases
    dense = rows.assign(case_row=rows["case_row"] // 10)  # 4 cases of 3,000 markers
    assert sorted(set(rows_to_draw(dense, least=3)["case_row"])) == [0, 1, 2]  # never fewer
    few = rows[rows["case_row"] < 5]
    assert rows_to_draw(few, least=6) is few
