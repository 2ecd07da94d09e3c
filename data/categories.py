"""Event categories: the managed list, the word rules, and assigning a category to events.

Every event has a category from a small list a safeguarding room recognises, each with a
fixed marker (a shape and a colour, stored with the category and never derived from the data),
so two cases and every document read the same. The agency's own event type is kept beside it.

A category is proposed from the event type by word rules (`SHIPPED_RULES`, documented in
docs/categories.md): a rule is a phrase of words that matches a type holding them in that
order, case, punctuation and spacing ignored, `*` ending a word prefix ("exclu*" matches
"Exclusion" and "Excluded"), or with a leading `=` only the whole type ("=contact"). Rules are tried in order and the first match wins, so specific
phrases sit before general ones. A type no rule matches is "Other". What an agency's uploader
confirms or changes for its types is remembered (`agency_type_categories`) and wins over the
rules for that agency.

Categories are assigned in SQL over the distinct (agency, type) pairs, then written to
`events.category` set-based: at ingest for the new upload, when a rule or the list changes for
every event, and at start-up for events that have none yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from data import audit
from data.category_list import (
    OTHER,
    SHIPPED_CATEGORIES,
    SPARE_COLOURS,
    SPARE_SYMBOLS,
    Category,
    phrase_words,
    shipped_rule_rows,
)
from data.errors import Forbidden, InvalidInput

if TYPE_CHECKING:
    from data.store import Store
    from data.users import User

MAX_NAME = 60
MAX_PHRASE = 100

# ---------------------------------------------------------------------------------------------
# Seeding and reading the list


def ensure_shipped(store: Store) -> None:
    """Write the shipped list and rules if the tables are empty; categorise uncategorised events.

    Called at start-up, so a new database, or one migrated from before categories existed,
    has every event categorised.
    """
    with store.transaction() as cur:
        if not cur.execute("SELECT 1 FROM categories LIMIT 1").fetchone():
            cur.executemany(
                "INSERT INTO categories (name, position, symbol, colour, description)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    [c.name, c.position, c.symbol, c.colour, c.description]
                    for c in SHIPPED_CATEGORIES
                ],
            )
        if not cur.execute("SELECT 1 FROM category_rules LIMIT 1").fetchone():
            _write_rules(cur, shipped_rule_rows())
        assign(cur, only_missing=True)


def _write_rules(cur, rows: list[tuple[str, str]]) -> None:
    cur.execute("DELETE FROM category_rules")
    if rows:
        cur.executemany(
            "INSERT INTO category_rules (position, phrase, category) VALUES (?, ?, ?)",
            [[i + 1, phrase, cat] for i, (phrase, cat) in enumerate(rows)],
        )


def categories(store: Store) -> list[Category]:
    """The managed list in legend order (Other last)."""
    return [
        Category(*row)
        for row in store.query(
            "SELECT name, position, symbol, colour, description FROM categories"
            " ORDER BY name = ? , position, name",
            [OTHER],
        )
    ]


def category_names(store: Store) -> list[str]:
    return [c.name for c in categories(store)]


def rules(store: Store) -> list[tuple[str, str]]:
    """The rules as (phrase, category) in the order they are tried."""
    return [
        (phrase, cat)
        for phrase, cat in store.query(
            "SELECT phrase, category FROM category_rules ORDER BY position, rule_id"
        )
    ]


# ---------------------------------------------------------------------------------------------
# Proposing and assigning

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


def _resolved(scope: str) -> str:
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
        FROM ({_resolved(scope)}) r
        WHERE e.agency_id = r.agency_id AND e.event_type = r.event_type AND {outer}
          AND e.category IS DISTINCT FROM r.category
        """,
        [*params, *params],
    ).fetchone()[0]
    # A correction carries its own type: categorised the same way, for the event's agency.
    cur.execute(
        f"""
        UPDATE event_changes c SET category = r.category
        FROM events e, ({_resolved(_CORRECTIONS)}) r
        WHERE c.action = 'correct' AND e.event_id = c.event_id
          AND r.agency_id = e.agency_id AND r.event_type = c.event_type
          AND c.category IS DISTINCT FROM r.category
        """
    )
    return int(changed or 0)


@dataclass(frozen=True)
class Proposal:
    event_type: str
    category: str
    remembered: bool  # the agency chose it before (else from the rules, or Other)


