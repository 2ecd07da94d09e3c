"""The documents a partnership sends: invitation, learning log (Appendix 2), CRC summary
(Appendix 3). Pure: data in (dicts from `data.record` / `data.setup`), bytes or text out.

Each document is first described as a list of blocks (headings, paragraphs, tables, an
image), then written as DOCX (python-docx) or as a print-ready HTML page, so the two formats
say the same thing.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from components.document_text import document_value
from data.partial_dates import PartialDate
from data.vocabulary import counted

DRAFT_MARK = "DRAFT - NOT SIGNED OFF"
CLASSIFICATION = "OFFICIAL-SENSITIVE: confidential, for learning only"

# Appendix 2's fields, in its order, as the learning log's headings.
APPENDIX2_HEADINGS = (
    "Case name",
    "Professionals involved",
    "Chair",
    "Briefly, what were the issues that led to the RPM and what are the timescales?",
    "The child's journey described along a timeline",
    "What can we see as learning points along this timeline? (using the reflective cycle)",
    "Are there any specific cross-agency learning points?",
    "Are there single-agency learning points?",
    "Conclusions / outcomes",
    "Actions",
    "Signed",
)
APPENDIX3_HEADINGS = (
    "Age of child",
    "Date of reflective practice meeting",
    "Chair of meeting",
    "Learning to be shared",
)
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


@dataclass(frozen=True)
class Letterhead:
    name: str
    logo: bytes | None = None
    logo_mime: str | None = None


@dataclass
class Doc:
    """A document as blocks: (kind, ...) tuples, see `_docx_block` and `_html_block`."""

    title: str
    footer: str
    blocks: list[tuple] = field(default_factory=list)

    def h1(self, text):
        self.blocks.append(("h1", text))

    def h2(self, text):
        self.blocks.append(("h2", text))

    def p(self, text, style: str = ""):
        for line in (text or "").split("\n"):
            if line.strip():
                self.blocks.append(("p", line.strip(), style))

    def bullets(self, items):
        self.blocks.append(("ul", list(items)))

    def table(self, header, rows, widths=None):
        self.blocks.append(("table", list(header), [list(r) for r in rows], widths))

    def pairs(self, rows):
        self.blocks.append(("kv", [(k, v) for k, v in rows]))

    def image(self, png: bytes | None, alt: str, missing: str):
        self.blocks.append(("image", png, alt, missing))


# --- formatting helpers --------------------------------------------------------------------


def long_date(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = (
            datetime.fromisoformat(value)
            if " " in value or "T" in value
            else date.fromisoformat(value)
        )
    return PartialDate(value if type(value) is date else value.date()).words()


def month_year(value) -> str:
    if not value:
        return ""
    return f"{date.fromisoformat(value):%b %Y}"


def signature_line(signed_name: str | None, signed_by: str | None, on_behalf: bool) -> str:
    """Pure: who signed, in words, as every document and page says it (without names in an
    anonymised edition)."""
    if signed_name is None:
        return (
            "Signed on behalf of the chair by an administrator"
            if on_behalf
            else ("Signed by the chair")
        )
    if on_behalf:
        return f"Signed on behalf of the chair, {signed_name}, by the administrator {signed_by}"
    return f"Signed by the chair, {signed_name} (account {signed_by})"


def _or(text, fallback="Not recorded."):
    return text if text else fallback


# --- the three documents as blocks ---------------------------------------------------------


def learning_log_doc(log: dict, image_png: bytes | None, image_problem: str | None) -> Doc:
    """Appendix 2 from a learning log dict (see `data.record.build_log`)."""
    signed = log.get("status") == "signed off"
    doc = Doc(
        title="Reflective Practice Meeting (RPM) feedback and learning log",
        footer=f"RPM learning log · case {log['case_ref']}"
        + (f" · version {log['version']}" if log.get("version") else " · draft")
        + (" · anonymised" if log.get("anonymised") else ""),
    )
    doc.h1(doc.title)
    version = log.get("version")
    if signed:
        status = f"Version {version}, signed off on {long_date(log.get('signed_at'))}"
    elif version:
        status = f"Version {version}: draft, not signed off"
    else:
        status = "Draft: no record has been started yet"
    doc.p(f"Appendix 2 · Case reference {log['case_ref']} · {status}", "muted")
    if log.get("amendment_reason"):
        doc.p(f"This version amends the one before it. Reason: {log['amendment_reason']}", "muted")
    if log.get("anonymised"):
        doc.p(
            "Anonymised edition: the people of the case and the professionals are named by"
            " their role (the case glossary); in what the meeting wrote, dates are given as"
            " seasons and addresses, phone numbers, schools and other identifying details are"
            " generalised.",
            "strong",
        )

    doc.h2(APPENDIX2_HEADINGS[0])
    doc.p(f"{log.get('case_name') or log['case_ref']} · case reference {log['case_ref']}")
    doc.pairs(
        [
            ("Date of the meeting", long_date(log.get("meeting_date")) or "Not recorded"),
            ("Requested by", log.get("requesting_agency") or "Not recorded"),
            ("Purpose of the meeting", log.get("purpose") or "Not recorded"),
            ("Facilitator", log.get("facilitator") or "Not recorded"),
            ("Reflective model", log.get("reflective_model") or ""),
        ]
    )

    doc.h2(APPENDIX2_HEADINGS[1])
    professionals = log.get("professionals") or []
    if professionals:
        doc.table(
            ["Name", "Role", "Agency"],
            [[p["name"], p.get("role") or "", p.get("agency") or ""] for p in professionals],
            [5, 5, 6],
        )
    else:
        doc.p("Not recorded.")

    doc.h2(APPENDIX2_HEADINGS[2])
    doc.p(_or(log.get("chair_name")))

    doc.h2(APPENDIX2_HEADINGS[3])
    doc.p(_or(log.get("issues")))
    doc.p(f"Timescale considered: {_or(log.get('timescale'))}", "strong")

    doc.h2(APPENDIX2_HEADINGS[4])
    journey = log.get("journey") or {}
    if journey.get("event_count"):
        doc.p(
            f"{counted(journey['event_count'], 'event')} from"
            f" {counted(journey['agency_count'], 'agency', 'agencies')} between "
            f"{month_year(journey.get('first'))} and {month_year(journey.get('last'))}: "
            + ", ".join(journey.get("agencies") or [])
            + "."
        )
        doc.image(
            image_png,
            "The child's journey: one lane of events per agency along the timeline; a diamond"
            " marks each event a learning point is linked to, shaded bands the key practice"
            " episodes",
            "The timeline image could not be produced for this document"
            + (f" ({image_problem})." if image_problem else ".")
            + " It can be seen on the case's timeline page in RPM Timeline.",
        )
    else:
        doc.p("No agency extracts were added to this case, so there is no timeline.")
    episodes = journey.get("episodes") or []
    if episodes:
        doc.p("Key practice episodes the meeting looked at:", "strong")
        assess = {"good_practice": "Good practice", "problem": "Problem", "mixed": "Mixed"}
        doc.table(
            ["Episode", "From", "To", "Assessment"],
            [
                [
                    e["title"],
                    long_date(e["start"]),
                    long_date(e["end"]),
                    assess.get(e["assessment"], ""),
                ]
                for e in episodes
            ],
            [7, 3, 3, 3],
        )

    doc.h2(APPENDIX2_HEADINGS[5])
    points = log.get("learning_points") or []
    if points:
        # The stage column only where the meeting gave stages to its learning points.
        staged = any(p.get("stage") for p in points)
        doc.table(
            ["On the timeline", *(["Reflective-cycle stage"] if staged else []), "Learning point",
             "Themes"],
            [
                [
                    month_year(p.get("on_timeline")) or "Whole case",
                    *([p.get("stage") or ""] if staged else []),
                    p["text"],
                    ", ".join(p.get("themes") or []),
                ]
                for p in points
            ],
            [2.5, 3, 7.5, 3] if staged else [2.5, 10.5, 3],
        )  # fmt: skip
    else:
        doc.p("No learning points were recorded.")
    reflections = log.get("reflections") or []
    if reflections:
        doc.p(
            f"What the meeting reflected, along the timeline ({log.get('reflective_model') or 'reflective cycle'}):",
            "strong",
        )
        doc.table(
            ["When", "At", "Stage", "Reflection", "Agency"],
            [
                [
                    month_year(r.get("on_timeline")) or "",
                    r["target"],
                    r["stage"] + (f" · {r['question']}" if r.get("question") else ""),
                    r["text"],
                    r.get("agency") or "",
                ]
                for r in reflections
            ],
            [2, 3.2, 3, 6, 2.8],
        )
    elif log.get("reflections_by_stage"):  # a record signed before reflections were kept whole
        doc.p(
            f"Reflections recorded at each stage of the {log.get('reflective_model') or 'cycle'}: "
            + "; ".join(f"{r['stage']} {r['count']}" for r in log["reflections_by_stage"])
            + ".",
            "muted",
        )

    doc.h2(APPENDIX2_HEADINGS[6])
    cross = [p for p in points if p["scope"] == "cross_agency"]
    if cross:
        doc.table(
            ["Learning point", "Themes", "Shared with the CRC"],
            [
                [p["text"], ", ".join(p["themes"]), "Yes" if p["share_with_crc"] else "No"]
                for p in cross
            ],
            [10, 4, 2],
        )
    else:
        doc.p("None recorded.")

    doc.h2(APPENDIX2_HEADINGS[7])
    single = [p for p in points if p["scope"] == "single_agency"]
    if single:
        doc.table(
            ["Agency", "Learning point", "Themes", "Shared with the CRC"],
            [
                [
                    p["agency"] or "",
                    p["text"],
                    ", ".join(p["themes"]),
                    "Yes" if p["share_with_crc"] else "No",
                ]
                for p in sorted(single, key=lambda p: p["agency"] or "")
            ],
            [3, 8, 3, 2],
        )
    else:
        doc.p("None recorded.")

    doc.h2(APPENDIX2_HEADINGS[8])
    doc.p(_or(log.get("conclusions")))

    doc.h2(APPENDIX2_HEADINGS[9])
    actions = log.get("actions") or []
    if actions:
        doc.table(
            ["Action", "Owner", "Due", "Status", "Evidence of impact"],
            [
                [
                    a["description"],
                    a["owner"] + (f" ({a['agency']})" if a.get("agency") else ""),
                    long_date(a.get("due")),
                    a["status"],
                    a.get("evidence") or "",
                ]
                for a in actions
            ],
            [5, 3.2, 2.6, 2, 4.2],
        )
    else:
        doc.p("No actions were agreed.")

    doc.h2(APPENDIX2_HEADINGS[10])
    doc.pairs(
        [
            (
                "Signed",
                signature_line(
                    log.get("signed_name"), log.get("signed_by"), log.get("signed_on_behalf")
                )
                if signed
                else "Not signed: draft",
            ),
            ("Chair", log.get("chair_name") or ""),
            ("Date", long_date(log.get("signed_at")) if signed else ""),
        ]
    )
    return doc


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


def invitation_doc(setup: dict) -> Doc:
    """The invitation circulated to professionals: purpose, date, who is invited."""
    doc = Doc(
        title="Invitation to a Reflective Practice Meeting",
        footer=f"RPM invitation · case {setup['case_ref']}",
    )
    doc.h1(doc.title)
    when = long_date(setup.get("meeting_date")) or "To be confirmed"
    if setup.get("start_time"):
        when += f" at {setup['start_time']}"
    chair = setup.get("chair_name") or "To be confirmed"
    if setup.get("facilitator_name") and setup.get("facilitator_name") != chair:
        chair += f" (facilitator: {setup['facilitator_name']})"
    doc.pairs(
        [
            ("Case reference", setup["case_ref"]),
            ("Child", setup.get("label") or ""),
            ("When and where", f"{when}, {setup.get('venue') or 'venue to be confirmed'}"),
            ("Chair", chair),
            ("Requested by", setup.get("requesting_agency") or ""),
        ]
    )
    doc.h2("Purpose of the meeting")
    doc.p(_or(setup.get("purpose")) + " (This purpose is recorded in the child's records.)")
    doc.h2("Invited")
    invitees = setup.get("invitees") or []
    if invitees:
        # The address has a column of its own, wide enough not to break mid-address.
        doc.table(
            ["Name", "Role", "Agency", "Email"],
            [[i["name"], i.get("role") or "", i["agency"], i.get("email") or ""] for i in invitees],
            [3.4, 3.6, 3.6, 6.4],
        )
    else:
        doc.p("Invitees to be confirmed.")
    doc.h2("Please reply")
    reply_by = _reply_by(setup.get("meeting_date"))
    contact = setup.get("reply_to")
    doc.p(
        "Please confirm whether you will attend"
        + (f" by {long_date(reply_by)}" if reply_by else "")
        + f" to the chair, {setup.get('chair_name') or 'named above'}"
        + (f", at {contact}" if contact else "")
        + "; if you cannot come, please send a colleague who knows the child's journey."
    )
    doc.h2("About the meeting")
    doc.p(
        "A reflective practice meeting looks back at the child's journey to learn, not to blame:"
        " whether the right help was given by the right people at the right time. Please bring"
        " your agency's chronology and be ready to reflect on these questions:"
    )
    doc.bullets(SEVEN_QUESTIONS)
    doc.p("Ground rules: " + " ".join(GROUND_RULES))
    return doc


def _reply_by(meeting_date: str | None):
    """A week before the meeting (or None without a date)."""
    if not meeting_date:
        return None
    return (date.fromisoformat(meeting_date) - timedelta(days=7)).isoformat()


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


# --- DOCX ----------------------------------------------------------------------------------

INK = RGBColor(0x0B, 0x0C, 0x0C)
MUTED = RGBColor(0x50, 0x5A, 0x5F)


def to_docx(doc: Doc, letterhead: Letterhead, *, draft: bool = False) -> bytes:
    """Write the blocks as an A4 Word document with the partnership's letterhead."""
    doc, letterhead = document_value(doc), document_value(letterhead)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(1.8)
    section.header_distance = section.footer_distance = Cm(1)

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = "Arial", Pt(11), INK
    normal.paragraph_format.space_after = Pt(6)
    _plain_font(normal, "Arial")
    for name, size in (("Title", 20), ("Heading 1", 18), ("Heading 2", 13)):
        style = styles[name]
        style.font.name, style.font.size, style.font.bold = "Arial", Pt(size), True
        style.font.color.rgb = INK
        style.paragraph_format.space_before = Pt(14 if name == "Heading 2" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
        _plain_font(style, "Arial")
    _properties(document, doc, letterhead)

    _docx_header(section, letterhead, draft)
    _docx_footer(section, doc.footer)
    if draft:
        banner = document.add_paragraph()
        run = banner.add_run(f"{DRAFT_MARK}: this document has not been signed off by the chair.")
        run.bold = True
        _shade(banner, "FFDD00")
    for i, block in enumerate(doc.blocks):
        following = doc.blocks[i + 1] if i + 1 < len(doc.blocks) else None
        _docx_block(document, block, following)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document, doc: Doc, letterhead: Letterhead) -> None:
    """The file's properties: the partnership and the app as author, the real dates (not the
    template's "python-docx", 2013)."""
    now = datetime.now().astimezone().replace(microsecond=0)
    props = document.core_properties
    props.title = doc.title
    props.author = f"{letterhead.name} (RPM Timeline)"
    props.last_modified_by = "RPM Timeline"
    props.created = props.modified = now
    for printed in props._element.findall(qn("cp:lastPrinted")):  # the template's, from 2013
        props._element.remove(printed)
    props.revision = 1
    props.subject = doc.footer
    props.comments = ""
    props.keywords = ""
    props.category = CLASSIFICATION.split(":")[0]


