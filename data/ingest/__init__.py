"""One code path from an agency's extract file to events and rejected rows.

The CLI, the demo seeding and the upload page all go through `analyse_file` and `ingest_file`
(this module: analysing, then committing). Its rooms: `model` (fields, limits, the analysis and
the extract's private workspace), `reading` (steps 1-2), `mapping` (which column is which
field), `normalise` (step 3), `uploads` (what was uploaded, rejected rows), `template`.

1. **Read** (`read_source`): refuse what cannot be an extract (empty, too big, a kind of file
   its name does not say, protected or damaged workbooks: `data.extract_files`), hash the
   bytes, and load the records into `stage` as text columns c0..cN named by position (never by
   DuckDB's generated names, which change with the width). A CSV's encoding is detected per
   file (UTF-8 preferred when nearly all of it decodes; the uploader may choose another) and
   anything else is transcoded to UTF-8 in streaming chunks, NUL bytes and undecodable bytes
   marked so that their rows are named in a warning. DuckDB's CSV reader stages the text;
   workbooks (calamine) and Word chronology tables arrive as a grid of cells.
2. **Header**: the row naming the columns is found (a `sep=;` line, titles and "printed on"
   lines above it are skipped and said) or chosen by the uploader. No name from the file ever
   becomes SQL.
3. **Normalise** on a private in-memory DuckDB connection (the store's write lock is not
   held): SQL parses dates (`data.dates`, uncertain dates "?22 May 2016" and "c. 2015" kept with
   their precision and flagged, Excel serial day numbers in workbooks), times, field lengths
   and extra columns, giving each row a reject reason or none.
4. **Analyse** (nothing committed): counts, the first rejected rows with their reasons, and
   warnings (future dates, dates before birth beyond the pre-birth window, possible
   duplicates, bytes removed or replaced). The upload page shows this before the user confirms.
   Without a mapping or date order, the agency's last upload's (on any case) are proposed.
5. **Commit** (`ingest_file`): the parsed rows are streamed as Arrow into one store
   transaction with set-based INSERTs: every data row becomes an event or a rejected row, or,
   if the file is unusable, nothing changes. The same file with the same settings changes
   nothing; other settings are a new version. With `replace`, the agency's earlier uploads for
   the case are retired (their events kept, flagged with `retired_at`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from data import audit, categories, category_assign
from data.access import require_case
from data.actor import SYSTEM, User
from data.agency_names import find_agency, same_agency
from data.cases import add_case_agency, ensure_agency
from data.dates import DATE_ORDERS
from data.errors import Forbidden, InvalidInput
from data.ingest.mapping import parse_map_options, propose_mapping
from data.ingest.model import (
    FIELDS,
    MAX_FILE_BYTES,
    MAX_MAPPED_TYPES,
    PRE_BIRTH_DAYS,
    PREVIEW_ROWS,
    SAMPLE_ROWS,
    UNSPECIFIED_TYPE,
    Analysis,
    IngestResult,
    IngestWarning,
    Work,
    col,
)
from data.ingest.normalise import blank_sql, date_columns, header_names, normalise_rows
from data.ingest.reading import all_columns, find_header, read_source
from data.permissions import may_upload, speaks_for_agency
from data.store import Store

# ---------------------------------------------------------------------------------------------
# Reading a file into `stage`


# ---------------------------------------------------------------------------------------------
# Mapping


# ---------------------------------------------------------------------------------------------
# Normalising on a private in-memory connection


# ---------------------------------------------------------------------------------------------
# Analyse (nothing committed)


def check_may_upload(store: Store, user: User, case_ref: str, agency: str):
    """The case, if this user may add an extract to it for this agency."""
    case = require_case(store, user, case_ref)
    if speaks_for_agency(user) and not same_agency(agency, user.agency):
        raise Forbidden(f"{user.username} may upload only for {user.agency}")
    if not may_upload(user):
        raise Forbidden(f"{user.username} may not upload extracts")
    return case


@dataclass(frozen=True)
class ReadSettings:
    """What the uploader may set about reading a file (None: detect, or as last time)."""

    mapping: dict[str, int] | list[str] | None = None
    date_order: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None


def _remembered(store: Store, agency_id: int | None) -> tuple[dict[str, str], str] | None:
    """The column names and date order of the agency's latest upload, on any case."""
    if agency_id is None:
        return None
    row = store.query_one(
        "SELECT column_map, date_order FROM uploads WHERE agency_id = ? AND column_map IS NOT NULL"
        " ORDER BY uploaded_at DESC, upload_id DESC LIMIT 1",
        [agency_id],
    )
    if row is None:
        return None
    names = json.loads(row[0]) if isinstance(row[0], str) else dict(row[0])
    return names, row[1] or "dmy"


