"""The real server (`python -m app serve ...`) in a subprocess, for the HTTP and browser tiers."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ADMIN_PASSWORD = "test-admin-password"
ANNOUNCED = re.compile(r"RPM Timeline on (http://\S+/) ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _announced_url(log_path: Path, proc: subprocess.Popen, timeout: float = 60) -> str:
    """The address the server says it listens on (it picks a free port: `--port 0`)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = ANNOUNCED.search(log_path.read_text(errors="replace"))
        if found:
            return found.group(1)
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log_path.read_text()}")
        time.sleep(0.1)
    raise RuntimeError(f"server did not say where it listens: {log_path.read_text()}")


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
    tmp_dir: Path,
    *extra_args: str,
    env: dict | None = None,
    command: tuple = ("serve",),
    source: Path | None = None,
):
    """The server on a free port, logging to tmp_dir/server.log; `source`: another copy of the
    app's code to run (a benchmark's earlier version), else this one."""
    full_env = {
        **os.environ,
        "RPM_DB": str(tmp_dir / "rpm.duckdb"),
        "RPM_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "RPM_SECRET_KEY": "test-secret",
        **(env or {}),
    }
    log_path = tmp_dir / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", *command, "--port", "0", *extra_args],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=source,  # `python -m app` imports the app from its working folder first
    )
    try:
        url = _announced_url(log_path, proc)
        _wait_for(url, proc)
    except RuntimeError:
        proc.kill()  # a server that never answered must not outlive the test run
        proc.wait(timeout=10)
        raise
    return proc, url


@contextmanager
def served(tmp_dir: Path, *extra_args: str, **kwargs) -> Iterator[str]:
    """`start_server`'s server for the length of the block (its address), stopped afterwards."""
    proc, url = start_server(tmp_dir, *extra_args, **kwargs)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
