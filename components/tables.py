"""A table of rows under column headers, as every page lists things: the headers scoped to
their columns for screen readers, and a caption saying what the table is (hidden: the heading
above it says it to sighted readers)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def data_table(headers, rows, *, caption: str | None = None, **props) -> dbc.Table:
    """`headers`: column names, or `html.Th` cells where a column needs more (alignment, a
    hidden label); `props` go to `dbc.Table` (id, className, size...)."""
    cells = [h if isinstance(h, html.Th) else html.Th(h, scope="col") for h in headers]
    children = [html.Caption(caption, className="visually-hidden")] if caption else []
    return dbc.Table([*children, html.Thead(html.Tr(cells)), html.Tbody(rows)], **props)
