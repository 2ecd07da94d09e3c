"""Browser tests: the real server (`rpm-timeline serve`) in a subprocess, driven by headless
Debian Chromium through Playwright. One server per session; each test gets a fresh page.

Every page any test opens is watched: a console error, an uncaught exception or a
Content-Security-Policy violation fails the test that caused it (`console_is_clean`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RPM_CHROMIUM", "/usr/bin/chromium")
ADMIN_PASSWORD = "test-admin-password"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "login", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not start on {url}")


def start_server(
    tmp_dir: Path, *extra_args: str, env: dict | None = None, command: tuple = ("serve",)
):
    port = _free_port()
    full_env = {
        **os.environ,
        "RPM_DB": str(tmp_dir / "rpm.duckdb"),
        "RPM_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "RPM_SECRET_KEY": "test-secret",
        **(env or {}),
    }
    log = (tmp_dir / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", *command, "--port", str(port), *extra_args],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, proc)
    except RuntimeError:
        proc.kill()  # a server that never answered must not outlive the test run
        proc.wait(timeout=10)
        raise
    return proc, url


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("server")
    proc, url = start_server(tmp_dir, "--demo")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


# What the watched pages reported during the running test: "page URL: message".
CONSOLE_PROBLEMS: list[str] = []
# Chromium logs blocked scripts itself; this also reports violations it might not log.
REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""


def watch_console(context) -> None:
    """Record every console error, page exception and CSP violation of this context's pages."""
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message):
        if message.type != "error":
            return
        page_url = message.page.url if message.page else "?"
        # A refused sign-in answers its own page with 401/429 on purpose; Chromium logs the
        # status of the document itself. Failures of anything the page loads still count.
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") == page_url
        ):
            return
        CONSOLE_PROBLEMS.append(f"{page_url}: {message.text}")

    context.on("console", on_console)
    context.on("weberror", lambda error: CONSOLE_PROBLEMS.append(f"uncaught: {error.error}"))


class WatchedBrowser:
    """The Playwright browser, except that every context it opens is watched, and closed when
    the test that opened it ends (a page left open would go on polling a stopped server and
    its console errors would be blamed on the next test)."""

    def __init__(self, browser):
        self._browser = browser
        self.opened = []

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        watch_console(context)
        self.opened.append(context)
        return context

    def close_contexts(self) -> None:
        for context in self.opened:
            with contextlib.suppress(Exception):  # already closed by its test
                context.close()
        self.opened.clear()

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make test`, which installs Debian's chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
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


def sign_in(page, url: str, username: str = "admin", password: str = ADMIN_PASSWORD) -> None:
    page.goto(url + "login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
