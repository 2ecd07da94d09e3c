"""Backup and restore (server stopped and server running), and crash safety: kill -9 in the
middle of a large ingest and in the middle of a burst of writes over HTTP, then check that the
database opens, every acknowledged write is there and no partial upload is."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time

import duckdb

from tests.support.dash_http import DashSession, add_user_over_http
from tests.support.server import ADMIN_PASSWORD, served, start_server


def cli(db, *args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env={**os.environ, "RPM_DB": str(db), "RPM_NEW_PASSWORD": "a-long-password", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def scalar(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_backup_and_restore_with_the_server_stopped(tmp_path):
    db = tmp_path / "live.duckdb"
    assert cli(db, "user", "add", "sam", "--role", "crc").returncode == 0
    reset = cli(db, "user", "reset-password", "sam", env={"RPM_NEW_PASSWORD": "another long one"})
    assert reset.returncode == 0 and "sessions have ended" in reset.stdout
    assert "unknown user 'nobody'" in cli(db, "user", "reset-password", "nobody").stderr
    extract = tmp_path / "police.csv"
    extract.write_text("date,summary\n2016-01-02,visit\n2016-01-03,call\n")
    assert cli(db, "case", "add", "C-1").returncode == 0
    assert cli(db, "ingest", "--case", "C-1", "--agency", "Police", str(extract)).returncode == 0

    backup = tmp_path / "backups" / "rpm-backup.duckdb"
    made = cli(db, "backup", "-o", str(backup))
    assert made.returncode == 0, made.stderr
    assert "2 events" in made.stdout
    again = cli(db, "backup", "-o", str(backup))
    assert again.returncode == 1 and "already exists" in again.stderr

    restored = tmp_path / "restored.duckdb"
    done = cli(restored, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert cli(restored, "case", "list").stdout.strip() == "C-1\t\t2"
    # Never over an existing database, and never from something that is not a backup.
    refused = cli(db, "restore", str(backup))
    assert refused.returncode == 1 and "already exists" in refused.stderr
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    bad = cli(tmp_path / "new.duckdb", "restore", str(junk))
    assert bad.returncode == 1 and "not a readable DuckDB database" in bad.stderr


def test_backup_while_the_server_runs_and_restore(tmp_path, served_demo_template):
    shutil.copyfile(served_demo_template, tmp_path / "rpm.duckdb")
    with served(tmp_path) as url:
        admin = DashSession(url)
        assert admin.sign_in("admin", ADMIN_PASSWORD).status == 302
        assert add_user_over_http(admin, "added-before-backup").status == 200
        backup = tmp_path / "while-running.duckdb"
        made = cli(tmp_path / "rpm.duckdb", "backup", "-o", str(backup))
        assert made.returncode == 0, made.stderr
        assert "made by the running server" in made.stdout
        # The server carries on serving and writing after the backup.
        assert add_user_over_http(admin, "added-after-backup").status == 200
    restored = tmp_path / "restored.duckdb"
    assert cli(restored, "restore", str(backup)).returncode == 0
    names = {r[0] for r in duckdb.connect(str(restored), read_only=True).sql(
        "SELECT username FROM users").fetchall()}  # fmt: skip
    assert "added-before-backup" in names and "added-after-backup" not in names
    assert scalar(restored, "SELECT count(*) FROM events") == scalar(
        tmp_path / "rpm.duckdb", "SELECT count(*) FROM events"
    )
    assert scalar(restored, "SELECT count(*) FROM audit_log WHERE action = 'backup'") == 0
    assert (
        scalar(tmp_path / "rpm.duckdb", "SELECT count(*) FROM audit_log WHERE action = 'backup'")
        == 1
    )


# The ingest's last step inside its transaction (the audit row, after every event and rejected
# row is inserted) announces itself and waits, so that the kill lands mid-transaction on any
# machine, however fast the ingest is.
INGEST_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from data import ingest
    from data.store import Store
    record = ingest.audit.record
    def record_then_wait(target, actor, action, **kwargs):
        if action == ingest.audit.UPLOAD:  # after the events, before the commit
            print("mid-ingest", flush=True)
            time.sleep(60)
        return record(target, actor, action, **kwargs)
    ingest.audit.record = record_then_wait
    store = Store(sys.argv[1])
    print("opened", flush=True)
    ingest.ingest_file(store, "C-1", "Police", sys.argv[2], uploaded_by="crash-test")
    print("committed", flush=True)
    """
)


