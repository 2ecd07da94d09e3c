"""CRC explorer queries on 2,000 synthetic cases x 500 events (1,000,000 events), and the
explorer page itself on the demo data in headless Chromium.

Generates everything with set-based SQL in a temporary DuckDB file, then prints the time of
every query behind the explorer (median of 5 runs), unfiltered and with filters, of the figure
builders and of each tab's server callback. Then starts `serve --demo` and prints, at 1920x1080
and 1366x768, the explorer's open to its first tab interactive (aim: under 1 s) and each tab's
(aim: under 500 ms) beside the app's case list opened in the same run, with the load average
(`bench/explorer_page.py`). Prints figures only; asserts nothing.

With `--before REV` (a git revision, e.g. main), the page is timed on that revision's code too,
in the same run, each run of the one after a run of the other, and both are printed side by
side.

Run: .venv/bin/python bench/crc.py [--runs 5] [--browser-only] [--before REV]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.crc import case_rows_picture, count_table, theme_bars  # noqa: E402
from data import crc  # noqa: E402
from data.actor import SYSTEM  # noqa: E402
from data.store import Store  # noqa: E402

PAGE_AIM = 1.0  # seconds: the explorer interactive
TAB_AIM = 0.5  # seconds: each tab

CASES = 2_000
EVENTS_PER_CASE = 500
AGENCIES = ["Children's Social Care", "Police", "GP and Health Visiting", "School", "Housing",
            "Family Support Network", "Probation", "Adult Mental Health"]  # fmt: skip
TYPES = ["Referral", "Assessment", "Home visit", "Domestic incident", "Welfare check",
         "GP appointment", "Was not brought", "Attendance", "Exclusion", "Tenancy visit",
         "Contact", "Strategy meeting", "Missing episode", "Information report"]  # fmt: skip


def generate(store: Store) -> None:
    with store.transaction() as cur:
        for name in AGENCIES:
            cur.execute("INSERT INTO agencies (name) VALUES (?)", [name])
        cur.execute(
            """
            INSERT INTO cases (case_ref, label, date_of_birth)
            SELECT 'BENCH-' || i, 'Bench ' || i,
                   DATE '2004-01-01' + CAST(hash(i) % 6000 AS INTEGER)
            FROM range(1, ? + 1) t(i)
            """,
            [CASES],
        )
        cur.execute(
            """
            INSERT INTO case_agencies (case_id, agency_id)
            SELECT c.case_id, a.agency_id FROM cases c, agencies a
            WHERE hash(c.case_id, a.agency_id) % 4 <> 0 OR a.agency_id = 1
            """
        )
        cur.execute(
            """
            INSERT INTO meetings (case_id, meeting_date, chair_name)
            SELECT case_id, DATE '2019-01-01' + CAST(hash(case_id, 'm') % 2400 AS INTEGER),
                   'Chair ' || (case_id % 40)
            FROM cases
            """
        )
        # 500 events per case over the 4 years before the meeting, one Referral among them.
        cur.execute(
            """
            INSERT INTO events (case_id, agency_id, event_date, date_precision, event_type, summary)
            SELECT c.case_id,
                   1 + CAST(hash(c.case_id, n, 'a') % ? AS INTEGER),
                   m.meeting_date - CAST(hash(c.case_id, n, 'd') % 1460 AS INTEGER),
                   CASE WHEN n % 50 = 0 THEN 'month' ELSE 'day' END,
                   list_element(?::VARCHAR[], 1 + CAST(hash(c.case_id, n, 't') % ? AS INTEGER)),
                   'synthetic'
            FROM cases c JOIN meetings m ON m.case_id = c.case_id, range(?) r(n)
            """,
            [len(AGENCIES), TYPES, len(TYPES), EVENTS_PER_CASE],
        )
        cur.execute(
            """
            INSERT INTO case_workflow (case_id, stage_key, done_on, done_by)
            SELECT m.case_id, s.stage_key,
                   m.meeting_date + CASE s.stage_key
                       WHEN 'identified' THEN -40 - CAST(hash(m.case_id, 1) % 40 AS INTEGER)
                       WHEN 'meeting_held' THEN 0
                       WHEN 'crc_considered' THEN 50 + CAST(hash(m.case_id, 2) % 60 AS INTEGER)
                       ELSE 120 + CAST(hash(m.case_id, 3) % 60 AS INTEGER) END,
                   'bench'
            FROM meetings m, workflow_stages s
            WHERE s.stage_key IN ('identified', 'meeting_held', 'crc_considered', 'frontline_informed')
            """
        )
        cur.execute(
            """
            INSERT INTO learning_points (case_id, scope, agency_id, text, share_with_crc, created_by)
            SELECT c.case_id,
                   CASE WHEN k % 2 = 0 THEN 'cross_agency' ELSE 'single_agency' END,
                   CASE WHEN k % 2 = 0 THEN NULL ELSE 1 + CAST(hash(c.case_id, k) % ? AS INTEGER) END,
                   'learning', k % 3 <> 0, 'bench'
            FROM cases c, range(5) r(k)
            """,
            [len(AGENCIES)],
        )
        cur.execute(
            """
            INSERT INTO learning_point_themes
            SELECT DISTINCT learning_id, 1 + CAST(hash(learning_id, j) % 15 AS INTEGER)
            FROM learning_points, range(2) r(j)
            """
        )
        # Every case signed off, its flagged learning reviewed: what reaches the committee.
        cur.execute(
            """
            INSERT INTO meeting_records (case_id, version, created_by, signed_name, signed_by,
                                         signed_at, snapshot)
            SELECT case_id, 1, 'bench', 'Chair', 'bench', TIMESTAMP '2024-01-01 10:00', '{}'
            FROM cases
            """
        )
        cur.execute(
            """
            INSERT INTO learning_shared_wording (case_id, learning_id, meeting_text, shared_text,
                                                 marked, confirmed_by)
            SELECT case_id, learning_id, text, text, '[]', 'bench'
            FROM learning_points WHERE share_with_crc
            """
        )
        cur.execute(
            """
            INSERT INTO committee_learning
            SELECT r.record_id, lp.case_id, lp.learning_id, w.wording_id, lp.scope, lp.agency_id,
                   w.shared_text, CAST(lp.created_at AS DATE)
            FROM learning_points lp JOIN meeting_records r ON r.case_id = lp.case_id
            JOIN learning_shared_wording w ON w.learning_id = lp.learning_id
            """
        )
        cur.execute(
            """
            INSERT INTO committee_learning_themes
            SELECT cl.record_id, cl.learning_id, t.theme_id
            FROM committee_learning cl JOIN learning_point_themes t USING (learning_id)
            """
        )
        cur.execute(
            """
            INSERT INTO actions (case_id, learning_id, description, owner_name, owner_agency_id,
                                 due_date, status, created_by)
            SELECT lp.case_id, lp.learning_id, 'action', 'owner',
                   1 + CAST(hash(lp.learning_id, 'o') % ? AS INTEGER),
                   DATE '2020-01-01' + CAST(hash(lp.learning_id, 'due') % 2500 AS INTEGER),
                   list_element(['open', 'in_progress', 'done', 'verified'],
                                1 + CAST(hash(lp.learning_id, 's') % 4 AS INTEGER)),
                   'bench'
            FROM learning_points lp WHERE hash(lp.learning_id, 'x') % 4 <> 0
            """,
            [len(AGENCIES)],
        )
        cur.execute(
            """
            INSERT INTO reflections (case_id, target_kind, model_key, stage_key, question_key,
                                     text, agency_id, author)
            SELECT case_id, 'case', 'gibbs', 'analysis', 'barrier', 'barrier',
                   1 + CAST(hash(case_id, k) % ? AS INTEGER), 'bench'
            FROM cases, range(2) r(k)
            """,
            [len(AGENCIES)],
        )


def timed(fn, runs: int = 5) -> tuple[float, float, object]:
    """Median and best of `runs` calls, in ms, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="browser runs per figure")
    parser.add_argument(
        "--browser-only", action="store_true", help="only the page in headless Chromium"
    )
    parser.add_argument("--before", metavar="REV", help="also time the page on this revision")
    args = parser.parse_args()
    if not args.browser_only:
        queries_and_callbacks()
    page_in_browser(args.runs, args.before)


