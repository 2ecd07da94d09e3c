"""Key practice episodes: named spans of a case's timeline the group focuses on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from data import request_memo
from data.access import require_case
from data.actor import User
from data.cases import Case
from data.dates import typed_date
from data.errors import Forbidden, InvalidInput, NotFound
from data.permissions import runs_meetings
from data.revisions import bump_revision
from data.store import Store
from data.text_fields import optional_text, required_text
from data.vocabulary import ASSESSMENTS

MAX_TITLE = 120
MAX_DESCRIPTION = 2000


@dataclass(frozen=True)
class Episode:
    episode_id: int
    title: str
    start_date: date
    end_date: date
    assessment: str
    description: str | None
    created_by: str


def require_chair(store: Store, user: User, case_ref: str) -> Case:
    """The case, if this user may change its meeting record (administrators and chairs)."""
    case = require_case(store, user, case_ref)
    if not runs_meetings(user):
        raise Forbidden("only the chair or an administrator can change the case's episodes")
    return case


def _validate(title, start, end, assessment, description) -> tuple:
    title = required_text(title, "episode name", MAX_TITLE)
    start, end = _as_date(start, "start date"), _as_date(end, "end date")
    if end < start:
        raise InvalidInput(f"episode ends ({end}) before it starts ({start})")
    if assessment not in ASSESSMENTS:
        raise InvalidInput(f"assessment {assessment!r} is not one of: {', '.join(ASSESSMENTS)}")
    description = optional_text(description, "episode description", MAX_DESCRIPTION)
    return title, start, end, assessment, description


def _as_date(value, what: str) -> date:
    try:
        return typed_date(value)
    except ValueError as exc:
        raise InvalidInput(f"the episode's {what}: {exc}") from None


@request_memo.per_request
def list_episodes(store: Store, user: User, case_ref: str) -> list[Episode]:
    """The case's episodes (not deleted), in date order."""
    case = require_case(store, user, case_ref)
    rows = store.query(
        """
        SELECT episode_id, title, start_date, end_date, assessment, description, created_by
        FROM episodes WHERE case_id = ? AND deleted_at IS NULL
        ORDER BY start_date, end_date, episode_id
        """,
        [case.case_id],
    )
    return [Episode(*row) for row in rows]


def add_episode(
    store: Store,
    user: User,
    case_ref: str,
    *,
    title: str,
    start_date,
    end_date,
    assessment: str,
    description: str | None = None,
) -> int:
    case = require_chair(store, user, case_ref)
    values = _validate(title, start_date, end_date, assessment, description)
    with store.transaction() as cur:
        bump_revision(cur, case.case_id)  # other open pages list it
        return cur.execute(
            """
            INSERT INTO episodes (case_id, title, start_date, end_date, assessment, description,
                                  created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING episode_id
            """,
            [case.case_id, *values, user.username],
        ).fetchone()[0]


def update_episode(
    store: Store,
    user: User,
    case_ref: str,
    episode_id: int,
    *,
    title: str,
    start_date,
    end_date,
    assessment: str,
    description: str | None = None,
) -> None:
    case = require_chair(store, user, case_ref)
    values = _validate(title, start_date, end_date, assessment, description)
    with store.transaction() as cur:
        _require_episode(cur, case, episode_id)
        bump_revision(cur, case.case_id)
        cur.execute(
            """
            UPDATE episodes SET title = ?, start_date = ?, end_date = ?, assessment = ?,
                   description = ?, updated_at = current_timestamp
            WHERE episode_id = ?
            """,
            [*values, int(episode_id)],
        )


def delete_episode(store: Store, user: User, case_ref: str, episode_id: int) -> None:
    """Delete an episode (kept in the table with deleted_at set, so reflections stay linked)."""
    case = require_chair(store, user, case_ref)
    with store.transaction() as cur:
        _require_episode(cur, case, episode_id)
        bump_revision(cur, case.case_id)
        cur.execute(
            "UPDATE episodes SET deleted_at = current_timestamp WHERE episode_id = ?",
            [int(episode_id)],
        )


def _require_episode(cur, case: Case, episode_id) -> None:
    row = cur.execute(
        "SELECT 1 FROM episodes WHERE episode_id = ? AND case_id = ? AND deleted_at IS NULL",
        [int(episode_id), case.case_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"episode {episode_id} is not part of case {case.case_ref}")
