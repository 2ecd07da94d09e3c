"""A whole case as one JSON document: export, and import into any database (ids remapped).

The document (format "rpm-timeline-case", version 1) is described in docs/schema.md. It is
generic over `ARCHIVE_TABLES`, the declared list of case-scoped tables: each says how its rows
are found for a case, which column is its own key (given new values from its sequence on
import) and which columns refer to keys of other archived tables or to the shared lookups
(agencies and themes, carried by name and matched or created by name on import). A table
another module adds later is one more line in that list.

Column names in SQL always come from the database's own catalogue, never from the file: a
column in the file that the table does not have is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa

from data.access import require_case
from data.actor import User
from data.cases import ensure_agency, validate_case_ref
from data.errors import Forbidden, InvalidInput
from data.permissions import is_administrator
from data.store import Store

FORMAT = "rpm-timeline-case"
VERSION = 1
BY_CASE = "case_id = ?"


@dataclass(frozen=True)
class ArchiveTable:
    """One case-scoped table: how to find its rows, its key, and what its columns refer to.

    `where` is a trusted SQL condition with one `?` for the case id. `refs` maps a column to
    the archived table whose key it holds, or to a lookup of `LOOKUPS`. `shared` names the table
    linking a row to the cases it covers when it may cover others too (a committee decision on
    a theme); on import, one the database already has (the same row, imported with another case
    it covers) is joined, not copied.
    """

    name: str
    key: str | None = None
    sequence: str | None = None
    where: str = BY_CASE
    refs: dict[str, str] = field(default_factory=dict)
    shared: str | None = None


def _shared(name: str, key: str, sequence: str, where: str) -> tuple[ArchiveTable, ArchiveTable]:
    """A committee record that may cover several cases, and its table of the cases it covers
    (named after the key: decision_id -> committee_decision_cases), every one of them."""
    links = f"{name.split('_')[0]}_{key.removesuffix('_id')}_cases"
    return (
        ArchiveTable(name, key, sequence, where=where, shared=links),
        ArchiveTable(links, where=where, refs={key: name, "case_id": "covered_cases"}),
    )


_IN_CASE_UPLOADS = "upload_id IN (SELECT upload_id FROM uploads WHERE case_id = ?)"
_DECIDED = "decision_id IN (SELECT decision_id FROM committee_decision_cases WHERE case_id = ?)"
_DELIVERED = "delivery_id IN (SELECT delivery_id FROM briefing_delivery_cases WHERE case_id = ?)"
_IN_CASE_LEARNING = "learning_id IN (SELECT learning_id FROM learning_points WHERE case_id = ?)"

# Referenced tables come before the tables that refer to them.
ARCHIVE_TABLES: tuple[ArchiveTable, ...] = (
    ArchiveTable("cases", "case_id", "case_id_seq"),
    ArchiveTable("case_agencies", refs={"case_id": "cases", "agency_id": "agencies"}),
    ArchiveTable(
        "uploads", "upload_id", "upload_id_seq", refs={"case_id": "cases", "agency_id": "agencies"}
    ),
    ArchiveTable(
        "events",
        "event_id",
        "event_id_seq",
        refs={"case_id": "cases", "agency_id": "agencies", "upload_id": "uploads"},
    ),
    ArchiveTable(
        "rejected_rows",
        "rejected_id",
        "rejected_id_seq",
        where=_IN_CASE_UPLOADS,
        refs={"upload_id": "uploads"},
    ),
    ArchiveTable("episodes", "episode_id", "episode_id_seq", refs={"case_id": "cases"}),
    ArchiveTable(
        "reflections",
        "reflection_id",
        "reflection_id_seq",
        refs={
            "case_id": "cases",
            "event_id": "events",
            "episode_id": "episodes",
            "agency_id": "agencies",
            "lens_agency_id": "agencies",
        },
    ),
    ArchiveTable(
        "reflection_history",
        "history_id",
        "reflection_history_id_seq",
        refs={"case_id": "cases", "reflection_id": "reflections"},
    ),
    # Links between events (0019): who told whom, and the suggestions dismissed.
    ArchiveTable(
        "event_links",
        "link_id",
        "event_link_id_seq",
        refs={"case_id": "cases", "from_event_id": "events", "to_event_id": "events"},
    ),
    ArchiveTable(
        "event_link_history",
        "history_id",
        "event_link_history_id_seq",
        refs={"case_id": "cases", "link_id": "event_links"},
    ),
    ArchiveTable(
        "learning_points",
        "learning_id",
        "learning_id_seq",
        refs={"case_id": "cases", "agency_id": "agencies"},
    ),
    ArchiveTable(
        "learning_point_themes",
        where=_IN_CASE_LEARNING,
        refs={"learning_id": "learning_points", "theme_id": "themes"},
    ),
    ArchiveTable(
        "learning_point_links",
        where=_IN_CASE_LEARNING,
        refs={"learning_id": "learning_points", "event_id": "events", "episode_id": "episodes"},
    ),
    ArchiveTable(
        "learning_point_history",
        "history_id",
        "learning_history_id_seq",
        refs={"case_id": "cases", "learning_id": "learning_points"},
    ),
    ArchiveTable(
        "actions",
        "action_id",
        "action_id_seq",
        refs={
            "case_id": "cases",
            "learning_id": "learning_points",
            "owner_agency_id": "agencies",
        },
    ),
    ArchiveTable(
        "action_history",
        "history_id",
        "action_history_id_seq",
        refs={"case_id": "cases", "action_id": "actions"},
    ),
    # Migrations 0002 and 0006: the flowchart, the meeting, its invitees and record versions. A
    # signed version's snapshot is kept as signed (it names the case reference it was signed
    # under, even when imported with --as).
    ArchiveTable("case_workflow", refs={"case_id": "cases"}),
    ArchiveTable(
        "case_workflow_changes",
        "change_id",
        "workflow_change_id_seq",
        refs={"case_id": "cases"},
    ),
    ArchiveTable("meetings", "meeting_id", "meeting_id_seq", refs={"case_id": "cases"}),
    ArchiveTable("case_requests", refs={"case_id": "cases", "requesting_agency_id": "agencies"}),
    ArchiveTable(
        "invitees",
        "invitee_id",
        "invitee_id_seq",
        refs={"case_id": "cases", "agency_id": "agencies"},
    ),
    ArchiveTable("meeting_records", "record_id", "record_id_seq", refs={"case_id": "cases"}),
    # The glossary, the redaction review's wordings and the learning each signed version sent
    # to the committee (0012).
    ArchiveTable(
        "glossary_entries", "entry_id", "glossary_entry_id_seq", refs={"case_id": "cases"}
    ),
    ArchiveTable(
        "learning_shared_wording",
        "wording_id",
        "shared_wording_id_seq",
        refs={"case_id": "cases", "learning_id": "learning_points"},
    ),
    ArchiveTable(
        "committee_learning",
        refs={
            "record_id": "meeting_records",
            "case_id": "cases",
            "learning_id": "learning_points",
            "wording_id": "learning_shared_wording",
            "agency_id": "agencies",
        },
    ),
    ArchiveTable(
        "committee_learning_themes",
        where="record_id IN (SELECT record_id FROM meeting_records WHERE case_id = ?)",
        refs={
            "record_id": "meeting_records",
            "learning_id": "learning_points",
            "theme_id": "themes",
        },
    ),
    # The committee's decisions, their actions and the briefings delivered that cover the case
    # (0013e, 0017), with every case each covers (the others by reference, "covered_cases").
    *_shared("committee_decisions", "decision_id", "committee_decision_id_seq", _DECIDED),
    ArchiveTable(
        "committee_actions",
        "action_id",
        "committee_action_id_seq",
        where=_DECIDED,
        refs={"decision_id": "committee_decisions", "owner_agency_id": "agencies"},
    ),
    ArchiveTable(
        "committee_action_changes",
        "change_id",
        "committee_action_change_id_seq",
        where=f"action_id IN (SELECT action_id FROM committee_actions WHERE {_DECIDED})",
        refs={"action_id": "committee_actions"},
    ),
    *_shared("briefing_deliveries", "delivery_id", "briefing_delivery_id_seq", _DELIVERED),
    ArchiveTable(
        "committee_record_changes",
        "change_id",
        "committee_record_change_id_seq",
        where=f"({_DECIDED} OR {_DELIVERED})".replace("?", "$1"),  # the case id twice
        refs={"decision_id": "committee_decisions", "delivery_id": "briefing_deliveries"},
    ),
)
# Rows of other tables carried by name: (table, key, name column).
LOOKUPS = {
    "agencies": ("agencies", "agency_id", "name"),
    "themes": ("themes", "theme_id", "name"),
    # the cases a committee decision or delivery covers (this one and others), by reference
    "covered_cases": ("cases", "case_id", "case_ref"),
}


def _columns(cur, table: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns, in order, from the catalogue."""
    return [
        (name, dtype)
        for name, dtype in cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return value


# --- export ---------------------------------------------------------------------------------


def export_case(store: Store, user: User, case_ref: str) -> dict:
    """The whole case as a JSON-ready dict (see docs/schema.md, "Case archive")."""
    case = require_case(store, user, case_ref)
    cur = store.cursor()
    tables: dict[str, dict] = {}
    used: dict[str, set] = {name: set() for name in LOOKUPS}
    for spec in ARCHIVE_TABLES:
        columns = [name for name, _ in _columns(cur, spec.name)]
        order = spec.key or "ALL"
        # Table and column names here are ours (the declared list and the catalogue).
        rows = cur.execute(
            f"SELECT {', '.join(columns)} FROM {spec.name} WHERE {spec.where} ORDER BY {order}",
            [case.case_id],
        ).fetchall()
        out_rows = [[_json_value(v) for v in row] for row in rows]
        tables[spec.name] = {"columns": columns, "rows": out_rows}
        for column, target in spec.refs.items():
            if target in LOOKUPS:
                index = columns.index(column)
                used[target].update(row[index] for row in rows if row[index] is not None)
    lookups = {}
    for name, (table, key, label) in LOOKUPS.items():
        ids = sorted(used[name])
        names = (
            dict(
                cur.execute(
                    f"SELECT {key}, {label} FROM {table} WHERE list_contains(?, {key})", [ids]
                ).fetchall()
            )
            if ids
            else {}
        )
        lookups[name] = {str(i): names[i] for i in ids}
    return {
        "format": FORMAT,
        "version": VERSION,
        "case_ref": case.case_ref,
        "exported_at": datetime.now().isoformat(sep=" ", timespec="seconds"),
        "lookups": lookups,
        "tables": tables,
    }


def write_case(store: Store, user: User, case_ref: str, path: str | Path) -> dict:
    """Export the case to a JSON file (UTF-8); returns the document."""
    document = export_case(store, user, case_ref)
    Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return document


# --- import ---------------------------------------------------------------------------------


def read_case_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInput(f"{path.name}: file not found") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path.name}: not a JSON case archive ({exc})") from exc


