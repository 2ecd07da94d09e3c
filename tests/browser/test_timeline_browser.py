"""The meeting timeline in a real browser: filters and the address, clicking an event, the
keyboard, the table, episodes by dragging, events added in the meeting, presentation mode,
downloads, accessibility (axe-core), an idle page asking for no frames, not-found and empty
cases, and a 50,000-event case.

These tests change data, so they run against their own server (the demo case, an empty case
and a synthetic 50,000-event case), not the session's.
"""

from __future__ import annotations

import importlib.util
import time
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    RINGED_EVENTS,
    screenshot,
    serious_violations,
    show_chronology,
    sign_in_by_request,
    tick,
)
from tests.support.server import served

ROOT = Path(__file__).resolve().parents[2]
GRAPH = "#timeline-graph .js-plotly-plot"
BIG_EVENTS = 50_000


def _bench():
    spec = importlib.util.spec_from_file_location("bench_timeline", ROOT / "bench" / "timeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tl_server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("timeline-server")
    bench = _bench()
    store = bench.seed_store(tmp_dir / "rpm.duckdb", bench.synthetic_events(BIG_EVENTS))
    _seed_demo_too(store)
    store.close()
    with served(tmp_dir) as url:
        yield url


def _seed_demo_too(store):
    from data import cases
    from data.demo import DEMO_CASE_REF, DEMO_LABEL
    from data.demo.make_demo import DOB, FILES
    from data.ingest import ingest_file

    cases.add_case(store, DEMO_CASE_REF, date_of_birth=DOB, label=DEMO_LABEL, is_demo=True)
    folder = ROOT / "data" / "demo"
    for agency, file_name in FILES.items():
        ingest_file(store, DEMO_CASE_REF, agency, folder / file_name, uploaded_by="demo seed")
    cases.add_case(store, "EMPTY-1", label="No extracts yet")


def open_case(page, url, ref="DEMO-J", query=""):
    page.goto(f"{url}cases/{ref}{query}")
    page.wait_for_function(f"() => document.querySelector('{GRAPH}')?.data?.length > 0")
    show_chronology(page)


def open_menu(page, ident: str) -> None:
    """Open a toolbar popover (lanes, event types, more)."""
    if not page.evaluate("(id) => document.getElementById(id).open", ident):
        page.click(f"#{ident} > summary")


def close_menu(page, ident: str) -> None:
    if page.evaluate("(id) => document.getElementById(id).open", ident):
        page.click(f"#{ident} > summary")


def open_tab(page, label: str) -> None:
    page.click(f"#tl-tabs .nav-link:text-is('{label}')")


def lanes(page) -> list[str]:
    return page.evaluate(f"() => document.querySelector('{GRAPH}').layout.yaxis.ticktext")


def ringed_events(page) -> list[int]:
    """The events whose marker the selected ring sits on."""
    return page.evaluate(RINGED_EVENTS)


def point_count(page) -> int:
    return page.evaluate(
        f"() => document.querySelector('{GRAPH}')._fullData.filter(t => t.mode === 'markers' && t.legendrank < 100)"
        ".reduce((n, t) => n + (t.customdata ? t.customdata.length : 0), 0)"
    )


def click_first_point(page) -> int:
    """Click the first marker drawn within the chart; return the id of the event now shown.

    (Markers can overlap, so the event shown may be another one at the same place.)
    """
    found = page.evaluate(
        f"""() => {{
            const gd = document.querySelector('{GRAPH}');
            const full = gd._fullLayout;
            for (const t of gd._fullData.filter(t => t.mode === 'markers' && t.legendrank < 100)) {{
                for (let i = 0; i < (t.x ? t.x.length : 0); i++) {{
                    const at = full.xaxis.l2p(full.xaxis.d2l(t.x[i]));
                    // off the chart, or at its very edge (where a click may meet the axis)
                    if (!(at >= 8 && at <= full.xaxis._length - 8)) continue;
                    return {{x: full.xaxis._offset + at,
                             y: full.yaxis._offset + full.yaxis.l2p(t.y[i])}};
                }}
            }}
            return null;
        }}"""
    )
    assert found, "no point to click"
    previous = (
        page.get_attribute("[data-event-id]", "data-event-id")
        if page.locator("[data-event-id]").count()
        else None
    )
    box = page.locator(GRAPH).bounding_box()
    page.mouse.click(box["x"] + found["x"], box["y"] + found["y"])
    page.wait_for_function(
        "(prev) => { const d = document.querySelector('[data-event-id]');"
        " return d && d.dataset.eventId !== prev; }",
        arg=previous,
    )
    return int(page.get_attribute("[data-event-id]", "data-event-id"))


def wait_details_for(page, event_id: int):
    page.wait_for_selector(f"[data-event-id='{event_id}'] #tl-event-details")


@pytest.fixture
def chair_page(page, tl_server):
    # generous: the machine running the suite may be busy (software WebGL, shared cores)
    page.set_default_timeout(90_000)
    sign_in_by_request(page, tl_server)
    return page


def test_filters_patch_the_chart_go_into_the_address_and_clear_all(chair_page, tl_server):
    page = chair_page
    open_case(page, tl_server)
    assert len(lanes(page)) == 6
    everything = point_count(page)
    open_menu(page, "tl-lanes-menu")
    for agency in ["GP and Health Visiting", "Family Support Network", "Children's Social Care"]:
        page.get_by_label(agency, exact=True).uncheck()
    for agency in ["Housing", "School"]:
        page.get_by_label(agency, exact=True).uncheck()
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').layout.yaxis.ticktext.length === 1"
    )
    assert lanes(page) == ["Police"]
    police = point_count(page)
    assert 0 < police < everything
    assert "agency=Police" in page.url
    page.fill("#tl-search", "neighbour")
    page.press("#tl-search", "Enter")
    page.wait_for_function("() => window.location.search.includes('q=neighbour')")
    page.wait_for_function(
        f"(n) => document.querySelector('{GRAPH}')._fullData.filter(t => t.mode === 'markers' && t.legendrank < 100)"
        ".reduce((s, t) => s + (t.customdata ? t.customdata.length : 0), 0) < n",
        arg=police,
    )
    shared = page.url

    # The view reopens from its address.
    open_case(page, tl_server, query="?" + shared.split("?", 1)[1])
    assert lanes(page) == ["Police"]
    assert page.input_value("#tl-search") == "neighbour"
    assert page.locator("#tl-chronology tbody tr").count() == point_count(page)

    page.click("#tl-clear")
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').layout.yaxis.ticktext.length === 6"
    )
    assert point_count(page) == everything
    page.wait_for_function("() => !window.location.search.includes('agency=')")


