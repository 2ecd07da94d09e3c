"""Load test: N simulated signed-in users calling the real callbacks over HTTP for D seconds.

    .venv/bin/python bench/load.py [--users 20] [--duration 60] [--threads 8]

Starts `rpm-timeline serve --demo` on a fresh database in a temporary folder on 127.0.0.1,
creates the simulated accounts, signs each user in (twice: once for its actions, once for its
open case page) and opens its case page, and then, timed, runs one thread per user. Each user,
in a loop:

- opens the case list (the pages router callback for "/"),
- opens the demo case (router callback for "/cases/DEMO-J": reads the events, builds the
  timeline, and WRITES an audit row "view_case"),
- filters the timeline (the timeline's filter callback: agencies and a text search, answered
  with a Patch of the trace arrays),
- adds a reflection to the case as a whole (the reflection panel's save callback: a WRITE),
- filters the audit trail (its search callback, filtered by user and action),
- every 5th loop adds an account (the accounts page's "Add account" callback: a WRITE);

and, at the same time, keeps the demo case's page open: its one change poll every two seconds
(`poll_changes`, answered 204 when nothing changed) and the reflection panel's redraw when the
case has changed (`panel_redraw`).

Then it stops the server, opens the database file and counts lost writes: acknowledged
(HTTP 200) writes that are not in the database. It prints requests per second, p50/p95
latency per action and overall, errors, and lost writes. It asserts nothing.

The machine is shared, so latencies move with what else runs: it also prints the load average
before and after, and the CPU time the server and the simulated users themselves used in the
timed minute (server CPU per request moves far less with other work than latency does).

The simulated users are administrators so that they may use every one of these callbacks. To
add an action, write a function `(session, user_index, loop) -> (ok, write_key_or_None)` and
add it to ACTIONS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.dash_http import DashSession, add_user_over_http  # noqa: E402
from tests.support.server import ADMIN_PASSWORD, start_server  # noqa: E402

PASSWORD = "a long pass phrase"  # what add_user_over_http sets
CASE = "DEMO-J"
AUDIT_FILTERS = [
    ("audit-action", "value", "view_case"),
    ("audit-case", "value", CASE),
    ("audit-subject", "value", None),
    ("audit-from", "value", None),
    ("audit-to", "value", None),
]


def open_case_list(session, user, loop):
    reply = session.open_page("/")
    return reply.status == 200 and CASE in reply.body, None


def open_case(session, user, loop):
    reply = session.open_page(f"/cases/{CASE}")
    return reply.status == 200 and "timeline-graph" in reply.body, ("view", user)


def _find_prop(node, component_id: str, prop: str):
    """A property of the component with this id in a layout reply (a nested JSON tree)."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id and prop in props:
            return props[prop]
        for value in node.values():
            found = _find_prop(value, component_id, prop)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find_prop(value, component_id, prop)
            if found is not None:
                return found
    return None


_case_data: dict = {}


def filter_timeline(session, user, loop):
    if "tl-case" not in _case_data:
        page = session.open_page(f"/cases/{CASE}").json()
        _case_data["tl-case"] = _find_prop(page, "tl-case", "data")
        _case_data["tl-lane-order"] = _find_prop(page, "tl-lane-order", "data")
    case_data = _case_data["tl-case"]
    agencies = case_data["agencies"][: 2 + loop % (len(case_data["agencies"]) - 1)]
    reply = session.callback(
        [("timeline-graph", "figure")],
        [
            ("tl-agencies", "value", agencies),
            ("tl-types", "value", []),
            ("tl-search", "value", ["", "visit", "referral"][loop % 3]),
            ("tl-lane-order", "data", _case_data["tl-lane-order"]),
            ("tl-lane-by", "value", "agency"),
            ("tl-hide-summaries", "value", []),
            ("tl-axis", "value", "date"),
            ("tl-episodes-version", "data", 0),
            ("tl-events-version", "data", 0),
        ],
        [
            ("tl-present", "n_clicks", None),
            ("tl-case", "data", case_data),
            ("reflection-marks", "data", None),
            ("tl-span", "data", None),
            # the lenses' controls, as a page sends them before its Lenses tab is opened
            ("tl-lens-state", "data", None),
            ("tl-lens-draw", "value", None),
            ("tl-lens-silence", "value", None),
        ],
        changed=["tl-agencies.value"],
    )
    return reply.status == 200 and "timeline-graph" in reply.body, None


