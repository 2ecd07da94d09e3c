"""The CRC explorer page in headless Chromium, as a committee member opens it: shared by
`crc.py` (one partnership's demo database) and `pooled.py` (many partnerships' bundles).

`measure(url, runs)` signs in as `admin`, then times, median of `runs`:
- the page: from navigation to the first tab drawn (its heading shown, every figure in it laid
  out) and no callback request in flight;
- each tab: from the click on its button to the same state for that tab;
- the aligned tab's case rows, drawn when asked for: from the click on "Show each case as a
  row" to the rows drawn and no request in flight;
- the app's own case list, opened the same way, as the baseline of the same run (the shell's
  scripts and one callback: what any page of the app costs).
Times are taken from the Python side (Playwright round trips included, a few ms).
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import time
from pathlib import Path

from tests.support.server import ADMIN_PASSWORD

WAIT_MS = 30_000
CASE_LIST = "#case-table, #no-cases"  # the list, or the note that there is none (a pooled hub)
# The open tab is drawn: its heading differs from `previous`, and every figure in it is laid out.
DRAWN_JS = """(previous) => {
    const box = document.querySelector('#crc-tab-content');
    const h2 = box && box.querySelector('h2');
    if (!h2 || h2.textContent === previous) return false;
    return [...box.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout);
}"""
HEADING_JS = "() => { const h = document.querySelector('#crc-tab-content h2');" \
    " return h ? h.textContent : null; }"  # fmt: skip


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


meeting = _load("bench_meeting", Path(__file__).with_name("meeting.py"))


class Requests(meeting.Pending):
    """The page's callback requests in flight, and when the last one ended."""

    def __init__(self, page):
        self.last_end = 0.0
        super().__init__(page)

    def _moved(self, request, step: int) -> None:
        super()._moved(request, step)
        if step < 0 and "_dash-update-component" in request.url:
            self.last_end = time.perf_counter()

    def settled_at(self, page, since: float) -> float:
        """When the page last had a request end (or `since`), once it has none in flight."""
        self.settle(page)
        return max(since, self.last_end)


def _ready(
    page, requests: Requests, started: float, previous: str | None, wait_ms: int = WAIT_MS
) -> float:
    page.wait_for_function(DRAWN_JS, arg=previous, timeout=wait_ms, polling="raf")
    end = requests.settled_at(page, time.perf_counter())
    # what a later request filled in (the aligned tab's figures) is drawn too
    page.wait_for_function(DRAWN_JS, arg=previous, timeout=WAIT_MS, polling="raf")
    return end - started


def open_page(page, requests: Requests, url: str, wait_ms: int = WAIT_MS) -> float:
    page.goto("about:blank")
    started = time.perf_counter()
    page.goto(url + "crc", timeout=wait_ms)
    return _ready(page, requests, started, None, wait_ms)


def open_case_list(page, requests: Requests, url: str) -> float:
    page.goto("about:blank")
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(CASE_LIST, timeout=WAIT_MS)
    return requests.settled_at(page, time.perf_counter()) - started


def open_tab(page, requests: Requests, label: str) -> float:
    requests.settled_at(page, 0)
    previous = page.evaluate(HEADING_JS)
    button = page.locator("#crc-tabs label", has_text=label).first
    started = time.perf_counter()
    button.click()
    return _ready(page, requests, started, previous)


ROWS_JS = "() => document.querySelector('#crc-case-rows .js-plotly-plot')?._fullLayout"
ROWS_LABEL = "aligned journeys: case rows, asked for"


def show_case_rows(page, requests: Requests) -> float | None:
    """From the click on the aligned tab's "Show each case as a row" to the rows drawn and no
    request in flight (None when the button is not there: the tab is not open)."""
    requests.settled_at(page, 0)
    button = page.locator("#crc-rows-show")
    if not button.count() or not button.is_visible():
        return None
    started = time.perf_counter()
    button.click()
    page.wait_for_function(ROWS_JS, timeout=WAIT_MS, polling="raf")
    end = requests.settled_at(page, time.perf_counter())
    page.wait_for_function(ROWS_JS, timeout=WAIT_MS, polling="raf")
    return end - started


def _median(values: list[float]) -> float:
    return statistics.median(values)


def measure(url: str, runs: int, viewport=(1920, 1080), first_wait_ms: int = WAIT_MS) -> dict:
    """{"case list": s, "page": s, "tabs": {label: s}, "errors": [...]}: medians of `runs`
    (`first_wait_ms`: how long the first, unmeasured, open may take)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=meeting.CHROMIUM, headless=True, args=meeting.CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        requests = Requests(page)
        page.goto(url + "login")
        page.fill("#username", "admin")
        page.fill("#password", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(CASE_LIST, timeout=WAIT_MS)
        open_page(page, requests, url, first_wait_ms)  # warm: scripts cached, as on coming back
        case_list = _median([open_case_list(page, requests, url) for _ in range(runs)])
        opened = _median([open_page(page, requests, url) for _ in range(runs)])
        labels = page.locator("#crc-tabs label").all_inner_texts()
        order = labels[1:] + labels[:1]  # the first tab is open: start with the second
        tabs: dict[str, list[float]] = {label: [] for label in order}
        rows: list[float] = []
        for _ in range(runs):
            for label in order:
                tabs[label].append(open_tab(page, requests, label))
                if label.startswith("Aligned"):
                    asked = show_case_rows(page, requests)
                    rows += [asked] if asked is not None else []
        if rows:
            tabs[ROWS_LABEL] = rows
        browser.close()
    return {
        "case list": case_list,
        "page": opened,
        "tabs": {label: _median(times) for label, times in tabs.items()},
        "errors": errors,
    }


def report(figures: dict, page_aim: float, tab_aim: float) -> list[str]:
    """Print the figures beside their aims; return the names of those over their aim."""
    missed = []

    def line(name: str, seconds: float, aim: float | None, baseline: str = "") -> None:
        verdict = "" if aim is None else ("met" if seconds < aim else "MISSED")
        if verdict == "MISSED":
            missed.append(name)
        aim_text = f"< {aim * 1000:.0f} ms" if aim else ""
        print(f"{name:40} {seconds * 1000:>7.0f} ms  {aim_text:>10}  {verdict:6} {baseline}")

    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    line("baseline: the case list, open", figures["case list"], None)
    line("explorer open to first tab drawn", figures["page"], page_aim)
    for label, seconds in figures["tabs"].items():
        line(f"tab {label}", seconds, tab_aim)
    print(f"console errors: {len(figures['errors'])}")
    for message in figures["errors"][:5]:
        print("  console:", message[:200])
    return missed
