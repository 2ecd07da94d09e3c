"""The CRC explorer's callbacks on the demo's synthetic signed cases, as plain functions: what
the explorer says and refuses while the patterns of records signed before the lenses reached
the committee are still being written."""

from __future__ import annotations

import dataclasses

import pytest
from dash import no_update

from app.panels.publish import publish_bundle
from data.committee_patterns import count_missing_patterns, write_missing_patterns
from data.users import add_user
from tests.support.callbacks import as_user, page, text_of
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
