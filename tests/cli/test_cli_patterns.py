"""`rpm-timeline patterns`: the lenses' findings as a formula-safe CSV."""

from __future__ import annotations

import csv
import io


def test_patterns_csv_names_each_finding_with_the_agencies_own_references(run, tmp_path):
    health = tmp_path / "health.csv"
    health.write_text(
        "date,event_type,summary,source_ref\n"
        "2017-01-10,Was not brought,Was not brought to clinic,=CMD()\n"
        "2017-03-01,Was not brought,Was not brought to clinic,H-2\n"
        "2017-04-15,Was not brought,Was not brought to clinic,H-3\n"
        "2018-03-01,GP appointment,Seen by GP,H-4\n"
    )
    assert run("case", "add", "C-9", "--dob", "2014-03-11").returncode == 0
    assert run("ingest", "--case", "C-9", "--agency", "Health", str(health)).returncode == 0
    out = tmp_path / "patterns.csv"
    result = run("patterns", "--case", "C-9", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["kind", "start", "end", "agencies", "event_refs", "description"]
    assert rows[1] == [
        "was_not_brought",
        "2017-01-10",
        "2017-04-15",
        "Health",
        "'=CMD(); H-2; H-3",  # neutralised: a spreadsheet would run it
        "3 missed appointments in 3 months, 10 January 2017 to 15 April 2017",
    ]
    assert rows[2][:5] == ["silence", "2017-04-15", "2018-03-01", "Health", "H-3; H-4"]
    assert len(rows) == 3
    printed = run("patterns", "--case", "C-9")
    assert printed.stdout == out.read_text(encoding="utf-8")


def test_patterns_of_an_unknown_case_is_one_line(run):
    result = run("patterns", "--case", "NOPE")
    assert result.returncode == 1 and result.stderr.strip() == "rpm-timeline: unknown case 'NOPE'"
