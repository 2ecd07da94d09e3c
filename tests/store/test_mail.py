"""Sending a case's messages through a real SMTP server started here on 127.0.0.1 (aiosmtpd):
what arrives, its attachments, what is recorded and audited, refusals, retries, the outbox."""

from __future__ import annotations

import email
import io
from email import policy

import docx
import pytest

from app import document_files
from app.mail import MailSettings, invitation_ics, retry, send
from data.actor import SYSTEM
from data.errors import InvalidInput
from data.messages import list_messages, stage_note
from data.record import save_draft, sign_off
from data.setup import format_invitees, get_setup, parse_invitees, update_setup
from data.users import get_user
from data.workflow import case_stages_done, stage_history
from tests.support.rpm_case import CASE, CHAIR, RECORD
from tests.support.server import free_port
from tests.support.smtp_inbox import smtp_server


@pytest.fixture(scope="module")
def smtp():
    with smtp_server() as running:
        yield running


@pytest.fixture
def inbox(smtp):
    handler, _ = smtp
    handler.messages.clear()
    handler.refuse.clear()
    return handler


def settings(tmp_path, port: int | None) -> MailSettings:
    return MailSettings(
        host="127.0.0.1" if port else None,
        port=port or 25,
        user=None,
        password=None,
        starttls=False,
        sender="rpm@partnership.example",
        business_unit="business.unit@partnership.example",
        outbox=tmp_path / "outbox",
    )


@pytest.fixture(autouse=True)
def no_timeline_image(monkeypatch):
    # The timeline image is drawn by a browser; these tests are about the mail.
    monkeypatch.setattr(
        document_files, "_timeline_image", lambda *a: (None, "not drawn in this test")
    )


def attachments(message):
    return {part.get_filename(): part for part in message.iter_attachments()}


def test_invitations_go_to_every_invitee_with_the_document_and_a_calendar_entry(
    rpm_store, smtp, inbox, tmp_path
):
    store, (_, port) = rpm_store, smtp
    chair = get_user(store, "pokafor")
    sent, missing = send(store, chair, CASE, "invitation", settings(tmp_path, port))
    assert missing == ["Priya Shah"]  # no email address: named, not silently skipped
    assert [m.status for m in sent] == ["sent", "sent"]
    assert sorted(to[0] for to, _ in inbox.messages) == ["alex@school.example", "jo@csc.example"]
    _, message = next(m for m in inbox.messages if m[0] == ["alex@school.example"])
    assert message["Subject"].startswith(f"Invitation: Reflective Practice Meeting, case {CASE}")
    files = attachments(message)
    invitation = docx.Document(io.BytesIO(files[f"RPM-invitation-{CASE}.docx"].get_content()))
    assert "Invitation to a Reflective Practice Meeting" in invitation.paragraphs[0].text
    ics = files["meeting.ics"].get_content()
    assert "DTSTART:20240902T100000" in ics and "mailto:alex@school.example" in ics
    # Recorded on the case and audited; the stage "invites circulated" is recorded by it.
    messages = list_messages(store, chair, CASE)
    assert {m.recipients for m in messages} == {"alex@school.example", "jo@csc.example"}
    assert all(m.sent_at is not None and m.attempts == 1 for m in messages)
    stage = {d.stage_key: d for d in case_stages_done(store, chair, CASE)}["invites_sent"]
    # The note names every invitee, and the one it could not go to.
    assert stage.note == (
        "Invitation emailed to Alex Brown and Jo Green; no email address for Priya Shah."
    )
    assert stage.completed_by == "email"
    audited = store.query("SELECT detail FROM audit_log WHERE action = 'mail' ORDER BY audit_id")
    assert len(audited) == 2 and "invitation sent" in audited[0][0]


