"""One code path from an agency's extract file to events and rejected rows.

The CLI, the demo seeding and the upload page all go through `analyse_file` and `ingest_file`.

1. **Sniff** (`sniff_file`): refuse what cannot be an extract (empty, binary, too big, too many
   columns), hash the bytes, detect the encoding (UTF-8 with or without BOM, UTF-16 with BOM,
   else Windows-1252) and the delimiter (comma, tab, semicolon, pipe). Anything that is not
   UTF-8 is transcoded to a UTF-8 temporary file in streaming chunks.
2. **Stage and normalise** on a private in-memory DuckDB connection (the store's write lock is
   not held): DuckDB's CSV reader loads the file as text columns with the header read as row
   1, so no name from the file ever becomes SQL; SQL then parses dates (`data.dates`), times,
   field lengths and extra columns, giving each row a reject reason or none.
3. **Analyse** (nothing committed): counts, the first rejected rows with their reasons, and
   warnings (future dates, dates before birth beyond the pre-birth window, possible
   duplicates). The upload page shows this before the user confirms.
4. **Commit** (`ingest_file`): the parsed rows are streamed as Arrow into one store
   transaction with set-based INSERTs: every data row becomes an event or a rejected row, or,
   if the file is unusable, nothing changes. With `replace`, the agency's earlier uploads for
   the case are retired (their events kept, flagged with `retired_at`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from data import audit
from data.access import SYSTEM, require_case
from data.cases import add_case_agency, ensure_agency
from data.dates import (
    DATE_ORDERS,
    EARLIEST_YEAR,
    LATEST_YEAR,
    date_forms,
    date_sql,
    normalise_sql,
    time_sql,
)
from data.errors import Forbidden, InvalidInput
from data.exports import csv_text
from data.store import Store
from data.users import User

FIELDS = ("date", "time", "event_type", "summary", "source_ref")
FIELD_LABELS = {
    "date": "Date",
    "time": "Time",
    "event_type": "Event type",
    "summary": "Summary",
    "source_ref": "Agency's reference",
}
REQUIRED_FIELDS = ("date",)
UNSPECIFIED_TYPE = "Unspecified"
# Longest accepted value per field, in characters (documented in docs/schema.md).
MAX_LENGTH = {"date": 40, "time": 20, "event_type": 100, "summary": 10_000, "source_ref": 100}
MAX_EXTRA_LENGTH = 2_000  # any other column's value
MAX_FILE_BYTES = 200 * 1024 * 1024  # command line
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # through the browser (dcc.Upload max_size, Flask 413)
MAX_COLUMNS = 200
PRE_BIRTH_DAYS = 280  # events this long before birth are expected (pregnancy); older are warned
SAMPLE_ROWS = 200  # rejected rows and warnings listed in an analysis
PREVIEW_ROWS = 10
DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
REJECTS_COLUMNS = ("agency", "file", "row", "column", "value", "reason", "raw")

# Header names (lower case, words separated by one space) that propose a mapping.
SYNONYMS = {
    "date": (
        "date",
        "event date",
        "date of event",
        "contact date",
        "incident date",
        "activity date",
        "episode date",
        "date occurred",
        "occurred",
        "start date",
        "date time",
        "datetime",
        "date and time",
        "when",
    ),
    "time": ("time", "event time", "time of event", "start time", "contact time", "incident time"),
    "event_type": (
        "event type",
        "type",
        "event",
        "contact type",
        "activity type",
        "incident type",
        "record type",
        "type of contact",
        "category",
        "activity",
    ),
    "summary": (
        "summary",
        "event summary",
        "details",
        "detail",
        "description",
        "notes",
        "note",
        "case note",
        "case notes",
        "narrative",
        "comments",
        "comment",
        "text",
        "outcome",
    ),
    "source_ref": (
        "source ref",
        "source reference",
        "reference",
        "ref",
        "agency ref",
        "agency reference",
        "our ref",
        "record id",
        "event id",
        "id",
        "record number",
        "incident number",
        "crime number",
        "log number",
    ),
}
# Fallback: a word the header contains (and a word that rules it out).
KEYWORDS = {
    "date": (("date",), ("birth", "dob", "created", "modified", "entered")),
    "time": (("time",), ("date",)),
    "event_type": (("type", "category"), ()),
    "summary": (("summary", "note", "detail", "description", "narrative"), ()),
    "source_ref": (("ref", "reference", "number", "id"), ()),
}


@dataclass
class Sniffed:
    """What the first pass over the bytes found."""

    file_name: str
    size: int
    sha256: str
    encoding: str
    delimiter: str
    utf8_path: Path  # the file DuckDB reads: the original, or a UTF-8 transcoded copy


@dataclass
class IngestWarning:
    kind: str  # future | before_birth | duplicate_in_file | duplicate_existing
    message: str
    rows: list[int]


@dataclass
class Analysis:
    """What an extract would become, before anything is committed."""

    file_name: str
    encoding: str
    delimiter: str
    sha256: str
    header: list[str]
    mapping: dict[str, int]
    date_order: str
    row_count: int
    accepted: int
    rejected: int
    rejected_rows: list[dict]  # first SAMPLE_ROWS: row, column, value, reason
    warnings: list[IngestWarning]
    preview: list[list[str]]  # first PREVIEW_ROWS data rows, as text
    already_uploaded: bool = False

    @property
    def mapping_names(self) -> dict[str, str]:
        return {f: self.header[i] for f, i in self.mapping.items()}

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, self.delimiter)


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
    warnings: list[IngestWarning] = field(default_factory=list)
    retired_uploads: int = 0
    encoding: str = ""
    delimiter: str = ""

    def summary_line(self) -> str:
        if self.unchanged:
            return (
                f"unchanged: {self.file_name} was already uploaded for {self.agency} "
                f"on case {self.case_ref}"
            )
        return f"imported {self.imported} events, rejected {self.rejected} rows"


# ---------------------------------------------------------------------------------------------
# Sniffing: size, binary, hash, encoding, delimiter


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cp1252_fallback(exc: UnicodeDecodeError):
    # The five bytes Windows-1252 leaves undefined are read as their Latin-1 characters.
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("rpm_cp1252", _cp1252_fallback)

_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def sniff_file(path: Path, file_name: str, work_dir: Path, max_bytes: int) -> Sniffed:
    """Refuse unusable files; detect encoding and delimiter; transcode to UTF-8 if needed."""
    if not path.is_file():
        raise InvalidInput(f"{file_name}: file not found or not readable")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{file_name}: the file is empty")
    if size > max_bytes:
        raise InvalidInput(
            f"{file_name}: the file is {size / 2**20:.1f} MB, over the {max_bytes // 2**20} MB limit"
        )
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        if b"\x00" in head or len(_CONTROL.findall(head)) > max(2, len(head) // 100):
            raise InvalidInput(f"{file_name}: not a text file (it holds binary data); send a CSV")
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"

    # One pass: hash, and check the bytes are UTF-8 (most files are, and need no copy).
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")() if encoding != "utf-16" else None
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    decoder, encoding = None, "cp1252"
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"

    utf8_path = path
    if encoding in ("utf-16", "cp1252"):
        utf8_path = work_dir / "extract-utf8.csv"
        errors = "rpm_cp1252" if encoding == "cp1252" else "strict"
        decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        try:
            with path.open("rb") as src, utf8_path.open("w", encoding="utf-8", newline="") as dst:
                for block in iter(lambda: src.read(1 << 20), b""):
                    dst.write(decoder.decode(block))
                dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{file_name}: not readable as {encoding} text ({exc.reason})"
            ) from exc
        with utf8_path.open("rb") as fh:
            text_head = fh.read(1 << 16)
        if b"\x00" in text_head:
            raise InvalidInput(f"{file_name}: not a text file (it holds binary data); send a CSV")
    else:
        text_head = head
    text = text_head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    return Sniffed(file_name, size, digest.hexdigest(), encoding, _delimiter(text), utf8_path)


def _delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most, and most regular, fields."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and len(text) >= (1 << 16) - 4:
        lines = lines[:-1]  # the last line of a cut-off sample may be partial
    sample = "".join(lines[:50])
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        try:
            records = [r for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        regular = sum(1 for r in records if len(r) == width)
        score = (regular, width)
        if score > best_score:
            best, best_score = delim, score
    return best


# ---------------------------------------------------------------------------------------------
# Mapping


def _words(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (name or "").lower()).split())


def propose_mapping(header: list[str]) -> dict[str, int]:
    """Which column index holds each field, proposed from the header names."""
    names = [_words(h) for h in header]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for f in FIELDS:  # exact names first, in the order of preference of each field's list
        for synonym in SYNONYMS[f]:
            if synonym in names and names.index(synonym) not in used:
                mapping[f] = names.index(synonym)
                used.add(mapping[f])
                break
    for f in FIELDS:  # then a column whose name contains a keyword
        if f in mapping:
            continue
        wanted, unwanted = KEYWORDS[f]
        for i, name in enumerate(names):
            words = name.split()
            if i in used or any(w in words for w in unwanted):
                continue
            if any(w in words for w in wanted):
                mapping[f] = i
                used.add(i)
                break
    return mapping


def parse_map_options(options: list[str], header: list[str]) -> dict[str, int]:
    """`FIELD=COLUMN` options (CLI `--map`) as a mapping over the header."""
    mapping: dict[str, int] = {}
    for option in options:
        fld, sep, column = option.partition("=")
        fld, column = fld.strip(), column.strip()
        if not sep or fld not in FIELDS:
            raise InvalidInput(
                f"--map {option!r}: use FIELD=COLUMN, FIELD one of {', '.join(FIELDS)}"
            )
        matches = [i for i, h in enumerate(header) if h == column]
        if not matches:
            matches = [i for i, h in enumerate(header) if h.lower() == column.lower()]
        if not matches:
            raise InvalidInput(
                f"--map {option!r}: no column named {column!r} "
                f"(columns found: {', '.join(h or '(blank)' for h in header)})"
            )
        mapping[fld] = matches[0]
    return mapping


# ---------------------------------------------------------------------------------------------
# Staging and normalising on a private in-memory connection


class _Work:
    """A temporary folder and an in-memory DuckDB connection for one extract."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="rpm-ingest-"))
        self.con = duckdb.connect(":memory:", config={"preserve_insertion_order": True})

    def close(self):
        self.con.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _col(index: int) -> str:
    return f"column{index}"


