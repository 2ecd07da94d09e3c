"""The whole flowchart in a real browser, one case from an agency's request to a frontline
briefing delivered, against a real SMTP server started here (aiosmtpd): every stage 1-7 is
recorded by the action that completes it, and every message arrives with its attachments.

An agency asks for an RPM (1); the business unit accepts, opening the case with its invitees
and sends the invitations (2); the agency uploads its extract; the chair records a learning
point shared with the committee, reviews its shared wording and signs off the record (3, 4);
the record goes to the attendees and, with the learning, to the business unit (5); a committee
member records the committee's decision (6) and a briefing delivered (7)."""

from __future__ import annotations

import io
import shutil
from datetime import date

import docx
import pytest

from data.store import Store
from data.users import add_user
from tests.support.browser import ARTIFACTS, screenshot, serious_violations, sign_in, tick
from tests.support.flowchart import (
    BUSINESS_UNIT,
    deliver_briefing,
    fetch,
    fill_rpm_request,
    smtp_env,
)
from tests.support.server import served

PASSWORD = "walkthrough-password-1"
CASE = "REQ-W"
INVITEES = (
    "Jo Green; Social worker; Children's Social Care; jo.green@csc.example; lead@csc.example\n"
    "Sam Lee; Detective constable; police ; sam.lee@police.example\n"
    "Alex Brown; Designated safeguarding lead; School; alex.brown@school.example"
)
EXTRACT = (
    "date,time,event_type,summary,source_ref\n"
    "2023-01-09,,Referral,Referral from school about neglect,C1\n"
    "2023-02-14,10:00,Home visit,Seen at home with mother,C2\n"
    "2023-03-20,,Strategy discussion,Strategy discussion without the school,C3\n"
    "2023-05-02,,Case closed,Closed after assessment,C4\n"
)


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory, rpm_template, inbox):
    tmp_dir = tmp_path_factory.mktemp("walk-server")
    shutil.copyfile(rpm_template, tmp_dir / "rpm.duckdb")
    store = Store(tmp_dir / "rpm.duckdb")
    add_user(store, "business-unit", "admin", PASSWORD)
    add_user(store, "committee", "crc", PASSWORD)
    store.close()
    with served(tmp_dir, env=smtp_env(inbox[1])) as url:
        yield url, tmp_dir


def new_page(browser, user: str, url: str, password: str = PASSWORD):
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.set_default_timeout(90_000)  # generous: the machine running the suite may be busy
    sign_in(page, url, user, password)
    page.wait_for_selector(".rpm-nav-link")
    return page


def attachments(message) -> dict:
    return {part.get_filename(): part for part in message.iter_attachments()}


def stage_rows(page, url: str) -> list[str]:
    page.goto(f"{url}cases/{CASE}/setup")
    page.wait_for_selector("#workflow-table")
    return [row.inner_text() for row in page.query_selector_all("#workflow-table tbody tr")]


