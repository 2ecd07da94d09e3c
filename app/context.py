"""What a page or callback needs from the running server: the store and the signed-in user."""

from __future__ import annotations

import flask

from data.store import Store
from data.users import User, get_user_by_id


class NotSignedIn(Exception):
    """Raised when a callback runs without a signed-in user (the guard should stop it first)."""


def get_store() -> Store:
    return flask.current_app.config["RPM_STORE"]


def current_user() -> User | None:
    """The signed-in, active user of this request, or None."""
    user_id = flask.session.get("user_id")
    if user_id is None:
        return None
    user = get_user_by_id(get_store(), user_id)
    return user if user and user.active else None


def require_user() -> User:
    user = current_user()
    if user is None:
        raise NotSignedIn("sign in required")
    return user
