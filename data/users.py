"""User accounts: roles, hashed passwords, authentication, and the admin's account changes.

Every change to an account is written to the audit trail in the same transaction, naming the
administrator who made it (`by`; the command line acts as `cli`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from data import audit, sessions
from data.actor import ROLES, User
from data.cases import ensure_agency
from data.errors import Forbidden, InvalidInput, NotFound
from data.permissions import is_administrator
from data.store import Store

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# Lockout: this many failed sign-ins for one name within the window locks it for the window.
LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15
# zxcvbn's guessability score (0-4, dictionaries shipped with the package) a password needs.
MIN_PASSWORD_SCORE = 3
# Words that make a password easy to guess here, whoever the user is.
LOCAL_WORDS = ["rpm", "timeline", "safeguarding", "partnership", "reflective", "practice"]


_USER_COLUMNS = "u.user_id, u.username, u.role, a.name, u.active, u.session_generation"


def check_password_rules(password: str, username: str = "") -> None:
    """Long enough, not absurdly long, not the user name first, and not quick to guess by
    zxcvbn's estimate (common passwords, words, names, dates, keyboard patterns, repeats)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at most {MAX_PASSWORD_LENGTH} characters")
    if username and password.lower().startswith(username.lower()):
        raise InvalidInput("password must not start with the user name")
    from zxcvbn import zxcvbn  # loads its dictionaries: only when a password is set

    # The estimate's cost grows with length; a phrase this long is strong anyway.
    estimate = zxcvbn(
        password[:64], user_inputs=[username, *LOCAL_WORDS] if username else LOCAL_WORDS
    )
    if estimate["score"] < MIN_PASSWORD_SCORE:
        feedback = estimate["feedback"]
        why = (feedback["warning"] or "It follows a pattern that is quick to guess.").rstrip(".")
        advice = " ".join(feedback["suggestions"]) or "Add another word or two."
        raise InvalidInput(
            f"password is too easy to guess: {why}. {advice} A phrase of several uncommon words"
            " is best."
        )


def _check_role(role: str, agency: str | None) -> None:
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if role == "agency" and not (agency or "").strip():
        raise InvalidInput("an agency account needs the name of its agency")


def _require_admin(by: User | None) -> None:
    if by is not None and not is_administrator(by):
        raise Forbidden("only administrators may manage accounts")


def add_user(
    store: Store,
    username: str,
    role: str,
    password: str,
    *,
    agency: str | None = None,
    by: User | None = None,
    ip: str | None = None,
) -> User:
    """Create an account. Agency users must name their agency. `by` is the acting admin."""
    _require_admin(by)
    username = (username or "").strip()
    if not username or len(username) > 60:
        raise InvalidInput("user name must be 1-60 characters")
    if any(ch.isspace() or not ch.isprintable() for ch in username):
        raise InvalidInput("user name must not contain spaces or control characters")
    _check_role(role, agency)
    check_password_rules(password, username)
    password_hash = generate_password_hash(password)  # slow by design: outside the lock
    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise InvalidInput(f"user {username} already exists")
        agency_id = ensure_agency(cur, agency) if role == "agency" or agency else None
        cur.execute(
            "INSERT INTO users (username, password_hash, role, agency_id, password_changed_at)"
            " VALUES (?, ?, ?, ?, now()::TIMESTAMP)",
            [username, password_hash, role, agency_id],
        )
        detail = f"role {role}" + (f", agency {agency.strip()}" if agency else "")
        audit.record(cur, by or "cli", audit.USER_ADDED, subject=username, detail=detail, ip=ip)
    return get_user(store, username)


@dataclass(frozen=True)
class Account:
    """One row of the accounts page."""

    user_id: int
    username: str
    role: str
    agency: str | None
    active: bool
    created_at: object
    last_sign_in: object


def list_accounts(store: Store, by: User) -> list[Account]:
    """Every account with its last successful sign-in, by name. Admins only."""
    if not is_administrator(by):
        raise Forbidden("only administrators may manage accounts")
    rows = store.query(
        """
        SELECT u.user_id, u.username, u.role, a.name, u.active, u.created_at,
               (SELECT max(l.occurred_at) FROM audit_log l
                WHERE l.subject = u.username AND l.action = 'login') AS last_sign_in
        FROM users u LEFT JOIN agencies a ON a.agency_id = u.agency_id
        ORDER BY lower(u.username)
        """
    )
    return [Account(*row) for row in rows]


def _target(cur, username: str) -> tuple[int, str]:
    row = cur.execute(
        "SELECT user_id, role FROM users WHERE username = ?", [username or ""]
    ).fetchone()
    if row is None:
        raise NotFound(f"unknown user {username!r}")
    return row


