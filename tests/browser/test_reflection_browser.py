"""Reflecting in the browser: select an event, add a Gibbs reflection, see its ring on the
timeline and its stage covered in the cycle; two people signed in at once see each other's
additions without reloading; learning points and actions."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from data.store import Store
from data.users import add_user
from tests.support.browser import RINGED_EVENTS, screenshot, sign_in_by_request, tick
from tests.support.server import ADMIN_PASSWORD, served

AGENCY_USER, AGENCY_PASSWORD = "pc-morgan", "police-password-1"
GRAPH = "#timeline-graph .js-plotly-plot"


@pytest.fixture(scope="module")
def refl_server(tmp_path_factory, served_demo_template):
    """A server of our own (the demo case plus a Police user), so reflections added here do
    not show up in other modules' pages."""
    tmp_dir = tmp_path_factory.mktemp("reflection-server")
    shutil.copyfile(served_demo_template, tmp_dir / "rpm.duckdb")
    # The first start makes `admin` only when there are no users: add both here.
    store = Store(tmp_dir / "rpm.duckdb")
    add_user(store, "admin", "admin", ADMIN_PASSWORD)
    add_user(store, AGENCY_USER, "agency", AGENCY_PASSWORD, agency="Police")
    store.close()
    with served(tmp_dir) as url:
        yield url


def open_case(page, url: str) -> None:
    page.set_default_timeout(90_000)  # generous: the machine running the suite may be busy
    page.goto(url + "cases/DEMO-J")
    page.wait_for_function(f"() => document.querySelector('{GRAPH}')?._fullData?.length > 0")
    page.wait_for_selector("#refl-point-title:not(:empty)")


def open_tab(page, label: str) -> None:
    page.click(f"#tl-tabs .nav-link:text-is('{label}')")


def click_event(page, lane: int, index: int) -> int:
    """Click the index-th marker of a lane as a person would; returns its event id."""
    pos = page.evaluate(
        """([lane, i]) => {
            const gd = document.querySelector('#timeline-graph .js-plotly-plot');
            const t = gd._fullData[lane], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
            return {x: box.left + xa.l2p(t.x[i]), y: box.top + ya.l2p(t.y[i]),
                    id: t.customdata[i]};
        }""",
        [lane, index],
    )
    page.mouse.move(pos["x"], pos["y"])
    page.wait_for_timeout(200)
    page.mouse.click(pos["x"], pos["y"])
    return int(pos["id"])


def select_event(page, lane: int, index: int) -> int:
    """Click a marker until the panel shows an event (a click while the graph is still
    drawing on a busy machine can go unnoticed, as it would for a person); returns the id of
    the event the details show, which is the one under the pointer (markers of two
    categories can overlap on the same day, and the one drawn on top is chosen)."""
    for _ in range(4):
        click_event(page, lane, index)
        try:
            page.wait_for_function(
                "() => document.querySelector('#refl-point-title').innerText"
                " !== 'The case as a whole'"
                " && document.querySelector('#tl-details [data-event-id]')",
                timeout=5000,
            )
            return int(page.get_attribute("#tl-details [data-event-id]", "data-event-id"))
        except PlaywrightTimeout:
            continue
    raise AssertionError("clicking the event did not select it")


def wait_ringed(page, event_id: int) -> None:
    """Wait until the event has its "Reflected" mark on the timeline."""
    page.wait_for_function(
        f"""() => {{
            const gd = document.querySelector('{GRAPH}');
            const ring = gd._fullData.find(t => t.name === 'Reflected');
            return ring && Array.from(ring.customdata || []).includes({event_id});
        }}"""
    )


def ring_event_ids(page) -> list[int]:
    return json.loads(
        page.evaluate(
            """() => {
                const gd = document.querySelector('#timeline-graph .js-plotly-plot');
                const ring = gd._fullData.find(t => t.name === 'Reflected');
                return JSON.stringify(ring ? Array.from(ring.customdata || []) : []);
            }"""
        )
    )


