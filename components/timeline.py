"""The merged multi-agency timeline figure: one lane per agency, one WebGL trace per lane."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.palette import agency_colour

HOVER_SUMMARY_CHARS = 140
PRECISION_LABEL = {"day": "", "month": " (month only)", "year": " (year only)"}


def lane_order(events: pd.DataFrame, preferred: Sequence[str] | None = None) -> list[str]:
    """Agencies top to bottom: the preferred order first, then the rest by first event."""
    present = list(dict.fromkeys(events.sort_values("event_date")["agency"]))
    ordered = [a for a in (preferred or []) if a in present]
    return ordered + [a for a in present if a not in ordered]


def hover_text(events: pd.DataFrame) -> np.ndarray:
    """One short hover line per event: date (with precision), agency, type, start of summary."""
    dates = np.where(
        events["date_precision"] == "year",
        events["event_date"].dt.strftime("%Y"),
        np.where(
            events["date_precision"] == "month",
            events["event_date"].dt.strftime("%b %Y"),
            events["event_date"].dt.strftime("%d %b %Y"),
        ),
    )
    precision = events["date_precision"].map(PRECISION_LABEL).fillna("")
    summary = events["summary"].fillna("").str.slice(0, HOVER_SUMMARY_CHARS)
    summary = summary.where(
        events["summary"].fillna("").str.len() <= HOVER_SUMMARY_CHARS, summary + "…"
    )
    # Plotly renders hover text as HTML; escape what came from an extract so it stays text.
    return (
        pd.Series(dates, index=events.index)
        + precision
        + "<br>"
        + _escape(events["agency"])
        + ": "
        + _escape(events["event_type"])
        + "<br>"
        + _escape(summary)
    ).to_numpy()


def _escape(values: pd.Series) -> pd.Series:
    return (
        values.fillna("")
        .str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
    )


def timeline_figure(events: pd.DataFrame, *, lanes: Sequence[str] | None = None) -> go.Figure:
    """Draw events as markers in one lane per agency, dates on the x axis.

    `events` has columns event_id, event_date (datetime64), date_precision, agency,
    event_type, summary. Each lane is one Scattergl trace with x as epoch milliseconds and
    the event id as customdata, so the browser gets compact arrays and nothing per event
    beyond a short hover line.
    """
    order = lane_order(events, lanes)
    fig = go.Figure()
    for index, agency in enumerate(order):
        lane = events[events["agency"] == agency]
        fig.add_trace(
            go.Scattergl(
                x=lane["event_date"].to_numpy(dtype="datetime64[ms]").astype("int64"),
                y=np.full(len(lane), index, dtype="int16"),
                customdata=lane["event_id"].to_numpy(),
                mode="markers",
                name=agency,
                marker={
                    "size": 12,
                    "color": agency_colour(index),
                    "line": {"width": 1, "color": "white"},
                },
                text=hover_text(lane),
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.update_layout(
        template="simple_white",
        height=max(320, 90 + 70 * len(order)),
        margin={"l": 10, "r": 20, "t": 20, "b": 40},
        showlegend=False,
        font={"family": "Arial, Helvetica, sans-serif", "size": 16, "color": "#0b0c0c"},
        hoverlabel={"font_size": 15, "align": "left"},
        dragmode="zoom",
        uirevision="timeline",
    )
    fig.update_xaxes(type="date", showgrid=True, gridcolor="#e5e5e5", ticks="outside")
    fig.update_yaxes(
        tickvals=list(range(len(order))),
        ticktext=order,
        range=[len(order) - 0.5, -0.5],
        showgrid=True,
        gridcolor="#f0f0f0",
        zeroline=False,
        automargin=True,
        fixedrange=True,
    )
    return fig
