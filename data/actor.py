"""Who is acting: the account behind every read and write, and its role.

Every other `data` module depends on this one (and on `data.permissions`, which answers what
a role may do); this module depends on none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN, CHAIR, AGENCY, CRC = ROLES = ("admin", "chair", "agency", "crc")


@dataclass(frozen=True)
class User:
    user_id: int
    username: str
    role: str
    agency: str | None
    active: bool
    session_generation: int = 0


# The actor for command-line and seeding work: whoever can run the CLI owns the database file.
SYSTEM = User(user_id=0, username="cli", role=ADMIN, agency=None, active=True)
