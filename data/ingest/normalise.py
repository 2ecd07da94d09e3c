"""Normalising the staged rows in SQL on the extract's private connection (step 3 of
`data.ingest`): dates at their precision, uncertain dates, times, lengths, extra columns, and
each row's reject reason."""

from __future__ import annotations

from data.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    date_forms,
    date_sql,
    normalise_sql,
    time_sql,
)
from data.ingest.model import FIELDS, MAX_EXTRA_LENGTH, MAX_LENGTH, col


def header_names(con, header_rowid: int, n_columns: int) -> list[str]:
    """The header row's names (trimmed; blank or repeated names made unique)."""
    cols = ", ".join(col(i) for i in range(n_columns))
    row = con.execute(f"SELECT {cols} FROM stage WHERE rowid = ?", [header_rowid]).fetchone()
    header = [(h or "").strip() for h in row]
    width = len(header)
    while width > 1 and not header[width - 1]:
        width -= 1  # trailing blank header cells are not columns (unless rows fill them)
    header = header[:width]
    # Blank or repeated names get a name of their own, so extra columns stay apart in JSON.
    seen: dict[str, int] = {}
    named = []
    for i, h in enumerate(header):
        name = h or f"column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        named.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return named


# An uncertain date as chronologies write it: "?22 May 2016", "c. 2015", "circa 2015",
# "approx. March 2016", "2016?" (RE2, case-insensitive).
_UNCERTAIN_PREFIX = (
    r"(?i)^(\?+\s*|~\s*|(c|ca)\.\s*|(c|ca|circa|approx|approximately|about|around|est|estimated)"
    r"\.?\s+)"
)


_UNCERTAIN_SUFFIX = (
    r"(?i)\s*(\?+|\(\s*(approx|approximately|estimated|est|circa|uncertain)\.?\s*\))$"
)


_TIME_SUFFIX = r" \d{1,2}[:.]\d{2}([:.]\d{2})?$"


def _date_value_sql(kind: str) -> tuple[str, str, list]:
    """SQL over `date_raw`: the date without its uncertainty marks (`date_stripped`), then over
    that, in a workbook, an Excel serial day number (42500, 42500.5) written as an ISO date."""
    stripped = (
        "CASE WHEN regexp_matches(date_raw, '(?i)^[?~a-z]|[?)]$') "
        "THEN regexp_replace(regexp_replace(date_raw, ?, ''), ?, '') ELSE date_raw END"
    )
    serial = "date_stripped"
    if kind == "workbook":
        serial = (
            "CASE WHEN regexp_full_match(date_stripped, '\\d{5}') THEN strftime("
            "DATE '1899-12-30' + CAST(date_stripped AS INTEGER), '%Y-%m-%d') "
            "WHEN regexp_full_match(date_stripped, '\\d{5}\\.\\d+') THEN strftime("
            "TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(date_stripped AS DOUBLE)"
            " * 86400000000) AS BIGINT)), '%Y-%m-%d %H:%M') ELSE date_stripped END"
        )
    return stripped, serial, [_UNCERTAIN_PREFIX, _UNCERTAIN_SUFFIX]


