"""Shown for any address that is not a page of the app."""

import dash
from dash import html

dash.register_page(__name__, path="/404", title="Page not found - RPM Timeline")


def layout(**_query):
    return html.Div(
        [
            html.H1("Page not found"),
            html.P("If you typed the address, check it is correct."),
            html.A("Go to the list of cases", href=dash.get_relative_path("/")),
        ]
    )
