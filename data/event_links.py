"""Links between two events of a case: who told whom (a referral sent and received,
information shared, requested, not received, or that should have been shared).

A person makes every link: the chair (or facilitator, or an administrator) links two events,
or accepts a link the app suggested (data.patterns); a dismissed suggestion is kept too, so it
is not suggested again. Every change is in event_link_history and the audit trail, and moves
the case's change counter so open pages redraw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from data.access import require_case, require_meeting_editor
from data.actor import User
from data.cases import Case
from data.contributions import check_event
from data.errors import InvalidInput, NotFound
from data.revisions import record_change
from data.store import Store
from data.text_fields import optional_text, required_text
from data.vocabulary import LINK_TYPES

MAX_NOTE = 1000
MAX_REASON = 500
# Links that say the information arrived: the sending event is answered.
ARRIVED = ("referral sent / received", "information shared")
# Links that say it did not travel: the committee counts them as unanswered shares.
NOT_ARRIVED = ("not received", "should have been shared")


@dataclass(frozen=True)
class EventLink:
    link_id: int
    from_event_id: int
    to_event_id: int
    link_type: str
    suggested: bool
    note: str | None
    decided_by: str
    decided_at: datetime
    from_agency: str
    to_agency: str
    from_date: date
    to_date: date


def _require_editor(store: Store, user: User, case_ref: str) -> Case:
    case = require_case(store, user, case_ref)
    require_meeting_editor(store, user, case)
    return case


def _checked(cur, case: Case, from_event_id, to_event_id, link_type) -> tuple[int, int]:
    if link_type not in LINK_TYPES:
        raise InvalidInput(
            f"unknown link type {link_type!r}: choose one of " + ", ".join(LINK_TYPES)
        )
    a, b = check_event(cur, case, from_event_id), check_event(cur, case, to_event_id)
    if a == b:
        raise InvalidInput("a link joins two different events")
    agencies = cur.execute(
        "SELECT count(DISTINCT agency_id) FROM events WHERE event_id IN (?, ?)", [a, b]
    ).fetchone()[0]
    if agencies != 2:
        raise InvalidInput("a link joins events of two different agencies")
    return a, b


def _current(cur, case_id: int, a: int, b: int):
    """The pair's live row (either way round), if any: (link_id, decision)."""
    return cur.execute(
        """
        SELECT link_id, decision FROM event_links
        WHERE case_id = ? AND removed_at IS NULL
          AND ((from_event_id = ? AND to_event_id = ?) OR (from_event_id = ? AND to_event_id = ?))
        """,
        [case_id, a, b, b, a],
    ).fetchone()


def _history(cur, case: Case, link_id: int, change: str, who: str, detail: str) -> None:
    cur.execute(
        "INSERT INTO event_link_history (case_id, link_id, change, changed_by, detail)"
        " VALUES (?, ?, ?, ?, ?)",
        [case.case_id, link_id, change, who, detail],
    )
    record_change(cur, case.case_id, who, f"event link {link_id}: {detail}")


def _decide(store, user, case_ref, from_event_id, to_event_id, link_type, decision, *,
            suggested: bool, note: str | None) -> int:  # fmt: skip
    case = _require_editor(store, user, case_ref)
    note = optional_text(note, "the note", MAX_NOTE)
    with store.transaction() as cur:
        a, b = _checked(cur, case, from_event_id, to_event_id, link_type)
        live = _current(cur, case.case_id, a, b)
        if live and live[1] == "linked":
            raise InvalidInput(f"events {a} and {b} are already linked (link {live[0]})")
        if live and decision == "dismissed":
            raise InvalidInput(f"the suggestion linking events {a} and {b} is already dismissed")
        if live:  # a dismissed suggestion, linked after all
            _remove(cur, case, live[0], user.username, "linked after all")
        link_id = cur.execute(
            """
            INSERT INTO event_links (case_id, from_event_id, to_event_id, link_type, decision,
                                     suggested, note, decided_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING link_id
            """,
            [case.case_id, a, b, link_type, decision, suggested, note, user.username],
        ).fetchone()[0]
        what = "suggestion dismissed" if decision == "dismissed" else "linked"
        _history(cur, case, link_id, decision, user.username, f"{what}: {a} -> {b}, {link_type}")
    return link_id


