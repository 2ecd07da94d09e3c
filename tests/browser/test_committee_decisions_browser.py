"""The flowchart's last steps in a real browser: a committee member records the committee's
decision and an organisational action on a case key, and a briefing delivered; the case's
set-up page then shows stages 6 and 7 with their dates and who. Nothing the committee's browser
receives names the case."""

from __future__ import annotations

import re
import shutil

import pytest

from data.crc import case_key_of
from data.record import save_draft, sign_off
from data.store import Store
from data.users import add_user, get_user
from tests.support.browser import screenshot, serious_violations, sign_in_by_request
from tests.support.dash_http import signed_in_opener
from tests.support.flowchart import deliver_briefing
from tests.support.rpm_case import CASE, CHILD, RECORD
from tests.support.server import served

PASSWORD = "crc-test-password"


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory, rpm_template):
    """The RPM case signed off by its chair, a committee member, and the case's key."""
    tmp_dir = tmp_path_factory.mktemp("decisions-server")
    shutil.copyfile(rpm_template, tmp_dir / "rpm.duckdb")
    store = Store(tmp_dir / "rpm.duckdb")
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    add_user(store, "committee", "crc", PASSWORD)
    add_user(store, "business", "admin", PASSWORD)
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    key = case_key_of(store, case_id)
    store.close()
    with served(tmp_dir) as url:
        yield url, key


def _open_tab(page, url: str, label: str, select: str, key: str) -> None:
    page.goto(url + "crc")
    page.wait_for_selector("#crc-tab-content")
    page.click(f"label:has-text('{label}')")
    page.wait_for_selector(select)
    page.select_option(select, f"case:{key}")


def test_committee_records_decision_action_and_briefing_then_the_journey_shows_them(
    signed_server, browser
):
    url, key = signed_server
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    received: list[str] = []
    page.on(
        "response",
        lambda r: received.append(r.text()) if "_dash-update-component" in r.url else None,
    )
    sign_in_by_request(page, url, "committee", PASSWORD)
    _open_tab(page, url, "Decisions and actions", "#committee-subject", key)
    page.wait_for_selector("#crc-summary-card")
    page.wait_for_selector("#committee-no-decision")
    # Words that identify someone are refused, with the reason, and nothing is recorded.
    page.fill("#committee-considered", "What Jo Green told the school")
    page.fill("#committee-decision", "Agreed")
    page.click("#committee-save")
    page.wait_for_selector("#committee-message .alert-danger")
    assert "name in the case glossary" in page.inner_text("#committee-message")
    assert page.input_value("#committee-considered") == "What Jo Green told the school"
    page.fill("#committee-considered", "Information sharing between school and health")
    page.fill("#committee-decision", "Ask the education and health leads for a joint protocol")
    page.click("#committee-save")
    page.wait_for_selector("#committee-message .alert-success")
    page.wait_for_selector("[id^=committee-decision-]")
    assert page.input_value("#committee-considered") == ""  # the form is reset after saving
    page.fill("#committee-action-text", "A joint information-sharing protocol")
    page.select_option("#committee-action-agency", "School")
    page.fill("#committee-action-due", "2025-01-31")
    page.click("#committee-action-save")
    page.wait_for_selector(".rpm-committee-decision .rpm-committee-actions")
    overdue = page.inner_text(".rpm-committee-decision .rpm-overdue")
    assert overdue.startswith("⚠ overdue by") or "overdue by" in overdue
    assert "overdue by" in page.inner_text("#committee-all-actions")
    assert serious_violations(page) == []
    screenshot(page, "committee-decisions-1366")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "committee-decisions-1920")

    _open_tab(page, url, "Frontline briefings", "#briefing-subject", key)
    deliver_briefing(page, "Designated safeguarding leads", 23, "School")
    page.wait_for_selector("table#briefing-deliveries")
    assert "Designated safeguarding leads" in page.inner_text("#briefing-deliveries")
    assert serious_violations(page) == []
    screenshot(page, "committee-briefings-1920")
    href = page.get_attribute("#briefing-download-pdf", "href")
    assert href.endswith(f"/briefing?case_key={key}&format=pdf")
    # Nothing the committee's browser received names the case or the child.
    everything = page.content() + "".join(received)
    assert CASE not in everything and CHILD not in everything
    context.close()

    opener = signed_in_opener(url, "committee", PASSWORD)
    with opener.open(url.rstrip("/") + href) as answer:
        assert answer.read()[:4] == b"%PDF"
    with pytest.raises(Exception) as refused:  # the committee never by case reference
        opener.open(f"{url}briefing?case={CASE}&format=pdf")
    assert getattr(refused.value, "code", None) == 404

    # The case's journey: stages 6 and 7 recorded by the committee member, today.
    admin = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in_by_request(admin, url, "business", PASSWORD)
    admin.goto(f"{url}cases/{CASE}/setup")
    admin.wait_for_selector("text=Case Review Committee considered the learning")
    stages = admin.inner_text("table:has-text('Case Review Committee considered')")
    assert "committee" in stages and "decision 1 on case" in stages.lower()
    assert "7-minute briefing on case" in stages and "23 attended" in stages
    screenshot(admin, "committee-journey-setup")


