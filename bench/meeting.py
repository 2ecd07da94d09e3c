"""Benchmark the meeting screen as a chair uses it, in headless Chromium against the real app.

Seeds a temporary database with the demo case (313 events) and a synthetic 50,000-event case,
starts `rpm-timeline serve` on it, and in the same run a bare Dash page with one graph of the
same points (SVG scatter and WebGL scattergl for the demo case, WebGL for the big one). Prints
the median of 5 runs of each figure beside its baseline and target:

- demo case open to chart drawn (target: at most 1.5x the bare SVG page), opened from the case
  list as a chair opens it (the bare page from a page of its own server), and also from a blank
  tab (no target: the app's isolation headers give that open a new process, which compiles the
  scripts again);
- click an event to its details and the reflection form's target showing it (< 300 ms);
- arrow key to the next event (< 200 ms);
- a lane toggle and an event-type filter to the chart updated (< 300 ms);
- presentation toggle to the chart re-laid out (< 100 ms);
- 50,000-event case open to chart drawn (target: at most the bare WebGL page), with where
  its time goes: the layout's server time and size, the rest (scripts, Dash, Plotly's draw);
- on that case, zooming in to half a year (its markers drawn: the summary gives way to them)
  and out again (the summary drawn again).

    .venv/bin/python bench/meeting.py [--runs 5]

The browser keeps its profile between opens, as a chair's own browser does (its cache holds
the compiled scripts); the demo open in a private window, which keeps nothing, is printed after.
Times are taken from the Python side (Playwright round trips included, a few ms), and the
presentation toggle also in the page (click event to the frame showing it, both read in the
page); figures depend on the machine (software WebGL, shared cores); nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server import ADMIN_PASSWORD, free_port, start_server  # noqa: E402

CHROMIUM = os.environ.get("RPM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
GRAPH = "#timeline-graph .js-plotly-plot"
BARE_GRAPH = "#bare-graph .js-plotly-plot"
DEMO, BIG = "DEMO-J", "BENCH-1"
BIG_EVENTS = 50_000
# The chart is drawn: axes laid out, lane labels placed, and its marks painted (SVG markers,
# WebGL's canvas, or a summary's bars).
DRAWN_JS = """(sel) => { const gd = document.querySelector(sel);
    return !!(gd && gd._fullLayout && gd.querySelector('.ytick')
        && (gd.querySelector('.scatterlayer .point') || gd.querySelector('canvas')
            || gd.querySelector('.barlayer .point'))); }"""
# Zoomed in: no summary bar left, markers drawn (or WebGL's canvas, which draws them all).
MARKERS_JS = """(sel) => { const gd = document.querySelector(sel);
    return !gd.querySelector('.barlayer .point')
        && !!(gd.querySelector('.scatterlayer .point') || gd.querySelector('canvas')); }"""
# Zoomed out: the summary's bars drawn again (or WebGL's canvas, which never left).
SUMMARY_JS = """(sel) => { const gd = document.querySelector(sel);
    return !!(gd.querySelector('.barlayer .point') || gd.querySelector('canvas')); }"""
ZOOM_SPAN = ["2020-01-01", "2020-07-01"]  # half a year of the big case: about 1,500 events


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed(db: Path, points: Path) -> None:
    """The demo case and a synthetic 50,000-event case in one database; their points (date,
    agency) also written to `points` for the bare page (DuckDB lets one process open a file)."""
    import pandas as pd

    from data import cases
    from data.actor import SYSTEM
    from data.demo import DEMO_CASE_REF, DEMO_LABEL
    from data.demo.make_demo import DOB, FILES
    from data.events import case_events
    from data.ingest import ingest_file

    synthetic = _load("bench_timeline", ROOT / "bench" / "timeline.py")
    store = synthetic.seed_store(db, synthetic.synthetic_events(BIG_EVENTS))
    cases.add_case(store, DEMO_CASE_REF, date_of_birth=DOB, label=DEMO_LABEL, is_demo=True)
    for agency, file_name in FILES.items():
        ingest_file(
            store, DEMO_CASE_REF, agency, ROOT / "data/demo" / file_name, uploaded_by="bench"
        )
    frames = [
        case_events(store, SYSTEM, ref, with_summary=False)[["event_date", "agency"]].assign(
            case_ref=ref
        )
        for ref in (DEMO, BIG)
    ]
    pd.concat(frames).to_pickle(points)
    store.close()


def _wait_for_bare(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the bare page's server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the bare page's server did not start on {url}")


def bare_app(points: Path, port: int) -> None:
    """The baseline: one dcc.Graph per page of the same points, nothing else."""
    import dash
    import flask
    import pandas as pd
    import plotly.graph_objects as go
    from dash import dcc, html

    everything = pd.read_pickle(points)
    frames = {ref: everything[everything["case_ref"] == ref] for ref in (DEMO, BIG)}
    server = flask.Flask(__name__)

    def page(prefix: str, ref: str, trace_type):
        events = frames[ref]
        fig = go.Figure(
            trace_type(x=events["event_date"], y=events["agency"], mode="markers"),
            layout={"height": 700, "template": "simple_white"},
        )
        app = dash.Dash(__name__, server=server, url_base_pathname=prefix, serve_locally=True)
        app.layout = html.Div(dcc.Graph(id="bare-graph", figure=fig))

    # the page each bare chart is opened from, as the app's are from its case list
    server.add_url_rule(
        "/",
        "start",
        lambda: '<!doctype html><title>bare</title><link rel="icon" href="data:,"><p>bare</p>',
    )
    page("/svg-demo/", DEMO, go.Scatter)
    page("/gl-demo/", DEMO, go.Scattergl)
    page("/gl-big/", BIG, go.Scattergl)
    server.run(host="127.0.0.1", port=port, threaded=True)


VIEWPORT = {"width": 1920, "height": 1080}
WAIT_MS = 20_000  # a figure that takes longer is reported as timed out, not measured


class Pending:
    """The page's callback requests in flight, so each measurement starts from a quiet page
    (the tail of one action, e.g. the redraws presentation mode's anonymised view asks for,
    must not be timed as part of the next)."""

    def __init__(self, page):
        self.count = 0
        self.sent = 0  # callback requests sent so far, the change poll's aside
        page.on("request", lambda r: self._moved(r, 1))
        page.on("requestfinished", lambda r: self._moved(r, -1))
        page.on("requestfailed", lambda r: self._moved(r, -1))

    def _moved(self, request, step: int) -> None:
        if "_dash-update-component" in request.url:
            self.count = max(0, self.count + step)
            if step > 0 and "tl-poll.n_intervals" not in (request.post_data or ""):
                self.sent += 1

    def settle(self, page, quiet_ms: int = 300, limit_s: float = 30) -> None:
        deadline, quiet_since = time.time() + limit_s, None
        while time.time() < deadline:
            if self.count:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.time()
            elif time.time() - quiet_since >= quiet_ms / 1000:
                return
            page.wait_for_timeout(25)


class RedrawCounter:
    """How many times the chart has been drawn (Plotly's afterplot events): a figure that does
    not depend on the machine's load, unlike the times."""

    def __init__(self, page):
        self.page = page
        page.evaluate(
            f"""() => {{ const gd = document.querySelector('{GRAPH}'); window.__redraws = 0;
                gd.on('plotly_afterplot', () => {{ window.__redraws += 1; }}); }}"""
        )

    def count(self) -> int:
        return self.page.evaluate("() => window.__redraws")

    def counting(self, measure, into: list, settle=None):
        """`measure`, recording into `into` the redraws it caused (after `settle`, if given:
        the redraws that follow from the server too)."""

        def counted():
            before = self.count()
            took = measure()
            if settle:
                settle()
            into.append(self.count() - before)
            return took

        return counted


def measured(runs: int, measure, settle) -> list[float | None]:
    """`runs` timings of `measure` (None for one that timed out), each from a settled page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    out = []
    for _ in range(runs):
        settle()
        try:
            out.append(measure())
        except PlaywrightTimeout:
            out.append(None)
    return out


def median_of(timings: list[float | None]) -> float | None:
    done = [t for t in timings if t is not None]
    return statistics.median(done) if done else None


def open_to_drawn(page, url: str, graph: str, start: str | None = "about:blank") -> float:
    """Open `url` from the page `start` (by default a blank page: a new tab, or a link from
    another site; None: from the page shown) and time it to the chart drawn."""
    if start:
        page.goto(start)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN_JS, arg=graph, timeout=180_000, polling="raf")
    return time.perf_counter() - started


def open_profile(page, url: str, graph: str, start: str) -> dict:
    """Open the page once, noting the page layout's server time (its request sent to first
    byte back: it comes with the app's first layout, app/first_page.py, or from Dash's routing
    callback when it cannot) and size, and the whole open to drawn."""
    layout = {}

    def noted(response):
        url, body = response.request.url, response.request.post_data or ""
        if url.endswith("_dash-layout") or "_pages_content" in body:
            timing = response.request.timing
            layout["server_ms"] = timing["responseStart"] - timing["requestStart"]
            layout["bytes"] = len(response.body())

    # before listening, and settled: the start page has a layout of its own, whose answer,
    # arriving once the open has begun, has no body left to read
    page.goto(start)
    page.wait_for_load_state("networkidle")
    page.on("response", noted)
    try:
        layout["open_ms"] = open_to_drawn(page, url, graph, None) * 1000
    finally:
        page.remove_listener("response", noted)
    return layout


def zoom(page, ranges, drawn_js: str) -> float:
    """Zoom the chart (a relayout, as a drag does) and time it to `drawn_js` true."""
    started = time.perf_counter()
    page.evaluate(
        "([sel, r]) => window.Plotly.relayout(document.querySelector(sel), r)", [GRAPH, ranges]
    )
    page.wait_for_function(drawn_js, arg=GRAPH, timeout=WAIT_MS, polling="raf")
    return time.perf_counter() - started


def _shown_event(page) -> str | None:
    node = page.locator("[data-event-id]")
    return node.first.get_attribute("data-event-id") if node.count() else None


def _marker_positions(page, limit: int = 40) -> list[dict]:
    """Screen positions of some markers of the type traces, spread across the chart."""
    return page.evaluate(
        """([sel, limit]) => {
            const gd = document.querySelector(sel), full = gd._fullLayout, out = [];
            const box = gd.getBoundingClientRect();
            for (const t of gd._fullData) {
                if (!t.customdata || t.mode !== 'markers' || t.legendrank >= 100) continue;
                const step = Math.max(1, Math.floor(t.x.length / 6));
                for (let i = 0; i < t.x.length; i += step) {
                    out.push({x: box.left + full.xaxis._offset
                                 + full.xaxis.l2p(full.xaxis.d2l(t.x[i])),
                              y: box.top + full.yaxis._offset + full.yaxis.l2p(t.y[i])});
                }
            }
            return out.slice(0, limit);
        }""",
        [GRAPH, limit],
    )


def click_to_details(page, position: dict) -> float | None:
    """Click a marker; time until the details and the reflection form show the same event."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = _shown_event(page)
    started = time.perf_counter()
    page.mouse.click(position["x"], position["y"])
    try:
        page.wait_for_function(
            """(prev) => { const d = document.querySelector('[data-event-id]');
                const r = document.querySelector('#refl-point-title');
                return d && d.dataset.eventId !== prev && r
                    && r.dataset.point === 'event:' + d.dataset.eventId; }""",
            arg=before,
            timeout=WAIT_MS,
            polling="raf",
        )
    except PlaywrightTimeout:  # the click hit no marker (overlap, edge): not a measurement
        return None
    return time.perf_counter() - started