def _plain_font(style, name: str) -> None:
    """Use the named font, not the theme's heading font."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), name)


def _docx_header(section, letterhead: Letterhead, draft: bool) -> None:
    header = section.header
    para = header.paragraphs[0]
    if letterhead.logo:
        try:
            para.add_run().add_picture(io.BytesIO(letterhead.logo), height=Cm(1.4))
            para.add_run("   ")
        except Exception:  # noqa: BLE001 an unreadable logo must not stop the document
            para.add_run("")
    name = para.add_run(letterhead.name)
    name.bold, name.font.size = True, Pt(13)
    marks = header.add_paragraph()
    marks.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    cls = marks.add_run(CLASSIFICATION)
    cls.font.size, cls.font.color.rgb = Pt(9), MUTED
    if draft:
        marks.add_run("    ")
        mark = marks.add_run(DRAFT_MARK)
        mark.bold, mark.font.size = True, Pt(12)
    _border_below(marks)


def _docx_footer(section, text: str) -> None:
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(f"{text} · page ")
    run.font.size, run.font.color.rgb = Pt(9), MUTED
    _field(para, "PAGE")
    tail = para.add_run(" of ")
    tail.font.size, tail.font.color.rgb = Pt(9), MUTED
    _field(para, "NUMPAGES")


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(9)
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _shade(paragraph_or_cell, fill: str) -> None:
    props = (
        paragraph_or_cell._p.get_or_add_pPr()
        if hasattr(paragraph_or_cell, "_p")
        else paragraph_or_cell._tc.get_or_add_tcPr()
    )
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _border_below(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "4"), ("w:color", "0B0C0C")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _spacer(document, following) -> None:
    """An empty paragraph between a table and what follows; none after the last block, where
    it would make a blank page."""
    if following is not None:
        document.add_paragraph().paragraph_format.space_after = Pt(2)


def _docx_table(document, header, rows, widths, following=None):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _shade(cell, "F3F2F1")
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    if widths:
        _set_widths(table, [w * 17 / sum(widths) for w in widths])
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(2)
    _spacer(document, following)
    return table


def _set_widths(table, widths_cm) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _docx_block(document, block, following=None) -> None:
    kind = block[0]
    if kind == "h1":
        document.add_heading(block[1], level=1)
    elif kind == "h2":
        document.add_heading(block[1], level=2)
    elif kind == "p":
        para = document.add_paragraph()
        if following is not None and following[0] == "image":
            para.paragraph_format.keep_with_next = True  # the image's lead-in stays with it
        run = para.add_run(block[1])
        if block[2] == "muted":
            run.font.color.rgb = MUTED
        elif block[2] == "strong":
            run.bold = True
    elif kind == "ul":
        for item in block[1]:
            document.add_paragraph(item, style="List Bullet")
    elif kind == "table":
        _docx_table(document, *block[1:], following)
    elif kind == "kv":
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for key, value in block[1]:
            cells = table.add_row().cells
            cells[0].text = ""
            cells[0].paragraphs[0].add_run(key).bold = True
            _shade(cells[0], "F3F2F1")
            cells[1].text = str(value)
        _set_widths(table, [5, 12])
        _spacer(document, following)
    elif kind == "image":
        png, alt, missing = block[1:]
        if png:
            document.add_picture(io.BytesIO(png), width=Cm(17))
            document.paragraphs[-1].paragraph_format.keep_with_next = True
            pic = document.inline_shapes[-1]
            pic._inline.docPr.set("descr", alt)
            caption = document.add_paragraph()
            run = caption.add_run(f"Figure: {alt}.")
            run.italic, run.font.size, run.font.color.rgb = True, Pt(9), MUTED
        else:
            para = document.add_paragraph()
            para.add_run(missing).bold = True


# --- HTML ----------------------------------------------------------------------------------

HTML_CSS = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; color: #0b0c0c;
       line-height: 1.4; margin: 0 auto; max-width: 180mm; padding: 12mm 0; }
.letterhead { display: flex; align-items: center; gap: 12px; border-bottom: 2px solid #0b0c0c;
              padding-bottom: 6px; margin-bottom: 4px; }
.letterhead img { height: 48px; }
.letterhead .name { font-size: 15pt; font-weight: bold; }
.marks { text-align: right; font-size: 9pt; color: #505a5f; margin-bottom: 16px; }
h1 { font-size: 20pt; margin: 12px 0 6px; }
h2 { font-size: 13pt; margin: 20px 0 6px; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 6px; }
p, li, th, td { white-space: pre-line; }
.muted { color: #505a5f; }
.strong { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; }
th, td { border: 1px solid #0b0c0c; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.kv th { width: 30%; }
figure { margin: 6px 0 12px; }
.keep { break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; border: 1px solid #b1b4b6; }
figcaption { font-size: 9pt; color: #505a5f; font-style: italic; }
.draft-banner { background: #ffdd00; font-weight: bold; padding: 6px 10px; margin-bottom: 8px; }
.draft-mark { display: none; }
.watermark { position: fixed; top: 45%; left: 0; right: 0; text-align: center; font-size: 96pt;
             color: rgba(0,0,0,0.07); transform: rotate(-30deg); pointer-events: none; }
footer.doc-footer { margin-top: 24px; border-top: 1px solid #b1b4b6; font-size: 9pt;
                    color: #505a5f; padding-top: 4px; }
@media print { body { padding: 0; max-width: none; } }
"""


