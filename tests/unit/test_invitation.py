"""The invitation's words that depend on the dates: when to reply by."""

from __future__ import annotations

from components.documents.invitation import invitation_doc

SETUP = {"case_ref": "INV-1", "chair_name": "Chris Jones", "reply_to": "bu@partnership.example"}


def reply_words(meeting_date: str | None, produced_on: str) -> str:
    doc = invitation_doc({**SETUP, "meeting_date": meeting_date, "produced_on": produced_on})
    return next(b[1] for b in doc.blocks if b[0] == "p" and b[1].startswith("Please confirm"))


def test_reply_by_a_week_before_the_meeting_never_before_the_invitation_is_sent():
    assert reply_words("2026-12-20", "2026-12-02").startswith(
        "Please confirm whether you will attend by 13 December 2026 to the chair, Chris Jones"
    )
    # called at short notice: a week before the meeting has passed
    short = reply_words("2026-12-04", "2026-12-02")
    assert short.startswith("Please confirm whether you will attend as soon as possible")
    assert reply_words(None, "2026-12-02").startswith(
        "Please confirm whether you will attend as soon as possible"
    )
