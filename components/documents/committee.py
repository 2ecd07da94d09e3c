"""What leaves the case for the committee and the frontline, as blocks: the CRC summary
(Appendix 3) and the 7-minute briefing. No child, family member or practitioner in either."""

from __future__ import annotations

from components.documents.blocks import Doc, long_date

APPENDIX3_HEADINGS = (
    "Age of child",
    "Date of reflective practice meeting",
    "Chair of meeting",
    "Learning to be shared",
)


def crc_summary_doc(summary: dict) -> Doc:
    """Appendix 3 (`data.record.crc_summary` or `data.crc.CrcSummary.as_document`): the case by
    its committee key, the record version it summarises, the chair, and the reviewed shared
    wording of the learning; no other name and no event details."""
    doc = Doc(
        title="Summary of learning points to be shared with the Case Review Committee",
        footer=f"RPM summary for the Case Review Committee · case key {summary['case_key']}",
    )
    doc.h1(doc.title)
    version = (
        f"version {summary['version']} of the meeting record"
        if summary.get("version")
        else "the meeting record"
    )
    when = (
        f"from {version}, signed off on {long_date(summary['signed_at'])}"
        if summary.get("status") == "signed off"
        else f"from a draft of {version}, not signed off"
    )
    doc.p(f"Appendix 3 · Case key {summary['case_key']} · {when}", "muted")
    doc.pairs(
        [
            (
                APPENDIX3_HEADINGS[0],
                (summary.get("age_at_meeting") or "Not recorded") + " at the meeting"
                if summary.get("age_at_meeting")
                else "Not recorded",
            ),
            (APPENDIX3_HEADINGS[1], long_date(summary.get("meeting_date")) or "Not recorded"),
            (APPENDIX3_HEADINGS[2], summary.get("chair_name") or "Not recorded"),
        ]
    )
    doc.h2(APPENDIX3_HEADINGS[3])
    learning = summary.get("learning") or []
    if learning:
        doc.table(
            ["", "Learning point", "Cross-agency or single agency", "Themes"],
            [
                [
                    str(n),
                    item["text"],
                    item["scope_label"] + (f": {item['agency']}" if item.get("agency") else ""),
                    ", ".join(item.get("themes") or []),
                ]
                for n, item in enumerate(learning, start=1)
            ],
            [0.8, 9, 3.2, 3],
        )
    else:
        doc.p("The meeting flagged no learning points to share with the Case Review Committee.")
    doc.p(
        "The wording of each learning point was reviewed by the chair before sign-off so that it"
        " identifies no child, family member or practitioner; the chair is named as Appendix 3"
        " asks. The full record is held by the partnership business unit.",
        "muted",
    )
    return doc


BRIEFING_SECTIONS = (
    "Background",
    "Why it matters",
    "Information",
    "What we learned",
    "Questions to reflect on",
    "What to do",
    "Further information",
)


def briefing_doc(briefing: dict) -> Doc:
    """A one-page "7-minute briefing" for frontline practitioners, in the seven numbered
    sections many partnerships use. `briefing` holds only what may leave the partnership:
    redacted learning, themes, counts in words; no child, family member or practitioner."""
    doc = Doc(
        title=f"7-minute briefing: {briefing['topic']}",
        footer=f"7-minute briefing · {briefing['topic']}",
    )
    doc.h1(doc.title)
    doc.p(briefing["source"], "muted")
    sections = (
        [briefing["background"]],
        [briefing["why"]],
        briefing["information"],
        briefing["learning"] or ["No learning has been shared for this briefing yet."],
        briefing["questions"],
        briefing["actions"],
        [briefing["further"]],
    )
    for n, (heading, items) in enumerate(zip(BRIEFING_SECTIONS, sections, strict=True), 1):
        doc.h2(f"{n}. {heading}")
        if len(items) == 1:
            doc.p(items[0])
        else:
            doc.bullets(items)
    return doc
