"""The pooled explorer at England's scale: 150 partnerships' bundles, read in place.

Generates 150 synthetic bundles (20,000,000 events, 200,000 learning points, 150,000 actions
in total; set-based SQL in DuckDB, in a child process so its memory is not counted), then
prints for every query behind the explorer: its time over all partnerships, filtered to one
region of 4, and, as the baseline measured in the same run, over one partnership's bundle
alone; and the server's memory (resident set) after each. Then the time and size of one
partnership's `publish` of a 1,000,000-event database, beside a plain Parquet copy of its
events. Prints figures only; asserts nothing.

With `--before REV`, the page is timed on that revision's code too, in turn, in the same run.

Run: .venv/bin/python bench/pooled.py [--partnerships 150] [--events 20000000] [--dir DIR]
     [--before REV] [--no-browser] [--no-publish]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from data import crc, pooled  # noqa: E402
from data.actor import SYSTEM  # noqa: E402
from data.bundle import TABLES  # noqa: E402
from data.vocabulary import (  # noqa: E402
    COMMITTEE_PATTERN_KINDS,
    LINK_TYPES,
    NO_EVENT_KINDS,
    SILENCE,
)

AGENCIES = ["Children's Social Care", "Police", "GP and Health Visiting", "School", "Housing",
            "Family Support Network", "Probation", "Adult Mental Health"]  # fmt: skip
# (event type, its category)
TYPES = [("Referral", "Referral and contact"), ("Assessment", "Assessment"),
         ("Home visit", "Child in need and early help"), ("Domestic incident", "Domestic abuse"),
         ("Welfare check", "Police and youth justice"), ("GP appointment", "Health contact"),
         ("Was not brought", "Was not brought"), ("Attendance", "Education"),
         ("Exclusion", "Education"), ("Tenancy visit", "Housing and moves"),
         ("Contact", "Referral and contact"), ("Strategy meeting", "Strategy and Section 47"),
         ("Missing episode", "Missing and exploitation"),
         ("Information report", "Police and youth justice")]  # fmt: skip
THEMES = ["Information sharing", "Professional curiosity", "Voice of the child",
          "Escalation and challenge", "Thresholds", "Risk assessment", "Neglect",
          "Domestic abuse", "Parental mental health", "Parental substance misuse",
          "Missing episodes", "Exploitation", "School attendance and exclusion",
          "Was not brought to appointments", "Transitions between services"]  # fmt: skip
STAGES = [("identified", "Case identified", 1), ("meeting_held", "Meeting held", 3),
          ("crc_considered", "CRC considered", 6), ("frontline_informed", "Frontline informed", 7)]  # fmt: skip
CATEGORIES = [c for _, c in TYPES]
CASES_PER_PARTNERSHIP = 100


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def _action_state(salt: str, first_due: str, days: int, overdue_one_in: int) -> str:
    """The status, due date, completion and overdue columns of a synthetic action `x`."""
    return f"""list_element(['open', 'in_progress', 'done', 'verified'],
                            1 + CAST(hash(x, '{salt}s') % 4 AS INTEGER)) AS status,
               DATE '{first_due}' + CAST(hash(x, '{salt}due') % {days} AS INTEGER) AS due_date,
               CAST(NULL AS DATE) AS completed_on, hash(x, '{salt}o') % {overdue_one_in} = 0
                   AS overdue"""


def _generated(code: str, cases: int, events: int, learning: int, actions: int) -> dict:
    """SELECT per table for one synthetic partnership (keys as a publication makes them)."""
    key = "upper(substr(md5(? || ':{kind}:' || CAST({n} AS VARCHAR)), 1, 16))"
    ck = "'C' || " + key.format(kind="c", n="c")
    agency = f"list_element(?::VARCHAR[], 1 + CAST(hash({{n}}, '{{salt}}') % {len(AGENCIES)} AS INTEGER))"
    meeting = "DATE '2024-01-01' + CAST(hash(c, 'm') % 365 AS INTEGER)"
    cases_sql = f"SELECT c, {ck} AS case_key, {meeting} AS meeting_date FROM range(?) r(c)"
    return {
        "crc_cases": (
            f"""SELECT ? AS partnership, case_key, meeting_date, year(meeting_date) AS meeting_year,
                   CAST(hash(c, 'age') % 200 AS BIGINT) AS age_months_at_meeting,
                   list_element(['Under 1', '1 to 4', '5 to 9', '10 to 15', '16 and over'],
                                1 + CAST(hash(c, 'b') % 5 AS INTEGER)) AS age_band_at_meeting,
                   'frontline_informed' AS stage_key, CAST(5 AS BIGINT) AS agency_count,
                   false AS is_demo
            FROM ({cases_sql})""",
            [code, code, cases],
        ),
        "crc_case_agencies": (
            (
                f"SELECT ? AS partnership, {ck} AS case_key, a AS agency FROM range(?) r(c),"
                " unnest(?::VARCHAR[]) u(a) WHERE hash(c, a) % 3 <> 0 OR a = ?"
            ),
            [code, code, cases, AGENCIES, AGENCIES[0]],
        ),
        "crc_events": (
            f"""SELECT ? AS partnership, {ck.replace("CAST(c AS", "CAST(e % ? AS")} AS case_key,
                   DATE '2024-01-01' - CAST(hash(e, 'd') % 1460 AS INTEGER) AS event_date,
                   CASE WHEN e % 50 = 0 THEN 'month' ELSE 'day' END AS date_precision,
                   CAST(hash(e, 'age') % 200 AS BIGINT) AS age_months,
                   {agency.format(n="e", salt="a")} AS agency,
                   list_element(?::VARCHAR[], 1 + CAST(hash(e, 't') % {len(TYPES)} AS INTEGER))
                       AS event_type,
                   list_element(?::VARCHAR[], 1 + CAST(hash(e, 't') % {len(TYPES)} AS INTEGER))
                       AS category
            FROM range(?) r(e)""",
            [code, code, cases, AGENCIES, [t for t, _ in TYPES], [c for _, c in TYPES], events],
        ),
        "crc_learning_points": (
            f"""SELECT ? AS partnership, {ck.replace("CAST(c AS", "CAST(l % ? AS")} AS case_key,
                   'L' || {key.format(kind="l", n="l")} AS learning_key,
                   CASE WHEN l % 2 = 0 THEN 'cross_agency' ELSE 'single_agency' END AS scope,
                   CASE WHEN l % 2 = 0 THEN NULL ELSE {agency.format(n="l", salt="la")} END
                       AS agency,
                   DATE '2024-03-01' + CAST(hash(l, 'r') % 300 AS INTEGER) AS recorded_on
            FROM range(?) r(l)""",
            [code, code, cases, code, AGENCIES, learning],
        ),
        "crc_learning_themes": (
            f"""SELECT DISTINCT ? AS partnership, {ck.replace("CAST(c AS", "CAST(l % ? AS")}
                   AS case_key, 'L' || {key.format(kind="l", n="l")} AS learning_key,
                   list_element(?::VARCHAR[], 1 + CAST(hash(l, j) % {len(THEMES)} AS INTEGER))
                       AS theme
            FROM range(?) r(l), range(2) s(j)""",
            [code, code, cases, code, THEMES, learning],
        ),
        "crc_actions": (
            f"""SELECT ? AS partnership, {ck.replace("CAST(c AS", "CAST(x % ? AS")} AS case_key,
                   'A' || {key.format(kind="a", n="x")} AS action_key,
                   'L' || {key.format(kind="l", n="x")} AS learning_key,
                   {agency.format(n="x", salt="o")} AS agency,
                   {_action_state("", "2024-06-01", 700, 3)}
            FROM range(?) r(x)""",
            [code, code, cases, code, code, AGENCIES, actions],
        ),
        "crc_barriers": (
            f"""SELECT ? AS partnership, {ck.replace("CAST(c AS", "CAST(b % ? AS")} AS case_key,
                   'B' || {key.format(kind="b", n="b")} AS barrier_key, 'event' AS target_kind,
                   {agency.format(n="b", salt="ba")} AS agency,
                   DATE '2024-03-01' + CAST(hash(b, 'r') % 300 AS INTEGER) AS recorded_on
            FROM range(?) r(b)""",
            [code, code, cases, code, AGENCIES, learning // 2],
        ),
        "crc_barrier_themes": (
            f"""SELECT ? AS partnership, {ck.replace("CAST(c AS", "CAST(b % ? AS")} AS case_key,
                   'B' || {key.format(kind="b", n="b")} AS barrier_key,
                   list_element(?::VARCHAR[], 1 + CAST(hash(b) % {len(THEMES)} AS INTEGER))
                       AS theme
            FROM range(?) r(b)""",
            [code, code, cases, code, THEMES, learning // 2],
        ),
        "crc_process": (
            f"""SELECT ? AS partnership, case_key, meeting_date - 60 AS identified_on,
                   meeting_date, meeting_date + 70 AS crc_considered_on,
                   meeting_date + 140 AS frontline_informed_on,
                   CAST(60 + hash(c, 'p1') % 30 AS BIGINT) AS days_identified_to_meeting,
                   CAST(70 + hash(c, 'p2') % 40 AS BIGINT) AS days_meeting_to_crc,
                   CAST(70 + hash(c, 'p3') % 40 AS BIGINT) AS days_crc_to_frontline,
                   'frontline_informed' AS stage_key
            FROM ({cases_sql})""",
            [code, code, cases],
        ),
        "crc_committee_decisions": (
            f"""SELECT ? AS partnership, {ck} AS case_key, 'D' || {key.format(kind="d", n="c")}
                   AS decision_key, CAST(NULL AS VARCHAR) AS theme,
                   {meeting} + 70 AS decided_on
            FROM range(?) r(c)""",
            [code, code, code, cases],
        ),
        "crc_committee_actions": (
            f"""SELECT ? AS partnership, 'O' || {key.format(kind="o", n="x")}
                   AS committee_action_key,
                   'D' || {key.format(kind="d", n="x // 2")} AS decision_key,
                   {agency.format(n="x", salt="co")} AS agency,
                   {_action_state("c", "2024-09-01", 300, 4)}
            FROM range(?) r(x)""",
            [code, code, code, AGENCIES, 2 * cases],
        ),
        "crc_briefing_deliveries": (
            f"""SELECT ? AS partnership, {ck} AS case_key,
                   'V' || {key.format(kind="v", n="c")} AS delivery_key,
                   CAST(NULL AS VARCHAR) AS theme,
                   CASE WHEN c % 3 = 0 THEN 'workshop' ELSE 'briefing' END AS kind,
                   {meeting} + 140 AS delivered_on, CAST(10 + hash(c, 'at') % 40 AS INTEGER)
                   AS attended
            FROM range(?) r(c) WHERE c % 2 = 0""",
            [code, code, code, cases],
        ),
        "crc_event_links": (
            f"""SELECT ? AS partnership, {ck.replace("CAST(c AS", "CAST(k % ? AS")} AS case_key,
                   list_element(?::VARCHAR[], 1 + CAST(hash(k, 'lt') % {len(LINK_TYPES)} AS INTEGER))
                       AS link_type,
                   hash(k, 'lt') % {len(LINK_TYPES)} >= {len(LINK_TYPES) - 2} AS unanswered,
                   k % 4 = 0 AS suggested,
                   DATE '2024-01-01' - CAST(hash(k, 'fd') % 1460 AS INTEGER) AS from_date,
                   {agency.format(n="k", salt="fa")} AS from_agency,
                   list_element(?::VARCHAR[], 1 + CAST(hash(k, 'fc') % {len(TYPES)} AS INTEGER))
                       AS from_category,
                   DATE '2024-01-01' - CAST(hash(k, 'fd') % 1460 AS INTEGER) + 3 AS to_date,
                   {agency.format(n="k", salt="ta")} AS to_agency,
                   list_element(?::VARCHAR[], 1 + CAST(hash(k, 'tc') % {len(TYPES)} AS INTEGER))
                       AS to_category
            FROM range(?) r(k)""",
            [
                code,
                code,
                cases,
                list(LINK_TYPES),
                AGENCIES,
                CATEGORIES,
                AGENCIES,
                CATEGORIES,
                learning,
            ],
        ),
        # Two patterns a case, each a row per agency and category of its events (a silence of
        # every agency: no agency, no category; of one agency: no category).
        "crc_patterns": (
            f"""SELECT ? AS partnership, {ck.replace("CAST(c AS", "CAST(q // 2 % ? AS")}
                   AS case_key, CAST(q % 2 + 1 AS INTEGER) AS pattern_no,
                   list_element(?::VARCHAR[], 1 + CAST(hash(q, 'k') % ? AS INTEGER)) AS kind,
                   DATE '2024-01-01' - CAST(hash(q, 'pd') % 1460 AS INTEGER) AS start_date,
                   DATE '2024-01-01' - CAST(hash(q, 'pd') % 1460 AS INTEGER) + 120 AS end_date,
                   CASE WHEN kind <> ? THEN {agency.format(n="q + j", salt="pa")} END AS agency,
                   CASE WHEN kind NOT IN ? THEN list_element(?::VARCHAR[],
                       1 + CAST(hash(q, j, 'pc') % {len(TYPES)} AS INTEGER)) END AS category
            FROM range(?) r(q), range(2) s(j)""",
            [
                code,
                code,
                cases,
                list(COMMITTEE_PATTERN_KINDS),
                len(COMMITTEE_PATTERN_KINDS),
                SILENCE,
                AGENCIES,
                NO_EVENT_KINDS,
                CATEGORIES,
                2 * cases,
            ],
        ),
        "themes": ("SELECT ? AS partnership, unnest(?::VARCHAR[]) AS name", [code, THEMES]),
        "workflow_stages": (
            (
                "SELECT ? AS partnership, s.k AS stage_key, s.n AS name, s.p AS position FROM"
                " (SELECT unnest(?::STRUCT(k VARCHAR, n VARCHAR, p INTEGER)[], recursive := true)) s"
            ),
            [code, [{"k": k, "n": n, "p": p} for k, n, p in STAGES]],
        ),
    }


def generate(out: Path, partnerships: int, events: int, learning: int, actions: int) -> None:
    from data.publish import finish_bundle, table_entry

    con = duckdb.connect()
    for i in range(partnerships):
        code = f"P{i + 1:03d}"
        folder = out / f"{code}_bench"
        folder.mkdir(parents=True)
        files = {}
        sqls = _generated(
            code, CASES_PER_PARTNERSHIP, events // partnerships, learning // partnerships,
            actions // partnerships,
        )  # fmt: skip
        for table in TABLES:
            sql, params = sqls[table.name]
            path = folder / table.file
            rows = con.execute(
                # Ordered as publish orders them (by their keys).
                f"COPY (SELECT * FROM ({sql}) ORDER BY ALL) TO '{_sql_text(path)}'"
                " (FORMAT parquet, COMPRESSION zstd)",
                params,
            ).fetchone()[0]
            files[table.file] = table_entry(con, table, path, rows)
        finish_bundle(
            folder, folder.name, code, f"Bench partnership {code}", datetime.now(), False, files
        )


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


QUERIES = {
    "differencing check": lambda s, f: crc.check_differencing(s, SYSTEM, f),
    "case count": lambda s, f: crc.selected_case_count(s, SYSTEM, f),
    "filter options": lambda s, f: crc.filter_options(s, SYSTEM),
    "learning themes (3 tables)": lambda s, f: crc.learning_theme_tables(s, SYSTEM, f),
    "themes by partnership": lambda s, f: pooled.theme_partnership_table(s, SYSTEM, f),
    "barriers": lambda s, f: crc.barrier_table(s, SYSTEM, f),
    "actions (2 tables)": lambda s, f: crc.action_tables(s, SYSTEM, f),
    "process times": lambda s, f: crc.process_table(s, SYSTEM, f),
    "not travelled (links)": lambda s, f: crc.unanswered_share_table(s, SYSTEM, f),
    "patterns by agency": lambda s, f: crc.pattern_table(s, SYSTEM, f, "agency"),
    "patterns by category": lambda s, f: crc.pattern_table(s, SYSTEM, f, "category"),
    "event types": lambda s, f: crc.event_types(s, SYSTEM),
    "anchor choices": lambda s, f: crc.anchor_choices(s, SYSTEM),
    "aligned count": lambda s, f: crc.aligned_case_count(s, SYSTEM, f, "Referral"),
    "aligned density + rows": lambda s, f: crc.aligned_events(s, SYSTEM, f, "Referral"),
    # The aligned tab opens on the first event of a category (its default anchor).
    "aligned count, category": lambda s, f: crc.aligned_case_count(s, SYSTEM, f, ANCHOR),
    "aligned dens+rows, category": lambda s, f: crc.aligned_events(s, SYSTEM, f, ANCHOR),
    "by category, aligned": lambda s, f: crc.category_table(s, SYSTEM, f, ANCHOR),
}
ANCHOR = crc.DEFAULT_ANCHOR
# What opening the explorer runs before the first tab is drawn.
FIRST_VIEW = (
    "filter options",
    "differencing check",
    "case count",
    "learning themes (3 tables)",
    "themes by partnership",
)


QUERY_AIM = 1.0  # seconds


def timed(fn, runs: int = 3, cold=None) -> float:
    """Median seconds of `fn`; with `cold` (a pooled store), its kept results dropped first."""
    times = []
    for _ in range(runs):
        if cold is not None:
            cold.forget_results()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_queries(folders: list[Path], region: tuple[str, ...]) -> None:
    start = time.perf_counter()
    pool = pooled.open_pooled(folders)
    print(f"open + validate {len(folders)} bundles (checksums of every file):"
          f" {time.perf_counter() - start:.2f} s, server memory {rss_mb():.0f} MB")  # fmt: skip
    start = time.perf_counter()
    pool.holds_journeys()
    print(f"journey tables for the aligned view (built once, in the background at start-up):"
          f" {time.perf_counter() - start:.2f} s, server memory {rss_mb():.0f} MB")  # fmt: skip
    start = time.perf_counter()
    pool.warm_up()
    print(f"rest of the warm-up (filter choices, case facts, first view; in the background):"
          f" {time.perf_counter() - start:.2f} s")  # fmt: skip
    start = time.perf_counter()
    pool.forget_results(memos=True)
    crc.fact_index(pool, SYSTEM)
    print(f"differencing index (built once in the warm-up and kept, so not in the cold figures"
          f" below): {time.perf_counter() - start:.2f} s")  # fmt: skip
    one = pooled.open_pooled([folders[0]])
    one.holds_journeys()
    cases = crc.selected_case_count(pool, SYSTEM, crc.CrcFilters())
    events = pool.query_one("SELECT count(*) FROM crc_events")[0]
    print(f"pooled: {cases:,} cases, {events:,} events\n")
    every = f"all {len(folders)}"
    print("cold: every query result the store keeps dropped before each run (what the warm-up"
          " builds for good, the differencing index, kept); kept: asked again")  # fmt: skip
    print(f"aim: each query under {QUERY_AIM:.0f} s over all partnerships and over a region\n")
    print(f"{'query':<28} {every:>9} {'region of 4':>12} {'baseline: 1':>12} {'kept':>8}"
          f" {'memory':>9}  aim")  # fmt: skip
    sums = {"all": 0.0, "region": 0.0, "one": 0.0}
    missed = []
    for name, query in QUERIES.items():
        t_all = timed(lambda q=query: q(pool, crc.CrcFilters()), cold=pool)
        t_region = timed(lambda q=query: q(pool, crc.CrcFilters(partnerships=region)), cold=pool)
        t_one = timed(lambda q=query: q(one, crc.CrcFilters()), cold=one)
        t_kept = timed(lambda q=query: q(pool, crc.CrcFilters(partnerships=region)))
        if name in FIRST_VIEW:
            sums["all"] += t_all
            sums["region"] += t_region
            sums["one"] += t_one
        met = max(t_all, t_region) < QUERY_AIM
        missed += [] if met else [name]
        print(f"{name:<28} {t_all:>8.3f}s {t_region:>11.3f}s {t_one:>11.3f}s {t_kept:>7.3f}s"
              f" {rss_mb():>6.0f} MB  < 1 s {'met' if met else 'MISSED'}")  # fmt: skip
    print(f"{'first view (sum of above *)':<28} {sums['all']:>8.3f}s {sums['region']:>11.3f}s"
          f" {sums['one']:>11.3f}s")  # fmt: skip
    t_all = timed(lambda: aligned_from_parquet(pool, crc.CrcFilters()), 1, pool)
    t_region = timed(
        lambda: aligned_from_parquet(pool, crc.CrcFilters(partnerships=region)), 1, pool
    )
    t_one = timed(lambda: aligned_from_parquet(one, crc.CrcFilters()), 1, one)
    print(f"{'baseline: aligned, Parquet':<28} {t_all:>8.3f}s {t_region:>11.3f}s {t_one:>11.3f}s"
          f" {rss_mb():>6.0f} MB")  # fmt: skip
    peak = peak_mb()
    print(f"\npeak server memory: {peak:.0f} MB (aim: under 4,096 MB:"
          f" {'met' if peak < 4096 else 'MISSED'})")  # fmt: skip
    print(f"queries over the aim: {', '.join(missed) or 'none'}")
    print("* first view: " + ", ".join(FIRST_VIEW))
    print("baseline: aligned density + rows read straight from the events' Parquet files, as"
          " before the journey tables (one run, cold)")  # fmt: skip


def aligned_from_parquet(store, f: crc.CrcFilters) -> None:
    """The aligned view's two queries as they ran before the journey tables: over the
    bundles' events as read from their Parquet files, keyed by the published case keys."""
    sel = crc._selection(f)
    cte = f"""WITH {sel.sql},
        first_anchor AS (
            SELECT e.case_key, min(e.event_date) AS anchor_date
            FROM crc_events e JOIN sel ON sel.case_key = e.case_key
            WHERE e.event_type = ? AND e.date_precision <> 'year' GROUP BY e.case_key),
        anchor AS (
            SELECT case_key, anchor_date,
                   row_number() OVER (ORDER BY anchor_date, case_key) - 1 AS case_row
            FROM first_anchor),
        rel AS (
            SELECT a.case_row, e.agency, e.event_type,
                   datediff('month', a.anchor_date, e.event_date) AS rel_month
            FROM crc_events e JOIN anchor a ON a.case_key = e.case_key
            WHERE e.date_precision <> 'year')"""
    params = [*sel.params, "Referral", -24, 24]
    store.query_df(
        cte + " SELECT agency, rel_month, count(*), count(DISTINCT case_row) FROM rel"
        " WHERE rel_month BETWEEN ? AND ? GROUP BY ALL",
        params,
    )
    store.query_df(
        cte + " SELECT case_row, rel_month, event_type, count(*) FROM rel WHERE case_row < 150"
        " AND rel_month BETWEEN ? AND ? GROUP BY ALL",
        params,
    )


