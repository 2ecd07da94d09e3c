"""Fictional data for the CRC explorer in the demo: synthetic closed cases (meetings, workflow,
learning, actions, barriers, and events that carry only a date, an agency and an event type: no
extract text). The demo case DEMO-J itself is left to the pages that build its meeting.

Everything here is invented. The synthetic cases are generated from a fixed seed so the demo is
the same on every start. Rows are added with set-based INSERTs from DataFrames.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from data import categories
from data.cases import ensure_agency, get_case
from data.committee_patterns import write_committee_patterns
from data.record import _versions, build_log
from data.shared_wording import write_committee_learning
from data.store import Store

SYNTHETIC_CASES = 30
SYNTHETIC_SUMMARY = "Synthetic demo event (no extract text)"
SYNTHETIC_RECORD = (
    "Synthetic demo case (fictional).",
    "The two years before the meeting.",
    "Synthetic conclusions (fictional).",
)

AGENCY_TYPES = {
    "Children's Social Care": [
        "Child in need visit",
        "Assessment",
        "Home visit",
        "Supervision",
        "Strategy meeting",
    ],
    "Police": ["Domestic incident", "Welfare check", "Information report", "Missing episode"],
    "GP and Health Visiting": ["GP appointment", "Health visitor contact", "Was not brought"],
    "School": ["Attendance", "Welfare concern", "Parent contact", "Exclusion"],
    "Housing": ["Tenancy visit", "Rent arrears"],
    "Family Support Network": ["Contact", "Early help"],
}
# Themes weighted so that a few keep coming up, as they do in practice reviews.
THEME_WEIGHTS = {
    "Information sharing": 9,
    "Professional curiosity": 7,
    "Voice of the child": 6,
    "Escalation and challenge": 4,
    "Was not brought to appointments": 4,
    "Domestic abuse": 5,
    "Neglect": 4,
    "Thresholds": 3,
    "Parental mental health": 2,
    "School attendance and exclusion": 3,
    "Missing episodes": 1,
    "Transitions between services": 2,
}
LEARNING_TEXT = [
    "Information held by one agency was not shared when another agency was assessing risk.",
    "Practitioners accepted explanations at face value; more curiosity was needed.",
    "The child's own views were not recorded at key decision points.",
    "Concerns were not escalated when a referral was closed without action.",
    "Missed health appointments were not followed up as a possible sign of neglect.",
    "Supervision helped the worker step back and see the pattern of incidents.",
]
STAGES = (
    ("identified", 0),
    ("invites_sent", 12),
    ("meeting_held", 30),
    ("record_distributed", 12),
    ("sent_to_business_unit", 6),
    ("crc_considered", 55),
    ("frontline_informed", 50),
)


def seed_crc_demo(
    store: Store, *, seed: int = 7, cases: int = SYNTHETIC_CASES, sign_off: bool = True
) -> None:
    """Add the CRC demo data (called once by `seed_demo`, after the demo case is ingested).
    Another seed or number of cases makes another fictional partnership (data.demo.bundles).
    `sign_off=False` leaves the records to `sign_off_synthetic_records` (after changing flags)."""
    rng = random.Random(seed)
    with store.transaction() as cur:
        agency_ids = {name: ensure_agency(cur, name) for name in AGENCY_TYPES}
        theme_ids = dict(cur.execute("SELECT name, theme_id FROM themes").fetchall())
        made = []
        events = []
        for n in range(1, cases + 1):
            meeting = date(2022, 1, 10) + timedelta(days=rng.randrange(0, 1340))
            dob = meeting - timedelta(days=rng.randrange(300, 17 * 365))
            involved = [
                "Children's Social Care",
                *rng.sample(list(AGENCY_TYPES)[1:], rng.randint(2, 5)),
            ]
            case_id = cur.execute(
                "INSERT INTO cases (case_ref, label, date_of_birth, is_demo)"
                " VALUES (?, ?, ?, true) RETURNING case_id",
                [f"DEMO-S{n:02d}", f"Synthetic case S{n:02d} (fictional)", dob],
            ).fetchone()[0]
            made.append((case_id, meeting, involved, f"Chair {n:02d} (fictional)"))
            referral = meeting - timedelta(days=rng.randrange(200, 900))
            start = max(dob - timedelta(days=150), referral - timedelta(days=720))
            for agency in involved:
                for _ in range(rng.randint(25, 60)):
                    day = start + timedelta(days=rng.randrange(0, max(1, (meeting - start).days)))
                    events.append(
                        (case_id, agency_ids[agency], day, rng.choice(AGENCY_TYPES[agency]))
                    )
            events.append((case_id, agency_ids["Children's Social Care"], referral, "Referral"))
        if events:
            df = pd.DataFrame(events, columns=["case_id", "agency_id", "event_date", "event_type"])
            df["summary"] = SYNTHETIC_SUMMARY
            cur.register("crc_demo_events", df)
            cur.execute(
                "INSERT INTO events (case_id, agency_id, event_date, date_precision, event_type,"
                " summary) SELECT case_id, agency_id, event_date, 'day', event_type, summary"
                " FROM crc_demo_events"
            )
            cur.unregister("crc_demo_events")
            categories.assign(cur, only_missing=True)
        rows, event_ids = _Rows(), _first_events(cur, [case_id for case_id, *_ in made])
        for case_id, meeting, involved, chair in made:
            _seed_case(
                rows, rng, case_id, meeting, involved, chair, agency_ids, theme_ids,
                event_ids[case_id],
            )  # fmt: skip
        rows.write(cur)
    if sign_off:
        sign_off_synthetic_records(store, [case_id for case_id, *_ in made])


def sign_off_synthetic_records(store: Store, case_ids: list[int] | None = None) -> None:
    """A signed-off record for the cases (default: every case with a meeting and no record),
    its flagged learning through the redaction review (the synthetic text names no one, so its
    shared wording is the meeting's wording) and into the committee's learning, as a real
    sign-off leaves it."""
    if case_ids is None:
        case_ids = [
            case_id
            for (case_id,) in store.query(
                "SELECT case_id FROM cases WHERE case_id NOT IN (SELECT case_id FROM"
                " meeting_records) AND case_id IN (SELECT case_id FROM meetings) ORDER BY 1"
            )
        ]

    with store.transaction() as cur:
        for case_id in case_ids:
            cur.execute(
                "INSERT INTO meeting_records (case_id, version, issues, timescale, conclusions,"
                " created_by) VALUES (?, 1, ?, ?, ?, 'demo seed')",
                [case_id, *SYNTHETIC_RECORD],
            )
        cur.execute(
            "INSERT INTO learning_shared_wording (case_id, learning_id, meeting_text, shared_text,"
            " marked, confirmed_by) SELECT case_id, learning_id, text, text, '[]', 'demo seed'"
            " FROM learning_points WHERE list_contains(?, case_id) AND share_with_crc",
            [case_ids],
        )
    signed = []
    for case_id in case_ids:
        ref = store.query_one("SELECT case_ref FROM cases WHERE case_id = ?", [case_id])[0]
        record = _versions(store, case_id)[0]
        log = build_log(store, get_case(store, ref), record)
        log = replace(
            log,
            status="signed off",
            signed_name="Synthetic chair",
            signed_by="demo seed",
            signed_at=log.meeting_date + " 17:00:00",
        )
        signed.append((case_id, ref, record.record_id, log))
    with store.transaction() as cur:
        for case_id, ref, record_id, log in signed:
            cur.execute(
                "UPDATE meeting_records SET signed_name = 'Synthetic chair',"
                " signed_by = 'demo seed', signed_at = ?, snapshot = ? WHERE record_id = ?",
                [log.signed_at, log.as_json(), record_id],
            )
            write_committee_learning(cur, case_id, record_id)
            write_committee_patterns(store, cur, ref, record_id)


class _Rows:
    """The synthetic cases' meeting rows, gathered case by case and written table by table."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple]] = {}
        self.learning: list[tuple] = []  # learning points, before they have their ids
        self.by_learning: dict[str, list[tuple]] = {}  # rows naming the n-th learning point

    def add(self, table: str, *row) -> None:
        self.tables.setdefault(table, []).append(row)

    def add_learning(self, *row) -> int:
        self.learning.append(row)
        return len(self.learning) - 1

    def add_for_learning(self, table: str, point: int, *row) -> None:
        self.by_learning.setdefault(table, []).append((point, *row))

    def write(self, cur) -> None:
        ids = [
            i
            for (i,) in cur.execute(
                "SELECT nextval('learning_id_seq') AS i FROM range(?) ORDER BY i",
                [len(self.learning)],
            ).fetchall()
        ]
        self.tables["learning_points"] = [(ids[n], *row) for n, row in enumerate(self.learning)]
        for table, rows in self.by_learning.items():
            self.tables.setdefault(table, []).extend((ids[n], *rest) for n, *rest in rows)
        for table, rows in self.tables.items():
            columns = ROW_COLUMNS[table]
            frame = pd.DataFrame(rows, columns=columns)
            for column in columns:
                if column.endswith("_id"):  # NULL stays NULL, not a float NaN
                    frame[column] = frame[column].astype("Int64")
            frame["row_order"] = range(len(frame))
            cur.register("crc_demo_rows", frame)
            listed = ", ".join(columns)
            # a case's agencies may be there already, from its events
            ignore = " OR IGNORE" if table == "case_agencies" else ""
            cur.execute(
                f"INSERT{ignore} INTO {table} ({listed}) SELECT {listed} FROM crc_demo_rows"
                " ORDER BY row_order"
            )
            cur.unregister("crc_demo_rows")


ROW_COLUMNS = {
    "case_agencies": ("case_id", "agency_id"),
    "meetings": ("case_id", "meeting_date", "chair_name"),
    "case_workflow": ("case_id", "stage_key", "done_on", "done_by"),
    "learning_points": (
        "learning_id", "case_id", "scope", "agency_id", "text", "share_with_crc", "created_by",
        "created_at",
    ),
    "learning_point_themes": ("learning_id", "theme_id"),
    "learning_point_links": ("learning_id", "event_id"),
    "reflections": (
        "case_id", "target_kind", "event_id", "model_key", "stage_key", "question_key", "text",
        "agency_id", "author",
    ),
    "actions": (
        "learning_id", "case_id", "description", "owner_name", "owner_agency_id", "due_date",
        "status", "created_by", "completed_on",
    ),
}  # fmt: skip


def _first_events(cur, case_ids: list[int]) -> dict[int, list[int]]:
    """Each case's first 50 events, by id: what its learning points and barriers name."""
    found: dict[int, list[int]] = {case_id: [] for case_id in case_ids}
    for case_id, event_id in cur.execute(
        "SELECT case_id, event_id FROM (SELECT case_id, event_id, row_number() OVER"
        " (PARTITION BY case_id ORDER BY event_id) AS n FROM events"
        " WHERE list_contains(?, case_id)) WHERE n <= 50 ORDER BY case_id, event_id",
        [case_ids],
    ).fetchall():
        found[case_id].append(event_id)
    return found


def _seed_case(rows, rng, case_id, meeting, involved, chair, agency_ids, theme_ids, event_ids):
    for agency in involved:
        rows.add("case_agencies", case_id, agency_ids[agency])
    rows.add("meetings", case_id, meeting, chair)
    # Workflow: recent meetings have not reached the CRC yet.
    day = meeting - timedelta(days=42 + rng.randrange(0, 40))
    for stage, gap in STAGES:
        if stage != "identified":
            day = (
                meeting
                if stage == "meeting_held"
                else day + timedelta(days=gap + rng.randrange(-5, 30))
            )
        if day > date(2025, 10, 1):
            break
        rows.add("case_workflow", case_id, stage, day, "demo seed")
    themes, weights = list(THEME_WEIGHTS), list(THEME_WEIGHTS.values())
    for _ in range(rng.randint(3, 6)):
        cross = rng.random() < 0.45
        agency = None if cross else rng.choice(involved)
        point = rows.add_learning(
            case_id,
            "cross_agency" if cross else "single_agency",
            agency_ids[agency] if agency else None,
            rng.choice(LEARNING_TEXT),
            rng.random() < 0.8,
            "demo seed",
            meeting,
        )
        for theme in set(rng.choices(themes, weights, k=rng.randint(1, 2))):
            rows.add_for_learning("learning_point_themes", point, theme_ids[theme])
        event_id = rng.choice(event_ids) if event_ids else None
        if event_id is not None:
            rows.add_for_learning("learning_point_links", point, event_id)
            if rng.random() < 0.6:
                rows.add(
                    "reflections",
                    case_id,
                    "event",
                    event_id,
                    "gibbs",
                    "analysis",
                    "barrier",
                    "Fictional barrier noted in the demo.",
                    agency_ids[agency or rng.choice(involved)],
                    "demo seed",
                )
        if rng.random() < 0.75:
            due = meeting + timedelta(days=rng.randrange(90, 1200))
            status = rng.choice(["open", "in_progress", "done", "done", "verified"])
            rows.add_for_learning(
                "actions",
                point,
                case_id,
                "Fictional action for the demo.",
                "Fictional owner",
                agency_ids[agency or rng.choice(involved)],
                due,
                status,
                "demo seed",
                due - timedelta(days=10) if status in ("done", "verified") else None,
            )