def import_case(
    store: Store,
    user: User,
    document: dict,
    new_ref: str | None = None,
    notes: list[str] | None = None,
) -> str:
    """Restore an exported case under its own reference or `new_ref`; returns the reference.

    Every key is given a new value from its sequence, so the case can be imported into a
    database that already has rows (even a copy of the same case, under another reference).
    Agencies and themes are matched by name and created when missing. A committee decision (or
    delivery) covering other cases covers those of them the database has; one already here
    (imported with another case it covers) is joined rather than copied. What could not be
    linked (a covered case the database does not have) is said in `notes`. All or nothing.
    """
    if not is_administrator(user):
        raise Forbidden("only an administrator can import a case")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f"not a case archive: the format is not {FORMAT!r}")
    if document.get("version") != VERSION:
        raise InvalidInput(
            f"case archive version {document.get('version')!r} is not supported (expected {VERSION})"
        )
    tables = document.get("tables")
    if not isinstance(tables, dict) or "cases" not in tables:
        raise InvalidInput("the case archive has no cases table")
    known = {spec.name: spec for spec in ARCHIVE_TABLES}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise InvalidInput(f"the case archive has tables this version does not know: {unknown}")
    case_rows = tables["cases"].get("rows") or []
    if len(case_rows) != 1:
        raise InvalidInput("the case archive must hold exactly one case")
    ref_index = _index(tables["cases"], "case_ref", "cases")
    case_ref = validate_case_ref(new_ref or case_rows[0][ref_index])
    lookups = document.get("lookups") or {}

    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM cases WHERE case_ref = ?", [case_ref]).fetchone():
            raise InvalidInput(
                f"case {case_ref} already exists: import it under another reference with --as"
            )
        maps: dict[str, dict] = {
            "agencies": _lookup_map(cur, lookups.get("agencies") or {}, "agencies"),
            "themes": _lookup_map(cur, lookups.get("themes") or {}, "themes"),
        }
        here: dict[str, dict] = {}  # shared rows the database has: old key -> key here
        left: dict[str, set] = {}  # old keys of rows left out because they hang on those
        for spec in ARCHIVE_TABLES:
            if spec.name not in tables:
                continue
            table = tables[spec.name]
            if spec.shared:
                covers = _covers(tables.get(spec.shared), spec.key, maps["covered_cases"])
                here[spec.name] = _already_here(cur, spec, table, covers)
            if spec.name != "cases":
                table = _rows_to_import(spec, table, maps, here, left)
            mapping = _import_table(cur, spec, table, maps, case_ref)
            maps[spec.name] = {**mapping, **here.get(spec.name, {})}
            if spec.name == "cases":
                maps["covered_cases"] = _covered_cases(
                    cur, lookups.get("covered_cases") or {}, mapping, notes
                )
        case_id = next(iter(maps["cases"].values()))
        cur.execute(
            "INSERT INTO case_revisions (case_id, revision) VALUES (?, 1)"
            " ON CONFLICT (case_id) DO UPDATE SET revision = case_revisions.revision + 1",
            [case_id],
        )
    return case_ref


