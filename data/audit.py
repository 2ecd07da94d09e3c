"""The audit trail: an append-only record of who did what, to which case, and when.

Recording
---------
Call `record(target, actor, action, ...)` wherever something worth answering for happens:

    from data import audit

    # inside an existing write transaction: the audit row commits or rolls back with the work
    with store.transaction() as cur:
        ...  # the change
        audit.record(cur, user, audit.CHANGE, case_ref=case.case_ref, detail="episode 3 renamed")

    # on its own (a view, an export, a sign-in): its own short transaction
    audit.record(store, user, audit.VIEW_CASE, case_ref=case_ref)

`target` is the `Store` (own transaction) or a cursor already inside `store.transaction()`.
`actor` is a `data.actor.User` (or a user name as text when there is no account, e.g. a failed
sign-in with an unknown name). `action` is one of `ACTIONS` below; use the constants.
`subject` names the account an action is about (the name tried at sign-in, the user changed).
`detail` is one short line in words (a file name, what changed); never put a password, a
child's name or a whole summary in it. `ip` is the client address when there is one.

Inside a web request, `app.context.audit(action, ...)` fills in the signed-in user and the
client address for you.

Append-only: this module only ever INSERTs into `audit_log`; the app has no code path that
updates or deletes an audit row (a test scans the source to keep it so). Reading the trail is
for admins only (`search`, `search_csv`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from data.actor import User
from data.errors import Forbidden, InvalidInput
from data.exports import csv_text
from data.permissions import is_administrator
from data.store import Store

# Actions, in words the admin page shows.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"
LOGOUT = "logout"
LOGOUT_EVERYWHERE = "logout_everywhere"
SESSION_EXPIRED = "session_expired"
VIEW_CASE = "view_case"
UPLOAD = "upload"
CHANGE = "change"
EXPORT = "export"
SIGN_OFF = "sign_off"
USER_ADDED = "user_added"
USER_CHANGED = "user_changed"
PASSWORD_RESET = "password_reset"
USER_DEACTIVATED = "user_deactivated"
USER_REACTIVATED = "user_reactivated"
ACCESS_REFUSED = "access_refused"
ACCESS_GRANTED = "access_granted"
ACCESS_REMOVED = "access_removed"
BACKUP = "backup"
MAIL = "mail"
PUBLISH = "publish"
CATEGORIES = "categories"

ACTIONS = {
    LOGIN: "Signed in",
    LOGIN_FAILED: "Sign-in failed",
    LOGIN_LOCKED: "Sign-in refused: locked",
    LOGOUT: "Signed out",
    LOGOUT_EVERYWHERE: "Signed out everywhere",
    SESSION_EXPIRED: "Session timed out",
    VIEW_CASE: "Viewed case",
    UPLOAD: "Uploaded extract",
    CHANGE: "Changed case record",
    EXPORT: "Exported",
    SIGN_OFF: "Signed off",
    USER_ADDED: "Account added",
    USER_CHANGED: "Account changed",
    PASSWORD_RESET: "Password reset",
    USER_DEACTIVATED: "Account deactivated",
    USER_REACTIVATED: "Account reactivated",
    ACCESS_REFUSED: "Access refused",
    ACCESS_GRANTED: "Case access granted",
    ACCESS_REMOVED: "Case access removed",
    BACKUP: "Backup taken",
    MAIL: "Email sent or queued",
    PUBLISH: "Published bundle",
    CATEGORIES: "Changed event categories",
}

MAX_DETAIL = 500
AUDIT_COLUMNS = ("when", "user", "action", "case", "account", "detail", "address")
SEARCH_LIMIT = 1000

_INSERT = (
    "INSERT INTO audit_log (occurred_at, actor, actor_id, action, case_ref, subject, detail, ip)"
    " VALUES (now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    case_ref: str | None
    subject: str | None
    detail: str | None
    ip: str | None


def record(
    target,
    actor: User | str,
    action: str,
    *,
    case_ref: str | None = None,
    subject: str | None = None,
    detail: str | None = None,
    ip: str | None = None,
) -> None:
    """Append one audit row, inside the caller's transaction (cursor) or in its own (Store)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if isinstance(actor, str):
        name, actor_id = actor, None
    else:
        name, actor_id = actor.username, (actor.user_id or None)
    if detail is not None:
        detail = " ".join(str(detail).split())[:MAX_DETAIL]
    params = [name[:100], actor_id, action, case_ref, subject, detail, (ip or None)]
    if hasattr(target, "transaction"):
        with target.transaction() as cur:
            cur.execute(_INSERT, params)
    else:
        target.execute(_INSERT, params)


def _require_admin(user: User) -> None:
    if not is_administrator(user):
        raise Forbidden("only administrators may read the audit trail")


def _where(
    actor: str | None,
    action: str | None,
    case_ref: str | None,
    subject: str | None,
    date_from: date | None,
    date_to: date | None,
) -> tuple[str, list]:
    conditions, params = ["TRUE"], []
    if actor:
        conditions.append("actor ILIKE ?")
        params.append(f"%{actor.strip()}%")
    if action:
        if action not in ACTIONS:
            raise InvalidInput(f"unknown action {action!r}")
        conditions.append("action = ?")
        params.append(action)
    if case_ref:
        conditions.append("case_ref = ?")
        params.append(case_ref.strip())
    if subject:
        conditions.append("subject ILIKE ?")
        params.append(f"%{subject.strip()}%")
    if date_from:
        conditions.append("occurred_at >= ?")
        params.append(datetime.combine(date_from, datetime.min.time()))
    if date_to:
        conditions.append("occurred_at < ?")
        params.append(datetime.combine(date_to + timedelta(days=1), datetime.min.time()))
    return " AND ".join(conditions), params


def search(
    store: Store,
    user: User,
    *,
    actor: str | None = None,
    action: str | None = None,
    case_ref: str | None = None,
    subject: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int | None = SEARCH_LIMIT,
) -> list[AuditEntry]:
    """Audit rows matching every filter given, newest first. Admins only."""
    _require_admin(user)
    where, params = _where(actor, action, case_ref, subject, date_from, date_to)
    sql = (
        "SELECT occurred_at, actor, action, case_ref, subject, detail, ip FROM audit_log"
        f" WHERE {where} ORDER BY occurred_at DESC, audit_id DESC"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [AuditEntry(*row) for row in store.query(sql, params)]


def search_csv(store: Store, user: User, **filters) -> str:
    """The matching audit rows as a formula-safe CSV document (no row limit). Admins only."""
    entries = search(store, user, limit=None, **filters)
    return csv_text(
        AUDIT_COLUMNS,
        (
            [
                f"{e.at:%Y-%m-%d %H:%M:%S}",
                e.actor,
                e.action,
                e.case_ref or "",
                e.subject or "",
                e.detail or "",
                e.ip or "",
            ]
            for e in entries
        ),
    )


def recent_failures(store: Store, username: str, minutes: int) -> int:
    """Failed sign-ins for this name in the last `minutes`, since its last success or reset."""
    row = store.query_one(
        """
        SELECT count(*) FROM audit_log
        WHERE subject = ? AND action = ?
          AND occurred_at > now()::TIMESTAMP - to_minutes(CAST(? AS BIGINT))
          AND occurred_at > coalesce((SELECT max(occurred_at) FROM audit_log
                             WHERE subject = ? AND action IN (?, ?)), TIMESTAMP '1900-01-01')
        """,
        [username, LOGIN_FAILED, minutes, username, LOGIN, PASSWORD_RESET],
    )
    return row[0]
