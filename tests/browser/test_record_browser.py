"""The chair signs off the meeting record in the browser: a refusal that names what is
missing, sign-off and lock, the signed version's document, an amendment as a new version."""

from __future__ import annotations

import io
import shutil
import urllib.request

import docx
import pytest

from tests.browser.conftest import screenshot, sign_in, start_server
from tests.rpm_case import CASE, CHAIR, RECORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rpm_server(tmp_path_factory, rpm_template):
    tmp_dir = tmp_path_factory.mktemp("rpm-server")
    shutil.copyfile(rpm_template, tmp_dir / "rpm.duckdb")
    proc, url = start_server(tmp_dir)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_chair_signs_off_the_record_and_amends_it(rpm_server, page):
    url = rpm_server
    sign_in(page, url, "pokafor", "chair-password-1")
    page.wait_for_selector("#case-table")
    page.goto(f"{url}cases/{CASE}/record")
    page.wait_for_selector("#record-status")
    assert page.inner_text("#record-status").startswith("No record yet")
    assert "Information from school" in page.inner_text("#record-learning")

    page.fill("#record-issues", RECORD["issues"])
    page.fill("#record-timescale", RECORD["timescale"])
    page.fill("#record-conclusions", RECORD["conclusions"])
    page.check("text=Alex Brown, Designated safeguarding lead, School")
    page.click("#record-sign")  # no signature yet
    error = page.wait_for_selector("#record-sign-message #record-error")
    assert "cannot sign off: the signature (the chair's name) missing" in error.inner_text()
    assert page.inner_text("#record-status").startswith("No record yet")  # nothing saved

    page.fill("#record-signature", CHAIR)
    page.click("#record-sign")
    page.wait_for_url("**done=signed**")
    page.wait_for_selector("#versions-table")
    assert page.inner_text("#record-status").startswith(f"Version 1 is signed off by {CHAIR}")
    assert page.is_disabled("#record-issues") and page.is_disabled("#record-save")
    assert not page.is_visible("#record-sign")
    row = page.inner_text("#versions-table tbody tr")
    assert f"Signed off by {CHAIR} (pokafor)" in row
    screenshot(page, "record-signed")

    # The signed version's CRC summary, fetched with the browser's session.
    href = page.get_attribute("text=CRC summary v1 (Word)", "href")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    request = urllib.request.Request(url.rstrip("/") + href, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=60) as response:
        document = docx.Document(io.BytesIO(response.read()))
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert CHAIR in cells and "Alex Brown" not in cells

    page.fill("#record-amend-reason", "Reword the school's learning point")
    page.click("#record-amend")
    page.wait_for_url("**done=amending**")
    page.wait_for_selector("#versions-table")
    assert page.inner_text("#record-status") == (
        "Version 2 is a draft. Amendment: Reword the school's learning point"
    )
    assert not page.is_disabled("#record-issues")
    assert page.input_value("#record-issues") == RECORD["issues"]
    assert len(page.query_selector_all("#versions-table tbody tr")) == 2
    screenshot(page, "record-amending")


def test_chair_records_a_workflow_stage_and_the_case_list_shows_it(rpm_server, page):
    url = rpm_server
    sign_in(page, url, "pokafor", "chair-password-1")
    page.wait_for_selector("#case-table")
    page.goto(f"{url}cases/{CASE}/setup")
    page.wait_for_selector("#workflow-table")
    page.fill("#stage-date", "2024-06-03")
    page.fill("#stage-note", "Requested by the school")
    page.click("#stage-record")
    page.wait_for_url("**done=stage**")
    first = page.inner_text("#workflow-table tbody tr:first-child")
    assert "Done" in first and "03 Jun 2024" in first and "pokafor" in first
    page.goto(url)
    page.wait_for_selector("#case-table")
    row = page.inner_text("#case-table tbody tr")
    assert "Case identified for reflective practice discussion" in row
    assert "Purpose documented and invites circulated: overdue by" in row
    screenshot(page, "cases-with-workflow")