def _covered_cases(cur, refs: dict, imported: dict, notes: list[str] | None) -> dict:
    """Old case id -> case id here of the cases committee records cover: this case as imported,
    the others by reference when the database has them (left out, and said, when not)."""
    out = dict(imported)  # archives before the lookup linked this case only
    for old_id, case_ref in refs.items():
        old_id = int(old_id)
        if old_id in out:
            continue
        row = cur.execute(
            "SELECT case_id FROM cases WHERE case_ref = ?", [str(case_ref)]
        ).fetchone()
        if row:
            out[old_id] = row[0]
        elif notes is not None:
            notes.append(
                f"a committee decision or briefing in the archive also covers case {case_ref},"
                " which this database does not have: it covers the cases here only"
            )
    return out


def _covers(links: dict | None, key: str, covered: dict) -> dict:
    """Old key of a shared row -> the ids here of the cases the archive says it covers."""
    columns, rows = (links or {}).get("columns") or [], (links or {}).get("rows")
    if key not in columns or "case_id" not in columns or not isinstance(rows, list):
        return {}
    at, case_at = columns.index(key), columns.index("case_id")
    out: dict = {}
    for row in rows:
        if isinstance(row, list) and len(row) == len(columns) and row[case_at] in covered:
            out.setdefault(row[at], []).append(covered[row[case_at]])
    return out