def _stage(con, sniffed: Sniffed) -> tuple[list[str], int]:
    """Load the file into `stage` (text columns column0..N; rowid 0 is the header row).

    Returns the header (trimmed; blank names become "column N") and the number of columns.
    """
    read = (
        "CREATE OR REPLACE TABLE stage AS SELECT * FROM read_csv(?, all_varchar = true, "
        "header = false, null_padding = true, delim = ?, quote = '\"', escape = '\"', "
        "parallel = {parallel}{columns})"
    )
    params = [str(sniffed.utf8_path), sniffed.delimiter]
    parallel, width = "true", None
    for _attempt in range(12):
        # Column names are ours (column0..N), never the file's.
        columns = (
            ", auto_detect = false, columns = {"
            + ", ".join(f"'{_col(i)}': 'VARCHAR'" for i in range(width))
            + "}"
            if width
            else ""
        )
        try:
            con.execute(read.format(parallel=parallel, columns=columns), params)
            break
        except duckdb.Error as exc:
            message = str(exc)
            if "quoted new lines" in message and parallel == "true":
                parallel = "false"  # quoted fields with line breaks need the single-threaded reader
                continue
            found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
            if found and int(found.group(2)) > int(found.group(1)):
                # A row beyond the sniffer's sample has more fields: read that many columns
                # (the row is then rejected for having more fields than the header).
                width = int(found.group(2))
                if width > MAX_COLUMNS:
                    raise InvalidInput(
                        f"{sniffed.file_name}: a row has {width} fields; the maximum is "
                        f"{MAX_COLUMNS}"
                    ) from exc
                continue
            first_line = message.strip().splitlines()[0]
            raise InvalidInput(
                f"{sniffed.file_name}: not a readable CSV file ({first_line})"
            ) from exc
    else:
        raise InvalidInput(f"{sniffed.file_name}: not a readable CSV file (rows of many widths)")
    columns = [row[0] for row in con.execute("DESCRIBE stage").fetchall()]
    if len(columns) > MAX_COLUMNS:
        raise InvalidInput(
            f"{sniffed.file_name}: {len(columns)} columns; the maximum is {MAX_COLUMNS}"
        )
    header_row = con.execute(f"SELECT {', '.join(columns)} FROM stage WHERE rowid = 0").fetchone()
    if header_row is None:
        raise InvalidInput(f"{sniffed.file_name}: the file is empty")
    header = [(h or "").strip() for h in header_row]
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
    return named, len(columns)


