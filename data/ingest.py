"""One code path from an agency's extract file to events and rejected rows.

The CLI, the demo seeding and the upload page all go through `analyse_file` and `ingest_file`.

1. **Read** (`_read_source`): refuse what cannot be an extract (empty, too big, a kind of file
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

import codecs
import csv
import hashlib
import io
import json
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from data import audit, categories, category_assign
from data.access import require_case
from data.actor import SYSTEM, User
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
from data.extract_files import (
    ENCODINGS,
    Grid,
    TextEncoding,
    detect_encoding,
    detect_kind,
    normal_encoding,
    read_docx_tables,
    read_workbook,
    refuse_binary,
    utf16_without_bom,
)
from data.permissions import may_upload, speaks_for_agency
from data.store import Store

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
MAX_MAPPED_TYPES = 500  # event types offered for a category at upload
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
class Source:
    """How the file was read into the `stage` table (text columns c0..cN, one row per record)."""

    file_name: str
    kind: str  # csv | workbook | docx
    size: int
    sha256: str
    encoding: str = ""  # CSV: the encoding it was read in
    encoding_detected: bool = True  # False when the uploader chose the encoding
    delimiter: str = ""  # CSV only
    sheet: str | None = None  # workbook: the sheet; document: which tables
    sheets: list[str] = field(default_factory=list)  # workbook: every sheet's name
    row_offset: int = 0  # file rows above the first staged one
    notes: list[str] = field(default_factory=list)  # what was done to read it, for the preview
    cleaned: list[IngestWarning] = field(default_factory=list)  # bytes replaced or removed


@dataclass
class IngestWarning:
    kind: str  # future | before_birth | duplicate_in_file | duplicate_existing | undecodable | nul
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
    kind: str = "csv"
    encoding_detected: bool = True
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1  # the file's row that names the columns (1 = the first)
    header_detected: bool = True  # False when the uploader chose the header row
    skipped: list[tuple[int, str]] = field(default_factory=list)  # rows above the header
    notes: list[str] = field(default_factory=list)
    remembered: bool = False  # mapping and date order as the agency's last upload
    # the event types the accepted rows have, with counts, most first (for their categories)
    event_types: list[tuple[str, int]] = field(default_factory=list)

    @property
    def mapping_names(self) -> dict[str, str]:
        return {f: self.header[i] for f, i in self.mapping.items()}

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, self.delimiter)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    def read_as(self) -> str:
        """How the file was read, in a few words: "UTF-8, comma-separated" or "sheet 'X'"."""
        if self.kind == "workbook":
            return f"workbook, sheet {self.sheet!r}"
        if self.kind == "docx":
            return f"Word document, {self.sheet}"
        return f"{self.encoding}, {self.delimiter_name}-separated"


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
    read_as: str = ""
    notes: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        if self.unchanged:
            return (
                f"unchanged: {self.file_name} was already uploaded for {self.agency} "
                f"on case {self.case_ref} with the same settings"
            )
        return f"imported {self.imported} events, rejected {self.rejected} rows"


# ---------------------------------------------------------------------------------------------
# Reading a file into `stage`


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

# NUL bytes are marked while transcoding, so that the rows that held them can be named, then
# removed: no document or export can carry them. A private-use character no export contains.
_NUL_MARK = "\ue000"
_SEP_LINE = re.compile(r"\A\ufeff?sep=([^\r\n])[ \t]*(\r\n|\n|\r)", re.IGNORECASE)


def _read_source(
    work: _Work,
    path: Path,
    file_name: str,
    max_bytes: int,
    encoding: str | None,
    sheet: str | None,
) -> Source:
    """Refuse what cannot be an extract; read the rest into `stage` on the work connection."""
    if not path.is_file():
        raise InvalidInput(f"{file_name}: file not found or not readable")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{file_name}: the file is empty")
    if size > max_bytes:
        raise InvalidInput(
            f"{file_name}: the file is {size / 2**20:.1f} MB, over the {max_bytes // 2**20} MB limit"
        )
    kind = detect_kind(path, file_name)
    if kind == "csv":
        return _read_csv(work, path, file_name, size, encoding)
    grid = read_workbook(path, file_name, sheet) if kind == "workbook" else None
    if kind == "docx":
        grid = read_docx_tables(path, file_name)
    source = Source(
        file_name,
        kind,
        size,
        file_sha256(path),
        sheet=grid.source,
        sheets=grid.choices,
        row_offset=grid.row_offset,
        notes=list(grid.notes),
    )
    _stage_grid(work, grid, source)
    return source


def _stage_grid(work: _Work, grid: Grid, source: Source) -> None:
    """Load a grid of text cells into `stage`, removing NUL characters (rows named).

    The grid goes through a UTF-8 CSV file and the same reader as a CSV extract: faster than
    building Arrow arrays in Python, and one way into `stage`.
    """
    width = max((len(r) for r in grid.rows), default=0)
    if width == 0:
        raise InvalidInput(f"{source.file_name}: the {source.sheet} holds no cells")
    if width > MAX_COLUMNS:
        raise InvalidInput(f"{source.file_name}: {width} columns; the maximum is {MAX_COLUMNS}")
    nul_rows = []
    path = work.dir / "grid.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for number, row in enumerate(grid.rows, start=1 + source.row_offset):
            if any(v and "\x00" in v for v in row):
                nul_rows.append(number)
                row = [v.replace("\x00", "") if v else v for v in row]
            writer.writerow(row + [None] * (width - len(row)))
    source.delimiter = ","
    _stage_csv(work, path, source, width=width)
    source.delimiter = ""
    if nul_rows:
        source.cleaned.append(_nul_warning(nul_rows))


def _nul_warning(rows: list[int]) -> IngestWarning:
    return IngestWarning(
        "nul",
        "rows from which NUL bytes (which no document can hold) were removed: " + f"{len(rows):,}",
        rows[:SAMPLE_ROWS],
    )


def _read_csv(work: _Work, path: Path, file_name: str, size: int, chosen: str | None) -> Source:
    """Decide the encoding, transcode to UTF-8 where needed, find the delimiter, stage."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    digest = hashlib.sha256()
    if chosen:
        encoding = normal_encoding(chosen)
        if encoding not in ENCODINGS:
            raise InvalidInput(f"{file_name}: unknown text encoding {chosen!r}")
        text_encoding = TextEncoding(encoding, detected=False)
        _hash_into(path, digest)
    elif head.startswith(codecs.BOM_UTF8):
        text_encoding = TextEncoding("utf-8-sig", True)
        _hash_into(path, digest)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text_encoding = TextEncoding("utf-16", True)
        _hash_into(path, digest)
    else:
        if not utf16_without_bom(head):
            refuse_binary(head, file_name)
        text_encoding = detect_encoding(path, head, digest)
    encoding = text_encoding.encoding
    source = Source(
        file_name,
        "csv",
        size,
        digest.hexdigest(),
        encoding=encoding,
        encoding_detected=text_encoding.detected,
    )
    utf8_path = path
    replaced = nuls = 0
    if (
        encoding not in ("utf-8", "utf-8-sig")
        or not text_encoding.detected
        or text_encoding.undecodable
        or text_encoding.nul_bytes
    ):
        utf8_path = work.dir / "extract-utf8.csv"
        replaced, nuls = _transcode(path, utf8_path, encoding)
    with utf8_path.open("rb") as fh:
        text = fh.read(1 << 16).decode("utf-8", errors="ignore")
    sep = _SEP_LINE.match(text)
    if sep:
        source.delimiter = sep.group(1)
        source.notes.append(f"the first line 'sep={sep.group(1)}' (a hint for Excel) was skipped")
    else:
        source.delimiter = _delimiter(text.lstrip("\ufeff"))
    _stage_csv(work, utf8_path, source)
    if replaced:
        rows = _rows_containing(work.con, "\ufffd", source.row_offset)
        if rows:
            source.cleaned.append(
                IngestWarning(
                    "undecodable",
                    f"rows holding bytes that are not {ENCODINGS.get(encoding, encoding)} text "
                    "(shown as \ufffd; check the encoding chosen): " + f"{len(rows):,}",
                    rows[:SAMPLE_ROWS],
                )
            )
    if nuls:
        rows = _rows_containing(work.con, _NUL_MARK, source.row_offset)
        _remove_from_stage(work.con, _NUL_MARK)
        source.cleaned.append(_nul_warning(rows))
    return source


