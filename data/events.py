"""Read models over events: the merged chronology of a case, as the timeline shows it.

Events are read through the view `events_current` (migration 0004): the latest correction of
each event applied, hidden events left out unless asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import pandas as pd

from data import request_memo
from data.access import require_case
from data.actor import User
from data.errors import NotFound
from data.partial_dates import PartialDate
from data.store import Store

CHRONOLOGY_COLUMNS = (
    "date",
    "date_precision",
    "time",
    "agency",
    "event_type",
    "summary",
    "source_ref",
    "date_certainty",  # "uncertain" where the extract marked the date so (?22 May 2016, c. 2015)
    "category",  # the managed list's category (the agency's own type is event_type)
)


@dataclass(frozen=True)
class EventFilter:
    """What the timeline shows: agencies, event types and categories (None = all) and a text
    search. Types and categories together keep events of either."""

    agencies: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    text: str = ""
    categories: tuple[str, ...] | None = None

    @classmethod
    def of(cls, agencies=None, types=None, text=None, categories=None) -> EventFilter:
        return cls(
            None if agencies is None else tuple(agencies),
            None if types is None else tuple(types),
            (text or "").strip(),
            None if categories is None else tuple(categories),
        )

    def is_empty(self) -> bool:
        return (
            self.agencies is None
            and self.types is None
            and self.categories is None
            and not self.text
        )


@dataclass(frozen=True)
class EventDetail:
    event_id: int
    event_date: object
    date_precision: str
    event_time: object
    agency: str
    event_type: str
    summary: str
    source_ref: str | None
    extra: dict = field(default_factory=dict)
    category: str = "Other"  # the managed list's; event_type is the agency's own
    date_uncertain: bool = False
    source: str = ""  # which upload it came from, or who added it in the meeting
    corrected: bool = False
    hidden: bool = False
    original: dict | None = None  # the extract's values when corrected
    changes: list[dict] = field(default_factory=list)


def _where(flt: EventFilter | None, include_hidden: bool) -> tuple[str, list]:
    clauses, params = ["e.case_id = ?", "e.retired_at IS NULL"], []  # retired: upload replaced
    if not include_hidden:
        clauses.append("NOT e.hidden")
    if flt is not None:
        if flt.agencies is not None:
            clauses.append("list_contains(?, a.name)")
            params.append(list(flt.agencies))
        kinds = []
        if flt.types is not None:
            kinds.append("list_contains(?, e.event_type)")
            params.append(list(flt.types))
        if flt.categories is not None:
            kinds.append("list_contains(?, e.category)")
            params.append(list(flt.categories))
        if kinds:
            clauses.append("(" + " OR ".join(kinds) + ")")
        if flt.text:
            clauses.append("contains(lower(e.summary), lower(?))")
            params.append(flt.text)
    return " AND ".join(clauses), params


def case_events(
    store: Store,
    user: User,
    case_ref: str,
    flt: EventFilter | None = None,
    *,
    include_hidden: bool = False,
    with_summary: bool = True,
) -> pd.DataFrame:
    """Every event of the case as the timeline shows it, sorted by date, with the agency name.

    Columns: event_id, event_date (datetime64), date_precision, event_time, agency,
    event_type, category, summary (unless with_summary=False), source_ref, hidden, corrected,
    date_uncertain (the extract marked the date uncertain, and no correction changed it).
    `flt` keeps only the agencies, types and text asked for (in SQL, parameterised).
    """
    case = require_case(store, user, case_ref)
    where, params = _where(flt, include_hidden)
    summary = "e.summary" if with_summary else "NULL::VARCHAR AS summary"
    df = store.query_df(
        f"""
        SELECT e.event_id, e.event_date, e.date_precision, e.event_time, a.name AS agency,
               e.event_type, e.category, {summary}, e.source_ref, e.hidden, e.corrected,
               coalesce(o.date_uncertain AND o.event_date = e.event_date, false)
                   AS date_uncertain
        FROM events_current e JOIN agencies a ON a.agency_id = e.agency_id
        JOIN events o ON o.event_id = e.event_id
        WHERE {where}
        ORDER BY e.event_date, e.event_time NULLS FIRST, a.name, e.event_id
        """,
        [case.case_id, *params],
    )
    df["event_date"] = pd.to_datetime(df["event_date"]).astype("datetime64[ns]")
    return df


def timeline_points(
    store: Store,
    user: User,
    case_ref: str,
    flt: EventFilter | None,
    lanes: list[str],
    categories: list[str],
    *,
    lane_by: str = "agency",
) -> pd.DataFrame:
    """The filtered events as numbers only, for drawing many of them fast.

    Columns: event_id, event_date, precision_code (0 day, 1 month, 2 year), lane (index in
    `lanes` of the event's agency, or of its category with lane_by="category"; -1 if absent),
    category_index (index in `categories`, -1 if absent). Leaving text out of the result
    keeps a 50,000-event read in milliseconds.
    """
    case = require_case(store, user, case_ref)
    where, params = _where(flt, False)
    lane_of = "e.category" if lane_by == "category" else "a.name"
    df = store.query_df(
        f"""
        SELECT e.event_id::INTEGER AS event_id, e.event_date,
               (CASE e.date_precision WHEN 'month' THEN 1 WHEN 'year' THEN 2 ELSE 0 END)::TINYINT
                   AS precision_code,
               (list_position(?, {lane_of}) - 1)::SMALLINT AS lane,
               (coalesce(list_position(?, e.category), 0) - 1)::SMALLINT AS category_index
        FROM events_current e JOIN agencies a ON a.agency_id = e.agency_id
        WHERE {where}
        ORDER BY e.event_date, e.event_time NULLS FIRST, a.name, e.event_id
        """,
        [list(lanes), list(categories), case.case_id, *params],
    )
    df["lane"] = df["lane"].fillna(-1)
    return df


class _Tally(NamedTuple):
    agency: str
    event_type: str | None
    category: str
    hidden: bool
    events: int
    first_day: date
    last_day: date


@request_memo.per_request
def _tally(store: Store, case_id: int) -> tuple[_Tally, ...]:
    """The case's events counted by agency, type, category and hiding, with their first and
    last days: one read that every count of a page's request comes from (a page's heading
    must not read every event of a large case)."""
    return tuple(
        _Tally(*row)
        for row in store.query(
            """
            SELECT a.name, e.event_type, e.category, e.hidden, count(*),
                   min(e.event_date)::DATE, max(e.event_date)::DATE
            FROM events_current e JOIN agencies a ON a.agency_id = e.agency_id
            WHERE e.case_id = ? AND e.retired_at IS NULL
            GROUP BY ALL
            """,
            [case_id],
        )
    )


def _shown_tally(store: Store, user: User, case_ref: str) -> list[_Tally]:
    case = require_case(store, user, case_ref)
    return [t for t in _tally(store, case.case_id) if not t.hidden]


def case_agencies_and_types(
    store: Store, user: User, case_ref: str
) -> tuple[list[str], list[tuple[str, int]]]:
    """The agencies of the case (by first event) and its event types with counts (most first)."""
    first: dict[str, date] = {}
    types: dict[str | None, int] = {}
    for t in _shown_tally(store, user, case_ref):
        first[t.agency] = min(first.get(t.agency, t.first_day), t.first_day)
        types[t.event_type] = types.get(t.event_type, 0) + t.events
    agencies = sorted(first, key=lambda a: (first[a], a))
    by_count = sorted(types.items(), key=lambda tn: (-tn[1], tn[0] is None, tn[0] or ""))
    return agencies, [(t, int(n)) for t, n in by_count]


class EventCounts(NamedTuple):
    shown: int  # the events the timeline shows
    agencies: int  # the agencies they come from
    hidden: int
    first_day: date | None  # of every event, hidden ones too
    last_day: date | None


def case_event_counts(store: Store, user: User, case_ref: str) -> EventCounts:
    """The case's events counted, and their first and last days."""
    case = require_case(store, user, case_ref)
    tally = _tally(store, case.case_id)
    shown = [t for t in tally if not t.hidden]
    return EventCounts(
        sum(t.events for t in shown),
        len({t.agency for t in shown}),
        sum(t.events for t in tally if t.hidden),
        min((t.first_day for t in tally), default=None),
        max((t.last_day for t in tally), default=None),
    )