def test_a_refused_message_is_failed_with_its_reason_and_sent_on_retry(
    rpm_store, smtp, inbox, tmp_path
):
    store, (_, port) = rpm_store, smtp
    inbox.refuse.add("jo@csc.example")
    sent, _ = send(store, SYSTEM, CASE, "invitation", settings(tmp_path, port))
    failed = next(m for m in sent if m.recipients == "jo@csc.example")
    assert failed.status == "failed" and failed.sent_at is None
    assert "jo@csc.example refused by the mail server: 550" in failed.error
    assert failed.retryable
    inbox.refuse.clear()
    again = retry(store, SYSTEM, CASE, failed.message_id, settings(tmp_path, port))
    assert again.status == "sent" and again.attempts == 2 and again.error is None
    assert [to for to, _ in inbox.messages].count(["jo@csc.example"]) == 1
    note = {d.stage_key: d for d in case_stages_done(store, SYSTEM, CASE)}["invites_sent"].note
    assert note.startswith("Invitation emailed to Alex Brown; not accepted by the mail server")
    assert note.endswith(": Invitation emailed to jo@csc.example.")  # the retry says so
    with pytest.raises(InvalidInput, match="already accepted"):
        retry(store, SYSTEM, CASE, failed.message_id, settings(tmp_path, port))


def test_an_unreachable_server_fails_the_message_and_marks_nothing_sent(rpm_store, tmp_path):
    store = rpm_store
    sent, _ = send(store, SYSTEM, CASE, "invitation", settings(tmp_path, free_port()))
    assert {m.status for m in sent} == {"failed"}
    assert all("could not be reached" in m.error for m in sent)
    assert "invites_sent" not in {d.stage_key for d in case_stages_done(store, SYSTEM, CASE)}


def test_without_a_mail_server_messages_go_to_the_outbox_and_the_stage_says_so(
    rpm_store, smtp, inbox, tmp_path
):
    store, (_, port) = rpm_store, smtp
    sent, _ = send(store, SYSTEM, CASE, "invitation", settings(tmp_path, None))
    assert {m.status for m in sent} == {"outbox"}
    assert all(m.sent_at is None for m in sent)  # never "sent"
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [f.name for f in files] == sorted(m.outbox_file for m in sent)
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert "meeting.ics" in attachments(parsed)
    # The app has done its part: the stage is recorded as in the outbox, not as emailed.
    stage = {d.stage_key: d for d in case_stages_done(store, SYSTEM, CASE)}["invites_sent"]
    assert stage.completed_by == "outbox"
    assert stage.note.startswith(
        "Invitation written to the outbox folder for Alex Brown and Jo Green, not emailed"
    )
    assert "emailed to" not in stage.note
    audited = [d for (d,) in store.query("SELECT detail FROM audit_log WHERE action = 'mail'")]
    assert len(audited) == 2 and all("invitation written to the outbox" in d for d in audited)
    # Sent later through a mail server: once none is left in the outbox the stage says so,
    # the change kept in its history.
    for message in sent:
        retry(store, SYSTEM, CASE, message.message_id, settings(tmp_path, port))
    stage = {d.stage_key: d for d in case_stages_done(store, SYSTEM, CASE)}["invites_sent"]
    assert stage.completed_by == "email"
    assert "Invitation emailed to jo@csc.example." in stage.note  # said by each later sending
    assert "Invitation emailed to alex@school.example." in stage.note
    assert len(inbox.messages) == 2
    changes = [c for c in stage_history(store, SYSTEM, CASE) if c.stage_key == "invites_sent"]
    assert [c.change for c in changes] == ["recorded", "corrected", "corrected"]
    assert changes[1].reason == "a later sending of these messages"  # one still in the outbox
    assert "sent through the mail server" in changes[-1].reason


def test_the_stage_note_names_every_invitee_or_summarises_them():
    eight = [f"Person {n}" for n in range(1, 9)]
    note = stage_note("invitation", [(n, "sent") for n in eight], [])
    assert note == (
        "Invitation emailed to Person 1, Person 2, Person 3, Person 4, Person 5, Person 6,"
        " Person 7 and Person 8."
    )
    many = [f"Person {n}" for n in range(1, 21)]
    note = stage_note("invitation", [(n, "sent") for n in many[:19]] + [(many[19], "failed")], [])
    assert note.startswith("Invitation emailed to Person 1, ") and "and 8 others" in note
    assert note.endswith("; not accepted by the mail server for Person 20.")


