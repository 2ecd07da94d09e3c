"""Driving headless Debian Chromium through Playwright: launching it, watching every page's
console, signing in and screenshots."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.support.server import ADMIN_PASSWORD

CHROMIUM = os.environ.get("RPM_CHROMIUM", "/usr/bin/chromium")


def chromium_or_skip() -> str:
    """Debian's Chromium, for a test that needs it: without it the test is skipped with the
    reason, except in CI (`CI` set), which runs every such test and so fails instead."""
    if not Path(CHROMIUM).exists():
        why = f"{CHROMIUM} not found (make test installs Debian's chromium and chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI runs every test that needs Chromium")
        pytest.skip(why)
    return CHROMIUM


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
    """The Playwright browser, except that every context it opens is watched, and taken back
    when the test that opened it ends (a page left open would go on polling a stopped server
    and its console errors would be blamed on the next test).

    A context taken back is kept for the next test that asks for one like it: its pages are
    closed and its cookies, permissions and routes forgotten, so the next test starts signed
    out, as in a new context, but the scripts the browser has already compiled for a server
    are not compiled again (opening a case page in a new context costs about three times the
    processor time). The app keeps nothing in the browser's own storage. What a test adds to
    a context itself (a listener, an init script) would stay with it: add those to its page."""

    def __init__(self, browser):
        self._browser = browser
        self._lent: list[LentContext] = []
        self._kept: dict[str, list[LentContext]] = {}

    def new_context(self, **kwargs):
        key = json.dumps(kwargs, sort_keys=True, default=str)
        kept = self._kept.setdefault(key, [])
        if kept:
            lent = kept.pop()
        else:
            context = self._browser.new_context(**kwargs)
            watch_console(context)
            lent = LentContext(context, key, self)
        self._lent.append(lent)
        return lent

    def take_back(self, lent: LentContext) -> None:
        if lent not in self._lent:
            return
        self._lent.remove(lent)
        if lent.closed:
            return
        try:
            lent.forget_the_test()
        except PlaywrightError:  # a context the test left unusable is not lent again
            with contextlib.suppress(PlaywrightError):
                lent.context.close()
            return
        self._kept[lent.key].append(lent)

    def close_contexts(self) -> None:
        for lent in list(self._lent):
            self.take_back(lent)

    def __getattr__(self, name):
        return getattr(self._browser, name)


class LentContext:
    """A browser context lent to one test: `close()` gives it back to the browser."""

    def __init__(self, context, key: str, owner: WatchedBrowser):
        self.context = context
        self.key = key
        self.owner = owner
        self.closed = False
        context.on("close", lambda _context: setattr(self, "closed", True))

    def forget_the_test(self) -> None:
        for page in list(self.context.pages):
            page.close()
        self.context.unroute_all(behavior="ignoreErrors")
        self.context.clear_cookies()
        self.context.clear_permissions()

    def close(self) -> None:
        self.owner.take_back(self)

    def __getattr__(self, name):
        return getattr(self.context, name)


def tick(box) -> None:
    """Tick a checkbox or radio button (or its label) as a person does, by clicking it, and
    wait until it shows as ticked. Playwright's own `check` reads the box straight after its
    click and fails if it has not changed yet; a Dash checklist draws its boxes from the value
    the page holds, which a busy page sets a moment after the click."""
    if not box.is_checked():
        box.click()
    expect(box).to_be_checked()


def sign_in(page, url: str, username: str = "admin", password: str = ADMIN_PASSWORD) -> None:
    page.goto(url + "login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def sign_in_by_request(
    page, url: str, username: str = "admin", password: str = ADMIN_PASSWORD
) -> None:
    """Sign in with the sign-in form's own POST (its CSRF token, from this server's origin),
    sent from the page's browser context, which then holds the session cookie; the home page
    the form leads to is not drawn. For a test that goes elsewhere next: drawing the home page
    costs a second. The form itself, in the page, is `sign_in`'s."""
    form = page.request.get(url + "login").text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    reply = page.request.post(
        url + "login",
        form={"csrf_token": token, "username": username, "password": password},
        headers={"Origin": url.rstrip("/")},
        max_redirects=0,
    )
    assert reply.status == 302, f"signing in {username} was answered {reply.status}"


def _sends_agency(response) -> bool:
    if "_dash-update-component" not in response.url:
        return False
    body = json.loads(response.request.post_data or "{}")
    return "upload-agency.value" in body.get("changedPropIds", [])


def choose_agency(page, agency: str) -> None:
    """Type the agency on the upload page and leave the field, as a person does, and wait until
    the page has sent it and had its answer (the field waits 600 ms before it sends). A file
    chosen sooner is read without the agency, and the two answers race: the later request, sent
    before the file's answer came back, does not know the staged file, and the page drops the
    earlier answer, so the file is never analysed."""
    with page.expect_response(_sends_agency):
        page.fill("#upload-agency", agency)
        page.keyboard.press("Tab")


def first_case_summary(page, url: str) -> tuple[str, str]:
    """As a committee member, already signed in: the CRC explorer's case summary of the first
    case key offered; returns (the key, the summary card's text)."""
    page.goto(url + "crc")
    page.wait_for_selector("#crc-tab-content")
    page.click("label:has-text('Case summary')")
    page.wait_for_selector("#crc-summary-key")
    key = page.eval_on_selector("#crc-summary-key", "s => s.options[1].value")
    page.select_option("#crc-summary-key", key)
    page.wait_for_selector("#crc-summary-card")
    return key, page.inner_text("#crc-summary-card")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# axe-core's violations at impact serious or critical, each with where it was found (the first
# three places), reduced in the page: the rest of axe's answer is not sent back.
SERIOUS_VIOLATIONS = """async () => {
    const found = await axe.run({resultTypes: ['violations']});
    return found.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    where: v.nodes.slice(0, 3).map(n => n.target)}));
}"""


def serious_violations(page) -> list[str]:
    """What axe-core finds on the page at impact serious or critical (WCAG 2.2 AA failures a
    person would meet), one line each: the rule, its help and where. axe is put into the page
    once per document."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['where']}"
        for v in page.evaluate(SERIOUS_VIOLATIONS)
    ]


# The timeline chart drawn: its axes laid out (Plotly's own, not the page's key above it).
CHART_DRAWN = "#timeline-graph .js-plotly-plot .xtick"


def wait_for_chart(page) -> None:
    page.wait_for_selector(CHART_DRAWN, state="attached")


def show_chronology(page) -> None:
    """Scroll to the tabs under the chart, as a user does; the chronology tab is built when
    they first come into view."""
    page.locator("#tl-tabs").scroll_into_view_if_needed()
    page.wait_for_selector("#tl-chronology")


# The events whose drawn marker the selected ring (the page's, over the chart) is centred on,
# read from what is on the screen: each SVG marker's origin on the screen and the event id Plotly
# bound to it (its customdata), against the ring's centre.
RINGED_EVENTS = """() => {
    const ring = document.getElementById('tl-ring'), out = [];
    if (!ring || ring.hidden) { return out; }
    const r = ring.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    document.querySelectorAll('#timeline-graph .scatterlayer .trace .point').forEach(p => {
        const trace = p.closest('.trace').__data__[0].trace, at = p.getScreenCTM();
        if (trace.legendrank < 100 && p.__data__ && p.__data__.data !== undefined
                && Math.hypot(at.e - cx, at.f - cy) < 1.5) {
            out.push(Number(p.__data__.data));
        }
    });
    return out;
}"""
