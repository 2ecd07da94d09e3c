"""Any stored text, made safe for a document (DOCX or HTML).

Text comes from extracts and from people pasting out of Word and email: a Word soft line break
(vertical tab), a form feed, Unicode line and paragraph separators, carriage returns, NULs and
other control characters, even lone surrogates. XML (and so DOCX) forbids most of them, and
python-docx refuses the whole document for one. `document_text` keeps every line break as a
line break (`\\n`) and drops the rest; `document_value` applies it to everything inside a
document's blocks.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace

LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Not allowed in XML 1.0 (tab and newline are): C0 controls, DEL, surrogates, U+FFFE/U+FFFF.
NOT_IN_DOCUMENTS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def document_text(text: str) -> str:
    """Line-break-like characters become `\\n`; other control characters are dropped."""
    return NOT_IN_DOCUMENTS.sub("", LINE_BREAKS.sub("\n", text))


def document_value(value):
    """`document_text` on every string inside lists, tuples, dicts and dataclasses."""
    if isinstance(value, str):
        return document_text(value)
    if isinstance(value, list | tuple):
        return type(value)(document_value(v) for v in value)
    if isinstance(value, dict):
        return {document_value(k): document_value(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return replace(
            value, **{f.name: document_value(getattr(value, f.name)) for f in fields(value)}
        )
    return value
