"""Browser tests: the real server (`rpm-timeline serve`) in a subprocess, driven by headless
Debian Chromium through Playwright. One server per session; each test gets a fresh page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RPM_CHROMIUM", "/usr/bin/chromium")
ADMIN_PASSWORD = "test-admin-password"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
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
    port = _free_port()
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
    _wait_for(url, proc)
    return proc, url


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("server")
    proc, url = start_server(tmp_dir, "--demo")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make test`, which installs Debian's chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    p = context.new_page()
    yield p
    context.close()


def sign_in(page, url: str, username: str = "admin", password: str = ADMIN_PASSWORD) -> None:
    page.goto(url + "login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
