"""The CRC explorer page in headless Chromium, as a committee member opens it: shared by
`crc.py` (one partnership's demo database) and `pooled.py` (many partnerships' bundles).

`measure(url, runs)` signs in as `admin`, then times, median of `runs`, each to the page
interactive: what it shows drawn (its heading shown, every figure in it laid out), no callback
request in flight, and the browser's main thread free (the end of its last long task, once
it has had none for half a second: a script still starting, such as Plotly's, keeps the page
from answering a click though everything is drawn):
- the page: from navigation to the first tab interactive;
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
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.server import ADMIN_PASSWORD, start_server

ROOT = Path(__file__).resolve().parent.parent

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
# The end of every long task (50 ms or more) of the main thread, on the page's clock.
LONG_TASKS_JS = """window.rpmBusyUntil = 0;
new PerformanceObserver(list => {
    for (const e of list.getEntries())
        window.rpmBusyUntil = Math.max(window.rpmBusyUntil, e.startTime + e.duration);
}).observe({type: 'longtask', buffered: true});"""
QUIET_MS = 500


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


def _busy_until(page, drawn_at: float) -> float:
    """The page clock (ms) at the end of its last long task, once there has been none for
    QUIET_MS since then nor since `drawn_at`."""
    page.wait_for_function(
        "([drawn, quiet]) => performance.now() - Math.max(window.rpmBusyUntil, drawn) >= quiet",
        arg=[drawn_at, QUIET_MS],
        timeout=WAIT_MS,
        polling=50,
    )
    return page.evaluate("() => window.rpmBusyUntil")


def _ready(
    page,
    requests: Requests,
    started: float,
    previous: str | None,
    wait_ms: int = WAIT_MS,
    page_started: float = 0.0,
) -> float:
    """Seconds from `started` (`page_started` on the page's clock, in ms) to interactive."""
    page.wait_for_function(DRAWN_JS, arg=previous, timeout=wait_ms, polling="raf")
    end = requests.settled_at(page, time.perf_counter())
    # what a later request filled in (the aligned tab's figures) is drawn too
    page.wait_for_function(DRAWN_JS, arg=previous, timeout=WAIT_MS, polling="raf")
    drawn_at = page.evaluate("() => performance.now()")
    busy = (_busy_until(page, drawn_at) - page_started) / 1000
    return max(end - started, busy)


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
    end = requests.settled_at(page, time.perf_counter())
    busy = _busy_until(page, page.evaluate("() => performance.now()")) / 1000
    return max(end - started, busy)


def open_tab(page, requests: Requests, label: str) -> float:
    requests.settled_at(page, 0)
    previous = page.evaluate(HEADING_JS)
    button = page.locator("#crc-tabs label", has_text=label).first
    page_started = page.evaluate("() => performance.now()")
    started = time.perf_counter()
    button.click()
    return _ready(page, requests, started, previous, page_started=page_started)


# The rows drawn: the picture loaded, or (in a revision before it) the chart laid out.
ROWS_JS = """() => document.querySelector('#crc-case-rows-picture')?.complete
    || document.querySelector('#crc-case-rows .js-plotly-plot')?._fullLayout"""
ROWS_LABEL = "aligned journeys: case rows, asked for"


def show_case_rows(page, requests: Requests) -> float | None:
    """From the click on the aligned tab's "Show each case as a row" to the rows drawn and no
    request in flight (None when the button is not there: the tab is not open)."""
    requests.settled_at(page, 0)
    button = page.locator("#crc-rows-show")
    if not button.count() or not button.is_visible():
        return None
    page_started = page.evaluate("() => performance.now()")
    started = time.perf_counter()
    button.click()
    page.wait_for_function(ROWS_JS, timeout=WAIT_MS, polling="raf")
    end = requests.settled_at(page, time.perf_counter())
    page.wait_for_function(ROWS_JS, timeout=WAIT_MS, polling="raf")
    busy = (_busy_until(page, page.evaluate("() => performance.now()")) - page_started) / 1000
    return max(end - started, busy)


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
        context.add_init_script(LONG_TASKS_JS)
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


@contextmanager
def servers(tmp: Path, before: str | None, *args: str, command=("serve",), ready: str = ""):
    """{"now": url} of a server of this code, and {"before": url} of one of revision `before`
    (its files from `git archive`, served from their own folder) when given; each answering,
    and with `ready` in its log (waited for up to 10 minutes)."""
    procs = {}
    try:
        for name in ("now", *(["before"] if before else [])):
            (tmp / name).mkdir()
            source = None
            if name == "before":
                source = tmp / "source"
                source.mkdir()
                archive = subprocess.run(
                    ["git", "-C", str(ROOT), "archive", before], check=True, capture_output=True
                ).stdout
                subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
            procs[name] = start_server(tmp / name, *args, command=command, source=source)
        deadline = time.perf_counter() + 600
        for name in procs:
            log = tmp / name / "server.log"
            while ready not in log.read_text(errors="replace") and time.perf_counter() < deadline:
                time.sleep(0.5)
        yield {name: url for name, (_proc, url) in procs.items()}
    finally:
        for proc, _url in procs.values():
            proc.terminate()
            proc.wait(timeout=10)


def measure_alternately(
    urls: dict[str, str], rounds: int, viewport=(1920, 1080), first_wait_ms: int = WAIT_MS
) -> dict:
    """{name: figures} for servers of different code (before and now), measured once each in
    turn, `rounds` times, then the median of each figure: a change of the machine's load falls
    on both alike."""
    runs = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            runs[name].append(measure(url, 1, viewport, first_wait_ms))
    return {
        name: {
            "case list": _median([r["case list"] for r in found]),
            "page": _median([r["page"] for r in found]),
            "tabs": {
                label: _median([r["tabs"][label] for r in found if label in r["tabs"]])
                for label in found[0]["tabs"]
            },
            "errors": [e for r in found for e in r["errors"]],
        }
        for name, found in runs.items()
    }


def report(figures: dict, page_aim: float, tab_aim: float, before: dict | None = None) -> list[str]:
    """Print the figures beside their aims (and `before`'s, measured in the same run, when
    given); return the names of those over their aim."""
    missed = []

    def line(name: str, seconds: float, aim: float | None, earlier: float | None) -> None:
        verdict = "" if aim is None else ("met" if seconds < aim else "MISSED")
        if verdict == "MISSED":
            missed.append(name)
        aim_text = f"< {aim * 1000:.0f} ms" if aim else ""
        was = "" if earlier is None else f"{earlier * 1000:>7.0f} ms"
        print(f"{name:42} {was:>10} {seconds * 1000:>7.0f} ms  {aim_text:>10}  {verdict}")

    def earlier(*keys):
        found = before
        for key in keys:
            found = (found or {}).get(key)
        return found

    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'':42} {'before' if before else '':>10} {'now':>10}  {'aim':>10}")
    line("baseline: the case list, open", figures["case list"], None, earlier("case list"))
    line("explorer open to first tab interactive", figures["page"], page_aim, earlier("page"))
    for label, seconds in figures["tabs"].items():
        line(f"tab {label}", seconds, tab_aim, earlier("tabs", label))
    for name, found in (("before", before), ("now", figures)):
        if found is None:
            continue
        print(f"console errors ({name}): {len(found['errors'])}")
        for message in found["errors"][:5]:
            print("  console:", message[:200])
    return missed
