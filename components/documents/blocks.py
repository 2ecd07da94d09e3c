"""A document as blocks (headings, paragraphs, tables, an image), and the wording every
document shares: marks, dates, the signature line. The renderers (`word`, `print_html`, `pdf`)
write the same blocks, so the formats say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from data.partial_dates import PartialDate

DRAFT_MARK = "DRAFT - NOT SIGNED OFF"


CLASSIFICATION = "OFFICIAL-SENSITIVE: confidential, for learning only"


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

    def lines(self, lines):
        """Short lines kept together on one page (a letter's closing and signature)."""
        self.blocks.append(("lines", [line for line in lines if line]))

    def image(self, png: bytes | None, alt: str, missing: str):
        self.blocks.append(("image", png, alt, missing))


def fit_widths(proportions, least, total: float) -> list[float]:
    """Pure: column widths summing to `total` in the given proportions, each at least its
    `least` (the width of its longest word: an email address must not break mid-way) where
    they all fit; the other columns give up the width, in proportion to what they have beyond
    their own least."""
    wanted = [w * total / sum(proportions) for w in proportions]
    if sum(least) > total:
        return wanted
    fixed = [max(w, m) for w, m in zip(wanted, least, strict=True)]
    excess = sum(fixed) - total
    if excess > 0:
        spare = [f - m for f, m in zip(fixed, least, strict=True)]
        fixed = [f - excess * sp / sum(spare) for f, sp in zip(fixed, spare, strict=True)]
    return fixed


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


def or_not_recorded(text, fallback="Not recorded."):
    return text if text else fallback


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