def _normalise(
    con, header: list[str], n_columns: int, mapping: dict[str, int], date_order: str
) -> None:
    """Create `parsed`: one row per non-blank data row, with parsed values and any reject reason."""
    mapped = set(mapping.values())
    width = len(header)

    def field_sql(name: str) -> str:
        return f"nullif(trim({_col(mapping[name])}), '')" if name in mapping else "NULL"

    extra_cols = [i for i in range(width) if i not in mapped]
    if extra_cols:
        extra_sql = (
            "CAST(json_object("
            + ", ".join(f"?, coalesce({_col(i)}, '')" for i in extra_cols)
            + ") AS VARCHAR)"
        )
        extra_long = "greatest(" + ", ".join(f"length({_col(i)})" for i in extra_cols) + ")"
        if len(extra_cols) == 1:
            extra_long = f"length({_col(extra_cols[0])})"
    else:
        extra_sql, extra_long = "NULL", "NULL"
    extra_params = [header[i] for i in extra_cols]
    all_cols = [_col(i) for i in range(n_columns)]
    raw_sql = (
        "array_to_string(list_transform(["
        + ", ".join(all_cols)
        + "], lambda x: '\"' || replace(coalesce(x, ''), '\"', '\"\"') || '\"'), ',')"
    )
    # Fields beyond the header: the row does not fit the columns.
    overflow = [_col(i) for i in range(width, n_columns)]
    overflow_sql = (
        "(" + " OR ".join(f"nullif(trim({c}), '') IS NOT NULL" for c in overflow) + ")"
        if overflow
        else "false"
    )
    blank_sql = " AND ".join(f"nullif(trim({c}), '') IS NULL" for c in all_cols)
    exprs, date_params = date_sql_for(date_order)
    time_expr, time_params = time_sql("time_raw")
    length_checks, length_params = [], []
    for name in FIELDS:
        length_checks.append(f"WHEN length({name}_raw) > ? THEN ?")
        length_params += [MAX_LENGTH[name], name]

    con.execute("DROP TABLE IF EXISTS parsed")
    con.execute(
        f"""
        CREATE TABLE parsed AS
        WITH raw AS (
            SELECT rowid + 1 AS _row,
                   {field_sql("date")} AS date_raw,
                   {field_sql("time")} AS time_raw,
                   {field_sql("event_type")} AS event_type_raw,
                   {field_sql("summary")} AS summary_raw,
                   {field_sql("source_ref")} AS source_ref_raw,
                   {extra_sql} AS extra,
                   {extra_long} AS extra_length,
                   {overflow_sql} AS overflow,
                   {raw_sql} AS raw
            FROM stage
            WHERE rowid > 0 AND NOT ({blank_sql})
        ), normal AS (
            SELECT *, {normalise_sql("date_raw")} AS d_norm,
                   CASE {" ".join(length_checks)} END AS too_long
            FROM raw
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
               raw, CAST(ts AS DATE) AS event_date, date_precision,
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
                WHEN form IS NOT NULL AND ts IS NULL
                    THEN 'date does not exist (no such day or month)'
                WHEN ts IS NULL
                    THEN 'date is not in a recognised form (e.g. 03/05/2016, 2016-05-03, 12 Mar 2016, Sept 2015 or 2016)'
                WHEN year(ts) NOT BETWEEN ? AND ?
                    THEN 'date is outside the years ' || CAST(? AS VARCHAR) || '-' || CAST(? AS VARCHAR)
                WHEN time_raw IS NOT NULL AND time_parsed IS NULL
                    THEN 'time is not a time of day (HH:MM)'
            END AS reject_reason
        FROM parsed
        """,
        extra_params
        + length_params
        + date_params
        + time_params
        + [MAX_EXTRA_LENGTH, EARLIEST_YEAR, LATEST_YEAR]
        + [[MAX_LENGTH[f] for f in FIELDS], list(FIELDS)]
        + [MAX_EXTRA_LENGTH, MAX_EXTRA_LENGTH]
        + [EARLIEST_YEAR, LATEST_YEAR, EARLIEST_YEAR, LATEST_YEAR],
    )


