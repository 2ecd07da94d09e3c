"""Uploaded files waiting for their uploader to confirm: each kept in a private temporary folder
under a random token bound to the user and the case, so that changing the mapping re-analyses
the file without the browser sending it again. Forgotten when imported, when replaced by
another file, after an hour, and when the server stops."""

from __future__ import annotations

import atexit
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

PENDING_SECONDS = 3600

# token -> {"user_id", "case_ref", "path", "file_name", "at"}
_PENDING: dict[str, dict] = {}
_PENDING_LOCK = threading.Lock()
_PENDING_DIR = Path(tempfile.mkdtemp(prefix="rpm-uploads-"))
atexit.register(shutil.rmtree, _PENDING_DIR, ignore_errors=True)


def keep(user_id: int, case_ref: str, file_name: str, content: bytes) -> str:
    """Keep the uploaded bytes; returns the token that finds them again."""
    token = secrets.token_urlsafe(24)
    folder = _PENDING_DIR / token
    folder.mkdir(mode=0o700)
    path = folder / "extract"
    path.write_bytes(content)
    with _PENDING_LOCK:
        for old, entry in list(_PENDING.items()):
            if time.time() - entry["at"] > PENDING_SECONDS:
                _forget_locked(old)
        _PENDING[token] = {
            "user_id": user_id,
            "case_ref": case_ref,
            "path": path,
            "file_name": file_name,
            "at": time.time(),
        }
    return token


def pending(token: str | None, user_id: int, case_ref: str) -> dict | None:
    """The kept upload, only for the user and case it was kept for."""
    with _PENDING_LOCK:
        entry = _PENDING.get(token or "")
    if entry and entry["user_id"] == user_id and entry["case_ref"] == case_ref:
        return entry
    return None


def _forget_locked(token: str) -> None:
    entry = _PENDING.pop(token, None)
    if entry:
        shutil.rmtree(entry["path"].parent, ignore_errors=True)


def forget(token: str) -> None:
    with _PENDING_LOCK:
        _forget_locked(token)
