"""The pooled explorer over four fictional partnerships' bundles, and the Publish button, in a
real browser: partnership as filter and dimension, per-partnership suppression, no console
errors, axe clean, screenshots at 1920x1080 and 1366x768."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pytest

from data.demo.bundles import write_demo_bundles
from tests.support.browser import screenshot, serious_violations, sign_in, tick
from tests.support.crc_figures import (
    PICTURE_TEXTS_JS,
    TABLE_CELLS_JS,
    aligned_with_case_rows,
    picture_holds_no_count,
    small_cells,
)
from tests.support.server import served

REGION = (
    ("HAMPSHIRE", "Hampshire (fictional)", 12),
    ("ISLE-OF-WIGHT", "Isle of Wight (fictional)", 5),
    ("PORTSMOUTH", "Portsmouth (fictional)", 9),
    ("SOUTHAMPTON", "Southampton (fictional)", 8),
)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    """The folder `bundles/` of four fictional partnerships' bundles."""
    bundles = tmp_path_factory.mktemp("pooled") / "bundles"
    write_demo_bundles(bundles, REGION)
    return bundles


@pytest.fixture(scope="module")
def pooled_server(region):
    with served(region.parent, command=("crc", "serve-pooled", str(region))) as url:
        yield url


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _cells(page, table_id: str) -> dict[str, list[str]]:
    """Header -> column of cell texts (the row headers' under the first) of a count table."""
    header = [h.strip() for h in page.locator(f"#{table_id} thead th").all_inner_texts()]
    rows = [
        [t.strip() for t in r.locator("th, td").all_inner_texts()]
        for r in page.locator(f"#{table_id} tbody tr").all()
    ]
    return {h: [r[i] for r in rows] for i, h in enumerate(header)}


@pytest.mark.parametrize("viewport", [(1920, 1080), (1366, 768)])
def test_pooled_explorer_by_partnership(pooled_server, browser, viewport):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    errors = _errors(page)
    sign_in(page, pooled_server)
    page.goto(pooled_server + "crc")
    page.wait_for_selector("#crc-table-themes-partnership td", timeout=30_000)
    assert page.inner_text("h1") == "Regional and national learning explorer"
    assert "Pooled from 4 partnerships' published bundles" in page.inner_text("main")
    # Case summaries are never published; nor can a pooled explorer publish.
    assert page.locator("label:has-text('Case summary')").count() == 0
    assert page.locator("#crc-publish").count() == 0
    pooled = _cells(page, "crc-table-themes-partnership")
    # a partnership a row; the most frequent themes a column each, the others added up
    assert pooled["Partnership"] == [*[c for c, _, _ in REGION], "Total"]
    assert list(pooled)[-2:] == ["Other themes", "Total"] and len(pooled) == 11
    screenshot(page, f"pooled-explorer-{viewport[0]}")
    assert serious_violations(page) == []

    before = page.inner_text("#crc-case-count")
    page.click("summary:has-text('Partnership')")
    tick(page.get_by_label("Isle of Wight (fictional) (ISLE-OF-WIGHT)"))
    page.wait_for_function(
        "(b) => document.querySelector('#crc-case-count').innerText !== b", arg=before
    )
    assert page.inner_text("#crc-partnership-chosen") == "(1 chosen)"
    # Five cases alone: nothing is shown or sent for so small a group (differencing rule).
    assert page.inner_text("#crc-case-count") == "Cases selected: not shown"
    assert "fewer than 6 cases match" in page.inner_text("#crc-refused")
    screenshot(page, f"pooled-explorer-one-partnership-{viewport[0]}")
    page.get_by_label("Isle of Wight (fictional) (ISLE-OF-WIGHT)").uncheck()
    page.wait_for_function(
        "() => /Cases selected: \\d+/.test(document.querySelector('#crc-case-count').innerText)"
    )

    page.click("label:has-text('Aligned journeys')")
    page.wait_for_selector("#crc-table-density-data td", timeout=30_000)
    assert serious_violations(page) == []
    assert errors == []
    context.close()


