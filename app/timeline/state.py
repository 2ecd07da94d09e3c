"""The page's controls read into plain values: the filter, the lanes shown, the selection."""

from __future__ import annotations

from datetime import date

from data.events import EventFilter


def as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def event_filter(agencies, types, text, all_agencies) -> EventFilter:
    """The filter the controls describe (all agencies ticked: no agency filter)."""
    agencies = list(agencies or [])
    return EventFilter.of(
        agencies=None if set(agencies) >= set(all_agencies) else agencies,
        types=list(types) if types else None,
        text=text,
    )


def lanes_shown(order: list[str] | None, flt: EventFilter) -> list[str]:
    return [a for a in order or [] if flt.agencies is None or a in flt.agencies]


def date_of_birth(case_data) -> date | None:
    return date.fromisoformat(case_data["dob"]) if case_data.get("dob") else None


def presenting(n_clicks) -> bool:
    return bool(n_clicks) and n_clicks % 2 == 1


def selected_event(point) -> int | None:
    if point and point.get("kind") == "event" and point.get("id") is not None:
        return int(point["id"])
    return None


def summaries_hidden(value) -> bool:
    return "hide" in (value or [])
