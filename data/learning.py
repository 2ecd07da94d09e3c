"""Learning points and the actions that come from them.

A learning point is single-agency (it names the agency) or cross-agency; it is linked to the
events and episodes it arises from, tagged with themes from the managed list (`themes`, which
an administrator can extend) and flagged whether it is shared with the Case Review Committee.
An action says what will change, who owns it (name and agency), when it is due, its status
(open, in progress, done, verified) and the evidence of impact.

Every change is kept in `learning_point_history` / `action_history`; withdrawn items stay in
their tables and are left out of every read here.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime

from data import contributions
from data.access import require_case
from data.actor import User
from data.cases import Case
from data.contributions import agency_id_for, check_episode, check_event, clean_text
from data.dates import typed_date
from data.errors import Forbidden, InvalidInput, NotFound
from data.permissions import is_administrator
from data.store import Store
from data.text_fields import optional_text, required_text
from data.vocabulary import ACTION_STATUSES, SCOPES

STATUSES = tuple(ACTION_STATUSES)
MAX_NAME = 120
MAX_THEME = 80


@dataclass(frozen=True)
class LearningPoint:
    learning_id: int
    scope: str
    agency: str | None
    text: str
    stage_key: str | None
    share_with_crc: bool
    themes: tuple[str, ...]
    event_ids: tuple[int, ...]
    episode_ids: tuple[int, ...]
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class Action:
    action_id: int
    learning_id: int | None
    description: str
    owner_name: str
    owner_agency: str | None
    due_date: date | None
    status: str
    evidence: str | None
    completed_on: date | None
    created_by: str
    created_at: datetime


# --- themes ---------------------------------------------------------------------------------


def list_themes(store: Store) -> list[str]:
    return [n for (n,) in store.query("SELECT name FROM themes WHERE active ORDER BY theme_id")]


def add_theme(store: Store, user: User, name: str) -> str:
    """Add a theme to the managed list (administrators only)."""
    if not is_administrator(user):
        raise Forbidden("only an administrator can add themes")
    name = required_text(name, "the theme name", MAX_THEME)
    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM themes WHERE lower(name) = lower(?)", [name]).fetchone():
            raise InvalidInput(f"the theme {name!r} is already in the list")
        cur.execute("INSERT INTO themes (name) VALUES (?)", [name])
    return name


def _theme_ids(cur, names) -> list[int]:
    ids = []
    for name in dict.fromkeys(names or []):
        row = cur.execute("SELECT theme_id FROM themes WHERE name = ?", [name]).fetchone()
        if row is None:
            raise InvalidInput(f"unknown theme {name!r}: choose from the list")
        ids.append(row[0])
    return ids


# --- learning points ------------------------------------------------------------------------


def _check_learning(cur, case: Case, scope, agency, text, stage_key, themes):
    if scope not in SCOPES:
        raise InvalidInput("choose whether the learning point is single-agency or cross-agency")
    agency_id = agency_id_for(cur, agency, required=scope == "single_agency")
    if scope == "cross_agency":
        agency_id = None
    text = clean_text(text, "the learning point")
    if stage_key in ("", None):
        stage_key = None
    elif not cur.execute(
        "SELECT 1 FROM reflective_stages s JOIN cases c ON c.reflective_model = s.model_key"
        " WHERE c.case_id = ? AND s.stage_key = ?",
        [case.case_id, stage_key],
    ).fetchone():
        raise InvalidInput(f"unknown stage {stage_key!r}")
    return agency_id, text, stage_key, _theme_ids(cur, themes)


def _lp_snapshot(cur, learning_id: int) -> dict:
    row = cur.execute(
        "SELECT lp.scope, a.name, lp.text, lp.stage_key, lp.share_with_crc,"
        " lp.withdrawn_at IS NOT NULL"
        " FROM learning_points lp LEFT JOIN agencies a ON a.agency_id = lp.agency_id"
        " WHERE lp.learning_id = ?",
        [learning_id],
    ).fetchone()
    snap = dict(
        zip(
            ("scope", "agency", "text", "stage_key", "share_with_crc", "withdrawn"),
            row,
            strict=True,
        )
    )
    snap["themes"] = [
        n
        for (n,) in cur.execute(
            "SELECT t.name FROM learning_point_themes lt JOIN themes t ON t.theme_id = lt.theme_id"
            " WHERE lt.learning_id = ? ORDER BY t.name",
            [learning_id],
        ).fetchall()
    ]
    return snap


LEARNING_POINT = contributions.Kind(
    noun="learning point",
    plural="learning points",
    table="learning_points",
    key="learning_id",
    owner="created_by",
    history_table="learning_point_history",
    snapshot=_lp_snapshot,
)


def add_learning_point(
    store: Store,
    user: User,
    case_ref: str,
    *,
    scope: str,
    text: str,
    agency: str | None = None,
    themes: list[str] | None = None,
    event_ids: list[int] | None = None,
    episode_ids: list[int] | None = None,
    share_with_crc: bool = False,
    stage_key: str | None = None,
) -> int:
    """Record a learning point with its themes and links; returns its id."""
    case = require_case(store, user, case_ref)
    with store.transaction() as cur:
        agency_id, text, stage_key, theme_ids = _check_learning(
            cur, case, scope, agency, text, stage_key, themes
        )
        events = [check_event(cur, case, e) for e in dict.fromkeys(event_ids or [])]
        episodes = [check_episode(cur, case, e) for e in dict.fromkeys(episode_ids or [])]
        learning_id = cur.execute(
            "INSERT INTO learning_points (case_id, scope, agency_id, text, stage_key,"
            " share_with_crc, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING learning_id",
            [case.case_id, scope, agency_id, text, stage_key, bool(share_with_crc), user.username],
        ).fetchone()[0]
        for theme_id in theme_ids:
            cur.execute(
                "INSERT INTO learning_point_themes (learning_id, theme_id) VALUES (?, ?)",
                [learning_id, theme_id],
            )
        for event_id in events:
            cur.execute(
                "INSERT INTO learning_point_links (learning_id, event_id) VALUES (?, ?)",
                [learning_id, event_id],
            )
        for episode_id in episodes:
            cur.execute(
                "INSERT INTO learning_point_links (learning_id, episode_id) VALUES (?, ?)",
                [learning_id, episode_id],
            )
        contributions.created(cur, LEARNING_POINT, case.case_id, learning_id, user.username)
    return learning_id


def edit_learning_point(
    store: Store,
    user: User,
    case_ref: str,
    learning_id: int,
    *,
    scope: str,
    text: str,
    agency: str | None = None,
    themes: list[str] | None = None,
    share_with_crc: bool = False,
    stage_key: str | None = None,
) -> None:
    """Change a learning point's scope, agency, text, themes or CRC flag (kept as history)."""
    case = require_case(store, user, case_ref)
    with store.transaction() as cur:
        contributions.require_own(cur, LEARNING_POINT, case, user, learning_id)
        agency_id, text, stage_key, theme_ids = _check_learning(
            cur, case, scope, agency, text, stage_key, themes
        )
        before = _lp_snapshot(cur, learning_id)
        cur.execute(
            "UPDATE learning_points SET scope = ?, agency_id = ?, text = ?, stage_key = ?,"
            " share_with_crc = ?, updated_at = current_timestamp WHERE learning_id = ?",
            [scope, agency_id, text, stage_key, bool(share_with_crc), learning_id],
        )
        cur.execute("DELETE FROM learning_point_themes WHERE learning_id = ?", [learning_id])
        for theme_id in theme_ids:
            cur.execute(
                "INSERT INTO learning_point_themes (learning_id, theme_id) VALUES (?, ?)",
                [learning_id, theme_id],
            )
        contributions.edited(cur, LEARNING_POINT, case.case_id, learning_id, user.username, before)


