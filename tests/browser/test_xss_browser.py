"""Stored cross-site scripting (and, on the admin pages, accessibility checked with axe): markup in every text field users or extracts supply is shown as
inert text on every page, and formula-looking cells are neutralised in every CSV download.

The Content-Security-Policy would block inline event handlers even if escaping failed, so the
test does not rely on "no script ran" alone: it also checks that no element from the payloads
was created, that the browser reported no CSP violation, and that the text is shown literally.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from tests.support.browser import screenshot, sign_in
from tests.support.server import ADMIN_PASSWORD, served

IMG = '<img src=x onerror="window.__xss=1">'
SVG = "<svg/onload=window.__xss=2>"
SCRIPT = "<script>window.__xss=3</script>"
LABEL = "Child <b>X</b>" + IMG
AGENCY = "Agency " + SVG
FILE_NAME = "extract" + IMG.replace('"', "") + ".csv"
USER = "user" + SVG
USER_AGENCY = "Team " + IMG
EXTRACT = (
    "date,event_type,summary,source_ref,notes " + IMG.replace('"', "") + "\n"
    f'2016-01-02,"Visit {SVG}","{SCRIPT} and {IMG.replace(chr(34), chr(34) * 2)}",'
    '"=HYPERLINK(""http://evil"")","+cmd|\' /C calc\'!A0"\n'
    '2016-02-03,Call,"@SUM(1,2)","-2+3",plain\n'
)
WATCH = """() => {
  window.__violations = window.__violations || [];
  document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    e.violatedDirective + ' ' + (e.sample || '')));
}"""
INJECTED = """() => ({
  flag: window.__xss === undefined ? null : window.__xss,
  img: document.querySelectorAll('img[src="x"]').length,
  svg: document.querySelectorAll('svg[onload]').length,
  script: [...document.scripts].filter(s => s.textContent.includes('__xss')).length,
  bold: document.querySelectorAll('main b').length,
  violations: window.__violations || [],
})"""
POINT = """() => {
  const gd = document.querySelector('#timeline-graph .js-plotly-plot');
  // the "Visit ..." event carries the script payload in its summary (traces are categories:
  // find the point whose hover text names its type)
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  for (const t of gd._fullData) {
    const i = Array.from(t.text || []).findIndex(h => String(h).includes('Visit'));
    if (i >= 0) {
      const box = gd.getBoundingClientRect();
      return [box.left + xa._offset + xa.l2p(t.x[i]), box.top + ya._offset + ya.l2p(t.y[i])];
    }
  }
  return null;
}"""
CLEAN = {"flag": None, "img": 0, "svg": 0, "script": 0, "bold": 0, "violations": []}


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory):
    from data.actor import SYSTEM
    from data.cases import add_case
    from data.events import CHRONOLOGY_COLUMNS, chronology_rows
    from data.exports import csv_text
    from data.ingest import ingest_file
    from data.store import Store
    from data.users import add_user

    tmp = tmp_path_factory.mktemp("xss")
    extract = tmp / FILE_NAME
    extract.write_text(EXTRACT, encoding="utf-8")
    store = Store(tmp / "rpm.duckdb")
    add_user(store, "admin", "admin", ADMIN_PASSWORD)
    add_case(store, "XSS-1", date_of_birth=date(2014, 3, 11), label=LABEL)
    ingest_file(store, "XSS-1", AGENCY, extract, uploaded_by="test")
    add_user(store, USER, "agency", "a long pass phrase", agency=USER_AGENCY)
    # The chronology export, exactly as `rpm-timeline chronology` writes it.
    chronology = csv_text(CHRONOLOGY_COLUMNS, chronology_rows(store, SYSTEM, "XSS-1"))
    store.close()
    with served(tmp) as url:
        yield url, chronology


def assert_accessible(page):
    """axe-core finds no WCAG violation on the page (labels, contrast, landmarks...)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert [(v["id"], v["help"]) for v in violations] == []


def visit(page, url, path, ready):
    page.goto(url + path)
    page.wait_for_selector(ready, timeout=20_000)
    page.wait_for_timeout(300)
    assert page.evaluate(INJECTED) == CLEAN, path


def test_payloads_are_inert_text_on_every_page(xss_server, page):
    url, _ = xss_server
    page.add_init_script(WATCH)
    sign_in(page, url, "admin", ADMIN_PASSWORD)

    visit(page, url, "", "#case-table")
    assert LABEL in page.inner_text("#case-table")

    visit(page, url, "cases/XSS-1", "#timeline-graph .js-plotly-plot")
    assert LABEL in page.inner_text("main h1")
    # The timeline draws (WebGL works under the CSP) and its lanes and hover text stay text.
    page.wait_for_function(
        "() => document.querySelector('#timeline-graph .js-plotly-plot')?.data?.length > 0"
    )
    assert "WebGL is not supported" not in page.inner_text("main")
    assert AGENCY in page.locator("#timeline-graph .ytick text").all_text_contents()
    x, y = page.evaluate(POINT)
    page.mouse.move(x, y)
    page.locator("#timeline-graph .hoverlayer .hovertext").wait_for(timeout=5000)
    page.wait_for_timeout(300)
    hover = page.locator("#timeline-graph .hoverlayer").text_content()
    assert SCRIPT in hover, hover
    assert page.evaluate(INJECTED) == CLEAN
    screenshot(page, "xss-timeline")

    visit(page, url, "admin/users", "#accounts-table")
    table = page.inner_text("#accounts-table")
    assert USER in table and USER_AGENCY in table
    assert_accessible(page)

    visit(page, url, "admin/audit", "#audit-table")
    audit_text = page.inner_text("#audit-table")
    assert FILE_NAME in audit_text and USER in audit_text
    assert_accessible(page)
    screenshot(page, "xss-audit")

    # And the audit CSV download: payloads as text, formulas neutralised.
    with page.expect_download() as download_info:
        page.click("#audit-download-button")
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert FILE_NAME in text
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert page.evaluate(INJECTED) == CLEAN


def test_chronology_export_keeps_payloads_as_text_and_neutralises_formulas(xss_server):
    _, chronology = xss_server
    rows = list(csv.reader(io.StringIO(chronology)))
    cells = [c for row in rows[1:] for c in row]
    assert f"{SCRIPT} and {IMG}" in cells
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@SUM(1,2)" in cells
    assert "'-2+3" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
