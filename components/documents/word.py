"""Blocks written as an A4 Word document (python-docx) with the partnership's letterhead."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from components.documents.blocks import CLASSIFICATION, DRAFT_MARK, Doc, Letterhead, fit_widths
from components.documents.safe_text import document_value

INK = RGBColor(0x0B, 0x0C, 0x0C)


MUTED = RGBColor(0x50, 0x5A, 0x5F)
MAX_KEPT_LIST = 12  # a list (or a table) of up to this many items (rows) is kept on one page
TEXT_WIDTH_CM = 17
TABLE_PT = 10  # tables' text
CM_PER_CHARACTER = 0.2  # Arial at 10 pt, generously (an address has wide letters: m, w, @)


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
    normal.paragraph_format.widow_control = True  # never one line of a paragraph alone
    footer_style = styles["Footer"]  # the page numbers' fields take the paragraph's size
    footer_style.font.size, footer_style.font.color.rgb = Pt(9), MUTED
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
        _set_widths(table, column_widths_cm([header, *rows], widths))
    _keep_together(table)
    _spacer(document, following)
    return table


def _keep_together(table) -> None:
    """A short table stays whole (with its heading); a long one never leaves fewer than two
    rows on either side of a page break; no row is split. Its text at `TABLE_PT`."""
    count = len(table.rows)
    for n, row in enumerate(table.rows):
        _keep_row_whole(row)
        keep = n < count - 1 and (count <= MAX_KEPT_LIST + 1 or n < 2 or n >= count - 3)
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(2)
                para.paragraph_format.keep_with_next = keep
                for run in para.runs:
                    run.font.size = Pt(TABLE_PT)


def _keep_row_whole(row) -> None:
    """A row is never split across pages."""
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def column_widths_cm(rows, widths) -> list[float]:
    """Pure: the columns' widths on the page (`fit_widths`), a column's longest word measured
    at `CM_PER_CHARACTER`."""
    least = [
        max((len(word) for text in column for word in str(text).split()), default=0)
        * CM_PER_CHARACTER
        + 0.4  # the cell's margins
        for column in zip(*rows, strict=True)
    ]
    return fit_widths(widths, least, TEXT_WIDTH_CM)


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
        if following is not None and following[0] in ("image", "ul", "lines"):
            para.paragraph_format.keep_with_next = True  # a lead-in stays with what it leads to
        run = para.add_run(block[1])
        if block[2] == "muted":
            run.font.color.rgb = MUTED
        elif block[2] == "strong":
            run.bold = True
    elif kind == "ul":
        items = block[1]
        for n, item in enumerate(items):
            para = document.add_paragraph(item, style="List Bullet")
            # A short list stays whole; a long one never leaves one item alone on a page.
            last = n == len(items) - 1
            para.paragraph_format.keep_with_next = not last and (
                len(items) <= MAX_KEPT_LIST or n in (0, len(items) - 2)
            )
    elif kind == "lines":  # a closing: kept together, with little space between its lines
        for n, line in enumerate(block[1]):
            para = document.add_paragraph(line)
            para.paragraph_format.space_after = Pt(0 if n < len(block[1]) - 1 else 6)
            para.paragraph_format.keep_with_next = n < len(block[1]) - 1
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
        _keep_together(table)
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