def withdraw_learning_point(store: Store, user: User, case_ref: str, learning_id: int) -> None:
    contributions.withdraw(store, LEARNING_POINT, user, case_ref, learning_id)


def list_learning_points(store: Store, user: User, case_ref: str) -> list[LearningPoint]:
    """The case's learning points (withdrawn ones left out), oldest first."""
    case = require_case(store, user, case_ref)
    rows = store.query(
        """
        SELECT lp.learning_id, lp.scope, a.name, lp.text, lp.stage_key, lp.share_with_crc,
               coalesce((SELECT list(t.name ORDER BY t.name) FROM learning_point_themes lt
                         JOIN themes t ON t.theme_id = lt.theme_id
                         WHERE lt.learning_id = lp.learning_id), []),
               coalesce((SELECT list(l.event_id ORDER BY l.event_id) FROM learning_point_links l
                         WHERE l.learning_id = lp.learning_id AND l.event_id IS NOT NULL), []),
               coalesce((SELECT list(l.episode_id ORDER BY l.episode_id)
                         FROM learning_point_links l
                         WHERE l.learning_id = lp.learning_id AND l.episode_id IS NOT NULL), []),
               lp.created_by, lp.created_at
        FROM learning_points lp LEFT JOIN agencies a ON a.agency_id = lp.agency_id
        WHERE lp.case_id = ? AND lp.withdrawn_at IS NULL
        ORDER BY lp.created_at, lp.learning_id
        """,
        [case.case_id],
    )
    return [
        LearningPoint(
            r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6]), tuple(r[7]), tuple(r[8]), r[9], r[10]
        )
        for r in rows
    ]


