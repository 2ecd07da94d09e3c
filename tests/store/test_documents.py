"""The documents read back as a reader gets them: python-docx for Word, text for HTML."""

from __future__ import annotations

import io

import docx
import pytest

from app import document_files
from components.documents.committee import APPENDIX3_HEADINGS, BRIEFING_SECTIONS
from components.documents.learning_log import APPENDIX2_HEADINGS
from data.actor import SYSTEM
from data.crc import case_key_of
from data.errors import Forbidden, InvalidInput, NotFound
from data.glossary import save_entry
from data.learning import add_learning_point
from data.partnership import set_partnership
from data.record import save_draft, sign_off, start_amendment
from data.users import add_user, get_user
from tests.support.rpm_case import (
    ACTION,
    CASE,
    CHAIR,
    CHILD,
    FACILITATOR,
    NOT_SHARED,
    RECORD,
    SHARED,
)

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101007a3b1fb40000000049454e44ae426082"
)


def read(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def body_blocks(document) -> list[tuple[str, str]]:
    """(kind, text) in document order: paragraphs with their style, tables as their cells."""
    out = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = docx.text.paragraph.Paragraph(element, document)
            out.append((para.style.name, para.text))
        elif tag == "tbl":
            table = docx.table.Table(element, document)
            out.append(("table", "\n".join(c.text for row in table.rows for c in row.cells)))
    return out


def all_text(document) -> str:
    parts = [text for _, text in body_blocks(document)]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def signed_store(rpm_store):
    store = rpm_store
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    return store


def test_learning_log_docx_has_every_appendix2_heading_filled_from_the_store(signed_store):
    content = document_files.learning_log_file(signed_store, SYSTEM, CASE, "docx", with_image=False)
    document = read(content)
    blocks = body_blocks(document)
    headings = [text for style, text in blocks if style == "Heading 2"]
    assert headings == list(APPENDIX2_HEADINGS)
    # Under every heading there is something before the next heading.
    sections: dict[str, str] = {}
    current = None
    for style, text in blocks:
        if style == "Heading 2":
            current = text
            sections[current] = ""
        elif current:
            sections[current] += text + "\n"
    for heading in APPENDIX2_HEADINGS:
        assert sections[heading].strip(), heading
    h = dict(zip(range(len(APPENDIX2_HEADINGS)), APPENDIX2_HEADINGS, strict=True))
    assert CHILD in sections[h[0]] and CASE in sections[h[0]]
    for name in ("Alex Brown", "Jo Green", "Priya Shah", "Designated safeguarding lead"):
        assert name in sections[h[1]]
    assert CHAIR in sections[h[2]]
    assert RECORD["issues"] in sections[h[3]] and RECORD["timescale"] in sections[h[3]]
    assert "events from 6 agencies" in sections[h[4]]
    assert "could not be produced" in sections[h[4]]  # asked without the image
    assert SHARED in sections[h[5]] and "Analysis" in sections[h[5]]
    assert "Evaluation" in sections[h[5]]
    # The reflections themselves, with their stage, not only a count per stage.
    assert "We felt stretched" in sections[h[5]] and "Feelings" in sections[h[5]]
    assert SHARED in sections[h[6]] and NOT_SHARED not in sections[h[6]]
    assert NOT_SHARED in sections[h[7]] and "Police" in sections[h[7]]
    assert RECORD["conclusions"] in sections[h[8]]
    assert ACTION in sections[h[9]] and "Head of Safeguarding" in sections[h[9]]
    assert "Evidence of impact" in sections[h[9]]
    assert sections[h[10]].count(CHAIR) == 2  # signed by, chair
    assert "DRAFT" not in all_text(document)


def test_not_signed_off_is_refused_unless_draft_then_draft_on_every_page(rpm_store):
    store = rpm_store
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    with pytest.raises(InvalidInput, match="not signed off"):
        document_files.learning_log_file(store, SYSTEM, CASE, "docx", with_image=False)
    with pytest.raises(InvalidInput, match="not signed off"):
        document_files.crc_summary_docx(store, SYSTEM, CASE)
    document = read(
        document_files.learning_log_file(store, SYSTEM, CASE, draft=True, with_image=False)
    )
    for section in document.sections:  # the header repeats on every page of its section
        assert "DRAFT - NOT SIGNED OFF" in "\n".join(p.text for p in section.header.paragraphs)
    assert "Not signed: draft" in all_text(document)
    crc = read(document_files.crc_summary_docx(store, SYSTEM, CASE, draft=True))
    assert all("DRAFT" in "\n".join(p.text for p in s.header.paragraphs) for s in crc.sections)


def test_crc_summary_names_the_chair_and_no_one_else_and_no_event(signed_store):
    document = read(document_files.crc_summary_docx(signed_store, SYSTEM, CASE))
    text = all_text(document)
    for label in APPENDIX3_HEADINGS:
        assert label in text
    assert CHAIR in text
    assert "10 years 5 months at the meeting" in text
    assert "2 September 2024" in text
    assert (
        "Information from school about the child and the designated safeguarding lead was not"
        " shared with health" in text
    )
    assert "Case key K" in text and "version 1 of the meeting record" in text
    assert CASE not in text  # the committee's key, never the case reference
    assert NOT_SHARED not in text  # not flagged for the CRC
    people = ["Child J", "Alex", "Brown", "Jo Green", "Priya", "Shah", FACILITATOR, "Whitfield",
              "swhitfield", "pokafor"]  # fmt: skip
    for name in people:
        assert name not in text, name
    summaries = [s for (s,) in signed_store.query("SELECT summary FROM events")]
    assert summaries
    for summary in summaries:
        assert summary not in text


def test_html_is_print_ready_self_contained_and_escapes_text(signed_store):
    signed_store.query(
        "UPDATE meeting_records SET snapshot = replace(snapshot::VARCHAR, ?, ?)::JSON",
        [RECORD["conclusions"], "<script>alert(1)</script> & more"],
    )
    page = document_files.learning_log_file(signed_store, SYSTEM, CASE, "html", with_image=False)
    page = page.decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "<script" not in page
    assert "http://" not in page and "https://" not in page  # nothing loads from elsewhere
    assert "@page { size: A4" in page
    for heading in APPENDIX2_HEADINGS:
        assert f"<h2>{heading.replace(chr(39), '&#x27;')}</h2>" in page


def test_letterhead_name_and_logo_on_every_document(signed_store):
    set_partnership(signed_store, SYSTEM, "Portsea Safeguarding Partnership", PNG_1PX)
    for content in (
        document_files.learning_log_file(signed_store, SYSTEM, CASE, with_image=False),
        document_files.crc_summary_docx(signed_store, SYSTEM, CASE),
        document_files.invitation_docx(signed_store, SYSTEM, CASE),
    ):
        header = read(content).sections[0].header
        assert "Portsea Safeguarding Partnership" in header.paragraphs[0].text
        assert header.paragraphs[0]._p.xpath(".//pic:pic")  # the logo
    with pytest.raises(InvalidInput, match="not a PNG or JPEG"):
        set_partnership(signed_store, SYSTEM, "X", b"GIF89a....")


def test_invitation_lists_purpose_date_and_attendees(signed_store):
    text = all_text(read(document_files.invitation_docx(signed_store, SYSTEM, CASE)))
    assert "Reflect on how agencies responded to neglect concerns." in text
    assert "2 September 2024 at 10:00" in text
    for name in ("Alex Brown", "Jo Green", "Priya Shah", CHAIR, FACILITATOR):
        assert name in text
    assert "Was there anything that acted as a barrier?" in text


def test_no_browser_means_the_document_says_so(signed_store, monkeypatch):
    monkeypatch.setattr(document_files, "browser_path", lambda: None)
    text = all_text(read(document_files.learning_log_file(signed_store, SYSTEM, CASE)))
    assert "could not be produced for this document (no Chromium browser is installed" in text


def test_crc_member_gets_signed_summaries_only(signed_store):
    from data.errors import Forbidden, NotFound
    from data.users import add_user

    crc = add_user(signed_store, "crc1", "crc", "crc-password-1")
    (key,) = [k for (k,) in signed_store.query("SELECT case_key FROM crc_summaries")]
    by_key = all_text(read(document_files.committee_summary_file(signed_store, crc, key)))
    assert CHAIR in by_key and key in by_key and CASE not in by_key
    assert "the child and the designated safeguarding lead" in by_key
    # Never by case reference, draft or not.
    for draft in (False, True):
        with pytest.raises(Forbidden):
            document_files.crc_summary_docx(signed_store, crc, CASE, draft=draft)
    with pytest.raises(NotFound):
        document_files.committee_summary_file(signed_store, crc, CASE)
    with pytest.raises(Forbidden):
        document_files.learning_log_file(signed_store, crc, CASE, with_image=False)


def test_a_browser_that_never_answers_is_killed_and_the_document_says_so(
    signed_store, monkeypatch, tmp_path
):
    hanging = tmp_path / "hanging-browser"
    hanging.write_text("#!/bin/sh\nsleep 600\n")
    hanging.chmod(0o755)
    monkeypatch.setattr(document_files, "browser_path", lambda: str(hanging))
    monkeypatch.setattr(document_files, "RENDER_TIMEOUT", 3)
    text = all_text(read(document_files.learning_log_file(signed_store, SYSTEM, CASE)))
    assert "the browser that draws it did not answer within 3 seconds" in text
    import subprocess

    left = subprocess.run(
        ["pgrep", "-f", str(hanging)], capture_output=True, text=True, check=False
    )
    assert left.stdout == ""  # killed with its process group


def test_word_files_carry_the_partnership_the_app_and_the_real_date(signed_store):
    from datetime import UTC, datetime, timedelta

    document = read(document_files.learning_log_file(signed_store, SYSTEM, CASE, with_image=False))
    props = document.core_properties
    assert props.author.endswith("(RPM Timeline)") and props.last_modified_by == "RPM Timeline"
    assert abs(
        props.created.replace(tzinfo=None) - datetime.now(UTC).replace(tzinfo=None)
    ) < timedelta(minutes=5)
    assert props.last_printed is None
    assert "python-docx" not in f"{props.comments} {props.keywords} {props.author}"
    # No empty paragraph after the last table: it made a blank last page.
    assert document.element.body[-2].tag.endswith("}tbl")


def test_a_draft_without_a_record_says_so_not_version_1(rpm_store):
    text = all_text(
        read(
            document_files.learning_log_file(rpm_store, SYSTEM, CASE, draft=True, with_image=False)
        )
    )
    assert "Draft: no record has been started yet" in text and "Version 1" not in text


@pytest.mark.parametrize("kind", ["learning-log", "crc-summary", "invitation"])
def test_every_document_is_also_a_pdf_with_letterhead_and_page_numbers(signed_store, kind):
    import io

    from pypdf import PdfReader

    make = {
        "learning-log": lambda: document_files.learning_log_file(
            signed_store, SYSTEM, CASE, "pdf", with_image=False
        ),
        "crc-summary": lambda: document_files.crc_summary_file(signed_store, SYSTEM, CASE, "pdf"),
        "invitation": lambda: document_files.invitation_file(signed_store, SYSTEM, CASE, "pdf"),
    }[kind]
    reader = PdfReader(io.BytesIO(make()))
    pages = [page.extract_text() for page in reader.pages]
    for n, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text and f"page {n} of {len(pages)}" in text
    assert reader.metadata.author.endswith("(RPM Timeline)")
    words = " ".join(" ".join(pages).split())
    if kind == "learning-log":
        assert CHAIR in words and "Evidence of impact" in words
    if kind == "invitation":
        assert "alex@school.example" in words and "Please confirm whether you will attend" in words


def test_a_signed_versions_image_is_drawn_once_and_reused(signed_store, monkeypatch):
    drawn = []
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20

    def fake_render(fig):
        drawn.append(fig)
        return png, None

    monkeypatch.setattr(document_files, "render_png", fake_render)
    document_files.draw_in_background(signed_store, SYSTEM, CASE, 1).join()
    assert len(drawn) == 1
    # The document's figure: no range slider; learning points marked.
    assert drawn[0].layout.xaxis.rangeslider.visible is False
    for _ in range(2):
        document_files.learning_log_file(signed_store, SYSTEM, CASE, "html")
    assert len(drawn) == 1  # reused, not drawn again


def test_a_drafts_image_is_redrawn_only_when_what_it_shows_changed(rpm_store, monkeypatch):
    drawn = []

    def fake_render(fig):
        drawn.append(fig)
        return b"\x89PNG\r\n\x1a\n" + str(len(drawn)).encode(), None

    monkeypatch.setattr(document_files, "render_png", fake_render)
    chair = get_user(rpm_store, "pokafor")
    save_draft(rpm_store, chair, CASE, **RECORD)
    for _ in range(3):
        document_files.learning_log_file(rpm_store, SYSTEM, CASE, "html", draft=True)
    assert len(drawn) == 1  # the same picture: kept, not drawn again
    # A key practice episode marked in the meeting changes the picture: drawn again, once.
    rpm_store.query(
        "INSERT INTO episodes (case_id, title, start_date, end_date, assessment, created_by)"
        " SELECT case_id, 'Nursery year', DATE '2017-09-01', DATE '2018-07-31', 'problem', 'x'"
        " FROM cases WHERE case_ref = ?",
        [CASE],
    )
    for _ in range(2):
        document_files.learning_log_file(rpm_store, SYSTEM, CASE, "html", draft=True)
    assert len(drawn) == 2


@pytest.mark.parametrize("which", [{"case_ref": CASE}, {"theme": "Information sharing"}])
def test_the_frontline_briefing_has_seven_sections_and_no_identifying_detail(signed_store, which):
    import io

    from pypdf import PdfReader

    content = document_files.briefing_file(signed_store, SYSTEM, "docx", **which)
    document = read(content)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"{n}. {h}" for n, h in enumerate(BRIEFING_SECTIONS, start=1)]
    text = all_text(document)
    assert "the designated safeguarding lead was not shared with health" in text  # reviewed wording
    for name in (CHILD, "Child J", "Alex", "Brown", CHAIR, FACILITATOR, "Jo Green", NOT_SHARED):
        assert name not in text, name
    # The child's age as a band, never years and months (the committee's summary keeps it).
    assert "months" not in text
    if "case_ref" in which:
        assert "The child was of primary school age at the meeting." in text
    pages = PdfReader(
        io.BytesIO(document_files.briefing_file(signed_store, SYSTEM, "pdf", **which))
    )
    assert len(pages.pages) == 1  # one page, as a 7-minute briefing is