def add_reflection(session, user, loop):
    text = f"load test reflection {user:02d}-{loop}"
    reply = session.callback(
        [
            ("refl-message", "children"),
            ("refl-text", "value"),
            ("refl-editing", "data"),
            ("refl-saved", "data"),
            ("refl-hint-seen", "data"),
        ],
        [("refl-save", "n_clicks", loop + 1)],
        [
            ("selected-point", "data", {"kind": "case", "id": None}),
            ("refl-stage", "value", "analysis"),
            ("refl-question", "value", "barrier"),
            ("refl-agency", "value", "__none__"),  # "not for one agency"
            ("refl-text", "value", text),
            ("refl-editing", "data", None),
            ("refl-saved", "data", loop),
            ("refl-case", "data", CASE),
            ("tl-lens-state", "data", None),  # no known-at-the-time lens in use
        ],
    )
    return reply.status == 200 and "Reflection saved" in reply.body, ("reflection", text)


def filter_audit(session, user, loop):
    reply = session.callback(
        [("audit-results", "children"), ("audit-error", "children")],
        [("audit-search", "n_clicks", loop + 1)],
        [("audit-actor", "value", f"load{user:02d}"), *AUDIT_FILTERS],
    )
    return reply.status == 200 and "audit-table" in reply.body, None


def add_account(session, user, loop):
    if loop % 5:
        return None, None  # not this loop
    name = f"added-{user:02d}-{loop}"
    reply = add_user_over_http(session, name, "crc", "")
    return reply.status == 200 and f"Added {name}" in reply.body, ("user", name)


ACTIONS = [open_case_list, open_case, filter_timeline, add_reflection, filter_audit, add_account]


def signed_in(url, index) -> DashSession:
    """A session of simulated user `index`, signed in (before the timed minute: 40 sign-ins at
    once, each a deliberately slow password check, would otherwise be the first seconds' load)."""
    session = DashSession(url, timeout=30)
    if session.sign_in(f"load{index:02d}", PASSWORD).status != 302:
        raise SystemExit(f"user {index}: sign-in failed")
    return session


def open_case_page(session) -> tuple:
    """The case page as a browser first opens it: what its poll sends back (the case, and the
    revision it has seen)."""
    page = session.open_page(f"/cases/{CASE}").json()
    return _find_prop(page, "tl-case", "data"), _find_prop(page, "tl-case-revision", "data")


def keep_case_open(session, page, stop, results, errors, interval=2.0):
    """The case page each user keeps open (`page`: from `open_case_page`): its one change poll
    every two seconds and, when the case has changed (others' reflections), the reflection
    panel's redraw it triggers."""
    (case_data, seen), tick = page, 0
    while not stop.wait(interval):
        tick += 1
        started = time.perf_counter()
        try:
            reply = session.callback(
                [("tl-case-revision", "data")],
                [("tl-poll", "n_intervals", tick)],
                [("tl-case-revision", "data", seen), ("tl-case", "data", case_data)],
            )
        except OSError as exc:
            errors.append(f"poll_changes: {exc}")
            continue
        results["poll_changes"].append(time.perf_counter() - started)
        if reply.status == 204:
            continue  # nothing changed: the cheap answer
        if reply.status != 200:
            errors.append(f"poll_changes: HTTP {reply.status}")
            continue
        seen = reply.json()["response"]["tl-case-revision"]["data"]
        started = time.perf_counter()
        redraw = session.callback(
            [
                ("refl-point-title", "children"),
                ("refl-point-title", "data-point"),
                ("refl-point-detail", "children"),
                ("refl-list", "children"),
                ("reflection-marks", "data"),
                ("refl-revision", "data"),
            ],
            [
                ("tl-case-revision", "data", seen),
                ("refl-saved", "data", 0),
            ],
            [
                ("selected-point", "data", {"kind": "case", "id": None}),
                ("refl-revision", "data", -1),
                ("refl-point-title", "data-point", None),
                ("reflection-marks", "data", None),
                ("refl-case", "data", CASE),
            ],
            changed=["tl-case-revision.data"],
        )
        results["panel_redraw"].append(time.perf_counter() - started)
        if redraw.status != 200:
            errors.append(f"panel_redraw: HTTP {redraw.status}")