def normalise_rows(
    con,
    header: list[str],
    n_columns: int,
    mapping: dict[str, int],
    date_order: str,
    header_rowid: int,
    row_offset: int,
    kind: str,
) -> None:
    """Create `parsed`: one row per non-blank data row, with parsed values and any reject reason."""
    mapped = set(mapping.values())
    width = len(header)

    def field_sql(name: str) -> str:
        return f"nullif(trim({col(mapping[name])}), '')" if name in mapping else "NULL"

    extra_cols = [i for i in range(width) if i not in mapped]
    if extra_cols:
        extra_sql = (
            "CAST(json_object("
            + ", ".join(f"?, coalesce({col(i)}, '')" for i in extra_cols)
            + ") AS VARCHAR)"
        )
        extra_long = "greatest(" + ", ".join(f"length({col(i)})" for i in extra_cols) + ")"
        if len(extra_cols) == 1:
            extra_long = f"length({col(extra_cols[0])})"
    else:
        extra_sql, extra_long = "NULL", "NULL"
    extra_params = [header[i] for i in extra_cols]
    all_cols = [col(i) for i in range(n_columns)]
    raw_sql = (
        "array_to_string(list_transform(["
        + ", ".join(all_cols)
        + "], lambda x: '\"' || replace(coalesce(x, ''), '\"', '\"\"') || '\"'), ',')"
    )
    # Fields beyond the header: the row does not fit the columns.
    overflow = [col(i) for i in range(width, n_columns)]
    overflow_sql = (
        "(" + " OR ".join(f"nullif(trim({c}), '') IS NOT NULL" for c in overflow) + ")"
        if overflow
        else "false"
    )
    blank = blank_sql(n_columns)
    date_stripped, date_value, date_value_params = _date_value_sql(kind)
    exprs, date_params = date_sql_for(date_order)
    time_expr, time_params = time_sql("time_raw")
    date_only_formats = [
        f for form in date_forms(date_order) if not form.has_time for f in form.formats
    ]
    length_checks, length_params = [], []
    for name in FIELDS:
        length_checks.append(f"WHEN length({name}_raw) > ? THEN ?")
        length_params += [MAX_LENGTH[name], name]

    con.execute("DROP TABLE IF EXISTS parsed")
    con.execute(
        f"""
        CREATE TABLE parsed AS
        WITH raw AS (
            SELECT rowid + 1 + {int(row_offset)} AS _row,
                   {field_sql("date")} AS date_raw,
                   {field_sql("time")} AS time_raw,
                   {field_sql("event_type")} AS event_type_raw,
                   {field_sql("summary")} AS summary_raw,
                   {field_sql("source_ref")} AS source_ref_raw,
                   {extra_sql} AS extra,
                   {extra_long} AS extra_length,
                   {overflow_sql} AS overflow,
                   {", ".join(all_cols)}
            FROM stage
            WHERE rowid > {int(header_rowid)} AND NOT ({blank})
        ), stripped AS (
            SELECT *, {date_stripped} AS date_stripped FROM raw
        ), valued AS (
            SELECT *, {date_value} AS date_value FROM stripped
        ), normal AS (
            SELECT *, {normalise_sql("date_value")} AS d_norm,
                   date_stripped IS DISTINCT FROM date_raw AS date_uncertain,
                   CASE {" ".join(length_checks)} END AS too_long
            FROM valued
        ), formed AS (
            SELECT *, {exprs["form"]} AS form FROM normal
        ), parsed AS (
            SELECT *, {exprs["ts"]} AS ts,
                   {exprs["precision"]} AS date_precision,
                   {exprs["has_time"]} AS date_has_time,
                   {time_expr} AS time_parsed
            FROM formed
        )
        SELECT _row, date_raw, time_raw, event_type_raw, summary_raw, source_ref_raw, extra,
               CAST(ts AS DATE) AS event_date, date_precision,
               date_uncertain,
               CASE WHEN time_raw IS NOT NULL THEN time_parsed
                    WHEN date_has_time THEN CAST(ts AS TIME) END AS event_time,
            CASE
                WHEN overflow THEN 'row'
                WHEN too_long IS NOT NULL THEN too_long
                WHEN extra_length > ? THEN 'extra'
                WHEN date_raw IS NULL OR ts IS NULL OR year(ts) NOT BETWEEN ? AND ? THEN 'date'
                WHEN time_raw IS NOT NULL AND time_parsed IS NULL THEN 'time'
            END AS reject_column,
            CASE
                WHEN overflow THEN 'row has more fields than the header has columns'
                WHEN too_long IS NOT NULL
                    THEN too_long || ' is longer than the maximum of '
                         || CAST(list_extract(?, list_position(?, too_long)) AS VARCHAR)
                         || ' characters'
                WHEN extra_length > ?
                    THEN 'a value in another column is longer than the maximum of '
                         || CAST(? AS VARCHAR) || ' characters'
                WHEN date_raw IS NULL THEN 'date is empty'
                WHEN form IS NOT NULL AND ts IS NULL AND date_has_time
                     AND try_strptime(regexp_replace(d_norm, ?, ''), ?) IS NOT NULL
                    THEN 'the time in the date is not a time of day (00:00 to 23:59); '
                         || 'the day itself is valid'
                WHEN form IS NOT NULL AND ts IS NULL
                    THEN 'date does not exist (no such day or month)'
                WHEN ts IS NULL
                    THEN 'date is not in a recognised form (e.g. 03/05/2016, 2016-05-03, 12 Mar 2016, Sept 2015 or 2016)'
                WHEN year(ts) NOT BETWEEN ? AND ?
                    THEN 'date is outside the years ' || CAST(? AS VARCHAR) || '-' || CAST(? AS VARCHAR)
                WHEN time_raw IS NOT NULL AND time_parsed IS NULL
                    THEN 'time is not a time of day (HH:MM)'
            END AS reject_reason,
            -- The row as sent, kept for rejected rows only (most of the text of a file).
            CASE WHEN reject_column IS NOT NULL THEN {raw_sql} END AS raw
        FROM parsed
        """,
        extra_params
        + date_value_params
        + length_params
        + date_params
        + time_params
        + [MAX_EXTRA_LENGTH, EARLIEST_YEAR, LATEST_YEAR]
        + [[MAX_LENGTH[f] for f in FIELDS], list(FIELDS)]
        + [MAX_EXTRA_LENGTH, MAX_EXTRA_LENGTH]
        + [_TIME_SUFFIX, date_only_formats]
        + [EARLIEST_YEAR, LATEST_YEAR, EARLIEST_YEAR, LATEST_YEAR],
    )


def blank_sql(n_columns: int) -> str:
    return " AND ".join(f"nullif(trim({col(i)}), '') IS NULL" for i in range(n_columns))


def date_sql_for(date_order: str) -> tuple[dict, list]:
    """The date expressions over `d_norm` for a date order (see `data.dates.date_sql`)."""
    return date_sql("d_norm", date_forms(date_order))


def date_columns(con, header: list[str], header_rowid: int, limit: int = 200) -> list[int]:
    """Columns where most of the first non-empty values read as dates, best first."""
    exprs, params = date_sql_for("dmy")
    scores = []
    for i in range(len(header)):
        row = con.execute(
            f"""
            WITH v AS (
                SELECT {normalise_sql(col(i))} AS d_norm FROM stage
                WHERE rowid > {int(header_rowid)} AND nullif(trim({col(i)}), '') IS NOT NULL
                LIMIT {int(limit)}
            ), f AS (SELECT {exprs["form"]} AS form FROM v)
            SELECT count(*), count(form) FROM f
            """,
            params[: len(date_forms("dmy"))],
        ).fetchone()
        total, dated = row
        if total and dated / total >= 0.5:
            scores.append((dated / total, -i))
    return [-i for _, i in sorted(scores, reverse=True)]
