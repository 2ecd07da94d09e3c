"""The bundle format: a partnership's published committee-level data, as Parquet files.

One definition serves both ends: `data.publish` writes exactly these tables and columns, and
`data.pooled` refuses a bundle that carries anything else. A bundle is a folder:

    PORTSMOUTH_2026-12-01_v1/
        manifest.json        format, schema version, partnership, date, and per file its
                             row count, byte size and SHA-256
        README.md            what each table and column is (generated)
        crc_cases.parquet    ... one file per table below

Every table has a `partnership` column (the partnership's code), so files from many bundles
can be read as one with any Parquet engine. Keys (`case_key`, `learning_key`, `action_key`,
`barrier_key`, and the committee's `decision_key`, `committee_action_key`, `delivery_key`) are
re-hashed for each publication (see `data.publish`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from data.vocabulary import COMMITTEE_PATTERN_KINDS, LINK_TYPES

BUNDLE_FORMAT = "rpm-timeline-bundle"
# 2: the committee's decisions, organisational actions and briefings delivered; 3: the links
# between events (who told whom, and where information did not travel); 4: the patterns the
# reviewer's lenses found (silences, clusters...). A bundle of an earlier version (without
# them) is still read: those tables are empty for it.
SCHEMA_VERSION = 4
READABLE_SCHEMA_VERSIONS = frozenset({1, 2, 3, 4})
MANIFEST = "manifest.json"
README = "README.md"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
CODE_RULE = "2 to 32 capital letters, digits or hyphens, e.g. PORTSMOUTH"

PARTNERSHIP = ("partnership", "the publishing partnership's code (`RPM_PARTNERSHIP_CODE`)")
CASE_KEY = ("case_key", "the case, by a key made for this publication (not the case reference)")


@dataclass(frozen=True)
class BundleTable:
    """One file of the bundle: the `crc_*` view it comes from and the columns it carries."""

    name: str
    about: str
    columns: tuple[tuple[str, str], ...]  # (column, meaning), after `partnership`
    since: int = 1  # the first schema version whose bundles carry it

    @property
    def file(self) -> str:
        return f"{self.name}.parquet"

    @property
    def column_names(self) -> tuple[str, ...]:
        return (PARTNERSHIP[0], *(c for c, _ in self.columns))


# Key columns and the kind of thing they name (the kind goes into the hash, see data.publish).
KEY_KINDS = {"case_key": "case", "learning_key": "learning", "action_key": "action",
             "barrier_key": "barrier", "decision_key": "decision",
             "committee_action_key": "committee_action",
             "delivery_key": "delivery"}  # fmt: skip

TABLES: tuple[BundleTable, ...] = (
    BundleTable(
        "crc_cases",
        "One row per case.",
        (
            CASE_KEY,
            ("meeting_date", "date of the (latest) reflective practice meeting"),
            ("meeting_year", "year of meeting_date"),
            ("age_months_at_meeting", "the child's age in complete months at the meeting"),
            ("age_band_at_meeting", "Under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over, Not known"),
            ("stage_key", "furthest workflow stage reached (see workflow_stages)"),
            ("agency_count", "agencies taking part"),
            ("is_demo", "fictional demo data"),
        ),
    ),
    BundleTable(
        "crc_case_agencies",
        "The agencies taking part in each case.",
        (CASE_KEY, ("agency", "an agency taking part in the case")),
    ),
    BundleTable(
        "crc_events",
        "One row per event of the merged chronology: no summary, reference or other text.",
        (
            CASE_KEY,
            (
                "event_date",
                "the event's date (first day of the month or year for those precisions)",
            ),
            ("date_precision", "day, month or year"),
            ("age_months", "the child's age in complete months on that date"),
            ("agency", "the agency's name"),
            ("event_type", "the agency's own event type (e.g. MASH referral)"),
            (
                "category",
                "its category, the same across agencies' wording (e.g. Referral and contact)",
            ),
        ),
    ),
    BundleTable(
        "crc_learning_points",
        "Learning points shared with the committee in a signed-off record (no text).",
        (
            CASE_KEY,
            ("learning_key", "the learning point, by a key made for this publication"),
            ("scope", "single_agency or cross_agency"),
            ("agency", "the agency, for single-agency learning"),
            ("recorded_on", "when it was recorded"),
        ),
    ),
    BundleTable(
        "crc_learning_themes",
        "The themes of each published learning point.",
        (
            CASE_KEY,
            ("learning_key", "the learning point (crc_learning_points)"),
            ("theme", "a theme of that learning point"),
        ),
    ),
    BundleTable(
        "crc_actions",
        "Actions (no description, owner or evidence).",
        (
            CASE_KEY,
            ("action_key", "the action, by a key made for this publication"),
            ("learning_key", "its learning point if published (crc_learning_points), else empty"),
            ("agency", "the owning agency"),
            ("status", "open, in_progress, done or verified"),
            ("due_date", "when it is due"),
            ("completed_on", "when it was completed"),
            ("overdue", "open or in progress and past its due date on the day of publication"),
        ),
    ),
    BundleTable(
        "crc_barriers",
        "Reflections answering 'Was there anything that acted as a barrier?' (no text).",
        (
            CASE_KEY,
            ("barrier_key", "the barrier, by a key made for this publication"),
            ("target_kind", "event, episode or case"),
            ("agency", "the agency that raised it"),
            ("recorded_on", "when it was recorded"),
        ),
    ),
    BundleTable(
        "crc_barrier_themes",
        "Themes of learning linked to the same event or episode as a barrier.",
        (CASE_KEY, ("barrier_key", "the barrier (crc_barriers)"), ("theme", "a theme")),
    ),
    BundleTable(
        "crc_process",
        "Days between the flowchart's stages, per case.",
        (
            CASE_KEY,
            ("identified_on", "stage: case identified"),
            ("meeting_date", "as in crc_cases"),
            ("crc_considered_on", "stage: considered by the Case Review Committee"),
            ("frontline_informed_on", "stage: frontline practitioners informed"),
            ("days_identified_to_meeting", "days from identified to the meeting"),
            ("days_meeting_to_crc", "days from the meeting to the committee"),
            ("days_crc_to_frontline", "days from the committee to the frontline briefing"),
            ("stage_key", "furthest stage reached"),
        ),
    ),
    BundleTable(
        "crc_committee_decisions",
        "The Case Review Committee's decisions, one row per decision and case it covers (no text).",
        (
            CASE_KEY,
            ("decision_key", "the decision, by a key made for this publication"),
            ("theme", "the theme it was about, when it was about a theme across cases"),
            ("decided_on", "when the committee decided"),
        ),
        since=2,
    ),
    BundleTable(
        "crc_committee_actions",
        "The organisational actions the committee planned under its published decisions (no"
        " description or evidence).",
        (
            ("committee_action_key", "the action, by a key made for this publication"),
            ("decision_key", "its decision (crc_committee_decisions)"),
            ("agency", "the owning agency"),
            ("status", "open, in_progress, done or verified"),
            ("due_date", "when it is due"),
            ("completed_on", "when it was completed"),
            ("overdue", "open or in progress and past its due date on the day of publication"),
        ),
        since=2,
    ),
    BundleTable(
        "crc_briefing_deliveries",
        "Briefings and workshops delivered to frontline practitioners, one row per delivery"
        " and case whose learning it carried.",
        (
            CASE_KEY,
            ("delivery_key", "the delivery, by a key made for this publication"),
            ("theme", "the theme it was about, when it was about a theme across cases"),
            ("kind", "briefing (the 7-minute briefing) or workshop"),
            ("delivered_on", "when it was delivered"),
            ("attended", "how many practitioners attended"),
        ),
        since=2,
    ),
    BundleTable(
        "crc_event_links",
        "Links a chair recorded between two events of a case (who told whom), one row per link"
        " (no note, nor who recorded it).",
        (
            CASE_KEY,
            ("link_type", f"one of: {', '.join(LINK_TYPES)}"),
            ("unanswered", "not received or should have been shared: it did not travel"),
            ("suggested", "the app suggested it and a chair accepted it"),
            ("from_date", "the sending event's date"),
            ("from_agency", "the sending event's agency"),
            ("from_category", "the sending event's category"),
            ("to_date", "the receiving event's date"),
            ("to_agency", "the receiving event's agency"),
            ("to_category", "the receiving event's category"),
        ),
        since=3,
    ),
    BundleTable(
        "crc_patterns",
        "What the reviewer's lenses found in each case's signed-off record, one row per pattern"
        " and agency and category of its events (no description, nor any event's words).",
        (
            CASE_KEY,
            ("pattern_no", "the pattern within its case (1, 2, ... by start date)"),
            ("kind", f"one of: {', '.join(COMMITTEE_PATTERN_KINDS)}"),
            ("start_date", "its first day (a silence: the day of the last event before it)"),
            ("end_date", "its last day (a silence: the day of the next event)"),
            ("agency", "an agency of its events (empty: a silence of every agency)"),
            ("category", "a category of its events (empty for silences)"),
        ),
        since=4,
    ),
    BundleTable(
        "themes",
        "The partnership's list of learning themes.",
        (("name", "a theme"),),
    ),
    BundleTable(
        "workflow_stages",
        "The flowchart's stages, in order.",
        (
            ("stage_key", "the stage's key"),
            ("name", "the stage's name"),
            ("position", "its place in the flowchart"),
        ),
    ),
)
TABLES_BY_FILE = {t.file: t for t in TABLES}


def tables_of(version: int) -> tuple[BundleTable, ...]:
    """The tables a bundle of this schema version carries."""
    return tuple(t for t in TABLES if t.since <= version)


class BadBundle(Exception):
    """A bundle that cannot be read as it is; the message is one line naming it and why."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict:
    """The bundle's manifest, checked for its format and a schema version this app reads."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BadBundle(f"{folder.name}: no {MANIFEST} (not a bundle written by rpm-timeline)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadBundle(f"{folder.name}: {MANIFEST} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise BadBundle(f"{folder.name}: {MANIFEST} is not an {BUNDLE_FORMAT} manifest")
    version = manifest.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        *others, last = sorted(READABLE_SCHEMA_VERSIONS)
        readable = f"{', '.join(str(v) for v in others)} or {last}" if others else str(last)
        raise BadBundle(
            f"{folder.name}: schema version {version!r}, but this app reads schema version"
            f" {readable}"
        )
    code = manifest.get("partnership")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise BadBundle(f"{folder.name}: the partnership code {code!r} is not valid")
    if not isinstance(manifest.get("files"), dict):
        raise BadBundle(f"{folder.name}: {MANIFEST} lists no files")
    return manifest


def check_files(folder: Path, manifest: dict) -> None:
    """Every table present, listed and unchanged since publication (checksums)."""
    files = manifest["files"]
    for table in tables_of(manifest["schema_version"]):
        entry = files.get(table.file)
        if not isinstance(entry, dict):
            raise BadBundle(f"{folder.name}: {MANIFEST} does not list {table.file}")
        path = folder / table.file
        if not path.is_file():
            raise BadBundle(f"{folder.name}: {table.file} is missing")
        if sha256_file(path) != entry.get("sha256"):
            raise BadBundle(
                f"{folder.name}: {table.file} does not match its checksum in {MANIFEST}"
                " (changed or damaged since publication)"
            )
    unknown = sorted(set(files) - set(TABLES_BY_FILE))
    if unknown:
        raise BadBundle(f"{folder.name}: {MANIFEST} lists files bundles do not have: {unknown[0]}")


def check_columns(folder: Path, file: str, columns: list[str]) -> None:
    """A file carries exactly its table's columns: anything else is refused."""
    table = TABLES_BY_FILE[file]
    extra = [c for c in columns if c not in table.column_names]
    if extra:
        raise BadBundle(f"{folder.name}: {file} has a column bundles may not carry: {extra[0]}")
    missing = [c for c in table.column_names if c not in columns]
    if missing:
        raise BadBundle(f"{folder.name}: {file} lacks the column {missing[0]}")


