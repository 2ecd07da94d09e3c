"""Security headers on every response.

Content-Security-Policy: scripts only from this server, plus the exact inline scripts Dash
writes into its index page (the renderer start-up line and any clientside callbacks), allowed
by their SHA-256 hashes (`Dash.csp_hashes()`), so an injected inline script or event handler
does not run. Dash's configuration block is `type="application/json"` and is not executed.

Two allowances Dash and Plotly need, and why:
- `'unsafe-eval'` in script-src: Plotly's WebGL traces (scattergl, used for large timelines)
  compile their shaders and accessors with `new Function`. Without it the timeline does not draw.
- `'unsafe-inline'` in style-src: Dash components and Plotly set element `style` attributes and
  insert `<style>` elements. Style injection cannot run script.

State-changing requests (every POST: Dash callbacks, the sign-in and sign-out forms, the backup
API) must come from a page of this server: their `Origin` header, or without one their
`Referer`, must name this host, or they are refused with 403 before anything else runs. This
backs up the SameSite cookies and the forms' CSRF tokens. `Referrer-Policy: same-origin` lets
the browser send both to this server only (with `no-referrer` a browser sends `Origin: null`).

Everything else is `'self'` only; no frames may embed the app (`frame-ancestors 'none'`, also
`X-Frame-Options: DENY`); forms post only here. Pages and callbacks carry `Cache-Control:
no-store` so that case information is not kept in browser or proxy caches; static assets and
Dash's component bundles are cacheable (for a year when named by their version). With
`RPM_SECURE_COOKIES=1` (served over HTTPS) the responses also carry Strict-Transport-Security.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import dash
import flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
KEPT_A_YEAR = "private, max-age=31536000, immutable"  # by this browser only


class _StaticFilesVaryNotByCookie(SecureCookieSessionInterface):
    """A script or style is the same for everyone signed in, but Flask marks every response
    whose request read the session (the sign-in check does) `Vary: Cookie`: the browser then
    dropped its copy, and the compiled code it keeps with it, whenever the session cookie
    changed (every click moves the idle clock), and fetched and compiled plotly.js's 4.8 MB
    again on the next case page. Such a file's answer is `private` instead: kept by this
    browser only, as a signed-in user asked for it."""

    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        headers = response.headers
        if (
            not flask.request.path.startswith(STATIC_PREFIXES)
            or response.status_code != 200
            or "Set-Cookie" in headers
        ):
            return
        response.vary.discard("Cookie")
        if not response.vary:
            headers.pop("Vary", None)
        if "private" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = ", ".join(
                v for v in ("private", headers.get("Cache-Control")) if v
            )


def is_named_by_version(request: flask.Request, assets_folder: str) -> bool:
    """An asset asked for by the name Dash's pages give it now: its file's modified time in the
    query (`?m=`, as Dash writes it), which changes with the file, so that what this name
    answers never does and the browser may keep it without asking again (Flask's own answer has
    it check on every page). A name with another time (an older page's) is not kept."""
    stamp = request.args.get("m")
    if not stamp or not request.path.startswith("/assets/"):
        return False
    served = safe_join(assets_folder, request.path[len("/assets/") :])
    try:
        return served is not None and stamp == str(os.path.getmtime(served))
    except OSError:
        return False


def content_security_policy(script_hashes: list[str]) -> str:
    script_src = " ".join(["'self'", "'unsafe-eval'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def from_this_server(request: flask.Request) -> bool:
    """Whether the page that sent this request is one of ours (`Origin`, else `Referer`)."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and urlparse(source).netloc == request.host


def refuse_other_origins():
    if flask.request.method not in SAFE_METHODS and not from_this_server(flask.request):
        return flask.jsonify(error="refused: this request did not come from this server"), 403
    return None


def install(app: dash.Dash, *, https: bool) -> None:
    """Add the headers to every response of this app's server."""
    server = app.server
    server.session_interface = _StaticFilesVaryNotByCookie()
    cache: dict[tuple, str] = {}

    def policy() -> str:
        # Dash adds inline scripts after start-up (the pages router registers its page-title
        # callback on the first request that reaches Dash, which a sign-in redirect may not
        # be), so the policy follows the scripts Dash has now, rebuilt only when they change.
        hashes = tuple(app.csp_hashes())
        if hashes not in cache:
            cache.clear()
            cache[hashes] = content_security_policy(list(hashes))
        return cache[hashes]

    # First of all the checks: a request from another site touches no session.
    server.before_request_funcs.setdefault(None, []).insert(0, refuse_other_origins)

    @server.after_request
    def add_security_headers(response: flask.Response) -> flask.Response:
        headers = response.headers
        headers["Content-Security-Policy"] = policy()
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if https:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        if not flask.request.path.startswith(STATIC_PREFIXES):
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        elif response.status_code in (200, 304) and is_named_by_version(
            flask.request, app.config.assets_folder
        ):
            headers["Cache-Control"] = KEPT_A_YEAR
        return response
