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


# --- as a letter on the page -----------------------------------------------------------------

PEOPLE = [
    ("Alex Brown", "Designated safeguarding lead", "School", "alex.brown@school-name.example.org.uk"),
    ("Jo Green", "Social worker", "Children's Social Care", "jo.green@childrens-services.example.gov.uk"),
    ("Priya Shah", "Health visitor", "GP and Health Visiting", "priya.shah@nhs-trust.example.nhs.uk"),
    ("Sam Lee", "Detective constable", "Police", "sam.lee@police.example.police.uk"),
    ("Kim Roe", "Housing officer", "Housing", "kim.roe@housing.example.org.uk"),
    ("Lee Park", "Family support worker", "Early Help", "lee.park@earlyhelp.example.gov.uk"),
    ("Dana Cole", "School nurse", "School Nursing", "dana.cole@nhs-trust.example.nhs.uk"),
    ("Ravi Patel", "Youth worker", "Voluntary sector", "ravi@youth-charity.example.org"),
]  # fmt: skip


def letter(n: int):
    return invitation_doc(
        {
            **SETUP,
            "label": "Child J",
            "meeting_date": "2026-12-20",
            "start_time": "10:00",
            "venue": "Civic Offices",
            "requesting_agency": "School",
            "purpose": "Reflect on how agencies responded to neglect concerns.",
            "produced_on": "2026-12-02",
            "partnership": "Portsea Safeguarding Partnership",
            "invitees": [
                {"name": a, "role": b, "agency": c, "email": d} for a, b, c, d in PEOPLE[:n]
            ],
        }
    )


def pdf_pages(doc) -> list[str]:
    import io

    from pypdf import PdfReader

    from components.documents.blocks import Letterhead
    from components.documents.pdf import to_pdf

    pdf = to_pdf(doc, Letterhead("Portsea Safeguarding Partnership"))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_typical_invitation_reads_as_a_letter_with_nothing_alone_on_a_page():
    four = pdf_pages(letter(4))
    assert len(four) == 1  # four invitees: one page, the list of invitees included
    text = four[0]
    assert text.index("Dear colleague") < text.index("Ground rules") < text.index("Yours sincerely")
    assert "Chair of the meeting, for Portsea Safeguarding Partnership" in text
    assert all(email in text for *_, email in PEOPLE[:4])  # no address broken across lines
    for n in (5, 6, 7, 8):
        pages = pdf_pages(letter(n))
        assert len(pages) <= 2, n
        first, *rest = pages
        # The letter is whole on page 1: the questions, the ground rules and the closing.
        assert "Could we have done things differently?" in first, n
        assert "focused on the child's journey and experience" in first, n
        assert "Chair of the meeting, for" in first, n
        body = lambda page: page.split("learning only", 1)[-1]  # noqa: E731 below the letterhead
        if rest:
            # The list of invitees goes whole with its heading: no heading, row or bullet alone.
            assert "Invited" not in body(first), n
            assert body(rest[0]).split()[0] == "Invited", n
            assert all(name in rest[0] for name, *_ in PEOPLE[:n]), n
        else:
            assert all(name in first for name, *_ in PEOPLE[:n]), n


def test_the_word_invitation_keeps_its_heading_lists_and_short_tables_together():
    import io

    import docx

    from components.documents.blocks import Letterhead
    from components.documents.word import to_docx

    document = docx.Document(io.BytesIO(to_docx(letter(8), Letterhead("Portsea"))))
    paragraphs = document.paragraphs
    questions = [p for p in paragraphs if p.style.name == "List Bullet"]
    assert len(questions) == 7
    assert all(p.paragraph_format.keep_with_next for p in questions[:-1])
    lead_in = paragraphs[paragraphs.index(questions[0]) - 1]
    assert lead_in.paragraph_format.keep_with_next  # the lead-in stays with its list
    closing = [p for p in paragraphs if p.text.startswith(("Yours sincerely", "Chris Jones"))]
    assert all(p.paragraph_format.keep_with_next for p in closing)
    invited = next(p for p in paragraphs if p.text == "Invited")
    assert invited.style.paragraph_format.keep_with_next  # every heading, by its style
    table = document.tables[-1]
    kept = [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in table.rows]
    assert kept == [True] * 8 + [False]  # nine rows kept together, on page 2 if need be
    assert document.styles["Normal"].paragraph_format.widow_control