def page_in_browser(runs: int, before: str | None = None) -> None:
    """The explorer on the demo data (`serve --demo`) in headless Chromium, at both sizes; with
    `before`, that revision's explorer too, measured alternately in the same run."""
    explorer_page = _load("explorer_page", ROOT / "bench" / "explorer_page.py")
    with (
        tempfile.TemporaryDirectory() as tmp,
        explorer_page.servers(Path(tmp), before, "--demo") as urls,
    ):
        for viewport in ((1920, 1080), (1366, 768)):
            print(f"\n-- the explorer in headless Chromium on the demo data, {viewport[0]}x"
                  f"{viewport[1]}, median of {runs}{f', before: {before}' if before else ''}")  # fmt: skip
            figures = explorer_page.measure_alternately(urls, runs, viewport)
            explorer_page.report(figures["now"], PAGE_AIM, TAB_AIM, figures.get("before"))


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def queries_and_callbacks() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        start = time.perf_counter()
        generate(store)
        counts = store.query_one(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM events),"
            " (SELECT count(*) FROM learning_points), (SELECT count(*) FROM actions)"
        )
        print(
            f"generated {counts[0]:,} cases, {counts[1]:,} events, {counts[2]:,} learning points,"
            f" {counts[3]:,} actions in {time.perf_counter() - start:.1f} s"
        )
        print("(2-core machine shared with other work: figures vary from run to run)\n")
        for label, f in (
            ("all cases", crc.CrcFilters()),
            ("theme + agency + year", crc.CrcFilters(
                themes=("Information sharing",), agencies=("Police",), years=(2021, 2022))),
        ):  # fmt: skip
            print(f"-- {label}")
            rows = [
                ("filter_options", lambda: crc.filter_options(store, SYSTEM)),
                ("event_types", lambda: crc.event_types(store, SYSTEM)),
                ("selected_case_count", lambda f=f: crc.selected_case_count(store, SYSTEM, f)),
                ("learning_theme_tables", lambda f=f: crc.learning_theme_tables(store, SYSTEM, f)),
                ("barrier_table", lambda f=f: crc.barrier_table(store, SYSTEM, f)),
                ("action_tables", lambda f=f: crc.action_tables(store, SYSTEM, f)),
                ("process_table", lambda f=f: crc.process_table(store, SYSTEM, f)),
                ("aligned_case_count", lambda f=f: crc.aligned_case_count(store, SYSTEM, f, "Referral")),
                ("aligned density (24 months)", lambda f=f: crc.aligned_events(store, SYSTEM, f, "Referral", 24, "density")),
                ("aligned case rows (24 months)", lambda f=f: crc.aligned_events(store, SYSTEM, f, "Referral", 24, "rows")),
                ("aligned_events (both)", lambda f=f: crc.aligned_events(store, SYSTEM, f, "Referral", 24)),
                ("summary_case_keys", lambda f=f: crc.summary_case_keys(store, SYSTEM, f)),
                ("check_differencing", lambda f=f: crc.check_differencing(store, SYSTEM, f)),
            ]  # fmt: skip
            results = {}
            for name, fn in rows:
                ms, best, results[name] = timed(fn)
                print(f"{name:32s} {ms:8.1f} ms median {best:8.1f} ms best")
            key = results["summary_case_keys"][0]
            ms, best, _ = timed(lambda key=key: crc.crc_summary(store, SYSTEM, key))
            print(f"{'crc_summary':32s} {ms:8.1f} ms median {best:8.1f} ms best")
            themes = results["learning_theme_tables"]
            density, case_rows = results["aligned_events (both)"]
            for name, fn in (
                ("theme_bars", lambda t=themes: theme_bars(t["by_agency"], "b", "")),
                ("quarter table, shaded", lambda t=themes: count_table(t["by_quarter"], "q", "", shaded=True)),
                ("density table, shaded", lambda d=density: count_table(crc.density_table(d, 24).T, "d", "", shaded=True)),
                ("case_rows_picture", lambda r=case_rows: case_rows_picture(r, (-24, 24))),
            ):  # fmt: skip
                ms, best, _ = timed(fn)
                print(f"{name:32s} {ms:8.1f} ms median {best:8.1f} ms best")
            print()
        page_callbacks(store, Path(tmp) / "bench.duckdb")
        store.close()


