"""Sessions that end, in a real browser: a case page left open (it polls every two seconds)
is signed out after the idle limit and covered, while a person's clicks keep it signed in.

The server runs with RPM_IDLE_MINUTES of 10 seconds so that the test is quick; the rule is
the same at the default 30 minutes. (The page reports a person's input at most every 5 seconds,
`assets/session.js`, so a shorter limit would leave no margin on a busy machine.)"""

from __future__ import annotations

import shutil
import time

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot, sign_in_by_request
from tests.support.server import served

IDLE_SECONDS = 10


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory, served_demo_template):
    tmp_dir = tmp_path_factory.mktemp("idle-server")
    shutil.copyfile(served_demo_template, tmp_dir / "rpm.duckdb")
    with served(tmp_dir, env={"RPM_IDLE_MINUTES": str(IDLE_SECONDS / 60)}) as url:
        yield url


def test_open_case_page_is_covered_when_idle_but_clicks_keep_it(idle_server, page):
    url = idle_server
    sign_in_by_request(page, url)
    page.goto(url + "cases/DEMO-J")
    cover = page.locator("#rpm-signed-out")
    # A person using the page: a click every two seconds, past the idle limit.
    started = time.time()
    while time.time() - started < IDLE_SECONDS + 4:
        page.locator("#tl-select-case").click()
        time.sleep(2)
    expect(page.locator("#timeline-graph .js-plotly-plot")).to_be_visible()
    expect(cover).to_have_count(0)
    # Then nobody touches it; the page's own polling carries on.
    left = time.time()
    expect(cover).to_be_visible(timeout=(IDLE_SECONDS + 20) * 1000)
    assert time.time() - left >= IDLE_SECONDS // 2  # not at once: the polling went on meanwhile
    expect(cover).to_contain_text(f"signed out after {IDLE_SECONDS} seconds without activity")
    expect(page.locator("#rpm-sign-in-again")).to_be_focused()
    expect(page.locator("#timeline-graph")).to_be_hidden()
    assert "Child J" not in page.locator("body").inner_text()
    screenshot(page, "signed-out-cover")
    # The server ended the session: the next page is the sign-in page.
    page.click("#rpm-sign-in-again")
    expect(page.locator("#username")).to_be_visible()
    assert "next=%2Fcases%2FDEMO-J" in page.url