def test_one_case_from_an_agencys_request_to_a_delivered_briefing(walk_server, inbox, browser):
    (url, tmp_dir), (received, _) = walk_server, inbox
    received.messages.clear()
    today = f"{date.today():%d %b %Y}"

    # 1. An agency asks for an RPM; the business unit accepts it, opening the case.
    agency = new_page(browser, "swhitfield", url, "facil-password-1")
    agency.click("#requests-link")
    fill_rpm_request(agency, "Child W")
    agency.click("#req-send")
    agency.wait_for_url("**done=sent**")

    office = new_page(browser, "business-unit", url)
    office.click("#requests-link")
    office.click("text=Accept: open the case")
    office.wait_for_selector("#setup-from-request")
    office.fill("#setup-case-ref", CASE)
    office.fill("#setup-dob", "2015-06-01")
    office.select_option("#setup-chair", "pokafor")
    office.fill("#setup-chair-name", "Pat Okafor")
    office.select_option("#setup-facilitator", "swhitfield")
    office.fill("#setup-facilitator-name", "Sam Whitfield")
    office.fill("#setup-meeting-date", date.today().isoformat())
    office.fill("#setup-start-time", "10:00")
    office.fill("#setup-venue", "Civic Offices, Room 4")
    office.fill("#setup-invitees", INVITEES)
    office.click("#setup-save")
    office.wait_for_url(f"**/cases/{CASE}/setup?done=opened**")
    office.wait_for_selector("#workflow-table")
    assert serious_violations(office) == []
    screenshot(office, "walk-1-case-opened-1366")

    # 2. The invitations, each with the invitation and a calendar entry, by email.
    office.click("text=Send the invitations to every invitee")
    office.wait_for_url("**mail=done**")
    assert office.wait_for_selector("#mail-table").inner_text().count("Sent: accepted") == 3
    invitations = [m for _, m in received.messages if m["Subject"].startswith("Invitation")]
    assert sorted(m["To"] for m in invitations) == [
        "alex.brown@school.example",
        "jo.green@csc.example",
        "sam.lee@police.example",
    ]
    for message in invitations:
        files = attachments(message)
        assert set(files) == {f"RPM-invitation-{CASE}.docx", "meeting.ics"}
        letter = docx.Document(io.BytesIO(files[f"RPM-invitation-{CASE}.docx"].get_content()))
        assert letter.paragraphs[0].text == "Invitation to a Reflective Practice Meeting"
        assert "BEGIN:VEVENT" in files["meeting.ics"].get_content()
    assert next(m for m in invitations if m["To"] == "jo.green@csc.example")["Cc"] == (
        "lead@csc.example"
    )
    screenshot(office, "walk-2-invitations-sent-1366")

    # The agency uploads its extract.
    agency.goto(f"{url}cases/{CASE}/upload")
    agency.wait_for_selector("#upload-file")
    extract = tmp_dir / "csc-extract.csv"
    extract.write_text(EXTRACT, encoding="utf-8")
    agency.set_input_files("#upload-file input[type=file]", str(extract))
    agency.wait_for_selector("#upload-counts")
    agency.click("#upload-confirm")
    agency.wait_for_selector("#upload-done")
    assert "Imported 4 events" in agency.inner_text("#upload-done")

    # 3, 4. The chair records a learning point for the committee, reviews its wording, signs off.
    chair = new_page(browser, "pokafor", url, "chair-password-1")
    chair.goto(f"{url}cases/{CASE}")
    chair.wait_for_function(
        "() => document.querySelector('#timeline-graph .js-plotly-plot')?._fullData?.length > 0"
    )
    chair.click("#tl-tabs .nav-link:text-is('Learning points and actions')")
    # the tab's lists and theme choices arrive once built: a tick given while they are redrawn
    # is lost with the old checkbox
    chair.wait_for_selector("#lp-list :is(p, ul)")
    chair.click("#lp-save")  # the tab's form is live once it answers
    chair.wait_for_selector("#lp-message:has-text('the learning point is empty')")
    chair.fill("#lp-text", "Schools were not invited to the strategy discussion.")
    tick(chair.locator("#lp-themes input[value='Information sharing']"))
    tick(chair.locator("#lp-share input[value='crc']"))
    chair.click("#lp-save")
    chair.locator("#lp-items .rpm-reflection", has_text="Schools were not invited").wait_for()
    screenshot(chair, "walk-3-learning-point-1366")
    chair.goto(f"{url}cases/{CASE}/record")
    chair.wait_for_selector("#redaction-review")
    item = chair.locator(".rpm-review-item", has_text="Schools were not invited")
    item.locator("button:has-text('Confirm the shared wording')").click()
    item.locator(".alert-success").wait_for()
    chair.goto(f"{url}cases/{CASE}/record")
    chair.wait_for_selector("#record-issues")
    chair.fill("#record-issues", "Three referrals in a year with no strategy discussion.")
    chair.fill("#record-timescale", "January to May 2023")
    chair.fill("#record-conclusions", "The school must be part of strategy discussions.")
    tick(chair.locator("text=Jo Green, Social worker, Children's Social Care"))
    tick(chair.locator("text=Sam Lee, Detective constable, Police"))
    chair.click("#record-sign")
    chair.wait_for_url("**done=signed**")
    chair.wait_for_selector("#versions-table")
    assert serious_violations(chair) == []
    screenshot(chair, "walk-4-signed-1366")
    href = chair.get_attribute("text=Learning log v1 (PDF)", "href")
    learning_log = fetch(url, "pokafor", "chair-password-1", href)
    assert learning_log[:4] == b"%PDF"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "walk-learning-log.pdf").write_bytes(learning_log)  # for reading as a person

    # 4, 5. The record to those who attended; the record and learning to the business unit.
    chair.click("text=Send the signed record to the attendees")
    chair.wait_for_url("**mail=done**", timeout=120_000)  # the learning log's image is drawn
    chair.goto(f"{url}cases/{CASE}/record")
    chair.wait_for_selector("#mail-table")
    chair.click("text=Send the record and learning to the business unit")
    chair.wait_for_url("**mail=done**", timeout=120_000)
    table = chair.wait_for_selector("#mail-table").inner_text()
    assert table.count("Sent: accepted") == 3 and "Failed" not in table
    records = [m for _, m in received.messages if m["Subject"].startswith("Record of the")]
    assert sorted(m["To"] for m in records) == ["jo.green@csc.example", "sam.lee@police.example"]
    for message in records:
        (name,) = attachments(message)
        log = docx.Document(io.BytesIO(attachments(message)[name].get_content()))
        assert name == f"RPM-learning-log-{CASE}-v1.docx"
        assert any("Schools were not invited" in p.text for p in log.paragraphs) or any(
            "Schools were not invited" in c.text
            for t in log.tables
            for r in t.rows
            for c in r.cells
        )
        assert log.inline_shapes, "the learning log carries the timeline image"
    to_office = [m for _, m in received.messages if m["To"] == BUSINESS_UNIT]
    assert len(to_office) == 1
    assert set(attachments(to_office[0])) == {
        f"RPM-learning-log-{CASE}-v1.docx",
        f"RPM-CRC-summary-{CASE}-v1.docx",
    }
    screenshot(chair, "walk-5-record-sent-1366")

    # 6, 7. The committee's decision and a briefing delivered, by the case's key only.
    committee = new_page(browser, "committee", url)
    committee.goto(url + "crc")
    committee.wait_for_selector("#crc-tab-content")
    committee.click("label:has-text('Decisions and actions')")
    committee.wait_for_selector("#committee-subject")
    key = committee.eval_on_selector(
        "#committee-subject",
        "s => [...s.options].map(o => o.value).find(v => v.startsWith('case:'))",
    )
    committee.select_option("#committee-subject", key)
    committee.wait_for_selector("#committee-no-decision")
    committee.fill("#committee-considered", "Schools left out of strategy discussions")
    committee.fill("#committee-decision", "Ask the education lead for a protocol")
    committee.click("#committee-save")
    committee.wait_for_selector("#committee-message .alert-success")
    screenshot(committee, "walk-6-decision-1366")
    committee.click("label:has-text('Frontline briefings')")
    committee.wait_for_selector("#briefing-subject")
    committee.select_option("#briefing-subject", key)
    deliver_briefing(committee, "Designated safeguarding leads", 31, "School")
    assert serious_violations(committee) == []
    screenshot(committee, "walk-7-briefing-1366")
    briefing = fetch(
        url, "committee", PASSWORD, committee.get_attribute("#briefing-download-pdf", "href")
    )
    assert briefing[:4] == b"%PDF"
    (ARTIFACTS / "walk-briefing.pdf").write_bytes(briefing)

    # Every stage recorded by the action that completed it, each saying so.
    rows = stage_rows(office, url)
    screenshot(office, "walk-8-every-stage-1366")
    assert all("Done" in row for row in rows), rows
    identified, invited, held, completed, sent, considered, informed = rows
    assert "business-unit" in identified and "Requested by Children's Social Care" in identified
    assert "Invitation emailed to Jo Green, Sam Lee and Alex Brown" in invited
    assert "pokafor" in held and "signed off" in held and today in held
    assert "pokafor" in completed and "Record version 1 signed off" in completed
    assert "emailed to business.unit@partnership.example" in sent
    assert "committee" in considered and "decision" in considered.lower()
    assert "7-minute briefing" in informed and "31 attended" in informed
    # The agency named "police " by one invitee is the Police agency, not a second one.
    assert "Sam Lee; Detective constable; Police;" in office.input_value("#setup-invitees")
    assert office.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
