"""The app's plotly.js: a bundle of the three kinds of trace the app draws (scatter, bar and
scattergl), built from plotly.js's own sources (assets/vendor/README.md says how).

plotly.py's full plotly.js is 4.8 MB; a page evaluates all of it before its first chart, 130-150
ms of a case page's opening (traces of one open, script cached), and this bundle of 1.5 MB takes
about 15 ms. It is served wherever Dash or the page asks for plotly.js (Dash's component-suite
path, by its plain name or a fingerprinted one), so every chart in the app runs the same one.
tests/unit/test_plotly_bundle.py holds it to plotly.py's version of plotly.js, which builds the
figures it draws.
"""

from __future__ import annotations

from pathlib import Path

import flask
from dash.fingerprint import build_fingerprint, check_fingerprint

from app.security import KEPT_A_YEAR

BUNDLE = Path(__file__).resolve().parent.parent / "assets" / "vendor" / "plotly-rpm.min.js"
PLOTLY_PATH = "package_data/plotly.min.js"  # plotly.js's path in plotly.py's package
SERVED_AT = "/_dash-component-suites/plotly/"
TRACE_TYPES = ("scatter", "bar", "scattergl")  # what the bundle can draw


def bundle_version(bundle: Path = BUNDLE) -> str:
    """The plotly.js version the bundle was built from (its header names it)."""
    with bundle.open(encoding="utf-8") as lines:
        for line in lines:
            if "plotly.js v" in line:
                return line.split("plotly.js v", 1)[1].strip()
    raise ValueError(f"{bundle.name} names no plotly.js version")


def fingerprinted_path(bundle: Path = BUNDLE) -> str:
    """The bundle's name under Dash's component suites, changed whenever the file is: browsers
    keep it for a year."""
    modified = int(bundle.stat().st_mtime)
    return "plotly/" + build_fingerprint(PLOTLY_PATH, bundle_version(bundle), modified)


def install(server: flask.Flask) -> None:
    """Answer every request for plotly.py's plotly.js with the bundle."""

    @server.before_request
    def serve_bundle():
        path = flask.request.path
        asked = path[len(SERVED_AT) :] if path.startswith(SERVED_AT) else None
        if asked is None or check_fingerprint(asked)[0] != PLOTLY_PATH:
            return None
        response = flask.send_file(BUNDLE, mimetype="application/javascript", conditional=True)
        if "plotly/" + asked == fingerprinted_path():  # the name it goes by now: kept a year
            response.headers["Cache-Control"] = KEPT_A_YEAR
        return response  # by any other name (Dash's graph asks by the plain one): checked each time
