"""Extracts as agencies really send them: encodings, delimiters, date forms, mapping, versions."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, time

import pytest

from data import cases
from data.actor import SYSTEM, User
from data.errors import Forbidden, InvalidInput
from data.events import case_events, chronology_rows
from data.exports import csv_text
from data.ingest import analyse_file, ingest_file
from data.ingest.mapping import propose_mapping
from data.ingest.model import MAX_COLUMNS
from data.ingest.template import template_csv
from data.ingest.uploads import event_extra, list_uploads, rejects_csv

MESSY_HEADER = ["Event Date", "Time", "Contact Type", "Details", "Our Ref", "Worker"]
MESSY_ROWS = [
    ["03/05/2016", "14:32", "Home visit", "Mum said £20 for “food”, seen alone", "R1", "A. Smith"],
    ["12-Mar-2016", "", "Referral", 'Line one\nline two, with "quotes"', "R2", "B. Jones"],
    ["Sept 2015", "", "", "Month only", "R3", ""],
]


@pytest.fixture
def case(store):
    return cases.add_case(store, "C-1", date_of_birth=date(2014, 3, 11))


def messy(tmp_path, encoding="utf-8", delimiter=",", name="extract.csv", rows=None):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(MESSY_HEADER)
    writer.writerows(rows or MESSY_ROWS)
    path = tmp_path / name
    path.write_bytes((buffer.getvalue() + "\r\n\r\n").encode(encoding))
    return path


def stored(store):
    return store.query(
        "SELECT row_number, event_date, date_precision, event_time, event_type, summary,"
        " source_ref, extra FROM events ORDER BY row_number"
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_encodings_and_delimiters(store, case, tmp_path, encoding, delimiter):
    path = messy(tmp_path, encoding, delimiter)
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert (result.imported, result.rejected) == (3, 0)
    assert result.mapping == {
        "date": "Event Date",
        "time": "Time",
        "event_type": "Contact Type",
        "summary": "Details",
        "source_ref": "Our Ref",
    }
    rows = stored(store)
    assert rows[0][1:7] == (
        date(2016, 5, 3),
        "day",
        time(14, 32),
        "Home visit",
        "Mum said £20 for “food”, seen alone",
        "R1",
    )
    assert rows[1][5] == 'Line one\nline two, with "quotes"'
    assert rows[2][1:5] == (date(2015, 9, 1), "month", None, "Unspecified")
    assert json.loads(rows[0][7]) == {"Worker": "A. Smith"}
    first_id = store.query("SELECT min(event_id) FROM events")[0][0]
    assert event_extra(store, SYSTEM, "C-1", first_id) == {"Worker": "A. Smith"}
    expected_encoding = {"utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "cp1252": "cp1252"}
    assert result.encoding == expected_encoding.get(encoding, "utf-8")


@pytest.mark.parametrize(
    ("value", "expected", "precision", "at"),
    [
        ("03/05/2016", date(2016, 5, 3), "day", None),
        ("3/5/16", date(2016, 5, 3), "day", None),
        ("2016-05-03", date(2016, 5, 3), "day", None),
        ("12-Mar-2016", date(2016, 3, 12), "day", None),
        ("12 March 2016", date(2016, 3, 12), "day", None),
        ("5 Jan 2015", date(2015, 1, 5), "day", None),
        ("15/06/2015 14:32", date(2015, 6, 15), "day", time(14, 32)),
        ("2015-06-15T14:32:10", date(2015, 6, 15), "day", time(14, 32, 10)),
        ("03.05.2016", date(2016, 5, 3), "day", None),
        ("09/2015", date(2015, 9, 1), "month", None),
        ("Sept 2015", date(2015, 9, 1), "month", None),
        ("September 2015", date(2015, 9, 1), "month", None),
        ("2015-09", date(2015, 9, 1), "month", None),
        ("2016", date(2016, 1, 1), "year", None),
    ],
)
def test_every_date_form(store, case, tmp_path, value, expected, precision, at):
    path = tmp_path / "d.csv"
    path.write_text(f'date,summary\n"{value}",x\n', encoding="utf-8")
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert (result.imported, result.rejected) == (1, 0), value
    assert stored(store)[0][1:4] == (expected, precision, at)


def test_date_order_and_time_column(store, case, tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("date,time,summary\n05/03/2016,2:30 PM,x\n", encoding="utf-8")
    ingest_file(store, "C-1", "Police", path, uploaded_by="test", date_order="mdy")
    assert stored(store)[0][1:4] == (date(2016, 5, 3), "day", time(14, 30))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2016", "date does not exist (no such day or month)"),
        ("03/13/2016", "date does not exist (no such day or month)"),
        ("13/2016", "date does not exist (no such day or month)"),
        ("unknown", "date is not in a recognised form"),
        ("1066", "date is outside the years 1900-2100"),
    ],
)
def test_impossible_dates_are_rejected(store, case, tmp_path, value, reason):
    path = tmp_path / "bad.csv"
    path.write_text(f"date,summary\n{value},x\n2016-01-01,ok\n", encoding="utf-8")
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert (result.imported, result.rejected) == (1, 1)
    row = store.query("SELECT row_number, column_name, value, reason FROM rejected_rows")[0]
    assert row[:3] == (2, "date", value)
    assert row[3].startswith(reason)


def test_field_maximums_and_too_many_fields(store, case, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "date,event_type,source_ref,summary\n"
        f"2016-01-01,{'t' * 101},R1,x\n"
        f"2016-01-02,Visit,{'r' * 101},x\n"
        "2016-01-03,Visit,R3,x,surplus\n"
        "2016-01-04,Visit,R4,fine\n",
        encoding="utf-8",
    )
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="test")
    assert (result.imported, result.rejected) == (1, 3)
    reasons = store.query("SELECT row_number, column_name, reason FROM rejected_rows ORDER BY 1")
    assert reasons == [
        (2, "event_type", "event_type is longer than the maximum of 100 characters"),
        (3, "source_ref", "source_ref is longer than the maximum of 100 characters"),
        (4, "row", "row has more fields than the header has columns"),
    ]


def test_mapping_is_proposed_from_names_and_contents():
    assert propose_mapping(["When", "Type of contact", "Narrative", "Crime Number"]) == {
        "date": 0,
        "event_type": 1,
        "summary": 2,
        "source_ref": 3,
    }
    # Date of birth is never proposed as the event date.
    assert "date" not in propose_mapping(["Date of birth", "Notes"])


def test_date_column_found_by_its_contents(store, case, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Recorded,Entry\n03/05/2016,Seen\n04/05/2016,Seen again\n", encoding="utf-8")
    analysis = analyse_file(store, "C-1", "Police", path)
    assert analysis.mapping_names == {"date": "Recorded"}
    assert analysis.accepted == 2


def test_cli_style_map_overrides_the_proposal(store, case, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Date,Opened,Text\n2016-01-01,2015-01-01,x\n", encoding="utf-8")
    ingest_file(
        store, "C-1", "Police", path, uploaded_by="t", mapping=["date=Opened", "summary=Text"]
    )
    assert stored(store)[0][1] == date(2015, 1, 1)
    assert json.loads(stored(store)[0][7]) == {"Date": "2016-01-01"}
    with pytest.raises(InvalidInput, match="no column named 'Nope'"):
        analyse_file(store, "C-1", "Police", path, mapping=["date=Nope"])


def test_analysis_commits_nothing_and_warns(store, case, tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(
        "date,event_type,summary\n"
        "2099-01-01,Visit,future\n"
        "2010-01-01,Visit,long before birth\n"
        "2014-01-01,Antenatal,within the pre-birth window\n"
        "2016-01-01,Visit,same\n"
        "2016-01-01,Visit,same\n"
        "nonsense,Visit,bad\n",
        encoding="utf-8",
    )
    analysis = analyse_file(store, "C-1", "Police", path)
    assert (analysis.row_count, analysis.accepted, analysis.rejected) == (6, 5, 1)
    assert analysis.rejected_rows[0]["row"] == 7
    warnings = {w.kind: w.rows for w in analysis.warnings}
    assert warnings == {"future": [2], "before_birth": [3], "duplicate_in_file": [5, 6]}
    for table in ("uploads", "events", "rejected_rows", "agencies"):
        assert store.query(f"SELECT count(*) FROM {table}")[0][0] == 0


def test_replace_retires_the_agencys_earlier_upload(store, case, tmp_path):
    first = tmp_path / "v1.csv"
    first.write_text("date,summary\n2016-01-01,old\n2016-02-01,old two\n", encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text("date,summary\n2016-01-01,corrected\n", encoding="utf-8")
    other = tmp_path / "school.csv"
    other.write_text("date,summary\n2016-03-01,school\n", encoding="utf-8")
    ingest_file(store, "C-1", "Police", first, uploaded_by="t")
    ingest_file(store, "C-1", "School", other, uploaded_by="t")
    added = analyse_file(store, "C-1", "Police", second)
    result = ingest_file(store, "C-1", "Police", second, uploaded_by="t", replace=True)
    assert result.retired_uploads == 1
    assert sorted(case_events(store, SYSTEM, "C-1")["summary"]) == ["corrected", "school"]
    # Retired events stay in the store, flagged; their upload says what replaced it.
    assert store.query("SELECT count(*) FROM events WHERE retired_at IS NOT NULL")[0][0] == 2
    uploads = {u["file_name"]: u for u in list_uploads(store, SYSTEM, "C-1")}
    assert uploads["v1.csv"]["retired_at"] is not None
    assert uploads["v1.csv"]["replaced_by"] == uploads["v2.csv"]["upload_id"]
    assert uploads["school.csv"]["retired_at"] is None
    assert added.warnings == []  # "corrected" does not repeat an existing event


def test_add_keeps_both_versions_and_warns_of_duplicates(store, case, tmp_path):
    first = tmp_path / "v1.csv"
    first.write_text("date,summary\n2016-01-01,same\n", encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text("date,summary\n2016-01-01,same\n2016-02-01,new\n", encoding="utf-8")
    ingest_file(store, "C-1", "Police", first, uploaded_by="t")
    result = ingest_file(store, "C-1", "Police", second, uploaded_by="t")
    assert [w.kind for w in result.warnings] == ["duplicate_existing"]
    assert result.warnings[0].rows == [2]
    assert len(case_events(store, SYSTEM, "C-1")) == 3


def test_strict_refuses_the_whole_file(store, case, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,summary\n2016-01-01,ok\n31/02/2016,bad\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"strict.*1 rows would be rejected.*row 3"):
        ingest_file(store, "C-1", "Police", path, uploaded_by="t", strict=True)
    assert store.query("SELECT count(*) FROM uploads")[0][0] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"date,summary\r\n\r\n", "header but no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a text file"),
        (b"who,what\nSam,visit\n", "no column that can be a date"),
        (
            (",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n").encode()
            + (",".join(["2016-01-01"] * (MAX_COLUMNS + 1)) + "\n").encode(),
            f"{MAX_COLUMNS + 1} columns; the maximum is {MAX_COLUMNS}",
        ),
    ],
)
def test_unusable_files_are_refused(store, case, tmp_path, content, message):
    path = tmp_path / "u.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    for table in ("uploads", "events", "rejected_rows", "agencies"):
        assert store.query(f"SELECT count(*) FROM {table}")[0][0] == 0


def test_size_limit(store, case, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("date,summary\n" + "2016-01-01,x\n" * 100, encoding="utf-8")
    with pytest.raises(InvalidInput, match="over the 0 MB limit"):
        ingest_file(store, "C-1", "Police", path, uploaded_by="t", max_bytes=100)


def test_agency_user_uploads_only_for_own_agency(store, case, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("date,summary\n2016-01-01,x\n", encoding="utf-8")
    ingest_file(store, "C-1", "Police", path, uploaded_by="t")  # Police now takes part
    police = User(user_id=9, username="pc", role="agency", agency="Police", active=True)
    with pytest.raises(Forbidden, match="only for Police"):
        analyse_file(store, "C-1", "School", path, user=police)
    crc = User(user_id=8, username="crc", role="crc", agency=None, active=True)
    with pytest.raises(Forbidden):
        analyse_file(store, "C-1", "Police", path, user=crc)


def test_formulas_stored_as_sent_and_neutralised_in_exports(store, case, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        'date,event_type,summary\n2016-01-01,@SUM(A1),"=HYPERLINK(""http://x"")"\n'
        "31/02/2016,+cmd,-bad\n",
        encoding="utf-8",
    )
    ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert stored(store)[0][4:6] == ("@SUM(A1)", '=HYPERLINK("http://x")')
    chronology = csv_text(["a"] * 7, chronology_rows(store, SYSTEM, "C-1"))
    assert "'@SUM(A1)" in chronology and "'=HYPERLINK" in chronology
    rejects = list(csv.reader(io.StringIO(rejects_csv(store, SYSTEM, "C-1"))))
    assert rejects[0] == ["agency", "file", "row", "column", "value", "reason", "raw"]
    assert rejects[1][:5] == ["Police", "f.csv", "3", "date", "31/02/2016"]
    assert rejects[1][6] == '"31/02/2016","+cmd","-bad"'


def test_template_reads_back_cleanly(store, case, tmp_path):
    path = tmp_path / "template.csv"
    path.write_text(template_csv(), encoding="utf-8")
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (2, 0)
    assert [r[2] for r in stored(store)] == ["day", "month"]


def test_a_long_row_past_the_readers_sample_is_rejected_not_lost(store, case, tmp_path):
    # DuckDB's sniffer samples the first rows; a surplus field far below must still be seen.
    path = tmp_path / "long.csv"
    body = "".join(f'2016-01-01,"line\r\nbreak {i}"\r\n' for i in range(25_000))
    path.write_text(
        "date,summary\r\n" + body + "2016-01-02,y,surplus\r\n2016-01-03\r\n", encoding="utf-8"
    )
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (25_001, 1)
    assert store.query("SELECT row_number, column_name, raw FROM rejected_rows") == [
        (25_002, "row", '"2016-01-02","y","surplus"')
    ]
