"""Shared fixtures (a store on a temporary DuckDB file, a demo database) and the tiers.

Tests live in one folder per tier, and each test is marked with its tier, so `pytest -m unit`
or `pytest tests/store` runs one: unit (pure functions), store (the data layer on a real
DuckDB file), callbacks (page layouts and callbacks called as plain functions inside a
request), cli (the command line in a subprocess), http (the real server over HTTP), browser
(headless Chromium). Helpers the tiers share live in `tests/support`; tests never import
another test module.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from data.demo import seed_demo
from tests.support.browser import chromium_or_skip
from tests.support.templates import copy_of, shared_template

# Fixtures of a complete RPM case: rpm_template, rpm_store.
pytest_plugins = ["tests.support.rpm_case"]

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "store", "callbacks", "cli", "http", "browser")
# The order files are run in: the tiers whose files take longest first (a server, Chromium),
# the many small files last, so that with `-n 2 --dist loadfile` the two workers end together
# instead of one finishing a long browser file while the other waits.
RUN_ORDER = ("browser", "http", "cli", "store", "callbacks", "unit")


def _tier(item) -> str:
    return Path(item.fspath).resolve().relative_to(TESTS).parts[0]


def pytest_configure(config):
    # xdist otherwise hands out the files with the most tests first, whatever their length,
    # which leaves the long one-test browser walkthroughs to the end of the run.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


@pytest.hookimpl(tryfirst=True)  # before -m selects on the markers
def pytest_collection_modifyitems(items):
    for item in items:
        tier = _tier(item)
        if tier in TIERS:
            item.add_marker(tier)
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker("chromium")
    # A stable sort: each file's tests stay together and in their order.
    last = len(RUN_ORDER)
    items.sort(key=lambda item: RUN_ORDER.index(t) if (t := _tier(item)) in RUN_ORDER else last)


_SKIPPED_BROWSER_TESTS: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and ("browser" in report.keywords or "chromium" in report.keywords):
        _SKIPPED_BROWSER_TESTS.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped browser test (or another test needing Chromium) is a failure: the suite
    must have driven every page and drawn every image."""
    if os.environ.get("CI") and _SKIPPED_BROWSER_TESTS and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nCI: {len(_SKIPPED_BROWSER_TESTS)} browser tests were skipped, e.g.")
        print("\n".join(f"  {nodeid}" for nodeid in _SKIPPED_BROWSER_TESTS[:5]))


@pytest.fixture
def chromium():
    """The path of Debian's Chromium, for a test outside the browser tier that needs it (the
    timeline image in documents is drawn by it); skipped with the reason when it is missing,
    failed in CI. Such a test is marked `chromium`."""
    return chromium_or_skip()


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory):
    """An empty database with every migration applied, built once: opening a new file runs
    them all (a third of a second of work, a second or more on a busy machine, for each of the
    hundreds of tests that take `store`); a copy opens in a tenth of that."""
    return shared_template(tmp_path_factory, "empty", "test.duckdb", lambda store: None)


@pytest.fixture
def store(tmp_path, empty_template):
    with copy_of(empty_template, tmp_path) as s:
        yield s


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    # The demo case alone, without the CRC's synthetic cases.
    return shared_template(
        tmp_path_factory, "demo", "demo.duckdb", lambda store: seed_demo(store, crc_cases=False)
    )


@pytest.fixture(scope="session")
def served_demo_template(tmp_path_factory):
    """The demo case and the CRC's synthetic cases (`seed_demo`), built once: a server started
    on a copy skips the seeding (seconds on a busy machine). Unlike `serve --demo`, which makes
    the admin account first, it has no accounts, so the demo is not set up for RPM
    (`seed_demo_rpm` needs admin); the browser tier's `server` is `serve --demo` itself."""
    return shared_template(tmp_path_factory, "served-demo", "rpm.duckdb", seed_demo)


@pytest.fixture
def demo_store(tmp_path, demo_template):
    with copy_of(demo_template, tmp_path) as store:
        yield store
