"""Who may see which case. Every case-scoped read and write in the store goes through here.

- admin: every case.
- chair: cases where they are a member (chair, facilitator or participant).
- agency: cases their agency takes part in (case_agencies).
- crc: no case timelines or event details; only the CRC explorer and CRC summaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from data import audit, request_memo
from data.actor import User
from data.agency_names import AGENCY_KEY
from data.cases import CASE_COLUMNS, Case
from data.errors import Forbidden, InvalidInput, NotFound
from data.permissions import is_administrator, runs_meetings, visible_case_filter
from data.store import Store


@request_memo.per_request
def require_case(store: Store, user: User, case_ref: str) -> Case:
    """The case, if this user may open it: one query, asked once per request of the server
    (`data.request_memo`: a page's store functions each ask it again).

    A case the user may not open gets the same message as one that does not exist (pages show
    both as not found), so that case references cannot be probed.
    """
    condition, params = visible_case_filter(user)
    row = store.query_one(
        f"SELECT {CASE_COLUMNS}, ({condition}) FROM cases c WHERE c.case_ref = ?",
        [*params, case_ref],
    )
    if row is None:
        raise NotFound(f"unknown case {case_ref!r}")
    *case, may_open = row
    if not may_open:
        raise Forbidden(f"unknown case {case_ref!r}")
    return Case(*case)


@dataclass(frozen=True)
class Access:
    """One line of a case's "who can open this case" list."""

    kind: str  # "agency", "chair", "facilitator", "participant" or "admins"
    name: str  # the agency's name, the account's user name, or "Administrators"
    why: str  # in words: how this access came about
    accounts: tuple[str, ...] = ()  # the active accounts this line lets in
    removable: bool = False
    instead: str | None = None  # for a line that cannot be removed here: what to do


def _agency_reasons(store: Store, case_id: int) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    rows = store.query(
        """
        SELECT a.name, 'requesting agency', 0 FROM case_requests r
            JOIN agencies a ON a.agency_id = r.requesting_agency_id WHERE r.case_id = ?
        UNION ALL
        SELECT a.name, 'invited: ' || string_agg(i.name, ', ' ORDER BY i.position), 1
            FROM invitees i JOIN agencies a ON a.agency_id = i.agency_id WHERE i.case_id = ?
            GROUP BY a.name
        UNION ALL
        SELECT a.name, 'events on the timeline', 2 FROM events e
            JOIN agencies a ON a.agency_id = e.agency_id WHERE e.case_id = ? AND e.retired_at IS NULL
            GROUP BY a.name
        ORDER BY 3
        """,
        [case_id, case_id, case_id],
    )
    for agency, why, _ in rows:
        reasons.setdefault(agency, []).append(why)
    return reasons


def who_can_open(store: Store, user: User, case_ref: str) -> list[Access]:
    """Everyone who can open the case, and why: the agencies taking part (with their accounts),
    the chair, the facilitator, other member accounts, and administrators (every case)."""
    case = require_case(store, user, case_ref)
    reasons = _agency_reasons(store, case.case_id)
    requesting = [a for a, why in reasons.items() if "requesting agency" in why]
    lines = []
    for agency, accounts in store.query(
        """
        SELECT a.name, list(u.username ORDER BY u.username) FILTER (WHERE u.username IS NOT NULL)
        FROM case_agencies ca JOIN agencies a ON a.agency_id = ca.agency_id
        LEFT JOIN users u ON u.agency_id = a.agency_id AND u.role = 'agency' AND u.active
        WHERE ca.case_id = ? GROUP BY a.name ORDER BY a.name
        """,
        [case.case_id],
    ):
        is_requesting = agency in requesting
        lines.append(
            Access(
                "agency",
                agency,
                "; ".join(reasons.get(agency, ["given access"])),
                tuple(accounts or ()),
                removable=not is_requesting,
                instead="choose another requesting agency in the case details"
                if is_requesting
                else None,
            )
        )
    for username, role in store.query(
        "SELECT u.username, m.case_role FROM case_members m JOIN users u ON u.user_id = m.user_id"
        " WHERE m.case_id = ? ORDER BY list_position(['chair', 'facilitator', 'participant'],"
        " m.case_role), u.username",
        [case.case_id],
    ):
        fixed = role in ("chair", "facilitator")
        lines.append(
            Access(
                role,
                username,
                f"the case's {role}",
                (username,),
                removable=not fixed,
                instead=f"choose another {role} in the case details" if fixed else None,
            )
        )
    admins = [
        r[0]
        for r in store.query(
            "SELECT username FROM users WHERE role = 'admin' AND active ORDER BY username"
        )
    ]
    lines.append(
        Access("admins", "Administrators", "administrators open every case", tuple(admins))
    )
    return lines


def _require_case_manager(store: Store, user: User, case_ref: str) -> Case:
    case = require_case(store, user, case_ref)
    if not runs_meetings(user):
        raise Forbidden("only an administrator or the case's chair can change who opens the case")
    return case


def remove_agency_access(store: Store, user: User, case_ref: str, agency: str) -> int:
    """Take an agency's access to the case away at once, with its invitees (who could no longer
    open the case); returns how many invitees left the list. The requesting agency stays."""
    case = _require_case_manager(store, user, case_ref)
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT a.agency_id, r.case_id IS NOT NULL FROM case_agencies ca"
            " JOIN agencies a ON a.agency_id = ca.agency_id"
            " LEFT JOIN case_requests r ON r.case_id = ca.case_id"
            "  AND r.requesting_agency_id = ca.agency_id"
            f" WHERE ca.case_id = ? AND {AGENCY_KEY.format('a.name')} = {AGENCY_KEY.format('?')}",
            [case.case_id, agency],
        ).fetchone()
        if row is None:
            raise InvalidInput(f"{agency} has no access to this case")
        if row[1]:
            raise InvalidInput(
                f"{agency} asked for this RPM: choose another requesting agency in the case"
                " details before taking its access away"
            )
        invitees = cur.execute(
            "DELETE FROM invitees WHERE case_id = ? AND agency_id = ? RETURNING name",
            [case.case_id, row[0]],
        ).fetchall()
        revoke_agency(cur, case, row[0], agency, by=user, why="removed from who can open the case")
    return len(invitees)