def date_sql_for(date_order: str) -> tuple[dict, list]:
    """The date expressions over `d_norm` for a date order (see `data.dates.date_sql`)."""
    return date_sql("d_norm", date_forms(date_order))


def _date_columns(con, header: list[str], limit: int = 200) -> list[int]:
    """Columns where most of the first non-empty values read as dates, best first."""
    exprs, params = date_sql_for("dmy")
    scores = []
    for i in range(len(header)):
        row = con.execute(
            f"""
            WITH v AS (
                SELECT {normalise_sql(_col(i))} AS d_norm FROM stage
                WHERE rowid > 0 AND nullif(trim({_col(i)}), '') IS NOT NULL LIMIT {int(limit)}
            ), f AS (SELECT {exprs["form"]} AS form FROM v)
            SELECT count(*), count(form) FROM f
            """,
            params[: len(date_forms("dmy"))],
        ).fetchone()
        total, dated = row
        if total and dated / total >= 0.5:
            scores.append((dated / total, -i))
    return [-i for _, i in sorted(scores, reverse=True)]


# ---------------------------------------------------------------------------------------------
# Analyse (nothing committed)


def check_may_upload(store: Store, user: User, case_ref: str, agency: str):
    """The case, if this user may add an extract to it for this agency."""
    case = require_case(store, user, case_ref)
    if user.role == "agency" and (agency or "").strip() != user.agency:
        raise Forbidden(f"{user.username} may upload only for {user.agency}")
    if user.role not in ("admin", "chair", "agency"):
        raise Forbidden(f"{user.username} may not upload extracts")
    return case