def arrow_to_next(page) -> float:
    before = _shown_event(page)
    page.locator("h1").first.click()  # focus off any control that uses the arrow keys
    started = time.perf_counter()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """(prev) => { const d = document.querySelector('[data-event-id]');
            return d && d.dataset.eventId !== prev; }""",
        arg=before,
        timeout=WAIT_MS,
        polling="raf",
    )
    return time.perf_counter() - started


def _lane_count(page) -> int:
    return page.evaluate(f"() => document.querySelector('{GRAPH}').layout.yaxis.ticktext.length")


def _open_menu(page, ident: str) -> None:
    """Open a toolbar popover (a <details>) so its checkboxes can be clicked."""
    page.evaluate(
        "(id) => { const d = document.getElementById(id);"
        " if (d && d.tagName === 'DETAILS') { d.open = true; } }",
        ident,
    )


def lane_toggle(page, agency: str) -> float:
    lanes = _lane_count(page)
    _open_menu(page, "tl-lanes-menu")
    box = page.get_by_label(agency, exact=True)
    started = time.perf_counter()
    box.set_checked(not box.is_checked())
    page.wait_for_function(
        f"(n) => document.querySelector('{GRAPH}').layout.yaxis.ticktext.length !== n",
        arg=lanes,
        timeout=WAIT_MS,
        polling="raf",
    )
    return time.perf_counter() - started