def test_click_an_event_read_details_step_with_arrows_and_table_follows(chair_page, tl_server):
    page = chair_page
    open_case(page, tl_server)
    event_id = click_first_point(page)
    wait_details_for(page, event_id)
    details = page.text_content("#tl-details")  # the rest is one click away ("More about")
    for term in (
        "Date",
        "Time",
        "Agency",
        "Event type",
        "Summary",
        "Agency's reference",
        "Came from",
    ):
        assert term in details
    assert "uploaded by demo seed" in details
    # the marker is ringed and the table row is marked
    assert event_id in ringed_events(page)
    assert page.locator("#tl-chronology tr[aria-current='true']").count() == 1

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(id) => { const d = document.querySelector('[data-event-id]');"
        " return d && d.dataset.eventId !== String(id); }",
        arg=event_id,
    )
    next_id = int(page.get_attribute("[data-event-id]", "data-event-id"))
    page.keyboard.press("ArrowLeft")
    wait_details_for(page, event_id)

    # selecting a row selects the event
    page.locator("#tl-chronology tbody tr").nth(4).locator("button").click()
    page.wait_for_function(
        "(ids) => { const d = document.querySelector('[data-event-id]');"
        " return d && !ids.includes(Number(d.dataset.eventId)); }",
        arg=[event_id, next_id],
    )
    # the table is redrawn by its own callback, after the details panel: wait for it
    expect(page.locator("#tl-chronology tbody tr").nth(4)).to_have_attribute("aria-current", "true")
    page.click("#tl-select-case")
    page.wait_for_selector("text=The case as a whole", state="visible")

    # In the tab strip the arrow keys, Home and End move between tabs (not between events).
    tabs = page.locator("#tl-tabs [role='tab']")
    tabs.first.focus()
    page.keyboard.press("ArrowRight")
    expect(tabs.nth(1)).to_be_focused()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tl-panel-lenses")).to_be_visible()
    page.keyboard.press("End")
    expect(tabs.last).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowRight")  # wraps round to the first
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tl-panel-chronology")).to_be_visible()
    assert page.locator("[data-event-id]").count() == 0  # still the case, no event stepped to


