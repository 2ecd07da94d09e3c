"""`rpm-timeline ingest` options and `rpm-timeline rejects`, run as a user would run them."""

from __future__ import annotations

import csv
import io

EXTRACT = (
    "Recorded;Occurred;Kind;Text\r\n"
    "01/06/2016;05/03/2016;Visit;=cmd|' /C calc'!A0\r\n"
    "01/06/2016;31/02/2016;Visit;bad date £20\r\n"
)


def test_map_date_order_rejects_and_reupload(run, tmp_path):
    run("case", "add", "C-1")
    path = tmp_path / "police.csv"
    path.write_bytes(EXTRACT.encode("cp1252"))
    args = ("ingest", "--case", "C-1", "--agency", "Police", str(path))
    result = run(*args, "--map", "date=Occurred", "--map", "summary=Text", "--date-order", "mdy")
    assert result.returncode == 0, result.stderr
    assert "read as cp1252, semicolon-separated" in result.stdout
    assert "mapping: date=Occurred, summary=Text" in result.stdout
    assert result.stdout.strip().endswith("imported 1 events, rejected 1 rows")
    chronology = run("chronology", "--case", "C-1").stdout
    assert "2016-05-03" in chronology  # month first
    assert "'=cmd" in chronology  # neutralised in the export

    again = run(*args, "--map", "date=Occurred", "--date-order", "mdy")
    assert again.returncode == 0
    assert "unchanged" in again.stdout

    out = tmp_path / "rejects.csv"
    assert run("rejects", "--case", "C-1", "-o", str(out)).returncode == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["agency", "file", "row", "column", "value", "reason", "raw"]
    assert rows[1][:6] == [
        "Police",
        "police.csv",
        "3",
        "date",
        "31/02/2016",
        "date does not exist (no such day or month)",
    ]


def test_strict_and_bad_map_are_refused(run, tmp_path):
    run("case", "add", "C-1")
    path = tmp_path / "police.csv"
    path.write_bytes(EXTRACT.encode("cp1252"))
    strict = run("ingest", "--case", "C-1", "--agency", "Police", str(path), "--strict")
    assert strict.returncode == 1
    assert "refused (strict)" in strict.stderr and len(strict.stderr.splitlines()) == 1
    bad = run("ingest", "--case", "C-1", "--agency", "Police", str(path), "--map", "colour=Kind")
    assert bad.returncode == 1
    assert "FIELD one of date, time" in bad.stderr
    assert run("case", "list").stdout.strip() == "C-1\t\t0"


def test_replace_retires_the_earlier_upload(run, tmp_path):
    run("case", "add", "C-1")
    first = tmp_path / "v1.csv"
    first.write_text("date,summary\n2016-01-01,old\n2016-01-02,old\n", encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text("date,summary\n2016-01-01,new\n", encoding="utf-8")
    run("ingest", "--case", "C-1", "--agency", "Police", str(first))
    result = run("ingest", "--case", "C-1", "--agency", "Police", str(second), "--replace")
    assert "replaced 1 earlier upload(s) from Police" in result.stdout
    assert run("case", "list").stdout.strip() == "C-1\t\t1"
