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


def test_export_refused_until_signed_then_written_with_the_timeline_image(
    tmp_path, rpm_template, chromium
):
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


def test_crc_decisions_lists_the_committees_decisions_and_actions_as_csv(tmp_path, rpm_template):
    import csv
    from datetime import date

    from data import committee
    from data.crc import case_key_of

    db = tmp_path / "rpm.duckdb"
    shutil.copyfile(rpm_template, db)
    store = Store(db)
    save_draft(store, SYSTEM, CASE, **RECORD)
    sign_off(store, SYSTEM, CASE, on_behalf=True)
    key = case_key_of(store, store.query_one("SELECT case_id FROM cases")[0])
    on_case = committee.Subject(case_key=key)
    first = committee.record_decision(
        store, SYSTEM, on_case, "The learning", "Act on it", date.today()
    )
    committee.plan_action(
        store, SYSTEM, first, "=HYPERLINK(1) a joint protocol", "School", "2025-02-01"
    )
    committee.plan_action(store, SYSTEM, first, "Audit referrals", "Police", None, "done")
    second = committee.record_decision(
        store, SYSTEM, on_case, "Progress", "Keep it open", date.today()
    )
    store.close()

    listed = run(db, "crc", "decisions", "--case", CASE)
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [
        (r["decision"], r["action"], r["owner_agency"], r["status"], r["overdue"]) for r in rows
    ] == [
        (str(second), "", "", "", ""),
        (str(first), "1", "School", "Open", "yes"),
        (str(first), "2", "Police", "Done", "no"),
    ]
    assert rows[1]["on"] == f"case {key}" and rows[1]["decided"] == "Act on it"
    assert rows[1]["what_will_change"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    by_key = run(db, "crc", "decisions", "--key", key, "-o", str(tmp_path / "d.csv"))
    assert (
        by_key.returncode == 0
        and by_key.stdout.strip() == f"wrote 2 decision(s) to {tmp_path / 'd.csv'}"
    )
    assert (tmp_path / "d.csv").read_text(encoding="utf-8") == listed.stdout
    unknown = run(db, "crc", "decisions", "--case", "NOPE")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "rpm-timeline: unknown case 'NOPE'"
    none = run(db, "crc", "decisions", "--theme", "Neglect")
    assert none.returncode == 0 and none.stdout.splitlines() == [
        ",".join(committee.DECISION_COLUMNS)
    ]