def to_html(doc: Doc, letterhead: Letterhead, *, draft: bool = False) -> str:
    """Write the blocks as one self-contained, print-ready HTML page (no external files)."""
    doc, letterhead = document_value(doc), document_value(letterhead)
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}{' (DRAFT)' if draft else ''}</title>",
        f"<style>{HTML_CSS}</style></head><body>",
    ]
    # Printed, every page carries the partnership, the marking (and DRAFT) in its top margin and
    # "page N of M" in its foot (page margin boxes); page 1 also has the full letterhead.
    marks = CLASSIFICATION + (f"  ·  {DRAFT_MARK}" if draft else "")
    parts.append(
        "<style>@page {"
        f" @top-left {{ content: {_css_string(letterhead.name)}; font: bold 10pt Arial; }}"
        f" @top-right {{ content: {_css_string(marks)}; font: {'bold ' if draft else ''}8pt Arial;"
        " color: #0b0c0c; }"
        f" @bottom-center {{ content: {_css_string(doc.footer + ' · page ')} counter(page)"
        " ' of ' counter(pages); font: 8pt Arial; color: #505a5f; } }</style>"
    )
    if draft:
        # A watermark (position: fixed repeats on every printed page); on screen the banner
        # below says it.
        parts.append(f'<div class="draft-mark" aria-hidden="true">{DRAFT_MARK}</div>')
        parts.append('<div class="watermark" aria-hidden="true">DRAFT</div>')
    logo = ""
    if letterhead.logo and letterhead.logo_mime:
        data = base64.b64encode(letterhead.logo).decode("ascii")
        logo = f'<img src="data:{letterhead.logo_mime};base64,{data}" alt="">'
    parts.append(
        f'<header class="letterhead">{logo}<span class="name">{e(letterhead.name)}</span></header>'
        f'<div class="marks">{e(CLASSIFICATION)}</div><main>'
    )
    if draft:
        parts.append(
            f'<p class="draft-banner">{DRAFT_MARK}: this document has not been signed off by'
            " the chair.</p>"
        )
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if block[0] == "p" and after is not None and after[0] == "image" and after[1]:
            parts.append('<div class="keep">')  # an image's lead-in stays on its page
        parts.append(_html_block(block))
        if block[0] == "image" and i and blocks[i - 1][0] == "p" and block[1]:
            parts.append("</div>")
    parts.append(f'</main><footer class="doc-footer">{e(doc.footer)}</footer></body></html>')
    return "\n".join(parts)


