"""The CRC explorer in a real browser, and its refusals for agency and chair users (page and a
hand-made callback request)."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from data.store import Store
from data.users import add_user
from tests.support.browser import first_case_summary, screenshot, serious_violations, sign_in, tick
from tests.support.crc_figures import (
    PICTURE_TEXTS_JS,
    TABLE_CELLS_JS,
    aligned_with_case_rows,
    picture_holds_no_count,
    small_cells,
    table_rows,
)
from tests.support.dash_http import signed_in_opener
from tests.support.server import served

PASSWORD = "crc-test-password"
FILTER_IDS = (
    "crc-year", "crc-age", "crc-agency", "crc-theme", "crc-stage", "crc-scope", "crc-partnership"
)  # fmt: skip


@pytest.fixture(scope="module")
def crc_server(tmp_path_factory, served_demo_template):
    """The demo (with its synthetic closed cases) and one user of each role but admin."""
    tmp_dir = tmp_path_factory.mktemp("crc-server")
    shutil.copyfile(served_demo_template, tmp_dir / "rpm.duckdb")
    store = Store(tmp_dir / "rpm.duckdb")
    add_user(store, "committee", "crc", PASSWORD)
    add_user(store, "officer", "agency", PASSWORD, agency="Police")
    add_user(store, "chairperson", "chair", PASSWORD)
    store.close()
    with served(tmp_dir) as url:
        yield url


def render_tab_request(tab: str = "themes") -> bytes:
    """The body Dash sends for the explorer's main callback (`render_tab`)."""
    return json.dumps(
        {
            "output": "..crc-case-count.children...crc-tab-content.children..."
            "crc-tab-content.hidden...crc-refusal.children...crc-built.data..",
            "outputs": [
                {"id": "crc-case-count", "property": "children"},
                {"id": "crc-tab-content", "property": "children"},
                {"id": "crc-tab-content", "property": "hidden"},
                {"id": "crc-refusal", "property": "children"},
                {"id": "crc-built", "property": "data"},
            ],
            "inputs": [
                {"id": "crc-tabs", "property": "value", "value": tab},
                *[
                    {"id": i, "property": "value", "value": "all" if i == "crc-scope" else None}
                    for i in FILTER_IDS
                ],
            ],
            "changedPropIds": ["crc-tabs.value"],
            "state": [{"id": "crc-built", "property": "data", "value": None}],
        }
    ).encode()


def update_aligned_request() -> bytes:
    """The body Dash sends for the aligned view's callback (`update_aligned`)."""
    outputs = [
        {"id": "crc-aligned-count", "property": "children"},
        {"id": "crc-heatmap", "property": "children"},
        {"id": "crc-category-counts", "property": "children"},
        {"id": "crc-case-rows-box", "property": "children"},
        {"id": "crc-rows-show", "property": "hidden"},
    ]
    return json.dumps(
        {
            "output": "..crc-aligned-count.children...crc-heatmap.children..."
            "crc-category-counts.children...crc-case-rows-box.children..."
            "crc-rows-show.hidden..",
            "outputs": outputs,
            "inputs": [
                {"id": "crc-anchor", "property": "value", "value": "Referral"},
                {"id": "crc-window", "property": "value", "value": "24"},
                *[
                    {"id": i, "property": "value", "value": "all" if i == "crc-scope" else None}
                    for i in FILTER_IDS
                ],
                {"id": "crc-rows-show", "property": "n_clicks", "value": 1},
            ],
            "changedPropIds": ["crc-anchor.value"],
            "state": [],
        }
    ).encode()


def post_callback(opener, url: str, body: bytes):
    request = urllib.request.Request(
        url + "_dash-update-component",
        data=body,
        headers={"Content-Type": "application/json", "Origin": url.rstrip("/")},
        method="POST",
    )
    return opener.open(request)


@pytest.mark.parametrize("username", ["officer", "chairperson"])
def test_agency_and_chair_users_are_refused_the_explorer_callbacks(crc_server, username):
    opener = signed_in_opener(crc_server, username, PASSWORD)
    bodies = [render_tab_request(tab) for tab in ("themes", "aligned", "summary")]
    for body in [*bodies, update_aligned_request()]:
        with pytest.raises(urllib.error.HTTPError) as refused:
            post_callback(opener, crc_server, body)
        assert refused.value.code == 403
        assert "CRC explorer" in json.loads(refused.value.read())["error"]
    # The same request from a committee member is answered, with counts and no case references.
    answer = post_callback(
        signed_in_opener(crc_server, "committee", PASSWORD), crc_server, render_tab_request()
    )
    text = answer.read().decode()
    assert answer.status == 200
    assert "Cases selected: " in text
    assert "DEMO-" not in text
    aligned = post_callback(
        signed_in_opener(crc_server, "committee", PASSWORD), crc_server, update_aligned_request()
    )
    assert "Cases with a Referral event: " in aligned.read().decode()


