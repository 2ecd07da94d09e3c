"""Reflections on each point of the child's journey, against the case's reflective cycle.

A reflection is attached to one event, one key practice episode, or the case as a whole. It is
tagged with a stage of the case's reflective model (Gibbs by default; models are data in
`reflective_models` / `reflective_stages`), optionally with one of the guidance's seven
questions (`rpm_questions`), and with the agency perspective it speaks for. Author and time come
from the signed-in user. Every change is kept in `reflection_history`; withdrawn reflections stay
in the table and are hidden from every read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data import contributions, reflective_models, request_memo
from data.access import require_case
from data.actor import User
from data.agency_names import AGENCY_KEY
from data.cases import Case
from data.contributions import agency_id_for, check_episode, check_event, clean_text
from data.dates import typed_date
from data.errors import InvalidInput, NotFound
from data.partial_dates import PartialDate
from data.patterns import lens_words
from data.store import Store

# Reflections on events whose upload was replaced stay visible, flagged with this note.
RETIRED_NOTE = "event retired: its agency replaced that extract"
TARGET_KINDS = ("event", "episode", "case")


@dataclass(frozen=True)
class Reflection:
    reflection_id: int
    target_kind: str
    event_id: int | None
    episode_id: int | None
    stage_key: str
    stage_name: str
    question_key: str | None
    question_text: str | None
    text: str
    agency: str | None
    author: str
    created_at: datetime
    updated_at: datetime | None
    lens: str | None = None  # "with what was known to Police on 14 March 2016"


def case_agency_names(store: Store, case: Case) -> list[str]:
    """Agencies taking part in the case, by name."""
    return [
        name
        for (name,) in store.query(
            "SELECT a.name FROM case_agencies ca JOIN agencies a ON a.agency_id = ca.agency_id"
            " WHERE ca.case_id = ? ORDER BY a.name",
            [case.case_id],
        )
    ]


# --- reflections ----------------------------------------------------------------------------


def _check_fields(cur, case: Case, stage_key, question_key, text, agency):
    model_key = cur.execute(
        "SELECT reflective_model FROM cases WHERE case_id = ?", [case.case_id]
    ).fetchone()[0]
    if (
        not stage_key
        or not cur.execute(
            "SELECT 1 FROM reflective_stages WHERE model_key = ? AND stage_key = ?",
            [model_key, stage_key],
        ).fetchone()
    ):
        raise InvalidInput(
            f"unknown stage {stage_key!r}: choose a stage of the case's reflective cycle"
        )
    if question_key in ("", None):
        question_key = None
    elif not cur.execute(
        "SELECT 1 FROM rpm_questions WHERE question_key = ?", [question_key]
    ).fetchone():
        raise InvalidInput(f"unknown question {question_key!r}: choose one of the seven questions")
    text = clean_text(text, "the reflection")
    agency_id = agency_id_for(cur, agency)
    return model_key, stage_key, question_key, text, agency_id


def _check_lens(cur, case: Case, lens_date, lens_agency) -> tuple:
    """(day, agency id) of the lens a reflection is written under, checked; (None, None)."""
    if lens_date in (None, ""):
        if lens_agency:
            raise InvalidInput("a lens on one agency needs the date it looks from")
        return None, None
    try:
        day = typed_date(lens_date)
    except ValueError as exc:
        raise InvalidInput(f"the lens's date: {exc}") from exc
    if not lens_agency:
        return day, None
    row = cur.execute(
        "SELECT a.agency_id FROM case_agencies ca JOIN agencies a ON a.agency_id = ca.agency_id"
        f" WHERE ca.case_id = ? AND {AGENCY_KEY.format('a.name')} = {AGENCY_KEY.format('?')}",
        [case.case_id, lens_agency],
    ).fetchone()
    if row is None:
        raise InvalidInput(f"{lens_agency!r} is not an agency of case {case.case_ref}")
    return day, row[0]


def _snapshot(cur, reflection_id: int) -> dict:
    row = cur.execute(
        """
        SELECT r.stage_key, r.question_key, r.text, a.name, r.withdrawn_at IS NOT NULL
        FROM reflections r LEFT JOIN agencies a ON a.agency_id = r.agency_id
        WHERE r.reflection_id = ?
        """,
        [reflection_id],
    ).fetchone()
    keys = ("stage_key", "question_key", "text", "agency", "withdrawn")
    return dict(zip(keys, row, strict=True))


REFLECTION = contributions.Kind(
    noun="reflection",
    plural="reflections",
    table="reflections",
    key="reflection_id",
    owner="author",
    history_table="reflection_history",
    snapshot=_snapshot,
)


def add_reflection(
    store: Store,
    user: User,
    case_ref: str,
    *,
    target_kind: str,
    target_id: int | None = None,
    stage_key: str,
    text: str,
    question_key: str | None = None,
    agency: str | None = None,
    lens_date=None,
    lens_agency: str | None = None,
) -> int:
    """Add a reflection to an event, an episode or the case; returns its id. `lens_date` (and
    `lens_agency`, None for the whole partnership): the known-at-the-time lens in use."""
    case = require_case(store, user, case_ref)
    if target_kind not in TARGET_KINDS:
        raise InvalidInput(
            f"unknown point {target_kind!r}: choose an event, an episode or the case"
        )
    with store.transaction() as cur:
        event_id = episode_id = None
        if target_kind == "event":
            event_id = check_event(cur, case, target_id)
        elif target_kind == "episode":
            episode_id = check_episode(cur, case, target_id)
        model_key, stage_key, question_key, text, agency_id = _check_fields(
            cur, case, stage_key, question_key, text, agency
        )
        lens_day, lens_agency_id = _check_lens(cur, case, lens_date, lens_agency)
        reflection_id = cur.execute(
            """
            INSERT INTO reflections (case_id, target_kind, event_id, episode_id, model_key,
                                     stage_key, question_key, text, agency_id, author,
                                     lens_date, lens_agency_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING reflection_id
            """,
            [
                case.case_id,
                target_kind,
                event_id,
                episode_id,
                model_key,
                stage_key,
                question_key,
                text,
                agency_id,
                user.username,
                lens_day,
                lens_agency_id,
            ],
        ).fetchone()[0]
        contributions.created(cur, REFLECTION, case.case_id, reflection_id, user.username)
    return reflection_id


def edit_reflection(
    store: Store,
    user: User,
    case_ref: str,
    reflection_id: int,
    *,
    stage_key: str,
    text: str,
    question_key: str | None = None,
    agency: str | None = None,
) -> None:
    """Change a reflection's stage, question, text or agency; the change is kept as history."""
    case = require_case(store, user, case_ref)
    with store.transaction() as cur:
        contributions.require_own(cur, REFLECTION, case, user, reflection_id)
        _, stage_key, question_key, text, agency_id = _check_fields(
            cur, case, stage_key, question_key, text, agency
        )
        before = _snapshot(cur, reflection_id)
        cur.execute(
            "UPDATE reflections SET stage_key = ?, question_key = ?, text = ?, agency_id = ?,"
            " updated_at = current_timestamp WHERE reflection_id = ?",
            [stage_key, question_key, text, agency_id, reflection_id],
        )
        contributions.edited(cur, REFLECTION, case.case_id, reflection_id, user.username, before)


def withdraw_reflection(store: Store, user: User, case_ref: str, reflection_id: int) -> None:
    """Hide a reflection from every view; it stays in the store with who withdrew it."""
    contributions.withdraw(store, REFLECTION, user, case_ref, reflection_id)


_REFLECTION_SELECT = """
    SELECT r.reflection_id, r.target_kind, r.event_id, r.episode_id, r.stage_key, s.name,
           r.question_key, q.text, r.text, a.name, r.author, r.created_at, r.updated_at,
           r.lens_date, la.name
    FROM reflections r
    LEFT JOIN reflective_stages s ON s.model_key = r.model_key AND s.stage_key = r.stage_key
    LEFT JOIN rpm_questions q ON q.question_key = r.question_key
    LEFT JOIN agencies a ON a.agency_id = r.agency_id
    LEFT JOIN agencies la ON la.agency_id = r.lens_agency_id
    WHERE r.case_id = ? AND r.withdrawn_at IS NULL
"""


def _reflection(row) -> Reflection:
    return Reflection(*row[:13], lens=lens_words(row[13], row[14]))


def list_reflections(
    store: Store,
    user: User,
    case_ref: str,
    *,
    target_kind: str | None = None,
    target_id: int | None = None,
) -> list[Reflection]:
    """The case's reflections (withdrawn ones left out), optionally for one point only,
    in cycle order then time order."""
    case = require_case(store, user, case_ref)
    sql, params = _REFLECTION_SELECT, [case.case_id]
    if target_kind is not None:
        sql += " AND r.target_kind = ?"
        params.append(target_kind)
        if target_kind == "event":
            sql += " AND r.event_id = ?"
            params.append(target_id)
        elif target_kind == "episode":
            sql += " AND r.episode_id = ?"
            params.append(target_id)
    sql += " ORDER BY s.position NULLS LAST, r.created_at, r.reflection_id"
    return [_reflection(row) for row in store.query(sql, params)]


def get_reflection(store: Store, user: User, case_ref: str, reflection_id: int) -> Reflection:
    case = require_case(store, user, case_ref)
    row = store.query_one(
        _REFLECTION_SELECT + " AND r.reflection_id = ?", [case.case_id, reflection_id]
    )
    if row is None:
        raise NotFound(f"no reflection {reflection_id} on case {case.case_ref}")
    return _reflection(row)


def reflection_history(store: Store, user: User, case_ref: str, reflection_id: int) -> list[dict]:
    """Every change to one reflection, oldest first: change, changed_by, changed_at, before, after."""
    return contributions.history(store, REFLECTION, user, case_ref, reflection_id)


@request_memo.per_request
def reflected_points(store: Store, user: User, case_ref: str) -> dict[str, list[int]]:
    """Ids of the events and episodes that have at least one reflection, and whether the case
    as a whole has: {"events": [...], "episodes": [...], "case": [0] or []}."""
    case = require_case(store, user, case_ref)
    rows = store.query(
        "SELECT DISTINCT target_kind, coalesce(event_id, episode_id, 0) FROM reflections"
        " WHERE case_id = ? AND withdrawn_at IS NULL ORDER BY 1, 2",
        [case.case_id],
    )
    out: dict[str, list[int]] = {"events": [], "episodes": [], "case": []}
    for kind, ident in rows:
        out[{"event": "events", "episode": "episodes", "case": "case"}[kind]].append(int(ident))
    return out


def stages_covered(
    store: Store, user: User, case_ref: str, target_kind: str, target_id: int | None
) -> dict[str, int]:
    """How many reflections each stage has for one point (stages with none left out)."""
    counts: dict[str, int] = {}
    for r in list_reflections(store, user, case_ref, target_kind=target_kind, target_id=target_id):
        counts[r.stage_key] = counts.get(r.stage_key, 0) + 1
    return counts


def coverage(store: Store, user: User, case_ref: str) -> dict:
    """Where the group has reflected, for the chair to see what has not been discussed.

    Returns {"stages": [Stage...], "rows": [{"group": "Case"|"Episode"|"Events"|"Agency",
    "label": str, "counts": {stage_key: n}}...]}: one row for the case as a whole, one per
    live episode (reflections on the episode itself and on events within its dates), one for
    reflections on single events, one per agency taking part (reflections speaking for that
    agency, or about its events when they name no agency).
    """
    case = require_case(store, user, case_ref)
    stages = reflective_models.model_stages(store, reflective_models.case_model(store, case))
    rows: list[dict] = []

    def counts_for(sql: str, params: list) -> dict[str, int]:
        return dict(store.query(sql, params))

    rows.append(
        {
            "group": "Case",
            "label": "The case as a whole",
            "counts": counts_for(
                "SELECT stage_key, count(*) FROM reflections WHERE case_id = ?"
                " AND withdrawn_at IS NULL AND target_kind = 'case' GROUP BY stage_key",
                [case.case_id],
            ),
        }
    )
    episodes = store.query(
        "SELECT episode_id, title, start_date, end_date FROM episodes"
        " WHERE case_id = ? AND deleted_at IS NULL ORDER BY start_date, episode_id",
        [case.case_id],
    )
    for episode_id, title, start, end in episodes:
        rows.append(
            {
                "group": "Episode",
                "label": f"{title} ({start:%b %Y} to {end:%b %Y})",
                "counts": counts_for(
                    """
                    SELECT r.stage_key, count(*) FROM reflections r
                    LEFT JOIN events e ON e.event_id = r.event_id
                    WHERE r.case_id = ? AND r.withdrawn_at IS NULL
                      AND (r.episode_id = ?
                           OR (r.target_kind = 'event' AND e.event_date BETWEEN ? AND ?))
                    GROUP BY r.stage_key
                    """,
                    [case.case_id, episode_id, start, end],
                ),
            }
        )
    rows.append(
        {
            "group": "Events",
            "label": "Any single event",
            "counts": counts_for(
                "SELECT stage_key, count(*) FROM reflections WHERE case_id = ?"
                " AND withdrawn_at IS NULL AND target_kind = 'event' GROUP BY stage_key",
                [case.case_id],
            ),
        }
    )
    agency_counts: dict[str, dict[str, int]] = {}
    # A reflection counts for the agency it speaks for or, when it names none, for the agency
    # whose event it is about.
    for agency, stage_key, n in store.query(
        "SELECT a.name, r.stage_key, count(*) FROM reflections r"
        " LEFT JOIN events e ON e.event_id = r.event_id"
        " JOIN agencies a ON a.agency_id = coalesce(r.agency_id, e.agency_id)"
        " WHERE r.case_id = ? AND r.withdrawn_at IS NULL GROUP BY a.name, r.stage_key",
        [case.case_id],
    ):
        agency_counts.setdefault(agency, {})[stage_key] = n
    for agency in sorted(set(case_agency_names(store, case)) | set(agency_counts)):
        rows.append({"group": "Agency", "label": agency, "counts": agency_counts.get(agency, {})})
    return {"stages": stages, "rows": rows}


def episode_choices(store: Store, user: User, case_ref: str) -> list[tuple[int, str]]:
    """(episode_id, label) of the case's live episodes, in date order."""
    case = require_case(store, user, case_ref)
    return [
        (episode_id, f"{title} ({start:%d %b %Y} to {end:%d %b %Y})")
        for episode_id, title, start, end in store.query(
            "SELECT episode_id, title, start_date, end_date FROM episodes"
            " WHERE case_id = ? AND deleted_at IS NULL ORDER BY start_date, episode_id",
            [case.case_id],
        )
    ]


def describe_point(
    store: Store, user: User, case_ref: str, target_kind: str | None, target_id: int | None
) -> dict | None:
    """What a selected point is, for a heading: {"kind", "id", "title", "detail"}, or None
    when the point is not part of this case (ids sent by a browser are checked here)."""
    case = require_case(store, user, case_ref)
    if target_kind == "case":
        return {"kind": "case", "id": None, "title": "The case as a whole", "detail": ""}
    if target_kind == "event":
        row = store.query_one(
            "SELECT e.event_date, e.date_precision, a.name, e.event_type, e.summary, e.retired_at"
            " FROM events e JOIN agencies a ON a.agency_id = e.agency_id"
            " WHERE e.event_id = ? AND e.case_id = ?",
            [target_id, case.case_id],
        )
        if row is None:
            return None
        day, precision, agency, event_type, summary, retired_at = row
        when = PartialDate(day, precision).words()
        retired = f" ({RETIRED_NOTE})" if retired_at is not None else ""
        return {
            "kind": "event",
            "id": target_id,
            "title": f"{when} · {agency} · {event_type}{retired}",
            "detail": summary,
        }
    if target_kind == "episode":
        row = store.query_one(
            "SELECT title, start_date, end_date, description FROM episodes"
            " WHERE episode_id = ? AND case_id = ? AND deleted_at IS NULL",
            [target_id, case.case_id],
        )
        if row is None:
            return None
        title, start, end, description = row
        return {
            "kind": "episode",
            "id": target_id,
            "title": f"Episode: {title} ({start:%d %b %Y} to {end:%d %b %Y})",
            "detail": description or "",
        }
    return None


def reflected_events(store: Store, user: User, case_ref: str):
    """The events with at least one live reflection: event_id, event_date (datetime64),
    agency, and how many reflections (n)."""
    import pandas as pd

    case = require_case(store, user, case_ref)
    df = store.query_df(
        """
        SELECT e.event_id, e.event_date, a.name AS agency, count(*) AS n
        FROM reflections r
        JOIN events e ON e.event_id = r.event_id
        JOIN agencies a ON a.agency_id = e.agency_id
        WHERE r.case_id = ? AND r.withdrawn_at IS NULL AND r.target_kind = 'event'
          AND e.retired_at IS NULL
        GROUP BY e.event_id, e.event_date, a.name
        ORDER BY e.event_date, e.event_id
        """,
        [case.case_id],
    )
    df["event_date"] = pd.to_datetime(df["event_date"])
    return df


@dataclass(frozen=True)
class FoundReflection:
    reflection: Reflection
    point: str  # what it is about, in words


def find_reflections(
    store: Store,
    user: User,
    case_ref: str,
    *,
    stage_key: str | None = None,
    question_key: str | None = None,
    agency: str | None = None,
) -> list[FoundReflection]:
    """Every live reflection of the case matching the filters (None = any), with the point it
    is about, in the order of the child's journey (the case as a whole first)."""
    case = require_case(store, user, case_ref)
    sql = """
        SELECT r.reflection_id, r.target_kind, r.event_id, r.episode_id, r.stage_key, s.name,
               r.question_key, q.text, r.text, a.name, r.author, r.created_at, r.updated_at,
               e.event_date, e.date_precision, ea.name, e.event_type, ep.title, ep.start_date,
               e.retired_at
        FROM reflections r
        LEFT JOIN reflective_stages s ON s.model_key = r.model_key AND s.stage_key = r.stage_key
        LEFT JOIN rpm_questions q ON q.question_key = r.question_key
        LEFT JOIN agencies a ON a.agency_id = r.agency_id
        LEFT JOIN events e ON e.event_id = r.event_id
        LEFT JOIN agencies ea ON ea.agency_id = e.agency_id
        LEFT JOIN episodes ep ON ep.episode_id = r.episode_id
        WHERE r.case_id = ? AND r.withdrawn_at IS NULL
    """
    params: list = [case.case_id]
    for column, value in (("r.stage_key", stage_key), ("r.question_key", question_key)):
        if value:
            sql += f" AND {column} = ?"
            params.append(value)
    if agency:
        sql += f" AND {AGENCY_KEY.format('a.name')} = {AGENCY_KEY.format('?')}"
        params.append(agency)
    sql += (
        " ORDER BY r.target_kind <> 'case', coalesce(e.event_date, ep.start_date),"
        " s.position NULLS LAST, r.created_at, r.reflection_id"
    )
    found = []
    for row in store.query(sql, params):
        reflection = Reflection(*row[:13])
        day, precision, event_agency, event_type, title, start, retired_at = row[13:]
        if reflection.target_kind == "event":
            when = PartialDate(day, precision).words()
            point = f"{when} · {event_agency} · {event_type}"
            if retired_at is not None:
                point += f" ({RETIRED_NOTE})"
        elif reflection.target_kind == "episode":
            point = f"Episode: {title} (from {start:%d %b %Y})"
        else:
            point = "The case as a whole"
        found.append(FoundReflection(reflection, point))
    return found
