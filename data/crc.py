"""The Case Review Committee's read models across cases.

Every query here reads only the pseudonymised `crc_*` views of migration 0007 (no names, no
extract text, a case key that is not the case reference). Every table handed to the explorer
has its small counts hidden by `data.suppression`. Only `crc` and `admin` users may call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from data import categories
from data.actor import User
from data.category_list import SHIPPED_CATEGORIES
from data.errors import Forbidden, NotFound
from data.permissions import explores_committee
from data.store import Store
from data.suppression import (
    SMALLEST_SHOWN,
    SUPPRESSED,
    is_small,
    suppress_count,
    suppress_table,
    suppress_together,
)
from data.vocabulary import COMMITTEE_PATTERN_KINDS, KIND_LABELS, NO_EVENT_KINDS, SCOPES

AGE_BANDS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over", "Not known")
ACTION_COLUMNS = ("Open", "Overdue", "Done", "Verified")
NO_THEME = "No theme recorded"
NO_AGENCY = "No agency recorded"
CROSS_AGENCY = SCOPES["cross_agency"]
DEFAULT_WINDOW = 24  # months either side of the anchor
MAX_CASE_ROWS = 150
# Rows for individual cases in the aligned view are drawn only for at least this many cases.
MIN_CASES_FOR_ROWS = SMALLEST_SHOWN


def require_crc(user: User) -> None:
    """Only the Case Review Committee and administrators see the explorer."""
    if not explores_committee(user):
        raise Forbidden("the CRC explorer is for Case Review Committee members and administrators")


@dataclass(frozen=True)
class CrcFilters:
    """Which cases the explorer looks at. Empty means no restriction."""

    years: tuple[int, ...] = ()
    age_bands: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    scope: str | None = None  # 'single_agency' or 'cross_agency': also limits learning
    partnerships: tuple[str, ...] = ()  # pooled bundles only (data.pooled)

    @classmethod
    def from_values(
        cls,
        years=None,
        age_bands=None,
        agencies=None,
        themes=None,
        stages=None,
        scope=None,
        partnerships=None,
    ):
        """Build from what the browser sent, dropping anything malformed."""

        def texts(values):
            return tuple(str(v) for v in (values or []) if isinstance(v, str | int))[:50]

        def ints(values):
            out = []
            for v in values or []:
                try:
                    out.append(int(v))
                except (TypeError, ValueError):
                    continue
            return tuple(out)[:50]

        return cls(
            years=ints(years),
            age_bands=texts(age_bands),
            agencies=texts(agencies),
            themes=texts(themes),
            stages=texts(stages),
            scope=scope if scope in SCOPES else None,
            partnerships=texts(partnerships),
        )


@dataclass
class _Selection:
    sql: str
    params: list = field(default_factory=list)


def _selection(f: CrcFilters) -> _Selection:
    """A CTE `sel(case_key)` of the cases the filters choose (fixed SQL, values as parameters)."""
    conditions, params = ["TRUE"], []
    if f.years:
        conditions.append("list_contains(?::INTEGER[], cc.meeting_year)")
        params.append(list(f.years))
    if f.age_bands:
        conditions.append("list_contains(?::VARCHAR[], cc.age_band_at_meeting)")
        params.append(list(f.age_bands))
    if f.stages:
        conditions.append("list_contains(?::VARCHAR[], cc.stage_key)")
        params.append(list(f.stages))
    if f.partnerships:
        conditions.append("list_contains(?::VARCHAR[], cc.partnership)")
        params.append(list(f.partnerships))
    if f.agencies:
        conditions.append(
            "cc.case_key IN (SELECT case_key FROM crc_case_agencies"
            " WHERE list_contains(?::VARCHAR[], agency))"
        )
        params.append(list(f.agencies))
    if f.themes:
        conditions.append(
            "cc.case_key IN (SELECT case_key FROM crc_learning_themes"
            " WHERE list_contains(?::VARCHAR[], theme))"
        )
        params.append(list(f.themes))
    if f.scope:
        conditions.append(
            "cc.case_key IN (SELECT case_key FROM crc_learning_points WHERE scope = ?)"
        )
        params.append(f.scope)
    sql = "sel AS (SELECT cc.case_key FROM crc_cases cc WHERE " + " AND ".join(conditions) + ")"
    return _Selection(sql, params)


def _learning_cte(f: CrcFilters) -> tuple[str, list]:
    """CTEs `sel` and `lp` (the selected cases' learning points, limited to the scope)."""
    sel = _selection(f)
    scope_sql, scope_params = ("AND lp.scope = ?", [f.scope]) if f.scope else ("", [])
    sql = (
        f"WITH {sel.sql}, lp AS (SELECT lp.* FROM crc_learning_points lp"
        f" JOIN sel ON sel.case_key = lp.case_key WHERE TRUE {scope_sql})"
    )
    return sql, [*sel.params, *scope_params]


# ---------------------------------------------------------------- filter choices


def filter_options(store: Store, user: User) -> dict[str, list]:
    """The values each filter can take, for the explorer's dropdowns."""
    require_crc(user)
    years = [
        r[0]
        for r in store.query(
            "SELECT DISTINCT meeting_year FROM crc_cases WHERE meeting_year IS NOT NULL ORDER BY 1"
        )
    ]
    agencies = [
        r[0] for r in store.query("SELECT DISTINCT agency FROM crc_case_agencies ORDER BY 1")
    ]
    themes = [r[0] for r in store.query("SELECT name FROM themes ORDER BY name")]
    stages = [
        (r[0], r[1])
        for r in store.query("SELECT stage_key, name FROM workflow_stages ORDER BY position")
    ]
    return {
        "years": years,
        "age_bands": list(AGE_BANDS),
        "agencies": agencies,
        "themes": themes,
        "stages": [("not_started", "Not started"), *stages],
    }


CATEGORY_ANCHOR = "category:"  # an anchor value naming a category rather than an event type
# What the aligned view is aligned on when it opens (when any case has such an event).
DEFAULT_ANCHOR = CATEGORY_ANCHOR + "Referral and contact"


def category_list(store: Store) -> list:
    """The categories with their markers, in legend order: the partnership's managed list, or
    for pooled bundles (which carry category names only) the shipped one."""
    if store.query_one("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'categories'")[0]:
        return categories.categories(store)
    return list(SHIPPED_CATEGORIES)


def anchor_choices(store: Store, user: User) -> list[tuple[str, str]]:
    """What journeys can be aligned on, as (value, label): each category that occurs (across
    agencies' wording: "first referral" is the first event of the Referral and contact
    category), in the list's order, then the agencies' own event types."""
    require_crc(user)
    sel = _selection(CrcFilters())
    present = {
        name
        for (name,) in store.query(
            f"WITH {_journeys(store, sel)} SELECT DISTINCT CAST(category AS VARCHAR)"
            " FROM crc_journey_category_firsts",
            sel.params,
        )
    }
    listed = [c.name for c in category_list(store)]
    ordered = [n for n in listed if n in present] + sorted(present - set(listed))
    return [(CATEGORY_ANCHOR + n, f"Category: {n}") for n in ordered] + [
        (t, t) for t in event_types(store, user)
    ]


def _anchor_firsts(anchor: str) -> tuple[str, str, str]:
    """The journey source holding each case's first events for an anchor value, its column
    to match, and the value: a category's firsts, or an event type's."""
    if anchor.startswith(CATEGORY_ANCHOR):
        return "crc_journey_category_firsts", "category", anchor.removeprefix(CATEGORY_ANCHOR)
    return "crc_journey_firsts", "event_type", anchor


def event_types(store: Store, user: User) -> list[str]:
    """Event types to align journeys on (dated to a month or a day), the most widespread
    across cases first."""
    require_crc(user)
    sel = _selection(CrcFilters())
    return [
        r[0]
        for r in store.query(
            f"WITH {_journeys(store, sel)} SELECT CAST(event_type AS VARCHAR)"
            " FROM crc_journey_firsts GROUP BY event_type"
            " ORDER BY count(*) DESC, CAST(event_type AS VARCHAR) LIMIT 200",
            sel.params,
        )
    ]


def selected_case_count(store: Store, user: User, f: CrcFilters) -> int:
    """How many cases the filters choose (raw: show it through `suppress_count`)."""
    require_crc(user)
    sel = _selection(f)
    return store.query_one(f"WITH {sel.sql} SELECT count(*) FROM sel", sel.params)[0]


# ---------------------------------------------------------------- differencing

# Two views whose cases differ by 1 to 5 would let a subtraction describe those few cases.
MIN_DIFFERENCE = SMALLEST_SHOWN
FILTER_FIELDS = ("years", "age_bands", "agencies", "themes", "stages", "partnerships")


@dataclass(frozen=True)
class CaseFacts:
    """What the filters test about one case (from the crc_* views)."""

    case_key: str
    year: int | None
    age_band: str
    stage: str
    agencies: frozenset[str]
    themes: frozenset[str]
    scopes: frozenset[str]
    partnership: str | None = None  # pooled bundles only


# Which cases (numbered) hold each value a filter can take: (filter, SQL of value and cases).
_NUMBERED = (
    "WITH n AS (SELECT case_key, CAST(row_number() OVER (ORDER BY case_key) AS INTEGER) AS k"
    " FROM crc_cases) "
)


def _cases_by(column: str, table: str) -> str:
    # (not DISTINCT: the sets made of the lists drop repeats, and sooner)
    return f"SELECT {column}, list(k) FROM {table} JOIN n USING (case_key) GROUP BY 1"


_FACT_SQL = (
    ("years", _cases_by("meeting_year", "crc_cases")),
    ("age_bands", _cases_by("age_band_at_meeting", "crc_cases")),
    ("stages", _cases_by("stage_key", "crc_cases")),
    ("agencies", _cases_by("agency", "crc_case_agencies")),
    ("themes", _cases_by("theme", "crc_learning_themes")),
    ("scope", _cases_by("scope", "crc_learning_points")),
)
FACT_FIELDS = (*FILTER_FIELDS, "scope")


@dataclass(frozen=True)
class FactIndex:
    """Every case, and the cases holding each value each filter can take, so that the cases a
    view chooses are a few set operations (a pooled explorer tests 15,000 cases against several
    views in one check)."""

    every: frozenset  # of case keys, or of case numbers
    by: dict[str, dict[object, frozenset]]

    @classmethod
    def of(cls, facts: list[CaseFacts]) -> FactIndex:
        by: dict[str, dict[object, set[str]]] = {name: {} for name in FACT_FIELDS}
        for c in facts:
            for name, values in (
                ("years", (c.year,)),
                ("age_bands", (c.age_band,)),
                ("stages", (c.stage,)),
                ("agencies", c.agencies),
                ("themes", c.themes),
                ("partnerships", (c.partnership,)),
                ("scope", c.scopes),
            ):
                for value in values:
                    by[name].setdefault(value, set()).add(c.case_key)
        frozen = {name: {v: frozenset(k) for v, k in d.items()} for name, d in by.items()}
        return cls(frozenset(c.case_key for c in facts), frozen)

    def chosen(self, f: CrcFilters) -> frozenset:
        """The case keys the filters choose (the same rule as the SQL of `_selection`)."""
        picked = [self.every]
        for name in FACT_FIELDS:
            values = getattr(f, name)
            if values:
                index = self.by[name]
                values = (values,) if isinstance(values, str) else values
                picked.append(frozenset().union(*(index.get(v, ()) for v in values)))
        picked.sort(key=len)
        return picked[0].intersection(*picked[1:])


def fact_index(store: Store, user: User) -> FactIndex:
    """The store's cases as a FactIndex (kept by a store whose data never changes)."""
    require_crc(user)
    memo = getattr(store, "memo", None)
    return memo("crc.fact_index", lambda: _fact_index(store)) if memo else _fact_index(store)


def _fact_index(store: Store) -> FactIndex:
    """The index over case numbers (small integers make the sets quick to build and compare)."""
    pooled = any(r[0] == "partnership" for r in store.query("DESCRIBE crc_cases"))
    queries = _FACT_SQL
    if pooled:
        queries += (("partnerships", _cases_by("partnership", "crc_cases")),)
    by: dict[str, dict[object, frozenset[int]]] = {name: {} for name in FACT_FIELDS}
    for name, sql in queries:
        by[name] = {value: frozenset(cases) for value, cases in store.query(_NUMBERED + sql)}
    (count,) = store.query_one("SELECT count(*) FROM crc_cases")
    return FactIndex(frozenset(range(1, count + 1)), by)


def chosen_cases(facts: list[CaseFacts] | FactIndex, f: CrcFilters) -> set[str]:
    """Pure: the case keys the filters choose (the same rule as the SQL of `_selection`)."""
    index = facts if isinstance(facts, FactIndex) else FactIndex.of(facts)
    return set(index.chosen(f))


def _one_step_back(f: CrcFilters) -> list[CrcFilters]:
    """The broader views one step back: one chosen value fewer, one filter cleared (ticking
    every agency may choose the same cases as none), or the learning scope back to all."""
    out = []
    for name in FILTER_FIELDS:
        values = getattr(f, name)
        out += [replace(f, **{name: tuple(v for v in values if v != gone)}) for gone in values]
        if len(values) > 1:
            out.append(replace(f, **{name: ()}))
    if f.scope:
        out.append(replace(f, scope=None))
    return out


def differencing_refusal(facts: list[CaseFacts] | FactIndex, f: CrcFilters) -> str | None:
    """Pure: why this view is not shown, or None.

    The rule: of two views one step apart (one value ticked or unticked, one filter cleared,
    or the learning scope changed) whose cases differ by 1 to 5, the one with more chosen is
    not shown, so their difference can never be taken. Nor is a view of 1 to 5 cases. The
    view of all cases is always shown.
    """
    index = facts if isinstance(facts, FactIndex) else FactIndex.of(facts)
    chosen = index.chosen(f)
    if 0 < len(chosen) < MIN_DIFFERENCE:
        return (
            f"Not shown: fewer than {MIN_DIFFERENCE} cases match this choice, and figures for so"
            " few cases could describe individual children. Choose a broader group."
        )
    for wider in _one_step_back(f):
        differ = len(chosen ^ index.chosen(wider))
        if 0 < differ < MIN_DIFFERENCE:
            return (
                "Not shown: this choice differs from a broader one by fewer than"
                f" {MIN_DIFFERENCE} cases, so comparing the two could describe individual"
                " cases. Untick a filter value or choose a broader group."
            )
    return None


def check_differencing(store: Store, user: User, f: CrcFilters) -> str | None:
    """The refusal of `differencing_refusal` for the database's cases, or None."""
    if f == CrcFilters():
        return None
    return differencing_refusal(fact_index(store, user), f)


# ---------------------------------------------------------------- learning themes


def _pivot(df: pd.DataFrame, index: str, columns: str, rows=None, cols=None) -> pd.DataFrame:
    """Counts long -> wide: the sum of `n` per (index, columns) value, with every wanted row
    and column present (zeros filled), others left out; rows and columns sorted when not given.
    (Summed with numpy: pandas' pivot_table costs tens of milliseconds a table.)"""
    present = df.dropna(subset=[index, columns]) if not df.empty else df
    rows = (
        list(rows) if rows is not None else sorted(present[index].unique()) if len(present) else []
    )
    cols = (
        list(cols)
        if cols is not None
        else sorted(present[columns].unique())
        if len(present)
        else []
    )
    sums = np.zeros((len(rows), len(cols)), dtype=np.int64)
    if len(present):
        r = pd.Categorical(present[index], categories=rows).codes
        c = pd.Categorical(present[columns], categories=cols).codes
        kept = (r >= 0) & (c >= 0)
        np.add.at(sums, (r[kept], c[kept]), present["n"].to_numpy()[kept].astype(np.int64))
    return pd.DataFrame(sums, index=pd.Index(rows, name=index), columns=pd.Index(cols))


def learning_theme_counts(store: Store, user: User, f: CrcFilters) -> dict[str, pd.DataFrame]:
    """Raw counts of learning points per theme: by agency (single-agency) or cross-agency,
    by quarter of the meeting, and with or without an action. Rows are themes (a learning point
    with two themes counts under both; one with none under "No theme recorded")."""
    require_crc(user)
    cte, params = _learning_cte(f)
    df = store.query_df(
        cte
        + """,
        lt AS (
            SELECT lp.learning_key, lp.case_key, lp.scope, lp.agency, lp.recorded_on,
                   coalesce(t.theme, ?) AS theme
            FROM lp LEFT JOIN crc_learning_themes t ON t.learning_key = lp.learning_key
        ),
        acted AS (SELECT DISTINCT learning_key FROM crc_actions WHERE learning_key IS NOT NULL)
        SELECT lt.theme,
               CASE WHEN lt.scope = 'cross_agency' THEN ? ELSE coalesce(lt.agency, ?) END AS who,
               strftime(coalesce(cc.meeting_date, lt.recorded_on), '%Y') || ' Q'
                   || quarter(coalesce(cc.meeting_date, lt.recorded_on)) AS quarter,
               acted.learning_key IS NOT NULL AS has_action,
               count(*) AS n
        FROM lt JOIN crc_cases cc ON cc.case_key = lt.case_key
        LEFT JOIN acted ON acted.learning_key = lt.learning_key
        GROUP BY ALL
        """,
        [*params, NO_THEME, CROSS_AGENCY, NO_AGENCY],
    )
    themes = _theme_order(df)
    agencies = sorted(a for a in df["who"].unique() if a != CROSS_AGENCY) if not df.empty else []
    quarters = sorted(df["quarter"].unique()) if not df.empty else []
    df["action"] = np.where(df["has_action"].astype(bool), "With an action", "No action yet")
    return {
        "by_agency": _pivot(df, "theme", "who", themes, [*agencies, CROSS_AGENCY]),
        "by_quarter": _pivot(df, "theme", "quarter", themes, quarters),
        "action": _pivot(df, "theme", "action", themes, ["With an action", "No action yet"]),
    }


def _theme_order(df: pd.DataFrame) -> list[str]:
    if df.empty:
        return []
    totals = df.groupby("theme")["n"].sum().sort_values(ascending=False, kind="stable")
    ordered = sorted(totals.index, key=lambda t: (t == NO_THEME, -totals[t], t))
    return ordered


def learning_theme_tables(store: Store, user: User, f: CrcFilters) -> dict[str, pd.DataFrame]:
    """The three theme tables, suppressed together (they share their row totals)."""
    raw = learning_theme_counts(store, user, f)
    keys = list(raw)
    return dict(zip(keys, suppress_together([raw[k] for k in keys]), strict=True))


# ---------------------------------------------------------------- barriers


def barrier_counts(store: Store, user: User, f: CrcFilters) -> pd.DataFrame:
    """Barriers the meetings identified (reflections answering question 5), theme x agency."""
    require_crc(user)
    sel = _selection(f)
    df = store.query_df(
        f"""WITH {sel.sql}
        SELECT coalesce(t.theme, ?) AS theme, coalesce(b.agency, ?) AS agency, count(*) AS n
        FROM crc_barriers b JOIN sel ON sel.case_key = b.case_key
        LEFT JOIN crc_barrier_themes t ON t.barrier_key = b.barrier_key
        GROUP BY ALL""",
        [*sel.params, NO_THEME, NO_AGENCY],
    )
    agencies = sorted(df["agency"].unique()) if not df.empty else []
    return _pivot(df, "theme", "agency", _theme_order(df), agencies)


def barrier_table(store: Store, user: User, f: CrcFilters) -> pd.DataFrame:
    return suppress_table(barrier_counts(store, user, f))


# ---------------------------------------------------------------- actions


def action_counts(store: Store, user: User, f: CrcFilters) -> dict[str, pd.DataFrame]:
    """Actions by owning agency and by theme of their learning, in four exclusive states:
    Open (open or in progress, not past its due date), Overdue, Done, Verified."""
    require_crc(user)
    sel = _selection(f)
    scope_sql, scope_params = (
        (
            "AND a.learning_key IN (SELECT learning_key FROM crc_learning_points WHERE scope = ?)",
            [f.scope],
        )
        if f.scope
        else ("", [])
    )
    base = f"""WITH {sel.sql},
        act AS (
            SELECT a.*, CASE WHEN a.status = 'verified' THEN 'Verified'
                             WHEN a.status = 'done' THEN 'Done'
                             WHEN a.overdue THEN 'Overdue' ELSE 'Open' END AS state
            FROM crc_actions a JOIN sel ON sel.case_key = a.case_key WHERE TRUE {scope_sql}
        )"""
    params = [*sel.params, *scope_params]
    by_agency = store.query_df(
        base + " SELECT coalesce(agency, ?) AS agency, state, count(*) AS n FROM act GROUP BY ALL",
        [*params, NO_AGENCY],
    )
    by_theme = store.query_df(
        base
        + """ SELECT coalesce(t.theme, ?) AS theme, act.state, count(*) AS n
        FROM act LEFT JOIN crc_learning_themes t ON t.learning_key = act.learning_key
        GROUP BY ALL""",
        [*params, NO_THEME],
    )
    agencies = sorted(by_agency["agency"].unique()) if not by_agency.empty else []
    return {
        "by_agency": _pivot(by_agency, "agency", "state", agencies, ACTION_COLUMNS),
        "by_theme": _pivot(by_theme, "theme", "state", _theme_order(by_theme), ACTION_COLUMNS),
    }


def action_tables(store: Store, user: User, f: CrcFilters) -> dict[str, pd.DataFrame]:
    return {k: suppress_table(v) for k, v in action_counts(store, user, f).items()}


# ---------------------------------------------------------------- process times

INTERVALS = (
    ("days_identified_to_meeting", "Case identified to meeting"),
    ("days_meeting_to_crc", "Meeting to CRC"),
    ("days_crc_to_frontline", "CRC to frontline briefing"),
)


def process_durations(store: Store, user: User, f: CrcFilters) -> pd.DataFrame:
    """Raw days of each interval per selected case (one row per case; nulls where not reached)."""
    require_crc(user)
    sel = _selection(f)
    cols = ", ".join(f"p.{c}" for c, _ in INTERVALS)
    return store.query_df(
        f"WITH {sel.sql} SELECT p.case_key, {cols} FROM crc_process p"
        " JOIN sel ON sel.case_key = p.case_key",
        sel.params,
    )


def process_table(store: Store, user: User, f: CrcFilters) -> pd.DataFrame:
    """Per interval: cases measured, median and quartiles in days. With 1 to 5 cases the count
    and the figures are hidden (they would describe individual children's cases)."""
    df = process_durations(store, user, f)
    rows = []
    for col, label in INTERVALS:
        values = df[col].dropna().astype(float) if col in df else pd.Series(dtype=float)
        n = len(values)
        if n == 0 or is_small(np.array([n]))[0]:
            stats = [SUPPRESSED if n else "", SUPPRESSED if n else "", SUPPRESSED if n else ""]
        else:
            q = values.quantile([0.25, 0.5, 0.75]).round().astype(int).tolist()
            stats = [q[1], q[0], q[2]]
        rows.append([label, suppress_count(n), *stats])
    return pd.DataFrame(
        rows,
        columns=[
            "Interval",
            "Cases",
            "Median days",
            "Quarter of cases within (days)",
            "Three quarters within (days)",
        ],
    ).set_index("Interval")


# ---------------------------------------------------------------- aligned journeys


def relative_month(anchor: pd.Series, when: pd.Series) -> pd.Series:
    """Calendar months from the anchor's month: 0 is the anchor's month, -1 the month before."""
    a, w = pd.to_datetime(anchor), pd.to_datetime(when)
    return (w.dt.year - a.dt.year) * 12 + (w.dt.month - a.dt.month)


# The aligned view's sources: per case (a small integer, `case_no`), its events dated to a
# month or a day (`month_no` = year * 12 + month, so a difference is the calendar-month
# difference), the first of each type and of each category, and events per agency (and per
# category) and month. Events dated only to a
# year cannot be placed in a month and are left out. In a partnership's database they are
# computed per query from crc_events, limited to the selected cases; the pooled explorer
# materialises them once over all the bundles (data.pooled), as compact columns.
JOURNEY_AGGREGATES = {
    "crc_journey_firsts": (
        "SELECT case_no, event_type, min(event_date) AS first_date"
        " FROM crc_journey_events GROUP BY ALL"
    ),
    "crc_journey_category_firsts": (
        "SELECT case_no, category, min(event_date) AS first_date"
        " FROM crc_journey_events GROUP BY ALL"
    ),
    "crc_journey_agency_months": (
        "SELECT case_no, agency, month_no, count(*) AS events FROM crc_journey_events GROUP BY ALL"
    ),
    "crc_journey_category_months": (
        "SELECT case_no, category, month_no, count(*) AS events FROM crc_journey_events"
        " GROUP BY ALL"
    ),
}


def journey_cases_sql(cases: str, order: str = "case_key") -> str:
    """The cases of relation `cases` numbered 1, 2... in the order of `order`."""
    return (
        f"SELECT case_key, CAST(row_number() OVER (ORDER BY {order}) AS INTEGER) AS case_no"
        f" FROM {cases}"
    )


def journey_events_sql(
    agency: str = "e.agency",
    event_type: str = "e.event_type",
    category: str = "e.category",
    joins: str = "",
) -> str:
    """Dated events by case number (`agency`, `event_type`, `category`: their expressions, e.g.
    casts; `joins`: what they read besides the events)."""
    return (
        f"SELECT j.case_no, {agency} AS agency, {event_type} AS event_type,"
        f" {category} AS category, e.event_date,"
        " CAST(year(e.event_date) * 12 + month(e.event_date) AS INTEGER) AS month_no"
        f" FROM crc_events e JOIN crc_journey_cases j ON j.case_key = e.case_key{joins}"
        " WHERE e.date_precision <> 'year'"
    )


def _journeys(store: Store, sel: _Selection) -> str:
    """WITH-list of the selected cases and, unless the store holds them, the journey sources."""
    if store.holds_journeys():
        return sel.sql
    ctes = [
        sel.sql,
        f"crc_journey_cases AS ({journey_cases_sql('sel')})",
        f"crc_journey_events AS ({journey_events_sql()})",
        *(f"{name} AS ({sql})" for name, sql in JOURNEY_AGGREGATES.items()),
    ]
    return ", ".join(ctes)


def aligned_events(
    store: Store,
    user: User,
    f: CrcFilters,
    anchor_type: str,
    window: int = DEFAULT_WINDOW,
    only: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Journeys aligned on each selected case's first event of `anchor_type` (an event type, or
    CATEGORY_ANCHOR + a category name: the first event of that category, whatever each agency
    called it).

    Returns (density, rows):
    - density: agency, rel_month, events, cases (events of that agency in that month relative
      to the anchor, and how many cases they come from), within +/- `window` months;
    - rows: case_row (0 = earliest anchor), rel_month, category, events: one row per case,
      month and category, for at most MAX_CASE_ROWS cases.
    Events dated only to a year cannot be placed in a month and are left out, as are cases
    without the anchor event. The relative month is the calendar-month difference (SQL below
    matches `relative_month`). `only` ("density" or "rows") runs just one of the two queries.
    """
    require_crc(user)
    window = max(1, min(int(window), 120))
    cte, params = _anchored(store, f, anchor_type)
    empty = pd.DataFrame()
    density = _aligned_density(store, cte, params, window) if only != "rows" else empty
    rows = _aligned_rows(store, cte, params, window) if only != "density" else empty
    return density, rows


def _anchored(store: Store, f: CrcFilters, anchor_type: str) -> tuple[str, list]:
    """WITH-list of the journeys and `anchor` (each aligned case's anchor month and row)."""
    sel = _selection(f)
    firsts, column, value = _anchor_firsts(anchor_type)
    cte = f"""WITH {_journeys(store, sel)},
        anchor AS (
            SELECT fa.case_no,
                   CAST(year(fa.first_date) * 12 + month(fa.first_date) AS INTEGER) AS anchor_month,
                   row_number() OVER (ORDER BY fa.first_date, j.case_key) - 1 AS case_row
            FROM {firsts} fa
            JOIN crc_journey_cases j ON j.case_no = fa.case_no
            JOIN sel ON sel.case_key = j.case_key
            WHERE fa.{column} = ?
        )"""
    return cte, [*sel.params, value]


AROUND = ("Before month 0", "Month 0 and after")


def category_counts(
    store: Store, user: User, f: CrcFilters, anchor_type: str, window: int = DEFAULT_WINDOW
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events of each category within +/- `window` months of the aligned cases' anchors, before
    it and from its month on (category x AROUND), and how many cases they come from. Every
    category of the list is a row, in the list's order, then any other category met."""
    require_crc(user)
    window = max(1, min(int(window), 120))
    cte, params = _anchored(store, f, anchor_type)
    df = store.query_df(
        cte
        + f""" SELECT CAST(e.category AS VARCHAR) AS category,
               CASE WHEN e.month_no < a.anchor_month THEN '{AROUND[0]}' ELSE '{AROUND[1]}' END
                   AS period,
               CAST(sum(e.events) AS BIGINT) AS events, count(DISTINCT e.case_no) AS cases
        FROM crc_journey_category_months e JOIN anchor a ON a.case_no = e.case_no
        WHERE e.month_no - a.anchor_month BETWEEN ? AND ? GROUP BY ALL""",
        [*params, -window, window],
    )
    listed = [c.name for c in category_list(store)]
    order = listed + sorted(set(df["category"]) - set(listed))
    return (
        _pivot(df.rename(columns={"events": "n"}), "category", "period", order, list(AROUND)),
        _pivot(df.rename(columns={"cases": "n"}), "category", "period", order, list(AROUND)),
    )


def category_table(
    store: Store, user: User, f: CrcFilters, anchor_type: str, window: int = DEFAULT_WINDOW
) -> pd.DataFrame:
    """The events by category around the anchor, "c" where they number 1 to 5 or come from 1
    to 5 cases, with totals and secondary suppression."""
    events, cases = category_counts(store, user, f, anchor_type, window)
    return suppress_table(events, is_small(cases.to_numpy(dtype=np.int64)))


def _aligned_density(store: Store, cte: str, params: list, window: int) -> pd.DataFrame:
    # One row per case, agency and month in the sources: the rows counted are the cases.
    return store.query_df(
        cte
        + """ SELECT CAST(agency AS VARCHAR) AS agency, rel_month, events, cases FROM (
            SELECT m.agency, m.month_no - a.anchor_month AS rel_month,
                   CAST(sum(m.events) AS BIGINT) AS events, count(*) AS cases
            FROM crc_journey_agency_months m JOIN anchor a ON a.case_no = m.case_no
            WHERE m.month_no - a.anchor_month BETWEEN ? AND ? GROUP BY ALL)
        ORDER BY agency, rel_month""",
        [*params, -window, window],
    )


def _aligned_rows(store: Store, cte: str, params: list, window: int) -> pd.DataFrame:
    # From the events counted per case, category and month (one row each already): half the
    # rows of the events themselves to join, at England's scale 0.1 s instead of 0.4 s.
    return store.query_df(
        cte
        + """ SELECT a.case_row, m.month_no - a.anchor_month AS rel_month,
               CAST(m.category AS VARCHAR) AS category, CAST(m.events AS BIGINT) AS events
        FROM crc_journey_category_months m JOIN anchor a ON a.case_no = m.case_no
        WHERE a.case_row < ? AND m.month_no - a.anchor_month BETWEEN ? AND ?
        ORDER BY case_row, rel_month, category""",
        [*params, MAX_CASE_ROWS, -window, window],
    )


def aligned_case_count(store: Store, user: User, f: CrcFilters, anchor_type: str) -> int:
    require_crc(user)
    sel = _selection(f)
    firsts, column, value = _anchor_firsts(anchor_type)
    return store.query_one(
        f"""WITH {_journeys(store, sel)} SELECT count(*) FROM {firsts} fa
        JOIN crc_journey_cases j ON j.case_no = fa.case_no
        JOIN sel ON sel.case_key = j.case_key WHERE fa.{column} = ?""",
        [*sel.params, value],
    )[0]


def density_table(density: pd.DataFrame, window: int = DEFAULT_WINDOW) -> pd.DataFrame:
    """Agency x relative month of event counts, "c" where the events or the cases they come
    from number 1 to 5. No totals are shown, so no secondary suppression is needed."""
    months = list(range(-window, window + 1))
    if density.empty:
        return pd.DataFrame(index=pd.Index([], name="agency"), columns=months, dtype=object)
    agencies = sorted(density["agency"].unique())
    events = _pivot(
        density.rename(columns={"events": "n"}), "agency", "rel_month", agencies, months
    )
    cases = _pivot(density.rename(columns={"cases": "n"}), "agency", "rel_month", agencies, months)
    hide = is_small(events.to_numpy()) | is_small(cases.to_numpy())
    out = pd.DataFrame(
        np.where(hide, SUPPRESSED, events.to_numpy().astype(object)),
        index=events.index,
        columns=months,
        dtype=object,
    )
    out.index.name = "agency"
    return out


# ---------------------------------------------------------------- CRC summary (Appendix 3)


def summary_case_keys(store: Store, user: User, f: CrcFilters) -> list[str]:
    """Case keys of selected cases whose latest record version is signed off."""
    require_crc(user)
    sel = _selection(f)
    return [
        r[0]
        for r in store.query(
            f"""WITH {sel.sql} SELECT s.case_key FROM crc_summaries s
            JOIN sel ON sel.case_key = s.case_key
            ORDER BY s.meeting_date DESC NULLS LAST, s.case_key""",
            sel.params,
        )
    ]


@dataclass(frozen=True)
class CrcSummary:
    case_key: str
    age_months: int | None
    meeting_date: object
    chair: str | None
    record_version: int
    signed_on: object
    learning: list[tuple[str, str | None, str, tuple[str, ...]]]  # (scope, agency, text, themes)

    @property
    def age_text(self) -> str:
        if self.age_months is None:
            return "Not recorded"
        years, months = divmod(self.age_months, 12)
        return f"{years} years {months} months" if years else f"{months} months"

    @property
    def age_band(self) -> str | None:
        """The child's age as a frontline briefing says it: a band, never years and months
        (a briefing goes to every practitioner; the committee's summary keeps the age)."""
        if self.age_months is None:
            return None
        years = self.age_months // 12
        for upto, words in ((1, "under one"), (5, "under five"), (11, "of primary school age"),
                            (16, "of secondary school age")):  # fmt: skip
            if years < upto:
                return words
        return "16 or 17" if years < 18 else "over 18"

    def as_document(self) -> dict:
        """The shape `components.documents.committee.crc_summary_doc` takes."""
        return {
            "case_key": self.case_key,
            "age_at_meeting": self.age_text if self.age_months is not None else None,
            "age_band": self.age_band,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "chair_name": self.chair or "",
            "learning": [
                {"scope_label": s, "agency": a, "text": t, "themes": list(th)}
                for s, a, t, th in self.learning
            ],
            "version": self.record_version,
            "status": "signed off",
            "signed_at": self.signed_on.isoformat() if self.signed_on else None,
        }


def crc_summary(store: Store, user: User, case_key: str) -> CrcSummary:
    """Appendix 3 for one case: age at meeting, meeting date, chair, the record version it
    summarises and the reviewed wording of the learning shared with the committee."""
    require_crc(user)
    row = store.query_one(
        "SELECT case_key, age_months_at_meeting, meeting_date, chair_name, record_version,"
        " signed_on FROM crc_summaries WHERE case_key = ?",
        [case_key or ""],
    )
    if row is None:
        raise NotFound(f"unknown case key {case_key!r}")
    learning = store.query(
        """SELECT s.scope, s.agency, s.text,
                  list(t.theme ORDER BY t.theme) FILTER (WHERE t.theme IS NOT NULL)
        FROM crc_shared_learning s
        LEFT JOIN crc_learning_themes t ON t.learning_key = s.learning_key
        WHERE s.case_key = ?
        GROUP BY s.scope, s.agency, s.text, s.learning_key
        ORDER BY s.scope DESC, s.agency NULLS FIRST, s.learning_key""",
        [case_key],
    )
    return CrcSummary(
        *row,
        learning=[(SCOPES.get(s, s), a, t, tuple(th or ())) for s, a, t, th in learning],
    )


def committee_summaries(store: Store, user: User) -> list[CrcSummary]:
    """Appendix 3 of every case the committee has (signed off, reviewed, not under
    amendment), oldest sign-off first."""
    require_crc(user)
    keys = store.query("SELECT case_key FROM crc_summaries ORDER BY signed_on, case_key")
    return [crc_summary(store, user, key) for (key,) in keys]


def case_key_of(store: Store, case_id: int) -> str:
    """The committee's key of a case (for documents made inside the case)."""
    return store.query_one("SELECT case_key FROM crc_case_keys WHERE case_id = ?", [case_id])[0]


# ---------------------------------------------------------------- CSV


def table_csv_rows(table: pd.DataFrame) -> tuple[list[str], list[list[object]]]:
    """A displayed table as header and rows for `data.exports.csv_text`."""
    header = [str(table.index.name or ""), *[str(c) for c in table.columns]]
    rows = [[idx, *vals] for idx, vals in zip(table.index, table.to_numpy().tolist(), strict=True)]
    return header, rows


def unanswered_share_counts(store: Store, user: User, f: CrcFilters) -> pd.DataFrame:
    """Information that did not travel: links the meetings recorded as not received or as
    should have been shared (crc_event_links), the sending event's category x its agency."""
    require_crc(user)
    sel = _selection(f)
    df = store.query_df(
        f"""WITH {sel.sql}
        SELECT l.from_category AS category, l.from_agency AS agency, count(*) AS n
        FROM crc_event_links l JOIN sel ON sel.case_key = l.case_key
        WHERE l.unanswered
        GROUP BY ALL""",
        sel.params,
    )
    return _pivot(df, "category", "agency", sorted(df["category"].unique()),
                  sorted(df["agency"].unique()))  # fmt: skip


def unanswered_share_table(store: Store, user: User, f: CrcFilters) -> pd.DataFrame:
    return suppress_table(unanswered_share_counts(store, user, f))


# ---------------------------------------------------------------- patterns


EVERY_AGENCY = "Every agency (a silence of all)"
EVENT_PATTERN_KINDS = tuple(k for k in COMMITTEE_PATTERN_KINDS if k not in NO_EVENT_KINDS)


def pattern_counts(store: Store, user: User, f: CrcFilters, by: str) -> tuple[pd.DataFrame, ...]:
    """What the lenses found in the selected cases' signed-off records (crc_patterns), by
    agency or by category (`by`) of the pattern's events x kind: how many patterns, and from
    how many cases. A pattern with events of two agencies counts under each; a silence of
    every agency under EVERY_AGENCY; silences have no category (left out by category)."""
    require_crc(user)
    if by not in ("agency", "category"):
        raise ValueError(by)
    sel = _selection(f)
    df = store.query_df(
        f"""WITH {sel.sql}
        SELECT coalesce(p.{by}, ?) AS {by}, p.kind,
               count(DISTINCT p.case_key || ':' || CAST(p.pattern_no AS VARCHAR)) AS n,
               count(DISTINCT p.case_key) AS cases
        FROM crc_patterns p JOIN sel ON sel.case_key = p.case_key
        WHERE {"TRUE" if by == "agency" else "p.category IS NOT NULL"}
        GROUP BY ALL""",
        [*sel.params, EVERY_AGENCY],
    )
    kinds = COMMITTEE_PATTERN_KINDS if by == "agency" else EVENT_PATTERN_KINDS
    df["kind"] = df["kind"].map(KIND_LABELS)
    present = set(df[by])
    if by == "agency":
        rows = sorted(present - {EVERY_AGENCY}) + sorted(present & {EVERY_AGENCY})
    else:
        listed = [c.name for c in category_list(store)]
        rows = [c for c in listed if c in present] + sorted(present - set(listed))
    cols = [KIND_LABELS[k] for k in kinds]
    return (
        _pivot(df, by, "kind", rows, cols),
        _pivot(df.drop(columns="n").rename(columns={"cases": "n"}), by, "kind", rows, cols),
    )


def pattern_table(store: Store, user: User, f: CrcFilters, by: str) -> pd.DataFrame:
    """Patterns by agency or category x kind, with totals: "c" where they number 1 to 5 or come
    from 1 to 5 cases, and secondary suppression."""
    patterns, cases = pattern_counts(store, user, f, by)
    if patterns.empty:  # nothing found (or nothing signed off): no table of zeros
        return patterns
    return suppress_table(patterns, is_small(cases.to_numpy(dtype=np.int64)))