def test_agency_user_is_refused_the_explorer_page(crc_server, page):
    sign_in(page, crc_server, "officer", PASSWORD)
    page.wait_for_selector("#case-table, .alert")
    assert page.locator("a.rpm-nav-link", has_text="CRC explorer").count() == 0
    page.goto(crc_server + "crc")
    page.wait_for_selector("h1:has-text('Not available')")
    assert page.locator("#crc-year").count() == 0


def test_crc_user_is_refused_case_timelines(crc_server, page):
    sign_in(page, crc_server, "committee", PASSWORD)
    page.wait_for_selector("a.rpm-nav-link:has-text('CRC explorer')")
    page.goto(crc_server + "cases/DEMO-J")
    page.wait_for_selector("h1:has-text('Case not found')")
    assert page.locator("#timeline-graph").count() == 0


def test_crc_user_filters_by_theme_and_sees_the_aligned_view(crc_server, page):
    sign_in(page, crc_server, "committee", PASSWORD)
    page.wait_for_selector("a.rpm-nav-link:has-text('CRC explorer')")
    page.click("a.rpm-nav-link:has-text('CRC explorer')")
    page.wait_for_selector("#crc-table-themes-agency td", timeout=30_000)
    count = page.locator("#crc-case-count")
    before = count.inner_text()
    assert re.fullmatch(r"Cases selected: \d+", before)
    # A table's CSV: the table as shown, small counts as c.
    with page.expect_download() as download:
        page.click("button[aria-label^='Download CSV: Learning points by theme and agency']")
    csv = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv[0].startswith("theme,") and csv[-1].startswith("Total,")
    assert download.value.suggested_filename == "crc-themes-agency.csv"

    page.click("summary:has-text('Theme')")
    tick(page.get_by_label("Missing episodes"))
    page.wait_for_function(
        "(before) => document.querySelector('#crc-case-count').innerText !== before", arg=before
    )
    assert page.locator("#crc-theme-chosen").inner_text() == "(1 chosen)"
    # Few demo cases have this theme: nothing is shown for so small a group.
    assert count.inner_text() == "Cases selected: not shown"
    assert "fewer than 6 cases match" in page.locator("#crc-refused").inner_text()
    assert page.locator("#crc-tab-content").is_hidden()
    screenshot(page, "crc-refused-small-group")

    page.click("label:has-text('Aligned journeys')")
    page.get_by_label("Missing episodes").uncheck()
    # The density is a shaded table: a month a row, an agency a column.
    page.wait_for_selector("#crc-table-density-data td", timeout=30_000)
    months = page.locator("#crc-table-density-data tbody th").all_inner_texts()
    assert months[0] == "-24" and months[-1] == "24" and "0" in months

    # Back to all cases: the density has shown counts, and its CSV is formula-safe text.
    page.get_by_label("Missing episodes").uncheck()
    page.wait_for_function(
        "() => /Cases with a Referral and contact event: \\d+/.test("
        "document.querySelector('#crc-aligned-count').innerText)",
        timeout=30_000,
    )
    # The case rows are drawn when asked for, and follow the filters from then on.
    assert page.locator("#crc-case-rows").count() == 0
    page.click("#crc-rows-show")
    page.wait_for_function("() => document.querySelector('#crc-case-rows-picture')?.complete")
    assert page.locator("#crc-rows-show").is_hidden()
    with page.expect_download() as download:
        page.click("#crc-csv-density")
    csv = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv.splitlines()[0].startswith("agency,-24,")
    assert "DEMO-" not in csv
    assert re.search(r",c(,|$)", csv, re.MULTILINE)
    # Events by category around the anchor: every category a row, small counts as c.
    table = page.locator("#crc-table-categories-aligned-data")
    table.wait_for()
    text = table.inner_text()
    assert "Referral and contact" in text and "Month 0 and after" in text
    assert "Missing and exploitation" in text and "DEMO-" not in text
    with page.expect_download() as download:
        page.click("#crc-csv-categories")
    csv = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv[0] == "category,Before month 0,Month 0 and after,Total"
    assert any(line.startswith("Referral and contact,0,") for line in csv)
    assert csv[-1].startswith("Total,")
    page.locator("#crc-category-counts").scroll_into_view_if_needed()
    screenshot(page, "crc-aligned")
    # Once drawn, the rows follow the aligned view's choices.
    page.select_option("#crc-window", "12")
    page.wait_for_function(
        "() => document.querySelector('#crc-case-rows-picture')?.dataset.months === '-12,12'"
    )


