"""The upload preview's section that maps the agency's event types to categories.

Each event type in the file is listed with how many rows have it and a category chooser set to
the proposal (what the agency chose before, else the word rules, else Other). What the uploader
leaves or changes is saved with the upload and proposed again for the agency next time.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html

from components.category_style import MarkerStyle, legend_marker

CHOOSER = "upload-category"  # pattern-matching id of each chooser: {"type", "event_type"}


def category_mapping_section(
    rows: Sequence[tuple[str, int, str, bool]], styles: Sequence[MarkerStyle]
) -> html.Div:
    """rows: (event type as sent, rows with it, proposed category, chosen before by the agency)."""
    if not rows:
        return html.Div()
    by_name = {s.name: s for s in styles}
    options = [{"label": s.name, "value": s.name} for s in styles]
    body = []
    for event_type, count, category, remembered in rows:
        chooser_id = {"type": CHOOSER, "event_type": event_type}
        body.append(
            html.Tr(
                [
                    html.Td(event_type),
                    html.Td(f"{count:,}", className="text-end"),
                    html.Td(
                        html.Div(
                            [
                                legend_marker(by_name[category]) if category in by_name else None,
                                # dbc.Select takes no aria attributes: a wrapping label names it.
                                html.Label(
                                    [
                                        html.Span(
                                            f"Category for {event_type}",
                                            className="visually-hidden",
                                        ),
                                        dbc.Select(
                                            id=chooser_id,
                                            options=options,
                                            value=category,
                                            size="sm",
                                        ),
                                    ],
                                    className="mb-0",
                                ),
                            ],
                            className="d-flex align-items-center gap-2",
                        )
                    ),
                    html.Td("chosen before" if remembered else "proposed from the words"),
                ]
            )
        )
    unmatched = sum(1 for _, _, c, r in rows if c == "Other" and not r)
    note = (
        f" {unmatched} type(s) match no rule and will be Other unless you choose a category."
        if unmatched
        else ""
    )
    return html.Div(
        [
            html.H3("Event categories", className="h5 mt-3"),
            html.P(
                "Each of your event types is shown on the timeline as a category with a fixed "
                "marker; your own type stays with every event. Check the proposals and change any "
                "that are wrong: your choices are kept for your agency's next upload." + note
            ),
            html.Table(
                [
                    html.Caption("Your event types and their categories"),
                    html.Thead(
                        html.Tr(
                            [
                                html.Th("Event type (as sent)", scope="col"),
                                html.Th("Rows", scope="col", className="text-end"),
                                html.Th("Category", scope="col"),
                                html.Th("Why", scope="col"),
                            ]
                        )
                    ),
                    html.Tbody(body),
                ],
                className="table table-sm rpm-upload-categories",
                id="upload-categories-table",
            ),
        ]
    )


def chosen_categories(states: Sequence[dict]) -> dict[str, str]:
    """The choosers' states (dash's states_list entry) as event type -> category."""
    return {s["id"]["event_type"]: s["value"] for s in states or [] if s.get("value")}