def learning_point_history(store: Store, user: User, case_ref: str, learning_id: int) -> list[dict]:
    return contributions.history(store, LEARNING_POINT, user, case_ref, learning_id)


# --- actions --------------------------------------------------------------------------------


def _parse_due(due) -> date | None:
    if due in (None, ""):
        return None
    if isinstance(due, date):
        return due
    try:
        return typed_date(due)
    except ValueError as exc:
        raise InvalidInput(f"the due date: {exc}") from exc


@dataclass(frozen=True)
class ActionFields:
    """What a person writes about an action, as `add_action` and `update_action` take it."""

    description: str
    owner_name: str
    owner_agency: str | None = None
    due_date: date | str | None = None
    status: str = "open"
    evidence: str | None = None
    learning_id: int | None = None


@dataclass(frozen=True)
class _CheckedAction:
    """An action's fields checked, cleaned and resolved to the columns they are stored in."""

    learning_id: int | None
    description: str
    owner_name: str
    owner_agency_id: int | None
    due_date: date | None
    status: str
    evidence: str | None

    def columns(self) -> list:
        """The values in the order of their fields, which is the order the statements below
        name the columns in."""
        return list(astuple(self))


def _check_action(cur, case: Case, fields: ActionFields) -> _CheckedAction:
    description = clean_text(fields.description, "what will change")
    owner_name = optional_text(fields.owner_name, "the owner's name", MAX_NAME)
    if owner_name is None:
        raise InvalidInput("the action needs an owner: give the owner's name")
    owner_agency_id = agency_id_for(cur, fields.owner_agency)
    status = fields.status
    if status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}: choose open, in progress, done or verified")
    learning_id = fields.learning_id
    if learning_id in ("", None):
        learning_id = None
    else:
        row = cur.execute(
            "SELECT case_id FROM learning_points WHERE learning_id = ? AND withdrawn_at IS NULL",
            [learning_id],
        ).fetchone()
        if row is None or row[0] != case.case_id:
            raise InvalidInput(
                f"learning point {learning_id} is not a learning point of case {case.case_ref}"
            )
    evidence = fields.evidence
    if evidence is not None:
        evidence = clean_text(evidence, "the evidence of impact") if evidence.strip() else None
    return _CheckedAction(
        learning_id,
        description,
        owner_name,
        owner_agency_id,
        _parse_due(fields.due_date),
        status,
        evidence,
    )


def _action_snapshot(cur, action_id: int) -> dict:
    row = cur.execute(
        "SELECT x.learning_id, x.description, x.owner_name, a.name, CAST(x.due_date AS VARCHAR),"
        " x.status, x.evidence, CAST(x.completed_on AS VARCHAR), x.withdrawn_at IS NOT NULL"
        " FROM actions x LEFT JOIN agencies a ON a.agency_id = x.owner_agency_id"
        " WHERE x.action_id = ?",
        [action_id],
    ).fetchone()
    keys = (
        "learning_id",
        "description",
        "owner_name",
        "owner_agency",
        "due_date",
        "status",
        "evidence",
        "completed_on",
        "withdrawn",
    )
    snap = dict(zip(keys, row, strict=True))
    # Ids differ between databases; the history keeps what a person would recognise.
    snap.pop("learning_id")
    return snap