def add_link(
    store: Store,
    user: User,
    case_ref: str,
    from_event_id: int,
    to_event_id: int,
    link_type: str,
    *,
    note: str | None = None,
    suggested: bool = False,
) -> int:
    """Link two events of different agencies (from the sending side to the receiving one);
    `suggested` when the chair accepts the app's suggestion. Returns the link's id."""
    return _decide(
        store, user, case_ref, from_event_id, to_event_id, link_type, "linked",
        suggested=suggested, note=note,
    )  # fmt: skip


def dismiss_suggestion(
    store: Store, user: User, case_ref: str, from_event_id: int, to_event_id: int, link_type: str
) -> int:
    """Record that the chair dismissed a suggested link: it is not suggested again."""
    return _decide(
        store, user, case_ref, from_event_id, to_event_id, link_type, "dismissed",
        suggested=True, note=None,
    )  # fmt: skip


def _remove(cur, case: Case, link_id: int, who: str, why: str) -> None:
    cur.execute(
        "UPDATE event_links SET removed_at = current_timestamp, removed_by = ?, removed_why = ?"
        " WHERE link_id = ?",
        [who, why, link_id],
    )
    _history(cur, case, link_id, "removed", who, f"removed: {why}")


def remove_link(store: Store, user: User, case_ref: str, link_id: int, why: str) -> None:
    """Take a link (or a dismissal) back, with the reason; the row and its history stay."""
    case = _require_editor(store, user, case_ref)
    why = required_text(why, "the reason for taking the link back", MAX_REASON)
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT 1 FROM event_links WHERE link_id = ? AND case_id = ? AND removed_at IS NULL",
            [int(link_id), case.case_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"link {link_id} is not a current link of case {case.case_ref}")
        _remove(cur, case, int(link_id), user.username, why)


# The case's events read once for both ends of its links. $1 case id.
_LINKS_SQL = """
WITH ends AS (
    SELECT e.event_id, a.name, e.event_date FROM events_current e
    JOIN agencies a ON a.agency_id = e.agency_id WHERE e.case_id = $1)
SELECT l.link_id, l.from_event_id, l.to_event_id, l.link_type, l.suggested, l.note,
       l.decided_by, l.decided_at, f.name, t.name, f.event_date, t.event_date
FROM event_links l
JOIN ends f ON f.event_id = l.from_event_id
JOIN ends t ON t.event_id = l.to_event_id
WHERE l.case_id = $1 AND l.removed_at IS NULL AND l.decision = 'linked'
ORDER BY f.event_date, l.link_id
"""


def link_words(link_type: str, from_agency: str, from_date, to_agency: str, to_date) -> str:
    """A link as the screen and the learning log say it: 'referral sent / received: Police
    (11 Sep 2014) → Children's Social Care (12 Sep 2014)'."""
    return f"{link_type}: {from_agency} ({from_date:%d %b %Y}) → {to_agency} ({to_date:%d %b %Y})"


# The links supporting each learning point: a current link with an end at one of the events
# it is linked to, or within one of the episodes it is linked to.
_LEARNING_LINKS_SQL = """
SELECT DISTINCT k.learning_id, l.link_id, l.link_type, fa.name, f.event_date, ta.name,
       t.event_date
FROM learning_point_links k
JOIN learning_points lp ON lp.learning_id = k.learning_id AND lp.case_id = ?
LEFT JOIN episodes p ON p.episode_id = k.episode_id
JOIN event_links l ON l.case_id = lp.case_id AND l.removed_at IS NULL AND l.decision = 'linked'
JOIN events_current f ON f.event_id = l.from_event_id
JOIN events_current t ON t.event_id = l.to_event_id
JOIN agencies fa ON fa.agency_id = f.agency_id
JOIN agencies ta ON ta.agency_id = t.agency_id
WHERE k.event_id IN (l.from_event_id, l.to_event_id)
   OR f.event_date BETWEEN p.start_date AND p.end_date
   OR t.event_date BETWEEN p.start_date AND p.end_date
ORDER BY k.learning_id, f.event_date, l.link_id
"""