def _prepare(
    work: _Work,
    store: Store,
    case,
    agency: str,
    path: Path,
    file_name: str,
    mapping: dict[str, int] | list[str] | None,
    date_order: str,
    max_bytes: int,
) -> Analysis:
    if date_order not in DATE_ORDERS:
        raise InvalidInput(f"date order {date_order!r}: use one of {', '.join(DATE_ORDERS)}")
    sniffed = sniff_file(path, file_name, work.dir, max_bytes)
    con = work.con
    header, n_columns = _stage(con, sniffed)
    row_count = con.execute(
        "SELECT count(*) FROM stage WHERE rowid > 0 AND NOT ("
        + " AND ".join(f"nullif(trim({_col(i)}), '') IS NULL" for i in range(n_columns))
        + ")"
    ).fetchone()[0]
    if row_count == 0:
        raise InvalidInput(f"{file_name}: the file has a header but no data rows")
    if mapping is None:
        mapping = propose_mapping(header)
        if "date" not in mapping:  # no header says date: look for a column of dates
            candidates = [i for i in _date_columns(con, header) if i not in mapping.values()]
            if candidates:
                mapping["date"] = candidates[0]
    elif isinstance(mapping, list):  # CLI: the fields named override the proposal
        given = parse_map_options(mapping, header)
        proposed = propose_mapping(header)
        mapping = {
            f: i for f, i in proposed.items() if f not in given and i not in given.values()
        } | given
    else:
        mapping = {f: i for f, i in mapping.items() if i is not None}
        bad = [f for f, i in mapping.items() if f not in FIELDS or not 0 <= i < len(header)]
        if bad:
            raise InvalidInput(f"{file_name}: mapping names unknown field or column {bad[0]!r}")
        if len(set(mapping.values())) < len(mapping):
            raise InvalidInput(f"{file_name}: one column is mapped to two fields")
    missing = [f for f in REQUIRED_FIELDS if f not in mapping]
    if missing:
        raise InvalidInput(
            f"{file_name}: no column that can be a date "
            f"(columns found: {', '.join(h or '(blank)' for h in header)})"
        )
    _normalise(con, header, n_columns, mapping, date_order)
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
    preview_cols = ", ".join(f"coalesce({_col(i)}, '')" for i in range(len(header)))
    preview = [
        list(r)
        for r in con.execute(
            f"SELECT {preview_cols} FROM stage WHERE rowid > 0 ORDER BY rowid LIMIT {PREVIEW_ROWS}"
        ).fetchall()
    ]
    con.execute("DROP TABLE stage")
    analysis = Analysis(
        file_name=file_name,
        encoding=sniffed.encoding,
        delimiter=sniffed.delimiter,
        sha256=sniffed.sha256,
        header=header,
        mapping=dict(sorted(mapping.items(), key=lambda kv: FIELDS.index(kv[0]))),
        date_order=date_order,
        row_count=row_count,
        accepted=accepted,
        rejected=rejected,
        rejected_rows=rejected_rows,
        warnings=[],
        preview=preview,
    )
    agency_id = _agency_id(store, agency)
    if agency_id is not None:
        analysis.already_uploaded = (
            store.query_one(
                "SELECT 1 FROM uploads WHERE case_id = ? AND agency_id = ? AND content_sha256 = ?"
                " AND retired_at IS NULL",
                [case.case_id, agency_id, sniffed.sha256],
            )
            is not None
        )
    analysis.warnings = _warnings(con, store, case, agency_id)
    return analysis


