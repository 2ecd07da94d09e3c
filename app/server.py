"""The app factory: a Flask server with the sign-in guard, and the Dash pages on top of it."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import dash
import flask
from dash import dcc
from dash.fingerprint import build_fingerprint

from app import anonymised_view, auth, backup_api, downloads, plotly_bundle, security
from app.config import Config, secret_key
from app.context import NotSignedIn
from app.shell import shell_layout
from data.errors import Forbidden, NotFound
from data.ingest.model import MAX_UPLOAD_BYTES
from data.store import Store

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
PAGES = Path(__file__).resolve().parent / "pages"

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
{preload}<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
<a class="rpm-skip" href="#main">Skip to main content</a>
{%app_entry%}
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>
"""

# What Dash's renderer asks for first, once every script has run: asked for by the page itself
# while its scripts load (the renderer's requests take these answers), so that the server builds
# the page's layout meanwhile instead of after.
FIRST_REQUESTS = ("_dash-layout", "_dash-dependencies")


def index_page(prefix: str) -> str:
    """Dash's index template, asking at once for the first answers the app's renderer needs."""
    preload = "".join(
        f'<link rel="preload" href="{html.escape(prefix + path)}" as="fetch" crossorigin>\n'
        for path in FIRST_REQUESTS
    )
    return INDEX.replace("{preload}", preload)


# Dash's first script, @babel/polyfill (core-js 2), is for browsers older than any the app
# supports. In today's it replaces parseFloat, parseInt and String's trim with slower scripts of
# its own (it tests them with U+180E, which Unicode 6.3 stopped calling a space), and Plotly
# calls them thousands of times a redraw. Dash's lazy components need only its
# regenerator runtime, which assets/regenerator-runtime.js gives (an asset: it has run before
# any of them loads).
POLYFILL_SCRIPT = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>\n?')


class _Dash(dash.Dash):
    def interpolate_index(self, **kwargs):
        kwargs["scripts"] = POLYFILL_SCRIPT.sub("", kwargs["scripts"])
        return super().interpolate_index(**kwargs)


def create_app(
    store: Store, config: Config, *, backup_token: str | None = None, pooled=None
) -> dash.Dash:
    """The app on `store`; with `pooled` (a `data.pooled.PooledStore`) the CRC explorer reads
    many partnerships' bundles instead of this database's views."""
    server = flask.Flask("rpm_timeline")
    server.config.update(
        RPM_STORE=store,
        RPM_CONFIG=config,
        RPM_POOLED=pooled,
        SECRET_KEY=secret_key(config.db_path),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SESSION_COOKIE_NAME="rpm_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # Send the cookie only when the session changed: otherwise a slow poll that read the
        # cookie before a click would send back the old idle clock after the click's new one.
        SESSION_REFRESH_EACH_REQUEST=False,
        # Uploads arrive base64-encoded in a callback: the extract limit plus a third, plus room
        # for the rest of the request. Larger requests are answered 413.
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES * 4 // 3 + 2**20,
    )
    auth.install(server)
    plotly_bundle.install(server)  # after the sign-in guard, as Dash's own scripts are
    downloads.install(server)  # case documents
    anonymised_view.install(server)
    _install_error_handlers(server)
    app = _Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PAGES),
        assets_folder=str(ASSETS),
        # not put on every page: served when asked for (app/plotly_bundle.py), public as any asset
        assets_path_ignore=["^vendor$"],
        serve_locally=True,
        title="RPM Timeline",
        update_title=None,
        external_stylesheets=[],
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "rpm-chart-scripts", "content": chart_scripts()}],
    )
    app.index_string = index_page(app.config.requests_pathname_prefix)
    app.layout = shell_layout
    security.install(app, https=config.secure_cookies)
    if backup_token:
        backup_api.install(server, backup_token)
    return app


def chart_scripts() -> str:
    """The chart's two scripts (the app's plotly.js, app/plotly_bundle.py, and the graph
    component's own chunk) by the names Dash serves with a year's caching, so that a case page
    can start them at once (assets/timeline.js) and a returning browser takes them, compiled,
    from its cache. The graph component itself asks for them by plain names, which the browser
    must check with the server on every page."""
    chunk = "dcc/async-graph.js"
    modified = int((Path(dcc.__file__).parent / "async-graph.js").stat().st_mtime)
    return " ".join(
        [
            plotly_bundle.fingerprinted_path(),
            f"dash/{build_fingerprint(chunk, dcc.__version__, modified)}",
        ]
    )


def _install_error_handlers(server: flask.Flask) -> None:
    """A callback that reaches for a case the user may not open gets a refusal, not a 500."""

    def refuse(status: int):
        def handler(exc):
            return flask.jsonify(error=str(exc)), status

        return handler

    def forbidden(exc):
        from app.context import audit, current_user
        from data import audit as audit_log

        if current_user() is not None:
            audit(audit_log.ACCESS_REFUSED, detail=f"{flask.request.path}: {exc}")
        return flask.jsonify(error=str(exc)), 403

    server.register_error_handler(NotSignedIn, refuse(401))
    server.register_error_handler(Forbidden, forbidden)
    server.register_error_handler(NotFound, refuse(404))
