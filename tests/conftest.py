"""Shared fixtures: a store on a temporary DuckDB file, and a demo database."""

from __future__ import annotations

import shutil

import pytest

from data.store import Store

# Fixtures of a complete RPM case: rpm_template, rpm_store.
pytest_plugins = ["tests.rpm_case"]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


# Seeding the demo case ingests its extracts (seconds on a busy machine); tests start from a
# copy of one seeded per session instead.
@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    from data.demo import seed_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
    template = Store(path)
    seed_demo(template, crc_cases=False)  # the demo case alone, without the CRC's synthetic cases
    template.close()
    return path


@pytest.fixture
def demo_store(tmp_path, demo_template):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    s = Store(path)
    yield s
    s.close()