def learning_point_links(store: Store, case_id: int) -> dict[int, tuple[str, ...]]:
    """learning_id -> the links supporting it, in words, by the sending event's date."""
    found: dict[int, list[str]] = {}
    for learning_id, _, kind, fa, fd, ta, td in store.query(_LEARNING_LINKS_SQL, [case_id]):
        found.setdefault(learning_id, []).append(link_words(kind, fa, fd, ta, td))
    return {k: tuple(v) for k, v in found.items()}


def list_links(store: Store, user: User, case_ref: str) -> list[EventLink]:
    """The case's current links, by the sending event's date."""
    case = require_case(store, user, case_ref)
    if not store.query_one(
        "SELECT 1 FROM event_links WHERE case_id = ? AND removed_at IS NULL"
        " AND decision = 'linked' LIMIT 1",
        [case.case_id],
    ):
        return []  # most cases: no need to read the events
    return [EventLink(*row) for row in store.query(_LINKS_SQL, [case.case_id])]


def decided_pairs(store: Store, user: User, case_ref: str) -> tuple[frozenset, frozenset]:
    """(every live pair of event ids, linked or dismissed; the ids of events whose link says
    the information arrived), for data.patterns.find_all's `linked` and `answered`."""
    case = require_case(store, user, case_ref)
    rows = store.query(
        "SELECT from_event_id, to_event_id, decision, link_type FROM event_links"
        " WHERE case_id = ? AND removed_at IS NULL",
        [case.case_id],
    )
    pairs = frozenset((int(a), int(b)) for a, b, _, _ in rows)
    answered = frozenset(
        int(a) for a, _, decision, kind in rows if decision == "linked" and kind in ARRIVED
    )
    return pairs, answered


def link_history(store: Store, user: User, case_ref: str) -> list[dict]:
    """Every change to the case's links, oldest first."""
    case = require_case(store, user, case_ref)
    keys = ("link_id", "change", "changed_by", "changed_at", "detail")
    return [
        dict(zip(keys, row, strict=True))
        for row in store.query(
            "SELECT link_id, change, changed_by, changed_at, detail FROM event_link_history"
            " WHERE case_id = ? ORDER BY history_id",
            [case.case_id],
        )
    ]


# What one agency (or, with no agency, the whole partnership) could have known on a day: the
# events that could have happened by then (a month-precision event from the first day of its
# month) that are its own, or were passed to it directly by a link saying the information
# arrived, at a receiving event of its own that could have happened by then. What it was told
# is not assumed to include what its informant had been told. $1 case id, $2 day, $3 agency
# (NULL: the partnership), $4 the link types saying the information arrived.
_UNKNOWN_SQL = """
WITH happened AS (
    SELECT e.event_id, a.name AS agency FROM events_current e
    JOIN agencies a ON a.agency_id = e.agency_id
    WHERE e.case_id = $1 AND NOT e.hidden AND e.retired_at IS NULL AND e.event_date <= $2),
known AS (
    SELECT event_id FROM happened WHERE $3 IS NULL OR agency = $3
    UNION
    SELECT l.from_event_id FROM event_links l
    JOIN happened t ON t.event_id = l.to_event_id AND t.agency = $3
    JOIN happened f ON f.event_id = l.from_event_id
    WHERE l.case_id = $1 AND l.removed_at IS NULL AND l.decision = 'linked'
      AND list_contains($4, l.link_type))
SELECT e.event_id FROM events_current e
WHERE e.case_id = $1 AND NOT e.hidden AND e.retired_at IS NULL
  AND e.event_id NOT IN (SELECT event_id FROM known)
"""


def unknown_event_ids(
    store: Store, user: User, case_ref: str, day: date, agency: str | None = None
) -> np.ndarray:
    """The ids of the case's events (as the timeline shows them) that `agency` (None: the
    whole partnership) could not have known on `day`: later ones, and other agencies' not
    passed to it by then (see _UNKNOWN_SQL)."""
    case = require_case(store, user, case_ref)
    found = store.query_numpy(_UNKNOWN_SQL, [case.case_id, day, agency, list(ARRIVED)])
    return found["event_id"].astype("int64")