def _already_here(cur, spec: ArchiveTable, table: dict, covers: dict) -> dict:
    """Old key -> key here of the shared rows (decisions, deliveries) the database already has:
    the same row (every column but the key) covering one of the cases the archived row covers."""
    columns = [c for c in table.get("columns") or [] if c != spec.key]
    rows = table.get("rows")
    if spec.key not in (table.get("columns") or []) or not isinstance(rows, list) or not covers:
        return {}
    types = dict(_columns(cur, spec.name))
    if any(c not in types for c in columns):
        return {}  # refused by _import_table
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM CAST(? AS {types[c]})" for c in columns)
    key_index = table["columns"].index(spec.key)
    found = {}
    for row in rows:
        if not isinstance(row, list) or len(row) != len(columns) + 1:
            continue
        if not covers.get(row[key_index]):
            continue
        values = [None if v is None else _text(v) for i, v in enumerate(row) if i != key_index]
        hit = cur.execute(
            f"SELECT t.{spec.key} FROM {spec.name} t JOIN {spec.shared} l"
            f" ON l.{spec.key} = t.{spec.key} WHERE {same} AND list_contains(?, l.case_id)",
            [*values, covers[row[key_index]]],
        ).fetchone()
        if hit:
            found[row[key_index]] = hit[0]
    return found


