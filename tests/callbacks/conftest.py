"""One app for the tier (Dash registers pages and callbacks once per process); each test
points it at its own copy of the complete RPM case."""

from __future__ import annotations

import shutil

import pytest

from data.store import Store
from tests.support.callbacks import make_app


@pytest.fixture(scope="session")
def callbacks_app(tmp_path_factory, rpm_template):
    path = tmp_path_factory.mktemp("callbacks") / "app.duckdb"
    shutil.copyfile(rpm_template, path)
    store = Store(path)
    yield make_app(store, path)
    store.close()


@pytest.fixture
def rpm_app(tmp_path, rpm_template, callbacks_app):
    """(app, store): the app reading this test's own copy of the RPM case."""
    path = tmp_path / "rpm.duckdb"
    shutil.copyfile(rpm_template, path)
    store = Store(path)
    before = callbacks_app.server.config["RPM_STORE"]
    callbacks_app.server.config["RPM_STORE"] = store
    yield callbacks_app, store
    callbacks_app.server.config["RPM_STORE"] = before
    store.close()
