"""What the reviewer's lenses found reaches the committee only from a signed-off, reviewed
record: written at sign-off, gone while an amendment is drafted, counted by agency and
category with small numbers hidden; and the links between events likewise."""

from __future__ import annotations

import pytest

from data import crc, event_links, patterns
from data.actor import SYSTEM
from data.committee_patterns import (
    backfill_in_background,
    count_missing_patterns,
    pattern_rows,
    write_missing_patterns,
)
from data.demo.crc_demo import seed_crc_demo
from data.events import case_events
from data.publish import PatternsNotWritten, publish
from data.record import save_draft, sign_off, start_amendment
from data.store import Store
from data.suppression import SUPPRESSED
from data.users import get_user
from data.vocabulary import COMMITTEE_PATTERN_KINDS, KIND_LABELS
from tests.support.rpm_case import CASE, RECORD


def _counted(store) -> list:
    return [f for f in patterns.case_findings(store, SYSTEM, CASE)
            if f.kind in COMMITTEE_PATTERN_KINDS]  # fmt: skip


def _signed(store):
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    return chair


def test_patterns_reach_the_committee_at_sign_off_and_leave_with_an_amendment(rpm_store):
    store = rpm_store
    found = _counted(store)
    assert {f.kind for f in found} >= {patterns.SILENCE, patterns.CORROBORATION}
    assert store.query_one("SELECT count(*) FROM crc_patterns")[0] == 0  # not signed off
    chair = _signed(store)
    rows = store.query_df("SELECT * FROM crc_patterns ORDER BY pattern_no, agency, category")
    assert rows["pattern_no"].nunique() == len(found)  # every pattern, no suggested link
    assert set(rows["kind"]) == {f.kind for f in found}
    assert set(rows.columns) == {"case_key", "pattern_no", "kind", "start_date", "end_date",
                                 "agency", "category"}  # fmt: skip
    # a pattern's agencies and categories are its events'
    events = store.query_df(
        "SELECT e.event_id, a.name AS agency, e.category FROM events_current e"
        " JOIN agencies a USING (agency_id)"
    ).set_index("event_id")
    for number, f in enumerate(found, start=1):
        mine = rows[rows["pattern_no"] == number]
        assert set(mine["kind"]) == {f.kind}
        assert mine["start_date"].iloc[0].date() == f.start
        if f.kind == patterns.SILENCE:
            assert mine["agency"].isna().all() and mine["category"].isna().all()
        elif f.kind != patterns.AGENCY_SILENCE:
            expected = {tuple(events.loc[i, ["agency", "category"]]) for i in f.event_ids}
            assert set(zip(mine["agency"], mine["category"], strict=True)) == expected
    assert CASE not in rows.to_string()
    # An amendment in progress withdraws them until the new version is signed.
    start_amendment(store, chair, CASE, "A date was wrong")
    assert store.query_one("SELECT count(*) FROM crc_patterns")[0] == 0
    sign_off(store, chair, CASE)
    assert store.query_one("SELECT count(DISTINCT pattern_no) FROM crc_patterns")[0] == len(found)
    assert store.query_one("SELECT count(*) FROM committee_pattern_runs")[0] == 2


def test_the_committee_counts_patterns_by_agency_and_category_suppressed(rpm_store):
    store = rpm_store
    found = _counted(store)
    _signed(store)
    by_agency, cases = crc.pattern_counts(store, SYSTEM, crc.CrcFilters(), "agency")
    assert list(by_agency.columns) == [KIND_LABELS[k] for k in COMMITTEE_PATTERN_KINDS]
    assert cases.to_numpy().max() == 1  # one case
    # each pattern counted once under each agency of its events (a silence of all: one row)
    silences = sum(f.kind == patterns.SILENCE for f in found)
    assert by_agency.loc[crc.EVERY_AGENCY, KIND_LABELS[patterns.SILENCE]] == silences
    accounts = [f for f in found if f.kind == patterns.CORROBORATION]
    for agency in {a for f in accounts for a in f.agencies}:
        assert by_agency.loc[agency, KIND_LABELS[patterns.CORROBORATION]] == sum(
            agency in f.agencies for f in accounts
        )
    by_category, _ = crc.pattern_counts(store, SYSTEM, crc.CrcFilters(), "category")
    assert KIND_LABELS[patterns.SILENCE] not in by_category.columns  # no events, no category
    assert by_category.index[0] in {c.name for c in crc.category_list(store)}
    # One case: every count it gives is hidden (a cell from 1 to 5 cases), zeros shown.
    for by in ("agency", "category"):
        table = crc.pattern_table(store, SYSTEM, crc.CrcFilters(), by)
        body = table.drop(index="Total", columns="Total").to_numpy().ravel()
        assert set(body) <= {0, SUPPRESSED} and SUPPRESSED in body


def test_counts_from_six_cases_or_more_are_shown(tmp_path):
    """The demo's synthetic signed cases: a kind found in many of them shows its count; a
    count from 1 to 5 cases stays hidden; filtering to fewer than six cases shows nothing."""
    store = Store(tmp_path / "crc.duckdb")
    seed_crc_demo(store, cases=14)
    counts, cases = crc.pattern_counts(store, SYSTEM, crc.CrcFilters(), "agency")
    table = crc.pattern_table(store, SYSTEM, crc.CrcFilters(), "agency")
    shown = (cases.to_numpy() >= 6) & (counts.to_numpy() >= 6)
    assert shown.any()
    body = table.drop(index="Total", columns="Total")
    for i, j in zip(*((cases.to_numpy() >= 1) & (cases.to_numpy() < 6)).nonzero(), strict=True):
        assert body.iat[i, j] == SUPPRESSED
    assert (body.to_numpy()[shown] != SUPPRESSED).any()
    store.close()


