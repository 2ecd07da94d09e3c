"""What an extract's ingest works with: the fields an event is read into, the limits, the file
as read (`Source`), the analysis shown before committing (`Analysis`, `IngestWarning`), the
result, and the private DuckDB workspace of one extract (`Work`)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

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


REJECTS_COLUMNS = ("agency", "file", "row", "column", "value", "reason", "raw")


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


class Work:
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


def col(index: int) -> str:
    return f"c{index}"


DELIMITERS = (",", "\t", ";", "|")


DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
