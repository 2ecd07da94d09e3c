"""Consistent backups of the DuckDB file, and restoring one into a new database file.

DuckDB lets one process open a database file for writing, and while it does, no other process
may open it at all (not even read-only). So there are two ways to take a backup:

- The server is running: it owns the file. At start it writes `<db>.server.json` (mode 0600:
  its local address and a random backup token). `rpm-timeline backup` reads that file and asks
  the server (`POST /_rpm/backup`, token in the Authorization header); the server makes the copy
  with `backup_store` and sends it back. Whoever can read the data folder can already copy the
  database, so the token grants nothing more than that.
- No server: the CLI opens the file read-only (which keeps any writer out while it copies) and
  copies it with `copy_database_files`.

Either way the copy is made while no write can commit (the store's write lock, or the file
lock), includes the write-ahead log if there is one, is then opened once on its own to fold
the log into a single file and to check it reads, and only then moved to its final name.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data.errors import InvalidInput
from data.store import Store, connect

COUNTED_TABLES = ("cases", "events", "uploads", "users", "audit_log")


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size: int
    counts: dict[str, int]

    def line(self) -> str:
        counts = ", ".join(f"{n} {t}" for t, n in self.counts.items())
        return f"{self.path} ({self.size:,} bytes): {counts}"


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _finish(staged: Path, dest: Path) -> BackupSummary:
    """Open the staged copy on its own (replaying its log), check it, and move it into place."""
    con = duckdb.connect(str(staged))
    try:
        con.execute("CHECKPOINT")
        counts = _counts(con)
    finally:
        con.close()
    if _wal(staged).exists():
        _wal(staged).unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, dest)
    return BackupSummary(dest, dest.stat().st_size, counts)


def _counts(con) -> dict[str, int]:
    names = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "schema_migrations" not in names:
        raise InvalidInput("the file is a DuckDB database but not an RPM Timeline database")
    return {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # names from COUNTED_TABLES
        for t in COUNTED_TABLES
        if t in names
    }


def _stage_dir(dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".rpm-backup-", dir=dest.parent))


def copy_database_files(source: Path, dest: Path) -> BackupSummary:
    """Copy the database file (and its log) to `dest`, made whole and checked.

    The caller makes sure no write can commit meanwhile (holds the write lock or the file lock).
    """
    source, dest = Path(source), Path(dest)
    stage = _stage_dir(dest)
    try:
        staged = stage / "backup.duckdb"
        shutil.copyfile(source, staged)
        if _wal(source).exists():
            shutil.copyfile(_wal(source), _wal(staged))
        return _finish(staged, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def backup_store(store, dest: Path) -> BackupSummary:
    """A consistent copy of the store's database, taken inside the process that owns it.

    Writers wait (the store's write lock) while the file is checkpointed and copied; readers
    carry on. This relies on the store's rule that every write goes through
    `store.transaction()` (a write outside it could commit during the copy). Typically well under a second for a database of a few hundred megabytes.
    """
    with store._write_lock:  # every write in the app commits under this lock
        # If the checkpoint cannot run now, the log is copied with the file and replayed.
        with contextlib.suppress(duckdb.Error):
            store.cursor().execute("CHECKPOINT")
        return copy_database_files(store.path, Path(dest))


def backup_closed_file(source: Path, dest: Path) -> BackupSummary:
    """Back up a database no server has open: the read-only open keeps writers out meanwhile.
    DatabaseHeld when a server has it open (the running server makes the copy instead)."""
    source = Path(source)
    if not source.exists():
        raise InvalidInput(f"no database at {source}")
    try:
        con = connect(source, read_only=True)
    except duckdb.IOException as exc:
        raise InvalidInput(f"cannot read {source}: {str(exc).splitlines()[0]}") from exc
    try:
        return copy_database_files(source, Path(dest))
    finally:
        con.close()


def restore(backup: Path, target: Path) -> BackupSummary:
    """Restore a backup into a NEW database file (never over an existing one), migrated and checked."""
    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise InvalidInput(f"{backup}: backup file not found")
    if target.exists() or _wal(target).exists():
        raise InvalidInput(
            f"{target} already exists: restore into a new file (choose it with --db), "
            "then point RPM_DB at it"
        )
    try:
        con = duckdb.connect(str(backup), read_only=True)
    except duckdb.Error as exc:
        raise InvalidInput(
            f"{backup}: not a readable DuckDB database ({str(exc).splitlines()[0]})"
        ) from exc
    try:
        _counts(con)
    finally:
        con.close()
    stage = _stage_dir(target)
    try:
        staged = stage / "restore.duckdb"
        shutil.copyfile(backup, staged)
        Store(staged).close()  # applies any newer migrations to the restored copy
        return _finish(staged, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# --- the running server's side ---------------------------------------------------------------


def server_info_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".server.json")


def write_server_info(db_path: Path, host: str, port: int) -> str:
    """Write `<db>.server.json` (mode 0600) for the CLI to find the server; return the token."""
    token = secrets.token_urlsafe(32)
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    info = {"url": f"http://{host}:{port}/", "token": token, "pid": os.getpid()}
    path = server_info_path(db_path)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(info, fh)
    os.replace(tmp, path)
    return token


def read_server_info(db_path: Path) -> dict | None:
    path = server_info_path(db_path)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def remove_server_info(db_path: Path, token: str) -> None:
    info = read_server_info(db_path)
    if info and info.get("token") == token:
        server_info_path(db_path).unlink(missing_ok=True)
