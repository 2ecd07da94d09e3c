"""What the lenses put on the chart, read from the page's state: the links recorded, what the
known-at-the-time lens greys and its day, and the patterns the chair chose to draw as bands.

Every drawing of the chart (its first build, the filters' patches, the lenses' own patches)
takes them from here, so a lens survives a filter change or a redraw.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from components.lens_drawing import BAND_KINDS, ChartLink, LensMarks
from data import event_links
from data.patterns import PARTNERSHIP_RULES, Rules, case_findings

DRAW_LINKS = "links"  # the "draw on the chart" checklist's value for the links
DEFAULT_DRAW = [DRAW_LINKS]
DEFAULT_SILENCE = PARTNERSHIP_RULES.silence_days


def rules_for(silence) -> Rules:
    """The partnership's rules with the chair's silence span (7 days to 10 years), for the
    room only (the committee counts with the partnership's)."""
    try:
        days = int(silence)
    except (TypeError, ValueError):
        days = DEFAULT_SILENCE
    return replace(PARTNERSHIP_RULES, silence_days=min(max(days, 7), 3650))


def lens_day(lens_state) -> date | None:
    return date.fromisoformat(lens_state["date"]) if lens_state else None


def lens_marks(store, user, case_ref: str, lens_state, draw) -> LensMarks:
    """The links (when the chair draws them) and the known-at-the-time lens of `lens_state`
    ({"date", "agency"} or None): the events it greys and its day."""
    links = event_links.list_links(store, user, case_ref)
    day = lens_day(lens_state)
    greyed, who = (), None
    if day is not None:
        who = lens_state.get("agency") or None
        greyed = event_links.unknown_event_ids(store, user, case_ref, day, who)
    drawn = [
        ChartLink(
            link.from_event_id,
            link.to_event_id,
            link.link_type,
            event_links.link_words(
                link.link_type, link.from_agency, link.from_date, link.to_agency, link.to_date
            ),
        )
        for link in links
    ]
    return LensMarks(
        links=drawn if DRAW_LINKS in (draw or []) else (),
        greyed_event_ids=greyed,
        day=day,
        agency=who,
    )


def band_findings(store, user, case_ref: str, draw, silence) -> list:
    """The findings of the kinds the chair chose to draw as bands (none chosen: no work)."""
    kinds = set(draw or []) & set(BAND_KINDS)
    if not kinds:
        return []
    return [f for f in case_findings(store, user, case_ref, rules_for(silence)) if f.kind in kinds]
