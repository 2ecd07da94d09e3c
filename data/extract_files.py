"""What kind of file an extract is, what text encoding it uses, and reading workbooks and Word
chronology tables into rows of text.

The kind is decided by the bytes, not the name: a file whose extension says one thing and whose
content another is refused with a line saying both. Workbooks (.xlsx, .xls, .xlsb, .ods) are
read with calamine (cell values, formulas as their last computed values, date cells as dates);
Word documents (.docx) by their table XML, so that a chronology of thousands of rows reads in a
moment. Either way the result is a grid of text cells that `data.ingest` stages like a CSV.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from data.errors import InvalidInput

TEXT_EXTENSIONS = (".csv", ".tsv", ".txt", ".tab", ".dat", "")
WORKBOOK_EXTENSIONS = (".xlsx", ".xls", ".xlsb", ".ods")
DOCUMENT_EXTENSIONS = (".docx",)
ACCEPTED_EXTENSIONS = (".csv", ".tsv", ".txt", *WORKBOOK_EXTENSIONS, *DOCUMENT_EXTENSIONS)
KIND_NAMES = {
    "csv": "a text (CSV) file",
    "workbook": "a spreadsheet workbook",
    "docx": "a Word document",
}

# Encodings the uploader may choose (Python codec name -> what people call it).
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (with BOM)",
    "utf-16-le": "UTF-16 little-endian",
    "utf-16-be": "UTF-16 big-endian",
    "cp1252": "Windows-1252 (Western European, Excel)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "iso-8859-15": "ISO-8859-15 (Latin-9)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1257": "Windows-1257 (Baltic)",
    "mac-roman": "Mac Roman",
    "cp850": "DOS Latin-1 (code page 850)",
}
# When the detector finds several equally likely, the one a UK export most likely used wins.
PREFERRED_ENCODINGS = ("cp1252", "latin-1", "iso-8859-15", "cp1250")
_ENCODING_ALIASES = {"iso-8859-1": "latin-1", "latin_1": "latin-1", "mac_roman": "mac-roman"}


def normal_encoding(name: str) -> str | None:
    """A codec name as ENCODINGS spells it, or None when Python has no such codec."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    spelled = _ENCODING_ALIASES.get(info.name, info.name.replace("_", "-"))
    return spelled