def _css_string(text: str) -> str:
    """Pure: text as a CSS string literal (any character; nothing can close the rule)."""
    return (
        '"'
        + "".join(c if c.isalnum() or c in " .,:;-()'·" else f"\\{ord(c):x} " for c in text)
        + '"'
    )


def _html_block(block) -> str:
    e = html.escape
    kind = block[0]
    if kind in ("h1", "h2"):
        return f"<{kind}>{e(block[1])}</{kind}>"
    if kind == "p":
        cls = f' class="{block[2]}"' if block[2] else ""
        return f"<p{cls}>{e(block[1])}</p>"
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{e(i)}</li>" for i in block[1]) + "</ul>"
    if kind == "table":
        header, rows = block[1], block[2]
        head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if kind == "kv":
        rows = "".join(
            f'<tr><th scope="row">{e(k)}</th><td>{e(str(v))}</td></tr>' for k, v in block[1]
        )
        return f'<table class="kv"><tbody>{rows}</tbody></table>'
    if kind == "image":
        png, alt, missing = block[1:]
        if not png:
            return f'<p class="strong">{e(missing)}</p>'
        data = base64.b64encode(png).decode("ascii")
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{e(alt)}">'
            f"<figcaption>Figure: {e(alt)}.</figcaption></figure>"
        )
    raise ValueError(f"unknown block {kind}")


def doc_text(doc: Doc) -> str:
    """All the words of a document, for checks."""
    out = []
    for block in doc.blocks:
        for part in block[1:]:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, list):
                out.extend(
                    str(x)
                    for row in part
                    for x in (row if isinstance(row, list | tuple) else [row])
                )
    return "\n".join(out)
