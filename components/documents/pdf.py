"""The documents as PDF (what partnerships actually email), from the same blocks as the DOCX
and HTML (`components.documents.blocks.Doc`), drawn with fpdf2: pure Python, nothing to install at run
time, no office suite. Letterhead, classification and DRAFT mark on every page; "page X of Y"
in the footer; headings kept with what follows them.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from components.documents.blocks import CLASSIFICATION, DRAFT_MARK, Doc, Letterhead

# A Unicode font with bold and italic: DejaVu Sans (Debian's fonts-dejavu-core, which `make`
# installs with the browser), else Liberation Sans. Without either, the PDF falls back to
# Helvetica and characters outside Latin-1 are replaced.
FONT_FILES = (
    (
        "/usr/share/fonts/truetype/dejavu",
        {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"},
    ),
    (
        "/usr/share/fonts/truetype/liberation",
        {
            "": "LiberationSans-Regular.ttf",
            "B": "LiberationSans-Bold.ttf",
            "I": "LiberationSans-Italic.ttf",
        },
    ),
)
INK, MUTED, SHADE, DRAFT_FILL = (11, 12, 12), (80, 90, 95), (243, 242, 241), (255, 221, 0)
PAGE_WIDTH, MARGIN = 210, 18
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


def _font_files() -> tuple[str, dict[str, Path]] | None:
    for folder, files in FONT_FILES:
        paths = {style: Path(folder) / name for style, name in files.items()}
        if all(p.exists() for p in paths.values()):
            return "Body", paths
    return None


class _Pdf(FPDF):
    def __init__(self, letterhead: Letterhead, footer_text: str, draft: bool):
        super().__init__(format="A4", unit="mm")
        self.letterhead, self.footer_text, self.draft = letterhead, footer_text, draft
        fonts = _font_files()
        if fonts:
            family, paths = fonts
            for style, path in paths.items():
                self.add_font(family, style, str(path))
            self.family, self.unicode = family, True
        else:
            self.family, self.unicode = "Helvetica", False
        self.set_margins(MARGIN, 30, MARGIN)
        self.set_auto_page_break(True, margin=20)

    def text_of(self, value) -> str:
        text = str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def header(self):
        self.set_xy(MARGIN, 10)
        x = MARGIN
        if self.letterhead.logo:
            try:
                self.image(io.BytesIO(self.letterhead.logo), x=MARGIN, y=8, h=12)
                x = MARGIN + 30
            except Exception:  # noqa: BLE001 an unreadable logo must not stop the document
                x = MARGIN
        self.set_xy(x, 10)
        self.set_font(self.family, "B", 13)
        self.set_text_color(*INK)
        self.cell(TEXT_WIDTH - (x - MARGIN), 7, self.text_of(self.letterhead.name))
        self.set_xy(MARGIN, 17)
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        marks = CLASSIFICATION + (f"    {DRAFT_MARK}" if self.draft else "")
        self.cell(TEXT_WIDTH, 5, self.text_of(marks), align="R")
        self.set_draw_color(*INK)
        self.line(MARGIN, 23, PAGE_WIDTH - MARGIN, 23)
        self.set_text_color(*INK)
        self.set_y(30)

    def footer(self):
        self.set_y(-14)
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        self.cell(
            0, 5, self.text_of(f"{self.footer_text} · page {self.page_no()} of {{nb}}"), align="C"
        )


def to_pdf(
    doc: Doc, letterhead: Letterhead, *, draft: bool = False, created: datetime | None = None
) -> bytes:
    """Write the blocks as an A4 PDF with the partnership's letterhead on every page."""
    pdf = _Pdf(letterhead, doc.footer, draft)
    pdf.set_title(doc.title)
    pdf.set_author(f"{letterhead.name} (RPM Timeline)")
    pdf.set_creator("RPM Timeline")
    pdf.set_creation_date(created or datetime.now().astimezone())
    pdf.add_page()
    if draft:
        _paragraph(pdf, f"{DRAFT_MARK}: this document has not been signed off by the chair.", "B")
    for i, block in enumerate(doc.blocks):
        _block(pdf, block, _needs(doc.blocks, i + 1))
    return bytes(pdf.output())


