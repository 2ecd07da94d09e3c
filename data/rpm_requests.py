"""The flowchart's first step: "All agencies ... may request to meet". An agency user asks for
an RPM about a child (why, which agencies were involved, what they hope to learn, how urgent);
the business unit (an administrator) accepts it, opening the case with the request's details
(`data.setup.open_case(..., from_request=...)`), or declines it with a reason. The requester
sees the outcome. Every step is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from data import audit
from data.actor import User
from data.agency_names import AGENCY_KEY
from data.cases import MAX_LABEL
from data.errors import Forbidden, InvalidInput, NotFound
from data.permissions import committee_only, is_administrator
from data.store import Store
from data.text_fields import required_text

URGENCY = {
    "routine": "Routine",
    "soon": "Soon (within a month)",
    "urgent": "Urgent",
}
STATUS = {
    "pending": "Waiting for the business unit",
    "accepted": "Accepted",
    "declined": "Declined",
}
MAX_TEXT = 4000


@dataclass(frozen=True)
class RpmRequest:
    request_id: int
    requested_by: str
    requesting_agency: str
    child_label: str
    date_of_birth: date | None
    reason: str
    agencies_involved: str
    hoped_learning: str
    urgency: str
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decline_reason: str | None
    case_ref: str | None
    created_at: datetime

    def purpose(self) -> str:
        """The purpose the opened case starts with: the request's own words."""
        return (
            f"{self.reason}\n\nWhat {self.requesting_agency} hopes to learn: {self.hoped_learning}"
            f"\n\nAgencies involved: {self.agencies_involved}\n\nUrgency: {URGENCY[self.urgency]}"
        )


_COLUMNS = """r.request_id, r.requested_by, r.requesting_agency, r.child_label, r.date_of_birth,
    r.reason, r.agencies_involved, r.hoped_learning, r.urgency, r.status, r.decided_by,
    r.decided_at, r.decline_reason, c.case_ref, r.created_at"""


def submit_request(
    store: Store,
    user: User,
    *,
    child_label: str,
    date_of_birth: date | None,
    reason: str,
    agencies_involved: str,
    hoped_learning: str,
    urgency: str,
    ip: str | None = None,
) -> RpmRequest:
    """An agency user's request for an RPM, on behalf of their agency."""
    if committee_only(user):
        raise Forbidden("the Case Review Committee does not request meetings")
    agency = user.agency or ("Partnership business unit" if is_administrator(user) else None)
    if not agency:
        raise InvalidInput("your account names no agency: ask an administrator to set it")
    label = required_text(child_label, "the child's pseudonym or initials", MAX_LABEL)
    if date_of_birth and date_of_birth > date.today():
        raise InvalidInput("the child's date of birth is in the future")
    if urgency not in URGENCY:
        raise InvalidInput(f"choose how urgent it is: {', '.join(URGENCY.values())}")
    values = [
        user.username,
        agency,
        label,
        date_of_birth,
        required_text(reason, "why you are asking for an RPM", MAX_TEXT),
        required_text(agencies_involved, "which agencies were involved", MAX_TEXT),
        required_text(hoped_learning, "what you hope to learn", MAX_TEXT),
        urgency,
    ]
    with store.transaction() as cur:
        request_id = cur.execute(
            "INSERT INTO rpm_requests (requested_by, requesting_agency, child_label,"
            " date_of_birth, reason, agencies_involved, hoped_learning, urgency)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING request_id",
            values,
        ).fetchone()[0]
        audit.record(
            cur, user, audit.CHANGE, detail=f"RPM request {request_id} submitted by {agency}", ip=ip
        )
    return get_request(store, user, request_id)


def _visible(user: User) -> tuple[str, list]:
    """Administrators see every request; anyone else the requests of their own agency."""
    if is_administrator(user):
        return "TRUE", []
    same = f"{AGENCY_KEY.format('r.requesting_agency')} = {AGENCY_KEY.format('?')}"
    return f"({same} OR r.requested_by = ?)", [user.agency, user.username]


def list_requests(store: Store, user: User) -> list[RpmRequest]:
    """Requests this user may see, waiting ones first, newest first."""
    condition, params = _visible(user)
    rows = store.query(
        f"SELECT {_COLUMNS} FROM rpm_requests r LEFT JOIN cases c ON c.case_id = r.case_id"
        f" WHERE {condition}"
        " ORDER BY r.status <> 'pending', r.created_at DESC, r.request_id DESC",
        params,
    )
    return [RpmRequest(*row) for row in rows]


def get_request(store: Store, user: User, request_id: int) -> RpmRequest:
    condition, params = _visible(user)
    row = store.query_one(
        f"SELECT {_COLUMNS} FROM rpm_requests r LEFT JOIN cases c ON c.case_id = r.case_id"
        f" WHERE r.request_id = ? AND {condition}",
        [request_id, *params],
    )
    if row is None:
        raise NotFound(f"no RPM request {request_id}")
    return RpmRequest(*row)


def _require_pending(cur, request_id: int) -> None:
    row = cur.execute(
        "SELECT status FROM rpm_requests WHERE request_id = ?", [request_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"no RPM request {request_id}")
    if row[0] != "pending":
        raise InvalidInput(f"RPM request {request_id} was already {row[0]}")


def _require_business_unit(user: User) -> None:
    if not is_administrator(user):
        raise Forbidden("only the partnership business unit (an administrator) decides requests")


def mark_accepted(cur, user: User, request_id: int, case_id: int, case_ref: str) -> None:
    """Inside the transaction that opens the case from the request."""
    _require_business_unit(user)
    _require_pending(cur, request_id)
    cur.execute(
        "UPDATE rpm_requests SET status = 'accepted', case_id = ?, decided_by = ?,"
        " decided_at = now()::TIMESTAMP WHERE request_id = ?",
        [case_id, user.username, request_id],
    )
    audit.record(
        cur, user, audit.CHANGE, case_ref=case_ref, detail=f"RPM request {request_id} accepted"
    )


def decline_request(
    store: Store, user: User, request_id: int, reason: str, ip: str | None = None
) -> RpmRequest:
    """The business unit declines a request, saying why (the requester sees it)."""
    _require_business_unit(user)
    reason = required_text(reason, "the reason for declining", MAX_TEXT)
    with store.transaction() as cur:
        _require_pending(cur, request_id)
        cur.execute(
            "UPDATE rpm_requests SET status = 'declined', decline_reason = ?, decided_by = ?,"
            " decided_at = now()::TIMESTAMP WHERE request_id = ?",
            [reason, user.username, request_id],
        )
        audit.record(cur, user, audit.CHANGE, detail=f"RPM request {request_id} declined", ip=ip)
    return get_request(store, user, request_id)