def test_the_briefings_what_to_do_lists_the_committees_organisational_actions(signed_store):
    from datetime import date

    from pypdf import PdfReader

    from data import committee

    store = signed_store
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    on_case = committee.Subject(case_key=case_key_of(store, case_id))
    decided = committee.record_decision(
        store, SYSTEM, on_case, "The shared learning", "Ask for a protocol", date.today()
    )
    committee.plan_action(
        store, SYSTEM, decided, "A joint school and health protocol", "School", "2020-01-31"
    )
    committee.plan_action(store, SYSTEM, decided, "Audit referrals", "Police", None, "done")
    document = read(document_files.briefing_file(store, SYSTEM, "docx", case_ref=CASE))
    paragraphs = [p.text for p in document.paragraphs]
    what_to_do = paragraphs[paragraphs.index("6. What to do") + 1 :]
    assert what_to_do[:2] == [
        (
            "School (asked by the Case Review Committee): A joint school and health protocol"
            f" (overdue by {(date.today() - date(2020, 1, 31)).days} days (due 31 Jan 2020); open)."
        ),
        "Police (asked by the Case Review Committee): Audit referrals (no due date; done).",
    ]
    # A theme's briefing lists the decisions on the theme only, not those on one case.
    theme = document_files.briefing_file(store, SYSTEM, "docx", theme="Information sharing")
    assert "asked by the Case Review Committee" not in all_text(read(theme))
    pdf = document_files.briefing_file(store, SYSTEM, "pdf", case_ref=CASE)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_a_briefing_needs_a_committee_member_or_the_business_unit_and_shared_learning(
    signed_store,
):
    with pytest.raises(Forbidden):
        document_files.briefing_file(
            signed_store, get_user(signed_store, "pokafor"), "pdf", case_ref=CASE
        )
    with pytest.raises(InvalidInput, match="has the theme 'Neglect'"):
        document_files.briefing_file(signed_store, SYSTEM, "pdf", theme="Neglect")
    with pytest.raises(InvalidInput, match="one case"):
        document_files.briefing_file(signed_store, SYSTEM, "pdf")


