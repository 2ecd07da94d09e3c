"""Sign-in, sign-out and the guard that keeps every other route behind a signed-in session.

The sign-in page is plain server-rendered HTML (no Dash callbacks), so that Dash's own routes,
callbacks included, can all require a session. The guard runs before every request, which is
what makes a hand-made callback request without a session fail, not just the page layout.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

import flask

from app.context import current_user, get_store
from data.users import authenticate

PUBLIC_PREFIXES = ("/assets/",)
PUBLIC_PATHS = {"/login", "/_favicon.ico", "/favicon.ico"}

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


def _render_login(error: str | None = None, username: str = "", status: int = 200):
    html = flask.render_template_string(
        LOGIN_PAGE,
        error=error,
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
    username = flask.request.form.get("username", "").strip()
    user = authenticate(get_store(), username, flask.request.form.get("password", ""))
    if user is None:
        return _render_login("The user name or password is not right.", username, status=401)
    next_url = _safe_next(flask.request.form.get("next"))
    flask.session.clear()
    flask.session["user_id"] = user.user_id
    flask.session.permanent = True
    return flask.redirect(next_url)


def logout():
    if not _check_csrf():
        return flask.redirect("/")
    flask.session.clear()
    return flask.redirect("/login")


def require_login():
    """Before every request: let public paths through, refuse everything else without a user."""
    path = flask.request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if current_user() is not None:
        return None
    if flask.request.method == "GET" and not path.startswith("/_dash"):
        return flask.redirect(flask.url_for("login", next=flask.request.full_path.rstrip("?")))
    return flask.jsonify(error="sign in required"), 401


def install(server: flask.Flask) -> None:
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["POST"])
    server.before_request(require_login)
    server.jinja_env.globals["csrf_token"] = csrf_token
