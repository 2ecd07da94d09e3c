"""Which column holds which field: proposed from the column names, or given as `field=column`."""

from __future__ import annotations

import re

from data.errors import InvalidInput
from data.ingest.model import FIELDS

# Header names (lower case, words separated by one space) that propose a mapping.
SYNONYMS = {
    "date": (
        "date",
        "event date",
        "date of event",
        "contact date",
        "incident date",
        "activity date",
        "episode date",
        "date occurred",
        "occurred",
        "start date",
        "date time",
        "datetime",
        "date and time",
        "when",
    ),
    "time": ("time", "event time", "time of event", "start time", "contact time", "incident time"),
    "event_type": (
        "event type",
        "type",
        "event",
        "contact type",
        "activity type",
        "incident type",
        "record type",
        "type of contact",
        "category",
        "activity",
    ),
    "summary": (
        "summary",
        "event summary",
        "details",
        "detail",
        "description",
        "notes",
        "note",
        "case note",
        "case notes",
        "narrative",
        "comments",
        "comment",
        "text",
        "outcome",
    ),
    "source_ref": (
        "source ref",
        "source reference",
        "reference",
        "ref",
        "agency ref",
        "agency reference",
        "our ref",
        "record id",
        "event id",
        "id",
        "record number",
        "incident number",
        "crime number",
        "log number",
    ),
}


# Fallback: a word the header contains (and a word that rules it out).
KEYWORDS = {
    "date": (("date",), ("birth", "dob", "created", "modified", "entered")),
    "time": (("time",), ("date",)),
    "event_type": (("type", "category"), ()),
    "summary": (("summary", "note", "detail", "description", "narrative"), ()),
    "source_ref": (("ref", "reference", "number", "id"), ()),
}


def _words(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (name or "").lower()).split())


def propose_mapping(header: list[str]) -> dict[str, int]:
    """Which column index holds each field, proposed from the header names."""
    names = [_words(h) for h in header]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for f in FIELDS:  # exact names first, in the order of preference of each field's list
        for synonym in SYNONYMS[f]:
            if synonym in names and names.index(synonym) not in used:
                mapping[f] = names.index(synonym)
                used.add(mapping[f])
                break
    for f in FIELDS:  # then a column whose name contains a keyword
        if f in mapping:
            continue
        wanted, unwanted = KEYWORDS[f]
        for i, name in enumerate(names):
            words = name.split()
            if i in used or any(w in words for w in unwanted):
                continue
            if any(w in words for w in wanted):
                mapping[f] = i
                used.add(i)
                break
    return mapping


def parse_map_options(options: list[str], header: list[str]) -> dict[str, int]:
    """`FIELD=COLUMN` options (CLI `--map`) as a mapping over the header."""
    mapping: dict[str, int] = {}
    for option in options:
        fld, sep, column = option.partition("=")
        fld, column = fld.strip(), column.strip()
        if not sep or fld not in FIELDS:
            raise InvalidInput(
                f"--map {option!r}: use FIELD=COLUMN, FIELD one of {', '.join(FIELDS)}"
            )
        matches = [i for i, h in enumerate(header) if h == column]
        if not matches:
            matches = [i for i, h in enumerate(header) if h.lower() == column.lower()]
        if not matches:
            raise InvalidInput(
                f"--map {option!r}: no column named {column!r} "
                f"(columns found: {', '.join(h or '(blank)' for h in header)})"
            )
        mapping[fld] = matches[0]
    return mapping
