"""Many partnerships' bundles read as one, in place, through DuckDB (format: `data.bundle`).

`open_pooled(paths)` checks every bundle against its manifest (schema version, files present,
checksums, columns) and opens an in-memory DuckDB over the bundles' Parquet files
(`read_parquet([...], union_by_name=true)`), with no import step and nothing written: the events
stay a view over the files (read once, to build the aligned view's journey tables), and the
other, small tables are read once into memory at start, so that a query does not open a file of
every bundle for every table it names (at England's scale, 150 files a table). The
explorer's read models in `data.crc` run against it unchanged, joining on the keys as
published: 64-bit keyed hashes, refused if two partnerships' bundles share one. `partnership`
is a column of every view and a filter of `data.crc.CrcFilters`. A name written with other
capitals or spaces by another partnership ("police " for "Police": agencies, themes, categories,
event types) is one name across the pool (`NAME_COLUMNS`). Suppression happens in the read
models after pooling, on whatever the filters choose (one partnership alone when one is
selected).

The Appendix 3 summaries and their text are never in a bundle, so the pooled explorer has no
case summaries.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from data import crc
from data.actor import SYSTEM, User
from data.agency_names import AGENCY_KEY
from data.bundle import (
    MANIFEST,
    SCHEMA_VERSION,
    TABLES,
    BadBundle,
    check_columns,
    check_files,
    read_manifest,
    tables_of,
)
from data.crc import (
    JOURNEY_AGGREGATES,
    CrcFilters,
    _learning_cte,
    _pivot,
    _theme_order,
    journey_cases_sql,
    journey_events_sql,
    require_crc,
)
from data.store import ReadQueries
from data.suppression import suppress_table

# Lists every bundle carries alike: pooled as one list, without the partnership.
REFERENCE_TABLES = ("themes", "workflow_stages")


@dataclass(frozen=True)
class Bundle:
    folder: Path
    partnership: str
    partnership_name: str
    published_at: str
    rows: dict[str, int]
    schema_version: int = SCHEMA_VERSION


def find_bundles(paths: list[str | Path]) -> list[Path]:
    """Bundle folders: each path is a bundle, or a folder whose sub-folders are bundles."""
    found = []
    for raw in paths:
        path = Path(raw)
        if (path / MANIFEST).is_file():
            found.append(path)
        elif path.is_dir():
            subs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
            if not any((p / MANIFEST).is_file() for p in subs):
                raise BadBundle(f"{path}: no bundle there (no {MANIFEST} in it or its folders)")
            # A folder of bundles holds bundles only: one that lost its manifest is refused
            # (check_bundle says so), never left out of the pool unnoticed.
            found.extend(subs)
        else:
            raise BadBundle(f"{path}: no such folder")
    if not found:
        raise BadBundle("no bundles given")
    return found


def _sql_text(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")


def check_bundle(folder: Path) -> Bundle:
    """One bundle's manifest and checksums, or BadBundle with one line saying which and why."""
    manifest = read_manifest(folder)
    check_files(folder, manifest)
    return Bundle(
        folder=folder,
        partnership=manifest["partnership"],
        partnership_name=str(manifest.get("partnership_name") or manifest["partnership"]),
        published_at=str(manifest.get("published_at") or ""),
        rows={name: entry.get("rows", 0) for name, entry in manifest["files"].items()},
        schema_version=manifest["schema_version"],
    )


def check_contents(con: duckdb.DuckDBPyConnection, bundles: list[Bundle]) -> None:
    """Every file's columns are its table's, its rows are its own partnership's, and no key
    is in two partnerships' bundles (the explorer joins on keys across the pool). Read from
    the files' metadata in a few queries, however many bundles there are."""
    by_path = {
        str((b.folder / t.file).resolve()): (b, t)
        for b in bundles
        for t in tables_of(b.schema_version)
    }
    files = ", ".join(f"'{_sql_text(Path(p))}'" for p in by_path)
    try:
        schema = con.execute(
            f"SELECT file_name, list(name) FROM parquet_schema([{files}])"
            " WHERE num_children IS NULL OR num_children = 0 GROUP BY file_name"
        ).fetchall()
        stats = con.execute(
            f"SELECT file_name, min(stats_min_value), max(stats_max_value), sum(num_values)"
            f" FROM parquet_metadata([{files}]) WHERE path_in_schema = 'partnership'"
            " GROUP BY file_name"
        ).fetchall()
    except duckdb.Error:
        _name_unreadable(con, by_path)
        raise
    for path, columns in schema:
        bundle, table = by_path[path]
        check_columns(bundle.folder, table.file, columns)
    for path, low, high, values in stats:
        bundle, table = by_path[path]
        if values and (low != bundle.partnership or high != bundle.partnership):
            raise BadBundle(f"{bundle.folder.name}: {table.file} holds rows of another partnership")