def test_admin_publishes_a_bundle_from_the_explorer(tmp_path, page):
    out = tmp_path / "published"
    with served(
        tmp_path, env={"RPM_PARTNERSHIP_CODE": "portsmouth", "RPM_PUBLISH_DIR": str(out)}
    ) as url:
        errors = _errors(page)
        sign_in(page, url)
        page.goto(url + "crc")
        page.wait_for_selector("#crc-publish")
        with page.expect_download() as download:
            page.click("#crc-publish")
        page.wait_for_selector("#crc-publish-result:has-text('Published PORTSMOUTH_')")
        data = Path(download.value.path()).read_bytes()
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        (folder,) = list(out.iterdir())
        assert download.value.suggested_filename == f"{folder.name}.zip"
        assert f"{folder.name}/manifest.json" in names
        assert f"{folder.name}/crc_events.parquet" in names
        assert errors == []


def test_the_docs_duckdb_query_answers_as_the_regional_explorer_shows(
    region, pooled_server, page, monkeypatch
):
    """The same four bundles: the first DuckDB query of docs/pooled.md, run where they lie,
    gives the counts the explorer's "Themes by partnership" table shows, and hides the same
    small ones (the explorer hides some more, so that no hidden count can be worked out from
    its totals)."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "pooled.md").read_text()
    query = doc.split("## DuckDB")[1].split("```sql\n")[1].split("```")[0]
    monkeypatch.chdir(region.parent)
    answer = duckdb.sql(query).fetchall()
    assert {p for p, _, _ in answer} == {c for c, _, _ in REGION}
    sign_in(page, pooled_server)
    page.goto(pooled_server + "crc")
    page.wait_for_selector("#crc-table-themes-partnership td", timeout=30_000)
    shown = _cells(page, "crc-table-themes-partnership")
    themes = [t for t in shown if t not in ("Partnership", "Other themes", "Total")]
    cells = {
        (code, theme): value
        for theme in themes
        for code, value in zip(shown["Partnership"], shown[theme], strict=True)
        if code != "Total"
    }
    docs = {(partnership, theme): n for partnership, theme, n in answer if theme in themes}
    for cell, n in docs.items():
        assert cells[cell] == n or (cells[cell] == "c" and n != "c"), cell
    for (code, theme), value in cells.items():
        if value not in ("c", "0"):
            assert docs[(code, theme)] == value
        if value == "0":
            assert (code, theme) not in docs
    assert any(n != "c" for n in docs.values()) and any(n == "c" for n in docs.values())


def test_what_the_pooled_explorer_sends_has_no_case_key_nor_count_from_1_to_5(
    region, pooled_server, page
):
    """Read from what the browser receives (every Dash response) and holds (the case rows'
    data): no bundle's case key, and, with two partnerships chosen and suppressed on their own,
    no count from 1 to 5 in a table or a figure, the aligned view's case rows included."""
    keys = {
        k
        for (k,) in duckdb.sql(
            f"SELECT case_key FROM read_parquet('{region}/*/crc_cases.parquet')"
        ).fetchall()
    }
    responses = []
    errors = _errors(page)
    sign_in(page, pooled_server)
    # the explorer's own (a response of the page signed in on is gone once it is left)
    page.on(
        "response",
        lambda r: (
            responses.append(r) if "/_dash-" in r.url and r.frame.url.endswith("/crc") else None
        ),
    )
    page.goto(pooled_server + "crc")
    page.wait_for_selector("#crc-table-themes-partnership td", timeout=30_000)
    page.click("summary:has-text('Partnership')")
    tick(page.get_by_label("Hampshire (fictional) (HAMPSHIRE)"))
    tick(page.get_by_label("Portsmouth (fictional) (PORTSMOUTH)"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('#crc-table-themes-partnership tbody th')]"
        ".map(h => h.innerText.trim()).join(',') === 'HAMPSHIRE,PORTSMOUTH,Total'"
    )
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading]')")
    cells = _cells(page, "crc-table-themes-partnership")
    values = [v for column in list(cells.values())[1:] for v in column]
    assert "c" in values and all(v in ("c", "0") or int(v) >= 6 for v in values)
    shown = page.evaluate(TABLE_CELLS_JS)
    aligned_with_case_rows(page)
    shown += page.evaluate(TABLE_CELLS_JS)
    assert small_cells(shown) == []
    assert picture_holds_no_count(page.evaluate(PICTURE_TEXTS_JS))
    received = [page.content(), *(r.text() for r in responses)]
    assert len(received) > 5
    assert not [k for k in keys if any(k in text for text in received)]
    assert errors == []
