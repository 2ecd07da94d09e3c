"""Publishing the partnership's committee-level data as a bundle (format: `data.bundle`).

What goes out is read from the pseudonymised `crc_*` views, in one read transaction, with an
explicit list of columns per table (a column added to a view is not published until it is
added to `data.bundle.TABLES`). On top of the views:

- learning leaves only when it is flagged for the committee in the snapshot of the case's
  latest record version, and that version is signed off (an amendment in progress withdraws it);
  actions keep a link to their learning only when that learning is published;
- every key is re-hashed with HMAC-SHA256 under a salt: by default a random salt made for this
  publication and never stored, so two bundles cannot be joined on their keys; with
  `linkable=True` the partnership's stable secret (`settings.publish_link_secret`), so its
  linkable bundles share keys;
- rows are written in the order of their new keys, so no row order hints at the old ones.

The bundle is written into a hidden folder and renamed into place when complete; the
publication is recorded in `publications` and in the audit trail.
"""

from __future__ import annotations

import hmac
import io
import json
import os
import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from pathlib import Path

import pandas as pd

from data import audit
from data.actor import User
from data.bundle import (
    BUNDLE_FORMAT,
    CODE_PATTERN,
    CODE_RULE,
    KEY_KINDS,
    MANIFEST,
    README,
    SCHEMA_VERSION,
    TABLES,
    BundleTable,
    readme_text,
    sha256_file,
)
from data.committee_patterns import count_missing_patterns
from data.errors import Forbidden, InvalidInput
from data.partnership import DEFAULT_NAME, get_partnership
from data.permissions import is_administrator
from data.store import Store

LINK_SECRET_KEY = "publish_link_secret"
KEY_HEX = 16  # 64 bits of the HMAC: collisions among a nation's keys are vanishingly unlikely

# Learning points flagged for the committee in the snapshot of each case's latest record
# version, when that version is signed off.
SIGNED_SHARED_LEARNING = """
WITH latest AS (
    SELECT arg_max(record_id, version) AS record_id FROM meeting_records GROUP BY case_id
),
signed AS (
    SELECT unnest(from_json(json_extract(r.snapshot, '$.learning_points'),
                            '[{"learning_id": "INTEGER", "share_with_crc": "BOOLEAN"}]')) AS lp
    FROM meeting_records r JOIN latest USING (record_id)
    WHERE r.signed_at IS NOT NULL
)
SELECT DISTINCT lp.learning_id FROM signed WHERE lp.share_with_crc
"""

# Where the keys of each kind come from (the learning keys only of published learning).
KEY_SOURCES = {
    "case": "SELECT case_key FROM crc_cases",
    "learning": "SELECT learning_key FROM crc_learning_points"
    f" WHERE learning_key IN ({SIGNED_SHARED_LEARNING})",
    "action": "SELECT action_key FROM crc_actions",
    "barrier": "SELECT barrier_key FROM crc_barriers",
    "decision": "SELECT decision_key FROM crc_committee_decisions"
    " WHERE case_key IN (SELECT case_key FROM crc_cases)",
    "committee_action": "SELECT committee_action_key FROM crc_committee_actions",
    "delivery": "SELECT delivery_key FROM crc_briefing_deliveries",
}
# A row leaves only if these keys of it are published (the others become null when not).
ROW_NEEDS = {
    "crc_learning_points": ("learning_key",),
    "crc_learning_themes": ("learning_key",),
    # an action leaves with its decision only (a decision covering no case is not published)
    "crc_committee_actions": ("decision_key",),
}


@dataclass(frozen=True)
class Publication:
    path: Path
    manifest: dict

    def line(self) -> str:
        files = self.manifest["files"]
        rows = {name.removesuffix(".parquet"): f["rows"] for name, f in files.items()}
        size = sum(f["bytes"] for f in files.values())
        return (
            f"{self.path} ({len(files)} files, {size:,} bytes; {rows['crc_cases']:,} cases,"
            f" {rows['crc_events']:,} events, {rows['crc_learning_points']:,} learning points,"
            f" {rows['crc_actions']:,} actions)"
        )


def check_code(code: str | None) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise InvalidInput(
            "no partnership code: set RPM_PARTNERSHIP_CODE (" + CODE_RULE + ") or pass --code"
        )
    if not CODE_PATTERN.match(code):
        raise InvalidInput(f"the partnership code {code!r} is not valid: {CODE_RULE}")
    return code


def rehash(salt: bytes, kind: str, key: object) -> str:
    """The published key of an internal key: HMAC-SHA256 under the salt, kind included."""
    mac = hmac.new(salt, f"{kind}:{key}".encode(), sha256).hexdigest()[:KEY_HEX].upper()
    return kind[0].upper() + mac


def _key_map(cur, salt: bytes) -> pd.DataFrame:
    rows = []
    for kind, sql in KEY_SOURCES.items():
        for (key,) in cur.execute(
            f"SELECT DISTINCT CAST(k AS VARCHAR) FROM ({sql}) t(k)"
        ).fetchall():
            rows.append((kind, key, rehash(salt, kind, key)))
    return pd.DataFrame(rows, columns=["kind", "old", "new"], dtype=object)