def propose(store: Store, agency: str | None, event_types: list[str]) -> list[Proposal]:
    """The category each of these types would get for this agency, in the order given."""
    types = list(dict.fromkeys(t for t in event_types if t is not None))
    if not types:
        return []
    row = store.query_one("SELECT agency_id FROM agencies WHERE name = ?", [(agency or "").strip()])
    scope = "(SELECT ?::INTEGER AS agency_id, unnest(?::VARCHAR[]) AS event_type)"
    found = {
        t: (cat, bool(remembered))
        for _, t, cat, remembered in store.query(_resolved(scope), [row[0] if row else -1, types])
    }
    return [Proposal(t, *found[t]) for t in types]


def remember(cur, agency_id: int, choices: dict[str, str], decided_by: str) -> int:
    """Keep an uploader's category for each of the agency's types (for this and later uploads).

    `cur` is inside the upload's transaction. Unknown categories are refused (InvalidInput).
    """
    if not choices:
        return 0
    known = {n for (n,) in cur.execute("SELECT name FROM categories").fetchall()}
    unknown = sorted({c for c in choices.values() if c not in known})
    if unknown:
        raise InvalidInput(f"no such category: {', '.join(unknown)}")
    cur.executemany(
        """
        INSERT INTO agency_type_categories (agency_id, event_type, category, decided_by)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (agency_id, event_type) DO UPDATE
        SET category = excluded.category, decided_by = excluded.decided_by,
            decided_at = now()::TIMESTAMP
        """,
        [[agency_id, t, c, decided_by] for t, c in choices.items()],
    )
    return len(choices)


# ---------------------------------------------------------------------------------------------
# Managing the list and the rules (admins); each change is audited and re-applied to events


def _require_admin(user: User) -> None:
    if user.role != "admin":
        raise Forbidden("only an administrator can change the event categories and their rules")


def _clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise InvalidInput("a category needs a name")
    if len(text) > MAX_NAME:
        raise InvalidInput(f"a category name is at most {MAX_NAME} characters ({len(text)} given)")
    return text


def _require_category(cur, name: str) -> None:
    if not cur.execute("SELECT 1 FROM categories WHERE name = ?", [name]).fetchone():
        raise InvalidInput(f"there is no category {name!r}")


def _changed(cur, user: User, detail: str) -> int:
    """Re-apply the rules to every event and record the change; returns events changed."""
    moved = assign(cur)
    audit.record(cur, user, audit.CATEGORIES, detail=f"{detail}; {moved} events re-categorised")
    return moved


def add_category(store: Store, user: User, name: str, description: str = "") -> Category:
    """A new category, placed before Other, with the first marker no category uses."""
    _require_admin(user)
    name = _clean_name(name)
    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM categories WHERE lower(name) = lower(?)", [name]).fetchone():
            raise InvalidInput(f"there is already a category {name!r}")
        used = {s for (s,) in cur.execute("SELECT symbol FROM categories").fetchall()}
        spare = [s for s in SPARE_SYMBOLS if s not in used]
        if not spare:
            raise InvalidInput("every marker shape is in use: merge two categories first")
        count, last = cur.execute(
            "SELECT count(*), max(position) FILTER (WHERE name <> ?) FROM categories", [OTHER]
        ).fetchone()
        category = Category(
            name,
            (last or 0) + 1,
            spare[0],
            SPARE_COLOURS[count % len(SPARE_COLOURS)],
            " ".join((description or "").split())[:200],
        )
        cur.execute(
            "UPDATE categories SET position = position + 1 WHERE position >= ?",
            [category.position],
        )
        cur.execute(
            "INSERT INTO categories (name, position, symbol, colour, description)"
            " VALUES (?, ?, ?, ?, ?)",
            [category.name, category.position, category.symbol, category.colour,
             category.description],
        )  # fmt: skip
        audit.record(cur, user, audit.CATEGORIES, detail=f"added category {name}")
    return category


def rename_category(store: Store, user: User, old: str, new: str) -> int:
    """Rename a category; its marker, rules, remembered choices and events follow."""
    _require_admin(user)
    new = _clean_name(new)
    if old == OTHER:
        raise InvalidInput(f"{OTHER!r} is where unmatched types go and keeps its name")
    with store.transaction() as cur:
        _require_category(cur, old)
        clash = cur.execute(
            "SELECT 1 FROM categories WHERE lower(name) = lower(?) AND name <> ?", [new, old]
        ).fetchone()
        if clash:
            raise InvalidInput(f"there is already a category {new!r}: merge instead")
        _move(cur, old, new)
        cur.execute("UPDATE categories SET name = ? WHERE name = ?", [new, old])
        return _changed(cur, user, f"renamed category {old} to {new}")


