"""What was sent for a case, to whom and when (`sent_messages`).

A message is recorded before it is handed to the mail server ('pending'), then marked with
what happened: 'sent' only when the server accepted it, 'outbox' when no server is configured
and it was written as an .eml file, 'failed' with the server's reason. A failed (or outbox)
message can be tried again: the same bytes are sent. Every attempt is audited by the caller's
transaction here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data import audit
from data.access import require_case
from data.actor import User
from data.cases import Case
from data.errors import InvalidInput, NotFound
from data.store import Store
from data.workflow import complete_stage

KIND_WORDS = {
    "invitation": "Invitation",
    "record_to_attendees": "Signed record to the attendees",
    "to_business_unit": "Record and learning to the business unit",
}
STATUS_WORDS = {
    "pending": "Being sent",
    "sent": "Sent: accepted by the mail server",
    "outbox": "In the outbox folder, not sent",
    "failed": "Failed",
}
# The flowchart stage a message completes once the mail server has accepted it.
STAGE_OF_KIND = {
    "invitation": "invites_sent",
    "to_business_unit": "sent_to_business_unit",
}


@dataclass(frozen=True)
class Message:
    message_id: int
    kind: str
    record_version: int | None
    recipients: str
    subject: str
    attachments: str | None
    status: str
    error: str | None
    attempts: int
    outbox_file: str | None
    created_by: str
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None

    @property
    def retryable(self) -> bool:
        return self.status in ("failed", "outbox")


_COLUMNS = (
    "message_id, kind, record_version, recipients, subject, attachments, status, error,"
    " attempts, outbox_file, created_by, created_at, last_attempt_at, sent_at"
)


def add_message(
    store: Store,
    user: User,
    case: Case,
    *,
    kind: str,
    recipients: list[str],
    subject: str,
    attachments: list[str],
    eml: bytes,
    record_version: int | None = None,
) -> int:
    """Record a message about to be sent ('pending'); returns its id."""
    if kind not in KIND_WORDS:
        raise InvalidInput(f"unknown kind of message {kind!r}")
    with store.transaction() as cur:
        return cur.execute(
            "INSERT INTO sent_messages (case_id, kind, record_version, recipients, subject,"
            " attachments, eml, status, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)"
            " RETURNING message_id",
            [
                case.case_id,
                kind,
                record_version,
                ", ".join(recipients),
                subject,
                ", ".join(attachments) or None,
                eml,
                user.username,
            ],
        ).fetchone()[0]


def mark_attempt(
    store: Store,
    user: User,
    case: Case,
    message_id: int,
    status: str,
    *,
    error: str | None = None,
    outbox_file: str | None = None,
    ip: str | None = None,
) -> Message:
    """What happened to one attempt; a message the server accepted completes its stage."""
    if status not in ("sent", "outbox", "failed"):
        raise ValueError(status)
    with store.transaction() as cur:
        kind, recipients = cur.execute(
            "UPDATE sent_messages SET status = ?, error = ?, outbox_file = coalesce(?, outbox_file),"
            " attempts = attempts + 1, last_attempt_at = now()::TIMESTAMP,"
            " sent_at = CASE WHEN ? = 'sent' THEN now()::TIMESTAMP END"
            " WHERE message_id = ? AND case_id = ? RETURNING kind, recipients",
            [status, error, outbox_file, status, message_id, case.case_id],
        ).fetchone()
        if status == "sent" and kind in STAGE_OF_KIND:
            complete_stage(
                cur,
                case.case_id,
                STAGE_OF_KIND[kind],
                datetime.now().date(),
                user.username,
                f"{KIND_WORDS[kind]} emailed to {recipients}",
            )
        words = {"sent": "sent", "outbox": "written to the outbox", "failed": "failed"}[status]
        audit.record(
            cur,
            user,
            audit.MAIL,
            case_ref=case.case_ref,
            detail=f"{KIND_WORDS[kind].lower()} {words}: message {message_id} to {recipients}"
            + (f" ({error})" if error else ""),
            ip=ip,
        )
    return _get(store, case, message_id)


def _get(store: Store, case: Case, message_id: int) -> Message:
    row = store.query_one(
        f"SELECT {_COLUMNS} FROM sent_messages WHERE message_id = ? AND case_id = ?",
        [message_id, case.case_id],
    )
    if row is None:
        raise NotFound(f"case {case.case_ref} has no message {message_id}")
    return Message(*row)


def get_message(store: Store, user: User, case_ref: str, message_id: int) -> tuple[Message, bytes]:
    """A message of the case and its bytes (for a retry)."""
    case = require_case(store, user, case_ref)
    message = _get(store, case, message_id)
    eml = store.query_one("SELECT eml FROM sent_messages WHERE message_id = ?", [message_id])[0]
    return message, bytes(eml)


def list_messages(store: Store, user: User, case_ref: str) -> list[Message]:
    """Every message of the case, newest first."""
    case = require_case(store, user, case_ref)
    rows = store.query(
        f"SELECT {_COLUMNS} FROM sent_messages WHERE case_id = ?"
        " ORDER BY created_at DESC, message_id DESC",
        [case.case_id],
    )
    return [Message(*row) for row in rows]