def _reject_value_sql() -> str:
    return """CASE reject_column WHEN 'date' THEN date_raw WHEN 'time' THEN time_raw
                  WHEN 'event_type' THEN left(event_type_raw, 200)
                  WHEN 'summary' THEN left(summary_raw, 200)
                  WHEN 'source_ref' THEN left(source_ref_raw, 200) END"""


def _agency_id(store: Store, agency: str) -> int | None:
    row = store.query_one("SELECT agency_id FROM agencies WHERE name = ?", [(agency or "").strip()])
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
    date_order: str = "dmy",
    max_bytes: int = MAX_FILE_BYTES,
) -> Analysis:
    """What ingesting this file would do; nothing is committed.

    `mapping` is field → column index (the page), a list of `FIELD=COLUMN` (the CLI), or None
    for the mapping proposed from the header names (and, for the date, the column contents).
    Raises InvalidInput with one line if the file is unusable.
    """
    path = Path(path)
    file_name = file_name or path.name
    case = check_may_upload(store, user, case_ref, agency)
    with _Work() as work:
        return _prepare(work, store, case, agency, path, file_name, mapping, date_order, max_bytes)


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
    date_order: str = "dmy",
    replace: bool = False,
    strict: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
) -> IngestResult:
    """Ingest one extract for a case. Raises InvalidInput (nothing changed) if unusable.

    The same file for the same case and agency changes nothing (`unchanged`). With `replace`
    the agency's earlier uploads for the case are retired; otherwise the new rows are added.
    With `strict` a file with any rejected row is refused whole.
    """
    path = Path(path)
    file_name = file_name or path.name
    uploaded_by = uploaded_by or user.username
    agency = (agency or "").strip()
    if not path.is_file():
        raise InvalidInput(f"{file_name}: file not found or not readable")
    case = check_may_upload(store, user, case_ref, agency)
    with _Work() as work:
        a = _prepare(work, store, case, agency, path, file_name, mapping, date_order, max_bytes)
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
            if cur.execute(
                "SELECT 1 FROM uploads WHERE case_id = ? AND agency_id = ? AND content_sha256 = ?"
                " AND retired_at IS NULL",
                [case.case_id, agency_id, a.sha256],
            ).fetchone():
                result.unchanged = True
                return result
            upload_id = cur.execute(
                """
                INSERT INTO uploads (case_id, agency_id, file_name, content_sha256, row_count,
                                     event_count, rejected_count, uploaded_by, encoding,
                                     delimiter, column_map, date_order, mode, warning_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING upload_id
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
                    a.encoding,
                    a.delimiter_name,
                    json.dumps(a.mapping_names),
                    date_order,
                    "replace" if replace else "add",
                    sum(len(w.rows) for w in a.warnings),
                ],
            ).fetchone()[0]
            add_case_agency(cur, case.case_id, agency_id)
            if replace:
                result.retired_uploads = _retire(cur, case.case_id, agency_id, upload_id)
            events = work.con.sql(
                f"""
                SELECT _row, event_date, date_precision, event_time,
                       coalesce(event_type_raw, '{UNSPECIFIED_TYPE}') AS event_type,
                       coalesce(summary_raw, '') AS summary, source_ref_raw, extra
                FROM parsed WHERE reject_reason IS NULL ORDER BY _row
                """
            ).to_arrow_reader()
            cur.register("ingest_events", events)
            cur.execute(
                """
                INSERT INTO events (case_id, agency_id, upload_id, row_number, event_date,
                                    date_precision, event_time, event_type, summary, source_ref,
                                    extra)
                SELECT ?, ?, ?, _row, event_date, date_precision, event_time, event_type,
                       summary, source_ref_raw, extra
                FROM ingest_events
                """,
                [case.case_id, agency_id, upload_id],
            )
            cur.unregister("ingest_events")
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


def list_uploads(store: Store, user: User, case_ref: str) -> list[dict]:
    """The case's uploads, newest first, with counts and whether each was retired."""
    case = require_case(store, user, case_ref)
    cur = store.cursor().execute(
        """
        SELECT u.upload_id, a.name AS agency, u.file_name, u.uploaded_by, u.uploaded_at,
               u.row_count, u.event_count, u.rejected_count, u.warning_count, u.encoding,
               u.delimiter, u.mode, u.retired_at, u.replaced_by
        FROM uploads u JOIN agencies a ON a.agency_id = u.agency_id
        WHERE u.case_id = ?
        ORDER BY u.uploaded_at DESC, u.upload_id DESC
        """,
        [case.case_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def rejected_rows(
    store: Store, user: User, case_ref: str, upload_id: int | None = None
) -> list[list]:
    """Rejected rows of the case (or of one of its uploads) in REJECTS_COLUMNS order."""
    case = require_case(store, user, case_ref)
    return [
        list(r)
        for r in store.query(
            """
            SELECT a.name, u.file_name, r.row_number, r.column_name, r.value, r.reason, r.raw
            FROM rejected_rows r JOIN uploads u ON u.upload_id = r.upload_id
            JOIN agencies a ON a.agency_id = u.agency_id
            WHERE u.case_id = ? AND (CAST(? AS INTEGER) IS NULL OR u.upload_id = ?)
            ORDER BY u.uploaded_at, u.upload_id, r.row_number
            """,
            [case.case_id, upload_id, upload_id],
        )
    ]


def rejects_csv(store: Store, user: User, case_ref: str, upload_id: int | None = None) -> str:
    """The rejected rows as a formula-safe CSV: agency,file,row,column,value,reason,raw."""
    return csv_text(REJECTS_COLUMNS, rejected_rows(store, user, case_ref, upload_id))


TEMPLATE_GUIDE = (
    (
        "date",
        "required",
        (
            "The day it happened: 03/05/2016 (day first), 2016-05-03 or 3 May 2016. "
            "If only the month or year is known: 05/2016, May 2016 or 2016."
        ),
    ),
    ("time", "optional", "Time of day, 24-hour HH:MM (14:32). Leave blank if not known."),
    (
        "event_type",
        "optional",
        (
            f"Short type, e.g. Home visit, Referral, Strategy meeting (up to {MAX_LENGTH['event_type']} "
            f"characters). Blank becomes {UNSPECIFIED_TYPE}."
        ),
    ),
    (
        "summary",
        "optional",
        f"What happened, in plain text (up to {MAX_LENGTH['summary']:,} characters).",
    ),
    (
        "source_ref",
        "optional",
        f"Your own record reference, so you can find it again (up to {MAX_LENGTH['source_ref']}).",
    ),
)


def template_csv() -> str:
    """A template extract with two example rows. The guide is TEMPLATE_GUIDE."""
    rows = [
        ["03/05/2016", "14:32", "Home visit", "Child seen alone; room clean.", "HV-0001"],
        ["05/2016", "", "Referral", "Referral received from school (day not recorded).", ""],
    ]
    return csv_text(FIELDS, rows)


def event_extra(store: Store, user: User, case_ref: str, event_id: int) -> dict[str, str]:
    """The other columns the agency sent with one event of the case (for its details)."""
    case = require_case(store, user, case_ref)
    row = store.query_one(
        "SELECT extra FROM events WHERE case_id = ? AND event_id = ?", [case.case_id, event_id]
    )
    if row is None or row[0] is None:
        return {}
    return json.loads(row[0])


def template_guide_csv() -> str:
    return csv_text(("column", "required", "what to put in it"), TEMPLATE_GUIDE)