def test_kill_9_in_the_middle_of_a_large_ingest_leaves_no_partial_upload(tmp_path):
    db = tmp_path / "crash.duckdb"
    small = tmp_path / "small.csv"
    small.write_text("date,summary\n2016-01-02,visit\n2016-01-03,call\n")
    assert cli(db, "case", "add", "C-1").returncode == 0
    assert cli(db, "ingest", "--case", "C-1", "--agency", "School", str(small)).returncode == 0

    big = tmp_path / "big.csv"
    with big.open("w") as fh:
        fh.write("date,time,event_type,summary,source_ref,notes\n")
        for i in range(200_000):
            fh.write(
                f"2016-{1 + i % 12:02d}-{1 + i % 28:02d},10:{i % 60:02d},Contact,row {i},P{i},n\n"
            )
    proc = subprocess.Popen(
        [sys.executable, "-c", INGEST_SCRIPT, str(db), str(big)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )
    assert proc.stdout.readline().strip() == "opened"
    # 200,000 events are inserted but not committed when this line comes.
    # (DuckDB may print a progress bar for the long insert before it.)
    assert "mid-ingest" in (line.strip() for line in iter(proc.stdout.readline, ""))
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    # The database opens (the server's start-up path), the committed upload is whole, and
    # nothing of the interrupted one is there.
    listed = cli(db, "case", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "C-1\t\t2"
    assert scalar(db, "SELECT count(*) FROM uploads") == 1
    assert (
        scalar(
            db, "SELECT count(*) FROM events WHERE upload_id NOT IN (SELECT upload_id FROM uploads)"
        )
        == 0
    )
    assert scalar(db, "SELECT count(*) FROM rejected_rows") == 0
    assert scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'upload'") == 1


def test_kill_9_the_server_in_the_middle_of_a_burst_of_writes(tmp_path, served_demo_template):
    shutil.copyfile(served_demo_template, tmp_path / "rpm.duckdb")
    proc, url = start_server(tmp_path, "--threads", "8")
    acknowledged: list[str] = []
    viewed: list[int] = []
    stop = threading.Event()

    def writer(worker: int):
        session = DashSession(url, timeout=10)
        if session.sign_in("admin", ADMIN_PASSWORD).status != 302:
            return
        i = 0
        while not stop.is_set():
            name = f"burst-{worker}-{i}"
            try:
                if add_user_over_http(session, name).status == 200:
                    acknowledged.append(name)
                if session.open_page("/cases/DEMO-J").status == 200:
                    viewed.append(1)
            except (OSError, http.client.HTTPException):
                return  # the server is gone (killed mid-reply: IncompleteRead)
            i += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while len(acknowledged) < 4 and time.time() < deadline:
        time.sleep(0.1)
    # A backup taken in the middle of the burst is consistent: everything acknowledged before
    # it started is in it, and it opens and restores on its own.
    before_backup = list(acknowledged)
    backup = tmp_path / "mid-burst.duckdb"
    made = cli(tmp_path / "rpm.duckdb", "backup", "-o", str(backup))
    assert made.returncode == 0, made.stderr
    while len(acknowledged) < len(before_backup) + 4 and time.time() < deadline:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert len(acknowledged) >= len(before_backup) + 4
    restored = tmp_path / "restored.duckdb"
    assert cli(restored, "restore", str(backup)).returncode == 0
    con = duckdb.connect(str(restored), read_only=True)
    in_backup = {r[0] for r in con.execute("SELECT username FROM users").fetchall()}
    con.close()
    assert set(before_backup) <= in_backup

    with served(tmp_path) as restarted:  # on the same database file
        admin = DashSession(restarted)
        assert admin.sign_in("admin", ADMIN_PASSWORD).status == 302
        page = admin.open_page("/admin/users")
        assert page.status == 200
        missing = [name for name in acknowledged if f'"{name}"' not in page.body]
        assert missing == []
        audit_page = admin.open_page("/admin/audit")
        assert audit_page.status == 200
    db = tmp_path / "rpm.duckdb"
    assert scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'view_case'") >= len(viewed)
    assert scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'user_added'") >= len(
        acknowledged
    )


def test_cli_backup_refuses_when_another_process_holds_the_file_and_no_server(tmp_path):
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('x', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        holder.stdout.readline()
        result = cli(db, "backup", "-o", str(tmp_path / "b.duckdb"))
        assert result.returncode == 1
        assert "no running server was found" in result.stderr
    finally:
        holder.kill()
        holder.wait()
