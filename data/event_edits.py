"""Changes made to the chronology in the meeting: events added from the discussion, and events
corrected or hidden with a reason. The extract's event row is never changed: every change is
a row of `event_changes` (migration 0004), applied by the view `events_current`."""

from __future__ import annotations

from datetime import date, time

from data import category_assign
from data.access import require_case
from data.actor import User
from data.cases import Case, add_case_agency, ensure_agency
from data.dates import typed_date, typed_time
from data.errors import Forbidden, InvalidInput, NotFound
from data.partial_dates import PRECISIONS
from data.permissions import may_edit_agency_events
from data.store import Store
from data.text_fields import required_text

MAX_TYPE, MAX_SUMMARY, MAX_REASON = 100, 10_000, 1000


def _require_editor(store: Store, user: User, case_ref: str, agency: str | None) -> Case:
    """The case, if this user may change events of this agency in it.

    Administrators and chairs may change any event; an agency user only their agency's.
    """
    case = require_case(store, user, case_ref)
    if may_edit_agency_events(user, agency):
        return case
    raise Forbidden(f"you may not change events of {agency or 'this agency'} in this case")


def _parse_date(value, precision: str) -> date:
    if precision not in PRECISIONS:
        raise InvalidInput(f"date precision {precision!r} is not one of: day, month, year")
    try:
        day = typed_date(value, precision)
    except ValueError as exc:
        raise InvalidInput(f"the date {exc}") from None
    if precision == "month":
        day = day.replace(day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    return day


def _parse_time(value) -> time | None:
    if value is None or isinstance(value, time):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return typed_time(text)
    except ValueError as exc:
        raise InvalidInput(f"time {exc}") from None


def add_meeting_event(
    store: Store,
    user: User,
    case_ref: str,
    *,
    agency: str,
    event_date,
    date_precision: str = "day",
    event_time=None,
    event_type: str,
    summary: str,
) -> int:
    """Add an event that came out of the discussion; provenance 'added in the meeting by X'."""
    agency = (agency or "").strip()
    case = _require_editor(store, user, case_ref, agency)
    day = _parse_date(event_date, date_precision)
    at = _parse_time(event_time)
    etype = required_text(event_type, "event type", MAX_TYPE)
    text = required_text(summary, "summary", MAX_SUMMARY)
    with store.transaction() as cur:
        agency_id = ensure_agency(cur, agency)
        add_case_agency(cur, case.case_id, agency_id, by=user, why="event added in the meeting")
        event_id = cur.execute(
            """
            INSERT INTO events (case_id, agency_id, upload_id, row_number, event_date,
                                date_precision, event_time, event_type, summary, added_by,
                                added_at)
            VALUES (?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, current_timestamp) RETURNING event_id
            """,
            [case.case_id, agency_id, day, date_precision, at, etype, text, user.username],
        ).fetchone()[0]
        category_assign.assign(cur, case_id=case.case_id, only_missing=True)
        return event_id


def _event_agency(store: Store, case: Case, event_id) -> str:
    row = store.query_one(
        "SELECT a.name FROM events e JOIN agencies a ON a.agency_id = e.agency_id"
        " WHERE e.event_id = ? AND e.case_id = ?",
        [int(event_id), case.case_id],
    )
    if row is None:
        raise NotFound(f"event {event_id} is not part of case {case.case_ref}")
    return row[0]


def correct_event(
    store: Store,
    user: User,
    case_ref: str,
    event_id: int,
    *,
    event_date,
    date_precision: str,
    event_time=None,
    event_type: str,
    summary: str,
    reason: str,
) -> int:
    """Record a correction of an event; the original stays in `events`."""
    case = require_case(store, user, case_ref)
    _require_editor(store, user, case_ref, _event_agency(store, case, event_id))
    day = _parse_date(event_date, date_precision)
    at = _parse_time(event_time)
    etype = required_text(event_type, "event type", MAX_TYPE)
    text = required_text(summary, "summary", MAX_SUMMARY)
    why = required_text(reason, "reason for the correction", MAX_REASON)
    with store.transaction() as cur:
        change_id = cur.execute(
            """
            INSERT INTO event_changes (event_id, case_id, action, event_date, date_precision,
                                       event_time, event_type, summary, reason, changed_by)
            VALUES (?, ?, 'correct', ?, ?, ?, ?, ?, ?, ?) RETURNING change_id
            """,
            [int(event_id), case.case_id, day, date_precision, at, etype, text, why, user.username],
        ).fetchone()[0]
        category_assign.assign(cur, case_id=case.case_id, only_missing=True)  # the corrected type
        return change_id


def set_event_hidden(
    store: Store, user: User, case_ref: str, event_id: int, *, hidden: bool, reason: str
) -> int:
    """Hide an event from the timeline (or show it again), with a reason; nothing is deleted."""
    case = require_case(store, user, case_ref)
    _require_editor(store, user, case_ref, _event_agency(store, case, event_id))
    why = required_text(
        reason, "reason for hiding" if hidden else "reason for showing again", MAX_REASON
    )
    with store.transaction() as cur:
        return cur.execute(
            """
            INSERT INTO event_changes (event_id, case_id, action, reason, changed_by)
            VALUES (?, ?, ?, ?, ?) RETURNING change_id
            """,
            [int(event_id), case.case_id, "hide" if hidden else "restore", why, user.username],
        ).fetchone()[0]
