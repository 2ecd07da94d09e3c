"""Ingestion of extracts in the canonical layout, through the one code path."""

from __future__ import annotations

import json
from datetime import date

import pytest

from data import cases
from data.errors import InvalidInput, NotFound
from data.ingest import ingest_file

HEADER = "date,time,event_type,summary,source_ref\n"


@pytest.fixture
def case(store):
    return cases.add_case(store, "C-1", date_of_birth=date(2014, 3, 11))


def write(tmp_path, text: str, name: str = "extract.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def events(store):
    return store.query(
        "SELECT row_number, event_date, date_precision, CAST(event_time AS VARCHAR), event_type,"
        " summary, source_ref, extra FROM events ORDER BY row_number"
    )


def test_iso_and_day_first_dates_become_events(store, case, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + '2016-05-03,,Referral,"Referral, from school",R1\n'
        + "03/05/2016,14:32,Home visit,Seen alone,R2\n",
    )
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert (result.imported, result.rejected) == (2, 0)
    rows = events(store)
    assert rows[0][:7] == (
        2,
        date(2016, 5, 3),
        "day",
        None,
        "Referral",
        "Referral, from school",
        "R1",
    )
    # 03/05/2016 is 3 May, not 5 March: day first.
    assert rows[1][:7] == (3, date(2016, 5, 3), "day", "14:32:00", "Home visit", "Seen alone", "R2")


def test_month_and_year_dates_keep_their_precision(store, case, tmp_path):
    path = write(tmp_path, HEADER + "2015-09,,Contact,a,\n2016,,Contact,b,\n")
    ingest_file(store, "C-1", "School", path, uploaded_by="test")
    assert [(r[1], r[2]) for r in events(store)] == [
        (date(2015, 9, 1), "month"),
        (date(2016, 1, 1), "year"),
    ]


def test_bad_rows_are_rejected_with_row_column_and_reason(store, case, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "31/02/2016,,Visit,impossible,R1\n"
        + "unknown,,Visit,not a date,R2\n"
        + ",,Visit,no date,R3\n"
        + "01/02/2016,25:61,Visit,bad time,R4\n"
        + "01/02/2016,,,no type,R5\n",
    )
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert (result.imported, result.rejected) == (1, 4)
    rejected = store.query(
        "SELECT row_number, column_name, value, reason FROM rejected_rows ORDER BY row_number"
    )
    assert rejected == [
        (2, "date", "31/02/2016", "date does not exist (no such day or month)"),
        (
            3,
            "date",
            "unknown",
            "date is not in a recognised form (e.g. 03/05/2016, 2016-05-03, 12 Mar 2016, Sept 2015 or 2016)",
        ),
        (4, "date", None, "date is empty"),
        (5, "time", "25:61", "time is not a time of day (HH:MM)"),
    ]
    raw = store.query("SELECT raw FROM rejected_rows WHERE row_number = 2")[0][0]
    assert raw == '"31/02/2016","","Visit","impossible","R1"'
    # A missing event type is not a rejection.
    assert events(store)[0][4] == "Unspecified"


def test_over_long_summary_is_rejected(store, case, tmp_path):
    path = write(tmp_path, HEADER + "01/02/2016,,Visit," + "x" * 10_001 + ",R1\n")
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert result.rejected == 1
    assert store.query("SELECT reason FROM rejected_rows")[0][0] == (
        "summary is longer than the maximum of 10000 characters"
    )


def test_extra_columns_are_kept_as_json(store, case, tmp_path):
    path = write(tmp_path, "date,summary,Worker,Team\n2016-01-02,Visit,A. Worker,North\n")
    ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert json.loads(events(store)[0][7]) == {"Worker": "A. Worker", "Team": "North"}


def test_markup_and_formulas_are_stored_as_sent(store, case, tmp_path):
    path = write(
        tmp_path, HEADER + '2016-01-02,,<script>x</script>,"=HYPERLINK(""http://x"")",R1\n'
    )
    ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    row = events(store)[0]
    assert row[4] == "<script>x</script>"
    assert row[5] == '=HYPERLINK("http://x")'


def test_same_file_again_changes_nothing(store, case, tmp_path):
    path = write(tmp_path, HEADER + "2016-01-02,,Visit,a,R1\n")
    ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    again = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert again.unchanged
    assert store.query("SELECT count(*) FROM events")[0][0] == 1
    assert store.query("SELECT count(*) FROM uploads")[0][0] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (HEADER, "header but no data rows"),
        ("who,what\nSam,visit\n", "no column that can be a date"),
    ],
)
def test_unusable_files_are_refused_and_change_nothing(store, case, tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(InvalidInput, match=message):
        ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    for table in ("uploads", "events", "rejected_rows", "agencies"):
        assert store.query(f"SELECT count(*) FROM {table}")[0][0] == 0


def test_unknown_case_is_refused(store, tmp_path):
    path = write(tmp_path, HEADER + "2016-01-02,,Visit,a,R1\n")
    with pytest.raises(NotFound, match="unknown case 'NOPE'"):
        ingest_file(store, "NOPE", "Police", path, uploaded_by="test")


def test_demo_case_ingests_every_row(demo_store):
    uploads = demo_store.query(
        "SELECT count(*), sum(row_count), sum(event_count), sum(rejected_count) FROM uploads"
    )
    count, rows, imported, rejected = uploads[0]
    assert count == 6
    assert rows == imported
    assert rejected == 0
    assert imported > 250