PAGE_AIM, TAB_AIM = 2.0, 1.0  # seconds: the pooled page interactive; each tab (a query each)


def bench_page(bundles: Path, runs: int, before: str | None = None) -> None:
    """The pooled explorer (`crc serve-pooled`) in headless Chromium, once it has warmed up;
    with `before`, that revision's too, measured alternately in the same run."""
    spec = importlib.util.spec_from_file_location(
        "explorer_page", ROOT / "bench" / "explorer_page.py"
    )
    explorer_page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(explorer_page)
    command = ("crc", "serve-pooled", str(bundles))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        with explorer_page.servers(Path(tmp), before, command=command, ready="Ready:") as urls:
            print(f"\nserve-pooled over {bundles}: answering and warmed up (its log says"
                  f" 'Ready:') after {time.perf_counter() - started:.1f} s"
                  f"{' (both servers)' if before else ''}")  # fmt: skip
            print(f"-- the pooled explorer in headless Chromium, 1920x1080, median of {runs}"
                  f"{f', before: {before}' if before else ''} (the first open, which waits for"
                  " the warm-up, not counted)")  # fmt: skip
            figures = explorer_page.measure_alternately(urls, runs, first_wait_ms=180_000)
            explorer_page.report(figures["now"], PAGE_AIM, TAB_AIM, figures.get("before"))


