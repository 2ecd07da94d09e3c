"""Ingest benchmark: our path (DuckDB's CSV reader, set-based SQL) against the naive pandas route
and against the floor, DuckDB's own read_csv of the same rows; and a workbook of 200,000 rows.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--xlsx-rows 200000]

Generates an extract of ROWS rows (about 140 MB at a million rows) in Windows-1252 with mixed
date forms, and a UTF-8 copy of it, then runs, each in a fresh subprocess so that peak memory
is its own:
  floor      - DuckDB read_csv of the UTF-8 copy into a new DuckDB file (no normalising at all);
  ours-utf8  - data.ingest.ingest_file of the UTF-8 copy into a new store (stage, parse, commit);
  ours       - the same of the Windows-1252 file (detect, transcode, stage, parse, commit);
  naive      - pandas.read_csv + to_datetime(dayfirst, format="mixed") + insert from the DataFrame;
  ours-xlsx  - ingest_file of an .xlsx of XLSX_ROWS of the same rows (date cells, text dates).
Prints time, rows per second and peak resident memory (ru_maxrss) for each, and each CSV
route's time as a multiple of the floor's. It does not assert times.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TYPES = ["Home visit", "Referral", "Strategy meeting", "Telephone call", "School contact", ""]
WORDS = [
    "child",
    "seen",
    "alone",
    "mother",
    "father",
    "partner",
    "school",
    "nurse",
    "referral",
    "concern",
    "neglect",
    "visit",
    "bruise",
    "attendance",
    "housing",
    "rent",
    "arrears",
    "police",
    "called",
    "£20",
    "“food”",
    "café",
]


def _date(rng: random.Random) -> str:
    y, m, d = rng.randint(2010, 2024), rng.randint(1, 12), rng.randint(1, 28)
    form = rng.random()
    if form < 0.45:
        return f"{d:02d}/{m:02d}/{y}"
    if form < 0.65:
        return f"{y}-{m:02d}-{d:02d}"
    if form < 0.75:
        return f"{d} {['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} {y}"
    if form < 0.85:
        return f"{d:02d}/{m:02d}/{y} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if form < 0.92:
        return f"{m:02d}/{y}"
    if form < 0.995:
        return f"{d}/{m}/{y % 100:02d}"
    return "unknown"


def generate(path: Path, rows: int) -> None:
    rng = random.Random(3)
    with path.open("w", encoding="cp1252", newline="") as fh:
        fh.write("Event Date,Time,Contact Type,Details,Our Ref,Worker,Team\r\n")
        for i in range(rows):
            summary = " ".join(rng.choices(WORDS, k=rng.randint(8, 17)))
            if i % 50 == 0:
                summary = f'"{summary}, with a comma and ""quotes"""'
            time_ = f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}" if i % 3 else ""
            fh.write(
                f"{_date(rng)},{time_},{rng.choice(TYPES)},{summary},REF-{i:07d},"
                f"Worker {i % 97},Team {i % 7}\r\n"
            )


def run_ours(extract: str, db: str) -> int:
    from data import cases
    from data.ingest import ingest_file
    from data.store import Store

    store = Store(db)
    cases.add_case(store, "BENCH-1")
    result = ingest_file(store, "BENCH-1", "Police", extract, uploaded_by="bench")
    store.close()
    return result.imported + result.rejected


def generate_xlsx(csv_path: Path, path: Path, rows: int) -> None:
    """The first `rows` rows of the extract as a workbook: every third date a date cell."""
    import csv
    from datetime import datetime

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Events")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    with csv_path.open(encoding="cp1252", newline="") as fh:
        for r, row in enumerate(csv.reader(fh)):
            if r > rows:
                break
            for c, value in enumerate(row):
                if c == 0 and r and r % 3 == 0 and len(value) == 10 and value[2] == "/":
                    try:
                        sheet.write_datetime(r, 0, datetime.strptime(value, "%d/%m/%Y"), day)
                        continue
                    except ValueError:
                        pass
                sheet.write_string(r, c, value)
    book.close()


def run_floor(extract: str, db: str) -> int:
    import duckdb

    con = duckdb.connect(db)
    con.execute("CREATE TABLE extract AS SELECT * FROM read_csv(?)", [extract])
    rows = con.execute("SELECT count(*) FROM extract").fetchone()[0]
    con.close()
    return rows


def run_naive(extract: str, db: str) -> int:
    import duckdb
    import pandas as pd

    df = pd.read_csv(extract, encoding="cp1252", dtype=str, keep_default_na=False)
    df["event_date"] = pd.to_datetime(
        df["Event Date"], dayfirst=True, format="mixed", errors="coerce"
    )
    con = duckdb.connect(db)
    con.execute(
        "CREATE TABLE events (event_date TIMESTAMP, event_time VARCHAR, event_type VARCHAR,"
        " summary VARCHAR, source_ref VARCHAR)"
    )
    con.execute(  # the DataFrame is scanned by DuckDB: the fast way to insert from pandas
        'INSERT INTO events SELECT event_date, "Time", "Contact Type", "Details", "Our Ref" FROM df'
    )
    con.close()
    return len(df)


def child(which: str, extract: str, db: str) -> None:
    sys.path.insert(0, str(ROOT))
    run = {"floor": run_floor, "naive": run_naive}.get(which, run_ours)
    print(run(extract, db))


def measure(which: str, extract: Path, work: Path) -> tuple[int, float, float]:
    db = work / f"{which}.duckdb"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", which, str(extract), str(db)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{which} failed with status {status}")
    return int(out.strip().splitlines()[-1]), elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--child", nargs=3, metavar=("WHICH", "EXTRACT", "DB"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="rpm-bench-") as tmp:
        work = Path(tmp)
        extract = work / "extract-cp1252.csv"
        start = time.perf_counter()
        generate(extract, args.rows)
        utf8 = work / "extract-utf8.csv"
        utf8.write_text(extract.read_text(encoding="cp1252"), encoding="utf-8", newline="")
        xlsx = work / "extract.xlsx"
        generate_xlsx(extract, xlsx, args.xlsx_rows)
        size = extract.stat().st_size / 2**20
        print(
            f"generated {args.rows:,} rows, {size:.0f} MB cp1252, mixed dates, and an .xlsx of "
            f"{args.xlsx_rows:,} rows in {time.perf_counter() - start:.1f} s "
            f"(cores: {os.cpu_count()}, shared; load average {os.getloadavg()[0]:.1f})"
        )
        runs = (
            ("floor", utf8),
            ("ours-utf8", utf8),
            ("ours", extract),
            ("naive", extract),
            ("ours-xlsx", xlsx),
        )
        seconds = {}
        for which, source in runs:
            rows, elapsed, peak = measure(which, source, work)
            seconds[which] = elapsed
            print(
                f"{which:>9}: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s, "
                f"peak memory {peak:,.0f} MB (whole process, interpreter and imports included)"
            )
        for which in ("ours-utf8", "ours", "naive"):
            print(f"{which} / floor: {seconds[which] / seconds['floor']:.1f}x the time")
        print(f"ours / naive: {seconds['naive'] / seconds['ours']:.1f}x rows per second")
        print(f"ours-xlsx: {args.xlsx_rows:,} workbook rows in {seconds['ours-xlsx']:.1f} s")


if __name__ == "__main__":
    main()
