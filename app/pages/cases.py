"""The case list: every case the user can see, with its size and span."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from app.context import get_store, require_user
from data.cases import list_cases

dash.register_page(__name__, path="/", title="Cases - RPM Timeline", name="Cases")


def _span(first, last) -> str:
    if first is None:
        return "no events yet"
    return f"{first:%b %Y} to {last:%b %Y}"


def layout(**_query):
    summaries = list_cases(get_store(), require_user())
    if not summaries:
        body = dbc.Alert(
            "There are no cases yet. An administrator adds one with "
            "`rpm-timeline case add CASE_REF`.",
            color="info",
        )
    else:
        rows = [
            html.Tr(
                [
                    html.Td(
                        html.A(s.case_ref, href=dash.get_relative_path(f"/cases/{s.case_ref}"))
                    ),
                    html.Td(s.label or ""),
                    html.Td(f"{s.date_of_birth:%d %b %Y}" if s.date_of_birth else "not recorded"),
                    html.Td(f"{s.event_count:,}", className="text-end"),
                    html.Td(f"{s.agency_count}", className="text-end"),
                    html.Td(_span(s.first_event, s.last_event)),
                ]
            )
            for s in summaries
        ]
        body = dbc.Table(
            [
                html.Caption("Cases you can open", className="visually-hidden"),
                html.Thead(
                    html.Tr(
                        [
                            html.Th("Case", scope="col"),
                            html.Th("Child", scope="col"),
                            html.Th("Date of birth", scope="col"),
                            html.Th("Events", scope="col", className="text-end"),
                            html.Th("Agencies", scope="col", className="text-end"),
                            html.Th("Period", scope="col"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            id="case-table",
            hover=True,
            responsive=True,
            className="rpm-table",
        )
    return html.Div([html.H1("Cases"), body])
