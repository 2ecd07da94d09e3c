"""What reflections, learning points and actions share: checks on their fields, and one way
to keep their history and to withdraw them.

Each kind is described once (`Kind`: its table, key, owner column, history table and how to
take a snapshot of one item); `created`, `edited`, `withdraw` and `history` serve all three.
Table and column names come only from the `Kind` constants of the modules that own the
tables, never from input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from data.access import require_case
from data.actor import User
from data.agency_names import find_agency
from data.cases import Case
from data.errors import Forbidden, InvalidInput, NotFound
from data.permissions import may_change_contribution
from data.revisions import record_change
from data.store import Store
from data.text_fields import within

MAX_TEXT = 5_000


@dataclass(frozen=True)
class Kind:
    noun: str  # "reflection": in messages and the audit trail
    plural: str  # "reflections": "you can change only your own reflections"
    table: str
    key: str  # the id column, also the history table's link to the item
    owner: str  # the column naming who wrote it
    history_table: str
    snapshot: Callable[[object, int], dict]  # (cursor, id) -> what a person would recognise


def require_own(cur, kind: Kind, case: Case, user: User, item_id) -> str:
    """The item's author, if it is a live item of this case the user may change."""
    row = cur.execute(
        f"SELECT case_id, {kind.owner}, withdrawn_at FROM {kind.table} WHERE {kind.key} = ?",
        [item_id],
    ).fetchone()
    if row is None or row[0] != case.case_id or row[2] is not None:
        raise NotFound(f"no {kind.noun} {item_id} on case {case.case_ref}")
    if not may_change_contribution(user, row[1]):
        raise Forbidden(f"you can change only your own {kind.plural} (the chair can change any)")
    return row[1]


def _keep(cur, kind: Kind, case_id: int, item_id: int, change: str, who: str, before, after):
    cur.execute(
        f"INSERT INTO {kind.history_table} (case_id, {kind.key}, change, changed_by, before,"
        " after) VALUES (?, ?, ?, ?, ?, ?)",
        [
            case_id,
            item_id,
            change,
            who,
            None if before is None else json.dumps(before),
            None if after is None else json.dumps(after),
        ],
    )
    record_change(cur, case_id, who, f"{kind.noun} {item_id} {change}")


def created(cur, kind: Kind, case_id: int, item_id: int, who: str) -> None:
    """Keep the new item as the first line of its history (inside the adding transaction)."""
    _keep(cur, kind, case_id, item_id, "created", who, None, kind.snapshot(cur, item_id))


def edited(cur, kind: Kind, case_id: int, item_id: int, who: str, before: dict) -> None:
    """Keep the change after an update, if anything a person would see changed."""
    after = kind.snapshot(cur, item_id)
    if after != before:
        _keep(cur, kind, case_id, item_id, "edited", who, before, after)


def withdraw(store: Store, kind: Kind, user: User, case_ref: str, item_id: int) -> None:
    """Hide an item from every view; it stays in the store with who withdrew it and when."""
    case = require_case(store, user, case_ref)
    with store.transaction() as cur:
        require_own(cur, kind, case, user, item_id)
        before = kind.snapshot(cur, item_id)
        cur.execute(
            f"UPDATE {kind.table} SET withdrawn_at = current_timestamp, withdrawn_by = ?"
            f" WHERE {kind.key} = ?",
            [user.username, item_id],
        )
        after = kind.snapshot(cur, item_id)
        _keep(cur, kind, case.case_id, item_id, "withdrawn", user.username, before, after)


def history(store: Store, kind: Kind, user: User, case_ref: str, item_id: int) -> list[dict]:
    """Every change to one item, oldest first: change, changed_by, changed_at, before, after."""
    case = require_case(store, user, case_ref)
    rows = store.query(
        f"SELECT change, changed_by, changed_at, before, after FROM {kind.history_table}"
        f" WHERE case_id = ? AND {kind.key} = ? ORDER BY history_id",
        [case.case_id, item_id],
    )
    return [
        {
            "change": change,
            "changed_by": who,
            "changed_at": when,
            "before": json.loads(before) if before else None,
            "after": json.loads(after) if after else None,
        }
        for change, who, when, before, after in rows
    ]


# --- checks on the fields they share -----------------------------------------------------------


def clean_text(text: str | None, what: str, max_length: int = MAX_TEXT) -> str:
    """The text as typed (only surrounding blank lines trimmed), or InvalidInput."""
    if text is None or not text.strip():
        raise InvalidInput(f"{what} is empty: write something before saving")
    return within(text, what, max_length).strip("\r\n")


def agency_id_for(cur, name: str | None, *, required: bool = False) -> int | None:
    """The id of an existing agency by name; None for no agency."""
    if name is None or not str(name).strip():
        if required:
            raise InvalidInput("choose the agency")
        return None
    row = find_agency(cur, name)
    if row is None:
        raise InvalidInput(f"unknown agency {name!r}")
    return row[0]


def check_event(cur, case: Case, event_id) -> int:
    try:
        event_id = int(event_id)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"event {event_id!r} is not an event id") from exc
    row = cur.execute("SELECT case_id FROM events WHERE event_id = ?", [event_id]).fetchone()
    if row is None or row[0] != case.case_id:
        raise InvalidInput(f"event {event_id} is not an event of case {case.case_ref}")
    return event_id


def check_episode(cur, case: Case, episode_id) -> int:
    try:
        episode_id = int(episode_id)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"episode {episode_id!r} is not an episode id") from exc
    row = cur.execute(
        "SELECT case_id FROM episodes WHERE episode_id = ? AND deleted_at IS NULL", [episode_id]
    ).fetchone()
    if row is None or row[0] != case.case_id:
        raise InvalidInput(f"episode {episode_id} is not an episode of case {case.case_ref}")
    return episode_id