def test_the_committee_briefs_by_case_key_from_its_own_views_and_amending_withdraws(
    signed_store,
):
    store = signed_store
    crc = add_user(store, "committee", "crc", "crc-member-password-1")
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    key = case_key_of(store, case_id)
    with pytest.raises(Forbidden, match="keys only"):
        document_files.briefing_file(store, crc, "docx", case_ref=CASE)
    text = all_text(read(document_files.briefing_file(store, crc, "docx", case_key=key)))
    assert "the designated safeguarding lead was not shared with health" in text
    start_amendment(store, get_user(store, "pokafor"), CASE, "A date was wrong")
    with pytest.raises(NotFound):  # the committee no longer has the case
        document_files.briefing_file(store, crc, "docx", case_key=key)
    with pytest.raises(InvalidInput, match="has the theme"):
        document_files.briefing_file(store, crc, "docx", theme="Information sharing")
    with pytest.raises(InvalidInput, match="no learning the committee may read"):
        document_files.briefing_file(store, SYSTEM, "docx", case_ref=CASE)


def test_the_anonymised_learning_log_names_the_people_by_their_role_only(rpm_store):
    store = rpm_store
    chair = get_user(store, "pokafor")
    save_entry(store, chair, CASE, "Mother", "Kelly Smith, Kel")
    add_learning_point(
        store, chair, CASE, scope="cross_agency",
        text="Kel was not asked on 14/03/2019 at 14 Elm Road, PO1 2AB (07700 900123)",
    )  # fmt: skip
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)

    def log_text(anonymised: bool) -> str:
        content = document_files.learning_log_file(
            store, SYSTEM, CASE, "docx", with_image=False, anonymised=anonymised
        )
        return all_text(read(content))

    named, text = log_text(False), log_text(True)
    assert "Kel was not asked" in named and "Alex Brown" in named and "pokafor" in named
    assert "Anonymised edition" in text and "anonymised" in text.splitlines()[-1]
    for name in ("Alex Brown", "Jo Green", "Priya Shah", CHAIR, FACILITATOR, "Kel", "pokafor"):
        assert name not in text, name
    assert "Mother was not asked in spring 2019 at an address, [postcode] ([phone number])" in text
    assert "Information from school about the child and the designated safeguarding lead" in text
    assert "the social worker" in text and "Signed by the chair\n" in text
