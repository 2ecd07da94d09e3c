"""Where the server listens: `--port 0` picks a free port and says which, everywhere it says it;
a port already taken is refused in one line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from tests.support.server import ADMIN_PASSWORD, served, start_server


def test_port_0_listens_on_a_free_port_and_announces_the_one_it_took(tmp_path):
    with served(tmp_path) as url:  # starts every test server with --port 0
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert port not in (0, 8050)
        # The address `rpm-timeline backup` reads is the same one.
        info = json.loads((tmp_path / "rpm.duckdb.server.json").read_text())
        assert info["url"] == url
    # The first start made the admin account with RPM_ADMIN_PASSWORD and said so; a later
    # start does not repeat it (that account may since have another password, or be gone).
    assert "Sign in as 'admin'" in (tmp_path / "server.log").read_text()
    with served(tmp_path):
        pass  # started once more, and stopped
    assert "Sign in as 'admin'" not in (tmp_path / "server.log").read_text()


def test_a_port_already_taken_is_refused_in_one_line(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            env={
                **os.environ,
                "RPM_DB": str(tmp_path / "rpm.duckdb"),
                "RPM_ADMIN_PASSWORD": ADMIN_PASSWORD,
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"rpm-timeline: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert not (tmp_path / "rpm.duckdb.server.json").exists()


def test_a_stopped_server_leaves_no_upload_waiting_and_no_backup_address(tmp_path):
    temp = tmp_path / "temp"  # the server's own temporary folder, to look into afterwards
    temp.mkdir()
    proc, _ = start_server(tmp_path, env={"TMPDIR": str(temp)})
    (staging,) = temp.glob("rpm-uploads-*")  # where uploads wait for their confirmation
    (staging / "an-extract").mkdir()
    (staging / "an-extract" / "extract").write_bytes(b"date,event_type\n")
    assert (tmp_path / "rpm.duckdb.server.json").exists()
    proc.terminate()  # SIGTERM, as systemd or docker stop it
    assert proc.wait(timeout=30) == 0
    assert list(temp.glob("rpm-uploads-*")) == []
    assert not (tmp_path / "rpm.duckdb.server.json").exists()