def _active_admins_other_than(cur, user_id: int) -> int:
    return cur.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active AND user_id <> ?", [user_id]
    ).fetchone()[0]


def change_role(
    store: Store,
    username: str,
    role: str,
    *,
    agency: str | None = None,
    by: User | None = None,
    ip: str | None = None,
) -> User:
    """Set an account's role and agency. The last active admin cannot stop being admin."""
    _require_admin(by)
    _check_role(role, agency)
    with store.transaction() as cur:
        user_id, old_role = _target(cur, username)
        if old_role == "admin" and role != "admin" and not _active_admins_other_than(cur, user_id):
            raise InvalidInput(f"{username} is the last active administrator")
        agency_id = ensure_agency(cur, agency) if (agency or "").strip() else None
        # Changing what someone may see ends their sessions: they sign in again with the new role.
        cur.execute(
            "UPDATE users SET role = ?, agency_id = ?, session_generation = session_generation + 1"
            " WHERE user_id = ?",
            [role, agency_id, user_id],
        )
        detail = f"role {role}" + (f", agency {agency.strip()}" if agency_id else "")
        audit.record(cur, by or "cli", audit.USER_CHANGED, subject=username, detail=detail, ip=ip)
    return get_user(store, username)


def reset_password(
    store: Store, username: str, password: str, *, by: User | None = None, ip: str | None = None
) -> None:
    """Set a new password, sign the account out everywhere and lift any lockout."""
    _require_admin(by)
    check_password_rules(password, username)
    password_hash = generate_password_hash(password)
    with store.transaction() as cur:
        user_id, _ = _target(cur, username)
        cur.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = now()::TIMESTAMP,"
            " session_generation = session_generation + 1 WHERE user_id = ?",
            [password_hash, user_id],
        )
        audit.record(cur, by or "cli", audit.PASSWORD_RESET, subject=username, ip=ip)


def set_active(
    store: Store, username: str, active: bool, *, by: User | None = None, ip: str | None = None
) -> None:
    """Deactivate (signed out at once, cannot sign in) or reactivate an account."""
    _require_admin(by)
    with store.transaction() as cur:
        user_id, role = _target(cur, username)
        if not active and role == "admin" and not _active_admins_other_than(cur, user_id):
            raise InvalidInput(f"{username} is the last active administrator")
        if by is not None and by.user_id == user_id and not active:
            raise InvalidInput("you cannot deactivate your own account")
        cur.execute(
            "UPDATE users SET active = ?, session_generation = session_generation + 1"
            " WHERE user_id = ?",
            [active, user_id],
        )
        action = audit.USER_REACTIVATED if active else audit.USER_DEACTIVATED
        audit.record(cur, by or "cli", action, subject=username, ip=ip)


def sign_out_everywhere(store: Store, username: str, *, by: User, ip: str | None = None) -> None:
    """End every session of this account (the user themself, or an admin for them)."""
    if by.username != username:
        _require_admin(by)
    with store.transaction() as cur:
        user_id, _ = _target(cur, username)
        cur.execute(
            "UPDATE users SET session_generation = session_generation + 1 WHERE user_id = ?",
            [user_id],
        )
        audit.record(cur, by, audit.LOGOUT_EVERYWHERE, subject=username, ip=ip)


def is_locked_out(store: Store, username: str) -> bool:
    """True after LOCKOUT_FAILURES failed sign-ins within LOCKOUT_MINUTES (any name, known or not)."""
    return audit.recent_failures(store, username, LOCKOUT_MINUTES) >= LOCKOUT_FAILURES


def get_user(store: Store, username: str) -> User:
    row = store.query_one(
        f"""
        SELECT {_USER_COLUMNS}
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
        f"""
        SELECT {_USER_COLUMNS}
        FROM users u LEFT JOIN agencies a ON a.agency_id = u.agency_id
        WHERE u.user_id = ?
        """,
        [user_id],
    )
    return User(*row) if row else None


def session_account(store: Store, user_id: int, token: str | None) -> tuple[User | None, bool]:
    """The account, and whether `token` names a live session of it (one of its sessions in
    `data.sessions` that has not ended): one query, as every request of the server asks both.
    The session's test names the user by the parameter, not by `u.user_id`: correlated, DuckDB
    plans the subquery as a join, and the query took half as long again."""
    row = store.query_one(
        f"""
        SELECT {_USER_COLUMNS}, EXISTS (
            SELECT 1 FROM user_sessions s
            WHERE s.token_hash = ? AND s.user_id = ? AND s.ended_at IS NULL)
        FROM users u LEFT JOIN agencies a ON a.agency_id = u.agency_id
        WHERE u.user_id = ?
        """,
        [sessions.token_hash(token) if token else None, user_id, user_id],
    )
    if row is None:
        return None, False
    return User(*row[:-1]), bool(row[-1])


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