def run_user(session, index, stop, results, writes, errors, think=0.0):
    loop = 0
    while not stop.is_set():
        for action in ACTIONS:
            started = time.perf_counter()
            try:
                ok, write = action(session, index, loop)
            except OSError as exc:
                ok, write = False, None
                errors.append(f"{action.__name__}: {exc}")
            if ok is None:
                continue
            results[action.__name__].append(time.perf_counter() - started)
            if ok and write:
                writes.append(write)
            elif not ok:
                errors.append(f"{action.__name__}: bad reply")
            if think:
                stop.wait(think)
        loop += 1


def cpu_seconds(pid: int | str = "self") -> float:
    """User plus system CPU time of a process (all its threads) so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each user pauses after each action (default 0: back-to-back requests)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="rpm-load-"))
    proc, url = start_server(tmp, "--demo", "--threads", str(args.threads))
    try:
        admin = DashSession(url)
        assert admin.sign_in("admin", ADMIN_PASSWORD).status == 302
        for i in range(args.users):
            reply = add_user_over_http(admin, f"load{i:02d}", "admin", "")
            if reply.status != 200:
                raise SystemExit(f"could not create load{i:02d}: {reply.status}")
        # The router callback is registered on the first page request.
        admin.get("/")
        # Each user's two sessions (its actions and its open case page) sign in first.
        users = [signed_in(url, i) for i in range(args.users)]
        pages = [signed_in(url, i) for i in range(args.users)]
        opened = [open_case_page(page) for page in pages]
        results, writes, errors = defaultdict(list), [], []
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=run_user, args=(users[i], i, stop, results, writes, errors, args.think)
            )
            for i in range(args.users)
        ] + [
            threading.Thread(
                target=keep_case_open, args=(pages[i], opened[i], stop, results, errors)
            )
            for i in range(args.users)
        ]
        load_before = load_average()
        server_cpu, users_cpu = cpu_seconds(proc.pid), cpu_seconds()
        started = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(args.duration)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(proc.pid) - server_cpu
        users_cpu = cpu_seconds() - users_cpu
        load_after = load_average()
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    import duckdb

    con = duckdb.connect(str(tmp / "rpm.duckdb"), read_only=True)
    names = {r[0] for r in con.execute("SELECT username FROM users").fetchall()}
    views = dict(
        con.execute(
            "SELECT actor, count(*) FROM audit_log WHERE action = 'view_case' GROUP BY actor"
        ).fetchall()
    )
    saved_reflections = {r[0] for r in con.execute("SELECT text FROM reflections").fetchall()}
    con.close()
    shutil.rmtree(tmp, ignore_errors=True)  # kept only when the run failed (its server.log)
    lost_users = [name for kind, name in writes if kind == "user" and name not in names]
    lost_reflections = [
        t for kind, t in writes if kind == "reflection" and t not in saved_reflections
    ]
    acked_views = defaultdict(int)
    for kind, user in writes:
        if kind == "view":
            acked_views[f"load{user:02d}"] += 1
    lost_views = sum(max(0, n - views.get(u, 0)) for u, n in acked_views.items())

    every = [v for values in results.values() for v in values]
    print(
        f"RPM Timeline load test: {args.users} users, {elapsed:.0f} s, "
        f"server threads {args.threads}, think time {args.think:g} s"
    )
    print(f"machine: {os.cpu_count()} cores (shared with other work: figures are indicative)")
    print(f"load average (1, 5, 15 min): {load_before} before, {load_after} after")
    print(f"requests: {len(every)}  ({len(every) / elapsed:.1f} req/s)")
    print(
        f"CPU: server {server_cpu:.1f} s ({server_cpu / elapsed:.2f} cores, "
        f"{server_cpu * 1000 / max(1, len(every)):.1f} ms per request), "
        f"simulated users {users_cpu:.1f} s ({users_cpu / elapsed:.2f} cores)"
    )
    print(f"{'action':<16}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, values in [*results.items(), ("all", every)]:
        if values:
            print(
                f"{name:<16}{len(values):>8}{pct(values, 50) * 1000:>10.0f}"
                f"{pct(values, 95) * 1000:>10.0f}{max(values) * 1000:>10.0f}"
            )
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print("target: p95 of all requests under 1000 ms, 0 errors, 0 lost writes")
    print(
        f"writes acknowledged: {len(writes)}  "
        f"lost: {len(lost_users) + len(lost_reflections) + lost_views} "
        f"(accounts {len(lost_users)}, reflections {len(lost_reflections)}, "
        f"case-view audit rows {lost_views})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
