"""Upload a messy extract through the page: correct the proposed mapping, see the rejected
rows, confirm, find the upload in the history and download its rejected rows; 413 on size."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from data.ingest import MAX_UPLOAD_BYTES
from tests.browser.conftest import screenshot, sign_in, start_server

pytestmark = pytest.mark.browser

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
def upload_server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("upload-server")
    proc, url = start_server(tmp_dir, "--demo")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_upload_messy_extract_correct_mapping_and_confirm(upload_server, page, tmp_path):
    extract = tmp_path / "police-export.csv"
    extract.write_bytes(MESSY)
    sign_in(page, upload_server)
    page.wait_for_selector("#case-table")
    page.goto(upload_server + "cases/DEMO-J")
    page.click("text=Upload extract")
    page.wait_for_selector("#upload-file")
    page.fill("#upload-agency", "Police")
    page.keyboard.press("Tab")  # leave the field, as a user does
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
    page.check("#upload-mode input[value=replace]")
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


def test_oversized_file_is_refused_in_the_browser_and_on_the_server(upload_server, page):
    sign_in(page, upload_server)
    page.wait_for_selector("#case-table")
    page.goto(upload_server + "cases/DEMO-J/upload")
    page.wait_for_selector("#upload-file")
    with page.expect_download() as template:
        page.click("#upload-template-button")
    text = template.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0] == "date,time,event_type,summary,source_ref"
    with page.expect_download() as guide:
        page.click("#upload-guide-button")
    assert guide.value.path().read_text(encoding="utf-8").startswith("column,required,")
    too_big = {"name": "huge.csv", "mimeType": "text/csv", "buffer": b"x" * (MAX_UPLOAD_BYTES + 1)}
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