def _choose_mapping(con, header, header_rowid, mapping, remembered, file_name):
    """The mapping asked for, else the agency's last one where it fits, else proposed."""
    if mapping is None:
        if remembered:
            names, _ = remembered
            index = {h: i for i, h in enumerate(header)}
            if names.get("date") in index:
                kept = {f: index[n] for f, n in names.items() if f in FIELDS and n in index}
                proposed = propose_mapping(header)  # for fields whose column this file lacks
                return {
                    f: i for f, i in proposed.items() if f not in names and i not in kept.values()
                } | kept, True
        mapping = propose_mapping(header)
        if "date" not in mapping:  # no header says date: look for a column of dates
            candidates = [
                i for i in date_columns(con, header, header_rowid) if i not in mapping.values()
            ]
            if candidates:
                mapping["date"] = candidates[0]
        return mapping, False
    if isinstance(mapping, list):  # CLI: the fields named override the proposal
        given = parse_map_options(mapping, header)
        proposed = propose_mapping(header)
        return {
            f: i for f, i in proposed.items() if f not in given and i not in given.values()
        } | given, False
    mapping = {f: i for f, i in mapping.items() if i is not None}
    bad = [f for f, i in mapping.items() if f not in FIELDS or not 0 <= i < len(header)]
    if bad:
        raise InvalidInput(f"{file_name}: mapping names unknown field or column {bad[0]!r}")
    if len(set(mapping.values())) < len(mapping):
        raise InvalidInput(f"{file_name}: one column is mapped to two fields")
    return mapping, False


def _prepare(
    work: Work,
    store: Store,
    case,
    agency: str,
    path: Path,
    file_name: str,
    settings: ReadSettings,
    max_bytes: int,
    replace: bool,
) -> Analysis:
    if settings.date_order is not None and settings.date_order not in DATE_ORDERS:
        raise InvalidInput(
            f"date order {settings.date_order!r}: use one of {', '.join(DATE_ORDERS)}"
        )
    source = read_source(work, path, file_name, max_bytes, settings.encoding, settings.sheet)
    con = work.con
    n_columns = len(all_columns(con))
    header_rowid, skipped = find_header(con, source, settings.header_row)
    header = header_names(con, header_rowid, n_columns)
    row_count = con.execute(
        f"SELECT count(*) FROM stage WHERE rowid > ? AND NOT ({blank_sql(n_columns)})",
        [header_rowid],
    ).fetchone()[0]
    if row_count == 0:
        raise InvalidInput(f"{file_name}: the file has a header but no data rows")
    agency_id = _agency_id(store, agency)
    remembered = _remembered(store, agency_id) if settings.mapping is None else None
    mapping, used_memory = _choose_mapping(
        con, header, header_rowid, settings.mapping, remembered, file_name
    )
    date_order = settings.date_order or (remembered[1] if remembered else "dmy")
    if "date" not in mapping:
        raise InvalidInput(
            f"{file_name}: no column that can be a date "
            f"(columns found: {', '.join(h or '(blank)' for h in header)})"
        )
    normalise_rows(
        con, header, n_columns, mapping, date_order, header_rowid, source.row_offset, source.kind
    )
    accepted, rejected = con.execute(
        "SELECT count(*) FILTER (reject_reason IS NULL), count(*) FILTER (reject_reason IS NOT NULL)"
        " FROM parsed"
    ).fetchone()
    rejected_rows = [
        {"row": r, "column": c, "value": v, "reason": why}
        for r, c, v, why in con.execute(
            f"""
            SELECT _row, reject_column, {_reject_value_sql()}, reject_reason FROM parsed
            WHERE reject_reason IS NOT NULL ORDER BY _row LIMIT {SAMPLE_ROWS}
            """
        ).fetchall()
    ]
    event_types = con.execute(
        f"""
        SELECT coalesce(event_type_raw, '{UNSPECIFIED_TYPE}') AS t, count(*) FROM parsed
        WHERE reject_reason IS NULL GROUP BY t ORDER BY count(*) DESC, t LIMIT {MAX_MAPPED_TYPES}
        """
    ).fetchall()
    preview_cols = ", ".join(f"coalesce({col(i)}, '')" for i in range(len(header)))
    preview = [
        list(r)
        for r in con.execute(
            f"SELECT {preview_cols} FROM stage WHERE rowid > ? ORDER BY rowid LIMIT {PREVIEW_ROWS}",
            [header_rowid],
        ).fetchall()
    ]
    con.execute("DROP TABLE stage")
    analysis = Analysis(
        file_name=file_name,
        encoding=source.encoding,
        delimiter=source.delimiter,
        sha256=source.sha256,
        header=header,
        mapping=dict(sorted(mapping.items(), key=lambda kv: FIELDS.index(kv[0]))),
        date_order=date_order,
        row_count=row_count,
        accepted=accepted,
        rejected=rejected,
        rejected_rows=rejected_rows,
        warnings=list(source.cleaned),
        preview=preview,
        kind=source.kind,
        encoding_detected=source.encoding_detected,
        sheet=source.sheet,
        sheets=source.sheets,
        header_row=header_rowid + 1 + source.row_offset,
        header_detected=settings.header_row is None,
        skipped=skipped,
        notes=source.notes,
        remembered=used_memory or (settings.date_order is None and remembered is not None),
        event_types=[(t, int(n)) for t, n in event_types],
    )
    if agency_id is not None:
        analysis.already_uploaded = (
            _same_upload(store.cursor(), case.case_id, agency_id, analysis, replace) is not None
        )
    analysis.warnings += _warnings(con, store, case, agency_id)
    return analysis


