"""The page a browser opens comes with the app's first layout, not a round trip after it.

With Dash pages the browser gets the frame first (`/_dash-layout`), then asks for the page
with a callback (`_pages_content`): a second request and a second render before the chart can
be drawn. The layout request is made by the page the browser opened, which names itself in the
request's Referer (same origin, whole URL: `Referrer-Policy: same-origin`, app/security.py).
That page is built into the first layout, the way Dash's router would build it, and the
location component is given the page's own path and query: Dash's router runs when the
location component reports a change, and a location already matching the window reports none.
A Referer that cannot name the page (none, another origin, a path outside the app, or the
app's root, which is also what a browser set to trim its Referers to the origin sends from any
page) gets Dash's own container and its routing callback, as before; so does a page that fails
to build here (the callback then meets the same failure and reports it as every callback's).
A case opened in the anonymised view (`view=` in its address) is left to the router too: the
names are replaced in callback answers only (app/anonymised_view.py), never in this layout.

This leans on three private pieces of Dash (the registry's path matching, the query parser and
the container's ids), the ones its router uses; tests/callbacks/test_first_page.py holds them
to what the router does.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import dash
import flask
from dash import _pages, dcc, html
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE

log = logging.getLogger(__name__)
NOT_FOUND_MODULE = "not_found_404"  # the 404 page's module name, as Dash's router looks it up
ANONYMISED_VIEW = "view"  # the address's parameter of the anonymised view (assets/anonymised.js)


def page_container():
    """The pages' container, holding the page the layout request came from when it is known."""
    try:
        first = first_page(flask.request)
    except Exception:  # see the module's docstring: the router reports it
        log.debug("the first page is left to the router", exc_info=True)
        first = None
    if first is None:
        return dash.page_container
    pathname, search, content, title = first
    return html.Div(
        [
            dcc.Location(id=_ID_LOCATION, refresh="callback-nav", pathname=pathname, search=search),
            html.Div(content, id=_ID_CONTENT, disable_n_clicks=True),
            dcc.Store(id=_ID_STORE, data={"title": title}),
            html.Div(id=_ID_DUMMY, disable_n_clicks=True),
        ]
    )


def first_page(request) -> tuple[str, str, object, str] | None:
    """(path, query as `window.location.search` gives it, the page's layout, its title) of the
    page that made this layout `request`, or None when its Referer does not name one."""
    opened = opened_page(request)
    if opened is None:
        return None
    pathname, search = opened
    app = dash.get_app()
    page, variables = _pages._path_to_page(app.strip_relative_path(pathname))
    if not page:
        page = next(
            (p for m, p in _pages.PAGE_REGISTRY.items() if m.split(".")[-1] == NOT_FOUND_MODULE),
            None,
        )
        if page is None:
            return None
    layout, title = page.get("layout", ""), page["title"]
    if callable(layout):
        layout = layout(**{**(variables or {}), **_pages._parse_query_string(search)})
    if callable(title):
        title = title(**(variables or {}))
    return pathname, search, layout, title


def opened_page(request) -> tuple[str, str] | None:
    """(path, search) of the page named by the Referer of a layout request from this origin
    and this app (not its root, nor the anonymised view: see the module's docstring), or
    None."""
    if not request.path.endswith("_dash-layout"):
        return None
    referer = urlsplit(request.headers.get("Referer", ""))
    here = urlsplit(request.host_url)
    if (referer.scheme, referer.netloc) != (here.scheme, here.netloc):
        return None
    prefix = dash.get_app().config.requests_pathname_prefix
    inside = referer.path.startswith(prefix) and referer.path.rstrip("/") != prefix.rstrip("/")
    if (
        not inside
        or referer.path.endswith("_dash-layout")
        or ANONYMISED_VIEW in parse_qs(referer.query, keep_blank_values=True)
    ):
        return None
    return referer.path, f"?{referer.query}" if referer.query else ""