def test_select_event_add_gibbs_reflection_see_ring_and_cycle(refl_server, page):
    sign_in_by_request(page, refl_server)
    open_case(page, refl_server)
    assert page.inner_text("#refl-point-title") == "The case as a whole"
    event_id = select_event(page, lane=1, index=2)
    title = page.inner_text("#refl-point-title")
    assert " · " in title

    # Gibbs by default: six stages, each with its prompt.
    stages = [s for s in page.locator("#refl-stage option").all_inner_texts() if s]
    assert stages == [
        "Description",
        "Feelings",
        "Evaluation",
        "Analysis",
        "Conclusion",
        "Action plan",
    ]
    page.select_option("#refl-stage", "analysis")
    page.wait_for_selector("#refl-stage-prompt:text('What sense can you make of the situation?')")

    # Bad input: nothing typed gives a message in the form and saves nothing.
    page.click("#refl-save")
    page.wait_for_selector("#refl-error")
    assert "the reflection is empty" in page.inner_text("#refl-error")

    # Blaming language: a gentle hint that can be dismissed and never blocks saving.
    page.select_option("#refl-question", "barrier")
    page.select_option("#refl-agency", "Police")
    text = "Officer should have <b>checked</b> — the duty desk had no access to school records."
    page.fill("#refl-text", text)
    page.wait_for_selector("#refl-hint:has-text('Learning, not blame')")
    screenshot(page, "reflection-hint")
    page.click("#refl-hint .btn-close")
    page.wait_for_selector("#refl-hint", state="detached")
    page.click("#refl-save")
    page.wait_for_selector("#refl-ok")

    # Shown as text, under its stage, with the question it answers.
    item = page.locator("[data-stage=analysis] .rpm-reflection-text")
    item.wait_for()
    assert item.inner_text() == text
    assert page.locator("[data-stage=analysis] .rpm-question").inner_text() == (
        "Was there anything that acted as a barrier?"
    )
    open_tab(page, "Reflective cycle and coverage")  # built when first opened
    page.wait_for_selector("#refl-cycle-text:has-text('Covered: Analysis.')")
    # The ring marks the event on the timeline.
    wait_ringed(page, event_id)
    assert ring_event_ids(page) == [event_id]
    # Coverage: the Police row has Analysis covered.
    police_row = page.locator("#refl-coverage-table tr", has_text="Agency: Police")
    assert "✓ 1" in police_row.inner_text()
    # Found again by question, from anywhere in the case.
    page.click("text=Find what was said")
    page.select_option("#refl-find-question", "barrier")
    found = page.locator("#refl-find-list .rpm-reflection")
    found.first.wait_for()
    assert found.count() == 1
    assert text in found.inner_text() and title in found.inner_text()
    screenshot(page, "reflection-gibbs")

    # Edited by its author: the change is kept as history, shown under the reflection.
    page.locator("#refl-list [data-stage=analysis]").get_by_role("button", name="Edit").click()
    page.wait_for_selector("#refl-save:text('Save change')")
    assert page.input_value("#refl-text") == text
    page.fill("#refl-text", "The duty desk had no access to school records.")
    page.click("#refl-save")
    page.wait_for_selector("#refl-list .rpm-history-details")
    page.click("#refl-list .rpm-history-details summary")
    history = page.inner_text("#refl-list .rpm-history")
    assert "admin added" in history and "admin edited" in history
    assert text in history  # what it said before


def test_two_people_see_each_others_reflections_within_five_seconds(refl_server, browser):
    first = browser.new_context(viewport={"width": 1920, "height": 1080})
    second = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        chair, police = first.new_page(), second.new_page()
        sign_in_by_request(chair, refl_server)
        sign_in_by_request(police, refl_server, AGENCY_USER, AGENCY_PASSWORD)
        open_case(chair, refl_server)
        open_case(police, refl_server)
        chair.click("#refl-whole-case")
        police.click("#refl-whole-case")

        note = f"Case-wide note {time.time():.0f}: information sat in separate systems."
        police.select_option("#refl-stage", "description")
        police.fill("#refl-text", note)
        police.click("#refl-save")
        police.wait_for_selector("#refl-ok")
        saved_at = time.monotonic()
        chair.wait_for_selector(
            f"#refl-list .rpm-reflection-text:text-is({json.dumps(note)})", timeout=5000
        )
        assert time.monotonic() - saved_at < 5
        meta = chair.locator("#refl-list .rpm-reflection", has_text=note).inner_text()
        assert AGENCY_USER in meta and "for Police" in meta
        # The chair may change anyone's reflection; the police user only their own.
        assert (
            chair.locator("#refl-list .rpm-reflection", has_text=note)
            .locator("text=Withdraw")
            .count()
        )

        reply = "Chair: agreed, and the school's records were not asked for."
        chair.fill("#refl-text", reply)
        chair.click("#refl-save")
        police.wait_for_selector(
            f"#refl-list .rpm-reflection-text:text-is({json.dumps(reply)})", timeout=5000
        )
        assert (
            police.locator("#refl-list .rpm-reflection", has_text=reply)
            .locator("text=Edit")
            .count()
            == 0
        )

        # Withdrawn by its author, after saying yes when asked: gone from both screens.
        asked = []
        police.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        police.locator("#refl-list .rpm-reflection", has_text=note).locator("text=Withdraw").click()
        chair.wait_for_selector(
            f"#refl-list .rpm-reflection-text:text-is({json.dumps(note)})",
            state="detached",
            timeout=5000,
        )
        assert asked and asked[0].startswith("Withdraw this reflection?")
        screenshot(chair, "reflection-two-people")
    finally:
        first.close()
        second.close()