def test_figures_sent_to_the_browser_hold_no_counts_from_1_to_5(crc_server, page):
    """What the browser holds: every cell of the themes' bars and shaded tables and of the
    density table, and the texts of the case rows' picture."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, crc_server, "committee", PASSWORD)
    page.wait_for_selector("a.rpm-nav-link:has-text('CRC explorer')")
    page.goto(crc_server + "crc")
    page.wait_for_selector("#crc-theme-bars-data td", timeout=30_000)
    # The first view draws no chart, so its page loads no charting script.
    assert page.evaluate("() => typeof window.Plotly") == "undefined"
    themes = page.evaluate(TABLE_CELLS_JS)
    # The theme tables do hide small counts: so a cell would show one if it leaked.
    assert "c" in page.inner_text("#crc-theme-bars") and "c" in themes
    aligned_with_case_rows(page)
    aligned = page.evaluate(TABLE_CELLS_JS)
    assert "c" in page.inner_text("#crc-table-density")  # hidden cells are there, shown as c
    assert small_cells(themes + aligned) == []
    assert picture_holds_no_count(page.evaluate(PICTURE_TEXTS_JS))
    # Pictures and tables: the explorer never loads the charting script.
    assert page.evaluate("() => typeof window.Plotly") == "undefined"
    screenshot(page, "crc-aligned-committee")
    assert errors == []


def test_committee_reaches_a_summary_by_case_key_only(crc_server, page):
    sign_in(page, crc_server, "committee", PASSWORD)
    page.wait_for_selector("a.rpm-nav-link:has-text('CRC explorer')")
    key, card = first_case_summary(page, crc_server)
    assert key in card and "From version 1 of the meeting record" in card
    assert "DEMO-" not in card
    screenshot(page, "crc-summary-by-key")
    href = page.get_attribute("#crc-summary-download", "href")
    assert href.endswith(f"/crc/summaries/{key}")
    opener = signed_in_opener(crc_server, "committee", PASSWORD)
    with opener.open(crc_server.rstrip("/") + href) as answer:
        assert answer.status == 200 and answer.read()[:2] == b"PK"
    # Never by the case reference, draft or not.
    for path in (
        "cases/DEMO-S01/documents/crc-summary",
        "cases/DEMO-S01/documents/crc-summary?draft=1",
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(crc_server + path)
        assert refused.value.code == 404


def test_the_patterns_tab_sends_suppressed_counts_and_no_case_or_words(crc_server, page):
    """What the server sends for the Patterns tab (the callback's JSON, its CSV) and what the
    browser shows: the demo's synthetic signed cases' patterns by agency and by category, every
    shown count 0 or 6 and over, no case reference, description or event words."""
    opener = signed_in_opener(crc_server, "committee", PASSWORD)
    answer = json.loads(post_callback(opener, crc_server, render_tab_request("patterns")).read())
    text = json.dumps(answer)
    assert "DEMO-" not in text and "No recorded contact" not in text and "Synthetic" not in text
    for table, first in (("patterns-agency", "Children's Social Care"),
                         ("patterns-category", "Referral and contact")):  # fmt: skip
        rows = table_rows(answer, f"crc-table-{table}-data")
        assert rows and rows[-1]["_row"] == "Total"
        assert first in {r["_row"] for r in rows}
        values = [v for r in rows for k, v in r.items() if k != "_row"]
        assert any(v not in ("c", "0") for v in values)
        assert all(v in ("c", "0") or int(v) >= 6 for v in values), values
    # In the browser: the tab, readable at 1366 x 768, no serious accessibility failure.
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, crc_server, "committee", PASSWORD)
    page.wait_for_selector("a.rpm-nav-link:has-text('CRC explorer')")
    page.goto(crc_server + "crc")
    page.wait_for_selector("#crc-tab-content")
    page.click("label:has-text('Patterns')")
    page.wait_for_selector("#crc-table-patterns-category-data td", timeout=30_000)
    assert "What no single agency saw" in page.inner_text("#crc-tab-content")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "crc-patterns-1366")
    assert serious_violations(page) == []
    # Its CSV is the table as sent.
    with page.expect_download() as download:
        page.click("button[aria-label^='Download CSV: Patterns the reviewer']")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("agency,Silence,") and download.value.suggested_filename == (
        "crc-patterns-agency.csv"
    )
    shown = [",".join(r.values()) for r in table_rows(answer, "crc-table-patterns-agency-data")]
    assert [line.replace('"', "") for line in lines[1:]] == shown
