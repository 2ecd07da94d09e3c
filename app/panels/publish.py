"""The CRC explorer's "Publish a bundle" panel, for administrators (data.publish).

The bundle is written into `RPM_PUBLISH_DIR` (default: `bundles` beside the database) and
offered as a zip to download, to send to the regional or national explorer.
"""

from __future__ import annotations

import base64

import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, dcc, html, no_update

from app.context import client_ip, get_store, require_admin
from data.bundle import CODE_RULE
from data.committee_patterns import count_missing_patterns
from data.errors import InvalidInput
from data.publish import PatternsNotWritten, bundle_zip, check_code, publish


def publish_dir():
    config = flask.current_app.config["RPM_CONFIG"]
    return config.publish_dir or config.db_path.parent / "bundles"


def patterns_waiting_note(waiting: int, id_: str, doing: str):
    """What the explorer says while the server writes the patterns of records signed before
    the lenses reached the committee (once, after an upgrade), or None when none wait."""
    if not waiting:
        return None
    return dbc.Alert(
        f"The committee's patterns of {waiting} signed-off record(s) are not written yet: the"
        " server writes them once after an upgrade, while it answers (reload this page to see"
        f" how many are left). {doing}",
        color="warning",
        id=id_,
    )


def publish_panel():
    waiting = count_missing_patterns(get_store())
    return html.Section(
        [
            html.H2("Publish a bundle for regional and national learning", className="h4"),
            patterns_waiting_note(
                waiting, "crc-publish-waiting", "A bundle can be published once they are done."
            ),
            html.P(
                "Writes this partnership's committee-level data as Parquet files: only learning "
                "shared in signed-off records, no names, case references or free text, and keys "
                "made afresh for this bundle. Counts are not suppressed in the files; explorers "
                "suppress what they show."
            ),
            dbc.Checkbox(
                id="crc-publish-linkable",
                label="Keep case keys the same as in our earlier linkable bundles",
                value=False,
                className="mb-2",
            ),
            html.Button("Publish a bundle", id="crc-publish", className="btn btn-primary"),
            html.P(id="crc-publish-result", className="mt-2", **{"aria-live": "polite"}),
            dcc.Download(id="crc-publish-download"),
        ],
        className="mt-5 pt-3 border-top rpm-crc-publish",
    )


@callback(
    Output("crc-publish-result", "children"),
    Output("crc-publish-download", "data"),
    Input("crc-publish", "n_clicks"),
    State("crc-publish-linkable", "value"),
    prevent_initial_call=True,
)
def publish_bundle(clicks, linkable):
    user = require_admin()
    if not clicks:
        return no_update, no_update
    code = flask.current_app.config["RPM_CONFIG"].partnership_code
    try:
        check_code(code)
    except InvalidInput:
        message = (
            "Not published: this server has no valid partnership code (whoever runs it sets"
            f" RPM_PARTNERSHIP_CODE: {CODE_RULE})."
        )
        return message, no_update
    try:
        publication = publish(
            get_store(), user, publish_dir(), code, linkable=bool(linkable), ip=client_ip()
        )
    except PatternsNotWritten as exc:
        return f"Not published: {exc}.", no_update
    except (InvalidInput, OSError):
        return "Not published: the bundle could not be written on the server.", no_update
    rows = publication.manifest["files"]
    name = publication.path.name
    content = base64.b64encode(bundle_zip(publication.path)).decode("ascii")
    message = (
        f"Published {name}: {rows['crc_cases.parquet']['rows']:,} cases, "
        f"{rows['crc_learning_points.parquet']['rows']:,} learning points. "
        "The download has the same files."
    )
    return (
        message,
        {"content": content, "filename": f"{name}.zip", "base64": True, "type": "application/zip"},
    )