def _rows_to_import(spec: ArchiveTable, table: dict, maps: dict, here: dict, left: dict) -> dict:
    """The table less what the database already has: shared rows found `here` (old key -> key),
    the rows hanging on them (their actions and changes, whose keys go into `left`), their links
    to cases other than the imported one, and links to cases the database does not have."""
    columns, rows = table.get("columns"), table.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        return table  # refused by _import_table
    refs = [(columns.index(c), t) for c, t in spec.refs.items() if c in columns]
    case_index = next((i for i, t in refs if t == "covered_cases"), None)
    key_index = columns.index(spec.key) if spec.key in columns else None
    kept = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(columns):
            kept.append(row)  # refused with its row number by _import_table
            continue
        if key_index is not None and row[key_index] in here.get(spec.name, {}):
            continue
        on_here = any(row[i] in here.get(t, {}) for i, t in refs)
        if case_index is not None:
            case = row[case_index]
            if case not in maps["covered_cases"] or (on_here and case not in maps["cases"]):
                continue
        elif on_here or any(row[i] in left.get(t, ()) for i, t in refs):
            if key_index is not None:
                left.setdefault(spec.name, set()).add(row[key_index])
            continue
        kept.append(row)
    return {**table, "rows": kept}


def _index(table: dict, column: str, name: str) -> int:
    columns = table.get("columns") or []
    if column not in columns:
        raise InvalidInput(f"the case archive's {name} table has no {column} column")
    return columns.index(column)


def _lookup_map(cur, names: dict, lookup: str) -> dict:
    out = {}
    for old_id, name in names.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(f"the case archive's {lookup} lookup has an empty name")
        if lookup == "agencies":
            out[int(old_id)] = ensure_agency(cur, name)
        else:
            row = cur.execute("SELECT theme_id FROM themes WHERE name = ?", [name]).fetchone()
            out[int(old_id)] = (
                row[0]
                if row
                else cur.execute(
                    "INSERT INTO themes (name) VALUES (?) RETURNING theme_id", [name]
                ).fetchone()[0]
            )
    return out


