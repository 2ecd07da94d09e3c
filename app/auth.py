"""Sign-in, sign-out and the guard that keeps every other route behind a signed-in session.

The sign-in page is plain server-rendered HTML (no Dash callbacks), so that Dash's own routes,
callbacks included, can all require a session. The guard runs before every request, which is
what makes a hand-made callback request without a session fail, not just the page layout.

Idle time: only what a person does keeps a session alive (`is_user_activity`): opening a page
or a download, or a callback that the page reports as started by a click, a key or an edit
(`assets/session.js` adds the ACTIVITY_HEADER then) and that an Interval did not trigger, or
the page's own `POST /_rpm/activity` with that header, which it sends when a person used it
without any callback reaching the server (browser-side selection, keys, scrolling). So a page
left open, however often it polls, times out; a hand-made request without the header never
extends a session. `/_rpm/session` tells the open page how long it has left, without
extending it, so that the page can cover the case when the session ends.
"""

from __future__ import annotations

import os
import secrets
import time
from urllib.parse import urlparse

import flask

from app.context import client_ip, current_user, get_store
from data import audit
from data.sessions import end_session, start_session
from data.users import (
    LOCKOUT_MINUTES,
    authenticate,
    get_user_by_id,
    is_locked_out,
    sign_out_everywhere,
)

PUBLIC_PREFIXES = ("/assets/",)
# /_rpm/backup authenticates itself with the server's backup token (see data/backup.py).
# /_rpm/session answers signed-out pages too (it never extends a session).
PUBLIC_PATHS = {"/login", "/_favicon.ico", "/favicon.ico", "/_rpm/backup", "/_rpm/session"}
DEFAULT_IDLE_MINUTES = 30
# However active, a session ends this long after sign-in.
MAX_SESSION_SECONDS = 8 * 3600
# The "last seen" time in the session cookie is refreshed at most this often (a tenth of the
# idle limit when that is shorter, so a short test limit stays accurate).
SEEN_REFRESH_SECONDS = 30
ACTIVITY_HEADER = "X-RPM-Activity"
# Inputs that change without anyone touching the page.
AUTOMATIC_PROPS = ("n_intervals",)

LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - RPM Timeline</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="rpm-header"><div class="container"><span class="rpm-service">RPM Timeline</span></div></header>
<main class="container rpm-login" id="main">
  <h1>Sign in</h1>
  <p class="lead">Reflective Practice Meetings: learning, not blame.</p>
  {% if notice %}<div class="alert alert-info" role="status" id="login-notice">{{ notice }}</div>{% endif %}
  {% if error %}<div class="alert alert-danger" role="alert" id="login-error">{{ error }}</div>{% endif %}
  <form method="post" action="/login" novalidate>
    <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
    <input type="hidden" name="next" value="{{ next_url }}">
    <div class="mb-3">
      <label class="form-label" for="username">User name</label>
      <input class="form-control form-control-lg" id="username" name="username" autocomplete="username" value="{{ username }}" required>
    </div>
    <div class="mb-3">
      <label class="form-label" for="password">Password</label>
      <input class="form-control form-control-lg" id="password" name="password" type="password" autocomplete="current-password" required>
    </div>
    <button class="btn btn-primary btn-lg" type="submit">Sign in</button>
  </form>
  <p class="mt-4 text-body-secondary">This service holds confidential information about children. Use it only for the purpose of the Reflective Practice Meeting you are part of.</p>
</main>
</body>
</html>
"""


def csrf_token() -> str:
    """The session's token for plain HTML forms (Dash callbacks are JSON and SameSite-protected)."""
    if "csrf_token" not in flask.session:
        flask.session["csrf_token"] = secrets.token_urlsafe(32)
    return flask.session["csrf_token"]


def _check_csrf() -> bool:
    sent = flask.request.form.get("csrf_token", "")
    return bool(sent) and secrets.compare_digest(sent, flask.session.get("csrf_token", ""))


def _safe_next(url: str | None) -> str:
    """Only same-site paths: never redirect a user to another host after sign-in."""
    if not url:
        return "/"
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc or not url.startswith("/") or url.startswith("//"):
        return "/"
    return url


NOTICES = {
    "timeout": "You were signed out after a period without activity. Please sign in again.",
    "everywhere": "You have been signed out on every device.",
}


def _render_login(error: str | None = None, username: str = "", status: int = 200):
    html = flask.render_template_string(
        LOGIN_PAGE,
        error=error,
        notice=NOTICES.get(flask.request.args.get("notice", "")),
        username=username,
        csrf_token=csrf_token(),
        next_url=_safe_next(flask.request.values.get("next")),
    )
    return flask.Response(html, status=status, mimetype="text/html")