def _paragraph(pdf: _Pdf, text: str, style: str = "", size: float = 10, color=INK) -> None:
    pdf.set_font(pdf.family, style, size)
    pdf.set_text_color(*color)
    fill = style == "B" and text.startswith(DRAFT_MARK)
    if fill:
        pdf.set_fill_color(*DRAFT_FILL)
    pdf.multi_cell(
        TEXT_WIDTH,
        size * 0.5,
        pdf.text_of(text),
        fill=fill,
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1.6)
    pdf.set_text_color(*INK)


def _room_for(pdf: _Pdf, height: float) -> None:
    """Start a new page unless `height` mm fit on this one (keeps headings with their text)."""
    if pdf.will_page_break(height):
        pdf.add_page()


def _needs(blocks, i: int) -> float:
    """Roughly how much must follow block i-1 (a heading, a lead-in) on the same page: the
    next block's start, or all of an image and its lead-in."""
    if i >= len(blocks):
        return 0
    block = blocks[i]
    if block[0] == "image" and block[1]:
        return 100
    if block[0] == "p" and i + 1 < len(blocks) and blocks[i + 1][0] == "image":
        return 12 + _needs(blocks, i + 1)
    return 24


def _table(pdf: _Pdf, header, rows, widths, *, key_value: bool = False) -> None:
    pdf.set_font(pdf.family, "", 9.5)
    widths = widths or [1] * len(header or rows[0])
    col_widths = tuple(w * TEXT_WIDTH / sum(widths) for w in widths)
    bold = FontFace(emphasis="BOLD", fill_color=SHADE)
    with pdf.table(
        col_widths=col_widths,
        width=TEXT_WIDTH,
        line_height=4.8,
        headings_style=bold,
        first_row_as_headings=not key_value,
        repeat_headings=1,
        text_align="LEFT",
        padding=1.2,
        borders_layout="ALL",
    ) as table:
        if not key_value:
            row = table.row()
            for text in header:
                row.cell(pdf.text_of(text))
        for values in rows:
            row = table.row()
            for n, text in enumerate(values):
                row.cell(pdf.text_of(text), style=bold if key_value and n == 0 else None)
    pdf.ln(3)


def _block(pdf: _Pdf, block, following_needs: float) -> None:
    kind = block[0]
    if kind == "h1":
        pdf.set_font(pdf.family, "B", 17)
        pdf.multi_cell(
            TEXT_WIDTH, 8, pdf.text_of(block[1]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(2)
    elif kind == "h2":
        _room_for(pdf, 12 + following_needs)
        pdf.ln(3)
        pdf.set_font(pdf.family, "B", 12.5)
        pdf.multi_cell(
            TEXT_WIDTH, 6, pdf.text_of(block[1]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(1.5)
    elif kind == "p":
        if following_needs >= 100:  # the lead-in of an image stays with it
            _room_for(pdf, 10 + following_needs)
        style = {"muted": "", "strong": "B"}.get(block[2], "")
        _paragraph(pdf, block[1], style, color=MUTED if block[2] == "muted" else INK)
    elif kind == "ul":
        pdf.set_font(pdf.family, "", 10)
        for item in block[1]:
            pdf.set_x(MARGIN + 2)
            pdf.multi_cell(
                TEXT_WIDTH - 2,
                5,
                pdf.text_of(f"•  {item}"),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.ln(0.3)
        pdf.ln(1.5)
    elif kind == "table":
        _table(pdf, block[1], block[2], block[3])
    elif kind == "kv":
        _table(pdf, None, [[k, v] for k, v in block[1]], [5, 12], key_value=True)
    elif kind == "image":
        png, alt, missing = block[1:]
        if not png:
            _paragraph(pdf, missing, "B")
            return
        pdf.image(io.BytesIO(png), w=TEXT_WIDTH, alt_text=alt)
        pdf.ln(1.5)
        pdf.set_font(pdf.family, "I", 8.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(
            TEXT_WIDTH,
            4.2,
            pdf.text_of(f"Figure: {alt}."),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_color(*INK)
        pdf.ln(2)
    else:
        raise ValueError(f"unknown block {kind}")
