"""Pure builders for the reflective cycle: the small cycle diagram for a selected point, the
ring markers that show reflected events on the timeline, and the coverage table."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

COVERED = "#00703c"  # GOV.UK green
NOT_COVERED = "#ffffff"
OUTLINE = "#0b0c0c"
REFLECTED_TRACE_NAME = "Reflected"


def cycle_positions(count: int) -> list[tuple[float, float]]:
    """Points on a unit circle, the first at the top, going clockwise."""
    return [
        (math.sin(2 * math.pi * i / count), math.cos(2 * math.pi * i / count)) for i in range(count)
    ]


def cycle_figure(stages: Sequence[tuple[str, str]], covered: dict[str, int]) -> go.Figure:
    """The reflective cycle as a ring of stages, clockwise from the top.

    `stages` is (stage_key, name) in order; `covered` maps stage_key to how many reflections
    it has. A covered stage is a filled green circle with a tick and its count; a stage not yet
    covered is an open circle with a dash, so the state never rests on colour alone.
    """
    count = max(len(stages), 1)
    pos = cycle_positions(count)
    xs = [p[0] for p in pos]
    ys = [p[1] for p in pos]
    # Annotations are collected and set once: adding them one by one revalidates them all.
    annotations = []
    # The cycle's arrows, stage to stage, stopping short of the circles.
    for i in range(len(stages)):
        (x0, y0), (x1, y1) = pos[i], pos[(i + 1) % count]
        annotations.append(
            {
                "x": x0 + 0.78 * (x1 - x0),
                "y": y0 + 0.78 * (y1 - y0),
                "ax": x0 + 0.22 * (x1 - x0),
                "ay": y0 + 0.22 * (y1 - y0),
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1.2,
                "arrowwidth": 2,
                "arrowcolor": "#505a5f",
                "text": "",
            }
        )
    marks = [f"✓ {covered[k]}" if covered.get(k) else "—" for k, _ in stages]
    ring = go.Scatter(
        x=xs,
        y=ys,
        mode="markers+text",
        marker={
            "size": 46,
            "color": [COVERED if covered.get(k) else NOT_COVERED for k, _ in stages],
            "line": {"width": 3, "color": OUTLINE},
        },
        text=marks,
        textfont={
            "size": 16,
            "color": ["#ffffff" if covered.get(k) else OUTLINE for k, _ in stages],
        },
        textposition="middle center",
        hoverinfo="skip",
    )
    for (x, y), (_, name) in zip(pos, stages, strict=False):
        # Labels sit outside the ring, anchored away from their circle.
        if abs(x) < 0.1:
            label = {"x": x, "y": y + (0.3 if y > 0 else -0.3)}
            label |= {"xanchor": "center", "yanchor": "bottom" if y > 0 else "top"}
        else:
            label = {"x": x + (0.3 if x > 0 else -0.3), "y": y, "yanchor": "middle"}
            label |= {"xanchor": "left" if x > 0 else "right"}
        annotations.append(
            dict(text=_escape(name), showarrow=False, font={"size": 15, "color": OUTLINE}, **label)
        )
    # No template: the axes are hidden, and copying a template costs more than the drawing.
    return go.Figure(
        data=[ring],
        layout={
            "template": "none",
            "annotations": annotations,
            "height": 330,
            "autosize": True,
            "margin": {"l": 5, "r": 5, "t": 5, "b": 5},
            "showlegend": False,
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "font": {"family": "Arial, Helvetica, sans-serif"},
            "xaxis": {"visible": False, "range": [-2.6, 2.6], "fixedrange": True},
            "yaxis": {"visible": False, "range": [-1.6, 1.6], "fixedrange": True},
        },
    )


def cycle_summary(stages: Sequence[tuple[str, str]], covered: dict[str, int]) -> str:
    """The diagram in words, for screen readers and for everyone reading at the back."""
    done = [name for key, name in stages if covered.get(key)]
    todo = [name for key, name in stages if not covered.get(key)]
    parts = [
        f"Covered: {', '.join(done)}." if done else "No stage covered yet.",
        f"Not yet: {', '.join(todo)}." if todo else "Every stage covered.",
    ]
    return " ".join(parts)


def reflected_trace(reflected: pd.DataFrame, lanes: Sequence[str]) -> go.Scattergl:
    """Open rings around the reflected events, in their agencies' lanes.

    `reflected` has event_id, event_date (datetime64), agency, n (reflections); `lanes` is the
    timeline's lane order (lane i is drawn at y = i). Events in a lane not shown are left out.
    """
    lane_index = {agency: i for i, agency in enumerate(lanes)}
    shown = reflected[reflected["agency"].isin(lane_index)]
    return go.Scattergl(
        x=shown["event_date"].to_numpy(dtype="datetime64[ms]").astype("int64"),
        y=shown["agency"].map(lane_index).to_numpy(dtype="int16"),
        customdata=shown["event_id"].to_numpy(),
        mode="markers",
        name=REFLECTED_TRACE_NAME,
        marker={
            "size": 24,
            "symbol": "circle-open",
            "color": OUTLINE,
            "line": {"width": 3, "color": OUTLINE},
        },
        text=np.array([f"Reflected on ({n})" for n in shown["n"]], dtype=object),
        hovertemplate="%{text}<extra></extra>",
        showlegend=False,
    )


def coverage_table(coverage: dict) -> html.Table:
    """Episodes, the case as a whole and agencies (rows) against the cycle's stages (columns):
    a tick and the number of reflections, or "not yet"."""
    stages = coverage["stages"]
    header = html.Thead(
        html.Tr(
            [html.Th("Point or agency", scope="col")]
            + [html.Th(s.name, scope="col", className="text-center") for s in stages]
        )
    )
    body = []
    for row in coverage["rows"]:
        cells = [
            html.Th(
                [html.Span(f"{row['group']}: ", className="rpm-muted"), row["label"]], scope="row"
            )
        ]
        for s in stages:
            n = row["counts"].get(s.stage_key, 0)
            cells.append(
                html.Td(
                    f"✓ {n}" if n else "not yet",
                    className="text-center " + ("rpm-covered" if n else "rpm-not-covered"),
                )
            )
        body.append(html.Tr(cells))
    return html.Table(
        [
            html.Caption("Where the group has reflected, by stage of the cycle"),
            header,
            html.Tbody(body),
        ],
        className="table table-sm rpm-table rpm-coverage",
        id="refl-coverage-table",
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
