"""Sending a case's messages: invitations (DOCX and a calendar entry) to every invitee, the
signed-off record to the attendees, the record and learning to the business unit.

Through SMTP when `RPM_SMTP_HOST` is set (`RPM_SMTP_PORT`, `RPM_SMTP_USER`,
`RPM_SMTP_PASSWORD`, `RPM_SMTP_STARTTLS`, `RPM_MAIL_FROM`); otherwise every message is written
to the outbox folder (`RPM_OUTBOX`, default `outbox/` beside the database) as an .eml file, and
the pages say so. Each message is recorded before it is handed over and marked with what
happened (see `data.messages`); nothing is marked sent that the server did not accept. Once a
sending has gone (to the server or the outbox) it records the stage it completes, naming
everyone it went to and how.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path

from app.document_files import crc_summary_docx, invitation_docx, learning_log_file
from data.access import require_case
from data.actor import User
from data.errors import Forbidden, InvalidInput
from data.messages import Message, add_message, get_message, mark_attempt, record_message_stage
from data.partnership import get_partnership
from data.permissions import runs_meetings
from data.record import latest_signed_version, learning_log
from data.setup import get_setup
from data.store import Store

DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
SMTP_TIMEOUT = 30  # seconds
# Headers up to RFC 5322's 998 characters a line: at 78, a subject just too long for its line
# was folded whole onto the next, and read back with a leading space (" Invitation: ...").
SMTP_POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    user: str | None
    password: str | None
    starttls: bool
    sender: str
    business_unit: str | None
    outbox: Path

    @property
    def smtp(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls, db_path: Path) -> MailSettings:
        env = os.environ
        return cls(
            host=env.get("RPM_SMTP_HOST") or None,
            port=int(env.get("RPM_SMTP_PORT") or 25),
            user=env.get("RPM_SMTP_USER") or None,
            password=env.get("RPM_SMTP_PASSWORD") or None,
            starttls=env.get("RPM_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            sender=env.get("RPM_MAIL_FROM") or "rpm-timeline@localhost",
            business_unit=env.get("RPM_BUSINESS_UNIT_EMAIL") or None,
            outbox=Path(env.get("RPM_OUTBOX") or Path(db_path).parent / "outbox"),
        )


def where_messages_go(settings: MailSettings) -> str:
    """One sentence for the pages: by email, or into the outbox folder."""
    if settings.smtp:
        return f"Messages are sent by email through the mail server {settings.host}."
    return (
        "No mail server is configured: messages are written to the outbox folder on the server"
        " as .eml files, not sent. Someone has to send them from there."
    )


# --- building ------------------------------------------------------------------------------


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 folding: lines of at most 75 octets, continued with a space."""
    out, current = [], b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return "\r\n ".join(out)


def invitation_ics(setup, sender: str, attendee: str, uid: str, now: datetime) -> bytes:
    """Pure: a calendar entry for the meeting (2 hours from its start, 10:00 when no time is
    set), naming the case by reference only."""
    start_time = setup.start_time or "10:00"
    hour, minute = (int(x) for x in start_time.split(":"))
    start = datetime(
        setup.meeting_date.year, setup.meeting_date.month, setup.meeting_date.day, hour, minute
    )
    end = start + timedelta(hours=2)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//RPM Timeline//Reflective Practice Meeting//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART:{start:%Y%m%dT%H%M%S}",
        f"DTEND:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{_ics_text(f'Reflective Practice Meeting, case {setup.case_ref}')}",
        f"LOCATION:{_ics_text(setup.venue or 'To be confirmed')}",
        f"ORGANIZER:mailto:{sender}",
        f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{attendee}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def _message(
    settings, partnership: str, to: list[str], subject: str, body: str, cc: list[str] = ()
) -> EmailMessage:
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = f"{partnership} <{settings.sender}>"
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=settings.sender.split("@")[-1])
    msg["Date"] = datetime.now().astimezone()
    msg.set_content(body)
    return msg


def addressed(person) -> tuple[list[str], list[str], str]:
    """Pure: (To, Cc, a closing line) for a professional and their manager. The guidance shares
    the learning with the managers of the service: the manager is copied in, or, when the
    professional has no address, sent it to pass on."""
    if person.email and person.manager_email:
        return (
            [person.email],
            [person.manager_email],
            (
                "\n\nYour manager is copied in: the partnership shares this with the managers of"
                " the service."
            ),
        )
    if person.email:
        return [person.email], [], ""
    if person.manager_email:
        return (
            [person.manager_email],
            [],
            (
                f"\n\nWe have no email address for {person.name}: this is sent to their manager"
                " to pass on."
            ),
        )
    return [], [], ""


