"""The console script, run as a user would run it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest


def test_case_add_ingest_list_and_chronology(run, tmp_path):
    extract = tmp_path / "police.csv"
    extract.write_text(
        "date,time,event_type,summary,source_ref\n"
        "2016-05,,Contact,month only,P2\n"
        "03/05/2016,14:32,Incident,=SUM(A1),P1\n"
        "2015,,Contact,year only,P3\n"
        "31/02/2016,,Incident,bad,P4\n"
    )
    assert run("case", "add", "C-1", "--dob", "2014-03-11", "--label", "Child A").returncode == 0
    ingested = run("ingest", "--case", "C-1", "--agency", "Police", str(extract))
    assert ingested.returncode == 0, ingested.stderr
    assert "imported 3 events, rejected 1 rows" in ingested.stdout
    listed = run("case", "list")
    assert listed.stdout.strip() == "C-1\tChild A\t3"
    out = tmp_path / "chron.csv"
    assert run("chronology", "--case", "C-1", "-o", str(out)).returncode == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == [
        "date",
        "date_precision",
        "time",
        "agency",
        "event_type",
        "summary",
        "source_ref",
        "date_certainty",
        "category",
    ]
    assert rows[1:] == [
        ["2015", "year", "", "Police", "Contact", "year only", "P3", "", "Referral and contact"],
        # A month-precision date sorts at the start of its month.
        [
            "2016-05",
            "month",
            "",
            "Police",
            "Contact",
            "month only",
            "P2",
            "",
            "Referral and contact",
        ],
        [
            "2016-05-03",
            "day",
            "14:32",
            "Police",
            "Incident",
            "'=SUM(A1)",
            "P1",
            "",
            "Police and youth justice",
        ],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "--case", "NOPE", "--agency", "Police", "missing.csv"), "file not found"),
        (("chronology", "--case", "NOPE"), "unknown case 'NOPE'"),
        (("user", "add", "sam", "--role", "wizard"), "unknown role 'wizard'"),
        (("case", "add", "Jane Smith"), "not valid"),
    ],
)
def test_user_errors_are_one_line_and_non_zero(run, args, message):
    result = run(*args)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_date_column_refused_and_database_unchanged(run, tmp_path):
    run("case", "add", "C-1")
    bad = tmp_path / "bad.csv"
    bad.write_text("who,what\nSam,visit\n")
    result = run("ingest", "--case", "C-1", "--agency", "Police", str(bad))
    assert result.returncode == 1
    assert "bad.csv: no column that can be a date" in result.stderr
    assert run("case", "list").stdout.strip() == "C-1\t\t0"


def test_user_add_with_agency(run):
    result = run("user", "add", "pat", "--role", "agency", "--agency", "Police")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "added user pat (agency, Police)"


HOLD_DATABASE = (
    "import sys, time\nfrom data.store import Store\nstore = Store(sys.argv[1])\n"
    "print('open', flush=True)\ntime.sleep(60)"
)


def test_a_database_held_by_the_running_server_is_said_in_one_line(run, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_DATABASE, str(tmp_path / "cli.duckdb")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        for args in (
            ("case", "add", "X-1"),
            ("user", "add", "sam", "--role", "crc"),
        ):
            done = run(*args)
            assert done.returncode == 1, args
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1, lines
            assert "PID" not in lines[0] and "bin/python" not in lines[0]
            assert lines[0].startswith("rpm-timeline: the running server holds the database")
            assert "stop the server" in lines[0] and "backup" in lines[0]
    finally:
        holder.kill()
        holder.wait()


def test_usage_errors_exit_2_as_argparse_does(run):
    done = run("case", "add")
    assert done.returncode == 2
    assert "usage: rpm-timeline case add" in done.stderr