def _select(table: BundleTable) -> str:
    """The table's published rows: its columns, keys swapped for their new values."""
    joins, columns, needs = [], ["? AS partnership"], []
    for name, _ in table.columns:
        kind = KEY_KINDS.get(name)
        if kind is None:
            columns.append(f"v.{name}")
            continue
        alias = f"k_{name}"
        joins.append(
            f"LEFT JOIN pub_keys {alias} ON {alias}.kind = '{kind}'"
            f" AND {alias}.old = CAST(v.{name} AS VARCHAR)"
        )
        columns.append(f"{alias}.new AS {name}")
        if name == "case_key" or name in ROW_NEEDS.get(table.name, ()):
            needs.append(f"{alias}.new IS NOT NULL")
    where = " AND ".join(needs) or "TRUE"
    return (
        f"SELECT {', '.join(columns)} FROM {table.name} v {' '.join(joins)}"
        f" WHERE {where} ORDER BY ALL"
    )


class PatternsNotWritten(InvalidInput):
    """Some signed-off records' patterns are not written yet: a bundle would miss them."""

    def __init__(self, waiting: int):
        self.waiting = waiting
        super().__init__(
            f"the committee's patterns of {waiting} signed-off record(s) are not written yet"
            " (the server writes them once after an upgrade; `rpm-timeline crc publish` writes"
            " them first): publish when they are done"
        )


def _bundle_name(out_dir: Path, code: str, day: str) -> str:
    stem = f"{code}_{day}_v"
    taken = [
        int(m.group(1))
        for p in out_dir.glob(f"{stem}*")
        if (m := re.fullmatch(re.escape(stem) + r"(\d+)", p.name))
    ]
    return f"{stem}{max(taken, default=0) + 1}"


def publish(
    store: Store,
    user: User,
    out_dir: str | Path,
    code: str | None,
    *,
    linkable: bool = False,
    now: datetime | None = None,
    ip: str | None = None,
) -> Publication:
    """Write a new bundle into `out_dir` (created if needed) and record the publication."""
    if not is_administrator(user):
        raise Forbidden("only an administrator can publish the partnership's data")
    code = check_code(code)
    if waiting := count_missing_patterns(store):
        # Written by the server after an upgrade, or by `crc publish` first: never here, inside
        # a web request (minutes on a large database), nor a bundle without them.
        raise PatternsNotWritten(waiting)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create the folder {out_dir}: {exc.strerror}") from exc
    now = (now or datetime.now()).replace(microsecond=0)
    name = _bundle_name(out_dir, code, now.date().isoformat())
    partial = out_dir / f".{name}.partial-{secrets.token_hex(4)}"
    partial.mkdir()
    try:
        files = _write_tables(store, partial, code, linkable)
        named = get_partnership(store).name
        # A partnership that has not set its name is known by its code: the default name is
        # every unnamed partnership's, and would make pooled bundles indistinguishable.
        partnership_name = code if named == DEFAULT_NAME else named
        manifest = finish_bundle(partial, name, code, partnership_name, now, linkable, files)
        os.replace(partial, out_dir / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    path = out_dir / name
    try:
        with store.transaction() as cur:
            cur.execute(
                "INSERT INTO publications (bundle, partnership_code, schema_version, linkable,"
                " published_by, published_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [name, code, SCHEMA_VERSION, linkable, user.username, now, json.dumps(manifest)],
            )
            rows = ", ".join(f"{f.removesuffix('.parquet')} {e['rows']}" for f, e in files.items())
            audit.record(
                cur,
                user,
                audit.PUBLISH,
                detail=f"bundle {name}{' (linkable keys)' if linkable else ''}: {rows}",
                ip=ip,
            )
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)  # not recorded, so not published
        raise
    return Publication(path, manifest)


def _write_tables(store: Store, folder: Path, code: str, linkable: bool) -> dict:
    """Every table as Parquet, read in one transaction so that the files agree."""
    cur = store.cursor()
    salt = _link_secret(cur) if linkable else secrets.token_bytes(32)
    files = {}
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.register("pub_keys", _key_map(cur, salt))
        for table in TABLES:
            path = folder / table.file
            rows = cur.execute(
                f"COPY ({_select(table)}) TO '{_sql_text(path)}' (FORMAT parquet,"
                " COMPRESSION zstd)",
                [code],
            ).fetchone()[0]
            files[table.file] = table_entry(cur, table, path, rows)
    finally:
        cur.unregister("pub_keys")
        cur.execute("ROLLBACK")  # read-only: nothing to keep
    return files


def table_entry(cur, table: BundleTable, path: Path, rows: int) -> dict:
    """A written file's entry in the manifest: rows, bytes, checksum and column types."""
    types = cur.execute(
        "SELECT column_name, column_type FROM"
        f" (DESCRIBE SELECT * FROM read_parquet('{_sql_text(path)}'))"
    ).fetchall()
    return {
        "table": table.name,
        "rows": rows,
        "bytes": path.stat().st_size,
        "sha256": sha256_file(path),
        "types": dict(types),
    }


def finish_bundle(
    folder: Path,
    bundle: str,
    code: str,
    partnership_name: str,
    published_at: datetime,
    linkable: bool,
    files: dict,
) -> dict:
    """Write the manifest and README of bundle `bundle` beside its files; return the manifest."""
    manifest = {
        "format": BUNDLE_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "partnership": code,
        "partnership_name": partnership_name,
        "published_at": published_at.isoformat(),
        "bundle": bundle,
        "linkable": linkable,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (folder / README).write_text(readme_text(manifest), encoding="utf-8")
    return manifest


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def _link_secret(cur) -> bytes:
    row = cur.execute("SELECT value FROM settings WHERE key = ?", [LINK_SECRET_KEY]).fetchone()
    return row[0].encode()


def bundle_zip(path: Path) -> bytes:
    """The bundle folder as a zip file (its name as the top folder), for download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for file in sorted(path.iterdir()):
            zf.write(file, f"{path.name}/{file.name}")
    return buffer.getvalue()
