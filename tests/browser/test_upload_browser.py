"""Upload a messy extract through the page: correct the proposed mapping, see the rejected
rows, confirm, find the upload in the history and download its rejected rows; 413 on size."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request

import pytest

from data.ingest.model import MAX_UPLOAD_BYTES
from tests.support.browser import (
    choose_agency,
    screenshot,
    serious_violations,
    sign_in_by_request,
    tick,
)
from tests.support.server import served

# cp1252, semicolons, a quoted line break; "Date" is when the record was entered, the events
# happened on "Event on" (the page proposes "Date" and the user corrects it).
MESSY = (
    "Date;Event on;Contact Type;Notes;Our Ref\r\n"
    "01/06/2016;03/05/2016;Home visit;Mum said £20 for “food”;R1\r\n"
    '01/06/2016;12-Mar-2016;Referral;"Line one\r\nline two";R2\r\n'
    "01/06/2016;Sept 2015;;<b>not bold</b>;R3\r\n"
    '01/06/2016;31/02/2016;Visit;=HYPERLINK("http://x");R4\r\n'
    "\r\n"
).encode("cp1252")


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory, served_demo_template):
    tmp_dir = tmp_path_factory.mktemp("upload-server")
    shutil.copyfile(served_demo_template, tmp_dir / "rpm.duckdb")
    with served(tmp_dir) as url:
        yield url


def test_upload_messy_extract_correct_mapping_and_confirm(upload_server, page, tmp_path):
    extract = tmp_path / "police-export.csv"
    extract.write_bytes(MESSY)
    sign_in_by_request(page, upload_server)
    page.goto(upload_server + "cases/DEMO-J")
    page.click("text=Upload extract")
    page.wait_for_selector("#upload-file")
    choose_agency(page, "Police")
    page.set_input_files("#upload-file input[type=file]", str(extract))
    page.wait_for_selector("#upload-counts")
    assert "Windows-1252" in page.inner_text("#upload-detected")
    assert "semicolon-separated" in page.inner_text("#upload-detected")
    # Markup from the file is shown as text.
    assert "<b>not bold</b>" in page.inner_text("#upload-preview")
    assert page.locator("#upload-preview b").count() == 0
    # Proposed: "Date"; every row reads as a date, so nothing is rejected yet.
    assert (
        page.inner_text("#upload-counts") == "4 rows will become events; 0 rows will be rejected."
    )
    page.select_option("#upload-map-date", label="Event on")
    page.wait_for_function(
        "() => document.querySelector('#upload-counts')?.innerText.includes('3 rows will')"
    )
    rejects = page.inner_text("#upload-rejects-table")
    assert "31/02/2016" in rejects and "date does not exist" in rejects
    screenshot(page, "upload-review")
    # A corrected export: it replaces the demo's Police upload (the default is to add).
    tick(page.locator("#upload-mode input[value=replace]"))
    page.click("#upload-confirm")
    page.wait_for_selector("#upload-done")
    assert "Imported 3 events" in page.inner_text("#upload-done")
    assert "It replaced 1 earlier upload(s) from Police" in page.inner_text("#upload-done")
    history = page.inner_text("#upload-history-table")
    assert "police-export.csv" in history
    screenshot(page, "upload-done")

    with page.expect_download() as download_info:
        page.click("text=Rejected rows of upload 7 (CSV)")
    text = download_info.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0] == "agency,file,row,column,value,reason,raw"
    assert "Police,police-export.csv,5,date,31/02/2016" in text

    # The events are on the timeline at once (demo Police had 27).
    page.click("text=See them on the timeline")
    page.wait_for_function(
        "() => document.querySelector('#timeline-graph .js-plotly-plot')?.data?.length > 0"
    )
    assert "3 events" not in page.inner_text("main")  # sanity: the case page rendered


def test_oversized_file_is_refused_in_the_browser_and_on_the_server(upload_server, page, tmp_path):
    sign_in_by_request(page, upload_server)
    page.goto(upload_server + "cases/DEMO-J/upload")
    page.wait_for_selector("#upload-file")
    with page.expect_download() as template:
        page.click("#upload-template-button")
    text = template.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0] == "date,time,event_type,summary,source_ref"
    with page.expect_download() as guide:
        page.click("#upload-guide-button")
    assert guide.value.path().read_text(encoding="utf-8").startswith("column,required,")
    with page.expect_download() as workbook:
        page.click("#upload-template-xlsx-button")
    assert workbook.value.suggested_filename == "rpm-extract-template.xlsx"
    assert workbook.value.path().read_bytes()[:2] == b"PK"  # a zipped workbook
    # A file on disk: Chromium reads it from its path. Handed over as a buffer, Playwright
    # would send its 20 MB through the driver's pipe as base64 (13-60 s on this machine).
    too_big = tmp_path / "huge.csv"
    too_big.write_bytes(b"x" * (MAX_UPLOAD_BYTES + 1))
    page.set_input_files("#upload-file input[type=file]", files=[too_big])
    page.wait_for_function("() => document.querySelector('#upload-size-error').innerText")
    assert "over the 20 MB limit" in page.inner_text("#upload-size-error")
    assert page.is_hidden("#upload-review")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    request = urllib.request.Request(
        upload_server + "_dash-update-component",
        data=b"x" * (MAX_UPLOAD_BYTES * 4 // 3 + 2**20 + 10),
        headers={
            "Content-Type": "application/json",
            "Cookie": cookie,
            "Origin": upload_server.rstrip("/"),
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413


def test_workbook_word_chronology_and_wide_export_through_the_page(upload_server, page, tmp_path):
    from tests.support.extract_files import chronology_docx, wide_csv, workbook

    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in_by_request(page, upload_server)

    def upload(path, counts, agency):
        page.goto(upload_server + "cases/DEMO-J/upload")
        page.wait_for_selector("#upload-file")
        choose_agency(page, agency)
        page.set_input_files("#upload-file input[type=file]", str(path))
        page.wait_for_function(
            "(name) => document.querySelector('#upload-detected')?.innerText.startsWith(name)"
            " && document.querySelector('#upload-counts')?.innerText",
            arg=path.name,
        )
        assert page.inner_text("#upload-counts") == counts

    upload(
        workbook(tmp_path / "health.xlsx"),
        "4 rows will become events; 1 row will be rejected.",
        "Health",
    )
    detected = page.inner_text("#upload-detected")
    assert "an Excel workbook, sheet 'Chronology' (of 2)" in detected
    assert "named on row 3" in detected
    assert "row 1: Police chronology for C-1" in page.inner_text("#upload-reading-notes")
    assert page.is_hidden("#upload-encoding-field") and page.is_visible("#upload-sheet-field")
    assert page.input_value("#upload-sheet") == "Chronology"
    for width, height in ((1920, 1080), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"upload-xlsx-{width}")
    assert serious_violations(page) == []
    page.click("#upload-confirm")
    page.wait_for_selector("#upload-done")
    assert "Imported 4 events" in page.inner_text("#upload-done")

    upload(
        chronology_docx(tmp_path / "gp.docx"),
        "4 rows will become events; 0 rows will be rejected.",
        "GP",
    )
    assert "a Word document, chronology in tables 1, 2 of 2" in page.inner_text("#upload-detected")
    screenshot(page, "upload-docx-1366")
    page.click("#upload-confirm")
    page.wait_for_selector("#upload-done")

    upload(
        wide_csv(tmp_path / "housing-60.csv", 60, 30),
        "3 rows will become events; 0 rows will be rejected.",
        "Housing",
    )
    assert "60 columns" in page.inner_text("#upload-detected")
    assert page.is_visible("#upload-encoding-field")
    page.select_option("#upload-encoding", "cp1252")
    page.wait_for_function(
        "() => document.querySelector('#upload-detected')?.innerText.includes('Windows-1252')"
    )
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "upload-wide-csv-1920")
    page.click("#upload-confirm")
    page.wait_for_selector("#upload-done")
    assert "Imported 3 events" in page.inner_text("#upload-done")
    assert errors == []