def _name_unreadable(con: duckdb.DuckDBPyConnection, by_path: dict) -> None:
    """Find the file that DuckDB cannot read as Parquet and say which it is."""
    for path, (bundle, table) in by_path.items():
        try:
            con.execute(f"SELECT count(*) FROM parquet_metadata('{_sql_text(Path(path))}')")
        except duckdb.Error as exc:
            raise BadBundle(f"{bundle.folder.name}: {table.file} is not readable Parquet") from exc


def _check_keys_unique(con: duckdb.DuckDBPyConnection) -> None:
    for table, key in (
        ("crc_cases", "case_key"),
        ("crc_learning_points", "learning_key"),
        ("crc_actions", "action_key"),
        ("crc_barriers", "barrier_key"),
        ("crc_committee_decisions", "decision_key"),
        ("crc_committee_actions", "committee_action_key"),
        ("crc_briefing_deliveries", "delivery_key"),
    ):
        clash = con.execute(
            f"SELECT {key}, list(DISTINCT partnership ORDER BY partnership) FROM {table}"
            f" GROUP BY {key} HAVING count(DISTINCT partnership) > 1 LIMIT 1"
        ).fetchone()
        if clash:
            raise BadBundle(
                f"the bundles of {' and '.join(clash[1])} share the {key} {clash[0]}:"
                " keys must be made by rpm-timeline crc publish"
            )


# Names that partnerships write each their own way, by kind: (table, column) in memory. The same
# name but for capitals and spacing ("Police", "police ", "POLICE") is one name across the pool,
# shown as `_shown_first` chooses; names that differ otherwise ("Hampshire Constabulary") stay
# apart (docs/pooled.md says so).
NAME_COLUMNS = {
    "agency": (
        ("crc_case_agencies", "agency"),
        ("crc_learning_points", "agency"),
        ("crc_actions", "agency"),
        ("crc_barriers", "agency"),
        ("crc_committee_actions", "agency"),
        ("crc_event_links", "from_agency"),
        ("crc_event_links", "to_agency"),
        ("crc_patterns", "agency"),
    ),
    "category": (
        ("crc_event_links", "from_category"),
        ("crc_event_links", "to_category"),
        ("crc_patterns", "category"),
    ),
    "theme": (
        ("crc_learning_themes", "theme"),
        ("crc_barrier_themes", "theme"),
        ("crc_committee_decisions", "theme"),
        ("crc_briefing_deliveries", "theme"),
        ("themes", "name"),
    ),
}
# ... and the events' columns of each kind (read from the files when the journeys are built).
EVENT_NAME_COLUMNS = {"agency": "agency", "event_type": "event_type", "category": "category"}


