"""What was uploaded: a case's uploads, their rejected rows (and as CSV), an event's extra columns."""

from __future__ import annotations

import json

from data.access import require_case
from data.actor import User
from data.exports import csv_text
from data.ingest.model import REJECTS_COLUMNS
from data.store import Store


def list_uploads(store: Store, user: User, case_ref: str) -> list[dict]:
    """The case's uploads, newest first, with counts and whether each was retired."""
    case = require_case(store, user, case_ref)
    cur = store.cursor().execute(
        """
        SELECT u.upload_id, a.name AS agency, u.file_name, u.uploaded_by, u.uploaded_at,
               u.row_count, u.event_count, u.rejected_count, u.warning_count, u.encoding,
               u.delimiter, u.mode, u.retired_at, u.replaced_by
        FROM uploads u JOIN agencies a ON a.agency_id = u.agency_id
        WHERE u.case_id = ?
        ORDER BY u.uploaded_at DESC, u.upload_id DESC
        """,
        [case.case_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def rejected_rows(
    store: Store, user: User, case_ref: str, upload_id: int | None = None
) -> list[list]:
    """Rejected rows of the case (or of one of its uploads) in REJECTS_COLUMNS order."""
    case = require_case(store, user, case_ref)
    return [
        list(r)
        for r in store.query(
            """
            SELECT a.name, u.file_name, r.row_number, r.column_name, r.value, r.reason, r.raw
            FROM rejected_rows r JOIN uploads u ON u.upload_id = r.upload_id
            JOIN agencies a ON a.agency_id = u.agency_id
            WHERE u.case_id = ? AND (CAST(? AS INTEGER) IS NULL OR u.upload_id = ?)
            ORDER BY u.uploaded_at, u.upload_id, r.row_number
            """,
            [case.case_id, upload_id, upload_id],
        )
    ]


def rejects_csv(store: Store, user: User, case_ref: str, upload_id: int | None = None) -> str:
    """The rejected rows as a formula-safe CSV: agency,file,row,column,value,reason,raw."""
    return csv_text(REJECTS_COLUMNS, rejected_rows(store, user, case_ref, upload_id))


def event_extra(store: Store, user: User, case_ref: str, event_id: int) -> dict[str, str]:
    """The other columns the agency sent with one event of the case (for its details)."""
    case = require_case(store, user, case_ref)
    row = store.query_one(
        "SELECT extra FROM events WHERE case_id = ? AND event_id = ?", [case.case_id, event_id]
    )
    if row is None or row[0] is None:
        return {}
    return json.loads(row[0])