@dataclass(frozen=True)
class Outgoing:
    kind: str
    to: list[str]
    message: EmailMessage
    attachments: list[str]
    record_version: int | None = None
    name: str | None = None  # who it is for, for the stage's note (the address when None)


def build_invitations(store: Store, user: User, case_ref: str, settings: MailSettings):
    """One invitation per invitee with an email address: the invitation (DOCX) and a
    calendar entry. Returns (messages, names of invitees without an address)."""
    setup = get_setup(store, user, case_ref)
    if setup.meeting_date is None:
        raise InvalidInput(
            f"case {case_ref} has no meeting date: set it before sending the invitations"
        )
    partnership = get_partnership(store).name
    document = invitation_docx(store, user, case_ref)
    when = f"{setup.meeting_date.day} {setup.meeting_date:%B %Y}" + (
        f" at {setup.start_time}" if setup.start_time else ""
    )
    out, missing = [], []
    now = datetime.now().astimezone()
    for invitee in setup.invitees:
        to, cc, closing = addressed(invitee)
        if not to:
            missing.append(invitee.name)
            continue
        msg = _message(
            settings,
            partnership,
            to,
            f"Invitation: Reflective Practice Meeting, case {case_ref}, {when}",
            f"Dear {invitee.name},\n\nYou are invited to a Reflective Practice Meeting on {when}"
            f" ({setup.venue or 'venue to be confirmed'}), chaired by"
            f" {setup.chair_name or 'the chair'}.\n\nThe invitation is attached, with a calendar"
            f" entry. Please reply to confirm your attendance.{closing}\n\n"
            f"{partnership}\n",
            cc,
        )
        msg.add_attachment(
            document, *DOCX, filename=f"RPM-invitation-{case_ref}.docx"
        )  # fmt: skip
        uid = f"rpm-{case_ref}-{setup.meeting_date:%Y%m%d}@{settings.sender.split('@')[-1]}"
        msg.add_attachment(
            invitation_ics(setup, settings.sender, to[0], uid, now),
            "text",
            "calendar",
            filename="meeting.ics",
            params={"method": "REQUEST"},
        )
        out.append(
            Outgoing(
                "invitation",
                to + cc,
                msg,
                [f"RPM-invitation-{case_ref}.docx", "meeting.ics"],
                name=invitee.name,
            )
        )
    return out, missing


def _signed(store: Store, user: User, case_ref: str):
    version = latest_signed_version(store, user, case_ref)
    if version is None:
        raise InvalidInput(
            f"the meeting record of case {case_ref} is not signed off: sign it off before sending"
        )
    return version


def build_record_to_attendees(store: Store, user: User, case_ref: str, settings: MailSettings):
    """The signed-off learning log (Word) to every professional who attended (or, when no one
    was ticked, every invitee), one message each."""
    version = _signed(store, user, case_ref)
    log = learning_log(store, user, case_ref, version.version)
    partnership = get_partnership(store).name
    names = {p.name for p in log.professionals}
    people = [i for i in get_setup(store, user, case_ref).invitees if i.name in names]
    document = learning_log_file(store, user, case_ref, "docx", version=version.version)
    filename = f"RPM-learning-log-{case_ref}-v{version.version}.docx"
    out, missing = [], []
    for person in people:
        to, cc, closing = addressed(person)
        if not to:
            missing.append(person.name)
            continue
        msg = _message(
            settings,
            partnership,
            to,
            f"Record of the Reflective Practice Meeting, case {case_ref}"
            f" (version {version.version}, signed off)",
            f"Dear {person.name},\n\nThe signed-off record of the Reflective Practice Meeting"
            f" you attended is attached (version {version.version}). It is confidential and"
            f" for learning only.{closing}\n\n{partnership}\n",
            cc,
        )
        msg.add_attachment(document, *DOCX, filename=filename)
        out.append(
            Outgoing("record_to_attendees", to + cc, msg, [filename], version.version, person.name)
        )
    return out, missing


