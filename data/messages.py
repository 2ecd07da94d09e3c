"""What was sent for a case, to whom and when (`sent_messages`).

A message is recorded before it is handed to the mail server ('pending'), then marked with
what happened: 'sent' only when the server accepted it, 'outbox' when no server is configured
and it was written as an .eml file, 'failed' with the server's reason. A failed (or outbox)
message can be tried again: the same bytes are sent. Every attempt is audited by the caller's
transaction here.

Once a sending has gone (accepted by the server, or written to the outbox folder: the app has
done its part either way), it records the flowchart stage it completes (`record_message_stage`),
naming everyone it went to and saying how: a stage recorded from the outbox says "written to
the outbox folder, not emailed" (`completed_by` 'outbox'), never "emailed"; when those messages
are later accepted by a mail server the stage says so, the change kept in its history.
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
from data.workflow import complete_stage, recomplete_stage

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
# The flowchart stage a kind of message completes once it has gone (accepted by the mail
# server, or written to the outbox folder when none is configured). The signed record to the
# attendees goes with stage 4, which signing off records.
STAGE_OF_KIND = {
    "invitation": "invites_sent",
    "to_business_unit": "sent_to_business_unit",
}
HOW_STAGE_WENT = {"sent": "email", "outbox": "outbox"}
MAX_NAMED = 12  # a stage note names this many people, then counts the others


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
    """What happened to one attempt (the stage it completes: `record_message_stage`)."""
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


def names_words(names: list[str], limit: int = MAX_NAMED) -> str:
    """Pure: 'A', 'A and B', 'A, B and C'; past `limit` names, 'A, B, ... and 5 others'."""
    names = list(dict.fromkeys(names))
    if len(names) > limit:
        rest = len(names) - limit + 1
        names = [*names[: limit - 1], f"{rest} others"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def stage_note(kind: str, outcomes: list[tuple[str, str]], no_address: list[str]) -> str:
    """Pure: the note of the stage a sending completes, naming everyone by how it went.
    `outcomes` is (name, status) for each message; `no_address` the people it could not go to."""
    by_status: dict[str, list[str]] = {}
    for name, status in outcomes:
        by_status.setdefault(status, []).append(name)
    parts = []
    if by_status.get("sent"):
        parts.append(f"{KIND_WORDS[kind]} emailed to {names_words(by_status['sent'])}")
    if by_status.get("outbox"):
        parts.append(
            f"{KIND_WORDS[kind]} written to the outbox folder for"
            f" {names_words(by_status['outbox'])}, not emailed: someone has to send"
            " it from there"
        )
    if by_status.get("failed"):
        parts.append(f"not accepted by the mail server for {names_words(by_status['failed'])}")
    if no_address:
        parts.append(f"no email address for {names_words(no_address)}")
    return "; ".join(parts) + "."


def record_message_stage(
    store: Store,
    user: User,
    case: Case,
    kind: str,
    outcomes: list[tuple[str, Message]],
    no_address: list[str] = (),
) -> bool:
    """Once a sending has gone, record the stage it completes (see the module's note): when
    any of its messages was accepted by the server or written to the outbox. A later sending
    (a retry, the invitations sent again) adds what it did to the stage's note, the change in
    the stage history; a stage recorded from the outbox becomes 'emailed' once no message of
    that kind is left in the outbox and one was accepted by a server. A stage recorded by hand
    is left as it is. True when the stage was recorded or changed."""
    stage_key = STAGE_OF_KIND.get(kind)
    went = [m.status for _, m in outcomes if m.status in HOW_STAGE_WENT]
    if stage_key is None or not went:
        return False
    how = HOW_STAGE_WENT["sent" if "sent" in went else "outbox"]
    note = stage_note(kind, [(name, m.status) for name, m in outcomes], list(no_address))
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT completed_by, note FROM case_workflow WHERE case_id = ? AND stage_key = ?",
            [case.case_id, stage_key],
        ).fetchone()
        if row is None:
            complete_stage(
                cur, case.case_id, stage_key, datetime.now().date(), user.username, note, how
            )
            return True
        before, old_note = row
        if before not in HOW_STAGE_WENT.values():
            return False  # recorded by hand (or by another action): left as it is
        left_in_outbox = cur.execute(
            "SELECT count(*) FROM sent_messages WHERE case_id = ? AND kind = ? AND status = 'outbox'",
            [case.case_id, kind],
        ).fetchone()[0]
        after = "email" if before == "email" or (how == "email" and not left_in_outbox) else before
        return recomplete_stage(
            cur,
            case.case_id,
            stage_key,
            before,
            after,
            f"{old_note} Then, on {datetime.now():%d %b %Y}: {note}",
            user.username,
            "the messages written to the outbox folder were sent through the mail server"
            if after != before
            else "a later sending of these messages",
        )


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