def test_episode_by_dragging_across_the_chart_then_edit_and_delete(chair_page, tl_server):
    page = chair_page
    open_case(page, tl_server)
    open_menu(page, "tl-more-menu")
    tick(page.get_by_label("marks an episode"))
    close_menu(page, "tl-more-menu")
    page.wait_for_function(f"() => document.querySelector('{GRAPH}').layout.dragmode === 'select'")
    plot = page.locator(f"{GRAPH} .nsewdrag").first.bounding_box()
    y = plot["y"] + plot["height"] * 0.5
    page.mouse.move(plot["x"] + plot["width"] * 0.30, y)
    page.mouse.down()
    page.mouse.move(plot["x"] + plot["width"] * 0.40, y + 5, steps=8)
    page.mouse.move(plot["x"] + plot["width"] * 0.45, y + 10, steps=8)
    page.mouse.up()
    page.wait_for_function("() => (document.querySelector('#tl-ep-start') || {}).value")
    expect(page.locator("#tl-ep-title")).to_be_visible()  # the episodes tab opened itself
    start, end = page.input_value("#tl-ep-start"), page.input_value("#tl-ep-end")
    assert datetime.strptime(start, "%d/%m/%Y") < datetime.strptime(end, "%d/%m/%Y")  # UK
    page.fill("#tl-ep-title", "Missed <b>health</b> appointments")
    tick(page.get_by_label("Problem"))
    page.click("#tl-ep-save")
    page.wait_for_selector("#tl-episodes li")
    assert "Missed <b>health</b> appointments" in page.inner_text("#tl-episodes")
    page.wait_for_function(
        f"() => (document.querySelector('{GRAPH}').layout.shapes || [])"
        ".some(s => (s.name || '').startsWith('episode:'))"
    )
    # the band is labelled on the chart, as text
    assert page.locator(f"{GRAPH} text", has_text="Problem: Missed <b>health</b>").count() >= 1
    # and the reflection panel can now choose it, without reloading the page
    expect(page.locator("#refl-episode option", has_text="Missed <b>health</b>")).to_have_count(1)
    expect(page.locator("#refl-episode")).to_be_enabled()

    page.locator("#tl-episodes button", has_text="Edit").first.click()
    page.wait_for_function("() => document.querySelector('#tl-ep-title').value !== ''")
    page.fill("#tl-ep-title", "Missed appointments")
    tick(page.get_by_label("Good practice"))
    page.click("#tl-ep-save")
    page.wait_for_selector("#tl-episodes >> text=Good practice:")
    page.locator("#tl-episodes button", has_text="Select").first.click()
    page.wait_for_selector("[data-episode-id]")
    page.locator("#tl-episodes button", has_text="Delete").first.click()
    page.wait_for_selector("#tl-no-episodes")


