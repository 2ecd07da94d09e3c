"""The invitation circulated to professionals, as blocks: purpose, date, who is invited, the
seven questions and the ground rules."""

from __future__ import annotations

from datetime import date, timedelta

from components.documents.blocks import Doc, long_date, or_not_recorded

GROUND_RULES = (
    "All agencies support and encourage the attendance of key professionals.",
    "Attendance is for the whole meeting.",
    "The meeting is confidential and focused only on learning, not blame.",
    "It needs good listening and questioning skills to support reflection.",
    "It seeks innovative solutions and leads to wider learning.",
    (
        "It works in a real-world context, and the time spent is proportionate to the issues,"
        " focused on the child's journey and experience."
    ),
)


SEVEN_QUESTIONS = (
    "What time scale is appropriate?",
    "What might be/have been going on at each point of the child's journey?",
    "What did we do about any issues?",
    "Why did we do what we did?",
    "Was there anything that acted as a barrier?",
    "What were the outcomes for the child?",
    "Could we have done things differently?",
)


def invitation_doc(setup: dict) -> Doc:
    """The invitation circulated to professionals, as a letter: the meeting at a glance, why
    it is held and how to reply, what it asks of them (the seven questions, the ground rules),
    the chair's closing, then who is invited. A typical invitation (up to about eight invitees)
    is one page; a longer one breaks between whole rows of the list of invitees."""
    doc = Doc(
        title="Invitation to a Reflective Practice Meeting",
        footer=f"RPM invitation · case {setup['case_ref']}",
    )
    doc.h1(doc.title)
    when = long_date(setup.get("meeting_date")) or "To be confirmed"
    if setup.get("start_time"):
        when += f" at {setup['start_time']}"
    chair_name = setup.get("chair_name")
    chair = chair_name or "To be confirmed"
    if setup.get("facilitator_name") and setup.get("facilitator_name") != chair:
        chair += f" (facilitator: {setup['facilitator_name']})"
    reply_by = _reply_by(setup.get("meeting_date"), setup.get("produced_on"))
    contact = setup.get("reply_to")
    doc.pairs(
        [
            (
                "Child and case",
                ", case ".join(filter(None, [setup.get("label"), setup["case_ref"]]))
                + (
                    f", requested by {setup['requesting_agency']}"
                    if setup.get("requesting_agency")
                    else ""
                ),
            ),
            ("When and where", f"{when}, {setup.get('venue') or 'venue to be confirmed'}"),
            ("Chair", chair),
            ("Please reply by", long_date(reply_by) if reply_by else "As soon as possible"),
        ]
    )
    doc.p("Dear colleague,")
    doc.p(
        "You are invited to a reflective practice meeting about this child's journey. Its"
        f" purpose, recorded in the child's records: {or_not_recorded(setup.get('purpose'), 'to be confirmed.')}"
    )
    doc.p(
        "Please confirm whether you will attend"
        + (f" by {long_date(reply_by)}" if reply_by else " as soon as possible")
        + f" to the chair, {chair_name or 'named above'}"
        + (f", at {contact}" if contact else "")
        + ". If you cannot come, please send a colleague who knows the child's journey."
    )
    doc.h2("About the meeting")
    doc.p(
        "It looks back to learn, not to blame: was the right help given by the right people at"
        " the right time? Please bring your agency's chronology, ready to reflect on these"
        " questions:"
    )
    doc.bullets(SEVEN_QUESTIONS)
    doc.h2("Ground rules")
    doc.p(" ".join(GROUND_RULES))
    doc.lines(
        [
            "Yours sincerely,",
            chair_name or "The chair",
            "Chair of the meeting"
            + (f", for {setup['partnership']}" if setup.get("partnership") else ""),
        ]
    )
    doc.h2("Invited")
    invitees = setup.get("invitees") or []
    if invitees:
        # The address has a column of its own, wide enough not to break mid-address.
        doc.table(
            ["Name and role", "Agency", "Email"],
            [
                [
                    ", ".join(filter(None, [i["name"], i.get("role")])),
                    i["agency"],
                    i.get("email") or "",
                ]
                for i in invitees
            ],
            [7, 4, 6],
        )
    else:
        doc.p("Invitees to be confirmed.")
    return doc


def _reply_by(meeting_date: str | None, produced_on: str | None = None):
    """A week before the meeting; None (as soon as possible) without a date, or when that day
    is before the invitation is produced (`produced_on`): a meeting called at short notice."""
    if not meeting_date:
        return None
    reply_by = date.fromisoformat(meeting_date) - timedelta(days=7)
    if produced_on and reply_by < date.fromisoformat(produced_on):
        return None
    return reply_by.isoformat()
