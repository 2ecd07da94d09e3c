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
import plotly.colors as plotly_colors
import plotly.graph_objects as go
import plotly.io as pio
from dash import dash_table, html

from components.category_style import MarkerStyle, marker_styles
from components.palette import AGENCY_COLOURS
from components.timeline import SVG_LIMIT
from data.suppression import SUPPRESSED  # what a hidden count arrives as, and is drawn as

FONT = {"family": "Arial, Helvetica, sans-serif", "size": 15, "color": "#0b0c0c"}
SYMBOLS = (
    "square",
    "circle",
    "diamond",
    "triangle-up",
    "x",
    "cross",
    "star",
    "triangle-down",
    "hexagon",
    "pentagon",
    "circle-open",
)


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


def count_table(table: pd.DataFrame, table_id: str, caption: str) -> html.Div:
    """A suppressed table with its caption. One DataTable component (not one component per
    cell), which keeps the page quick to render; cells are plain text (never HTML)."""
    first = str(table.index.name or "").replace("_", " ").capitalize() or " "
    columns = [{"name": first, "id": "_row"}] + [
        {"name": str(c), "id": f"c{i}"} for i, c in enumerate(table.columns)
    ]
    data = [
        {"_row": str(label), **{f"c{i}": str(v) for i, v in enumerate(values)}}
        for label, values in zip(table.index, table.to_numpy().tolist(), strict=True)
    ]
    caption_id = f"{table_id}-caption"
    if not data:
        body = html.P("Nothing recorded for the cases selected.", className="text-body-secondary")
    else:
        body = dash_table.DataTable(
            columns=columns,
            data=data,
            id=f"{table_id}-data",
            cell_selectable=False,
            style_as_list_view=True,
            style_table={"overflowX": "visible"},
            style_header={
                "fontWeight": "bold",
                "borderBottom": "2px solid #0b0c0c",
                "backgroundColor": "white",
                "whiteSpace": "normal",
                "height": "auto",
            },
            style_cell={
                "fontFamily": "Arial, Helvetica, sans-serif",
                "fontSize": "16px",
                "color": "#0b0c0c",
                "padding": "4px 10px",
                "textAlign": "right",
                "minWidth": "4.5rem",
            },
            style_cell_conditional=[
                {"if": {"column_id": "_row"}, "textAlign": "left", "fontWeight": "bold"}
            ],
            style_data_conditional=[
                {
                    "if": {"filter_query": '{_row} = "Total"'},
                    "fontWeight": "bold",
                    "borderTop": "2px solid #0b0c0c",
                },
                *[
                    {
                        "if": {"column_id": f"c{i}", "filter_query": f'{{c{i}}} = "{SUPPRESSED}"'},
                        "color": "#505a5f",
                        "fontStyle": "italic",
                    }
                    for i in range(len(table.columns))
                ],
            ],
        )
        # A wide table scrolls in a region that the keyboard can reach and that is named.
        body = html.Div(
            body,
            tabIndex="0",
            role="region",
            style={"overflowX": "auto", "maxWidth": "100%"},
            **{"aria-labelledby": caption_id},
        )
    return html.Div(
        [html.P(caption, id=caption_id, className="rpm-crc-caption"), body],
        id=table_id,
        className="rpm-crc-table",
    )


def theme_bar_figure(by_agency: pd.DataFrame) -> go.Figure:
    """Learning points per theme, stacked single-agency (sum of shown agency cells is not
    drawn: only the Cross-agency and Total columns, so no hidden cell can be read off a bar)."""
    table = by_agency.drop(index="Total", errors="ignore")
    themes = list(table.index)[::-1]
    total = _numeric(table["Total"])[::-1] if "Total" in table else np.array([])
    cross = _numeric(table["Cross-agency"])[::-1] if "Cross-agency" in table else np.array([])
    names = [_esc(t) for t in themes]
    data = [
        {
            "type": "bar",
            "y": names,
            "x": total,
            "orientation": "h",
            "name": "All learning points",
            "marker": {"color": "#0b5394"},
            "text": [SUPPRESSED if np.isnan(v) else f"{int(v)}" for v in total],
            "textposition": "outside",
            "hovertemplate": "%{y}: %{text} learning points<extra></extra>",
        },
        {
            "type": "bar",
            "y": names,
            "x": cross,
            "orientation": "h",
            "name": "of which cross-agency",
            "marker": {"color": "#b45f06", "pattern": {"shape": "/"}},
            "text": [SUPPRESSED if np.isnan(v) else f"{int(v)}" for v in cross],
            "textposition": "outside",
            "hovertemplate": "%{y}: %{text} cross-agency<extra></extra>",
        },
    ]
    return _figure(
        data,
        {
            "barmode": "group",
            "height": max(260, 48 * len(themes) + 110),
            "margin": {"l": 10, "r": 40, "t": 30, "b": 40},
            "font": FONT,
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            "plot_bgcolor": "white",
            "xaxis": {
                "title": {"text": "learning points (c = 1 to 5, hidden)"},
                "gridcolor": "#dddddd",
            },
            "yaxis": {"automargin": True},
        },
    )


