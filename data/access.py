"""Who may see which case. Every case-scoped read and write in the store goes through here.

- admin: every case.
- chair: cases where they are a member (chair, facilitator or participant).
- agency: cases their agency takes part in (case_agencies).
- crc: no case timelines or event details; only the CRC explorer and CRC summaries.
"""

from __future__ import annotations

from data.cases import Case, get_case
from data.errors import Forbidden
from data.store import Store
from data.users import User

# The actor for command-line and seeding work: whoever can run the CLI owns the database file.
SYSTEM = User(user_id=0, username="cli", role="admin", agency=None, active=True)


def visible_case_filter(user: User) -> tuple[str, list]:
    """A SQL condition on `c.case_id` (cases aliased `c`) and its parameters for this user."""
    if user.role == "admin":
        return "TRUE", []
    if user.role == "chair":
        return (
            "c.case_id IN (SELECT case_id FROM case_members WHERE user_id = ?)",
            [user.user_id],
        )
    if user.role == "agency":
        return (
            (
                "c.case_id IN (SELECT ca.case_id FROM case_agencies ca"
                " JOIN agencies a ON a.agency_id = ca.agency_id WHERE a.name = ?)"
            ),
            [user.agency],
        )
    return "FALSE", []


def can_open_case(store: Store, user: User, case: Case) -> bool:
    condition, params = visible_case_filter(user)
    row = store.query_one(
        f"SELECT 1 FROM cases c WHERE c.case_id = ? AND ({condition})", [case.case_id, *params]
    )
    return row is not None


def require_case(store: Store, user: User, case_ref: str) -> Case:
    """The case, if this user may open it.

    A case the user may not open gets the same message as one that does not exist (pages show
    both as not found), so that case references cannot be probed.
    """
    case = get_case(store, case_ref)
    if not can_open_case(store, user, case):
        raise Forbidden(f"unknown case {case_ref!r}")
    return case
