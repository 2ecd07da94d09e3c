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

Assigning categories to events, and seeding the shipped list at start-up, live in
`data.category_assign`; this module manages the list and the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from data import audit
from data.access import require_case
from data.actor import User
from data.agency_names import find_agency
from data.category_assign import assign, resolved_pairs, write_rules
from data.category_list import (
    OTHER,
    SPARE_COLOURS,
    SPARE_SYMBOLS,
    Category,
    phrase_words,
    shipped_rule_rows,
)
from data.errors import Forbidden, InvalidInput
from data.permissions import is_administrator, runs_meetings
from data.store import Store

MAX_NAME = 60
MAX_PHRASE = 100

# ---------------------------------------------------------------------------------------------
# Seeding and reading the list


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
    row = find_agency(store, agency)
    scope = "(SELECT ?::INTEGER AS agency_id, unnest(?::VARCHAR[]) AS event_type)"
    found = {
        t: (cat, bool(remembered))
        for _, t, cat, remembered in store.query(
            resolved_pairs(scope), [row[0] if row else -1, types]
        )
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
    if not is_administrator(user):
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


def _changed(cur, user: User, detail: str, moved: int = 0) -> int:
    """Re-apply the rules to every event and record the change (with the `moved` events that
    followed a renamed or merged category); returns every event whose category changed."""
    changed = moved + assign(cur)
    audit.record(cur, user, audit.CATEGORIES, detail=f"{detail}; {changed} events re-categorised")
    return changed


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
        moved = _move(cur, old, new)
        cur.execute("UPDATE categories SET name = ? WHERE name = ?", [new, old])
        return _changed(cur, user, f"renamed category {old} to {new}", moved)


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
        moved = _move(cur, source, target)
        cur.execute("DELETE FROM categories WHERE name = ?", [source])
        return _changed(cur, user, f"merged category {source} into {target}", moved)


def _move(cur, old: str, new: str) -> int:
    """Everything naming category `old` names `new`; returns the events that moved."""
    cur.execute(  # a case that pinned both keeps one pin
        "DELETE FROM case_key_categories WHERE category = ? AND case_id IN"
        " (SELECT case_id FROM case_key_categories WHERE category = ?)",
        [old, new],
    )
    for table in ("category_rules", "agency_type_categories", "case_key_categories"):
        cur.execute(f"UPDATE {table} SET category = ? WHERE category = ?", [new, old])
    moved = cur.execute("UPDATE events SET category = ? WHERE category = ?", [new, old]).fetchone()
    cur.execute("UPDATE event_changes SET category = ? WHERE category = ?", [new, old])
    return int(moved[0] or 0)


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
        write_rules(cur, rows)
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


def set_key_categories(store: Store, user: User, case_ref: str, names) -> list[str]:
    """Pin these categories as key for the case (at most MAX_KEY_CATEGORIES). Chairs and admins."""
    case = require_case(store, user, case_ref)
    if not runs_meetings(user):
        raise Forbidden("only the chair can pin key categories")
    case_id = case.case_id
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
