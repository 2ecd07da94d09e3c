"""The redaction review: the wording of each learning point that leaves the case.

Before sign-off the chair sees every learning point flagged for the committee with what could
identify someone marked (`data.redaction`, the case glossary first) and a proposed shared
wording; the chair edits it if needed and confirms it. Each confirmation is a new row of
`learning_shared_wording` beside the meeting's own wording (the history of both is kept). A
confirmed wording stays current while the meeting's wording is unchanged: editing the learning
point asks for a new review. Sign-off copies the current wordings into `committee_learning`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from data.access import require_case, require_meeting_editor
from data.actor import User
from data.errors import InvalidInput, NotFound
from data.glossary import known_words, redaction_terms
from data.redaction import KIND_NAMES, Mark, propose_wording, remaining_identifiers
from data.store import Store
from data.text_fields import required_text

MAX_SHARED = 5000
NOT_REVIEWED, CONFIRMED, CHANGED = "not reviewed", "confirmed", "changed since review"


@dataclass(frozen=True)
class ReviewItem:
    learning_id: int
    scope: str
    agency: str | None
    meeting_text: str
    proposed_text: str
    marks: tuple[Mark, ...]
    shared_text: str | None  # the confirmed wording, when current
    status: str
    confirmed_by: str | None
    confirmed_at: datetime | None


def _rows(store_or_cur, sql: str, params: list) -> list[tuple]:
    """Read with the store, or inside a transaction with its cursor."""
    if isinstance(store_or_cur, Store):
        return store_or_cur.query(sql, params)
    return store_or_cur.execute(sql, params).fetchall()


def _latest_wordings(store_or_cur, case_id: int) -> dict[int, tuple]:
    """learning_id -> (wording_id, meeting_text, shared_text, confirmed_by, confirmed_at)."""
    sql = (
        "SELECT learning_id, arg_max(wording_id, wording_id), arg_max(meeting_text, wording_id),"
        " arg_max(shared_text, wording_id), arg_max(confirmed_by, wording_id),"
        " max(confirmed_at) FROM learning_shared_wording WHERE case_id = ? GROUP BY learning_id"
    )
    return {r[0]: r[1:] for r in _rows(store_or_cur, sql, [case_id])}


def _flagged(store_or_cur, case_id: int) -> list[tuple]:
    sql = (
        "SELECT lp.learning_id, lp.scope, a.name, lp.text, lp.agency_id, CAST(lp.created_at AS DATE)"
        " FROM learning_points lp LEFT JOIN agencies a ON a.agency_id = lp.agency_id"
        " WHERE lp.case_id = ? AND lp.share_with_crc AND lp.withdrawn_at IS NULL"
        " ORDER BY lp.created_at, lp.learning_id"
    )
    return _rows(store_or_cur, sql, [case_id])


def current_wordings(store_or_cur, case_id: int) -> dict[int, tuple[int, str]]:
    """learning_id -> (wording_id, shared_text) for flagged points whose review is current."""
    latest = _latest_wordings(store_or_cur, case_id)
    out = {}
    for learning_id, _scope, _agency, text, *_ in _flagged(store_or_cur, case_id):
        found = latest.get(learning_id)
        if found and found[1] == text:
            out[learning_id] = (found[0], found[2])
    return out


def review_items(store: Store, user: User, case_ref: str) -> list[ReviewItem]:
    """Every learning point flagged for the committee, with its marks and review status."""
    case = require_case(store, user, case_ref)
    terms, known = redaction_terms(store, case), known_words(store)
    latest = _latest_wordings(store, case.case_id)
    items = []
    for learning_id, scope, agency, text, *_ in _flagged(store, case.case_id):
        proposed, marks = propose_wording(text, terms, known)
        found = latest.get(learning_id)
        current = found is not None and found[1] == text
        items.append(
            ReviewItem(
                learning_id=learning_id,
                scope=scope,
                agency=agency,
                meeting_text=text,
                proposed_text=found[2] if current else proposed,
                marks=tuple(marks),
                shared_text=found[2] if current else None,
                status=CONFIRMED if current else (CHANGED if found else NOT_REVIEWED),
                confirmed_by=found[3] if found else None,
                confirmed_at=found[4] if found else None,
            )
        )
    return items


def confirm_wording(
    store: Store, user: User, case_ref: str, learning_id: int, shared_text: str
) -> int:
    """The chair confirms the shared wording of a flagged learning point; returns its id.

    Refused while the latest record version is signed off (amend it first), and when the
    wording still holds a name from the glossary or another identifier that may never leave
    the case (date of birth, e-mail, phone, NHS number, postcode).
    """
    case = require_case(store, user, case_ref)
    require_meeting_editor(store, user, case)
    shared_text = " ".join((shared_text or "").split())
    shared_text = required_text(shared_text, "the shared wording", MAX_SHARED)
    terms, known = redaction_terms(store, case), known_words(store)
    left = remaining_identifiers(shared_text, terms, known)
    if left:
        found = "; ".join(f"{KIND_NAMES[m.kind]} \u201c{m.text}\u201d" for m in left)
        raise InvalidInput(f"the shared wording still identifies someone: {found}")
    with store.transaction() as cur:
        latest = cur.execute(
            "SELECT version, signed_at IS NOT NULL FROM meeting_records WHERE case_id = ?"
            " ORDER BY version DESC LIMIT 1",
            [case.case_id],
        ).fetchone()
        if latest and latest[1]:
            raise InvalidInput(
                f"version {latest[0]} of the record is signed off and locked: start an"
                " amendment to review the shared wording again"
            )
        point = next((p for p in _flagged(cur, case.case_id) if p[0] == learning_id), None)
        if point is None:
            raise NotFound(f"no learning point {learning_id} flagged for the committee")
        _proposed, marks = propose_wording(point[3], terms, known)
        return cur.execute(
            "INSERT INTO learning_shared_wording (case_id, learning_id, meeting_text,"
            " shared_text, marked, confirmed_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING wording_id",
            [
                case.case_id,
                learning_id,
                point[3],
                shared_text,
                json.dumps([m.as_dict() for m in marks]),
                user.username,
            ],
        ).fetchone()[0]


def write_committee_learning(cur, case_id: int, record_id: int) -> int:
    """At sign-off: the reviewed learning of this version, for the committee. Returns how many
    points; refuses when a flagged point has no current reviewed wording."""
    wordings = current_wordings(cur, case_id)
    flagged = _flagged(cur, case_id)
    missing = [p for p in flagged if p[0] not in wordings]
    if missing:
        raise InvalidInput(
            f"cannot sign off: {len(missing)} learning point{'s' * (len(missing) != 1)} flagged"
            " for the committee need the redaction review (confirm the shared wording, or"
            " stop sharing the point)"
        )
    for learning_id, scope, _agency, _text, agency_id, recorded_on in flagged:
        wording_id, shared_text = wordings[learning_id]
        cur.execute(
            "INSERT INTO committee_learning (record_id, case_id, learning_id, wording_id, scope,"
            " agency_id, shared_text, recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record_id,
                case_id,
                learning_id,
                wording_id,
                scope,
                agency_id,
                shared_text,
                recorded_on,
            ],
        )
        cur.execute(
            "INSERT INTO committee_learning_themes SELECT ?, learning_id, theme_id"
            " FROM learning_point_themes WHERE learning_id = ?",
            [record_id, learning_id],
        )
    return len(flagged)