def test_the_signed_record_goes_to_attendees_and_the_learning_to_the_business_unit(
    rpm_store, smtp, inbox, tmp_path
):
    store, (_, port) = rpm_store, smtp
    chair = get_user(store, "pokafor")
    with pytest.raises(InvalidInput, match="not signed off"):
        send(store, chair, CASE, "to_business_unit", settings(tmp_path, port))
    alex = store.query_one("SELECT invitee_id FROM invitees WHERE name = 'Alex Brown'")[0]
    save_draft(store, chair, CASE, **RECORD, attended_ids=[alex])
    sign_off(store, chair, CASE)
    sent, _ = send(store, chair, CASE, "record_to_attendees", settings(tmp_path, port))
    assert [(m.recipients, m.status) for m in sent] == [("alex@school.example", "sent")]
    sent, _ = send(store, chair, CASE, "to_business_unit", settings(tmp_path, port))
    assert sent[0].status == "sent"
    to, message = inbox.messages[-1]
    assert to == ["business.unit@partnership.example"]
    files = attachments(message)
    assert set(files) == {f"RPM-learning-log-{CASE}-v1.docx", f"RPM-CRC-summary-{CASE}-v1.docx"}
    log = docx.Document(io.BytesIO(files[f"RPM-learning-log-{CASE}-v1.docx"].get_content()))
    assert CHAIR in "\n".join(c.text for t in log.tables for r in t.rows for c in r.cells)
    done = {d.stage_key: d for d in case_stages_done(store, chair, CASE)}
    assert (
        "record and learning to the business unit emailed"
        in done["sent_to_business_unit"].note.lower()
    )


def test_managers_are_copied_on_invitations_and_the_record_or_sent_it_to_pass_on(
    rpm_store, smtp, inbox, tmp_path
):
    store, (_, port) = rpm_store, smtp
    chair = get_user(store, "pokafor")
    setup = get_setup(store, chair, CASE)
    setup.invitees = parse_invitees(
        "Alex Brown; Designated safeguarding lead; School; alex@school.example; head@school.example\n"
        "Priya Shah; Health visitor; GP and Health Visiting;; lead@health.example"
    )
    update_setup(store, chair, setup)
    assert "alex@school.example; head@school.example" in format_invitees(
        get_setup(store, chair, CASE).invitees
    )
    sent, missing = send(store, chair, CASE, "invitation", settings(tmp_path, port))
    assert missing == []  # Priya's manager passes it on
    received = {tuple(to): message for to, message in inbox.messages}
    alex = received[("alex@school.example", "head@school.example")]
    assert alex["To"] == "alex@school.example" and alex["Cc"] == "head@school.example"
    assert "manager is copied in" in alex.get_body().get_content()
    priya = received[("lead@health.example",)]
    assert "no email address for Priya Shah" in priya.get_body().get_content()
    assert {m.recipients for m in sent} == {
        "alex@school.example, head@school.example",
        "lead@health.example",
    }
    inbox.messages.clear()
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    send(store, chair, CASE, "record_to_attendees", settings(tmp_path, port))
    assert sorted(tuple(to) for to, _ in inbox.messages) == [
        ("alex@school.example", "head@school.example"),
        ("lead@health.example",),
    ]
    with pytest.raises(InvalidInput, match="not an email address"):
        parse_invitees("Alex Brown; Lead; School; alex@school.example; the head")


def test_calendar_entry_is_folded_and_escaped(rpm_store):
    from datetime import datetime

    setup = get_setup(rpm_store, SYSTEM, CASE)
    setup.venue = "Room 4, Civic Offices; " + "x" * 120
    text = invitation_ics(setup, "a@b.example", "c@d.example", "uid-1", datetime(2024, 1, 1))
    lines = text.decode().split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "LOCATION:Room 4\\, Civic Offices\\; xx" in text.decode()


def test_a_long_subject_reads_back_as_written(tmp_path):
    from app.mail import _message

    subject = "Invitation: Reflective Practice Meeting, case REQ-W, 2 December 2026 at 10:00"
    built = _message(settings(tmp_path, None), "Partnership", ["a@b.example"], subject, "Hello")
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == subject  # not folded whole onto a line of its own