def _points_drawn(page) -> int:
    return page.evaluate(
        f"""() => document.querySelector('{GRAPH}')._fullData
            .filter(t => t.customdata && t.legendrank < 100)
            .reduce((n, t) => n + t.customdata.length, 0)"""
    )


def type_filter(page) -> float:
    """Tick (or untick) the first event type; time until the chart shows the new points."""
    before = _points_drawn(page)
    _open_menu(page, "tl-types-menu")
    box = page.locator("#tl-types input[type=checkbox]").first
    started = time.perf_counter()
    box.set_checked(not box.is_checked())
    page.wait_for_function(
        f"""(n) => document.querySelector('{GRAPH}')._fullData
            .filter(t => t.customdata && t.legendrank < 100)
            .reduce((m, t) => m + t.customdata.length, 0) !== n""",
        arg=before,
        timeout=WAIT_MS,
        polling="raf",
    )
    return time.perf_counter() - started


def presentation_toggle(page, in_page: list) -> float:
    """Click the toggle; time until the chart is re-laid out at the other size. Also appends to
    `in_page` the time the page itself took: from the click event to the first animation frame
    that shows the change (when that frame's callbacks run, just before it is drawn), both read
    in the page by a frame watcher the click itself starts. Playwright's own wait starts a
    round trip after the click, and then waits for a frame of its own: up to 40 ms more."""
    on = page.evaluate("() => document.body.classList.contains('rpm-presenting')")
    size = page.evaluate(f"() => document.querySelector('{GRAPH}')._fullLayout.font.size")
    page.evaluate(
        # the event's own time stamp (when the browser made it), caught on the window before
        # any listener of the page's runs, and the frames after it until one shows the change
        f"""([on, size]) => {{ window.__presentClicked = null; window.__presentShown = null;
            const shown = () => document.body.classList.contains('rpm-presenting') !== on
                && document.querySelector('{GRAPH}')._fullLayout.font.size !== size;
            const look = () => {{
                if (shown()) {{ window.__presentShown = performance.now(); }}
                else {{ requestAnimationFrame(look); }}
            }};
            window.addEventListener('click', (e) => {{
                if (!e.target.closest('#tl-present')) {{ return; }}
                window.__presentClicked = e.timeStamp;
                requestAnimationFrame(look);
            }}, {{capture: true, once: true}}); }}""",
        [on, size],
    )
    started = time.perf_counter()
    page.click("#tl-present")
    page.wait_for_function("() => window.__presentShown !== null", timeout=WAIT_MS, polling="raf")
    took = time.perf_counter() - started
    clicked, shown = page.evaluate("() => [window.__presentClicked, window.__presentShown]")
    in_page.append((shown - clicked) / 1000)
    return took


