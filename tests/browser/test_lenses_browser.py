"""The lenses tab in the browser: patterns and suggestions listed, a suggestion accepted and
counted, the known-at-the-time lens greying the chart, accessible (axe-core), at both screen
sizes, with a clean console."""

from __future__ import annotations

import pytest

from tests.support.browser import screenshot, serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_chair_shows_what_was_known_links_and_patterns(server, browser):
    for width, height in ((1920, 1080), (1366, 768)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        sign_in(page, server)
        page.wait_for_selector("#case-table")
        page.goto(server + "cases/DEMO-J")
        page.wait_for_selector("#timeline-graph .legendtext")
        page.click("#tl-tabs >> text=Lenses")
        page.wait_for_selector("#tl-lens-patterns li")
        assert "Missed appointments / was not brought" in page.inner_text("#tl-lens-patterns")
        # one line for the room first: the silence no single agency saw among them
        summary = page.inner_text("#tl-lens-summary")
        assert "What the lenses found:" in summary and "Silence: 1;" in summary
        assert serious_violations(page) == []
        if width == 1920:
            page.click("#tl-lens-suggestions button:has-text('Accept')")
            page.wait_for_selector("text=Linked: referral sent / received.")
            # the demo's two links where information stopped, and the one just accepted
            page.wait_for_selector(
                "#tl-lens-links >> text=3 links: 2 should have been shared,"
                " 1 referral sent / received"
            )
        page.select_option("#tl-lens-agency", "Children's Social Care")
        page.fill("#tl-lens-date", "11/09/2014")
        page.click("#tl-lens-apply")
        page.wait_for_selector("#tl-lens-known-note >> text=Known to Children's Social Care")
        opacities = page.evaluate(
            """() => document.querySelector('#timeline-graph .js-plotly-plot')._fullData
                  .map(t => t.marker && t.marker.opacity)
                  .filter(o => o && typeof o === 'object').map(o => Array.from(o)).flat()"""
        )
        assert any(abs(o - 0.15) < 1e-3 for o in opacities) and 1 in opacities
        # a month later by the stepper: the note and the day's line follow
        page.click("#tl-lens-forward")
        page.wait_for_selector("#tl-lens-known-note >> text=on 11 October 2014")
        # the pattern bands drawn on request, and the accepted link as a connector
        page.get_by_label("Missed appointments / was not brought", exact=True).check()
        page.wait_for_function(
            """() => (document.querySelector('#timeline-graph .js-plotly-plot').layout.shapes
                      || []).some(s => String(s.name).startsWith('pattern:was_not_brought'))"""
        )
        if width == 1920:
            linked = page.evaluate(
                """() => document.querySelector('#timeline-graph .js-plotly-plot')._fullData
                      .filter(t => t.name === 'Link: information passed')[0].x.length"""
            )
            assert linked == 3  # one link: from, to and the gap
            stopped = page.evaluate(
                """() => document.querySelector('#timeline-graph .js-plotly-plot')._fullData
                      .filter(t => t.name === 'Link: information did not travel')[0].x.length"""
            )
            assert stopped == 6  # the demo's two links where information stopped
        screenshot(page, f"lenses-{width}x{height}")
        context.close()
