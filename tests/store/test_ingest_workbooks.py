"""Excel workbooks and Word chronology tables go in like CSV; bad ones are refused in a line."""

from __future__ import annotations

import zipfile
from datetime import date, time

import pytest
import xlsxwriter

from app.cli import main as cli
from data import cases
from data.actor import SYSTEM
from data.errors import InvalidInput
from data.events import CHRONOLOGY_COLUMNS, chronology_rows, event_detail
from data.ingest import analyse_file, ingest_file
from tests.support.extract_files import chronology_docx, workbook


@pytest.fixture
def case(store):
    return cases.add_case(store, "C-1", date_of_birth=date(2014, 3, 11))


def nothing_stored(store):
    return all(
        store.query(f"SELECT count(*) FROM {t}")[0][0] == 0
        for t in ("uploads", "events", "rejected_rows")
    )


def test_workbook_sheet_dates_merged_header_and_formulas(store, case, tmp_path):
    path = workbook(tmp_path / "police.xlsx")
    analysis = analyse_file(store, "C-1", "Police", path)
    assert analysis.kind == "workbook" and analysis.sheet == "Chronology"
    assert analysis.sheets == ["Notes", "Chronology"]
    assert analysis.header_row == 3 and analysis.skipped[0] == (1, "Police chronology for C-1")
    assert analysis.mapping_names == {
        "date": "Event Date",
        "time": "Time",
        "event_type": "Type",
        "summary": "Details",
        "source_ref": "Our Ref",
    }
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (4, 1)
    assert store.query(
        "SELECT row_number, event_date, date_precision, event_time, event_type, source_ref"
        " FROM events ORDER BY row_number"
    ) == [
        (4, date(2016, 5, 3), "day", time(14, 32), "Home visit", "R1"),
        (5, date(2016, 6, 4), "day", time(9, 15), "Call", "R2"),
        (6, date(2016, 5, 10), "day", None, "Referral", None),
        (7, date(2015, 9, 1), "month", None, "Note", None),
    ]
    assert store.query("SELECT row_number, reason FROM rejected_rows") == [
        (8, "date does not exist (no such day or month)")
    ]
    assert store.query("SELECT file_kind, sheet, header_row FROM uploads") == [
        ("workbook", "Chronology", 3)
    ]
    assert ingest_file(store, "C-1", "Police", path, uploaded_by="t").unchanged


def test_merged_header_cells_name_each_column(store, case, tmp_path):
    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Events")
    sheet.merge_range(0, 0, 0, 1, "When")
    sheet.write(0, 2, "Summary")
    sheet.write_row(1, 0, ["2016-05-03", "2016-05-04", "x"])
    book.close()
    analysis = analyse_file(store, "C-1", "Police", path)
    assert analysis.header == ["When", "When (2)", "Summary"]


def test_sheet_chosen_through_the_cli(store, tmp_path, capsys):
    path = workbook(tmp_path / "police.xlsx", first_sheet_dates=True)
    db = str(tmp_path / "cli.duckdb")
    assert cli(["case", "add", "C-1", "--db", db]) == 0
    args = ["ingest", "--db", db, "--case", "C-1", "--agency", "Police", str(path)]
    assert cli([*args, "--sheet", "Nope"]) == 1
    assert "no sheet named 'Nope' (sheets: Notes, Chronology)" in capsys.readouterr().err
    assert cli([*args, "--sheet", "Chronology"]) == 0
    out = capsys.readouterr().out
    assert "read as workbook, sheet 'Chronology'" in out
    assert out.strip().endswith("imported 4 events, rejected 1 rows")


def test_word_chronology_tables_with_uncertain_dates(store, case, tmp_path):
    path = chronology_docx(tmp_path / "health.docx")
    analysis = analyse_file(store, "C-1", "Health", path)
    assert analysis.kind == "docx" and analysis.sheet == "tables 1, 2 of 2"
    assert analysis.mapping_names["date"] == "Date"
    assert analysis.mapping_names["event_type"] == "Event"
    result = ingest_file(store, "C-1", "Health", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (4, 0)
    rows = store.query(
        "SELECT event_date, date_precision, date_uncertain, event_time FROM events"
        " ORDER BY row_number"
    )
    assert rows == [
        (date(2016, 5, 22), "day", True, None),
        (date(2015, 1, 1), "year", True, None),
        (date(2016, 6, 3), "day", False, time(10, 30)),
        (date(2016, 9, 1), "month", True, None),
    ]
    chronology = chronology_rows(store, SYSTEM, "C-1")
    assert [r[0] for r in chronology] == ["2015", "2016-05-22", "2016-06-03", "2016-09"]
    certainty = CHRONOLOGY_COLUMNS.index("date_certainty")
    assert [r[certainty] for r in chronology] == ["uncertain", "uncertain", "", "uncertain"]
    event_id = store.query("SELECT event_id FROM events WHERE date_precision = 'year'")[0][0]
    assert event_detail(store, SYSTEM, "C-1", event_id).date_uncertain


def write_bytes(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_bad_documents_are_refused_in_one_line(store, case, tmp_path):
    xlsx = workbook(tmp_path / "real.xlsx")
    refusals = {
        chronology_docx(tmp_path / "no-table.docx", tables=False): "the document has no table",
        write_bytes(tmp_path, "cut.xlsx", xlsx.read_bytes()[:2000]): "damaged or incomplete",
        write_bytes(
            tmp_path,
            "locked.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 500
            + "EncryptedPackage".encode("utf-16-le")
            + b"\x00" * 500,
        ): "protected by a password",
        write_bytes(tmp_path, "macros.xlsm", xlsx.read_bytes()): "macro-enabled workbook",
        write_bytes(tmp_path, "sheet.csv", xlsx.read_bytes()): "the name says a text (CSV)",
        write_bytes(tmp_path, "lies.xlsx", b"Date,Summary\n2016-01-01,x\n"): "the file is a text",
        write_bytes(tmp_path, "report.pdf", b"%PDF-1.4\n..."): "a PDF document",
    }
    with zipfile.ZipFile(tmp_path / "vba.xlsx", "w") as zf:
        for item in zipfile.ZipFile(xlsx).infolist():
            zf.writestr(item, zipfile.ZipFile(xlsx).read(item))
        zf.writestr("xl/vbaProject.bin", b"macro")
    refusals[tmp_path / "vba.xlsx"] = "macro-enabled workbook"
    for path, reason in refusals.items():
        with pytest.raises(InvalidInput) as info:
            ingest_file(store, "C-1", "Police", path, uploaded_by="t")
        message = str(info.value)
        assert message.startswith(f"{path.name}: ") and reason in message, message
        assert "\n" not in message and str(tmp_path) not in message
    assert nothing_stored(store)


def test_excel_template_reads_back_cleanly(store, case, tmp_path):
    from data.ingest.template import template_xlsx

    path = tmp_path / "template.xlsx"
    path.write_bytes(template_xlsx())
    result = ingest_file(store, "C-1", "Police", path, uploaded_by="t")
    assert (result.imported, result.rejected) == (2, 0)
    assert store.query("SELECT event_date, date_precision FROM events ORDER BY 1") == [
        (date(2016, 5, 1), "month"),
        (date(2016, 5, 3), "day"),
    ]