def signed_before_the_lenses(store) -> None:
    """The RPM case signed off, its patterns gone: a database signed before the lenses reached
    the committee, just upgraded."""
    _signed(store)
    with store.transaction() as cur:
        cur.execute("DELETE FROM committee_patterns")
        cur.execute("DELETE FROM committee_pattern_runs")


def test_patterns_of_records_signed_before_are_written_once(rpm_store):
    store = rpm_store
    signed_before_the_lenses(store)
    assert count_missing_patterns(store) == 1
    assert write_missing_patterns(store) == 1
    assert store.query_one("SELECT count(DISTINCT pattern_no) FROM crc_patterns")[0] == len(
        _counted(store)
    )
    assert write_missing_patterns(store) == 0
    assert count_missing_patterns(store) == 0


def test_publish_waits_for_the_patterns_that_the_server_writes_in_the_background(
    rpm_store, tmp_path
):
    """Publishing never writes them itself (inside a web request that took minutes on a large
    database): it refuses with one clear line, writing nothing, until they are done."""
    store = rpm_store
    signed_before_the_lenses(store)
    out = tmp_path / "bundles"
    with pytest.raises(PatternsNotWritten) as refused:
        publish(store, SYSTEM, out, "NORTH")
    assert "patterns of 1 signed-off record(s) are not written yet" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not out.exists() and store.query_one("SELECT count(*) FROM publications")[0] == 0
    assert store.query_one("SELECT count(*) FROM committee_pattern_runs")[0] == 0
    said: list[str] = []
    backfill_in_background(store, said.append).join(timeout=120)
    assert count_missing_patterns(store) == 0
    assert (
        len(said) == 2
        and said[0] == "Writing the committee's patterns of 1 signed-off record(s)..."
    )
    assert said[1].startswith("Wrote the patterns of 1 signed-off record(s) for the committee")
    assert publish(store, SYSTEM, out, "NORTH").manifest["files"]["crc_patterns.parquet"]["rows"]
    # with nothing left to write, the background run says nothing
    said.clear()
    backfill_in_background(store, said.append).join(timeout=60)
    assert said == []


def test_pattern_rows_never_carry_the_description_or_an_events_words(rpm_store):
    store = rpm_store
    events = case_events(store, SYSTEM, CASE)
    found = patterns.find_all(events)
    rows = pattern_rows(events, found)
    assert list(rows.columns) == ["pattern_no", "kind", "start_date", "end_date", "agency",
                                  "category"]  # fmt: skip
    text = rows.to_string()
    for f in found:
        assert f.description not in text
    for summary in events["summary"].dropna().head(200):
        if len(summary) > 12:
            assert summary not in text


def test_links_reach_the_committee_only_from_a_signed_off_record(rpm_store):
    store = rpm_store
    chair = get_user(store, "pokafor")
    police = store.query_one("SELECT event_id FROM events WHERE source_ref = 'P-0003'")[0]
    csc = store.query_one("SELECT event_id FROM events WHERE source_ref = 'CSC-0005'")[0]
    event_links.add_link(store, chair, CASE, police, csc, "not received")
    assert store.query_one("SELECT count(*) FROM crc_event_links")[0] == 0
    _signed(store)
    assert store.query_one("SELECT count(*) FROM crc_event_links")[0] == 1
    start_amendment(store, chair, CASE, "A date was wrong")
    assert store.query_one("SELECT count(*) FROM crc_event_links")[0] == 0


def test_the_committee_counts_with_the_partnership_rules_whatever_span_the_chair_chose(rpm_store):
    """A chair may show the room silences of more than 30 days; the committee counts the
    partnership's (more than 90 days) for every case, so cases are counted alike."""
    store = rpm_store
    chair_span = patterns.Rules(silence_days=30)

    def silences(rules):
        found = patterns.case_findings(store, SYSTEM, CASE, rules)
        return [f for f in found if f.kind == patterns.SILENCE]

    assert len(silences(chair_span)) > len(silences(patterns.PARTNERSHIP_RULES)) > 0
    _signed(store)
    counted = store.query_df("SELECT DISTINCT pattern_no, start_date FROM crc_patterns"
                             " WHERE kind = 'silence' ORDER BY start_date")  # fmt: skip
    assert [d.date() for d in counted["start_date"]] == [
        f.start for f in silences(patterns.PARTNERSHIP_RULES)
    ]


def test_cli_publish_writes_the_patterns_first_and_says_so(rpm_store, tmp_path, capsys):
    """Away from the web, `crc publish` may take its time: it writes what is missing, then
    publishes."""
    from app.cli import main

    signed_before_the_lenses(rpm_store)
    rpm_store.close()
    out = tmp_path / "bundles"
    assert (
        main(["crc", "publish", "--db", str(rpm_store.path), "-o", str(out), "--code", "NORTH"])
        == 0
    )
    said = capsys.readouterr().out
    assert said.startswith("wrote the committee's patterns of 1 signed-off record(s) first\n")
    assert f"published {out}/NORTH_" in said
    store = Store(rpm_store.path)
    assert count_missing_patterns(store) == 0
    store.close()
