"""The CRC explorer's callbacks on the demo's synthetic signed cases, as plain functions: what
each tab sends (tables that the browser draws without a chart script, no count from 1 to 5),
and what the explorer says and refuses while the patterns of records signed before the
lenses reached the committee are still being written."""

from __future__ import annotations

import dataclasses
import json

import pytest
from dash import no_update

from app.panels.publish import publish_bundle
from data.committee_patterns import count_missing_patterns, write_missing_patterns
from data.crc import DEFAULT_ANCHOR
from data.users import add_user
from tests.support.callbacks import as_user, page, text_of
from tests.support.crc_figures import components_in, table_rows
from tests.support.templates import copy_of

PASSWORD = "crc-callback-password"
NO_FILTERS = (None, None, None, None, None, "all", None)


@pytest.fixture
def explorer(tmp_path, served_demo_template, callbacks_app):
    """(app, store, committee member, administrator) on a copy of the demo's signed cases."""
    with copy_of(served_demo_template, tmp_path) as store:
        member = add_user(store, "committee", "crc", PASSWORD)
        admin = add_user(store, "admin2", "admin", PASSWORD)
        config = callbacks_app.server.config
        before = config["RPM_STORE"], config["RPM_CONFIG"]
        config["RPM_STORE"] = store
        config["RPM_CONFIG"] = dataclasses.replace(before[1], partnership_code="DEMO")
        yield callbacks_app, store, member, admin
        config["RPM_STORE"], config["RPM_CONFIG"] = before


def _tables(sent) -> dict[str, list[dict]]:
    """Every count table in what is sent: its id -> its rows."""
    ids = {c["props"]["id"] for c in components_in(sent) if c.get("type") == "Table"}
    return {i: table_rows(sent, i) for i in ids}


def _small(tables: dict[str, list[dict]]) -> list:
    return [
        (table, row["_row"], column, value)
        for table, rows in tables.items()
        for row in rows
        for column, value in row.items()
        if column != "_row" and value.isdigit() and 1 <= int(value) <= 5
    ]


def test_every_tab_sends_tables_without_a_count_from_1_to_5_and_the_first_no_chart(explorer):
    app, _store, member, _admin = explorer
    crc_page = page("crc")
    with as_user(app, member, path="/crc"):
        first = json.loads(text_of(crc_page.layout()))
        sent = {"first view": first}
        for tab, _label in crc_page.TABS:
            _count, content, hidden, refusal, _built = crc_page.render_tab(tab, *NO_FILTERS, None)
            assert not hidden and refusal is None, tab
            sent[tab] = json.loads(text_of(content))
    with as_user(app, member, triggered="crc-anchor.value"):
        sent["aligned, another window"] = json.loads(
            text_of(crc_page.update_aligned(DEFAULT_ANCHOR, "12", *NO_FILTERS, 0)[:3])
        )
    # Drawn by the browser from HTML and CSS: the page needs no chart script until asked.
    assert '"type": "Graph"' not in json.dumps(first)
    themes = _tables(first)
    assert {"crc-theme-bars-data", "crc-table-themes-agency-data"} <= set(themes)
    assert any(v == "c" for r in themes["crc-table-themes-quarter-data"] for v in r.values())
    density = _tables(sent["aligned"])["crc-table-density-data"]
    assert [r["_row"] for r in density][:2] == ["-24", "-23"] and len(density) == 49
    assert any(v == "c" for r in density for v in r.values())
    assert len(_tables(sent["aligned, another window"])["crc-table-density-data"]) == 25
    for name, answer in sent.items():
        assert _small(_tables(answer)) == [], name


def test_while_patterns_wait_to_be_written_the_explorer_says_so_and_publish_refuses(explorer):
    """After an upgrade the server writes them in the background: meanwhile the Patterns tab
    says its counts leave records out, and Publish refuses (it never writes them itself)."""
    app, store, member, admin = explorer
    with store.transaction() as cur:
        cur.execute("DELETE FROM committee_patterns")
        cur.execute("DELETE FROM committee_pattern_runs")
    waiting = count_missing_patterns(store)
    assert waiting > 0
    crc_page = page("crc")
    with as_user(app, member, path="/crc"):
        patterns = text_of(crc_page.render_tab("patterns", *NO_FILTERS, None)[1])
        assert "crc-patterns-waiting" in patterns
        assert f"patterns of {waiting} signed-off record(s) are not written yet" in patterns
        assert "crc-publish" not in text_of(crc_page.layout())  # only admins publish
    with as_user(app, admin, path="/crc"):
        assert "crc-publish-waiting" in text_of(crc_page.layout())
    with as_user(app, admin, triggered="crc-publish.n_clicks"):
        message, download = publish_bundle(1, False)
    assert message.startswith(f"Not published: the committee's patterns of {waiting} signed-off")
    assert download is no_update and store.query_one("SELECT count(*) FROM publications")[0] == 0
    write_missing_patterns(store)
    with as_user(app, member, path="/crc"):
        assert "crc-patterns-waiting" not in text_of(
            crc_page.render_tab("patterns", *NO_FILTERS, None)[1]
        )
    with as_user(app, admin, path="/crc"):
        assert "crc-publish-waiting" not in text_of(crc_page.layout())