def tab_builds(page) -> list[str]:
    """The lazy tabs the page asks the server to build, as it asks (app/timeline/tabs.py)."""
    asked = []

    def seen(request):
        if "_dash-update-component" not in request.url or not request.post_data:
            return
        for given in json.loads(request.post_data).get("inputs", []):
            if isinstance(given, dict) and given.get("id") == "tl-tab-to-build":
                asked.append(given["value"])

    page.on("request", seen)
    return asked


def test_learning_point_and_action(refl_server, page):
    sign_in_by_request(page, refl_server)
    open_case(page, refl_server)
    builds = tab_builds(page)
    open_tab(page, "Learning points and actions")
    page.wait_for_selector("#lp-list :is(p, ul)")  # its theme choices drawn (see the walkthrough)
    # built once: the tabs coming into view (a scroll) does not build the open tab again,
    # which replaced its form after it was drawn and lost what had been ticked
    page.locator("#tl-below").scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    assert builds.count("learning") == 1
    page.click("#lp-save")
    page.wait_for_selector("#lp-message:has-text('the learning point is empty')")
    page.fill("#lp-text", "Schools are not invited to strategy discussions.")
    tick(page.locator("#lp-themes input[value='Information sharing']"))
    tick(page.locator("#lp-share input[value='crc']"))
    page.click("#lp-save")
    item = page.locator("#lp-items .rpm-reflection", has_text="Schools are not invited")
    item.wait_for()
    assert "Information sharing" in item.inner_text()
    assert "Shared with CRC" in item.inner_text()
    # The form is reset whole: the next point is not shared with the committee unless ticked.
    assert page.input_value("#lp-text") == ""
    assert not page.is_checked("#lp-share input[value='crc']")
    assert not page.is_checked("#lp-themes input[value='Information sharing']")

    page.wait_for_function("() => document.querySelectorAll('#act-learning option').length > 1")
    value = page.locator("#act-learning option").nth(1).get_attribute("value")
    page.select_option("#act-learning", value)
    page.fill("#act-description", "Invite the school to every strategy discussion.")
    page.fill("#act-owner", "Head of Safeguarding")
    page.select_option("#act-owner-agency", "Children's Social Care")
    page.fill("#act-due", "2027-03-31")
    page.click("#act-save")
    row = page.locator("#act-table tbody tr", has_text="Invite the school")
    row.wait_for()
    assert "31 Mar 2027" in row.inner_text() and "Open" in row.inner_text()

    row.locator("text=Edit").click()
    page.wait_for_selector("#act-save:text('Save change')")
    page.select_option("#act-status", "done")
    page.fill("#act-evidence", "Audit: all 12 strategy discussions since April included school.")
    page.click("#act-save")
    page.wait_for_selector("#act-table tbody tr:has-text('Audit: all 12')")
    assert "Done" in page.locator("#act-table tbody tr", has_text="Invite the school").inner_text()
    screenshot(page, "learning-and-actions")

    # A learning point is edited in place (its history kept) and withdrawn only when confirmed.
    item = page.locator("#lp-items .rpm-reflection", has_text="Schools are not invited")
    item.locator("text=Edit").click()
    page.wait_for_selector("#lp-save:text('Save change')")
    assert page.input_value("#lp-text") == "Schools are not invited to strategy discussions."
    assert page.is_checked("#lp-share input[value='crc']")
    page.fill("#lp-text", "Schools are rarely invited to strategy discussions.")
    page.click("#lp-save")
    page.wait_for_selector("#lp-items .rpm-reflection:has-text('rarely invited')")
    assert not page.is_checked("#lp-share input[value='crc']")  # the form is reset
    item = page.locator("#lp-items .rpm-reflection", has_text="rarely invited")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    item.locator("text=Withdraw").click()  # asked first; said no
    assert asked and "Withdraw this learning point?" in asked[0]
    assert item.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    item.locator("text=Withdraw").click()
    item.wait_for(state="detached")


