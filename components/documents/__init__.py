"""The documents a partnership sends: invitation, learning log (Appendix 2), CRC summary
(Appendix 3) and the 7-minute briefing. Pure: data in, bytes or text out.

Each document is first described as blocks (`blocks.Doc`), then written as DOCX (`word`), a
print-ready HTML page (`print_html`) or PDF (`pdf`), so the formats say the same thing.
"""