def _settings_key(analysis: Analysis, replace: bool) -> list:
    """What, beside the bytes, shapes the events of an upload (compared with earlier ones)."""
    return [
        json.dumps(analysis.mapping_names),
        analysis.date_order,
        "replace" if replace else "add",
        analysis.encoding,
        analysis.sheet or "",
        analysis.header_row,
    ]


def _same_upload(cur, case_id: int, agency_id: int, analysis: Analysis, replace: bool):
    """The active upload of this very file with these very settings, if there is one."""
    return cur.execute(
        """
        SELECT upload_id FROM uploads
        WHERE case_id = ? AND agency_id = ? AND content_sha256 = ? AND retired_at IS NULL
          AND CAST(column_map AS VARCHAR) = ? AND date_order = ? AND mode = ?
          AND coalesce(encoding, '') = ? AND coalesce(sheet, '') = ?
          AND coalesce(header_row, 1) = ?
        """,
        [case_id, agency_id, analysis.sha256, *_settings_key(analysis, replace)],
    ).fetchone()


def _reject_value_sql() -> str:
    return """CASE reject_column WHEN 'date' THEN date_raw WHEN 'time' THEN time_raw
                  WHEN 'event_type' THEN left(event_type_raw, 200)
                  WHEN 'summary' THEN left(summary_raw, 200)
                  WHEN 'source_ref' THEN left(source_ref_raw, 200) END"""


def _agency_id(store: Store, agency: str) -> int | None:
    row = find_agency(store, agency)
    return row[0] if row else None


