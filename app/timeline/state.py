"""The page's controls read into plain values: the filter, the lanes shown, the selection."""

from __future__ import annotations

from datetime import date, timedelta

from data.events import EventFilter


def as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# The "kinds" checklist holds categories (values with this prefix) and the agencies' own types.
CATEGORY_VALUE = "category:"


def event_filter(agencies, kinds, text, all_agencies) -> EventFilter:
    """The filter the controls describe (all agencies ticked: no agency filter)."""
    agencies = list(agencies or [])
    kinds = list(kinds or [])
    types = [k for k in kinds if not k.startswith(CATEGORY_VALUE)]
    categories = [k.removeprefix(CATEGORY_VALUE) for k in kinds if k.startswith(CATEGORY_VALUE)]
    return EventFilter.of(
        agencies=None if set(agencies) >= set(all_agencies) else agencies,
        types=types or None,
        text=text,
        categories=categories or None,
    )


def category_names(case_data) -> list[str]:
    """The managed list's names in legend order, as the figure's traces are."""
    return [c["name"] for c in case_data["categories"]]


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


def span_dates(span) -> tuple[date, date] | None:
    """The visible span ({"from": ISO day, "to": ISO day}) as dates, or None (everything)."""
    if not span or not span.get("from") or not span.get("to"):
        return None
    try:
        lo, hi = date.fromisoformat(span["from"]), date.fromisoformat(span["to"])
    except (TypeError, ValueError):
        return None
    return (lo, hi) if lo <= hi else None


def span_of(lo: date, hi: date) -> dict:
    return {"from": lo.isoformat(), "to": hi.isoformat()}


def span_axis_range(span, axis: str, born: date | None) -> list | None:
    """The x-axis range that shows the span on the date or age axis."""
    dates = span_dates(span)
    if dates is None:
        return None
    lo, hi = dates
    if axis == "age" and born is not None:
        return [(d - born).days / 365.25 for d in (lo, hi)]
    return [lo.isoformat(), (hi + timedelta(days=1)).isoformat()]
