"""Sign-in sessions held on the server, so that ending one is not up to the browser.

The session cookie (signed, HttpOnly) carries a random id; this table keeps its SHA-256 and
whether the session has ended. A session is live from sign-in until it is signed out or times
out; "sign out everywhere" ends all of an account's sessions through the account's session
generation (see `data.users`).
"""

from __future__ import annotations

import hashlib
import secrets

from data.store import Store


def token_hash(token: str) -> str:
    """What the table keeps of a session id."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user_id: int) -> str:
    """A new live session for this account; returns the id for the cookie."""
    token = secrets.token_urlsafe(32)
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO user_sessions (token_hash, user_id) VALUES (?, ?)",
            [token_hash(token), user_id],
        )
    return token


def end_session(store: Store, token: str | None, why: str) -> None:
    """End the session for good (`why`: 'signed_out' or 'timed_out'); a no-op if already ended."""
    if not token:
        return
    with store.transaction() as cur:
        cur.execute(
            "UPDATE user_sessions SET ended_at = now()::TIMESTAMP, ended_why = ?"
            " WHERE token_hash = ? AND ended_at IS NULL",
            [why, token_hash(token)],
        )