def login():
    if flask.request.method == "GET":
        return _render_login()
    if not _check_csrf():
        return _render_login("Your sign-in form expired. Please try again.", status=400)
    store = get_store()
    username = flask.request.form.get("username", "").strip()[:100]
    if is_locked_out(store, username):
        audit.record(store, username, audit.LOGIN_LOCKED, subject=username, ip=client_ip())
        return _render_login(
            f"Too many failed sign-ins for this user name. Try again in {LOCKOUT_MINUTES} "
            "minutes, or ask an administrator to reset your password.",
            username,
            status=429,
        )
    user = authenticate(store, username, flask.request.form.get("password", ""))
    if user is None:
        audit.record(store, username, audit.LOGIN_FAILED, subject=username, ip=client_ip())
        return _render_login("The user name or password is not right.", username, status=401)
    audit.record(store, user, audit.LOGIN, subject=user.username, ip=client_ip())
    next_url = _safe_next(flask.request.form.get("next"))
    flask.session.clear()
    flask.session["user_id"] = user.user_id
    flask.session["sid"] = start_session(store, user.user_id)
    flask.session["gen"] = user.session_generation
    flask.session["seen"] = flask.session["since"] = int(time.time())
    flask.session.permanent = True
    # The session's form token, made here: two first answers built at once (a page and its
    # preloaded layout, app/server.py) would otherwise each make one, and one be lost.
    csrf_token()
    return flask.redirect(next_url)


def logout():
    if not _check_csrf():
        return flask.redirect("/")
    user = current_user()
    if user is not None:
        audit.record(get_store(), user, audit.LOGOUT, subject=user.username, ip=client_ip())
    end_session(get_store(), flask.session.get("sid"), "signed_out")
    flask.session.clear()
    return flask.redirect("/login")


def logout_everywhere():
    """End every session of the signed-in user, in every browser, this one included."""
    if not _check_csrf():
        return flask.redirect("/")
    user = current_user()
    if user is not None:
        sign_out_everywhere(get_store(), user.username, by=user, ip=client_ip())
    flask.session.clear()
    return flask.redirect("/login?notice=everywhere")


def is_user_activity(request: flask.Request) -> bool:
    """Whether this request is something a person did (see the module's docstring)."""
    path = request.path
    if path == "/_rpm/activity":
        return request.method == "POST" and bool(request.headers.get(ACTIVITY_HEADER))
    if request.method == "GET":
        return not path.startswith(("/_dash", "/_rpm", *PUBLIC_PREFIXES))
    if path != "/_dash-update-component" or not request.headers.get(ACTIVITY_HEADER):
        return False
    body = request.get_json(silent=True)
    changed = body.get("changedPropIds") if isinstance(body, dict) else None
    return any(
        isinstance(prop, str) and not prop.endswith(AUTOMATIC_PROPS) for prop in changed or []
    )


def idle_seconds() -> float:
    return flask.current_app.config["RPM_IDLE_SECONDS"]


def seconds_left() -> float:
    """How long the signed-in session has before it times out (idle or at most), now."""
    now = time.time()
    return min(
        flask.session.get("seen", 0) + idle_seconds() - now,
        flask.session.get("since", 0) + MAX_SESSION_SECONDS - now,
    )


def _idle_expired() -> bool:
    """True (and the session ended) when the user has been idle too long or signed in too long;
    otherwise a person's activity moves the idle clock on."""
    if "user_id" not in flask.session:
        return False
    if seconds_left() < 0:
        store = get_store()
        user = get_user_by_id(store, flask.session["user_id"])
        if user is not None:
            audit.record(store, user, audit.SESSION_EXPIRED, subject=user.username, ip=client_ip())
        end_session(store, flask.session.get("sid"), "timed_out")
        flask.session.clear()
        return True
    now = time.time()
    refresh = min(SEEN_REFRESH_SECONDS, idle_seconds() / 10)
    if now - flask.session.get("seen", 0) >= refresh and is_user_activity(flask.request):
        flask.session["seen"] = int(now)
    return False


def idle_text() -> str:
    """The idle limit in words: "30 minutes", or seconds when it is not whole minutes."""
    seconds = round(idle_seconds())
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def session_state():
    """`GET /_rpm/session`, for the open page: is it still signed in, and for how long."""
    if _idle_expired():
        return flask.jsonify(
            signed_in=False,
            message=f"You were signed out after {idle_text()} without activity.",
        )
    if current_user() is None:
        return flask.jsonify(signed_in=False, message="You are signed out.")
    return flask.jsonify(signed_in=True, seconds_left=max(0, round(seconds_left(), 1)))


def report_activity():
    """`POST /_rpm/activity`, from the open page when a person used it: the guard has already
    moved the idle clock on (`is_user_activity`); answers like `/_rpm/session`."""
    return session_state()


def require_login():
    """Before every request: let public paths through, refuse everything else without a user."""
    path = flask.request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if _idle_expired():
        if flask.request.method == "GET" and not path.startswith("/_dash"):
            return flask.redirect("/login?notice=timeout")
        return flask.jsonify(error="session timed out: sign in again"), 401
    if current_user() is not None:
        return None
    if flask.request.method == "GET" and not path.startswith("/_dash"):
        return flask.redirect(flask.url_for("login", next=flask.request.full_path.rstrip("?")))
    return flask.jsonify(error="sign in required"), 401


def install(server: flask.Flask) -> None:
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["POST"])
    server.add_url_rule(
        "/logout-everywhere", "logout_everywhere", logout_everywhere, methods=["POST"]
    )
    server.add_url_rule("/_rpm/session", "session_state", session_state, methods=["GET"])
    server.add_url_rule("/_rpm/activity", "report_activity", report_activity, methods=["POST"])
    server.config.setdefault(
        "RPM_IDLE_SECONDS",
        round(float(os.environ.get("RPM_IDLE_MINUTES") or DEFAULT_IDLE_MINUTES) * 60),
    )
    server.before_request(require_login)
    server.jinja_env.globals["csrf_token"] = csrf_token
