"""The extract template agencies can fill in: CSV, Excel, and its guide."""

from __future__ import annotations

import io

from data.exports import csv_text
from data.ingest.model import FIELDS, MAX_LENGTH, UNSPECIFIED_TYPE

TEMPLATE_GUIDE = (
    (
        "date",
        "required",
        (
            "The day it happened: 03/05/2016 (day first), 2016-05-03 or 3 May 2016. "
            "If only the month or year is known: 05/2016, May 2016 or 2016."
        ),
    ),
    ("time", "optional", "Time of day, 24-hour HH:MM (14:32). Leave blank if not known."),
    (
        "event_type",
        "optional",
        (
            f"Short type, e.g. Home visit, Referral, Strategy meeting (up to {MAX_LENGTH['event_type']} "
            f"characters). Blank becomes {UNSPECIFIED_TYPE}."
        ),
    ),
    (
        "summary",
        "optional",
        f"What happened, in plain text (up to {MAX_LENGTH['summary']:,} characters).",
    ),
    (
        "source_ref",
        "optional",
        f"Your own record reference, so you can find it again (up to {MAX_LENGTH['source_ref']}).",
    ),
)


TEMPLATE_ROWS = (
    ("03/05/2016", "14:32", "Home visit", "Child seen alone; room clean.", "HV-0001"),
    ("05/2016", "", "Referral", "Referral received from school (day not recorded).", ""),
)


def template_csv() -> str:
    """A template extract with two example rows. The guide is TEMPLATE_GUIDE."""
    return csv_text(FIELDS, TEMPLATE_ROWS)


def template_xlsx() -> bytes:
    """The template as an Excel workbook: sheet "Events" (header, example rows, every cell
    text so that Excel keeps 03/05/2016 as written) and sheet "Column guide"."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    events = book.add_worksheet("Events")
    events.write_row(0, 0, FIELDS, bold)
    for r, row in enumerate(TEMPLATE_ROWS, start=1):
        for c, value in enumerate(row):
            events.write_string(r, c, value, text)
    events.set_column(0, len(FIELDS) - 1, 22, text)
    events.set_column(3, 3, 60, text)
    events.freeze_panes(1, 0)
    guide = book.add_worksheet("Column guide")
    guide.write_row(0, 0, ("column", "required", "what to put in it"), bold)
    for r, row in enumerate(TEMPLATE_GUIDE, start=1):
        for c, value in enumerate(row):
            guide.write_string(r, c, value)
    guide.set_column(0, 1, 14)
    guide.set_column(2, 2, 100)
    book.close()
    return buffer.getvalue()


def template_guide_csv() -> str:
    return csv_text(("column", "required", "what to put in it"), TEMPLATE_GUIDE)