WATCH_STATUS = """() => {
  window.rpmStatuses = [];
  new MutationObserver(() => document.querySelectorAll('.rpm-download-status').forEach(
    (s) => window.rpmStatuses.push(s.textContent))).observe(
    document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_a_document_shows_its_progress_then_downloads_and_a_refusal_is_said(signed_server, browser):
    url, _key = signed_server
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in_by_request(page, url, "business", PASSWORD)
    page.goto(f"{url}cases/{CASE}/record")
    link = page.get_by_role("link", name="Learning log v1 (PDF)", exact=True)
    link.wait_for()
    page.evaluate(WATCH_STATUS)
    with page.expect_download(timeout=120_000) as download:  # the image is drawn now
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as saved:
        assert saved.read(4) == b"%PDF"
    page.wait_for_selector(".rpm-download-status:has-text('Downloaded')")
    statuses = page.evaluate("window.rpmStatuses")
    assert statuses[0].startswith("Preparing the document")
    # A document the server refuses: its reason, beside the link, nothing saved.
    page.evaluate(
        """(href) => { const a = document.createElement('a'); a.href = href;
        a.textContent = 'Version 9'; a.id = 'missing-version'; document.body.appendChild(a); }""",
        f"/cases/{CASE}/documents/learning-log?version=9&format=pdf",
    )
    page.click("#missing-version")
    page.wait_for_selector(".rpm-download-failed")
    assert "no record version 9" in page.inner_text(".rpm-download-failed")
    screenshot(page, "record-download-progress")


def _choose_recorded(page, message: str, select: str) -> None:
    """Choose in `select` what the success `message` ("Decision 3 recorded...") names."""
    text = page.wait_for_selector(f"{message} .alert-success:has-text('recorded')").inner_text()
    found = re.search(r"(\d+) recorded", text)
    assert found, text
    number = found.group(1)
    page.wait_for_selector(f"{select} option[value='{number}']", state="attached")
    page.select_option(select, number)


def test_a_decision_and_a_delivery_are_corrected_then_withdrawn_after_confirming(
    signed_server, browser
):
    url, key = signed_server
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in_by_request(page, url, "committee", PASSWORD)
    _open_tab(page, url, "Decisions and actions", "#committee-subject", key)
    page.wait_for_selector("#crc-summary-card")
    page.fill("#committee-considered", "Recorded on the wrong case")
    page.fill("#committee-decision", "Close it")
    page.click("#committee-save")
    page.wait_for_selector("#committee-message .alert-success")
    _choose_recorded(page, "#committee-message", "#committee-fix-decision")
    page.wait_for_function(
        "document.querySelector('#committee-fix-considered').value === 'Recorded on the wrong case'"
    )
    page.fill("#committee-fix-text", "Close it after the protocol")
    page.click("#committee-fix-save")  # no reason: refused, said why
    page.wait_for_selector("#committee-fix-message .alert-danger")
    assert "reason for the correction is empty" in page.inner_text("#committee-fix-message")
    page.fill("#committee-fix-reason", "The minutes said so")
    page.click("#committee-fix-save")
    page.wait_for_selector("#committee-fix-message .alert-success")
    page.wait_for_selector(".rpm-record-history")
    page.click(".rpm-record-history summary")
    assert "The minutes said so" in page.inner_text(".rpm-record-history")
    assert "“Close it”" in page.inner_text(".rpm-record-history")
    assert serious_violations(page) == []
    screenshot(page, "committee-decision-corrected-1366")
    page.fill("#committee-fix-reason", "Not a decision of the committee")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#committee-fix-withdraw button")
    page.click(".rpm-withdrawn summary")
    assert "Not a decision of the committee" in page.inner_text(".rpm-withdrawn")
    assert "Close it after the protocol" not in page.inner_text("#committee-subject-view")

    _open_tab(page, url, "Frontline briefings", "#briefing-subject", key)
    page.fill("#briefing-audience", "School nurses")
    page.fill("#briefing-attended", "4")
    page.click("#briefing-agencies label:has-text('School')")
    page.click("#briefing-save")
    page.wait_for_selector("#briefing-message .alert-success")
    _choose_recorded(page, "#briefing-message", "#briefing-fix-delivery")
    page.wait_for_function(
        "document.querySelector('#briefing-fix-audience').value === 'School nurses'"
    )
    page.fill("#briefing-fix-attended", "14")
    page.fill("#briefing-fix-reason", "Miscounted")
    page.click("#briefing-fix-save")
    page.wait_for_selector("#briefing-fix-message .alert-success")
    page.wait_for_selector("#briefing-deliveries .rpm-record-history")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, "committee-briefing-corrected-1920")
    page.fill("#briefing-fix-reason", "Recorded twice")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#briefing-fix-withdraw button")
    page.click(".rpm-withdrawn summary")
    assert "Recorded twice" in page.inner_text(".rpm-withdrawn")
    assert "School nurses" not in page.inner_text("#briefing-deliveries")
    assert errors == []