def _warnings(con, store: Store, case, agency_id: int | None) -> list[IngestWarning]:
    warnings: list[IngestWarning] = []
    ok = "reject_reason IS NULL"

    def add(kind: str, message: str, sql: str, params: list | None = None) -> None:
        rows = [r for (r,) in con.execute(sql, params or []).fetchall()]
        if rows:
            warnings.append(
                IngestWarning(kind, message.format(n=f"{len(rows):,}"), rows[:SAMPLE_ROWS])
            )

    today = date.today()
    add(
        "future",
        "rows with a date in the future: {n}",
        f"SELECT _row FROM parsed WHERE {ok} AND event_date > ? ORDER BY _row",
        [today],
    )
    if case.date_of_birth:
        window_start = case.date_of_birth - timedelta(days=PRE_BIRTH_DAYS)
        add(
            "before_birth",
            "rows dated more than "
            + f"{PRE_BIRTH_DAYS} days before the child's birth ({case.date_of_birth:%d %B %Y})"
            + ": {n}",
            f"SELECT _row FROM parsed WHERE {ok} AND event_date < ? ORDER BY _row",
            [window_start],
        )
    add(
        "duplicate_in_file",
        "rows that repeat another row of this file (same date, time, type and summary): {n}",
        f"""
        SELECT _row FROM (
            SELECT _row, count(*) OVER (PARTITION BY event_date, event_time, event_type_raw,
                                                     summary_raw) AS n
            FROM parsed WHERE {ok}
        ) WHERE n > 1 ORDER BY _row
        """,
    )
    if agency_id is not None:
        existing = store.query_df(
            """
            SELECT DISTINCT CAST(event_date AS VARCHAR) AS event_date,
                   CAST(event_time AS VARCHAR) AS event_time, event_type, summary FROM events
            WHERE case_id = ? AND agency_id = ? AND retired_at IS NULL
            """,
            [case.case_id, agency_id],
        )
        if len(existing):
            con.register("existing_events", existing)
            add(
                "duplicate_existing",
                "rows that match an event this agency already has on the case"
                " (possible duplicates if added rather than replacing): {n}",
                f"""
                SELECT p._row FROM parsed p JOIN existing_events e
                  ON e.event_date = CAST(p.event_date AS VARCHAR)
                 AND e.event_time IS NOT DISTINCT FROM CAST(p.event_time AS VARCHAR)
                 AND e.event_type = coalesce(p.event_type_raw, '{UNSPECIFIED_TYPE}')
                 AND e.summary = coalesce(p.summary_raw, '')
                WHERE p.{ok} ORDER BY p._row
                """,
            )
            con.unregister("existing_events")
    return warnings


def analyse_file(
    store: Store,
    case_ref: str,
    agency: str,
    path: str | Path,
    *,
    user: User = SYSTEM,
    file_name: str | None = None,
    mapping: dict[str, int] | list[str] | None = None,
    date_order: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    replace: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
) -> Analysis:
    """What ingesting this file would do; nothing is committed.

    `mapping` is field → column index (the page), a list of `FIELD=COLUMN` (the CLI), or None
    for the agency's mapping of last time where the header has its columns, else the mapping
    proposed from the header names (and, for the date, the column contents). `date_order`
    None is the agency's of last time, else day first. `encoding`, `sheet` and `header_row`
    (the file's row number that names the columns) None are detected.
    Raises InvalidInput with one line if the file is unusable.
    """
    path = Path(path)
    file_name = file_name or path.name
    case = check_may_upload(store, user, case_ref, agency)
    settings = ReadSettings(mapping, date_order, encoding, sheet, header_row)
    with Work() as work:
        return _prepare(work, store, case, agency, path, file_name, settings, max_bytes, replace)


# ---------------------------------------------------------------------------------------------
# Commit


