"""One case's merged multi-agency timeline: the screen the chair shares in the meeting.

The page's rooms live in `app.timeline` (layout, figure, categories, selection, table,
episodes, event edits, tabs, changes); importing them here registers their callbacks. Ids other pages and panels rely on are
in `app.timeline.ids`.
"""

from __future__ import annotations

import dash

from app.timeline import (  # noqa: F401
    anonymised,
    categories,
    changes,
    episodes,
    event_edits,
    figure,
    selection,
    table,
    tabs,
)
from app.timeline.layout import page_layout

dash.register_page(
    __name__,
    path_template="/cases/<case_ref>",
    title="Case timeline - RPM Timeline",
    name="Case timeline",
)


def layout(case_ref: str | None = None, **query):
    return page_layout(case_ref, **query)