# ---------------------------------------------------------------------------------------------
# Kind of file


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def detect_kind(path: Path, file_name: str) -> str:
    """csv, workbook or docx, from the bytes; refuses what cannot be an extract."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    ext = Path(file_name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path, file_name)
    elif head.startswith(_OLE2):
        kind = _ole2_kind(path, file_name)
    elif head.startswith(b"%PDF"):
        raise InvalidInput(f"{file_name}: a PDF document; send the extract as CSV, Excel or Word")
    elif head.startswith((b"{\\rtf", b"\x7fELF", b"MZ", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        raise InvalidInput(f"{file_name}: not an extract (it holds binary data); send a CSV")
    else:
        kind = "csv"
    said = _kind_of_extension(ext)
    if ext == ".xlsm" or (kind == "workbook" and _macro_workbook(path, kind)):
        raise InvalidInput(
            f"{file_name}: a macro-enabled workbook (.xlsm) is not accepted; "
            "save it from Excel as an .xlsx workbook without macros"
        )
    if said and said != kind:
        raise InvalidInput(
            f"{file_name}: the name says {KIND_NAMES[said]} but the file is {KIND_NAMES[kind]}; "
            "save it again in the kind its name says, or give it the right extension"
        )
    return kind


def _kind_of_extension(ext: str) -> str | None:
    if ext in (".csv", ".tsv", ".tab"):
        return "csv"
    if ext in (*WORKBOOK_EXTENSIONS, ".xlsm"):
        return "workbook"
    if ext == ".docx":
        return "docx"
    return None


def _zip_kind(path: Path, file_name: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"{file_name}: the file is damaged or incomplete") from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "workbook"
    if "content.xml" in names and "mimetype" in names:
        return "workbook"  # OpenDocument spreadsheet
    if "word/document.xml" in names:
        return "docx"
    raise InvalidInput(f"{file_name}: a zip archive, not an extract; send the file inside it")


def _ole2_kind(path: Path, file_name: str) -> str:
    with path.open("rb") as fh:
        content = fh.read(8 << 20)
    if _ENCRYPTED in content:
        raise InvalidInput(
            f"{file_name}: the workbook is protected by a password; "
            "save a copy without the password and upload that"
        )
    if "Workbook".encode("utf-16-le") in content or "Book".encode("utf-16-le") in content:
        return "workbook"
    if "WordDocument".encode("utf-16-le") in content:
        raise InvalidInput(
            f"{file_name}: an old Word document (.doc); save it as .docx and upload that"
        )
    raise InvalidInput(f"{file_name}: not an extract (an Office file of an unknown kind)")


def _macro_workbook(path: Path, kind: str) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/vbaProject.bin" in zf.namelist():
                return True
            types = (
                zf.read("[Content_Types].xml") if "[Content_Types].xml" in zf.namelist() else b""
            )
    except (zipfile.BadZipFile, OSError):
        return False  # an .xls (not a zip) or damaged: the reader says which
    return b"macroEnabled" in types


# ---------------------------------------------------------------------------------------------
# Text encoding of a CSV


_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f]")


@dataclass
class TextEncoding:
    encoding: str
    detected: bool  # False when the uploader chose it
    undecodable: int = 0  # byte sequences that were not valid in it (read as U+FFFD)
    nul_bytes: int = 0


def utf16_without_bom(head: bytes) -> str | None:
    """utf-16-le or utf-16-be when every other byte of the sample is NUL, else None."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def refuse_binary(head: bytes, file_name: str) -> None:
    nul = head.count(0)
    if nul > max(8, len(head) // 20) or len(_CONTROL.findall(head)) > max(2, len(head) // 100):
        raise InvalidInput(f"{file_name}: not a text file (it holds binary data); send a CSV")


def detect_encoding(path: Path, head: bytes, digest) -> TextEncoding:
    """The encoding of a text file without a BOM, hashing it on the way (one pass).

    UTF-8 wins when nearly all of its non-ASCII bytes decode as UTF-8 (one bad byte in a file
    of accented names is a damaged UTF-8 file, not a Windows-1252 one); otherwise the detector
    chooses among the single-byte encodings, from the lines that hold non-ASCII bytes.
    """
    sixteen = utf16_without_bom(head)
    nul_bytes = bad = multibyte = 0
    utf8 = not sixteen  # still possibly UTF-8
    non_ascii_sample = bytearray()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
            if sixteen:
                continue
            nul_bytes += block.count(0)
            if len(non_ascii_sample) < (1 << 16) and not block.isascii():
                for line in block.splitlines():
                    if not line.isascii():
                        non_ascii_sample += line[:400] + b"\n"
            if not utf8 or block.isascii():
                continue
            text = decoder.decode(block)
            replaced = text.count("\ufffd")
            bad += replaced
            multibyte += len(text) - len(text.encode("ascii", "ignore")) - replaced
            if bad > 100 and multibyte < 20 * bad:
                utf8 = False  # plainly another encoding: the rest is only hashed
        if utf8:
            bad += decoder.decode(b"", final=True).count("\ufffd")
    if sixteen:
        return TextEncoding(sixteen, True)
    if utf8 and (bad == 0 or multibyte >= 20 * bad):
        return TextEncoding("utf-8", True, undecodable=bad, nul_bytes=nul_bytes)
    return TextEncoding(_single_byte(bytes(non_ascii_sample)), True, nul_bytes=nul_bytes)


def _single_byte(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = [
        (m.percent_chaos, normal_encoding(m.encoding))
        for m in from_bytes(sample, cp_exclusion=["utf_8", "utf_16", "utf_32", "ascii"])
    ]
    matches = [(chaos, enc) for chaos, enc in matches if enc in ENCODINGS]
    if not matches:
        return "cp1252"
    least = min(chaos for chaos, _ in matches)
    likely = [enc for chaos, enc in matches if chaos <= least + 1]
    for enc in PREFERRED_ENCODINGS:
        if enc in likely:
            return enc
    return likely[0]


# ---------------------------------------------------------------------------------------------
# Grids of text from workbooks and documents


@dataclass
class Grid:
    """Rows of text cells (None for blank) and where they came from."""

    rows: list[list[str | None]]
    source: str  # the sheet's name, or which tables of the document
    choices: list[str] = field(default_factory=list)  # the workbook's sheets
    row_offset: int = 0  # rows above the first one read (a sheet whose data starts lower)
    notes: list[str] = field(default_factory=list)


def cell_text(value) -> str | None:
    """A workbook cell as the text a CSV export would hold (dates as ISO dates)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_DATE_HINT = re.compile(r"date|when|dob", re.IGNORECASE)


def read_workbook(path: Path, file_name: str, sheet: str | None = None) -> Grid:
    """The chosen sheet (default: the first whose cells include dates) as a grid of text."""
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise InvalidInput(
            f"{file_name}: the workbook is protected by a password; "
            "save a copy without the password and upload that"
        ) from exc
    except Exception as exc:  # calamine raises several kinds for damaged files
        raise InvalidInput(
            f"{file_name}: not a readable workbook (the file is damaged or incomplete)"
        ) from exc
    try:
        names = list(workbook.sheet_names)
        if not names:
            raise InvalidInput(f"{file_name}: the workbook has no sheets")
        if sheet is not None and sheet not in names:
            raise InvalidInput(
                f"{file_name}: no sheet named {sheet!r} (sheets: {', '.join(names)})"
            )
        chosen, values = None, None
        for name in [sheet] if sheet else names:
            try:
                data = workbook.get_sheet_by_name(name)
                rows = data.to_python(skip_empty_area=False)
            except Exception as exc:
                raise InvalidInput(
                    f"{file_name}: sheet {name!r} could not be read (the file is damaged)"
                ) from exc
            if sheet or _has_dates(rows):
                chosen, values, merged = name, rows, _merged(data)
                break
        if chosen is None:  # no sheet holds dates: the first with any cells
            for name in names:
                data = workbook.get_sheet_by_name(name)
                rows = data.to_python(skip_empty_area=False)
                if any(any(v not in (None, "") for v in r) for r in rows):
                    chosen, values, merged = name, rows, _merged(data)
                    break
        if chosen is None:
            raise InvalidInput(f"{file_name}: every sheet of the workbook is empty")
    finally:
        workbook.close()
    grid = Grid([[cell_text(v) for v in row] for row in values], chosen, choices=names)
    _fill_merged(grid, merged)
    if sheet is None and len(names) > 1:
        grid.notes.append(f"sheet {chosen!r} read (the workbook has {len(names)} sheets)")
    return grid


def _has_dates(rows: list[list]) -> bool:
    for row in rows[:50]:
        for v in row:
            if isinstance(v, date | datetime):
                return True
            if isinstance(v, str) and _DATE_HINT.search(v) and len(v) < 40:
                return True
    return False


def _merged(sheet) -> list:
    return list(getattr(sheet, "merged_cell_ranges", None) or [])  # not every format has them


def _fill_merged(grid: Grid, merged: list) -> None:
    """A merged cell's value in each cell it covers, in the rows above the data.

    Header rows hold merged cells ("Contact" over "Date" and "Type"); repeating the value keeps
    each column named. Merged cells lower down (a note across a row) are left as they are.
    """
    for (r0, c0), (r1, c1) in merged:
        if r0 >= 10 or r0 >= len(grid.rows):
            continue
        value = grid.rows[r0][c0] if c0 < len(grid.rows[r0]) else None
        if value is None:
            continue
        for r in range(r0, min(r1, len(grid.rows) - 1) + 1):
            row = grid.rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if row[c] is None:
                    row[c] = value


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx_tables(path: Path, file_name: str) -> Grid:
    """The document's chronology: its tables that have a date column, as one grid.

    The first such table's first row is the header; a later table with the same header (a
    chronology split across pages or sections) continues it without repeating the header.
    """
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("word/document.xml")
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError) as exc:
        raise InvalidInput(
            f"{file_name}: not a readable Word document (the file is damaged or incomplete)"
        ) from exc
    tables = [_table_rows(t) for t in root.iter(f"{_W}tbl") if t.getparent().tag == f"{_W}body"]
    tables = [t for t in tables if t]
    if not tables:
        raise InvalidInput(
            f"{file_name}: the document has no table; a chronology must be a table whose "
            "first row names the columns (Date, Event, ...)"
        )
    chronology = [i for i, t in enumerate(tables) if _has_date_header(t[0])]
    if not chronology:
        chronology = [max(range(len(tables)), key=lambda i: len(tables[i]))]
    first = chronology[0]
    header = tables[first][0]
    rows = list(tables[first])
    used = [first]
    for i in chronology[1:]:
        table = tables[i]
        if _same_header(table[0], header):
            rows.extend(table[1:])
            used.append(i)
    source = (
        f"table {first + 1} of {len(tables)}"
        if len(used) == 1
        else f"tables {', '.join(str(i + 1) for i in used)} of {len(tables)}"
    )
    grid = Grid(rows, source)
    if len(tables) > 1:
        grid.notes.append(f"read {source} (the tables with a date column)")
    return grid


def _table_rows(tbl) -> list[list[str | None]]:
    rows = []
    for tr in tbl.iter(f"{_W}tr"):
        if tr.getparent() is not tbl:
            continue  # a row of a table nested in a cell
        cells: list[str | None] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            paragraphs = ["".join(_runs_text(p)) for p in tc.iterchildren(f"{_W}p")]
            text = "\n".join(paragraphs).strip() or None
            span = tc.find(f"{_W}tcPr/{_W}gridSpan")
            width = int(span.get(f"{_W}val", "1")) if span is not None else 1
            cells.append(text)
            cells.extend([None] * (width - 1))
        rows.append(cells)
    return rows


def _runs_text(paragraph):
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            yield node.text or ""
        elif node.tag == f"{_W}tab":
            yield "\t"
        else:
            yield "\n"


def _has_date_header(row: list[str | None]) -> bool:
    return any(c and _DATE_HINT.search(c) and len(c) < 40 for c in row)


def _same_header(a: list[str | None], b: list[str | None]) -> bool:
    def norm(row):
        return [" ".join((c or "").lower().split()) for c in row]

    return norm(a) == norm(b)