def test_add_an_event_from_the_discussion_shown_as_text_and_csv_is_formula_safe(
    chair_page, tl_server
):
    page = chair_page
    open_case(page, tl_server)
    open_tab(page, "Add an event")
    page.click("text=Add an event from the discussion")
    page.select_option("#tl-add-agency", "School")
    page.fill("#tl-add-date", "14/05/2019")  # day first, whatever the browser's locale
    page.fill("#tl-add-type", "Phone call")
    summary = '=HYPERLINK("x") <img src=x onerror=alert(1)><b>not bold</b>'
    page.fill("#tl-add-summary", summary)
    page.click("#tl-add-save")
    page.wait_for_selector("#tl-add-message >> text=Event added")
    open_tab(page, "Chronology")
    page.fill("#tl-search", "HYPERLINK")
    page.press("#tl-search", "Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#tl-chronology tbody tr').length === 1"
    )
    assert summary in page.inner_text("#tl-chronology")
    assert page.locator("#tl-chronology b, #tl-chronology img:not(.rpm-cat-marker)").count() == 0
    page.locator("#tl-chronology tbody tr button").first.click()
    page.wait_for_selector("#tl-event-details")
    details = page.text_content("#tl-details")
    assert summary in details and "added in the meeting by admin" in details
    assert "14 May 2019" in details
    assert page.locator("#tl-details img:not(.rpm-cat-marker), #tl-details b").count() == 0
    # hover text on the chart is escaped too
    hover = page.evaluate(
        f"() => document.querySelector('{GRAPH}').data.flatMap(t => Array.from(t.text || []))"
    )
    assert any("&lt;img" in h for h in hover) and not any("<img" in h for h in hover)

    open_menu(page, "tl-more-menu")
    with page.expect_download() as download:
        page.click("#tl-csv")
    text = Path(download.value.path()).read_text()
    lines = text.strip().splitlines()
    assert (
        lines[0]
        == "date,date_precision,time,agency,event_type,summary,source_ref,date_certainty,category"
    )
    assert len(lines) == 2 and "'=HYPERLINK" in lines[1]

    # correct it with a reason: the details say so and keep the original
    page.click("text=Correct or hide this event")
    page.fill("#tl-fix-summary", "Teacher recalls a phone call with mother")
    page.click("#tl-fix-save")
    page.wait_for_selector("#tl-edit-message >> text=Not saved")  # no reason given
    page.fill("#tl-fix-reason", "Summary pasted wrongly")
    page.click("#tl-fix-save")
    page.wait_for_selector("text=Corrected in the meeting.")
    page.click("text=History of changes")
    assert "because Summary pasted wrongly" in page.inner_text("#tl-details")

    # hidden with a reason: gone from the chart and the counts, listed with "show hidden",
    # and shown again with a reason (both recorded)
    lead = page.inner_text("#tl-lead")
    page.fill("#tl-search", "Teacher recalls")  # the corrected summary
    page.press("#tl-search", "Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#tl-chronology tbody tr').length === 1"
    )
    page.click("text=Correct or hide this event")
    page.fill("#tl-fix-reason", "Duplicate of the school's own entry")
    page.click("#tl-fix-hide")
    page.wait_for_selector("#tl-edit-message >> text=Event hidden")
    page.wait_for_selector("#tl-lead:has-text('1 hidden')")
    assert page.inner_text("#tl-lead") != lead
    page.wait_for_function(
        "() => document.querySelectorAll('#tl-chronology tbody tr').length === 0"
    )
    tick(page.get_by_label("Show hidden events"))
    page.wait_for_selector("#tl-chronology tbody tr .badge:text('Hidden')")
    page.locator("#tl-chronology tbody tr button").first.click()
    page.wait_for_selector("#tl-hidden-note")
    # back up to the chart and the details, not left scrolled down at the table
    page.wait_for_function(
        "() => { const r = document.querySelector('.rpm-tl-side').getBoundingClientRect();"
        " return r.top >= -60 && r.top < window.innerHeight / 2; }",
        timeout=5000,
    )
    page.click("text=Correct or show this event again")
    page.fill("#tl-fix-reason", "Not a duplicate after all")
    page.click("#tl-fix-hide")
    page.wait_for_selector("#tl-edit-message >> text=shown on the timeline again")
    page.wait_for_function("() => !document.querySelector('#tl-lead').innerText.includes('hidden')")
    page.click("text=History of changes")
    history = page.inner_text("#tl-details")
    assert "Duplicate of the school's own entry" in history and "Not a duplicate" in history

    open_menu(page, "tl-more-menu")
    with page.expect_download() as png:
        page.click("#tl-png")
    assert png.value.suggested_filename == "timeline-DEMO-J.png"


def lane_labels_room(page) -> float:
    """Px between the graph's left edge and its leftmost lane label (negative: cut off)."""
    return page.evaluate(
        f"""() => {{ const gd = document.querySelector('{GRAPH}');
            const left = gd.getBoundingClientRect().left;
            return Math.min(...Array.from(gd.querySelectorAll('.ytick text'))
                .map(t => t.getBoundingClientRect().left - left)); }}"""
    )


