"""`rpm-timeline export ...` run as a user would, on a copy of the RPM case database."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import docx

from data.actor import SYSTEM
from data.record import save_draft, sign_off
from data.store import Store
from tests.support.rpm_case import CASE, CHAIR, RECORD


def run(db, *args):
    return subprocess.run(
        [sys.executable, "-m", "app", *args, "--db", str(db)],
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_export_refused_until_signed_then_written_with_the_timeline_image(tmp_path, rpm_template):
    db = tmp_path / "rpm.duckdb"
    shutil.copyfile(rpm_template, db)
    out = tmp_path / "log.docx"

    refused = run(db, "export", "learning-log", "--case", CASE, "--format", "docx", "-o", str(out))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "rpm-timeline: the meeting record of case DEMO-J is not signed off: the chair signs it"
        " off first; until then only a draft, marked DRAFT on every page, is produced"
        " (add --draft to export it)"
    )
    assert not out.exists()
    unknown = run(db, "export", "crc-summary", "--case", "NOPE", "-o", str(tmp_path / "x.docx"))
    assert unknown.returncode == 1 and "unknown case 'NOPE'" in unknown.stderr

    store = Store(db)
    save_draft(store, SYSTEM, CASE, **RECORD)
    draft_html = tmp_path / "draft.html"
    store.close()
    drafted = run(
        db,
        "export",
        "learning-log",
        "--case",
        CASE,
        "--format",
        "html",
        "--draft",
        "--no-image",
        "-o",
        str(draft_html),
    )
    assert drafted.returncode == 0, drafted.stderr
    page = draft_html.read_text(encoding="utf-8")
    assert 'class="draft-mark"' in page and "DRAFT - NOT SIGNED OFF" in page
    assert "data:image/png;base64," not in page
    assert "could not be produced for this document (images were not asked for)" in page

    store = Store(db)
    sign_off(store, SYSTEM, CASE, on_behalf=True)
    store.close()
    done = run(db, "export", "learning-log", "--case", CASE, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}"
    document = docx.Document(io.BytesIO(out.read_bytes()))
    assert len(document.inline_shapes) == 1  # the child's journey, drawn by Debian's Chromium
    assert "DRAFT" not in "\n".join(p.text for p in document.sections[0].header.paragraphs)

    crc = tmp_path / "crc.docx"
    assert run(db, "export", "crc-summary", "--case", CASE, "-o", str(crc)).returncode == 0
    assert CHAIR in "\n".join(
        c.text for t in docx.Document(str(crc)).tables for r in t.rows for c in r.cells
    )
    store = Store(db)
    exports = store.query(
        "SELECT actor, case_ref, detail FROM audit_log WHERE action = 'export' ORDER BY audit_id"
    )
    store.close()
    assert [(a, c) for a, c, _ in exports] == [("cli", CASE)] * 3
    assert exports[-1][2] == "crc-summary to crc.docx"