def build_to_business_unit(store: Store, user: User, case_ref: str, settings: MailSettings):
    """The signed-off record and the learning for the committee (Appendix 3) to the business
    unit's address."""
    if not settings.business_unit:
        raise InvalidInput(
            "the business unit's email address is not configured (RPM_BUSINESS_UNIT_EMAIL)"
        )
    version = _signed(store, user, case_ref)
    partnership = get_partnership(store).name
    log_name = f"RPM-learning-log-{case_ref}-v{version.version}.docx"
    summary_name = f"RPM-CRC-summary-{case_ref}-v{version.version}.docx"
    msg = _message(
        settings,
        partnership,
        [settings.business_unit],
        f"RPM record and learning, case {case_ref} (version {version.version})",
        f"The signed-off record of the Reflective Practice Meeting for case {case_ref} and the"
        " summary of learning for the Case Review Committee are attached.\n",
    )
    msg.add_attachment(
        learning_log_file(store, user, case_ref, "docx", version=version.version),
        *DOCX,
        filename=log_name,
    )
    msg.add_attachment(
        crc_summary_docx(store, user, case_ref, version=version.version), *DOCX, filename=summary_name
    )  # fmt: skip
    return [
        Outgoing(
            "to_business_unit",
            [settings.business_unit],
            msg,
            [log_name, summary_name],
            version.version,
        )
    ], []


BUILDERS = {
    "invitation": build_invitations,
    "record_to_attendees": build_record_to_attendees,
    "to_business_unit": build_to_business_unit,
}


# --- delivering ----------------------------------------------------------------------------


def deliver(settings: MailSettings, eml: bytes, to: list[str], message_id: int):
    """Hand one message over: ('sent', None, None) when the server accepted it for every
    recipient, ('failed', reason, None) otherwise, ('outbox', None, file) without a server."""
    if not settings.smtp:
        settings.outbox.mkdir(parents=True, exist_ok=True)
        path = settings.outbox / f"message-{message_id:06d}.eml"
        path.write_bytes(eml)
        return "outbox", None, path.name
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            refused = smtp.sendmail(settings.sender, to, eml)
    except smtplib.SMTPRecipientsRefused as exc:
        return "failed", _refusals(exc.recipients), None
    except smtplib.SMTPResponseException as exc:
        return (
            "failed",
            f"the mail server refused it: {exc.smtp_code} {_text(exc.smtp_error)}",
            None,
        )
    except (OSError, smtplib.SMTPException) as exc:
        return "failed", f"the mail server could not be reached: {exc}", None
    if refused:
        return "failed", _refusals(refused), None
    return "sent", None, None


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _refusals(refused: dict) -> str:
    return "; ".join(
        f"{addr} refused by the mail server: {code} {_text(text)}"
        for addr, (code, text) in refused.items()
    )


def send(store: Store, user: User, case_ref: str, kind: str, settings: MailSettings, ip=None):
    """Build, record and hand over the messages of one kind. Returns (messages, names of
    people who could not be sent to because they have no email address)."""
    case = require_case(store, user, case_ref)
    if not runs_meetings(user):
        raise Forbidden("only an administrator or the case's chair sends the case's messages")
    outgoing, missing = BUILDERS[kind](store, user, case_ref, settings)
    if not outgoing:
        raise InvalidInput(
            "no one to send it to: "
            + (f"no email address for {', '.join(missing)}" if missing else "no invitees")
        )
    results = []
    for item in outgoing:
        eml = item.message.as_bytes()
        message_id = add_message(
            store,
            user,
            case,
            kind=item.kind,
            recipients=item.to,
            subject=str(item.message["Subject"]),
            attachments=item.attachments,
            eml=eml,
            record_version=item.record_version,
        )
        status, error, file = deliver(settings, eml, item.to, message_id)
        results.append(
            mark_attempt(
                store, user, case, message_id, status, error=error, outbox_file=file, ip=ip
            )
        )
    names = [item.name or ", ".join(item.to) for item in outgoing]
    record_message_stage(store, user, case, kind, list(zip(names, results, strict=True)), missing)
    return results, missing


def retry(
    store: Store, user: User, case_ref: str, message_id: int, settings: MailSettings, ip=None
) -> Message:
    """Send a failed (or outbox) message again, the same bytes."""
    case = require_case(store, user, case_ref)
    if not runs_meetings(user):
        raise Forbidden("only an administrator or the case's chair sends the case's messages")
    message, eml = get_message(store, user, case_ref, message_id)
    if not message.retryable:
        raise InvalidInput(f"message {message_id} was already accepted by the mail server")
    to = [a.strip() for a in message.recipients.split(",") if a.strip()]
    status, error, file = deliver(settings, eml, to, message_id)
    result = mark_attempt(
        store, user, case, message_id, status, error=error, outbox_file=file, ip=ip
    )
    record_message_stage(store, user, case, message.kind, [(message.recipients, result)])
    return result
