"""What the committee can read, for tests that check nothing identifying reaches it."""

from __future__ import annotations

INTERNAL_VIEWS = {"crc_case_keys"}  # case id -> key, used by the views themselves


def everything_the_committee_can_read(store) -> str:
    """Every value of every crc_* view, as one text."""
    return "\n".join(
        " ".join(str(v) for v in row)
        for view in crc_views(store)
        for row in store.query(f"SELECT * FROM {view}")
    )


def crc_views(store) -> list[str]:
    """Every crc_* view the database has (so a view added later is checked too)."""
    return [
        name
        for (name,) in store.query(
            "SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'crc\\_%' ESCAPE '\\'"
            " AND NOT internal ORDER BY 1"
        )
        if name not in INTERNAL_VIEWS
    ]