def case_category_counts(store: Store, user: User, case_ref: str) -> dict[str, int]:
    """How many of the case's events (those the timeline shows) each category has."""
    counts: dict[str, int] = {}
    for t in _shown_tally(store, user, case_ref):
        counts[t.category] = counts.get(t.category, 0) + t.events
    return counts


def event_detail(store: Store, user: User, case_ref: str, event_id: int) -> EventDetail:
    """Everything about one event of the case, for the details panel."""
    case = require_case(store, user, case_ref)
    row = store.query_one(
        """
        SELECT e.event_id, e.event_date, e.date_precision, e.event_time, a.name, e.event_type,
               e.summary, e.source_ref, e.extra, e.added_by, e.added_at, e.corrected, e.hidden,
               u.file_name, u.uploaded_by, u.uploaded_at, e.row_number,
               o.event_date, o.date_precision, o.event_time, o.event_type, o.summary,
               coalesce(o.date_uncertain AND o.event_date = e.event_date, false), e.category
        FROM events_current e
        JOIN agencies a ON a.agency_id = e.agency_id
        JOIN events o ON o.event_id = e.event_id
        LEFT JOIN uploads u ON u.upload_id = e.upload_id
        WHERE e.case_id = ? AND e.event_id = ?
        """,
        [case.case_id, int(event_id)],
    )
    if row is None:
        raise NotFound(f"event {event_id} is not part of case {case.case_ref}")
    (eid, day, precision, time, agency, etype, summary, ref, extra, added_by, added_at) = row[:11]
    corrected, hidden, file_name, uploaded_by, uploaded_at, row_number = row[11:17]
    if added_by:
        source = f"added in the meeting by {added_by}" + (
            f" on {added_at:%d %b %Y %H:%M}" if added_at else ""
        )
    elif file_name:
        source = (
            f"{file_name}, row {row_number}, uploaded by {uploaded_by} on {uploaded_at:%d %b %Y}"
        )
    else:
        source = "unknown"
    original = None
    if corrected:
        original = dict(
            zip(
                ("event_date", "date_precision", "event_time", "event_type", "summary"),
                row[17:22],
                strict=True,
            )
        )
    changes = [
        dict(
            zip(
                ("action", "event_date", "date_precision", "event_type", "reason", "by", "at"),
                c,
                strict=True,
            )
        )
        for c in store.query(
            """
            SELECT action, event_date, date_precision, event_type, reason, changed_by, changed_at
            FROM event_changes WHERE event_id = ? ORDER BY change_id
            """,
            [eid],
        )
    ]
    return EventDetail(
        event_id=eid,
        event_date=day,
        date_precision=precision,
        event_time=time,
        agency=agency,
        event_type=etype,
        summary=summary,
        source_ref=ref,
        extra=json.loads(extra) if isinstance(extra, str) else (extra or {}),
        date_uncertain=bool(row[22]),
        category=row[23],
        source=source,
        corrected=bool(corrected),
        hidden=bool(hidden),
        original=original,
        changes=changes,
    )


def chronology_frame_rows(df: pd.DataFrame) -> list[list[str]]:
    """Rows of text in CHRONOLOGY_COLUMNS order for a frame from case_events."""
    return [
        [
            PartialDate(row.event_date, row.date_precision).iso(),
            row.date_precision,
            "" if pd.isna(row.event_time) else f"{row.event_time:%H:%M}",
            row.agency,
            row.event_type,
            row.summary,
            row.source_ref or "",
            "uncertain" if getattr(row, "date_uncertain", False) else "",
            row.category,
        ]
        for row in df.itertuples(index=False)
    ]


def chronology_rows(
    store: Store, user: User, case_ref: str, flt: EventFilter | None = None
) -> list[list[str]]:
    """The merged chronology as rows of text, in CHRONOLOGY_COLUMNS order, sorted by date."""
    return chronology_frame_rows(case_events(store, user, case_ref, flt))