def test_age_axis_and_presentation_mode_on_a_projector_sized_screen(chair_page, tl_server):
    page = chair_page
    open_case(page, tl_server)
    tick(page.get_by_label("Child's age"))
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').layout.xaxis.type === 'linear'"
    )
    assert "axis=age" in page.url
    assert 0 <= x_labels_room(page) < 20  # the age axis's title too
    tick(page.get_by_label("Date", exact=True))
    page.wait_for_function(f"() => document.querySelector('{GRAPH}').layout.xaxis.type === 'date'")
    normal_font = page.evaluate(f"() => document.querySelector('{GRAPH}').layout.font.size")
    assert 0 <= lane_labels_room(page) < 40  # the lane labels' margin fits them, not more
    page.click("#tl-present")
    page.wait_for_function(
        f"(n) => document.querySelector('{GRAPH}').layout.font.size > n", arg=normal_font
    )
    assert page.get_attribute("#tl-present", "aria-pressed") == "true"
    assert "rpm-presenting" in page.evaluate("() => document.body.className")
    assert not page.locator("#tl-agencies").is_visible()
    assert not page.locator(".rpm-header nav").is_visible()
    open_menu(page, "tl-more-menu")
    tick(page.get_by_label("Hide summaries"))
    close_menu(page, "tl-more-menu")
    page.wait_for_function(
        f"""() => document.querySelector('{GRAPH}').data.every(
              t => !t.text || Array.from(t.text).every(s => s.split('<br>').length <= 2))"""
    )
    page.wait_for_timeout(500)
    path = screenshot(page, "timeline-presentation")
    print(f"\npresentation screenshot: {path}")
    lane_labels = page.locator(f"{GRAPH} .ytick text").all_text_contents()
    assert len(lane_labels) == 6
    size = page.evaluate(
        f"() => parseFloat(getComputedStyle(document.querySelector('{GRAPH} .ytick text')).fontSize)"
    )
    assert size >= 20
    assert 0 <= lane_labels_room(page) < 60
    assert 0 <= x_labels_room(page) < 20  # the bottom margin grew with the year ticks
    assert chart_fills_its_frame(page)
    page.click("#tl-present")
    page.wait_for_function("() => !document.body.classList.contains('rpm-presenting')")
    # the toggle's one redraw takes the frame's new size (its resize is skipped as a no-op)
    page.wait_for_function(f"() => {FILLS_FRAME}")
    page.set_viewport_size({"width": 1200, "height": 700})  # a real resize still resizes
    page.wait_for_function(f"() => {FILLS_FRAME}")
    # on again, from the keyboard: the anonymised view the first time switched on is still on,
    # so nothing is asked of the server again (every panel was redrawn on each toggle)
    asked = []
    page.on("request", lambda r: asked.append(r.post_data or "") if "_dash-update" in r.url else 0)
    page.focus("#tl-present")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => {FILLS_FRAME} && document.body.classList.contains('rpm-presenting')"
    )
    page.wait_for_timeout(800)
    assert page.is_checked("#tl-anonymised")
    assert not [body for body in asked if "timeline-graph.figure" in body]


def x_labels_room(page) -> float:
    """Pixels between the lowest x axis label (or the axis's title) and the chart's foot: the
    bottom margin Plotly is given (components.timeline.bottom_margin) holds them."""
    return page.evaluate(
        f"""() => {{ const gd = document.querySelector('{GRAPH}');
            const foot = gd.querySelector('.main-svg').getBoundingClientRect().bottom;
            const labels = [...gd.querySelectorAll('.xtick text, .xtitle')];
            return foot - Math.max(...labels.map(e => e.getBoundingClientRect().bottom)); }}"""
    )


FILLS_FRAME = f"""(() => {{ const gd = document.querySelector('{GRAPH}'), style = getComputedStyle(gd);
    return Math.abs(parseFloat(style.width) - gd._fullLayout.width) <= 1
        && Math.abs(parseFloat(style.height) - gd._fullLayout.height) <= 1; }})()"""


def chart_fills_its_frame(page) -> bool:
    return page.evaluate(f"() => {FILLS_FRAME}")


COUNT_FRAMES_ASKED = """
window.rpmFramesAsked = 0;
const askForFrame = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (then) => { window.rpmFramesAsked += 1; return askForFrame(then); };
"""


def test_a_case_page_left_alone_asks_the_browser_for_no_frames(chair_page, tl_server):
    """A page asking for a frame on every frame keeps the browser drawing them (a processor's
    worth of work on the chair's laptop through the whole meeting) while nothing changes."""
    page = chair_page
    page.add_init_script(COUNT_FRAMES_ASKED)
    open_case(page, tl_server)
    page.wait_for_load_state("networkidle")
    before = page.evaluate("() => window.rpmFramesAsked")
    page.wait_for_timeout(2000)  # the window watched: the change poll runs in it
    assert page.evaluate("() => window.rpmFramesAsked") == before


