"""Partnership settings (administrators): the name and logo on documents, and the expected
durations of the flowchart's stages that decide what is overdue."""

from __future__ import annotations

import base64

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from app.context import audit, get_store, require_user
from components.forms import field
from data.audit import CHANGE
from data.errors import StoreError
from data.partnership import (
    MAX_LOGO_BYTES,
    check_partnership,
    get_partnership,
    set_partnership,
)
from data.permissions import is_administrator
from data.workflow import list_stages, set_expected_days

dash.register_page(__name__, path="/settings", title="Settings - RPM Timeline", name="Settings")


def layout(done: str | None = None, **_query):
    store, user = get_store(), require_user()
    if not is_administrator(user):
        return html.Div(
            [
                html.H1("Settings"),
                dbc.Alert("Only an administrator can change settings.", color="warning"),
            ]
        )
    partnership = get_partnership(store)
    logo = (
        html.Img(
            src=f"data:{partnership.logo_mime};base64,{base64.b64encode(partnership.logo).decode()}",
            alt="The partnership's current logo",
            className="rpm-logo-preview",
        )
        if partnership.logo
        else html.P("No logo yet.", className="rpm-hint")
    )
    stages = list_stages(store)
    return html.Div(
        [
            html.H1("Settings"),
            dbc.Alert("Settings saved.", color="success") if done == "saved" else None,
            html.Fieldset(
                [
                    html.Legend("The partnership, on every document", className="rpm-legend"),
                    dbc.Row(
                        field(
                            "Partnership name",
                            dbc.Input(id="settings-name", value=partnership.name, maxLength=120),
                            width=6,
                        )
                    ),
                    html.Div("Current logo", className="rpm-label"),
                    logo,
                    # The label wraps the upload so that its file input is labelled too.
                    html.Label(
                        [
                            html.Span(
                                "New logo (PNG or JPEG, up to 512 KB)",
                                className="rpm-label d-block mt-3",
                            ),
                            dcc.Upload(
                                id="settings-logo",
                                children=html.Div(
                                    ["Drop an image here or ", html.U("choose a file")]
                                ),
                                accept="image/png,image/jpeg",
                                max_size=MAX_LOGO_BYTES * 2,
                                className="rpm-upload",
                            ),
                        ],
                        className="d-block",
                    ),
                    html.Div(id="settings-logo-chosen", className="rpm-hint"),
                    dbc.Checkbox(
                        id="settings-remove-logo",
                        label="Remove the logo",
                        value=False,
                        className="mt-2",
                    ),
                ],
                className="rpm-fieldset",
            ),
            html.Fieldset(
                [
                    html.Legend("Expected durations (flowchart)", className="rpm-legend"),
                    html.P(
                        "Days each stage is expected to take after the stage before it. A case whose"
                        " next stage is later than this shows as overdue. Leave empty for no limit."
                    ),
                    *[
                        html.Label(
                            [
                                html.Span(f"{s.position}. {s.name}", className="rpm-label d-block"),
                                dbc.Input(
                                    id={"type": "settings-days", "stage": s.stage_key},
                                    # No min/max here: the browser would send an empty value
                                    # for 0, which means "no limit"; the store says what is wrong.
                                    type="number",
                                    value=s.expected_days,
                                    className="rpm-days",
                                ),
                            ],
                            className="d-block mb-3",
                        )
                        for s in stages
                        if s.position > 1
                    ],
                ],
                className="rpm-fieldset",
            ),
            html.Div(id="settings-message", role="status"),
            dbc.Button("Save settings", id="settings-save", color="primary", size="lg"),
            dcc.Location(id="settings-location", refresh=True),
        ]
    )


@callback(
    Output("settings-logo-chosen", "children"),
    Input("settings-logo", "filename"),
    prevent_initial_call=True,
)
def show_chosen(filename):
    return f"Chosen: {filename}. It is used once you save." if filename else ""


@callback(
    Output("settings-message", "children"),
    Output("settings-location", "href"),
    Input("settings-save", "n_clicks"),
    State("settings-name", "value"),
    State("settings-logo", "contents"),
    State("settings-remove-logo", "value"),
    State({"type": "settings-days", "stage": ALL}, "value"),
    State({"type": "settings-days", "stage": ALL}, "id"),
    prevent_initial_call=True,
)
def save_settings(n_clicks, name, contents, remove_logo, days, ids):
    store, user = get_store(), require_user()
    logo = None
    if contents:
        try:
            logo = base64.b64decode(contents.split(",", 1)[1])
        except (IndexError, ValueError):
            return dbc.Alert(
                "Not saved: the logo file could not be read.", color="danger"
            ), no_update
    try:
        values = {}
        for value, id_ in zip(days, ids, strict=True):
            values[id_["stage"]] = None if value in (None, "") else int(value)
        check_partnership(name, logo)  # first, so that a bad logo changes nothing
        set_expected_days(store, user, values)
        set_partnership(store, user, name, logo, remove_logo=bool(remove_logo))
    except (StoreError, ValueError) as exc:
        return dbc.Alert(f"Not saved: {exc}", color="danger"), no_update
    audit(CHANGE, detail="partnership settings and expected durations saved")
    return no_update, dash.get_relative_path(f"/settings?done=saved&n={n_clicks}")