def _import_table(cur, spec: ArchiveTable, table: dict, maps: dict, case_ref: str) -> dict:
    """Insert one table's rows with keys and references remapped; returns old key -> new key."""
    catalogue = _columns(cur, spec.name)
    types = dict(catalogue)
    columns = table.get("columns")
    rows = table.get("rows")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise InvalidInput(f"the case archive's {spec.name} table needs columns and rows")
    strange = [c for c in columns if c not in types]
    if strange:
        raise InvalidInput(f"the case archive's {spec.name} table has unknown columns {strange}")
    width = len(columns)
    mapping: dict = {}
    if spec.key is not None:
        if spec.key not in columns:
            raise InvalidInput(f"the case archive's {spec.name} table has no {spec.key} column")
        key_index = columns.index(spec.key)
        old_keys = sorted(row[key_index] for row in rows)
        if len(set(old_keys)) != len(old_keys):
            raise InvalidInput(f"the case archive's {spec.name} table repeats a {spec.key}")
        # The sequence name is ours (the declared list), never from the file.
        new_keys = sorted(
            k
            for (k,) in cur.execute(
                f"SELECT nextval('{spec.sequence}') FROM range(?)", [len(old_keys)]
            ).fetchall()
        )
        mapping = dict(zip(old_keys, new_keys, strict=True))
    remaps = {columns.index(c): maps.get(t, {}) for c, t in spec.refs.items() if c in columns}
    if spec.key is not None:
        remaps[key_index] = mapping
    ref_index = (
        columns.index("case_ref") if spec.name == "cases" and "case_ref" in columns else None
    )
    values: list[list] = [[] for _ in columns]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != width:
            raise InvalidInput(f"the case archive's {spec.name} row {number} has the wrong size")
        for i, value in enumerate(row):
            if value is not None and i in remaps:
                if value not in remaps[i]:
                    raise InvalidInput(
                        f"the case archive's {spec.name} row {number}: {columns[i]} {value}"
                        " refers to nothing in the archive"
                    )
                value = remaps[i][value]
            if i == ref_index:
                value = case_ref
            values[i].append(None if value is None else _text(value))
    if rows:
        staged = pa.table({f"c{i}": pa.array(v, type=pa.string()) for i, v in enumerate(values)})
        cur.register("archive_rows", staged)
        try:
            _refuse_bad_rows(cur, spec.name, columns, types)
            # Column names and types from the catalogue; staged columns are c0..cN.
            select = ", ".join(f"CAST(c{i} AS {types[c]})" for i, c in enumerate(columns))
            cur.execute(
                f"INSERT INTO {spec.name} ({', '.join(columns)}) SELECT {select} FROM archive_rows"
            )
        finally:
            cur.unregister("archive_rows")
    return mapping


def _refuse_bad_rows(cur, table: str, columns: list[str], types: dict) -> None:
    """Before the insert (a failed insert would only name the table): the first staged row
    whose value is not of its column's type, is missing where required, or breaks one of the
    table's CHECK constraints, as one line naming table, row and field. Names and
    expressions come from the catalogue, never from the file."""
    typed = ", ".join(
        f'c{i} AS "raw_{c}", TRY_CAST(c{i} AS {types[c]}) AS "{c}"' for i, c in enumerate(columns)
    )
    rows = f"(SELECT row_number() OVER () AS n, {typed} FROM archive_rows)"

    def first(condition: str):
        found = cur.execute(f"SELECT n FROM {rows} WHERE {condition} ORDER BY n LIMIT 1").fetchall()
        return found[0] if found else None

    for column in columns:
        bad = first(f'"raw_{column}" IS NOT NULL AND "{column}" IS NULL')
        if bad:
            raise InvalidInput(
                f"the case archive's {table} row {bad[0]}: {column} is not a {types[column]}"
            )
    constraints = cur.execute(
        "SELECT constraint_type, expression, constraint_column_names FROM duckdb_constraints()"
        " WHERE table_name = ? AND constraint_type IN ('NOT NULL', 'CHECK')",
        [table],
    ).fetchall()
    for kind, expression, names in constraints:
        if not set(names) <= set(columns):
            continue  # a column the archive leaves to its default
        if kind == "NOT NULL":
            bad = first(f'"{names[0]}" IS NULL')
            why = "is missing"
        else:
            bad = first(f"NOT ({expression})")
            why = f"breaks the rule {expression}"
        if bad:
            raise InvalidInput(f"the case archive's {table} row {bad[0]}: {', '.join(names)} {why}")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)
