"""Small layout helpers for forms: a labelled field with an optional hint, a fieldset."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def field(label: str, control, hint: str | None = None, *, width: int | None = None):
    """A label tied to its control (by id), the hint linked with aria-describedby."""
    control_id = control.id
    children = [dbc.Label(label, html_for=control_id, className="rpm-label")]
    if hint:
        hint_id = f"{control_id}-hint"
        children.append(html.Div(hint, id=hint_id, className="rpm-hint"))
    children.append(control)
    col = {"md": width} if width else {}
    return dbc.Col(html.Div(children, className="mb-3"), **col)


def fieldset(legend: str, rows: list, *, hidden: bool = False, id: str | None = None):
    kwargs = {"id": id} if id else {}
    return html.Fieldset(
        [html.Legend(legend, className="rpm-legend"), *rows],
        className="rpm-fieldset",
        hidden=hidden,
        **kwargs,
    )


def date_text(value) -> str:
    return f"{value:%d %b %Y}" if value else ""


def uk_date_input(ident: str, value: str = "", **kwargs):
    """A date field shown and read day first (dd/mm/yyyy) whatever the browser's locale (a
    browser date picker follows the locale: mm/dd/yyyy on a US-configured machine)."""
    return dbc.Input(
        id=ident,
        type="text",
        value=value,
        placeholder="dd/mm/yyyy",
        inputMode="numeric",
        autoComplete="off",
        maxLength=10,
        **kwargs,
    )
