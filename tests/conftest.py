"""Shared fixtures: a store on a temporary DuckDB file, and a demo database."""

from __future__ import annotations

import pytest

from data.store import Store

# Fixtures of a complete RPM case (issue 6): rpm_template, rpm_store.
pytest_plugins = ["tests.rpm_case"]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture
def demo_store(store):
    from data.demo import seed_demo

    seed_demo(store, crc_cases=False)  # the demo case alone, without the CRC's synthetic cases
    return store