def bench_publish() -> None:
    """One partnership's publish of bench/crc.py's 1,000,000-event database."""
    from data.committee_patterns import write_missing_patterns
    from data.demo.bundles import sign_off_demo_records
    from data.publish import publish
    from data.store import Store

    spec = importlib.util.spec_from_file_location("bench_crc", ROOT / "bench" / "crc.py")
    bench_crc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_crc)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "million.duckdb")
        bench_crc.generate(store)
        sign_off_demo_records(store)
        # Records signed before the lenses reached the committee have their patterns written
        # at the first publish, once (the synthetic records are signed so): timed on its own.
        start = time.perf_counter()
        backfilled = write_missing_patterns(store)
        backfill = time.perf_counter() - start
        store.cursor().execute("CHECKPOINT")
        db_size = (Path(tmp) / "million.duckdb").stat().st_size
        start = time.perf_counter()
        publication = publish(store, SYSTEM, Path(tmp) / "out", "MILLION")
        took = time.perf_counter() - start
        size = sum(f.stat().st_size for f in publication.path.iterdir())
        start = time.perf_counter()
        store.cursor().execute(
            f"COPY (SELECT * FROM crc_events) TO '{_sql_text(Path(tmp) / 'plain.parquet')}'"
            " (FORMAT parquet, COMPRESSION zstd)"
        ).fetchall()
        plain = time.perf_counter() - start
        events = publication.manifest["files"]["crc_events.parquet"]["rows"]
        print(f"\npublish of a {events:,}-event database ({db_size / 2**20:.0f} MB file):"
              f" {took:.2f} s, bundle {size / 2**20:.1f} MB;"
              f" baseline, plain Parquet copy of crc_events: {plain:.2f} s")  # fmt: skip
        print(f"  once, before the first publish: the patterns of {backfilled:,} records signed"
              f" before the lenses reached the committee, {backfill:.1f} s")  # fmt: skip
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=150)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--learning", type=int, default=200_000)
    parser.add_argument("--actions", type=int, default=150_000)
    parser.add_argument("--dir", help="keep the bundles here (default: a temporary folder)")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-publish", action="store_true", help="skip the publish figure")
    parser.add_argument("--no-browser", action="store_true", help="skip the page in Chromium")
    parser.add_argument("--runs", type=int, default=3, help="browser runs per figure")
    parser.add_argument("--before", metavar="REV", help="also time the page on this revision")
    args = parser.parse_args()
    if args.generate_only:
        generate(Path(args.dir), args.partnerships, args.events, args.learning, args.actions)
        return
    tmp = None if args.dir else tempfile.mkdtemp(prefix="rpm-pooled-")
    out = Path(args.dir or tmp)
    try:
        if not any(out.glob("*/manifest.json")):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, "--generate-only", "--dir", str(out),
                 "--partnerships", str(args.partnerships), "--events", str(args.events),
                 "--learning", str(args.learning), "--actions", str(args.actions)],
                check=True,
            )  # fmt: skip
            size = sum(f.stat().st_size for f in out.rglob("*.parquet"))
            print(f"generated {args.partnerships} bundles ({args.events:,} events) in"
                  f" {time.perf_counter() - start:.0f} s: {size / 2**20:.0f} MB of Parquet")  # fmt: skip
        folders = sorted(p.parent for p in out.glob("*/manifest.json"))
        region = tuple(p.name.split("_")[0] for p in folders[:4])
        bench_queries(folders, region)
        if not args.no_browser:
            bench_page(out, args.runs, args.before)
        if not args.no_publish:
            bench_publish()
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    load = os.getloadavg()
    print(f"(machine: {os.cpu_count()} cores; load average at the end:"
          f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
