"""Small layout helpers for forms: a labelled field with an optional hint, a fieldset."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def labelled(
    label: str, control, hint: str | None = None, *, label_class: str = "fw-bold", **props
) -> html.Div:
    """A label tied to its control (by id), the control under it. The hint is inside the
    label, so that it is read with the control's name (dash-bootstrap-components' inputs take
    no aria-describedby). This size fits the dense meeting screen; forms use `field`."""
    text = [label, html.Span(hint, className="rpm-hint d-block")] if hint else label
    return html.Div([dbc.Label(text, html_for=control.id, className=label_class), control], **props)


def field(label: str, control, hint: str | None = None, *, width: int | None = None, compact=False):
    """One form field in its column: the full-size label (`compact`: the meeting screen's)."""
    col = {"md": width} if width else {}
    if compact:
        return dbc.Col(labelled(label, control, hint), **col)
    return dbc.Col(labelled(label, control, hint, label_class="rpm-label", className="mb-3"), **col)


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
    return _typed_input(ident, value, "dd/mm/yyyy", **kwargs)


def uk_time_input(ident: str, value: str = "", **kwargs):
    """A time field shown and read on the 24-hour clock (hh:mm) whatever the browser's locale
    (a browser time picker follows it: 10:00 AM on a US-configured machine)."""
    return _typed_input(ident, value, "hh:mm", **kwargs)


def _typed_input(ident: str, value: str, form: str, **kwargs):
    return dbc.Input(
        id=ident,
        type="text",
        value=value,
        placeholder=form,
        inputMode="numeric",
        autoComplete="off",
        maxLength=len(form),
        **kwargs,
    )
