"""`POST /_rpm/backup`: the running server makes a consistent backup for `rpm-timeline backup`.

The CLI cannot open the database while the server holds it, so it asks the server. The request
carries the token the server wrote to `<db>.server.json` (mode 0600) at start; there is no
session and no other way in. The copy is streamed back and deleted from the server's disk.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

import flask

from app.context import client_ip, get_store
from data import audit
from data.backup import backup_store


def install(server: flask.Flask, token: str) -> None:
    def backup():
        sent = flask.request.headers.get("Authorization", "")
        if not secrets.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return flask.jsonify(error="backup token missing or wrong"), 403
        store = get_store()
        folder = Path(tempfile.mkdtemp(prefix="rpm-backup-"))
        target = folder / "backup.duckdb"
        summary = backup_store(store, target)
        audit.record(store, "cli", audit.BACKUP, detail=summary.line(), ip=client_ip())
        data = target.read_bytes()
        target.unlink()
        folder.rmdir()
        return flask.Response(data, mimetype="application/octet-stream")

    server.add_url_rule("/_rpm/backup", "rpm_backup", backup, methods=["POST"])