ACTION = contributions.Kind(
    noun="action",
    plural="actions",
    table="actions",
    key="action_id",
    owner="created_by",
    history_table="action_history",
    snapshot=_action_snapshot,
)


def add_action(store: Store, user: User, case_ref: str, fields: ActionFields) -> int:
    """Record an action (usually from a learning point); returns its id."""
    case = require_case(store, user, case_ref)
    with store.transaction() as cur:
        checked = _check_action(cur, case, fields)
        completed = date.today() if checked.status in ("done", "verified") else None
        action_id = cur.execute(
            "INSERT INTO actions (case_id, learning_id, description, owner_name, owner_agency_id,"
            " due_date, status, evidence, created_by, completed_on)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING action_id",
            [case.case_id, *checked.columns(), user.username, completed],
        ).fetchone()[0]
        contributions.created(cur, ACTION, case.case_id, action_id, user.username)
    return action_id


def update_action(
    store: Store, user: User, case_ref: str, action_id: int, fields: ActionFields
) -> None:
    """Change an action (status and evidence of impact included); kept as history."""
    case = require_case(store, user, case_ref)
    with store.transaction() as cur:
        contributions.require_own(cur, ACTION, case, user, action_id)
        checked = _check_action(cur, case, fields)
        before = _action_snapshot(cur, action_id)
        cur.execute(
            """
            UPDATE actions SET learning_id = ?, description = ?, owner_name = ?,
                owner_agency_id = ?, due_date = ?, status = ?, evidence = ?,
                completed_on = CASE WHEN ? IN ('done', 'verified')
                                    THEN coalesce(completed_on, current_date) END,
                updated_at = current_timestamp
            WHERE action_id = ?
            """,
            [*checked.columns(), checked.status, action_id],
        )
        contributions.edited(cur, ACTION, case.case_id, action_id, user.username, before)


def set_action_status(
    store: Store,
    user: User,
    case_ref: str,
    action_id: int,
    status: str,
    evidence: str | None = None,
) -> None:
    """Move an action to a new status, keeping its other fields; evidence replaces if given."""
    action = get_action(store, user, case_ref, action_id)
    update_action(
        store,
        user,
        case_ref,
        action_id,
        ActionFields(
            description=action.description,
            owner_name=action.owner_name,
            owner_agency=action.owner_agency,
            due_date=action.due_date,
            status=status,
            evidence=action.evidence if evidence is None else evidence,
            learning_id=action.learning_id,
        ),
    )


def withdraw_action(store: Store, user: User, case_ref: str, action_id: int) -> None:
    contributions.withdraw(store, ACTION, user, case_ref, action_id)


_ACTION_SELECT = """
    SELECT x.action_id, x.learning_id, x.description, x.owner_name, a.name, x.due_date,
           x.status, x.evidence, x.completed_on, x.created_by, x.created_at
    FROM actions x LEFT JOIN agencies a ON a.agency_id = x.owner_agency_id
    WHERE x.case_id = ? AND x.withdrawn_at IS NULL
"""


def list_actions(store: Store, user: User, case_ref: str) -> list[Action]:
    case = require_case(store, user, case_ref)
    rows = store.query(
        _ACTION_SELECT + " ORDER BY x.due_date NULLS LAST, x.created_at, x.action_id",
        [case.case_id],
    )
    return [Action(*row) for row in rows]


def get_action(store: Store, user: User, case_ref: str, action_id: int) -> Action:
    case = require_case(store, user, case_ref)
    row = store.query_one(_ACTION_SELECT + " AND x.action_id = ?", [case.case_id, action_id])
    if row is None:
        raise NotFound(f"no action {action_id} on case {case.case_ref}")
    return Action(*row)


def action_history(store: Store, user: User, case_ref: str, action_id: int) -> list[dict]:
    return contributions.history(store, ACTION, user, case_ref, action_id)
