"""Tables and pictures of the CRC explorer. Pure: suppressed tables and counts in, layout out.

Every value drawn here has already been through `data.suppression`: hidden counts arrive as
"c" and are drawn as "c" (never as a bar length or colour that would give them away).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np
import pandas as pd
from dash import html

from components.category_style import MarkerStyle, category_legend, marker_styles, svg_shape
from components.timeline import SVG_LIMIT
from data.suppression import SUPPRESSED  # what a hidden count arrives as, and is drawn as

TEXT = "#0b0c0c"


def _numeric(values) -> np.ndarray:
    """Shown counts as floats, hidden ones as NaN."""
    return np.array(
        [np.nan if v == SUPPRESSED or v == "" else float(v) for v in values], dtype=float
    )


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
    on_black = (lum + 0.05) / (_luminance(TEXT) + 0.05)
    on_white = 1.05 / (lum + 0.05)
    return TEXT if on_black >= on_white else "#ffffff"


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


def rows_to_draw(rows: pd.DataFrame, least: int) -> pd.DataFrame:
    """The first cases' rows (by case_row), at most `SVG_LIMIT` markers in all, but never fewer
    than `least` cases: at England's scale 150 cases made about 100,000 markers."""
    if len(rows) <= SVG_LIMIT:
        return rows
    running = rows.groupby("case_row").size().sort_index().cumsum()
    cases = running.index[running <= SVG_LIMIT]
    if len(cases) < least:
        cases = running.index[:least]
    return rows[rows["case_row"].isin(cases)]


# The case rows' picture, in its own units (it is scaled to the page's width).
ROW = 10
MARKER = 7
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 40, 1190, 10, 50
GRID = "#dddddd"


def case_rows_picture(
    rows: pd.DataFrame, months: tuple[int, int], categories: Sequence | None = None
) -> html.Div:
    """Each case as a thin row (LifeLines2 style): a marker for each category of its events in
    each month from the anchor's, with the categories' fixed markers (the same as on every
    case's timeline), and their legend beside it. A picture (an SVG image, drawn by the
    browser at once), not a chart: a chart needed Plotly's 4.8 MB script, which took a second
    and more to start. It holds no count, only which categories each row has in each month.

    `rows` has case_row, rel_month, category (one row per case, month and category)."""
    n_cases = int(rows["case_row"].max()) + 1 if not rows.empty else 0
    present = set(rows["category"]) if not rows.empty else set()
    styles = [st for st in marker_styles(categories) if st.name in present]
    # a name the list does not know (another partnership's own category): a plain marker
    styles += [MarkerStyle(n, 0, "#505a5f") for n in sorted(present - {st.name for st in styles})]
    first, last = months
    width = (PLOT_RIGHT - PLOT_LEFT) / (last - first + 1)

    def x_of(month: float) -> float:
        return PLOT_LEFT + (month - first + 0.5) * width

    bottom = PLOT_TOP + max(n_cases, 1) * ROW
    scale = MARKER / 20
    shapes = []
    for i, style in enumerate(styles):
        path, cross = svg_shape(style.symbol)
        over = f"<path d='{cross}' stroke='#fff' stroke-width='3' fill='none'/>" if cross else ""
        shapes.append(
            f"<g id='c{i}' transform='translate({-MARKER / 2},{-MARKER / 2}) scale({scale})'>"
            f"<path d='{path}' fill='{style.colour}'/>{over}</g>"
        )
    ticks = range(first + (-first) % 3, last + 1, 3)  # every third month, with 0 among them
    grid = "".join(
        f"<line x1='{x_of(m):.1f}' x2='{x_of(m):.1f}' y1='{PLOT_TOP}' y2='{bottom}'"
        f" stroke='{GRID}'/><text x='{x_of(m):.1f}' y='{bottom + 18}'>{m}</text>"
        for m in ticks
    )
    number = {style.name: i for i, style in enumerate(styles)}
    # Several categories in one month: spread a little inside the month so all show.
    marks = "".join(
        f"<use href='#c{i}' x='{x_of(month + (i % 5 - 2) * 0.15):.1f}'"
        f" y='{PLOT_TOP + (row + 0.5) * ROW:.0f}'/>"
        for row, month, i in zip(
            rows["case_row"], rows["rel_month"], rows["category"].map(number), strict=True
        )
    )
    anchor = x_of(-0.5)
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1200 {bottom + PLOT_BOTTOM}'"
        " font-family='Arial, Helvetica, sans-serif' font-size='14' text-anchor='middle'>"
        f"<defs>{''.join(shapes)}</defs><g fill='#0b0c0c'>{grid}</g>"
        f"<line x1='{anchor:.1f}' x2='{anchor:.1f}' y1='{PLOT_TOP}' y2='{bottom}'"
        " stroke='#0b0c0c' stroke-width='2'/>"
        f"{marks}<text x='{(PLOT_LEFT + PLOT_RIGHT) / 2}' y='{bottom + 40}' fill='#0b0c0c'>"
        "months relative to the anchor event (0: its month)</text></svg>"
    )
    picture = html.Img(
        src="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii"),
        alt=(
            f"{n_cases} aligned cases, one row each, with a marker for each category of their"
            f" events in each month from {first} to {last}; the table above counts them."
        ),
        id="crc-case-rows-picture",
        className="rpm-crc-rows-picture",
        **{"data-months": f"{first},{last}", "data-cases": str(n_cases)},
    )
    return html.Div(
        [category_legend(styles, "Category", level=4), picture],
        id="crc-case-rows",
        className="rpm-crc-rows",
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
