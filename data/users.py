"""User accounts: roles, hashed passwords, authentication."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from data.cases import ensure_agency
from data.errors import InvalidInput, NotFound
from data.store import Store

ROLES = ("admin", "chair", "agency", "crc")
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class User:
    user_id: int
    username: str
    role: str
    agency: str | None
    active: bool


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def add_user(
    store: Store, username: str, role: str, password: str, *, agency: str | None = None
) -> User:
    """Create an account. Agency users must name their agency."""
    username = (username or "").strip()
    if not username or len(username) > 60:
        raise InvalidInput("user name must be 1-60 characters")
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if role == "agency" and not agency:
        raise InvalidInput("an agency user needs --agency NAME")
    check_password_rules(password)
    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise InvalidInput(f"user {username} already exists")
        agency_id = ensure_agency(cur, agency) if agency else None
        cur.execute(
            "INSERT INTO users (username, password_hash, role, agency_id) VALUES (?, ?, ?, ?)",
            [username, generate_password_hash(password), role, agency_id],
        )
    return get_user(store, username)


def get_user(store: Store, username: str) -> User:
    row = store.query_one(
        """
        SELECT u.user_id, u.username, u.role, a.name, u.active
        FROM users u LEFT JOIN agencies a ON a.agency_id = u.agency_id
        WHERE u.username = ?
        """,
        [username],
    )
    if row is None:
        raise NotFound(f"unknown user {username!r}")
    return User(*row)


def get_user_by_id(store: Store, user_id: int) -> User | None:
    row = store.query_one(
        """
        SELECT u.user_id, u.username, u.role, a.name, u.active
        FROM users u LEFT JOIN agencies a ON a.agency_id = u.agency_id
        WHERE u.user_id = ?
        """,
        [user_id],
    )
    return User(*row) if row else None


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The active user with these credentials, or None. Takes the same time for unknown users."""
    row = store.query_one(
        "SELECT password_hash, active FROM users WHERE username = ?", [username or ""]
    )
    # Hash something even for unknown names so timing does not reveal which names exist.
    stored = row[0] if row else generate_password_hash("not-a-user")
    ok = check_password_hash(stored, password or "")
    if not (row and ok and row[1]):
        return None
    return get_user(store, username)


def count_users(store: Store) -> int:
    return store.query_one("SELECT count(*) FROM users")[0]


def ensure_admin(store: Store, password: str | None) -> str | None:
    """Create the first `admin` account if there are no users.

    Returns the generated password when none was given (to be printed once), else None.
    """
    if count_users(store):
        return None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    add_user(store, "admin", "admin", password)
    return generated