def _shown_first(spelling: str, partnerships: str = "0") -> str:
    """The window that puts first the spelling of a name to show: one written tidily (no spaces
    to spare), then the one most partnerships write, then one not in capitals throughout, then
    the first in sort order."""
    return (
        f"PARTITION BY kind, {AGENCY_KEY.format(spelling)}"
        f" ORDER BY {spelling} = trim(regexp_replace({spelling}, '\\s+', ' ', 'g')) DESC,"
        f" {partnerships} DESC,"
        f" {spelling} = upper({spelling}) AND {spelling} <> lower({spelling}), {spelling}"
        " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    )


def _fold_spellings(con: duckdb.DuckDBPyConnection) -> None:
    """One spelling of each name across the tables in memory (`NAME_COLUMNS`), kept in
    `name_spellings` (kind, spelling, shown) for the events (`_materialise_journeys`)."""
    used = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, {column} AS spelling, partnership FROM {table}"
        if table != "themes"
        else f"SELECT '{kind}', {column}, NULL FROM {table}"
        for kind, columns in NAME_COLUMNS.items()
        for table, column in columns
    )
    con.execute(
        f"""CREATE TABLE name_spellings AS
        SELECT kind, spelling, first(spelling) OVER ({_shown_first("spelling", "partnerships")})
               AS shown
        FROM (SELECT kind, spelling, count(DISTINCT partnership) AS partnerships
              FROM ({used}) WHERE spelling IS NOT NULL GROUP BY ALL)"""
    )
    for kind, columns in NAME_COLUMNS.items():
        for table, column in columns:
            con.execute(
                f"UPDATE {table} SET {column} = s.shown FROM name_spellings s"
                f" WHERE s.kind = ? AND s.spelling = {table}.{column} AND s.shown <> s.spelling",
                [kind],
            )
    # a list's entries written two ways are now one entry twice
    con.execute("CREATE OR REPLACE TABLE themes AS SELECT DISTINCT * FROM themes")


# Read from the files on each query (once, to build the journey tables); every other table is
# small (a nation's learning, actions and cases: about a million rows in all) and is read once
# at start into memory, so that a query joins tables in memory instead of opening a file of
# each bundle for each table it names.
READ_IN_PLACE = ("crc_events",)


def _relation_sql(table, bundles: list[Bundle]) -> str:
    """The pooled relation of one bundle table: a view over the files for the events, else a
    table in memory, ordered by partnership (a region's rows lie together)."""
    kind = "VIEW" if table.name in READ_IN_PLACE else "TABLE"
    folders = [b.folder for b in bundles if table.since <= b.schema_version]
    if not folders:  # only bundles of a schema before this table: it is empty
        nothing = ", ".join(f"NULL::VARCHAR AS {c}" for c in table.column_names)
        return f"CREATE {kind} {table.name} AS SELECT {nothing} WHERE false"
    files = ", ".join(f"'{_sql_text(f / table.file)}'" for f in folders)
    source = f"read_parquet([{files}], union_by_name = true)"
    if table.name in REFERENCE_TABLES:
        return (
            f"CREATE {kind} {table.name} AS SELECT DISTINCT * EXCLUDE (partnership) FROM {source}"
        )
    order = "" if kind == "VIEW" else " ORDER BY partnership"
    return (
        f"CREATE {kind} {table.name} AS SELECT {', '.join(table.column_names)} FROM {source}{order}"
    )


