"""One app for the tier (Dash registers pages and callbacks once per process); each test
points it at its own copy of the complete RPM case."""

from __future__ import annotations

import pytest

from tests.support.callbacks import make_app
from tests.support.templates import copy_of


@pytest.fixture(scope="session")
def callbacks_app(tmp_path_factory, rpm_template):
    with copy_of(rpm_template, tmp_path_factory.mktemp("callbacks")) as store:
        yield make_app(store, store.path)


@pytest.fixture
def rpm_app(tmp_path, rpm_template, callbacks_app):
    """(app, store): the app reading this test's own copy of the RPM case."""
    with copy_of(rpm_template, tmp_path) as store:
        before = callbacks_app.server.config["RPM_STORE"]
        callbacks_app.server.config["RPM_STORE"] = store
        yield callbacks_app, store
        callbacks_app.server.config["RPM_STORE"] = before
