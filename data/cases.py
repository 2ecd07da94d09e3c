"""Cases and agencies: the store's named functions for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from data import audit
from data.actor import User
from data.agency_names import find_agency
from data.errors import InvalidInput, NotFound
from data.permissions import visible_case_filter
from data.store import Store
from data.text_fields import required_text, within

CASE_REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")
MAX_LABEL = 80


@dataclass(frozen=True)
class Case:
    case_id: int
    case_ref: str
    label: str | None
    date_of_birth: date | None
    is_demo: bool


@dataclass(frozen=True)
class CaseSummary:
    case_ref: str
    label: str | None
    date_of_birth: date | None
    event_count: int
    agency_count: int
    first_event: date | None
    last_event: date | None


def validate_case_ref(case_ref: str) -> str:
    if not CASE_REF_PATTERN.match(case_ref or ""):
        raise InvalidInput(
            f"case reference {case_ref!r} is not valid: use 2-40 letters, digits, '-' or '_' "
            "(no names or other personal data)"
        )
    return case_ref


def add_case(
    store: Store,
    case_ref: str,
    *,
    date_of_birth: date | None = None,
    label: str | None = None,
    is_demo: bool = False,
) -> Case:
    """Create a case; the reference must be new."""
    validate_case_ref(case_ref)
    if label is not None:
        within(label, "label", MAX_LABEL)
    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM cases WHERE case_ref = ?", [case_ref]).fetchone():
            raise InvalidInput(f"case {case_ref} already exists")
        cur.execute(
            "INSERT INTO cases (case_ref, label, date_of_birth, is_demo) VALUES (?, ?, ?, ?)",
            [case_ref, label, date_of_birth, is_demo],
        )
    return get_case(store, case_ref)


# A `Case` row, from the cases table aliased `c`.
CASE_COLUMNS = "c.case_id, c.case_ref, c.label, c.date_of_birth, c.is_demo"


def get_case(store: Store, case_ref: str) -> Case:
    row = store.query_one(f"SELECT {CASE_COLUMNS} FROM cases c WHERE c.case_ref = ?", [case_ref])
    if row is None:
        raise NotFound(f"unknown case {case_ref!r}")
    return Case(*row)


def list_cases(store: Store, user: User) -> list[CaseSummary]:
    """The cases this user may open, with counts of events and agencies, newest first."""
    condition, params = visible_case_filter(user)
    rows = store.query(
        f"""
        SELECT c.case_ref, c.label, c.date_of_birth,
               count(e.event_id), count(DISTINCT e.agency_id),
               min(e.event_date), max(e.event_date)
        FROM cases c LEFT JOIN events e ON e.case_id = c.case_id AND e.retired_at IS NULL
        WHERE {condition}
        GROUP BY c.case_id, c.case_ref, c.label, c.date_of_birth, c.created_at
        ORDER BY c.created_at DESC, c.case_ref
        """,
        params,
    )
    return [CaseSummary(*row) for row in rows]


def count_cases(store: Store) -> int:
    return store.query_one("SELECT count(*) FROM cases")[0]


def add_case_agency(cur, case_id: int, agency_id: int, *, by, why: str) -> bool:
    """Let an agency's users open a case (inside the caller's transaction), audited as a grant
    by `by` (a User or a name) for the reason `why`; False if the agency already had access."""
    # fetchall, not fetchone: the caller's cursor must have no unfinished result afterwards.
    if cur.execute(
        "SELECT 1 FROM case_agencies WHERE case_id = ? AND agency_id = ?", [case_id, agency_id]
    ).fetchall():
        return False
    cur.execute(
        "INSERT INTO case_agencies (case_id, agency_id) VALUES (?, ?)", [case_id, agency_id]
    )
    case_ref, agency = cur.execute(
        "SELECT c.case_ref, a.name FROM cases c, agencies a WHERE c.case_id = ? AND a.agency_id = ?",
        [case_id, agency_id],
    ).fetchall()[0]
    audit.record(cur, by, audit.ACCESS_GRANTED, case_ref=case_ref, detail=f"agency {agency}: {why}")
    return True


def ensure_agency(cur, name: str) -> int:
    """The id of the agency with this name (capitals and spacing aside: `find_agency`),
    creating it inside the caller's transaction."""
    name = required_text(name, "agency name", MAX_LABEL)
    row = find_agency(cur, name)
    if row:
        return row[0]
    return cur.execute(
        "INSERT INTO agencies (name) VALUES (?) RETURNING agency_id", [name]
    ).fetchone()[0]


def list_agencies(store: Store) -> list[str]:
    return [name for (name,) in store.query("SELECT name FROM agencies ORDER BY name")]