def test_axe_finds_no_serious_violations_on_case_list_and_timeline(chair_page, tl_server):
    page = chair_page
    page.goto(tl_server)
    page.wait_for_selector("#case-table")
    assert serious_violations(page) == []
    open_case(page, tl_server)
    click_first_point(page)
    page.wait_for_selector("#tl-event-details")
    assert serious_violations(page) == []


def test_unknown_case_is_not_found_and_empty_case_is_explained(chair_page, tl_server):
    page = chair_page
    page.goto(tl_server + "cases/NO-SUCH-CASE")
    page.wait_for_selector("#tl-not-found")
    assert "Case not found" in page.inner_text("h1")
    page.goto(tl_server + "cases/EMPTY-1")
    page.wait_for_selector("#tl-empty")
    assert "upload" in page.inner_text("#tl-empty")
    assert page.locator("#timeline-graph").count() == 0


def bars(page) -> int:
    """The summary's bars drawn (components.timeline_summary)."""
    return page.evaluate(
        f"() => document.querySelector('{GRAPH}').querySelectorAll('.barlayer .point').length"
    )


def test_fifty_thousand_events_open_summarised_zoom_in_to_markers_and_out(chair_page, tl_server):
    page = chair_page
    page.goto(tl_server)  # warm: signed in, assets cached
    started = time.perf_counter()
    page.goto(tl_server + "cases/BENCH-1")
    page.wait_for_function(
        f"""() => {{ const gd = document.querySelector('{GRAPH}');
              return gd && gd._fullLayout && gd.querySelector('.ytick')
                  && gd.querySelector('.barlayer .point'); }}""",
        timeout=120_000,
    )
    drawn = time.perf_counter() - started
    print(f"\n50,000-event case: open to summary drawn in {drawn:.2f} s ({bars(page):,} bars)")
    assert point_count(page) == 0 and bars(page) > 600  # a bar every three months of each lane
    assert not page.locator(f"{GRAPH} canvas").count()  # SVG: no WebGL context
    note = page.locator(f"{GRAPH} .annotation-text").first
    expect(note).to_contain_text("Summary of 50,000 events, a bar for three months of each lane")
    expect(page.locator("#tl-lead")).to_contain_text("50,000 events")  # counts stay true
    assert len(lanes(page)) == 10
    assert serious_violations(page) == []
    # a bar's details, and its button zooms in to it: those three months' markers
    bar = page.locator(f"{GRAPH} .barlayer .point").nth(300).bounding_box()
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] - 2)
    expect(page.locator("#tl-bin-details")).to_contain_text("A bar of the summary")
    zoom = page.locator("#tl-bin-details button")
    months = zoom.inner_text().removeprefix("Zoom in to ")
    expect(page.locator("#tl-details-heading")).to_contain_text(months)
    zoom.click()
    page.wait_for_function("() => document.querySelector('#timeline-graph .js-plotly-plot')"
                           ".querySelectorAll('.scatterlayer .point').length > 0")  # fmt: skip
    assert bars(page) == 0 and 0 < point_count(page) < 3000
    expect(page.locator(f"{GRAPH} .annotation-text")).to_have_count(0)
    event_id = click_first_point(page)  # a marker still selects its event
    wait_details_for(page, event_id)
    expect(page.locator("#refl-point-title")).to_have_attribute("data-point", f"event:{event_id}")
    # a lane toggle while zoomed in keeps the span's markers
    open_menu(page, "tl-lanes-menu")
    page.get_by_label("Agency A", exact=True).uncheck()
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').layout.yaxis.ticktext.length === 9"
    )
    close_menu(page, "tl-lanes-menu")
    assert bars(page) == 0 and point_count(page) > 0
    # "Whole life": the summary again, for the nine lanes
    page.click("#tl-preset-all")
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').querySelectorAll('.barlayer .point').length > 540"
    )
    assert point_count(page) == 0
    # Next while summarised: no marker to step to in the browser, the server steps to the first
    # event of the span, and the details and the reflection form's target follow it
    page.click("#tl-next")
    point = page.locator("#refl-point-title[data-point^='event:']")
    point.wait_for()
    first = int(point.get_attribute("data-point").removeprefix("event:"))
    wait_details_for(page, first)
    page.click("#tl-next")
    page.wait_for_selector(f"#refl-point-title:not([data-point='event:{first}'])")
    assert page.get_attribute("#refl-point-title", "data-point").startswith("event:")
