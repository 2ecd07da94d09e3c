"""Documents never break: every document accepts any text a user or an extract can store."""

from __future__ import annotations

import io
import zipfile

import docx
import duckdb
import pytest

from app import document_files
from components.documents.blocks import Doc, Letterhead
from components.documents.print_html import to_html
from components.documents.safe_text import NOT_IN_DOCUMENTS, document_text
from components.documents.word import to_docx
from data.actor import SYSTEM
from data.record import save_draft, sign_off
from data.users import get_user
from tests.support.rpm_case import CASE, RECORD

# What Word, email and extracts paste: soft line break, form feed, CR LF, line and paragraph
# separators, NUL and other controls, DEL. (DuckDB stores no lone surrogates; see below.)
NASTY = "«\x00\x01\x0bsoft\x0cff\r\nwin\rmac\u2028ls\u2029ps\x1f\x7f\x08end»"
CLEAN = "«\nsoft\nff\nwin\nmac\nls\npsend»"
# Columns that name things the code looks up, or hold no text a document prints.
KEYS = {
    "case_ref", "username", "password_hash", "stage_key", "model_key", "question_key", "scope",
    "status", "kind", "target_kind", "assessment", "role", "case_role", "content_sha256",
    "date_precision", "encoding", "delimiter_name", "mode", "key", "date_order", "action",
    "ended_why", "provenance", "reflective_model",
}  # fmt: skip
NOT_DOCUMENTED = {"schema_migrations", "audit_log", "user_sessions"}


def test_document_text_keeps_line_breaks_and_drops_the_rest():
    assert document_text(NASTY) == CLEAN
    assert document_text("a\tb\nc") == "a\tb\nc"
    assert document_text("lone \ud800 surrogate \udfff\ufffe") == "lone  surrogate "
    assert not NOT_IN_DOCUMENTS.search(document_text("".join(map(chr, range(0x20)))))


def _spoil_every_text_column(store) -> list[str]:
    """Append NASTY to every stored text of the case's tables; returns the columns changed."""
    columns = store.query(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_schema, table_name)"
        " WHERE t.table_type = 'BASE TABLE' AND c.data_type = 'VARCHAR'"
    )
    changed = []
    for table, column in columns:
        if table in NOT_DOCUMENTED or column in KEYS or column.endswith(("_ref", "_key")):
            continue
        where = "key = 'partnership_name'" if table == "settings" else "TRUE"
        try:
            with store.transaction() as cur:
                cur.execute(
                    f'UPDATE "{table}" SET "{column}" = "{column}" || ? WHERE "{column}" IS NOT'
                    f" NULL AND {where}",
                    [NASTY],
                )
        except duckdb.ConstraintException:  # a CHECK on the column's values: not free text
            pass
        else:
            changed.append(f"{table}.{column}")
    return changed


@pytest.fixture
def spoiled(rpm_store):
    from data.partnership import set_partnership

    set_partnership(rpm_store, SYSTEM, "Partnership", None)
    changed = _spoil_every_text_column(rpm_store)
    for must in ("meetings.venue", "case_requests.purpose", "invitees.name", "cases.label",
                 "events.summary", "learning_points.text", "actions.description",
                 "agencies.name", "settings.value", "reflections.text"):  # fmt: skip
        assert must in changed
    chair = get_user(rpm_store, "pokafor")
    save_draft(rpm_store, chair, CASE, **{k: v + NASTY for k, v in RECORD.items()})
    sign_off(rpm_store, chair, CASE)
    return rpm_store


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert not NOT_IN_DOCUMENTS.search(xml)
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def test_every_document_accepts_control_characters_in_every_text_field(spoiled):
    for name, content in (
        ("invitation", document_files.invitation_docx(spoiled, SYSTEM, CASE)),
        ("learning log", document_files.learning_log_file(spoiled, SYSTEM, CASE, with_image=False)),
        ("CRC summary", document_files.crc_summary_docx(spoiled, SYSTEM, CASE)),
    ):
        text = _docx_text(content)
        assert "psend»" in text, name
        assert "\nsoft\nff\n" in text, name  # line breaks kept as line breaks
    page = document_files.learning_log_file(
        spoiled, SYSTEM, CASE, "html", with_image=False
    ).decode()
    assert not NOT_IN_DOCUMENTS.search(page.replace("\t", ""))
    assert "psend»" in page and "white-space: pre-line" in page


def test_lone_surrogates_reach_no_renderer():
    doc = Doc(title="T\ud800", footer="F\x0b")
    doc.h1("Heading \udfff")
    doc.p("para \x0c graph")
    doc.table(["a\x00"], [["b\u2028c"]])
    doc.pairs([("k\x7f", "v\x1f")])
    doc.bullets(["item \x0b two"])
    letterhead = Letterhead(name="Name\x00")
    assert "Heading " in _docx_text(to_docx(doc, letterhead))
    assert not NOT_IN_DOCUMENTS.search(to_html(doc, letterhead))