def _hash_into(path: Path, digest) -> None:
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)


def _transcode(src: Path, dst: Path, encoding: str) -> tuple[int, int]:
    """Write `src` as UTF-8; returns (characters replaced as undecodable, NUL bytes marked)."""
    errors = "rpm_cp1252" if encoding == "cp1252" else "replace"
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    replaced = nuls = 0
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        for block in iter(lambda: fin.read(1 << 22), b""):
            text = decoder.decode(block)
            if errors == "replace":
                replaced += text.count("\ufffd")
            if "\x00" in text:
                nuls += text.count("\x00")
                text = text.replace("\x00", _NUL_MARK)
            fout.write(text)
        tail = decoder.decode(b"", final=True)
        replaced += tail.count("\ufffd")
        fout.write(tail)
    return replaced, nuls


def _all_columns(con) -> list[str]:
    return [row[0] for row in con.execute("DESCRIBE stage").fetchall()]


def _rows_containing(con, text: str, row_offset: int) -> list[int]:
    columns = _all_columns(con)
    found = " OR ".join(f"contains({c}, ?)" for c in columns)
    return [
        r
        for (r,) in con.execute(
            f"SELECT rowid + 1 + ? FROM stage WHERE {found} ORDER BY rowid",
            [row_offset] + [text] * len(columns),
        ).fetchall()
    ]