def _materialise_journeys(con: duckdb.DuckDBPyConnection) -> None:
    """The aligned view's sources over every bundle's events, built once (one read of the
    events) and held in memory: the cases numbered by partnership (a region's cases lie
    together), agencies, event types and categories as enumerations, so that a query over 20 million
    events joins and groups small integers instead of reading and hashing text."""
    con.execute(
        "CREATE TABLE crc_journey_cases AS"
        f" {journey_cases_sql('crc_cases', order='partnership, case_key')}"
    )
    lists = ", ".join(f"list(DISTINCT {c}) AS {k}" for k, c in EVENT_NAME_COLUMNS.items())
    con.execute(f"CREATE TEMP TABLE journey_names AS SELECT {lists} FROM crc_events")
    # Each spelling the events use, shown as the tables in memory show its name, else as
    # _shown_first chooses among the events' spellings.
    unnested = " UNION ALL ".join(
        f"SELECT DISTINCT '{kind}' AS kind, v AS spelling FROM journey_names, unnest({kind}) u(v)"
        for kind in EVENT_NAME_COLUMNS
    )
    con.execute(
        f"""CREATE TEMP TABLE event_spellings AS
        SELECT kind, spelling,
               coalesce(k.shown, first(spelling) OVER ({_shown_first("spelling")})) AS shown
        FROM ({unnested}) e
        LEFT JOIN (SELECT DISTINCT kind AS known_kind, {AGENCY_KEY.format("spelling")} AS known,
                          shown FROM name_spellings) k
          ON k.known_kind = e.kind AND k.known = {AGENCY_KEY.format("e.spelling")}
        WHERE spelling IS NOT NULL"""
    )
    columns, joins = [], []
    for kind, column in EVENT_NAME_COLUMNS.items():
        con.execute(
            f"CREATE TYPE journey_{kind} AS ENUM (SELECT DISTINCT shown FROM event_spellings"
            " WHERE kind = ?)",
            [kind],
        )
        respelt = con.execute(
            "SELECT count(*) FROM event_spellings WHERE kind = ? AND shown <> spelling", [kind]
        ).fetchone()[0]
        if respelt:  # a join for the events only where a name is written more than one way
            con.execute(
                f"CREATE TEMP TABLE respelt_{kind} AS SELECT spelling, shown FROM event_spellings"
                " WHERE kind = ? AND shown <> spelling",
                [kind],
            )
            joins.append(f" LEFT JOIN respelt_{kind} ON respelt_{kind}.spelling = e.{column}")
            columns.append(f"CAST(coalesce(respelt_{kind}.shown, e.{column}) AS journey_{kind})")
        else:
            columns.append(f"CAST(e.{column} AS journey_{kind})")
    events = journey_events_sql(*columns, joins="".join(joins))
    con.execute(f"CREATE TABLE crc_journey_events AS {events}")
    for name, sql in JOURNEY_AGGREGATES.items():
        con.execute(f"CREATE TABLE {name} AS {sql}")
    con.execute("DROP TABLE journey_names")


# Results kept per query and parameters (the explorer's tables and figures are small).
CACHED_RESULTS = 256


