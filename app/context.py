"""What a page or callback needs from the running server: the store and the signed-in user.

A session is valid while the account is active, the session's generation number equals the
account's (raised by "sign out everywhere", a password reset, a role change or deactivation),
the server has not ended it (signed out or timed out, `data.sessions`), and the user has not
been idle for longer than the timeout (checked in `app.auth`).
"""

from __future__ import annotations

import flask

from data import audit as audit_log
from data import request_memo
from data.access import require_case
from data.actor import User
from data.cases import Case
from data.errors import Forbidden, NotFound
from data.permissions import is_administrator
from data.store import Store
from data.users import session_account


def _memo_of_request() -> dict | None:
    """Where `data.request_memo` keeps what this request read (flask.g lives exactly as long
    as the request)."""
    if not flask.has_request_context():
        return None
    if "rpm_memo" not in flask.g:
        flask.g.rpm_memo = {}
    return flask.g.rpm_memo


request_memo.use(_memo_of_request)


class NotSignedIn(Exception):
    """Raised when a callback runs without a signed-in user (the guard should stop it first)."""


def get_store() -> Store:
    return flask.current_app.config["RPM_STORE"]


def get_crc_store():
    """What the CRC explorer reads: the pooled bundles when the server was started on them
    (`rpm-timeline crc serve-pooled`), else this partnership's database."""
    return flask.current_app.config.get("RPM_POOLED") or get_store()


def _session_user() -> User | None:
    user_id = flask.session.get("user_id")
    if user_id is None:
        return None
    user, live = session_account(get_store(), user_id, flask.session.get("sid"))
    if user is None or not user.active:
        return None
    if flask.session.get("gen") != user.session_generation:
        return None
    if not live:
        return None
    return user


def current_user() -> User | None:
    """The signed-in, active user of this request, or None (looked up once per request)."""
    if not flask.has_request_context():
        return None
    if "rpm_user" not in flask.g:
        flask.g.rpm_user = _session_user()
    return flask.g.rpm_user


def require_user() -> User:
    user = current_user()
    if user is None:
        raise NotSignedIn("sign in required")
    return user


def require_admin() -> User:
    """The signed-in user if they are an administrator; Forbidden (403) otherwise."""
    user = require_user()
    if not is_administrator(user):
        raise Forbidden("this page is for administrators")
    return user


def client_ip() -> str | None:
    """The address the request came from (the proxy's, when behind one)."""
    return flask.request.remote_addr if flask.has_request_context() else None


def audit(action: str, *, case_ref: str | None = None, subject: str | None = None, detail=None):
    """Record an audit row for the signed-in user of this request, in its own transaction."""
    audit_log.record(
        get_store(),
        require_user(),
        action,
        case_ref=case_ref,
        subject=subject,
        detail=detail,
        ip=client_ip(),
    )


def open_case_page(case_ref: str | None, page: str) -> Case | None:
    """The case a case page shows, audited as viewed; None, audited as refused, when it does
    not exist or the signed-in user may not open it (pages show both as not found)."""
    try:
        case = require_case(get_store(), require_user(), case_ref or "")
    except (NotFound, Forbidden):
        audit(
            audit_log.ACCESS_REFUSED,
            case_ref=(case_ref or "")[:40],
            detail=f"{page}: not found or not allowed",
        )
        return None
    audit(audit_log.VIEW_CASE, case_ref=case.case_ref, detail=page)
    return case