def _isolated_markers(page, wanted: int) -> list[dict]:
    """Markers with no other marker within 14 px (a click on one selects that event), spread
    across the chart: [{x, y, id}] in page pixels."""
    return page.evaluate(
        """(wanted) => {
            const gd = document.querySelector('#timeline-graph .js-plotly-plot');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
            let all = [];
            gd._fullData.forEach(t => {
                if (t.mode !== 'markers' || t.legendrank >= 100 || !t.customdata) { return; }
                for (let i = 0; i < t.customdata.length; i++) {
                    all.push({x: box.left + xa.l2p(xa.d2l(t.x[i])), y: box.top + ya.l2p(t.y[i]),
                              id: Number(t.customdata[i])});
                }
            });
            all = all.filter(p => Number.isFinite(p.x) && Number.isFinite(p.y));
            const alone = all.filter(p => p.x > box.left + 5 && p.x < box.right - 5
                && all.every(q => q === p || Math.hypot(q.x - p.x, q.y - p.y) > 14));
            const step = Math.max(1, Math.floor(alone.length / wanted));
            return alone.filter((_, i) => i % step === 0).slice(0, wanted);
        }""",
        wanted,
    )


SHOWN_POINTS = f"""() => {{
    const d = document.querySelector('#tl-details [data-event-id]');
    return {{details: d ? Number(d.dataset.eventId) : null,
            target: document.querySelector('#refl-point-title').dataset.point,
            ring: ({RINGED_EVENTS})()}};
}}"""


def _is_update(url: str) -> bool:
    return "/_dash-update-component" in url


class HeldAnswers:
    """Holds the server's answers to the callbacks `wanted(request body)` picks until
    release(), which delivers them the oldest last (as a busy server might)."""

    def __init__(self, page, wanted):
        self.page, self.wanted, self.routes, self.holding = page, wanted, [], True
        page.route(_is_update, self._handle)

    def _handle(self, route):
        body = json.loads(route.request.post_data or "{}")
        if self.holding and self.wanted(body):
            self.routes.append((route, route.fetch(), body.get("output", "")))
        else:
            route.fallback()

    def wait_for(self, output: str) -> None:
        """Until an answer to a callback writing `output` is held."""
        for _ in range(600):
            if any(output in held for *_, held in self.routes):
                return
            self.page.wait_for_timeout(50)  # lets Playwright run the route handler
        raise AssertionError(f"no answer for {output} was held")

    def release(self) -> int:
        self.holding = False
        held, self.routes = self.routes, []
        for route, response, _ in reversed(held):
            route.fulfill(response=response)
        self.page.unroute(_is_update, self._handle)
        return len(held)


def _from_a_selection(body) -> bool:
    return "selected-point.data" in body.get("changedPropIds", [])


def _settled(page, event_id: int) -> dict:
    page.wait_for_function(
        f"""() => {{ const s = ({SHOWN_POINTS})();
            return s.details === {event_id} && s.target === 'event:{event_id}'
                && s.ring.includes({event_id}); }}""",
        timeout=30_000,
    )
    return page.evaluate(SHOWN_POINTS)


def test_twenty_rapid_clicks_leave_every_panel_on_the_last_event(refl_server, page):
    """Twenty events clicked without waiting, the answers to all but the last held back and
    delivered after it, oldest last: the details, the reflection form's target and the ring
    on the chart all show the last event clicked, and stay on it."""
    sign_in_by_request(page, refl_server)
    open_case(page, refl_server)
    markers = _isolated_markers(page, 20)
    assert len(markers) == 20 and len({m["id"] for m in markers}) == 20
    held = HeldAnswers(page, _from_a_selection)
    for n, marker in enumerate(markers):
        if n == len(markers) - 1:  # the last click's answers go straight through
            held.holding = False
        page.mouse.move(marker["x"], marker["y"])
        page.wait_for_timeout(350)  # clicks closer together are a double click to Plotly
        page.mouse.click(marker["x"], marker["y"])
    last = markers[-1]["id"]
    _settled(page, last)
    assert held.release() > 0  # earlier answers really were held back
    page.wait_for_timeout(800)  # the late answers have been delivered; nothing may move
    shown = page.evaluate(SHOWN_POINTS)
    assert (shown["details"], shown["target"]) == (last, f"event:{last}")
    assert last in shown["ring"]  # (with any event drawn at the very same place)
