"""One code path from an agency's extract file to events and rejected rows.

The CLI, the demo seeding and the upload page all call `ingest_file`. The file is loaded by
DuckDB's CSV reader into a staging table of text columns (header read as the first row, so no
name from the file ever becomes SQL), normalised by SQL, and committed with set-based INSERTs
in one transaction: every data row becomes an event or a rejected row with its reason, or, if
the file is unusable, nothing changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from data import audit
from data.cases import add_case_agency, ensure_agency, get_case
from data.dates import date_sql
from data.errors import InvalidInput
from data.store import Store

FIELDS = ("date", "time", "event_type", "summary", "source_ref")
REQUIRED_FIELDS = ("date",)
UNSPECIFIED_TYPE = "Unspecified"
# Longest accepted value per field, in characters (documented in docs/schema.md).
MAX_LENGTH = {"date": 40, "time": 20, "event_type": 100, "summary": 10_000, "source_ref": 100}
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 200


@dataclass
class IngestResult:
    case_ref: str
    agency: str
    file_name: str
    upload_id: int | None
    imported: int
    rejected: int
    unchanged: bool = False
    mapping: dict[str, str] = field(default_factory=dict)

    def summary_line(self) -> str:
        if self.unchanged:
            return (
                f"unchanged: {self.file_name} was already uploaded for {self.agency} "
                f"on case {self.case_ref}"
            )
        return f"imported {self.imported} events, rejected {self.rejected} rows"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def propose_mapping(header: list[str]) -> dict[str, int]:
    """Which column index holds each canonical field, matched on the header name."""
    normalised = [(h or "").strip().lower().replace(" ", "_") for h in header]
    return {f: normalised.index(f) for f in FIELDS if f in normalised}


def ingest_file(
    store: Store,
    case_ref: str,
    agency: str,
    path: str | Path,
    *,
    uploaded_by: str,
    file_name: str | None = None,
) -> IngestResult:
    """Ingest one extract for a case. Raises InvalidInput (nothing changed) if unusable."""
    path = Path(path)
    file_name = file_name or path.name
    if not path.is_file():
        raise InvalidInput(f"{file_name}: file not found or not readable")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{file_name}: the file is empty")
    if size > MAX_FILE_BYTES:
        raise InvalidInput(f"{file_name}: the file is over the {MAX_FILE_BYTES // 2**20} MB limit")
    case = get_case(store, case_ref)
    sha = file_sha256(path)

    with store.transaction() as cur:
        agency_id = ensure_agency(cur, agency)
        if cur.execute(
            "SELECT 1 FROM uploads WHERE case_id = ? AND agency_id = ? AND content_sha256 = ?",
            [case.case_id, agency_id, sha],
        ).fetchone():
            return IngestResult(case_ref, agency, file_name, None, 0, 0, unchanged=True)
        header = _stage(cur, path, file_name)
        mapping = propose_mapping(header)
        missing = [f for f in REQUIRED_FIELDS if f not in mapping]
        if missing:
            raise InvalidInput(
                f"{file_name}: no column named {', '.join(missing)} "
                f"(columns found: {', '.join(h or '(blank)' for h in header)})"
            )
        row_count = cur.execute("SELECT count(*) FROM ingest_stage WHERE _row > 1").fetchone()[0]
        if row_count == 0:
            raise InvalidInput(f"{file_name}: the file has a header but no data rows")
        upload_id = cur.execute(
            """
            INSERT INTO uploads (case_id, agency_id, file_name, content_sha256, row_count,
                                 event_count, rejected_count, uploaded_by)
            VALUES (?, ?, ?, ?, ?, 0, 0, ?) RETURNING upload_id
            """,
            [case.case_id, agency_id, file_name, sha, row_count, uploaded_by],
        ).fetchone()[0]
        add_case_agency(cur, case.case_id, agency_id)
        _normalise(cur, header, mapping)
        imported = _insert_events(cur, case.case_id, agency_id, upload_id)
        rejected = _insert_rejected(cur, upload_id)
        cur.execute(
            "UPDATE uploads SET event_count = ?, rejected_count = ? WHERE upload_id = ?",
            [imported, rejected, upload_id],
        )
        audit.record(
            cur,
            uploaded_by,
            audit.UPLOAD,
            case_ref=case_ref,
            detail=f"{file_name} for {agency}: {imported} events, {rejected} rejected",
        )
        cur.execute("DROP TABLE ingest_parsed")
        cur.execute("DROP TABLE ingest_stage")
    return IngestResult(
        case_ref,
        agency,
        file_name,
        upload_id,
        imported,
        rejected,
        mapping={f: header[i] for f, i in mapping.items()},
    )


def _stage(cur, path: Path, file_name: str) -> list[str]:
    """Load the file into `ingest_stage` (text columns c0..cN, `_row` = 1-based row number)."""
    cur.execute("DROP TABLE IF EXISTS ingest_stage")
    try:
        cur.execute(
            "CREATE TEMP TABLE ingest_stage AS "
            "SELECT * FROM read_csv(?, all_varchar = true, header = false, null_padding = true)",
            [str(path)],
        )
    except Exception as exc:  # DuckDB raises several error types for unreadable CSV
        first_line = str(exc).strip().splitlines()[0]
        raise InvalidInput(f"{file_name}: not a readable CSV file ({first_line})") from exc
    columns = [row[0] for row in cur.execute("DESCRIBE ingest_stage").fetchall()]
    if len(columns) > MAX_COLUMNS:
        raise InvalidInput(f"{file_name}: {len(columns)} columns; the maximum is {MAX_COLUMNS}")
    # Rows keep file order; rowids of rows inserted in this transaction start at an offset.
    cur.execute("ALTER TABLE ingest_stage ADD COLUMN _row BIGINT")
    cur.execute("UPDATE ingest_stage SET _row = rowid - (SELECT min(rowid) FROM ingest_stage) + 1")
    header_row = cur.execute(
        f"SELECT {', '.join(columns)} FROM ingest_stage WHERE _row = 1"
    ).fetchone()
    if header_row is None:
        raise InvalidInput(f"{file_name}: the file is empty")
    return [(h or "").strip() for h in header_row]


def _col(index: int) -> str:
    return f"column{index}"


def _normalise(cur, header: list[str], mapping: dict[str, int]) -> None:
    """Create `ingest_parsed`: one row per data row, with parsed values and any reject reason."""
    mapped = set(mapping.values())

    def field_sql(name: str) -> str:
        return f"nullif(trim({_col(mapping[name])}), '')" if name in mapping else "NULL"

    extra_pairs = [
        (header[i] or f"column {i + 1}", _col(i)) for i in range(len(header)) if i not in mapped
    ]
    if extra_pairs:
        extra_sql = "json_object(" + ", ".join(f"?, {col}" for _, col in extra_pairs) + ")"
    else:
        extra_sql = "NULL"
    extra_params = [name for name, _ in extra_pairs]
    raw_sql = (
        "array_to_string(list_transform(["
        + ", ".join(_col(i) for i in range(len(header)))
        + "], lambda x: '\"' || replace(coalesce(x, ''), '\"', '\"\"') || '\"'), ',')"
    )
    date_expr, prec_expr, date_params = date_sql("d_raw")
    length_checks, length_params = [], []
    for name in FIELDS:
        length_checks.append(f"WHEN length({name}_raw) > ? THEN ?")
        length_params += [MAX_LENGTH[name], name]

    cur.execute("DROP TABLE IF EXISTS ingest_parsed")
    cur.execute(
        f"""
        CREATE TEMP TABLE ingest_parsed AS
        WITH raw AS (
            SELECT _row,
                   {field_sql("date")} AS date_raw,
                   {field_sql("time")} AS time_raw,
                   {field_sql("event_type")} AS event_type_raw,
                   {field_sql("summary")} AS summary_raw,
                   {field_sql("source_ref")} AS source_ref_raw,
                   {extra_sql} AS extra,
                   {raw_sql} AS raw
            FROM ingest_stage
            WHERE _row > 1
        ), typed AS (
            SELECT *, date_raw AS d_raw,
                   CASE {" ".join(length_checks)} END AS too_long
            FROM raw
        ), parsed AS (
            SELECT *, {date_expr} AS event_date, {prec_expr} AS date_precision,
                   CAST(coalesce(try_strptime(time_raw, '%H:%M:%S'),
                                 try_strptime(time_raw, '%H:%M')) AS TIME) AS event_time
            FROM typed
        )
        SELECT *,
            CASE
                WHEN too_long IS NOT NULL THEN too_long
                WHEN date_raw IS NULL THEN 'date'
                WHEN event_date IS NULL THEN 'date'
                WHEN time_raw IS NOT NULL AND event_time IS NULL THEN 'time'
            END AS reject_column,
            CASE
                WHEN too_long IS NOT NULL
                    THEN too_long || ' is longer than the maximum of '
                         || CAST(list_extract(?, list_position(?, too_long)) AS VARCHAR)
                         || ' characters'
                WHEN date_raw IS NULL THEN 'date is empty'
                WHEN event_date IS NULL AND date_precision IS NOT NULL
                    THEN 'date does not exist (no such day or month)'
                WHEN event_date IS NULL THEN 'date is not in a recognised form (e.g. 03/05/2016 or 2016-05-03)'
                WHEN time_raw IS NOT NULL AND event_time IS NULL
                    THEN 'time is not a time of day (HH:MM)'
            END AS reject_reason
        FROM parsed
        """,
        extra_params
        + length_params
        + date_params
        + [[MAX_LENGTH[f] for f in FIELDS], list(FIELDS)],
    )


def _insert_events(cur, case_id: int, agency_id: int, upload_id: int) -> int:
    cur.execute(
        """
        INSERT INTO events (case_id, agency_id, upload_id, row_number, event_date,
                            date_precision, event_time, event_type, summary, source_ref, extra)
        SELECT ?, ?, ?, _row, event_date, date_precision, event_time,
               coalesce(event_type_raw, ?), coalesce(summary_raw, ''), source_ref_raw, extra
        FROM ingest_parsed WHERE reject_reason IS NULL ORDER BY _row
        """,
        [case_id, agency_id, upload_id, UNSPECIFIED_TYPE],
    )
    return cur.execute("SELECT count(*) FROM ingest_parsed WHERE reject_reason IS NULL").fetchone()[
        0
    ]


def _insert_rejected(cur, upload_id: int) -> int:
    cur.execute(
        """
        INSERT INTO rejected_rows (upload_id, row_number, column_name, value, reason, raw)
        SELECT ?, _row, reject_column,
               CASE reject_column WHEN 'date' THEN date_raw WHEN 'time' THEN time_raw
                    WHEN 'event_type' THEN left(event_type_raw, 200)
                    WHEN 'summary' THEN left(summary_raw, 200)
                    WHEN 'source_ref' THEN left(source_ref_raw, 200) END,
               reject_reason, raw
        FROM ingest_parsed WHERE reject_reason IS NOT NULL ORDER BY _row
        """,
        [upload_id],
    )
    return cur.execute(
        "SELECT count(*) FROM ingest_parsed WHERE reject_reason IS NOT NULL"
    ).fetchone()[0]
