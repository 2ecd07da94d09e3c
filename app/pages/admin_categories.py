"""Event categories and their word rules (admins only): rename, add, merge, edit the rules.

Every change is recorded in the audit trail (listed at the foot of the page) and re-applied to
every stored event at once.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html

from app.admin_common import admin_or_none, refusal, when
from app.context import get_store, require_admin
from components.category_style import legend_marker, marker_styles
from components.forms import labelled
from data import audit
from data import categories as cat
from data.errors import StoreError

RECENT_CHANGES = 20

dash.register_page(
    __name__,
    path="/admin/categories",
    title="Event categories - RPM Timeline",
    name="Event categories",
)


def category_table(store) -> html.Table:
    listed = cat.categories(store)
    counts = cat.category_counts(store)
    styles = marker_styles(listed)
    return dbc.Table(
        [
            html.Caption("Categories, in the order of the timeline's legend"),
            html.Thead(
                html.Tr(
                    [html.Th(h, scope="col") for h in ("Marker", "Category", "Covers", "Events")]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(legend_marker(style, 22)),
                            html.Td(c.name),
                            html.Td(c.description),
                            html.Td(f"{counts.get(c.name, 0):,}", className="text-end"),
                        ]
                    )
                    for c, style in zip(listed, styles, strict=True)
                ]
            ),
        ],
        id="cat-table",
        size="sm",
        className="rpm-table",
    )


def recorded_changes(store, admin) -> html.Div:
    """The latest changes to the list and the rules, as the audit trail recorded them."""
    entries = audit.search(store, admin, action=audit.CATEGORIES, limit=RECENT_CHANGES)
    if not entries:
        return html.P("No changes yet: the shipped list and rules are in use.")
    return html.Div(
        [
            dbc.Table(
                [
                    html.Caption(f"The latest {RECENT_CHANGES} changes, newest first"),
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in ("When", "Who", "What")])),
                    html.Tbody(
                        [
                            html.Tr([html.Td(when(e.at)), html.Td(e.actor), html.Td(e.detail)])
                            for e in entries
                        ]
                    ),
                ],
                id="cat-history",
                size="sm",
                className="rpm-table",
            ),
            html.P(
                [
                    "Older changes are in the ",
                    html.A("audit trail", href=dash.get_relative_path("/admin/audit")),
                    f" (action: {audit.ACTIONS[audit.CATEGORIES]}).",
                ]
            ),
        ]
    )


def _options(store, *, with_other: bool = True) -> list[dict]:
    return [
        {"label": n, "value": n} for n in cat.category_names(store) if with_other or n != cat.OTHER
    ]


def _form(legend: str, fields: list[tuple[str, object]], button) -> dbc.Col:
    """One change to the list: its labelled fields and the button that makes it."""
    return dbc.Col(
        html.Fieldset(
            [
                html.Legend(legend, className="h5"),
                *(labelled(label, control, className="mb-2") for label, control in fields),
                button,
            ]
        ),
        lg=4,
    )


def layout(**_query):
    admin = admin_or_none()
    if admin is None:
        return refusal("/admin/categories")
    store = get_store()
    names, names_no_other = _options(store), _options(store, with_other=False)
    return html.Div(
        [
            html.H1("Event categories"),
            html.P(
                "Every event on every timeline has one of these categories, shown with its own "
                "marker on every case and document. Agencies' own event types are kept beside "
                "them. A change here is recorded in the audit trail and applied to every "
                "stored event at once.",
                className="lead",
            ),
            html.Div(id="cat-message", role="status"),
            html.Div(category_table(store), id="cat-list"),
            dbc.Row(
                [
                    _form(
                        "Rename a category",
                        [
                            ("Category", dbc.Select(id="cat-rename-from", options=names_no_other)),
                            ("New name", dbc.Input(id="cat-rename-to", maxLength=cat.MAX_NAME)),
                        ],
                        dbc.Button("Rename", id="cat-rename", color="primary"),
                    ),
                    _form(
                        "Add a category",
                        [
                            ("Name", dbc.Input(id="cat-add-name", maxLength=cat.MAX_NAME)),
                            ("What it covers", dbc.Input(id="cat-add-description", maxLength=200)),
                        ],
                        dbc.Button("Add", id="cat-add", color="primary"),
                    ),
                    _form(
                        "Merge two categories",
                        [
                            (
                                "Merge this category",
                                dbc.Select(id="cat-merge-from", options=names_no_other),
                            ),
                            ("into", dbc.Select(id="cat-merge-into", options=names)),
                        ],
                        dbc.Button("Merge", id="cat-merge", color="warning"),
                    ),
                ],
                className="my-3",
            ),
            html.H2("Word rules", className="h4"),
            html.P(
                [
                    "One rule a line, as ",
                    html.Code("words => Category"),
                    (
                        ". A rule matches an event type holding those words in that order "
                        "(case and punctuation ignored); "
                    ),
                    html.Code("*"),
                    " ends a word prefix and a leading ",
                    html.Code("="),
                    (
                        " matches only the whole type. The first matching rule wins; a type no "
                        "rule matches is Other. What an agency chose at upload wins over the "
                        "rules for that agency's events."
                    ),
                ]
            ),
            dbc.Label("Rules, in the order they are tried", html_for="cat-rules"),
            dbc.Textarea(
                id="cat-rules",
                value=cat.rules_text(cat.rules(store)),
                rows=16,
                className="font-monospace mb-2",
                spellCheck=False,
            ),
            dbc.Button("Save the rules", id="cat-rules-save", color="primary", className="me-2"),
            dbc.Button("Restore the shipped rules", id="cat-rules-restore", color="secondary"),
            html.H2("Recorded changes", className="h4 mt-4"),
            html.Div(recorded_changes(store, admin), id="cat-history-box"),
        ]
    )


@callback(
    Output("cat-message", "children"),
    Output("cat-list", "children"),
    Output("cat-rules", "value"),
    Output("cat-rename-from", "options"),
    Output("cat-merge-from", "options"),
    Output("cat-merge-into", "options"),
    Output("cat-history-box", "children"),
    Input("cat-rename", "n_clicks"),
    Input("cat-add", "n_clicks"),
    Input("cat-merge", "n_clicks"),
    Input("cat-rules-save", "n_clicks"),
    Input("cat-rules-restore", "n_clicks"),
    State("cat-rename-from", "value"),
    State("cat-rename-to", "value"),
    State("cat-add-name", "value"),
    State("cat-add-description", "value"),
    State("cat-merge-from", "value"),
    State("cat-merge-into", "value"),
    State("cat-rules", "value"),
    prevent_initial_call=True,
)
def change_categories(_r, _a, _m, _s, _x, rename_from, rename_to, add_name, add_desc,
                      merge_from, merge_into, rules_text):  # fmt: skip
    """Apply one change; say what happened and how many events moved."""
    admin, store = require_admin(), get_store()
    action = ctx.triggered_id
    try:
        if action == "cat-rename":
            moved = cat.rename_category(store, admin, rename_from or "", rename_to or "")
            done = f"Renamed {rename_from} to {' '.join((rename_to or '').split())}"
        elif action == "cat-add":
            added = cat.add_category(store, admin, add_name or "", add_desc or "")
            moved, done = 0, f"Added {added.name}; add rules for it below"
        elif action == "cat-merge":
            moved = cat.merge_categories(store, admin, merge_from or "", merge_into or "")
            done = f"Merged {merge_from} into {merge_into}"
        elif action == "cat-rules-save":
            moved, done = cat.set_rules(store, admin, rules_text or ""), "Rules saved"
        else:
            moved, done = cat.restore_shipped_rules(store, admin), "Shipped rules restored"
    except StoreError as exc:
        return (dbc.Alert(str(exc), color="danger"), *[dash.no_update] * 6)
    message = dbc.Alert(f"{done}: {moved:,} events now have a different category.", color="success")
    names, names_no_other = _options(store), _options(store, with_other=False)
    rules = cat.rules_text(cat.rules(store))
    history = recorded_changes(store, admin)
    return message, category_table(store), rules, names_no_other, names_no_other, names, history
