"""The documents as PDF (what partnerships actually email), from the same blocks as the DOCX
and HTML (`components.documents.blocks.Doc`), drawn with fpdf2: pure Python, nothing to install at run
time, no office suite. Letterhead, classification and DRAFT mark on every page; "page X of Y"
in the footer. Nothing is left alone at the foot or head of a page: a heading goes with what
follows it, a paragraph leading in to a list or an image with it, a short list and a closing
(`lines`) whole, and a paragraph never leaves a single line on either side of a page break.
A table's columns are at least as wide as their longest word (an address never breaks).
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from components.documents.blocks import (
    CLASSIFICATION,
    DRAFT_MARK,
    Doc,
    Letterhead,
    fit_widths,
)

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
        following = doc.blocks[i + 1] if i + 1 < len(doc.blocks) else None
        _block(pdf, block, _needs(doc.blocks, i + 1), following)
    return bytes(pdf.output())


LINE = 5.0  # a body line (10 pt), mm
H2_HEIGHT = 3 + 6 + 1.5  # a heading, with its space
BULLET_LINE = 5.3  # a list item's line and its gap
USABLE_HEIGHT = 297 - 30 - 20  # below the letterhead, above the footer


def _line_count(pdf: _Pdf, text: str, width: float, style: str = "", size: float = 10) -> int:
    pdf.set_font(pdf.family, style, size)
    return len(pdf.multi_cell(width, size * 0.5, pdf.text_of(text), dry_run=True, output="LINES"))


def _room_left(pdf: _Pdf) -> float:
    return pdf.page_break_trigger - pdf.get_y()


def _keep_lines(pdf: _Pdf, lines: int, line_height: float) -> None:
    """Widows and orphans: a paragraph that breaks across pages leaves at least two lines on
    each side, else it starts on the next page."""
    fits = int(_room_left(pdf) // line_height)
    if lines > fits and (fits < 2 or lines - fits < 2):
        pdf.add_page()


def _paragraph(pdf: _Pdf, text: str, style: str = "", size: float = 10, color=INK) -> None:
    _keep_lines(pdf, _line_count(pdf, text, TEXT_WIDTH, style, size), size * 0.5)
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


def _list_height(items) -> float:
    """Roughly the height of a list (an item of more than ~95 characters takes two lines)."""
    return sum(BULLET_LINE * (1 + len(str(item)) // 95) for item in items) + 1.5


def _needs(blocks, i: int) -> float:
    """Roughly how much must follow block i-1 (a heading, a lead-in) on the same page: the
    next block's start (two lines of a paragraph, a table's heading and two rows), all of an
    image, a short list or a closing, with their lead-in."""
    if i >= len(blocks):
        return 0
    block = blocks[i]
    kind = block[0]
    if kind == "image" and block[1]:
        return 100
    if kind == "ul":
        return min(_list_height(block[1]), 2 * BULLET_LINE * 2)
    if kind == "lines":
        return LINE * len(block[1]) + 2
    if kind == "table":
        return 20
    if kind == "p" and i + 1 < len(blocks) and blocks[i + 1][0] in ("image", "ul"):
        return 12 + _needs(blocks, i + 1)
    return 2 * LINE + 2


def _longest_word(pdf: _Pdf, texts, style: str, size: float) -> float:
    pdf.set_font(pdf.family, style, size)
    words = (w for text in texts for w in str(text).split())
    return max((pdf.get_string_width(pdf.text_of(w)) for w in words), default=0)


def _min_widths(pdf: _Pdf, header, rows, size: float) -> list[float]:
    """Each column's longest word (an email address, a long name), in mm with the padding: a
    column narrower than that breaks the word mid-way. Headings (and a key-value table's keys)
    are bold."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in header]
    return [
        max(
            _longest_word(pdf, [header[n]] if header else [], "B", size),
            _longest_word(pdf, column, "" if header or n else "B", size),
        )
        + 2 * TABLE_PADDING
        + 0.6
        for n, column in enumerate(columns)
    ]


def _column_widths(pdf: _Pdf, header, rows, widths, size: float) -> tuple[float, ...]:
    """The given proportions, with every column at least as wide as its longest word where
    the page allows (the others give up the width, in proportion)."""
    widths = widths or [1] * len(header or rows[0])
    return tuple(fit_widths(widths, _min_widths(pdf, header, rows, size), TEXT_WIDTH))


TABLE_SIZE, TABLE_LINE, TABLE_PADDING = 9, 4.4, 1.1
KV_WIDTHS = [5, 12]  # a key-value table's key and value


def _row_heights(pdf: _Pdf, rows, col_widths) -> list[float]:
    """Roughly each row's height: its tallest cell's lines."""
    return [
        max(
            # multi_cell keeps a cell margin inside the width it is given; a table cell has
            # its padding instead
            _line_count(
                pdf, str(text), width - 2 * TABLE_PADDING + 2 * pdf.c_margin, "", TABLE_SIZE
            )
            for text, width in zip(row, col_widths, strict=True)
        )
        * TABLE_LINE
        + 2 * TABLE_PADDING
        for row in rows
    ]


def _keep_table(pdf: _Pdf, header, rows, col_widths) -> None:
    """A table that fits on a page is kept whole when it is short (half a page) or when
    breaking it would leave fewer than two rows on either side of the break."""
    heights = _row_heights(pdf, ([header] if header else []) + list(rows), col_widths)
    total = sum(heights) + 3
    room = _room_left(pdf)
    if total <= room or total > USABLE_HEIGHT:
        return
    body = heights[1:] if header else heights
    head = heights[0] if header else 0
    fitting, used = 0, head
    for h in body:
        if used + h > room:
            break
        used, fitting = used + h, fitting + 1
    if total < USABLE_HEIGHT / 2 or fitting < 2 or len(body) - fitting < 2:
        pdf.add_page()


def _table(pdf: _Pdf, header, rows, widths, *, key_value: bool = False) -> None:
    col_widths = _column_widths(pdf, header, rows, widths, TABLE_SIZE)
    _keep_table(pdf, header, rows, col_widths)
    pdf.set_font(pdf.family, "", TABLE_SIZE)
    bold = FontFace(emphasis="BOLD", fill_color=SHADE)
    with pdf.table(
        col_widths=col_widths,
        width=TEXT_WIDTH,
        line_height=TABLE_LINE,
        headings_style=bold,
        first_row_as_headings=not key_value,
        repeat_headings=1,
        text_align="LEFT",
        padding=TABLE_PADDING,
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


def _table_start(pdf: _Pdf, block) -> float:
    """How much of a table must follow its heading on the page: all of it when it is kept
    whole (`_keep_table`), else its heading row and two rows."""
    if block[0] == "kv":
        header, rows, widths = None, [[k, v] for k, v in block[1]], KV_WIDTHS
    else:
        header, rows, widths = block[1], block[2], block[3]
    col_widths = _column_widths(pdf, header, rows, widths, TABLE_SIZE)
    heights = _row_heights(pdf, ([header] if header else []) + rows, col_widths)
    if sum(heights) + 3 < USABLE_HEIGHT / 2:
        return sum(heights) + 3
    return sum(heights[:3])


def _block(pdf: _Pdf, block, following_needs: float, following=None) -> None:
    kind = block[0]
    following_table = (
        _table_start(pdf, following)
        if following is not None and following[0] in ("table", "kv")
        else 0
    )
    if kind == "h1":
        pdf.set_font(pdf.family, "B", 17)
        pdf.multi_cell(
            TEXT_WIDTH, 8, pdf.text_of(block[1]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(2)
    elif kind == "h2":
        _room_for(pdf, H2_HEIGHT + (following_table or following_needs))
        pdf.ln(3)
        pdf.set_font(pdf.family, "B", 12.5)
        pdf.multi_cell(
            TEXT_WIDTH, 6, pdf.text_of(block[1]), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(1.5)
    elif kind == "p":
        if following_needs >= 100:  # the lead-in of an image stays with it
            _room_for(pdf, 10 + following_needs)
        elif following_needs:  # a lead-in stays with the start of a list or a closing
            lines = _line_count(pdf, block[1], TEXT_WIDTH)
            if lines * LINE + following_needs < USABLE_HEIGHT:
                _room_for(pdf, lines * LINE + 1.6 + following_needs)
        style = {"muted": "", "strong": "B"}.get(block[2], "")
        _paragraph(pdf, block[1], style, color=MUTED if block[2] == "muted" else INK)
    elif kind == "ul":
        height = _list_height(block[1])
        if height < USABLE_HEIGHT / 2:  # a short list is kept whole
            _room_for(pdf, height)
        pdf.set_font(pdf.family, "", 10)
        for n, item in enumerate(block[1]):
            if n in (0, len(block[1]) - 2):  # never one item alone on a page
                _room_for(pdf, BULLET_LINE * 2)
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
    elif kind == "lines":  # a closing: kept together, with little space between its lines
        _room_for(pdf, LINE * len(block[1]) + 2)
        pdf.set_font(pdf.family, "", 10)
        for line in block[1]:
            pdf.multi_cell(
                TEXT_WIDTH, LINE, pdf.text_of(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        pdf.ln(2)
    elif kind == "table":
        _table(pdf, block[1], block[2], block[3])
    elif kind == "kv":
        _table(pdf, None, [[k, v] for k, v in block[1]], KV_WIDTHS, key_value=True)
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
