"""Blocks written as one self-contained, print-ready HTML page (no external files)."""

from __future__ import annotations

import base64
import html

from components.documents.blocks import CLASSIFICATION, DRAFT_MARK, Doc, Letterhead
from components.documents.safe_text import document_value

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
p { margin: 0 0 6px; orphans: 2; widows: 2; }
p:has(+ ul) { break-after: avoid; page-break-after: avoid; }
ul, p.lines { break-inside: avoid; page-break-inside: avoid; }
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
    if kind == "lines":
        return '<p class="lines">' + "<br>".join(e(line) for line in block[1]) + "</p>"
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