def readme_text(manifest: dict) -> str:
    """The bundle's README: what it is and what each column means."""
    lines = [
        f"# Committee-level data of {manifest.get('partnership_name') or manifest['partnership']}",
        "",
        (
            f"Partnership code `{manifest['partnership']}`, published"
            f" {manifest['published_at']} by RPM Timeline, bundle schema version"
            f" {manifest['schema_version']}."
        ),
        "",
        (
            "Pseudonymised data about Reflective Practice Meetings: no names, no case"
            " references, no free text. Counts drawn from it are NOT suppressed: hide every"
            " count from 1 to 5 (with secondary suppression) before showing or publishing"
            " anything made from it."
        ),
        "",
        "Keys ("
        + ", ".join(f"`{k}`" for k in KEY_KINDS)
        + ") were made for this"
        + (
            " partnership with its stable secret: they are the same in this partnership's other"
            " linkable bundles."
            if manifest.get("linkable")
            else " publication alone: they cannot be matched with any other bundle's keys."
        ),
        "",
        f"`{MANIFEST}` gives each file's row count and SHA-256 checksum.",
    ]
    for table in tables_of(manifest["schema_version"]):
        entry = manifest["files"].get(table.file, {})
        lines += [
            "",
            f"## {table.file} ({entry.get('rows', 0):,} rows)",
            "",
            table.about,
            "",
            "| column | type | meaning |",
            "|---|---|---|",
        ]
        types = entry.get("types", {})
        for name, meaning in (PARTNERSHIP, *table.columns):
            lines.append(f"| {name} | {types.get(name, '')} | {meaning} |")
    return "\n".join(lines) + "\n"
