"""The chair signs off the meeting record in the browser: a refusal that names what is
missing, sign-off and lock, the signed version's document, an amendment as a new version."""

from __future__ import annotations

import io
import shutil
import urllib.request

import docx
import pytest

from tests.support.browser import screenshot, sign_in_by_request, tick
from tests.support.flowchart import BUSINESS_UNIT, smtp_env
from tests.support.rpm_case import CASE, CHAIR, RECORD
from tests.support.server import served


@pytest.fixture(scope="module")
def rpm_server(tmp_path_factory, rpm_template, inbox):
    tmp_dir = tmp_path_factory.mktemp("rpm-server")
    shutil.copyfile(rpm_template, tmp_dir / "rpm.duckdb")
    with served(tmp_dir, env=smtp_env(inbox[1])) as url:
        yield url


def test_chair_signs_off_the_record_and_amends_it(rpm_server, page):
    url = rpm_server
    sign_in_by_request(page, url, "pokafor", "chair-password-1")
    page.goto(f"{url}cases/{CASE}/record")
    page.wait_for_selector("#record-status")
    assert page.inner_text("#record-status").startswith("No record yet")
    assert "Information from school" in page.inner_text("#record-learning")

    page.fill("#record-issues", RECORD["issues"])
    page.fill("#record-conclusions", RECORD["conclusions"])
    tick(page.locator("text=Alex Brown, Designated safeguarding lead, School"))
    # The signature is the signed-in chair, not typed.
    assert page.inner_text("#record-signer") == f"You sign as the chair, {CHAIR} (account pokafor)."
    page.click("#record-sign")  # no timescale yet
    error = page.wait_for_selector("#record-sign-message #record-error")
    assert "cannot sign off: the timescale considered missing" in error.inner_text()
    assert page.inner_text("#record-status").startswith("No record yet")  # nothing saved

    page.fill("#record-timescale", RECORD["timescale"])
    page.click("#record-sign")
    page.wait_for_url("**done=signed**")
    page.wait_for_selector("#versions-table")
    signature = f"Signed by the chair, {CHAIR} (account pokafor)"
    assert page.inner_text("#record-status").startswith("Version 1 is signed off and locked.")
    assert signature in page.inner_text("#record-status")
    assert page.is_disabled("#record-issues") and page.is_disabled("#record-save")
    assert not page.is_visible("#record-sign")
    # The locked record still shows who attended (a ticked box keeps its tick when disabled),
    # and its documents wrap within the screen.
    ticks = page.eval_on_selector_all(
        "#record-attended input:checked", "els => els.map(e => getComputedStyle(e).backgroundImage)"
    )
    assert ticks and all(t.startswith("url(") for t in ticks)
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1920, "height": 1080})
    row = page.inner_text("#versions-table tbody tr")
    assert signature in row
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


def test_sign_off_recorded_the_stages_and_a_mistaken_stage_is_withdrawn(rpm_server, page):
    """Runs after the sign-off above: stages 1-4 are recorded by it."""
    url = rpm_server
    sign_in_by_request(page, url, "pokafor", "chair-password-1")
    page.goto(f"{url}cases/{CASE}/setup")
    page.wait_for_selector("#workflow-table")
    rows = page.query_selector_all("#workflow-table tbody tr")
    held, completed = rows[2].inner_text(), rows[3].inner_text()
    assert "Done" in held and "02 Sep 2024" in held  # the meeting's own date
    assert "Done" in completed and "pokafor" in completed and "signed off" in completed
    page.fill("#stage-note", "Sent by hand")
    page.click("#stage-record")
    page.wait_for_url("**done=stage**")
    assert "Done" in page.inner_text("#workflow-table tbody tr:nth-child(5)")

    page.click("#workflow-fix summary")
    page.select_option("#fix-stage", "sent_to_business_unit")
    page.fill("#fix-reason", "Recorded on the wrong case")
    page.once("dialog", lambda dialog: dialog.accept())  # withdrawing asks for confirmation
    page.click("#fix-withdraw-button")
    page.wait_for_url("**done=withdrawn**")
    assert "Done" not in page.inner_text("#workflow-table tbody tr:nth-child(5)")
    page.click("#workflow-history-details summary")
    latest = page.wait_for_selector("#workflow-history tbody tr:first-child").inner_text()
    assert "Withdrawn" in latest and "Recorded on the wrong case" in latest
    screenshot(page, "setup-stage-withdrawn")
    page.goto(url)
    page.wait_for_selector("#case-table")
    row = page.inner_text("#case-table tbody tr")
    assert "Record and learning sent to the partnership business unit: due" in row


def test_the_chair_sends_invitations_and_the_signed_record_by_email(rpm_server, inbox, page):
    """Runs after the tests above: version 1 is signed off, version 2 is a draft."""
    url, (received, _) = rpm_server, inbox
    sign_in_by_request(page, url, "pokafor", "chair-password-1")
    page.goto(f"{url}cases/{CASE}/setup")
    assert "sent by email through the mail server" in page.inner_text("#mail-where")
    page.click("text=Send the invitations to every invitee")
    page.wait_for_url("**mail=done**")
    table = page.wait_for_selector("#mail-table").inner_text()
    assert table.count("Sent: accepted by the mail server") == 2
    assert {to[0] for to, _ in received.messages} == {"alex@school.example", "jo@csc.example"}
    screenshot(page, "setup-invitations-sent")

    page.goto(f"{url}cases/{CASE}/record")
    page.click("text=Send the record and learning to the business unit")
    page.wait_for_url("**mail=done**", timeout=90_000)  # the learning log is drawn first
    row = page.wait_for_selector("#mail-table tbody tr").inner_text()
    assert BUSINESS_UNIT in row and "Sent: accepted" in row
    to, message = received.messages[-1]
    assert to == [BUSINESS_UNIT]
    assert {p.get_filename() for p in message.iter_attachments()} == {
        f"RPM-learning-log-{CASE}-v1.docx",
        f"RPM-CRC-summary-{CASE}-v1.docx",
    }
    screenshot(page, "record-sent-to-business-unit")