def _remove_from_stage(con, text: str) -> None:
    columns = _all_columns(con)
    con.execute(
        "UPDATE stage SET " + ", ".join(f"{c} = replace({c}, ?, '')" for c in columns),
        [text] * len(columns),
    )


def _delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most, and most regular, fields.

    The commonest width counts, not the first record's, so a title line above the header does
    not hide the delimiter.
    """
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
        widths = [len(r) for r in records if len(r) > 1]
        if not widths:
            continue
        width = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(width), width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _stage_csv(work: _Work, utf8_path: Path, source: Source, width: int | None = None) -> None:
    """Load the UTF-8 file into `stage` with DuckDB's CSV reader, every field as text.

    The header is read as a data row, so no name from the file ever becomes SQL, and the
    columns are renamed c0..cN by position (DuckDB's own names change with the width).
    """
    con, file_name = work.con, source.file_name
    read = (
        "CREATE OR REPLACE TABLE stage AS SELECT * FROM read_csv(?, all_varchar = true, "
        "header = false, null_padding = true, delim = ?, quote = '\"', escape = '\"', "
        "parallel = {parallel}{columns}{sizes})"
    )
    parallel, sizes, path = "true", "", utf8_path
    for _attempt in range(12):
        columns = (
            ", auto_detect = false, columns = {"
            + ", ".join(f"'{_col(i)}': 'VARCHAR'" for i in range(width))
            + "}"
            if width
            else ""
        )
        try:
            con.execute(
                read.format(parallel=parallel, columns=columns, sizes=sizes),
                [str(path), source.delimiter],
            )
            break
        except duckdb.Error as exc:
            message = str(exc)
            if "quoted new lines" in message and parallel == "true":
                parallel = "false"  # quoted fields with line breaks need the single-threaded reader
                continue
            if "Maximum line size" in message and not sizes:
                # A field of megabytes (a pasted document): read it, and reject the row for
                # its length rather than refusing the file.
                line = max(source.size * 2 + 1024, 1 << 22)
                sizes = f", max_line_size = {line}, buffer_size = {line}"
                continue
            sniff_failed = "sniffing" in message
            if sniff_failed and path == utf8_path and _mixed_line_endings(utf8_path):
                path = work.dir / "extract-lines.csv"
                _one_line_ending(utf8_path, path)
                source.notes.append("line endings were mixed (Windows and Unix); read as one kind")
                continue
            if sniff_failed and not width:
                # Read with the width the delimiter gives, for the reader to say what is wrong.
                width = _sample_width(path, source.delimiter)
                continue
            found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
            if found and int(found.group(2)) > int(found.group(1)):
                # A row beyond the sniffer's sample has more fields: read that many columns
                # (the row is then rejected for having more fields than the header).
                width = int(found.group(2))
                if width > MAX_COLUMNS:
                    raise InvalidInput(
                        f"{file_name}: a row has {width} fields; the maximum is {MAX_COLUMNS}"
                    ) from exc
                continue
            raise InvalidInput(
                f"{file_name}: not a readable CSV file ({_csv_reason(message)})"
            ) from exc
    else:
        raise InvalidInput(f"{file_name}: not a readable CSV file (rows of many widths)")
    names = _all_columns(con)
    if len(names) > MAX_COLUMNS:
        raise InvalidInput(f"{file_name}: {len(names)} columns; the maximum is {MAX_COLUMNS}")
    for i, name in enumerate(names):
        if name != _col(i):
            con.execute(f'ALTER TABLE stage RENAME COLUMN "{name}" TO {_col(i)}')


def _sample_width(path: Path, delimiter: str) -> int:
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        lines = [line for _, line in zip(range(50), fh, strict=False)]
    widths = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r] or [1]
    return min(max(widths), MAX_COLUMNS)


def _mixed_line_endings(path: Path) -> bool:
    crlf = lf = cr = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            n = block.count(b"\r\n")
            crlf, lf, cr = crlf + n, lf + block.count(b"\n") - n, cr + block.count(b"\r") - n
    return sum(1 for n in (crlf, lf, cr) if n) > 1


def _one_line_ending(src: Path, dst: Path) -> None:
    with (
        src.open("r", encoding="utf-8", newline=None) as fin,
        dst.open("w", encoding="utf-8", newline="\n") as fout,
    ):
        shutil.copyfileobj(fin, fout, 1 << 22)


def _csv_reason(message: str) -> str:
    """DuckDB's complaint in the uploader's words: what and where, never a path."""
    line = re.search(r"CSV Error on Line: (\d+)", message)
    where = f" at line {line.group(1)}" if line else ""
    if "unterminated quote" in message.lower():
        return f"a quote mark opens a field that is never closed{where}"
    if "Invalid unicode" in message or "UTF-8" in message:
        return f"the text is not valid in the encoding chosen{where}"
    first = message.strip().splitlines()[0] if message.strip() else "unreadable"
    first = re.sub(r"\"?(/[^\s\"]+)+\"?", "the file", first)
    first = re.sub(r"^[A-Za-z ]*Error: ", "", first)
    return first + where if where and where not in first else first


def guess_header_row(rows: list[list[str | None]]) -> int:
    """The index of the row that names the columns among the first rows of a file.

    Titles, "printed on" lines and blank rows above the header hold fewer cells than the
    header; a header's cells are names, not dates or numbers.
    """
    if not rows:
        return 0
    filled = [sum(1 for v in r if v and v.strip()) for r in rows]
    most = max(filled)
    need = max(2, math.ceil(0.6 * most)) if most > 1 else 1
    for i, row in enumerate(rows):
        if filled[i] >= need and not any(_looks_like_data(v) for v in row if v and v.strip()):
            return i
    return next((i for i, n in enumerate(filled) if n >= need), 0)


_DATA_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|[-+]?\d+([.,]\d+)?")


def _looks_like_data(value: str) -> bool:
    return _DATA_LIKE.fullmatch(value.strip()) is not None


def _find_header(con, source: Source, header_row: int | None) -> tuple[int, list]:
    """(rowid of the header row, [(row, text)] of the rows skipped above it)."""
    n_columns = len(_all_columns(con))
    cols = ", ".join(_col(i) for i in range(n_columns))
    top = [
        list(r) for r in con.execute(f"SELECT {cols} FROM stage ORDER BY rowid LIMIT 30").fetchall()
    ]
    if not top:
        raise InvalidInput(f"{source.file_name}: the file is empty")
    if header_row is None:
        index = guess_header_row(top)
    else:
        index = int(header_row) - 1 - source.row_offset
        if not 0 <= index < len(top):
            raise InvalidInput(
                f"{source.file_name}: the header row must be one of rows "
                f"{1 + source.row_offset}-{len(top) + source.row_offset}"
            )
    skipped = [
        (i + 1 + source.row_offset, " ".join(v.strip() for v in top[i] if v and v.strip()))
        for i in range(index)
    ]
    return index, skipped


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
# Normalising on a private in-memory connection


class _Work:
    """A temporary folder and an in-memory DuckDB connection for one extract."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="rpm-ingest-"))
        self.con = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
        self.con.execute("SET enable_progress_bar = false")  # never on a caller's stdout

    def close(self):
        self.con.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _col(index: int) -> str:
    return f"c{index}"


def _header_names(con, header_rowid: int, n_columns: int) -> list[str]:
    """The header row's names (trimmed; blank or repeated names made unique)."""
    cols = ", ".join(_col(i) for i in range(n_columns))
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


def _normalise(
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
    blank_sql = _blank_sql(n_columns)
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
            WHERE rowid > {int(header_rowid)} AND NOT ({blank_sql})
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


def _blank_sql(n_columns: int) -> str:
    return " AND ".join(f"nullif(trim({_col(i)}), '') IS NULL" for i in range(n_columns))


def date_sql_for(date_order: str) -> tuple[dict, list]:
    """The date expressions over `d_norm` for a date order (see `data.dates.date_sql`)."""
    return date_sql("d_norm", date_forms(date_order))


def _date_columns(con, header: list[str], header_rowid: int, limit: int = 200) -> list[int]:
    """Columns where most of the first non-empty values read as dates, best first."""
    exprs, params = date_sql_for("dmy")
    scores = []
    for i in range(len(header)):
        row = con.execute(
            f"""
            WITH v AS (
                SELECT {normalise_sql(_col(i))} AS d_norm FROM stage
                WHERE rowid > {int(header_rowid)} AND nullif(trim({_col(i)}), '') IS NOT NULL
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


# ---------------------------------------------------------------------------------------------
# Analyse (nothing committed)


def check_may_upload(store: Store, user: User, case_ref: str, agency: str):
    """The case, if this user may add an extract to it for this agency."""
    case = require_case(store, user, case_ref)
    if speaks_for_agency(user) and (agency or "").strip() != user.agency:
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
                i for i in _date_columns(con, header, header_rowid) if i not in mapping.values()
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
    work: _Work,
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
    source = _read_source(work, path, file_name, max_bytes, settings.encoding, settings.sheet)
    con = work.con
    n_columns = len(_all_columns(con))
    header_rowid, skipped = _find_header(con, source, settings.header_row)
    header = _header_names(con, header_rowid, n_columns)
    row_count = con.execute(
        f"SELECT count(*) FROM stage WHERE rowid > ? AND NOT ({_blank_sql(n_columns)})",
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
    _normalise(
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
    preview_cols = ", ".join(f"coalesce({_col(i)}, '')" for i in range(len(header)))
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
    with _Work() as work:
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
    with _Work() as work:
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


TEMPLATE_ROWS = (
    ("03/05/2016", "14:32", "Home visit", "Child seen alone; room clean.", "HV-0001"),
    ("05/2016", "", "Referral", "Referral received from school (day not recorded).", ""),
)


def template_csv() -> str:
    """A template extract with two example rows. The guide is TEMPLATE_GUIDE."""
    return csv_text(FIELDS, TEMPLATE_ROWS)


def template_xlsx() -> bytes:
    """The template as an Excel workbook: sheet "Events" (header, example rows, every cell
    text so that Excel keeps 03/05/2016 as written) and sheet "Column guide"."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    events = book.add_worksheet("Events")
    events.write_row(0, 0, FIELDS, bold)
    for r, row in enumerate(TEMPLATE_ROWS, start=1):
        for c, value in enumerate(row):
            events.write_string(r, c, value, text)
    events.set_column(0, len(FIELDS) - 1, 22, text)
    events.set_column(3, 3, 60, text)
    events.freeze_panes(1, 0)
    guide = book.add_worksheet("Column guide")
    guide.write_row(0, 0, ("column", "required", "what to put in it"), bold)
    for r, row in enumerate(TEMPLATE_GUIDE, start=1):
        for c, value in enumerate(row):
            guide.write_string(r, c, value)
    guide.set_column(0, 1, 14)
    guide.set_column(2, 2, 100)
    book.close()
    return buffer.getvalue()


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
