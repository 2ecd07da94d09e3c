"""The command line, run as a user runs it: `python -m app ...` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture
def run(tmp_path):
    env = {
        **os.environ,
        "RPM_DB": str(tmp_path / "cli.duckdb"),
        "RPM_NEW_PASSWORD": "a-long-password",
    }

    def _run(*args: str):
        return subprocess.run(
            [sys.executable, "-m", "app", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return _run
