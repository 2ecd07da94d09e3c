"""What each role may do: the one place the rules live, asked as named questions.

Pages ask these to decide what to show; the store asks the same questions (through
`data.access` for case-scoped rules) before it reads or writes, so a page never restates a
rule and a hidden button is never the only guard.

- admin: every case, every account, the partnership's settings and lists.
- chair: runs meetings (opens and sets up cases, moderates, edits any agency's events) for the
  cases where they are a member.
- agency: the cases their agency takes part in; uploads and edits its own agency's events.
- crc: the committee's explorer and summaries only; no case timelines or event details.
"""

from __future__ import annotations

from data.actor import ADMIN, AGENCY, CHAIR, CRC, User
from data.agency_names import same_agency

_MEETING_ROLES = (ADMIN, CHAIR)
_COMMITTEE_ROLES = (CRC, ADMIN)
_UPLOAD_ROLES = (ADMIN, CHAIR, AGENCY)
_FACILITATOR_ROLES = (ADMIN, CHAIR, AGENCY)


def is_administrator(user: User | None) -> bool:
    """Accounts, settings, the audit trail, archives, the managed lists and publishing."""
    return user is not None and user.role == ADMIN


def runs_meetings(user: User | None) -> bool:
    """Opens and sets up cases, decides who opens them, moderates contributions, edits any
    agency's events and sends the case's messages (for the cases the user may open)."""
    return user is not None and may_chair(user.role)


def may_chair(role: str) -> bool:
    """Whether an account of this role may be named a case's chair (the meeting's runner)."""
    return role in _MEETING_ROLES


def may_facilitate(role: str) -> bool:
    """Whether an account of this role may be named a case's facilitator."""
    return role in _FACILITATOR_ROLES


def explores_committee(user: User | None) -> bool:
    """The CRC explorer, case summaries by key, committee briefings."""
    return user is not None and user.role in _COMMITTEE_ROLES


def committee_only(user: User | None) -> bool:
    """A committee member: never a case page, an upload or a request for a meeting."""
    return user is not None and user.role == CRC


def may_upload(user: User | None) -> bool:
    return user is not None and user.role in _UPLOAD_ROLES


def speaks_for_agency(user: User | None) -> bool:
    """An agency account: uploads and edits only as its own agency."""
    return user is not None and user.role == AGENCY


def upload_agency(user: User, chosen: str | None) -> str:
    """The agency an upload is made for: an agency account's own, else the one chosen."""
    return user.agency if speaks_for_agency(user) else (chosen or "").strip()


def may_edit_agency_events(user: User, agency: str | None) -> bool:
    """Whoever runs meetings edits any agency's events; an agency account only its own."""
    return runs_meetings(user) or (speaks_for_agency(user) and same_agency(agency, user.agency))


def may_change_contribution(user: User, owner: str) -> bool:
    """A reflection, learning point or action: its author, or whoever moderates the meeting."""
    return runs_meetings(user) or user.username == owner


def visible_case_filter(user: User) -> tuple[str, list]:
    """A SQL condition on `c.case_id` (cases aliased `c`) and its parameters for this user."""
    if user.role == ADMIN:
        return "TRUE", []
    if user.role == CHAIR:
        return (
            "c.case_id IN (SELECT case_id FROM case_members WHERE user_id = ?)",
            [user.user_id],
        )
    if user.role == AGENCY:
        return (
            (
                "c.case_id IN (SELECT ca.case_id FROM case_agencies ca"
                " JOIN agencies a ON a.agency_id = ca.agency_id WHERE a.name = ?)"
            ),
            [user.agency],
        )
    return "FALSE", []