def merge_categories(store: Store, user: User, source: str, target: str) -> int:
    """Fold `source` into `target`: its rules, choices and events move; `source` is removed."""
    _require_admin(user)
    if source == target:
        raise InvalidInput("choose two different categories to merge")
    if source == OTHER:
        raise InvalidInput(f"{OTHER!r} cannot be merged away: it is where unmatched types go")
    with store.transaction() as cur:
        _require_category(cur, source)
        _require_category(cur, target)
        _move(cur, source, target)
        cur.execute("DELETE FROM categories WHERE name = ?", [source])
        return _changed(cur, user, f"merged category {source} into {target}")


def _move(cur, old: str, new: str) -> None:
    cur.execute(  # a case that pinned both keeps one pin
        "DELETE FROM case_key_categories WHERE category = ? AND case_id IN"
        " (SELECT case_id FROM case_key_categories WHERE category = ?)",
        [old, new],
    )
    for table in ("category_rules", "agency_type_categories", "case_key_categories"):
        cur.execute(f"UPDATE {table} SET category = ? WHERE category = ?", [new, old])
    cur.execute("UPDATE events SET category = ? WHERE category = ?", [new, old])
    cur.execute("UPDATE event_changes SET category = ? WHERE category = ?", [new, old])


def parse_rules(text: str, known: set[str]) -> list[tuple[str, str]]:
    """Rules written one a line as `phrase => Category`, in the order they are tried.

    Blank lines and lines starting with # are skipped. Raises InvalidInput naming the line.
    """
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        phrase, arrow, category = line.partition("=>")
        phrase, category = phrase_words(phrase), " ".join(category.split())
        if not arrow or not phrase.lstrip("="):
            raise InvalidInput(f"rules line {number}: write it as 'words => Category'")
        if len(phrase) > MAX_PHRASE:
            raise InvalidInput(f"rules line {number}: the words are over {MAX_PHRASE} characters")
        if category not in known:
            raise InvalidInput(f"rules line {number}: there is no category {category!r}")
        rows.append((phrase, category))
    return rows


def rules_text(rows: list[tuple[str, str]]) -> str:
    """The rules in the form parse_rules reads."""
    return "".join(f"{phrase} => {category}\n" for phrase, category in rows)


def set_rules(store: Store, user: User, text: str) -> int:
    """Replace the rules with those written in `text`; returns events re-categorised."""
    _require_admin(user)
    with store.transaction() as cur:
        known = {n for (n,) in cur.execute("SELECT name FROM categories").fetchall()}
        rows = parse_rules(text, known)
        before = cur.execute("SELECT count(*) FROM category_rules").fetchone()[0]
        _write_rules(cur, rows)
        return _changed(cur, user, f"rules changed ({before} before, {len(rows)} now)")


def restore_shipped_rules(store: Store, user: User) -> int:
    """Put the shipped rules back (rules naming a category no longer listed are left out)."""
    known = set(category_names(store))
    return set_rules(store, user, rules_text([r for r in shipped_rule_rows() if r[1] in known]))


# ---------------------------------------------------------------------------------------------
# Key categories of a case (drawn larger on its timeline)

MAX_KEY_CATEGORIES = 4


def key_categories(store: Store, case_id: int) -> list[str]:
    return [
        name
        for (name,) in store.query(
            "SELECT k.category FROM case_key_categories k JOIN categories c ON c.name = k.category"
            " WHERE k.case_id = ? ORDER BY c.position",
            [case_id],
        )
    ]


def set_key_categories(store: Store, user: User, case_id: int, case_ref: str, names) -> list[str]:
    """Pin these categories as key for the case (at most MAX_KEY_CATEGORIES). Chairs and admins."""
    if user.role not in ("admin", "chair"):
        raise Forbidden("only the chair can pin key categories")
    picked = list(dict.fromkeys(names or []))
    if len(picked) > MAX_KEY_CATEGORIES:
        raise InvalidInput(f"pin at most {MAX_KEY_CATEGORIES} key categories")
    with store.transaction() as cur:
        for name in picked:
            _require_category(cur, name)
        cur.execute("DELETE FROM case_key_categories WHERE case_id = ?", [case_id])
        if picked:
            cur.executemany(
                "INSERT INTO case_key_categories (case_id, category) VALUES (?, ?)",
                [[case_id, n] for n in picked],
            )
        audit.record(
            cur,
            user,
            audit.CHANGE,
            case_ref=case_ref,
            detail="key categories: " + (", ".join(picked) or "none"),
        )
    return picked


def category_counts(store: Store) -> dict[str, int]:
    """How many current events (all cases) each category has."""
    return dict(
        store.query(
            "SELECT category, count(*) FROM events_current WHERE retired_at IS NULL GROUP BY ALL"
        )
    )
