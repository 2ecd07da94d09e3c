"""One agency whatever the capitals or spacing its name is written with ("Police", "police ",
"POLICE"): agencies are looked up by one key everywhere a name is given (ingest, requests,
set-up, invitees, accounts, actions), and a unique index on it (migration 0030) refuses a second
spelling. The name first written is the one kept and shown; nothing typed later renames it."""

from __future__ import annotations

AGENCY_KEY = "lower(trim(regexp_replace({}, '\\s+', ' ', 'g')))"


def agency_key(name: str | None) -> str:
    """Pure: the key two names of one agency share (capitals and spacing aside), for comparing
    names in Python (SQL compares `AGENCY_KEY`)."""
    return " ".join(str(name or "").split()).lower()


def same_agency(a: str | None, b: str | None) -> bool:
    """Pure: whether two names are the same agency ("Police" and "police " are)."""
    return a is not None and b is not None and agency_key(a) == agency_key(b)


def find_agency(cur, name: str | None) -> tuple[int, str] | None:
    """(id, name as kept) of the agency with this name, capitals and spacing aside; None when
    there is none. `cur` is a cursor or the store."""
    if name is None or not str(name).strip():
        return None
    sql = (
        "SELECT agency_id, name FROM agencies"
        f" WHERE {AGENCY_KEY.format('name')} = {AGENCY_KEY.format('?')}"
    )
    if hasattr(cur, "query_one"):
        return cur.query_one(sql, [str(name)])
    rows = cur.execute(sql, [str(name)]).fetchall()
    return rows[0] if rows else None
