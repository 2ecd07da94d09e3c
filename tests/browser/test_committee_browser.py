"""Nothing identifying reaches the committee, in the browser: the chair's redaction review and
sign-off, what a committee member then reads, and the timeline's anonymised view."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from data import learning
from data.glossary import save_entry
from data.record import save_draft
from data.store import Store
from data.users import add_user, get_user
from tests.support.browser import (
    first_case_summary,
    screenshot,
    serious_violations,
    show_chronology,
    sign_in_by_request,
)
from tests.support.rpm_case import CASE, RECORD
from tests.support.server import served

RAW = "Kel missed the appointment at Oakfield Primary School on 14/03/2019 (DOB 03/02/1990)."
EVENT = (
    "Kelly Smith rang about rent arrears and Kel's partner Dean Carter answered;"
    " neighbour Nina Lowe called too."
)


@pytest.fixture(scope="module")
def committee_server(tmp_path_factory, rpm_template):
    tmp_dir = tmp_path_factory.mktemp("committee-server")
    shutil.copyfile(rpm_template, tmp_dir / "rpm.duckdb")
    store = Store(tmp_dir / "rpm.duckdb")
    chair = get_user(store, "pokafor")
    save_entry(store, chair, CASE, "Mother", "Kelly Smith, Kel")
    save_entry(store, chair, CASE, "Mother's partner", "Dean Carter")
    learning.add_learning_point(
        store, chair, CASE, scope="cross_agency", text=RAW, share_with_crc=True
    )
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    agency = store.query_one("SELECT agency_id FROM agencies WHERE name = 'Housing'")[0]
    store.query(
        "INSERT INTO events (case_id, agency_id, event_date, date_precision, event_type, summary)"
        " VALUES (?, ?, ?, 'day', 'Tenancy visit', ?)",
        [case_id, agency, date(2001, 1, 2), EVENT],
    )
    save_draft(store, chair, CASE, **RECORD)
    add_user(store, "committee", "crc", "crc-member-password-1")
    store.close()
    with served(tmp_dir) as url:
        yield url


def test_chair_reviews_the_shared_wording_then_the_committee_reads_it(committee_server, browser):
    url = committee_server
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sign_in_by_request(page, url, "pokafor", "chair-password-1")
    page.goto(f"{url}cases/{CASE}/record")
    page.wait_for_selector("#redaction-review")
    assert page.inner_text("#review-summary").startswith("1 of 2 learning points")
    review = page.inner_text("#redaction-review")
    for kind in ("name in the case glossary", "school or other named place", "date",
                 "date of birth"):  # fmt: skip
        assert f"[{kind}]" in review
    for width, height in ((1920, 1080), (1366, 768)):  # the review at both sizes
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"record-redaction-review-{width}")
        assert serious_violations(page) == []
    assert errors == []

    item = page.locator(".rpm-review-item", has_text="Oakfield")
    box = item.locator("textarea")
    proposed = box.input_value()
    assert proposed == (
        "Mother missed the appointment at a primary school in spring 2019 [date of birth removed]."
    )
    box.fill("Kel missed the appointment")  # a glossary alias left in: refused
    item.locator("button:has-text('Confirm the shared wording')").click()
    assert "still identifies someone" in item.locator(".alert-danger").inner_text()
    box.fill(proposed)
    item.locator("button:has-text('Confirm the shared wording')").click()
    item.locator(".alert-success").wait_for()
    page.goto(f"{url}cases/{CASE}/record")
    page.wait_for_selector("#review-summary")
    assert page.inner_text("#review-summary").startswith("All 2 learning points")
    page.click("#record-sign")
    page.wait_for_url("**done=signed**")
    page.wait_for_selector("#versions-table")
    context.close()

    # The committee member reads the reviewed wording under the case key, and no name.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in_by_request(page, url, "committee", "crc-member-password-1")
    _, card = first_case_summary(page, url)
    assert "Mother missed the appointment at a primary school in spring 2019" in card
    for name in ("Kel", "Kelly", "Oakfield", "14/03/2019", "03/02/1990", "Alex Brown", CASE):
        assert name not in card, name
    assert serious_violations(page) == []
    screenshot(page, "crc-summary-reviewed-1366")
    context.close()


# Every name of the case's people: the glossary's, the practitioners' (invitees, chair,
# facilitator), and one the meeting adds to the glossary during the test.
NAMES = re.compile(
    r"\b(Kelly|Kel|Smith|Dean|Carter|Nina|Lowe|Alex Brown|Jo Green|Priya Shah|Pat Okafor"
    r"|Sam Whitfield)\b"
)


def _names_in(text: str) -> list[str]:
    return sorted(set(NAMES.findall(text)))


def _dash_replies(page) -> list:
    replies = []
    page.on("response", lambda r: "_dash-update-component" in r.url and replies.append(r))
    return replies


def _received(replies) -> str:
    # A 204 (nothing to update) has no body to read.
    return "\n".join(reply.text() for reply in replies if reply.status == 200)


def _figure_data(page) -> str:
    return page.evaluate(
        "() => JSON.stringify(document.querySelector('#timeline-graph .js-plotly-plot').data)"
    )


def _table_says(page, text: str) -> None:
    page.wait_for_function(
        "t => document.querySelector('#tl-chronology').innerText.includes(t)", arg=text
    )


def test_the_anonymised_view_sends_no_name_to_the_browser(committee_server, browser):
    url = committee_server
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = context.new_page()
    sign_in_by_request(page, url, "pokafor", "chair-password-1")
    replies = _dash_replies(page)
    page.goto(f"{url}cases/{CASE}")
    show_chronology(page)
    assert "Kelly Smith rang" in page.inner_text("#tl-chronology")  # names, before
    assert "Kelly" in _figure_data(page)
    seen = len(replies)

    page.click("label[for=tl-anonymised]")
    _table_says(page, "Mother rang")
    assert "view=anonymised" in page.url
    page.wait_for_function(
        "() => !JSON.stringify(document.querySelector('#timeline-graph .js-plotly-plot').data)"
        ".includes('Kelly')"
    )
    # What a chair does in the meeting: select the event, open every tab, try to edit, add a
    # name to the glossary, download the chronology.
    page.locator("#tl-chronology tr", has_text="Mother rang").locator("button").click()
    page.wait_for_selector("#tl-details:has-text('Mother rang')")
    assert "switch off Anonymised" in page.inner_text("#tl-details")
    assert page.locator("#tl-fix-summary").count() == 0
    page.click("#tl-tabs button:has-text('Learning points and actions')")
    page.wait_for_selector("#lp-items")
    point = page.locator("#lp-items li", has_text="Mother missed")
    point.locator("button:has-text('Edit')").click()
    page.wait_for_selector("#lp-message:has-text('switch off Anonymised')")
    assert page.input_value("#lp-text") == ""
    page.click("#tl-tabs button:has-text('Reflective cycle and coverage')")
    page.wait_for_selector("#refl-coverage")
    page.click("#tl-tabs button:has-text('People in the case')")
    page.wait_for_selector("#glossary-table")
    # Until the meeting adds her, the neighbour is not in the glossary: her name is shown.
    assert _names_in(_received(replies[seen:])) == ["Lowe", "Nina"]
    page.fill("#glossary-label", "Neighbour")
    page.fill("#glossary-names", "Nina Lowe")
    added = len(replies)
    page.click("#glossary-add")
    _table_says(page, "neighbour Neighbour called")
    page.click("#tl-more-menu summary")
    with page.expect_download() as download:
        page.click("#tl-csv")
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Mother rang about rent arrears" in csv_text
    assert _names_in(csv_text) == []
    assert _names_in(_received(replies[added:])) == []
    assert _names_in(_figure_data(page)) == []
    assert _names_in(page.content()) == []
    assert serious_violations(page) == []
    screenshot(page, "timeline-anonymised-1920")

    # Switched off, the names come back.
    page.click("label[for=tl-anonymised]")
    _table_says(page, "Kelly Smith rang")
    assert "view=anonymised" not in page.url
    context.close()

    # Opened from a link with the view in it, nothing the page received held a name; and
    # presentation mode turns the view on.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in_by_request(page, url, "pokafor", "chair-password-1")
    replies = _dash_replies(page)
    page.goto(f"{url}cases/{CASE}?view=anonymised")
    show_chronology(page)
    _table_says(page, "Mother rang")
    assert page.is_checked("#tl-anonymised")
    assert _names_in(_received(replies)) == []
    assert _names_in(page.content()) == []
    screenshot(page, "timeline-anonymised-1366")
    page.goto(f"{url}cases/{CASE}")
    show_chronology(page)
    _table_says(page, "Kelly Smith rang")
    page.click("#tl-present")
    _table_says(page, "Mother rang")
    assert page.is_checked("#tl-anonymised")
    assert "view=anonymised" in page.url
    assert serious_violations(page) == []
    screenshot(page, "timeline-anonymised-presenting-1366")
    context.close()