def trend_figure(by_quarter: pd.DataFrame, top: int = 4) -> go.Figure:
    """Learning points per quarter: all themes, and the most frequent themes (gaps where hidden)."""
    table = by_quarter.drop(columns="Total", errors="ignore")
    quarters = [str(q) for q in table.columns]
    data = []
    if "Total" in table.index:
        data.append(
            {
                "type": "bar",
                "x": quarters,
                "y": _numeric(table.loc["Total"]),
                "name": "All themes",
                "marker": {"color": "#d9e3ee"},
                "text": [str(v) for v in table.loc["Total"]],
                "textposition": "outside",
            }
        )
    themes = [t for t in table.index if t != "Total"][:top]
    for i, theme in enumerate(themes):
        data.append(
            {
                "type": "scatter",
                "x": quarters,
                "y": _numeric(table.loc[theme]),
                "name": _esc(theme),
                "mode": "lines+markers",
                "marker": {"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 10},
                "line": {"color": AGENCY_COLOURS[i % len(AGENCY_COLOURS)], "width": 3},
                "connectgaps": False,
            }
        )
    return _figure(
        data,
        {
            "height": 380,
            "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
            "font": FONT,
            "plot_bgcolor": "white",
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            "yaxis": {
                "title": {"text": "learning points"},
                "gridcolor": "#dddddd",
                "rangemode": "tozero",
            },
            "xaxis": {"title": {"text": "quarter of the meeting"}, "type": "category"},
        },
    )


HIDDEN_GREY = "#e1e1e1"


def _hidden_colorscale(top: float) -> tuple[list, float]:
    """Blues for 0..top, with a grey band below 0 for hidden cells; returns (scale, zmin)."""
    below = top / 20
    cut = below / (top + below)
    blues = plotly_colors.sequential.Blues
    scale = [[0.0, HIDDEN_GREY], [cut, HIDDEN_GREY]]
    scale += [[cut + (1 - cut) * i / (len(blues) - 1), c] for i, c in enumerate(blues)]
    scale[2][0] = cut  # the first blue starts exactly where grey ends
    return scale, -below


def density_heatmap(table: pd.DataFrame) -> go.Figure:
    """Agency x month relative to the anchor: events, as ONE heatmap trace. Hidden ("c") cells
    get a value below zero that the colour scale draws grey, and their text says "c"."""
    months = [int(m) for m in table.columns]
    agencies = [str(a) for a in table.index]
    z = np.vstack([_numeric(row) for row in table.to_numpy()]) if len(table) else np.zeros((0, 0))
    text = [[str(v) for v in row] for row in table.to_numpy()]
    shown = z[~np.isnan(z)] if z.size else z
    top = max(1.0, float(shown.max())) if shown.size else 1.0
    scale, zmin = _hidden_colorscale(top)
    heatmap = {
        "type": "heatmap",
        "x": months,
        "y": [_esc(a) for a in agencies],
        "z": np.where(np.isnan(z), zmin, z) if z.size else z,
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "colorscale": scale,
        "zmin": zmin,
        "zmax": top,
        "colorbar": {"title": {"text": "events"}, "tick0": 0, "tickmode": "auto"},
        "hovertemplate": "%{y}<br>month %{x} from the anchor: %{text} events<extra></extra>",
        "xgap": 1,
        "ygap": 2,
    }
    return _figure(
        [heatmap],
        {
            "shapes": [_anchor_line()],
            "height": max(220, 44 * len(agencies) + 100),
            "margin": {"l": 10, "r": 10, "t": 20, "b": 50},
            "font": FONT,
            "plot_bgcolor": "white",
            "xaxis": {
                "title": {"text": "months relative to the anchor event (0 = its month)"},
                "dtick": 3,
            },
            "yaxis": {"automargin": True, "autorange": "reversed"},
        },
    )


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