def sign_in(page, url: str) -> None:
    page.goto(url + "login")
    page.fill("#username", "admin")
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#case-table")


def row(label: str, ours: float | None, baseline: str, target: str, limit: float | None) -> None:
    """One figure beside its baseline and target; `limit` in seconds (None: no target)."""
    if ours is None:
        print(f"{label:44}{'timed out':>12}   {baseline:>26}   {target:>22}   MISSED")
        return
    verdict = "" if limit is None else ("met" if ours <= limit else "MISSED")
    print(f"{label:44}{ours * 1000:>9.0f} ms   {baseline:>26}   {target:>22}   {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bare-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bare-points", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.bare_points:  # the baseline server, run in its own process
        bare_app(Path(args.bare_points), args.bare_port)
        return
    from playwright.sync_api import sync_playwright

    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        db = tmp_dir / "rpm.duckdb"
        print(f"seeding the demo case and a {BIG_EVENTS:,}-event case ...", flush=True)
        points = tmp_dir / "points.pkl"
        seed(db, points)
        app_proc, app_url = start_server(tmp_dir)  # serves tmp_dir / "rpm.duckdb"
        bare_port = free_port()
        bare_proc = subprocess.Popen(
            [sys.executable, __file__, "--bare-points", str(points), "--bare-port", str(bare_port)],
            stdout=(tmp_dir / "bare.log").open("w"),
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        bare_url = f"http://127.0.0.1:{bare_port}/"
        try:
            _wait_for_bare(bare_url + "svg-demo/", bare_proc)
            with sync_playwright() as pw:
                # A chair's own browser keeps its profile, and with it the compiled scripts.
                context = pw.chromium.launch_persistent_context(
                    str(tmp_dir / "profile"),
                    executable_path=CHROMIUM,
                    headless=True,
                    args=CHROMIUM_ARGS,
                    viewport=VIEWPORT,
                )
                measure(context, app_url, bare_url, runs)
                context.close()
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                private = private_window_opens(browser, app_url, bare_url, runs)
                browser.close()
            print_private(*private)
        finally:
            for proc in (app_proc, bare_proc):
                proc.terminate()
                proc.wait(timeout=10)


def private_window_opens(browser, app_url: str, bare_url: str, runs: int):
    """The demo case opened in a private window, which keeps no compiled scripts: each open
    compiles plotly.js afresh (the app's isolation headers give every page its own process)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    sign_in(page, app_url)
    open_to_drawn(page, app_url + f"cases/{DEMO}", GRAPH)  # warm the server
    bare = [open_to_drawn(page, bare_url + "svg-demo/", BARE_GRAPH) for _ in range(runs)]
    ours = [open_to_drawn(page, app_url + f"cases/{DEMO}", GRAPH) for _ in range(runs)]
    context.close()
    return median_of(ours), median_of(bare)


def print_private(ours: float | None, bare: float | None) -> None:
    print("\nin a private window (median of the same number of runs; no target):")
    bare_ms = "?" if bare is None else f"{bare * 1000:.0f}"
    row("demo case open to chart drawn", ours, f"bare SVG {bare_ms} ms", "", None)


def measure(context, app_url: str, bare_url: str, runs: int) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pending = Pending(page)

    def settle():
        pending.settle(page)

    sign_in(page, app_url)
    for warm in (bare_url + "svg-demo/", bare_url + "gl-demo/", app_url + f"cases/{DEMO}"):
        open_to_drawn(page, warm, GRAPH if warm.startswith(app_url) else BARE_GRAPH)

    # Each chart is opened from a page of its own site, as a chair opens a case from the case
    # list: the app's isolation headers (Cross-Origin-Opener-Policy) put a page opened from a
    # blank tab or another site in a new process, which compiles the scripts again; that open
    # is measured too (`from_elsewhere`), against the bare page opened the same way.
    def opening(url: str, graph: str, start: str):
        return measured(runs, lambda: open_to_drawn(page, url, graph, start), settle)

    bare_svg = median_of(opening(bare_url + "svg-demo/", BARE_GRAPH, bare_url))
    bare_gl = median_of(opening(bare_url + "gl-demo/", BARE_GRAPH, bare_url))
    from_elsewhere = (
        median_of(opening(app_url + f"cases/{DEMO}", GRAPH, "about:blank")),
        median_of(opening(bare_url + "svg-demo/", BARE_GRAPH, "about:blank")),
    )
    demo = median_of(opening(app_url + f"cases/{DEMO}", GRAPH, app_url))  # the page stays on it
    page.wait_for_selector("#refl-point-title")
    redraws = RedrawCounter(page)

    clicks, click_requests = [], []
    click_redraws, arrow_redraws, present_redraws = [], [], []
    for position in _marker_positions(page, 3 * runs):
        settle()
        sent = pending.sent
        drawn = redraws.count()
        took = click_to_details(page, position)
        if took is not None:
            clicks.append(took)
            settle()
            click_requests.append(pending.sent - sent)
            click_redraws.append(redraws.count() - drawn)
        if len(clicks) == runs:
            break
    arrows = measured(
        runs, redraws.counting(lambda: arrow_to_next(page), arrow_redraws, settle), settle
    )
    agency = page.evaluate(f"() => document.querySelector('{GRAPH}').layout.yaxis.ticktext[0]")
    even = runs + runs % 2  # toggles come in pairs, so the page ends as it began
    toggles = measured(even, lambda: lane_toggle(page, agency), settle)
    filters = measured(even, lambda: type_filter(page), settle)
    presents_in_page: list[float] = []
    presents = measured(
        even,
        redraws.counting(
            lambda: presentation_toggle(page, presents_in_page), present_redraws, settle
        ),
        settle,
    )

    open_to_drawn(page, bare_url + "gl-big/", BARE_GRAPH)  # warm
    bare_big = median_of(opening(bare_url + "gl-big/", BARE_GRAPH, bare_url))
    big = median_of(opening(app_url + f"cases/{BIG}", GRAPH, app_url))
    settle()
    profile = open_profile(page, app_url + f"cases/{BIG}", GRAPH, app_url)
    zoom_in, zoom_out = [], []
    for _ in range(runs):
        settle()
        zoom_in.append(zoom(page, {"xaxis.range": ZOOM_SPAN}, MARKERS_JS))
        settle()
        zoom_out.append(zoom(page, {"xaxis.autorange": True}, SUMMARY_JS))
    page.close()

    def ms(seconds: float | None) -> str:
        return "?" if seconds is None else f"{seconds * 1000:.0f}"

    load = os.getloadavg()
    print(f"\nmedian of {runs} runs (headless Chromium, software WebGL, a kept browser profile)")
    print(f"load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'':44}{'ours':>12}   {'baseline (same run)':>26}   {'target':>22}")
    row(
        "demo case open to chart drawn",
        demo,
        f"bare SVG {ms(bare_svg)} / WebGL {ms(bare_gl)} ms",
        f"<= 1.5x SVG ({ms(bare_svg and 1.5 * bare_svg)} ms)",
        bare_svg and 1.5 * bare_svg,
    )
    row(
        "  opened from a blank tab or another site",
        from_elsewhere[0],
        f"bare SVG {ms(from_elsewhere[1])} ms",
        "",
        None,
    )
    row("click event to details + reflection target", median_of(clicks), "", "< 300 ms", 0.3)
    row("arrow key to next event", median_of(arrows), "", "< 200 ms", 0.2)
    row("lane toggle to chart updated", median_of(toggles), "", "< 300 ms", 0.3)
    row("event-type filter to chart updated", median_of(filters), "", "< 300 ms", 0.3)
    row("presentation toggle to chart re-laid out", median_of(presents), "", "", None)
    row("  from the click event, in the page", median_of(presents_in_page), "", "< 100 ms", 0.1)
    row(
        f"{BIG_EVENTS:,}-event case open to chart drawn",
        big,
        f"bare WebGL {ms(bare_big)} ms",
        f"<= bare ({ms(bare_big)} ms)",
        bare_big,
    )
    row(f"  zoom in to half a year ({ZOOM_SPAN[0]}..)", median_of(zoom_in), "", "", None)
    row("  zoom out to the whole case", median_of(zoom_out), "", "", None)
    print(
        f"  one {BIG_EVENTS:,}-event open: {profile.get('open_ms', 0):.0f} ms to drawn; its layout"
        f" {profile.get('bytes', 0) / 1000:.0f} KB, {profile.get('server_ms', 0):.0f} ms on the"
        " server (request to first byte); the rest is scripts, Dash and Plotly's draw"
    )
    print(f"server requests per click (median, the change poll aside): {median_of(click_requests)}")
    print(
        "chart redraws (Plotly's afterplot, median) per click / arrow key / presentation toggle:"
        f" {median_of(click_redraws)} / {median_of(arrow_redraws)} / {median_of(present_redraws)}"
        " (the toggle's includes the anonymised view's redraw from the server)"
    )
    timed_out = sum(t is None for t in arrows + toggles + filters + presents)
    print(f"clicks measured: {len(clicks)}; timed out: {timed_out}; console errors: {len(errors)}")
    for message in errors[:5]:
        print("  console:", message[:200])


if __name__ == "__main__":
    main()
