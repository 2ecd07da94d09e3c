"""Event categories in the browser: one legend on every case, key categories and the category
filter, lanes by category, the upload preview's mapping (shown, changed, saved and proposed
again), the admin page (changes recorded and re-applied), accessibility (axe-core)."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from tests.support.browser import (
    RINGED_EVENTS,
    choose_agency,
    screenshot,
    serious_violations,
    show_chronology,
    sign_in_by_request,
    tick,
    wait_for_chart,
)
from tests.support.server import served

pytestmark = pytest.mark.browser

SECOND_CASE = (
    "date,event_type,summary\n"
    "01/02/2019,MASH referral,a\n"
    "02/02/2019,Strategy discussion,b\n"
    "03/03/2019,ICPC,c\n"
    "05/05/2019,Missing from home,d\n"
)


@pytest.fixture(scope="module")
def cat_server(tmp_path_factory, demo_template):
    from data import cases
    from data.ingest import ingest_file
    from data.store import Store

    tmp_dir = tmp_path_factory.mktemp("cat-server")
    shutil.copyfile(demo_template, tmp_dir / "rpm.duckdb")  # the demo case alone, seeded once
    store = Store(tmp_dir / "rpm.duckdb")
    cases.add_case(store, "CAT-2", date_of_birth=date(2012, 1, 1))
    extract = tmp_dir / "second.csv"
    extract.write_text(SECOND_CASE, encoding="utf-8")
    ingest_file(store, "CAT-2", "Children's Social Care", extract)
    store.close()
    with served(tmp_dir) as url:
        yield url


def legend_and_markers(page, url, ref):
    page.goto(url + f"cases/{ref}")
    wait_for_chart(page)
    legend = page.eval_on_selector_all(  # the key's entries shown
        "#tl-cat-legend li:not([hidden]) > [data-trace]", "els => els.map(e => e.textContent)"
    )
    markers = page.evaluate(
        """() => document.querySelector('#timeline-graph .js-plotly-plot').data
              .filter(t => t.mode === 'markers' && t.legendrank >= 10 && t.legendrank < 100)
              .map(t => [t.name, t.marker.color, t.marker.size])"""
    )
    return legend, markers


def test_two_cases_use_the_same_legend_and_markers(cat_server, page):
    from data.category_list import SHIPPED_CATEGORIES

    sign_in_by_request(page, cat_server)
    demo_legend, demo_markers = legend_and_markers(page, cat_server, "DEMO-J")
    screenshot(page, "categories-demo")
    other_legend, other_markers = legend_and_markers(page, cat_server, "CAT-2")
    screenshot(page, "categories-second-case")
    assert demo_legend == other_legend
    assert demo_markers == other_markers
    names = [c.name for c in SHIPPED_CATEGORIES]
    assert [m[0] for m in demo_markers] == names  # every category, even with no events here
    assert set(names) <= set(demo_legend)
    # the agency's own type and the category are both in the hover text
    texts = page.evaluate(
        "() => document.querySelector('#timeline-graph .js-plotly-plot').data"
        ".flatMap(t => t.text || [])"
    )
    assert any("MASH referral <i>(Referral and contact)</i>" in t for t in texts)


def test_key_categories_draw_larger_and_the_filter_keeps_a_category(cat_server, page):
    sign_in_by_request(page, cat_server)
    page.goto(cat_server + "cases/CAT-2")
    wait_for_chart(page)
    page.click("#tl-types-menu summary")  # categories and types, key categories
    tick(page.locator("#tl-key-categories input[value='Missing and exploitation']"))
    page.wait_for_function(
        """() => {
            const d = document.querySelector('#timeline-graph .js-plotly-plot').data;
            const m = d.find(t => t.name === 'Missing and exploitation');
            const r = d.find(t => t.name === 'Referral and contact');
            return m && r && m.marker.size > r.marker.size;
        }"""
    )
    page.reload()  # saved with the case
    wait_for_chart(page)
    assert page.is_checked("#tl-key-categories input[value='Missing and exploitation']")
    # and its picture in the key above the chart too
    assert page.evaluate(PICTURES, "Missing and exploitation")[1] == "22px"
    assert page.evaluate(PICTURES, "Referral and contact")[1] == "16px"
    page.click("#tl-types-menu summary")
    tick(page.locator("#tl-types input[value='category:Child protection']"))
    page.wait_for_function(
        """() => {
            const d = document.querySelector('#timeline-graph .js-plotly-plot').data;
            const count = n => { const t = d.find(t => t.name === n); return t && t.customdata ? t.customdata.length : 0; };
            return count('Child protection') === 1 && count('Referral and contact') === 0;
        }"""
    )
    assert "type=category" in page.url
    screenshot(page, "categories-key-and-filter")


def test_lanes_by_category_and_details_and_table_name_type_and_category(cat_server, page):
    sign_in_by_request(page, cat_server)
    page.goto(cat_server + "cases/CAT-2")
    wait_for_chart(page)
    page.click("#tl-lanes-menu summary")
    tick(page.locator("#tl-lane-by input[value='category']"))
    page.wait_for_function(
        """() => {
            const gd = document.querySelector('#timeline-graph .js-plotly-plot');
            return gd.layout.yaxis.ticktext.join('|') === [
                'Referral and contact', 'Strategy and Section 47', 'Child protection',
                'Missing and exploitation'].join('|');
        }"""
    )
    assert "lanes=category" in page.url
    page.click("#tl-lanes-menu summary")
    show_chronology(page)
    page.click("#tl-chronology button >> nth=0")
    page.wait_for_selector("#tl-event-details")
    details = page.inner_text("#tl-event-details")
    assert "Referral and contact" in details and "MASH referral" in details
    first_row = page.inner_text("#tl-chronology tbody tr >> nth=0")
    assert "MASH referral" in first_row and "Referral and contact" in first_row
    # the selected ring sits on the event's marker, in its category's lane (the first)
    event_id = int(page.get_attribute("#tl-details [data-event-id]", "data-event-id"))
    page.wait_for_function(f"() => ({RINGED_EVENTS})().includes({event_id})")
    lane = page.evaluate(
        """(id) => { for (const t of document.querySelector('#timeline-graph .js-plotly-plot')
                          ._fullData) {
            const at = Array.from(t.customdata || []).map(Number).indexOf(id);
            if (t.mode === 'markers' && t.legendrank < 100 && at >= 0) { return t.y[at]; }
        } }""",
        event_id,
    )
    assert lane == 0
    screenshot(page, "categories-lanes")


def preview_upload(page, upload_url: str, agency: str, path) -> None:
    """Choose the agency and the file on the upload page, up to its preview's categories."""
    page.goto(upload_url)
    choose_agency(page, agency)
    page.set_input_files("#upload-file input[type=file]", str(path))
    page.wait_for_selector("#upload-categories-table", timeout=90_000)


