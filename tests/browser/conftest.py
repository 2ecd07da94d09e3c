"""Browser tests: the real server (`rpm-timeline serve`) in a subprocess, driven by headless
Debian Chromium through Playwright. One server per session; each test gets a fresh page.

Every page any test opens is watched: a console error, an uncaught exception or a
Content-Security-Policy violation fails the test that caused it (`console_is_clean`).
"""

from __future__ import annotations

import pytest

from tests.support.browser import (
    CHROMIUM_ARGS,
    CONSOLE_PROBLEMS,
    WatchedBrowser,
    chromium_or_skip,
)
from tests.support.server import served
from tests.support.smtp_inbox import smtp_server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`make run`'s server, `serve --demo` on an empty database: the admin account first, then
    the demo with its RPM set-up (chaired by admin), which `served_demo_template` lacks."""
    tmp_dir = tmp_path_factory.mktemp("server")
    with served(tmp_dir, "--demo") as url:
        yield url


@pytest.fixture(scope="module")
def inbox():
    """(inbox, port): a real SMTP server on 127.0.0.1 for the module's mail server to use."""
    with smtp_server() as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_or_skip()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield WatchedBrowser(b)
        b.close()


@pytest.fixture(autouse=True)
def console_is_clean(browser):
    """Fails the test if any page it opened logged an error or a CSP violation."""
    CONSOLE_PROBLEMS.clear()
    yield
    browser.close_contexts()
    problems, CONSOLE_PROBLEMS[:] = list(CONSOLE_PROBLEMS), []
    assert not problems, "the browser console reported:\n" + "\n".join(problems)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    p = context.new_page()
    yield p
    context.close()