def page_callbacks(store: Store, db_path: Path) -> None:
    """Each tab's server callback as the page runs it (queries + figures + layout), in-process."""
    from contextvars import copy_context

    import flask
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from app.config import Config
    from app.server import create_app
    from data.sessions import start_session
    from data.users import add_user

    user = add_user(store, "bench-crc", "crc", "bench-password-123")
    app = create_app(store, Config(db_path, "127.0.0.1", 0, None, False))
    from app.pages import crc as page

    print("-- page callbacks (all cases), server side")
    with app.server.test_request_context("/"):
        # a session the sign-in guard accepts: the account's generation and a live session
        flask.session["user_id"] = user.user_id
        flask.session["gen"] = user.session_generation
        flask.session["sid"] = start_session(store, user.user_id)
        filters = (None, None, None, None, None, "all", None)  # the last: partnerships
        for tab, _label in page.TABS:

            def render(tab=tab):
                # render_tab reads dash's callback context (which input changed): give it one.
                def run():
                    context_value.set(
                        AttributeDict(
                            triggered_inputs=[{"prop_id": "crc-tabs.value", "value": tab}]
                        )
                    )
                    return page.render_tab(tab, *filters, None)

                return copy_context().run(run)

            ms, best, _ = timed(render, runs=3)
            print(f"{'render_tab ' + tab:32s} {ms:8.1f} ms median {best:8.1f} ms best")
        # the aligned view on another anchor (case rows not asked for, then asked for), and the
        # button asking for the rows
        for label, changed, asked in (
            ("update_aligned", "crc-anchor", 0),
            ("update_aligned, rows shown", "crc-anchor", 1),
            ("update_aligned, rows asked", "crc-rows-show", 1),
        ):

            def aligned(changed=changed, asked=asked):
                def run():
                    context_value.set(
                        AttributeDict(triggered_inputs=[{"prop_id": f"{changed}.value"}])
                    )
                    return page.update_aligned("Referral", "24", *filters, asked)

                return copy_context().run(run)

            ms, best, _ = timed(aligned, runs=3)
            print(f"{label:32s} {ms:8.1f} ms median {best:8.1f} ms best")


if __name__ == "__main__":
    main()