def test_upload_preview_shows_changes_saves_and_proposes_the_mapping_again(
    cat_server, page, tmp_path
):
    first = tmp_path / "housing-1.csv"
    first.write_text("date,event_type,summary\n01/01/2020,Zzyzx record,a\n", encoding="utf-8")
    second = tmp_path / "housing-2.csv"
    second.write_text("date,event_type,summary\n02/01/2020,Zzyzx record,b\n", encoding="utf-8")
    chooser = "#upload-categories-table select"
    sign_in_by_request(page, cat_server)
    preview_upload(page, cat_server + "cases/CAT-2/upload", "Housing", first)
    row = page.inner_text("#upload-categories-table tbody tr")
    assert "Zzyzx record" in row and "proposed from the words" in row
    assert page.input_value(chooser) == "Other"
    assert "match no rule and will be Other" in page.inner_text("#upload-categories")
    assert serious_violations(page) == []  # the preview's categories section
    page.select_option(chooser, "Housing and moves")
    page.click("#upload-confirm")
    page.wait_for_selector("#upload-done")
    # the next upload from the agency proposes what was chosen
    preview_upload(page, cat_server + "cases/CAT-2/upload", "Housing", second)
    assert page.input_value(chooser) == "Housing and moves"
    assert "chosen before" in page.inner_text("#upload-categories-table tbody tr")
    screenshot(page, "categories-upload")


