"""Assigning categories to events, and the shipped list and rules written at start-up.

Categories are assigned in SQL over the distinct (agency, type) pairs, then written to
`events.category` set-based: at ingest for the new upload, when a rule or the list changes for
every event, and at start-up for events that have none yet. Every function here works on a
cursor inside the caller's write transaction, so the store can seed at start-up without this
module knowing the store (the managed list's own module, `data.categories`, builds on this).
"""

from __future__ import annotations

from data.category_list import OTHER, SHIPPED_CATEGORIES, shipped_rule_rows


def ensure_shipped(cur) -> None:
    """Write the shipped list and rules if the tables are empty; categorise uncategorised events.

    Called at start-up inside the store's first write transaction, so a new database, or one
    migrated from before categories existed, has every event categorised.
    """
    if not cur.execute("SELECT 1 FROM categories LIMIT 1").fetchone():
        cur.executemany(
            "INSERT INTO categories (name, position, symbol, colour, description)"
            " VALUES (?, ?, ?, ?, ?)",
            [[c.name, c.position, c.symbol, c.colour, c.description] for c in SHIPPED_CATEGORIES],
        )
    if not cur.execute("SELECT 1 FROM category_rules LIMIT 1").fetchone():
        write_rules(cur, shipped_rule_rows())
    assign(cur, only_missing=True)


def write_rules(cur, rows: list[tuple[str, str]]) -> None:
    """Replace the rules with these (phrase, category) pairs, tried in this order."""
    cur.execute("DELETE FROM category_rules")
    if rows:
        cur.executemany(
            "INSERT INTO category_rules (position, phrase, category) VALUES (?, ?, ?)",
            [[i + 1, phrase, cat] for i, (phrase, cat) in enumerate(rows)],
        )


# The distinct (agency, type) pairs of `scope`, each with its category: the agency's remembered
# choice, else the first matching rule, else Other. Run on pairs, not events, so it costs the
# number of different types, not of events.
_RESOLVE = """
WITH pairs AS (SELECT DISTINCT agency_id, event_type FROM {scope}),
hits AS (
    SELECT p.agency_id, p.event_type, arg_min(r.category, r.position) AS category
    FROM pairs p JOIN category_rules r ON category_rule_matches(p.event_type, r.phrase)
    GROUP BY p.agency_id, p.event_type
)
SELECT p.agency_id, p.event_type, coalesce(m.category, h.category, '{other}') AS category,
       m.category IS NOT NULL AS remembered
FROM pairs p
LEFT JOIN hits h ON h.agency_id = p.agency_id AND h.event_type = p.event_type
LEFT JOIN agency_type_categories m
       ON m.agency_id = p.agency_id AND m.event_type = p.event_type
"""


def resolved_pairs(scope: str) -> str:
    return _RESOLVE.format(scope=scope, other=OTHER)


def _event_scope(alias: str, upload_id, case_id, only_missing) -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if upload_id is not None:
        clauses.append(f"{alias}.upload_id = ?")
        params.append(upload_id)
    if case_id is not None:
        clauses.append(f"{alias}.case_id = ?")
        params.append(case_id)
    if only_missing:
        clauses.append(f"{alias}.category IS NULL")
    return " AND ".join(clauses), params


_CORRECTIONS = """(SELECT e.agency_id, c.event_type FROM event_changes c
                   JOIN events e ON e.event_id = c.event_id WHERE c.action = 'correct')"""


def assign(
    cur, *, upload_id: int | None = None, case_id: int | None = None, only_missing: bool = False
) -> int:
    """Set events.category (and corrections' category) from remembered choices and the rules.

    `cur` is a cursor inside a write transaction. Limited to one upload's or one case's events
    when given, to events without a category with `only_missing`; else every event. Returns
    how many events changed.
    """
    inner, params = _event_scope("x", upload_id, case_id, only_missing)
    outer, _ = _event_scope("e", upload_id, case_id, only_missing)
    scope = f"(SELECT x.agency_id, x.event_type FROM events x WHERE {inner})"
    changed = cur.execute(
        f"""
        UPDATE events e SET category = r.category
        FROM ({resolved_pairs(scope)}) r
        WHERE e.agency_id = r.agency_id AND e.event_type = r.event_type AND {outer}
          AND e.category IS DISTINCT FROM r.category
        """,
        [*params, *params],
    ).fetchone()[0]
    # A correction carries its own type: categorised the same way, for the event's agency.
    cur.execute(
        f"""
        UPDATE event_changes c SET category = r.category
        FROM events e, ({resolved_pairs(_CORRECTIONS)}) r
        WHERE c.action = 'correct' AND e.event_id = c.event_id
          AND r.agency_id = e.agency_id AND r.event_type = c.event_type
          AND c.category IS DISTINCT FROM r.category
        """
    )
    return int(changed or 0)
