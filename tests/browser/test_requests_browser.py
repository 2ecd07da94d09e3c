"""The flowchart's first step in the browser: an agency user requests an RPM, the business unit
accepts it by opening the case with the request's details, the requester sees the outcome."""

from __future__ import annotations

import shutil

import pytest

from data.store import Store
from data.users import add_user
from tests.support.browser import screenshot, serious_violations, sign_in
from tests.support.flowchart import fill_rpm_request
from tests.support.server import served

BU_PASSWORD = "office-password-for-tests-1"


@pytest.fixture(scope="module")
def req_server(tmp_path_factory, rpm_template):
    tmp_dir = tmp_path_factory.mktemp("req-server")
    shutil.copyfile(rpm_template, tmp_dir / "rpm.duckdb")
    store = Store(tmp_dir / "rpm.duckdb")
    add_user(store, "business-unit", "admin", BU_PASSWORD)
    store.close()
    with served(tmp_dir) as url:
        yield url


def test_an_agency_requests_an_rpm_and_the_business_unit_opens_the_case(req_server, browser):
    url = req_server
    errors = []
    agency = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    agency.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(agency, url, "swhitfield", "facil-password-1")
    agency.click("#requests-link")
    agency.wait_for_selector("#req-send")
    agency.click("#req-send")
    assert (
        "the child's pseudonym or initials is missing"
        in agency.wait_for_selector("#req-message .alert").inner_text()
    )
    fill_rpm_request(agency, "Child M")
    agency.click("#req-send")
    agency.wait_for_url("**done=sent**")
    row = agency.wait_for_selector("#req-table tbody tr").inner_text()
    assert "Children's Social Care" in row and "Waiting for the business unit" in row
    assert serious_violations(agency) == []
    screenshot(agency, "requests-agency-1366")

    admin = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    admin.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(admin, url, "business-unit", BU_PASSWORD)
    assert "1 waiting" in admin.wait_for_selector("#requests-link").inner_text()
    admin.click("#requests-link")
    admin.click("text=Accept: open the case")
    admin.wait_for_selector("#setup-from-request")
    assert admin.input_value("#setup-label") == "Child M"
    assert "Why the referrals were not joined up." in admin.input_value("#setup-purpose")
    admin.fill("#setup-case-ref", "REQ-M")
    admin.select_option("#setup-chair", "pokafor")
    admin.fill("#setup-chair-name", "Pat Okafor")
    admin.select_option("#setup-facilitator", "pokafor")
    admin.fill("#setup-facilitator-name", "Pat Okafor")
    admin.click("#setup-save")
    admin.wait_for_url("**/cases/REQ-M/setup?done=opened**")
    screenshot(admin, "requests-case-opened")

    agency.goto(f"{url}requests")
    row = agency.wait_for_selector("#req-table tbody tr").inner_text()
    assert "Accepted by business-unit" in row and "REQ-M" in row
    screenshot(agency, "requests-accepted")
    assert errors == []