def test_admin_page_renames_and_axe_finds_nothing_serious(cat_server, page):
    sign_in_by_request(page, cat_server)
    page.goto(cat_server + "admin/categories")
    page.wait_for_selector("#cat-table")
    assert serious_violations(page) == []
    page.select_option("#cat-rename-from", "Concern and disclosure")
    page.fill("#cat-rename-to", "Concerns raised")
    page.click("#cat-rename")
    page.wait_for_selector("text=Renamed Concern and disclosure to Concerns raised")
    assert "Concerns raised" in page.inner_text("#cat-table")
    # recorded, with how many stored events moved with it
    history = page.inner_text("#cat-history")
    assert "renamed category Concern and disclosure to Concerns raised" in history
    assert "events re-categorised" in history
    screenshot(page, "categories-admin")
    page.goto(cat_server + "cases/DEMO-J")
    wait_for_chart(page)
    assert "Concerns raised" in page.inner_text("#tl-cat-legend")  # the key above the chart
    assert serious_violations(page) == []


# The category trace named `name`: its visibility on the chart and its key entry's state.
TOGGLED = """(name) => {
    const gd = document.querySelector('#timeline-graph .js-plotly-plot');
    const at = gd.data.findIndex(t => t.name === name);
    const button = document.querySelector(`#tl-cat-legend button[data-trace="${at}"]`);
    const drawn = Array.from(gd.querySelectorAll('.scatterlayer .trace'))
        .filter(el => el.__data__[0].trace.index === at);
    return [gd._fullData[at].visible, button.getAttribute('aria-pressed'),
            drawn.reduce((n, el) => n + el.querySelectorAll('.point').length, 0)];
}"""
# an entry's picture (the key's button's ::before): how its background starts, its width, opacity
PICTURES = """(name) => {
    const button = [...document.querySelectorAll('#tl-cat-legend button')]
        .find((b) => b.textContent === name);
    const picture = getComputedStyle(button, '::before');
    return [picture.backgroundImage.slice(0, 24), picture.width, picture.opacity];
}"""


def test_the_key_hides_and_shows_a_category_by_mouse_and_keyboard_through_a_filter(
    cat_server, page
):
    sign_in_by_request(page, cat_server)
    page.goto(cat_server + "cases/DEMO-J")
    wait_for_chart(page)
    shown = page.evaluate(TOGGLED, "Health contact")
    assert shown[:2] == [True, "true"] and shown[2] > 0
    # each entry's picture is drawn before its name (its own background), faint while its
    # marks are hidden
    assert page.evaluate(PICTURES, "Health contact") == ['url("data:image/svg+xml;', "16px", "1"]
    page.click("#tl-cat-legend button:has-text('Health contact')")
    page.wait_for_function(f"() => ({TOGGLED})('Health contact')[0] === 'legendonly'")
    assert page.evaluate(TOGGLED, "Health contact")[1:] == ["false", 0]
    assert page.evaluate(PICTURES, "Health contact")[2] == "0.35"
    # a filter redraws the traces from the server: the category stays hidden
    page.click("#tl-lanes-menu summary")
    page.uncheck("#tl-agencies input[value='Police']")
    page.wait_for_function(
        """() => !document.querySelector('#timeline-graph .js-plotly-plot').layout
            .yaxis.ticktext.includes('Police')"""
    )
    assert page.evaluate(TOGGLED, "Health contact")[:2] == ["legendonly", "false"]
    # from the keyboard: the key's buttons are reached and pressed like any other
    page.focus("#tl-cat-legend button:has-text('Health contact')")
    page.keyboard.press("Space")
    page.wait_for_function(f"() => ({TOGGLED})('Health contact')[0] === true")
    assert page.evaluate(TOGGLED, "Health contact")[1] == "true"
    assert serious_violations(page) == []
