"""Reading an extract file into the workspace's `stage` table (steps 1 and 2 of `data.ingest`):
refusing what cannot be an extract, hashing, detecting the encoding and delimiter, staging
CSV text or a workbook's or Word table's grid, and finding the header row."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import shutil
from pathlib import Path

import duckdb

from data.errors import InvalidInput
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
from data.ingest.model import DELIMITERS, MAX_COLUMNS, SAMPLE_ROWS, IngestWarning, Source, Work, col


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


def read_source(
    work: Work,
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


def _stage_grid(work: Work, grid: Grid, source: Source) -> None:
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


def _read_csv(work: Work, path: Path, file_name: str, size: int, chosen: str | None) -> Source:
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


def all_columns(con) -> list[str]:
    return [row[0] for row in con.execute("DESCRIBE stage").fetchall()]


def _rows_containing(con, text: str, row_offset: int) -> list[int]:
    columns = all_columns(con)
    found = " OR ".join(f"contains({c}, ?)" for c in columns)
    return [
        r
        for (r,) in con.execute(
            f"SELECT rowid + 1 + ? FROM stage WHERE {found} ORDER BY rowid",
            [row_offset] + [text] * len(columns),
        ).fetchall()
    ]


def _remove_from_stage(con, text: str) -> None:
    columns = all_columns(con)
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


def _stage_csv(work: Work, utf8_path: Path, source: Source, width: int | None = None) -> None:
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
            + ", ".join(f"'{col(i)}': 'VARCHAR'" for i in range(width))
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
    names = all_columns(con)
    if len(names) > MAX_COLUMNS:
        raise InvalidInput(f"{file_name}: {len(names)} columns; the maximum is {MAX_COLUMNS}")
    for i, name in enumerate(names):
        if name != col(i):
            con.execute(f'ALTER TABLE stage RENAME COLUMN "{name}" TO {col(i)}')


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


def find_header(con, source: Source, header_row: int | None) -> tuple[int, list]:
    """(rowid of the header row, [(row, text)] of the rows skipped above it)."""
    n_columns = len(all_columns(con))
    cols = ", ".join(col(i) for i in range(n_columns))
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
