"""The case's change counter: a number that grows with every change to the meeting's work.

Open pages poll it (cheaply) and redraw only when it moved. Every change to reflections,
learning points, actions or episodes bumps it inside the change's own transaction.
"""

from __future__ import annotations

from data import audit, request_memo
from data.access import require_case
from data.actor import User
from data.store import Store


def bump_revision(cur, case_id: int) -> None:
    """Record a change to the case's contributions (inside the caller's transaction)."""
    cur.execute(
        """
        INSERT INTO case_revisions (case_id, revision) VALUES (?, 1)
        ON CONFLICT (case_id) DO UPDATE
            SET revision = case_revisions.revision + 1, changed_at = CAST(now() AS TIMESTAMP)
        """,
        [case_id],
    )


def record_change(cur, case_id: int, who: str, detail: str) -> None:
    """Bump the case's change counter and add a line to the audit trail (inside the caller's
    transaction, so both commit or roll back with the change)."""
    bump_revision(cur, case_id)
    case_ref = cur.execute("SELECT case_ref FROM cases WHERE case_id = ?", [case_id]).fetchone()
    audit.record(cur, who, audit.CHANGE, case_ref=case_ref[0] if case_ref else None, detail=detail)


@request_memo.per_request
def case_revision(store: Store, user: User, case_ref: str) -> int:
    """A number that grows with every change to the case's reflections, learning, actions or
    episodes (open pages poll it to redraw what others changed)."""
    case = require_case(store, user, case_ref)
    row = store.query_one("SELECT revision FROM case_revisions WHERE case_id = ?", [case.case_id])
    return row[0] if row else 0