class PooledStore(ReadQueries):
    """The read side of `data.store.Store` over bundles, with the bundles it holds.

    Bundles never change once open, so every result is kept per query and parameters (a filter
    state seen before, a tab opened again, a CSV of a table on screen cost nothing)."""

    def __init__(self, bundles: list[Bundle], con: duckdb.DuckDBPyConnection):
        super().__init__(con)
        self.bundles = bundles
        self._journeys_lock = threading.Lock()
        self._journeys_built = False
        self._results: OrderedDict[tuple, object] = OrderedDict()
        self._results_lock = threading.Lock()
        # What is built from the bundles (the differencing check's index) is kept for good,
        # never pushed out by the results of later queries.
        self._memos: dict[str, object] = {}

    def _kept(self, kind: str, sql: str, params, run):
        key = (kind, sql, repr(list(params)))
        with self._results_lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = run(sql, params)
        with self._results_lock:
            self._results[key] = result
            while len(self._results) > CACHED_RESULTS:
                self._results.popitem(last=False)
        return result

    def query_df(self, sql: str, params: list | tuple = ()):
        return self._kept("df", sql, params, super().query_df).copy()

    def query(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        return list(self._kept("rows", sql, params, super().query))

    def query_one(self, sql: str, params: list | tuple = ()) -> tuple | None:
        return self._kept("row", sql, params, super().query_one)

    def memo(self, name: str, build):
        """`build()`, kept under `name` for as long as the store is open (what is made from
        the bundles never changes)."""
        with self._results_lock:
            if name in self._memos:
                return self._memos[name]
        built = build()
        with self._results_lock:
            return self._memos.setdefault(name, built)

    def forget_results(self, *, memos: bool = False) -> None:
        """Drop the kept query results, and with `memos` what `memo` built too (the benchmark
        times queries cold, as after the warm-up or before it)."""
        with self._results_lock:
            self._results.clear()
            if memos:
                self._memos.clear()

    def holds_journeys(self) -> bool:
        """The journey tables, built on first need (a query waits for a build under way)."""
        with self._journeys_lock:
            if not self._journeys_built:
                _materialise_journeys(self.cursor())
                self._journeys_built = True
        return True

    def warm_up(self) -> None:
        """Build the journey tables and answer what every visit asks first: the filters'
        choices and the facts the differencing check reads (neither depends on the filters),
        the first view of all partnerships, and the aligned tab as it opens on them."""
        self.holds_journeys()
        crc.filter_options(self, SYSTEM)
        crc.event_types(self, SYSTEM)
        crc.fact_index(self, SYSTEM)
        every = CrcFilters()
        crc.selected_case_count(self, SYSTEM, every)
        crc.learning_theme_tables(self, SYSTEM, every)
        theme_partnership_table(self, SYSTEM, every)
        if crc.DEFAULT_ANCHOR in dict(crc.anchor_choices(self, SYSTEM)):
            crc.aligned_case_count(self, SYSTEM, every, crc.DEFAULT_ANCHOR)
            crc.aligned_events(self, SYSTEM, every, crc.DEFAULT_ANCHOR)
            crc.category_table(self, SYSTEM, every, crc.DEFAULT_ANCHOR)

    def warm_up_in_background(self, announce=None) -> threading.Thread:
        """`warm_up` in a thread, so that the server answers meanwhile (a query that needs the
        journey tables waits for them); `announce(line)` is told when it is done."""

        def run() -> None:
            started = time.perf_counter()
            self.warm_up()
            if announce:
                announce(
                    f"Ready: the aligned view's tables and the first view made in"
                    f" {time.perf_counter() - started:.0f} s"
                )

        thread = threading.Thread(target=run, name="pooled-warm-up", daemon=True)
        thread.start()
        return thread


def open_pooled(paths: list[str | Path], *, memory_limit: str | None = None) -> PooledStore:
    """Validate the bundles under `paths` and open them as one (BadBundle if any is bad)."""
    folders = find_bundles(paths)
    con = duckdb.connect(":memory:")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    bundles = [check_bundle(f) for f in folders]
    seen: dict[str, Path] = {}
    for b in bundles:
        if b.partnership in seen:
            raise BadBundle(
                f"{b.folder.name}: a second bundle of {b.partnership} (with"
                f" {seen[b.partnership].name}); pool one bundle per partnership"
            )
        seen[b.partnership] = b.folder
    check_contents(con, bundles)
    con.execute("SET parquet_metadata_cache = true")  # every query reads every file's footer
    for table in TABLES:
        con.execute(_relation_sql(table, bundles))
    _fold_spellings(con)
    _check_keys_unique(con)
    return PooledStore(bundles, con)


def is_pooled(store) -> bool:
    return isinstance(store, PooledStore)


def partnerships(store: PooledStore, user: User) -> list[tuple[str, str]]:
    """(code, name) of every pooled partnership, by code."""
    require_crc(user)
    return sorted((b.partnership, b.partnership_name) for b in store.bundles)


# Themes shown one by one in the table by partnership, the others added up in one column: a
# partnership a row, so that the table reads the same for a region of 4 and England's 150.
TOP_THEMES = 8
OTHER_THEMES = "Other themes"


def theme_partnership_counts(store: PooledStore, user: User, f: CrcFilters) -> pd.DataFrame:
    """Raw counts of learning points per partnership (rows) and theme (columns): the
    TOP_THEMES most frequent themes of the selection one by one, the rest under OTHER_THEMES
    (a learning point with two themes counts under both, as in the other theme tables)."""
    require_crc(user)
    cte, params = _learning_cte(f)
    df = store.query_df(
        cte
        + """
        SELECT coalesce(t.theme, 'No theme recorded') AS theme, lp.partnership, count(*) AS n
        FROM lp LEFT JOIN crc_learning_themes t ON t.learning_key = lp.learning_key
        GROUP BY ALL""",
        params,
    )
    codes = [c for c, _ in partnerships(store, user) if not f.partnerships or c in f.partnerships]
    themes = _theme_order(df)
    # one theme more than the top is shown as itself, not as "Other themes" of one theme
    shown = themes if len(themes) <= TOP_THEMES + 1 else themes[:TOP_THEMES]
    df["column"] = df["theme"].where(df["theme"].isin(shown), OTHER_THEMES)
    columns = [*shown, *([OTHER_THEMES] if len(shown) < len(themes) else [])]
    return _pivot(df, "partnership", "column", codes, columns)


def theme_partnership_table(store: PooledStore, user: User, f: CrcFilters) -> pd.DataFrame:
    return suppress_table(theme_partnership_counts(store, user, f))