def ingest_file(
    store: Store,
    case_ref: str,
    agency: str,
    path: str | Path,
    *,
    uploaded_by: str | None = None,
    user: User = SYSTEM,
    file_name: str | None = None,
    mapping: dict[str, int] | list[str] | None = None,
    date_order: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    replace: bool = False,
    strict: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    category_choices: dict[str, str] | None = None,
) -> IngestResult:
    """Ingest one extract for a case. Raises InvalidInput (nothing changed) if unusable.

    The same file with the same settings (mapping, date order, mode, encoding, sheet, header
    row) for the same case and agency changes nothing (`unchanged`); other settings make a new
    version. With `replace` the agency's earlier uploads for the case are retired; otherwise
    the new rows are added. With `strict` a file with any rejected row is refused whole.
    `category_choices` (event type -> category, as the uploader confirmed them) are remembered
    for the agency; every new event gets its category (data.categories).
    """
    path = Path(path)
    file_name = file_name or path.name
    uploaded_by = uploaded_by or user.username
    agency = (agency or "").strip()
    if not path.is_file():
        raise InvalidInput(f"{file_name}: file not found or not readable")
    case = check_may_upload(store, user, case_ref, agency)
    settings = ReadSettings(mapping, date_order, encoding, sheet, header_row)
    with Work() as work:
        a = _prepare(work, store, case, agency, path, file_name, settings, max_bytes, replace)
        result = IngestResult(
            case.case_ref,
            agency,
            file_name,
            None,
            0,
            0,
            mapping=a.mapping_names,
            warnings=a.warnings,
            encoding=a.encoding,
            delimiter=a.delimiter_name,
            read_as=a.read_as(),
            notes=a.notes + [f"skipped row {n} above the header: {t}" for n, t in a.skipped],
        )
        if a.already_uploaded:
            result.unchanged = True
            return result
        if strict and a.rejected:
            first = a.rejected_rows[0]
            raise InvalidInput(
                f"{file_name}: refused (strict): {a.rejected} rows would be rejected; "
                f"first: row {first['row']}, {first['column']}: {first['reason']}"
            )
        with store.transaction() as cur:
            agency_id = ensure_agency(cur, agency)
            if _same_upload(cur, case.case_id, agency_id, a, replace):
                result.unchanged = True
                return result
            upload_id = cur.execute(
                """
                INSERT INTO uploads (case_id, agency_id, file_name, content_sha256, row_count,
                                     event_count, rejected_count, uploaded_by, column_map,
                                     date_order, mode, encoding, sheet, header_row, delimiter,
                                     file_kind, warning_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING upload_id
                """,
                [
                    case.case_id,
                    agency_id,
                    file_name,
                    a.sha256,
                    a.row_count,
                    a.accepted,
                    a.rejected,
                    uploaded_by,
                    *_settings_key(a, replace),
                    a.delimiter_name,
                    a.kind,
                    sum(len(w.rows) for w in a.warnings),
                ],
            ).fetchone()[0]
            add_case_agency(
                cur, case.case_id, agency_id, by=user, why=f"extract {file_name} uploaded"
            )
            if replace:
                result.retired_uploads = _retire(cur, case.case_id, agency_id, upload_id)
            events = work.con.sql(
                f"""
                SELECT _row, event_date, date_precision, date_uncertain, event_time,
                       coalesce(event_type_raw, '{UNSPECIFIED_TYPE}') AS event_type,
                       coalesce(summary_raw, '') AS summary, source_ref_raw, extra
                FROM parsed WHERE reject_reason IS NULL ORDER BY _row
                """
            ).to_arrow_reader()
            cur.register("ingest_events", events)
            cur.execute(
                """
                INSERT INTO events (case_id, agency_id, upload_id, row_number, event_date,
                                    date_precision, date_uncertain, event_time, event_type,
                                    summary, source_ref, extra)
                SELECT ?, ?, ?, _row, event_date, date_precision, date_uncertain, event_time,
                       event_type, summary, source_ref_raw, extra
                FROM ingest_events
                """,
                [case.case_id, agency_id, upload_id],
            )
            cur.unregister("ingest_events")
            categories.remember(cur, agency_id, category_choices or {}, uploaded_by)
            category_assign.assign(cur, upload_id=upload_id)
            rejects = work.con.sql(
                f"""
                SELECT _row, reject_column, {_reject_value_sql()} AS value, reject_reason, raw
                FROM parsed WHERE reject_reason IS NOT NULL ORDER BY _row
                """
            ).to_arrow_reader()
            cur.register("ingest_rejects", rejects)
            cur.execute(
                """
                INSERT INTO rejected_rows (upload_id, row_number, column_name, value, reason, raw)
                SELECT ?, _row, reject_column, value, reject_reason, raw FROM ingest_rejects
                """,
                [upload_id],
            )
            cur.unregister("ingest_rejects")
            audit.record(
                cur,
                uploaded_by,
                audit.UPLOAD,
                case_ref=case.case_ref,
                detail=(
                    f"{file_name} for {agency}: {a.accepted} events, {a.rejected} rejected"
                    + (f", replaced {result.retired_uploads} earlier upload(s)" if replace else "")
                ),
            )
    result.upload_id, result.imported, result.rejected = upload_id, a.accepted, a.rejected
    return result


def _retire(cur, case_id: int, agency_id: int, upload_id: int) -> int:
    """Retire the agency's other active uploads for the case, and their events."""
    retired = cur.execute(
        """
        UPDATE uploads SET retired_at = current_timestamp, replaced_by = ?
        WHERE case_id = ? AND agency_id = ? AND upload_id <> ? AND retired_at IS NULL
        RETURNING upload_id
        """,
        [upload_id, case_id, agency_id, upload_id],
    ).fetchall()
    ids = [r[0] for r in retired]
    if ids:
        cur.execute(
            "UPDATE events SET retired_at = current_timestamp"
            " WHERE list_contains(?, upload_id) AND retired_at IS NULL",
            [ids],
        )
    return len(ids)


# ---------------------------------------------------------------------------------------------
# Read models: upload history, rejected rows, template
