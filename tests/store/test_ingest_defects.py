"""Extracts that used to crash or be misread: wide exports, settings corrected on a second
upload, damaged encodings, preambles, mixed line endings, huge fields, NUL bytes."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.cli import main as cli
from data import cases
from data.errors import InvalidInput
from data.ingest import analyse_file, ingest_file
from data.ingest.reading import guess_header_row
from tests.support.extract_files import wide_csv


@pytest.fixture
def case(store):
    return cases.add_case(store, "C-1", date_of_birth=date(2014, 3, 11))


WIDTHS = (1, 9, 10, 11, 99, 100, 101, 199, 200)


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_exports_through_the_store(store, case, tmp_path, width):
    for at in sorted({0, width // 2, width - 1}):
        path = wide_csv(tmp_path / f"w{width}-{at}.csv", width, at)
        result = ingest_file(store, "C-1", f"Agency {at}", path, uploaded_by="t")
        assert (result.imported, result.rejected) == (3, 0), (width, at)
        assert result.mapping["date"] == "Event Date"
        days, extra = store.query(
            "SELECT list(event_date ORDER BY row_number), any_value(extra) FROM events"
            " WHERE upload_id = ?",
            [result.upload_id],
        )[0]
        assert days == [date(2016, 5, 1), date(2016, 5, 2), date(2016, 5, 3)]
        if width > 1:  # every other column is kept, under its own name
            other = (at + 1) % width
            assert f'"Field {other}":"value ' in extra


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_exports_through_the_cli(store, tmp_path, capsys, width):
    db = str(tmp_path / "cli.duckdb")
    assert cli(["case", "add", "C-1", "--db", db]) == 0
    path = wide_csv(tmp_path / f"w{width}.csv", width, width // 2)  # first and last: above
    code = cli(["ingest", "--db", db, "--case", "C-1", "--agency", "Police", str(path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "date=Event Date" in out.out
    assert out.out.strip().endswith("imported 3 events, rejected 0 rows")


def test_a_corrected_date_order_is_a_new_version(store, case, tmp_path):
    path = tmp_path / "police.csv"
    path.write_text("Date,Summary\n05/03/2016,a\n06/04/2016,b\n", encoding="utf-8")
    first = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert first.imported == 2
    same = ingest_file(store, "C-1", "Police", path, uploaded_by="t", date_order="dmy")
    assert same.unchanged
    fixed = ingest_file(
        store, "C-1", "Police", path, uploaded_by="t", date_order="mdy", replace=True
    )
    assert not fixed.unchanged and fixed.retired_uploads == 1
    assert store.query(
        "SELECT event_date FROM events WHERE retired_at IS NULL ORDER BY row_number"
    ) == [(date(2016, 5, 3),), (date(2016, 6, 4),)]
    # A changed mapping, or add instead of replace, is a new version too.
    remapped = ingest_file(
        store, "C-1", "Police", path, uploaded_by="t", mapping={"date": 0}, date_order="mdy"
    )
    assert not remapped.unchanged and remapped.mapping == {"date": "Date"}
    added = ingest_file(  # (without a mapping, the one just used would be proposed again)
        store, "C-1", "Police", path, uploaded_by="t", mapping=["date=Date"], date_order="mdy"
    )
    assert not added.unchanged


def test_the_agencys_last_mapping_and_date_order_are_proposed_again(store, case, tmp_path):
    cases.add_case(store, "C-2")
    path = tmp_path / "a.csv"
    path.write_text("When seen,Kind,Recorded on\n05/03/2016,Visit,01/01/2017\n", encoding="utf-8")
    ingest_file(
        store,
        "C-1",
        "Police",
        path,
        uploaded_by="t",
        mapping={"date": 2, "summary": 1},
        date_order="mdy",
    )
    analysis = analyse_file(store, "C-2", "Police", path)
    assert analysis.remembered
    assert analysis.mapping_names == {"date": "Recorded on", "summary": "Kind"}
    assert analysis.date_order == "mdy"
    other = analyse_file(store, "C-2", "School", path)
    assert not other.remembered and other.date_order == "dmy"


def test_one_bad_byte_keeps_a_utf8_file_utf8_and_names_the_row(store, case, tmp_path):
    path = tmp_path / "cafe.csv"
    body = "".join(f"0{1 + i % 9}/05/2016,Café visit {i}\r\n" for i in range(30))
    data = ("Date,Summary\r\n" + body).encode("utf-8") + b"01/06/2016,bad \xff byte\r\n"
    path.write_bytes(data)
    analysis = analyse_file(store, "C-1", "Police", path)
    assert analysis.encoding == "utf-8" and analysis.encoding_detected
    [warning] = [w for w in analysis.warnings if w.kind == "undecodable"]
    assert warning.rows == [32]
    ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert store.query("SELECT summary FROM events WHERE row_number = 2") == [("Café visit 0",)]
    # The uploader may say which encoding it is instead; that is a new version.
    latin = ingest_file(store, "C-1", "Police", path, uploaded_by="t", encoding="cp1252")
    assert not latin.unchanged and latin.encoding == "cp1252"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(store, case, tmp_path, encoding):
    summary = "Mum said £20 for “food”; café \u2013 naïve"
    path = tmp_path / "e.csv"
    path.write_bytes(("Date,Summary\r\n" + f"03/05/2016,{summary}\r\n" * 5).encode(encoding))
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert result.encoding == encoding
    assert store.query("SELECT DISTINCT summary FROM events") == [(summary,)]


def test_the_uploader_chooses_an_encoding_the_detector_cannot_tell(store, case, tmp_path):
    summary = "Łódź: żółć; więcej środków"
    path = tmp_path / "pl.csv"
    path.write_bytes(("Date,Summary\r\n" + f"03/05/2016,{summary}\r\n").encode("cp1250"))
    analysis = analyse_file(store, "C-1", "Police", path, encoding="cp1250")
    assert analysis.encoding == "cp1250" and not analysis.encoding_detected
    assert analysis.preview[0][1] == summary
    with pytest.raises(InvalidInput, match="unknown text encoding 'klingon'"):
        analyse_file(store, "C-1", "Police", path, encoding="klingon")


def test_sep_line_and_title_rows_are_skipped_and_said(store, case, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "sep=;\r\nPolice chronology for C-1;;\r\nPrinted 02/01/2020;;\r\n;;\r\n"
        "Date;Type;Details\r\n03/05/2016;Visit;seen\r\n04/05/2016;Call;phoned\r\n",
        encoding="utf-8",
    )
    analysis = analyse_file(store, "C-1", "Police", path)
    assert analysis.delimiter == ";" and analysis.header_row == 5
    assert analysis.header == ["Date", "Type", "Details"]
    assert analysis.skipped[:3] == [
        (1, "sep="),
        (2, "Police chronology for C-1"),
        (3, "Printed 02/01/2020"),
    ]
    assert any("sep=;" in n for n in analysis.notes)
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (2, 0)
    assert store.query("SELECT row_number FROM events ORDER BY 1") == [(6,), (7,)]
    # The uploader can say where the header is.
    chosen = analyse_file(store, "C-1", "Police", path, header_row=6)
    assert chosen.header[0] == "03/05/2016" and not chosen.header_detected


def test_header_guess():
    assert guess_header_row([["Title", None], ["Date", "Summary"], ["01/02/2016", "x"]]) == 1
    assert guess_header_row([["date"], ["2016-01-01"]]) == 0
    assert guess_header_row([["01/02/2016", "x"], ["02/02/2016", "y"]]) == 0


def test_mixed_line_endings_are_read(store, case, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"Date,Summary\r\n03/05/2016,a\n04/05/2016,b\r\n05/05/2016,c\n")
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (3, 0)
    assert any("line endings" in n for n in result.notes)


def test_a_huge_field_rejects_its_row_not_the_file(store, case, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(
        "Date,Summary\n03/05/2016,small\n04/05/2016," + "x" * 2_500_000 + "\n05/05/2016,ok\n",
        encoding="utf-8",
    )
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (2, 1)
    assert store.query("SELECT row_number, column_name, reason FROM rejected_rows") == [
        (3, "summary", "summary is longer than the maximum of 10000 characters")
    ]


def test_a_wrong_time_in_the_date_says_the_time_is_wrong(store, case, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Date,Summary\n04/01/2016 25:00,a\n04/01/2016 23:00,b\n", encoding="utf-8")
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (1, 1)
    [(row, column, value, reason)] = store.query(
        "SELECT row_number, column_name, value, reason FROM rejected_rows"
    )
    assert (row, column, value) == (2, "date", "04/01/2016 25:00")
    assert reason.startswith("the time in the date is not a time of day")
    assert store.query("SELECT event_time FROM events") == [(time(23, 0),)]


def test_nul_bytes_are_removed_with_a_warning(store, case, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"Date,Summary\r\n03/05/2016,sa\x00fe\r\n04/05/2016,fine\r\n")
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert store.query("SELECT summary FROM events ORDER BY row_number") == [("safe",), ("fine",)]
    [warning] = [w for w in result.warnings if w.kind == "nul"]
    assert warning.rows == [2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'Date,Summary\n03/05/2016,"never closed\n04/05/2016,x\n', "never closed"),
        (b"Date,Summary\n03/05/2016,x\n", None),
    ],
)
def test_messages_never_show_a_path(store, case, tmp_path, content, message):
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    if message is None:
        ingest_file(store, "C-1", "Police", path, uploaded_by="t")
        return
    with pytest.raises(InvalidInput) as info:
        ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert message in str(info.value)
    assert str(info.value).startswith("p.csv: ")
    assert "/" not in str(info.value).replace("p.csv", "")
    assert store.query("SELECT count(*) FROM uploads")[0][0] == 0