def revoke_agency(cur, case: Case, agency_id: int, agency: str, *, by, why: str) -> None:
    """Inside the caller's transaction: the agency's users can no longer open the case."""
    cur.execute(
        "DELETE FROM case_agencies WHERE case_id = ? AND agency_id = ?", [case.case_id, agency_id]
    )
    audit.record(
        cur, by, audit.ACCESS_REMOVED, case_ref=case.case_ref, detail=f"agency {agency}: {why}"
    )


def remove_member(store: Store, user: User, case_ref: str, username: str) -> None:
    """Take a member account (not the chair or facilitator) off the case at once."""
    case = _require_case_manager(store, user, case_ref)
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT m.user_id, m.case_role FROM case_members m JOIN users u ON u.user_id = m.user_id"
            " WHERE m.case_id = ? AND u.username = ?",
            [case.case_id, username],
        ).fetchone()
        if row is None:
            raise InvalidInput(f"{username} is not a member of this case")
        if row[1] in ("chair", "facilitator"):
            raise InvalidInput(
                f"{username} is the case's {row[1]}: choose another in the case details"
            )
        cur.execute(
            "DELETE FROM case_members WHERE case_id = ? AND user_id = ?", [case.case_id, row[0]]
        )
        audit.record(
            cur,
            user,
            audit.ACCESS_REMOVED,
            case_ref=case.case_ref,
            subject=username,
            detail=f"account {username} ({row[1]}): removed from who can open the case",
        )


def may_edit_record(store: Store, user: User, case: Case) -> bool:
    """The case's chair or facilitator, or an administrator: who edits the meeting's record."""
    if is_administrator(user):
        return True
    return runs_meetings(user) and bool(
        store.query_one(
            "SELECT 1 FROM case_members WHERE case_id = ? AND user_id = ?"
            " AND case_role IN ('chair', 'facilitator')",
            [case.case_id, user.user_id],
        )
    )


def require_meeting_editor(store: Store, user: User, case: Case) -> None:
    if may_edit_record(store, user, case):
        return
    raise Forbidden(
        "only the case's chair or facilitator, or an administrator, can edit the record"
    )
