"""Figures and tables of the CRC explorer. Pure: suppressed tables and counts in, layout out.

Every value drawn here has already been through `data.suppression`: hidden counts arrive as
"c" and are drawn as "c" (never as a bar length or colour that would give them away).
"""

from __future__ import annotations

import functools
import html as html_lib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import html

from components.category_style import MarkerStyle, marker_styles
from components.timeline import SVG_LIMIT

SUPPRESSED = "c"
FONT = {"family": "Arial, Helvetica, sans-serif", "size": 15, "color": "#0b0c0c"}


def _esc(value: object) -> str:
    """Plotly renders hover and tick text as HTML: escape anything from the database."""
    return html_lib.escape(str(value), quote=False)


def _numeric(values) -> np.ndarray:
    """Shown counts as floats, hidden ones as NaN."""
    return np.array(
        [np.nan if v == SUPPRESSED or v == "" else float(v) for v in values], dtype=float
    )


@functools.cache
def _template() -> dict:
    """plotly's default template as a dict, made once (a figure copied it afresh: 10-15 ms)."""
    return pio.templates[pio.templates.default].to_plotly_json()


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure from plain trace and layout dicts, unvalidated: plotly's validation of every
    property took 40-100 ms a figure, more than drawing it (what is sent is the same)."""
    return go.Figure({"data": data, "layout": {"template": _template(), **layout}}, _validate=False)


def _anchor_line() -> dict:
    """The vertical line between month -1 and month 0 (what `add_vline` draws)."""
    return {
        "type": "line",
        "x0": -0.5,
        "x1": -0.5,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": {"width": 2, "color": "#0b0c0c"},
    }


# A light-to-dark blue scale for the shaded tables (ColorBrewer Blues); each cell's text is
# black or white, whichever contrasts more with its shade (at least 4.5:1 on every step).
SHADES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c")
HIDDEN_SHADE = "#e1e1e1"


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _text_on(colour: str) -> str:
    """Black or white text, whichever contrasts more with `colour`."""
    lum = _luminance(colour)
    on_black = (lum + 0.05) / (_luminance(FONT["color"]) + 0.05)
    on_white = 1.05 / (lum + 0.05)
    return FONT["color"] if on_black >= on_white else "#ffffff"


def _shade(value: float, top: float) -> dict:
    """The background and text colour of a shown count in a shaded table."""
    step = 0 if top <= 0 else min(len(SHADES) - 1, round(value / top * (len(SHADES) - 1)))
    return {"backgroundColor": SHADES[step], "color": _text_on(SHADES[step])}


def _count_cell(value, top: float | None):
    """One cell: a hidden count as c in grey italics. `top`: the darkest shade's count of a
    shaded table (None: not shaded, as a total is not)."""
    hidden = value == SUPPRESSED
    if top is None:
        style = None
    elif hidden:
        style = {"backgroundColor": HIDDEN_SHADE}
    else:
        style = _shade(float(value), top)
    return html.Td(str(value), className="rpm-crc-c" if hidden else None, style=style)


def count_table(
    table: pd.DataFrame,
    table_id: str,
    caption: str,
    *,
    shaded: bool = False,
    line_before=None,
) -> html.Div:
    """A suppressed table with its caption, as a plain HTML table: row and column headers
    (`th` with their scope), hidden cells "c" in grey italics, the Total row in bold. Cells
    are text (never HTML). A plain table draws in a fraction of a DataTable's time (which
    evaluated a style condition per column for every cell) and needs no script of its own.

    `shaded`: every shown count but the totals is shaded by its size (a heat map that is
    still a table: the number stays in each cell); `line_before`: the row above which a
    heavy line is drawn (the aligned view's month 0)."""
    if table.empty:
        return _captioned(table_id, caption, None)
    first = str(table.index.name or "").replace("_", " ").capitalize() or " "
    columns = list(table.columns)
    top = _shaded_top(table) if shaded else None

    header = html.Tr(
        [html.Th(first, scope="col"), *(html.Th(str(c), scope="col") for c in columns)]
    )

    def row_class(label) -> str | None:
        if label == "Total":
            return "rpm-crc-total"
        return "rpm-crc-line-before" if line_before is not None and label == line_before else None

    rows = [
        html.Tr(
            [
                html.Th(str(label), scope="row"),
                *(
                    _count_cell(v, None if "Total" in (label, column) else top)
                    for column, v in zip(columns, values, strict=True)
                ),
            ],
            className=row_class(label),
        )
        for label, values in zip(table.index, table.to_numpy().tolist(), strict=True)
    ]
    shaded_class = " rpm-crc-shaded" if shaded else ""
    return _captioned(table_id, caption, [header, rows], "rpm-crc-counts" + shaded_class)


def _captioned(table_id: str, caption: str, head_and_rows, class_name: str = "") -> html.Div:
    """A table (`head_and_rows`: its header row and body rows, None when empty) under its
    caption; a wide one scrolls in a region that the keyboard can reach and that is named."""
    caption_id = f"{table_id}-caption"
    if head_and_rows is None:
        body = html.P("Nothing recorded for the cases selected.", className="text-body-secondary")
    else:
        header, rows = head_and_rows
        body = html.Div(
            html.Table(
                [html.Thead(header), html.Tbody(rows)],
                id=f"{table_id}-data",
                className=class_name,
                **{"aria-labelledby": caption_id},
            ),
            tabIndex="0",
            role="region",
            className="rpm-crc-scroll",
            **{"aria-labelledby": caption_id},
        )
    return html.Div(
        [html.P(caption, id=caption_id, className="rpm-crc-caption"), body],
        id=table_id,
        className="rpm-crc-table",
    )


def _shaded_top(table: pd.DataFrame) -> float:
    """The largest shown count outside the totals (what the darkest shade stands for)."""
    inner = table.drop(index="Total", columns="Total", errors="ignore")
    shown = _numeric(inner.to_numpy().ravel()) if inner.size else np.array([])
    shown = shown[~np.isnan(shown)]
    return float(shown.max()) if shown.size else 0.0


def theme_bars(by_agency: pd.DataFrame, table_id: str, caption: str) -> html.Div:
    """Learning points per theme as a table of bars: all learning points and those of them
    cross-agency, each a bar with its number beside it. Only the Total and Cross-agency
    columns are drawn (never a sum of agency cells, so no hidden cell can be read off a bar),
    and a hidden count has no bar, only its c."""
    table = by_agency.drop(index="Total", errors="ignore")
    drawn = [c for c in ("Total", "Cross-agency") if c in table.columns]
    names = {"Total": "All learning points", "Cross-agency": "of which cross-agency"}
    shown = _numeric(table[drawn].to_numpy().ravel()) if drawn else np.array([])
    shown = shown[~np.isnan(shown)]
    top = float(shown.max()) if shown.size else 0.0

    def bar(value, column: str):
        if value == SUPPRESSED:
            return html.Td(SUPPRESSED, className="rpm-crc-c")
        # at most four fifths of the cell, so that the number fits beside the longest bar
        width = 0.0 if top <= 0 else float(value) / top * 80
        return html.Td(
            [
                html.Span(
                    className=f"rpm-crc-bar rpm-crc-bar-{'cross' if column != 'Total' else 'all'}",
                    style={"width": f"{width:.1f}%"},
                    **{"aria-hidden": "true"},
                ),
                html.Span(str(value), className="rpm-crc-bar-n"),
            ]
        )

    header = html.Tr(
        [html.Th("Theme", scope="col"), *(html.Th(names[c], scope="col") for c in drawn)]
    )
    rows = [
        html.Tr([html.Th(str(theme), scope="row"), *(bar(row[c], c) for c in drawn)])
        for theme, row in table[drawn].iterrows()
    ]
    return _captioned(table_id, caption, [header, rows] if rows else None, "rpm-crc-bars")


def withheld_figure(message: str) -> go.Figure:
    """An empty figure that says why nothing is drawn."""
    return _figure(
        [],
        {
            "annotations": [
                {
                    "text": _esc(message),
                    "showarrow": False,
                    "font": {"size": 17},
                    "x": 0.5,
                    "y": 0.5,
                    "xref": "paper",
                    "yref": "paper",
                }
            ],
            "height": 160,
            "font": FONT,
            "plot_bgcolor": "white",
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        },
    )


def rows_to_draw(rows: pd.DataFrame, least: int) -> pd.DataFrame:
    """The first cases' rows (by case_row), as many as SVG draws quickly (`SVG_LIMIT` markers
    in all), but never fewer than `least` cases: at England's scale 150 cases made about
    100,000 markers, which WebGL in software took 10 s to draw."""
    if len(rows) <= SVG_LIMIT:
        return rows
    running = rows.groupby("case_row").size().sort_index().cumsum()
    cases = running.index[running <= SVG_LIMIT]
    if len(cases) < least:
        cases = running.index[:least]
    return rows[rows["case_row"].isin(cases)]


def case_rows_figure(
    rows: pd.DataFrame, months: tuple[int, int], categories: Sequence | None = None
) -> go.Figure:
    """Each case as a thin row (LifeLines2 style): event categories by month relative to the
    anchor, with the categories' fixed markers (the same as on every case's timeline).

    `rows` has case_row, rel_month, category, events; `categories` the managed list.
    """
    n_cases = int(rows["case_row"].max()) + 1 if not rows.empty else 0
    present = set(rows["category"]) if not rows.empty else set()
    styles = [st for st in marker_styles(categories) if st.name in present]
    # a name the list does not know (another partnership's own category): a plain marker
    styles += [MarkerStyle(n, 0, "#505a5f") for n in sorted(present - {st.name for st in styles})]
    # SVG for a few thousand markers: WebGL (in software on many office machines, and here)
    # costs about a second to start however few markers it draws.
    trace_type = "scatter" if len(rows) <= SVG_LIMIT else "scattergl"
    by_category = dict(tuple(rows.groupby("category", sort=False))) if not rows.empty else {}
    data = []
    for i, style in enumerate(styles):
        part = by_category[style.name]
        # Several categories in one month: spread them a little inside the month so all show.
        offset = (i % 5 - 2) * 0.15
        data.append(
            {
                "type": trace_type,
                "x": part["rel_month"].to_numpy(dtype=float) + offset,
                "y": part["case_row"].to_numpy(),
                "mode": "markers",
                "name": _esc(style.name),
                "marker": {"symbol": style.symbol, "size": 7, "color": style.colour},
                # No count per case and month (nearly always 1 to 5): a marker means "some".
                "hovertemplate": (
                    f"{_esc(style.name)}<br>case row %{{y}}, month %{{x:.0f}}: "
                    "one or more events<extra></extra>"
                ),
            }
        )
    return _figure(
        data,
        {
            "shapes": [_anchor_line()],
            # a row of 10 px a case, and room for the whole legend (it scrolled, cut, at 7 px)
            "height": max(240, 10 * n_cases + 140, 20 * len(styles) + 80),
            "margin": {"l": 60, "r": 10, "t": 20, "b": 50},
            "font": FONT,
            "plot_bgcolor": "white",
            "legend": {"title": {"text": "Category"}},
            "xaxis": {
                "title": {"text": "months relative to the anchor event"},
                "range": [months[0] - 0.5, months[1] + 0.5],
                "dtick": 3,
                "gridcolor": "#eeeeee",
            },
            "yaxis": {
                "title": {"text": "one row per case"},
                "autorange": "reversed",
                "showticklabels": False,
                "showgrid": False,
            },
        },
    )


def summary_card(summary, download_href: str) -> html.Div:
    """Appendix 3 for one case, as text (the learning text is shown as text, never HTML)."""
    learning = [
        html.Li(
            [
                html.Strong(f"{scope}{' · ' + agency if agency else ''}: "),
                text,
                *([html.Span(f" (themes: {', '.join(themes)})", className="text-body-secondary")]
                  if themes else []),
            ]
        )
        for scope, agency, text, themes in summary.learning
    ]  # fmt: skip
    signed = f"{summary.signed_on:%d %B %Y}" if summary.signed_on else "date not recorded"
    return html.Div(
        [
            html.H3(
                "Summary of learning points to be shared with the Case Review Committee"
                f" ({summary.case_key})"
            ),
            html.P(
                f"From version {summary.record_version} of the meeting record, signed off on"
                f" {signed}. The wording of each learning point was reviewed by the chair so"
                " that it identifies no one.",
                id="crc-summary-version",
            ),
            html.Dl(
                [
                    html.Dt("Age of child at the meeting"),
                    html.Dd(summary.age_text),
                    html.Dt("Date of reflective practice meeting"),
                    html.Dd(
                        f"{summary.meeting_date:%d %B %Y}"
                        if summary.meeting_date
                        else "Not recorded"
                    ),
                    html.Dt("Chair of meeting"),
                    html.Dd(summary.chair or "Not recorded"),
                ],
                className="rpm-crc-summary-facts",
            ),
            html.H4("Learning to be shared"),
            html.Ul(learning)
            if learning
            else html.P("The meeting shared no learning points with the committee."),
            html.A(
                f"Download this summary (Word) for case {summary.case_key}",
                href=download_href,
                id="crc-summary-download",
                className="btn btn-outline-dark btn-sm me-2",
            ),
            html.A(
                f"Download this summary (PDF) for case {summary.case_key}",
                href=download_href + "?format=pdf",
                id="crc-summary-download-pdf",
                className="btn btn-outline-dark btn-sm",
            ),
        ],
        id="crc-summary-card",
        className="rpm-crc-summary",
    )
