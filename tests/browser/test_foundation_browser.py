"""Sign in, open the demo case, see one lane per agency; refusals without a session."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.support.browser import screenshot, sign_in

DEMO_AGENCIES = {
    "Children's Social Care",
    "Police",
    "GP and Health Visiting",
    "School",
    "Housing",
    "Family Support Network",
}


def test_sign_in_open_demo_case_and_see_one_lane_per_agency(server, page):
    asked = []  # the callbacks the browser asks the server for
    page.on("request", lambda r: asked.append(r.post_data or "") if "_dash-update" in r.url else 0)
    sign_in(page, server)
    page.wait_for_selector("#case-table")
    page.click("text=DEMO-J")
    page.wait_for_function(
        "() => document.querySelector('#timeline-graph .js-plotly-plot')?.data?.length > 0"
    )
    # One lane (a labelled row of the y axis) per agency; the traces are the categories.
    lanes = json.loads(
        page.evaluate(
            "() => JSON.stringify("
            "document.querySelector('#timeline-graph .js-plotly-plot').layout.yaxis.ticktext)"
        )
    )
    assert set(lanes) == DEMO_AGENCIES
    assert len(lanes) == len(DEMO_AGENCIES)
    tick_labels = page.locator("#timeline-graph .ytick text").all_text_contents()
    assert set(tick_labels) == DEMO_AGENCIES
    page.wait_for_timeout(1000)
    routed = [body for body in asked if "_pages_content" in body]
    assert len(routed) == 1  # the case list's (the app's root is left to the router)
    # the case page asks for nothing on opening but the change poll: no routing, and no
    # callback fired by a store's mount
    assert [b for b in asked if "_pages_content" not in b and "tl-poll" not in b] == []
    assert page.title() == "Case timeline - RPM Timeline"
    # The chart (a lazy component, loaded with the regenerator runtime the app serves instead
    # of Dash's polyfill) parses numbers and trims text with the browser's own code, not
    # core-js's slower copies, which take U+180E for a space.
    assert page.evaluate(
        """() => [Number.isNaN(parseFloat('\\u180e1')), Number.isNaN(parseInt('\\u180e1')),
            '\\u180e'.trim() === '\\u180e']"""
    ) == [True, True, True]
    # the app's own plotly.js: the three trace types it draws (app/plotly_bundle.py)
    drawable = page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert drawable == ["bar", "scatter", "scattergl"]
    # Dash's renderer took the answers the page had asked for while its scripts loaded
    # (app/server.py), and asked for no second copy.
    initiators = page.evaluate(
        """() => ['_dash-layout', '_dash-dependencies'].map((path) => performance
            .getEntriesByType('resource').filter((r) => new URL(r.name).pathname === '/' + path)
            .map((r) => r.initiatorType))"""
    )
    assert initiators == [["link"], ["link"]]
    screenshot(page, "timeline-demo")


def test_wrong_password_is_refused(server, page):
    sign_in(page, server, password="not-the-password")
    assert page.locator("#login-error").inner_text() == "The user name or password is not right."
    page.goto(server)
    assert "/login" in page.url


def test_page_and_callback_without_sign_in_are_refused(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        request = urllib.request.Request(
            server + "_dash-update-component",
            data=json.dumps({"output": "x.children", "inputs": [], "changedPropIds": []}).encode(),
            headers={"Content-Type": "application/json", "Origin": server.rstrip("/")},
            method="POST",
        )
        urllib.request.urlopen(request)
    assert refused.value.code == 401

    # A page request is redirected to sign-in, and nothing of the case is served.
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(server + "cases/DEMO-J")
    assert redirected.value.code == 302
    assert "/login?next=/cases/DEMO-J" in redirected.value.headers["Location"]
    for path in ("_dash-layout", "_dash-dependencies"):
        with pytest.raises(urllib.error.HTTPError) as layout_refused:
            opener.open(server + path)
        assert layout_refused.value.code in (302, 401)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
