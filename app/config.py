"""Configuration from environment variables, with defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("var") / "rpm.duckdb"


@dataclass(frozen=True)
class Config:
    db_path: Path
    host: str
    port: int
    admin_password: str | None
    secure_cookies: bool
    partnership_code: str | None = None  # in published bundles (data.publish)
    publish_dir: Path | None = None  # where the explorer's Publish button writes bundles

    @classmethod
    def from_env(
        cls, db: str | None = None, host: str | None = None, port: int | None = None
    ) -> Config:
        env = os.environ
        return cls(
            db_path=Path(db or env.get("RPM_DB") or DEFAULT_DB),
            host=host or env.get("RPM_HOST") or "127.0.0.1",
            port=int(port if port is not None else env.get("RPM_PORT") or 8050),
            admin_password=env.get("RPM_ADMIN_PASSWORD") or None,
            secure_cookies=env.get("RPM_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
            partnership_code=env.get("RPM_PARTNERSHIP_CODE") or None,
            publish_dir=Path(env["RPM_PUBLISH_DIR"]) if env.get("RPM_PUBLISH_DIR") else None,
        )


def secret_key(db_path: Path) -> str:
    """RPM_SECRET_KEY, else a key generated once and kept beside the database (mode 0600)."""
    if os.environ.get("RPM_SECRET_KEY"):
        return os.environ["RPM_SECRET_KEY"]
    key_file = db_path.with_name(db_path.name + ".secret")
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
