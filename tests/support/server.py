"""The real server (`python -m app serve ...`) in a subprocess, for the HTTP and browser tiers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ADMIN_PASSWORD = "test-admin-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "login", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not start on {url}")


def start_server(
    tmp_dir: Path, *extra_args: str, env: dict | None = None, command: tuple = ("serve",)
):
    port = free_port()
    full_env = {
        **os.environ,
        "RPM_DB": str(tmp_dir / "rpm.duckdb"),
        "RPM_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "RPM_SECRET_KEY": "test-secret",
        **(env or {}),
    }
    log = (tmp_dir / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", *command, "--port", str(port), *extra_args],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, proc)
    except RuntimeError:
        proc.kill()  # a server that never answered must not outlive the test run
        proc.wait(timeout=10)
        raise
    return proc, url
