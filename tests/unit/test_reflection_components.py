"""The pure builders of the reflective cycle diagram, the rings and the coverage table."""

from __future__ import annotations

import pandas as pd

from components.reflection import (
    COVERED,
    NOT_COVERED,
    coverage_table,
    cycle_figure,
    cycle_summary,
    reflected_trace,
)
from data.reflective_models import Stage

GIBBS = [
    ("description", "Description"),
    ("feelings", "Feelings"),
    ("evaluation", "Evaluation"),
    ("analysis", "Analysis"),
    ("conclusion", "Conclusion"),
    ("action_plan", "Action plan"),
]


def test_cycle_marks_covered_stages_by_fill_and_by_text():
    fig = cycle_figure(GIBBS, {"feelings": 2, "analysis": 1})
    ring = fig.data[0]
    assert list(ring.marker.color) == [
        NOT_COVERED,
        COVERED,
        NOT_COVERED,
        COVERED,
        NOT_COVERED,
        NOT_COVERED,
    ]
    assert list(ring.text) == ["—", "✓ 2", "—", "✓ 1", "—", "—"]
    labels = [a.text for a in fig.layout.annotations if a.text]
    assert labels == [name for _, name in GIBBS]
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 6  # round the cycle, back to the start


def test_cycle_summary_in_words():
    assert cycle_summary(GIBBS[:3], {"feelings": 1}) == (
        "Covered: Feelings. Not yet: Description, Evaluation."
    )
    assert cycle_summary(GIBBS[:1], {}) == "No stage covered yet. Not yet: Description."
    assert cycle_summary(GIBBS[:1], {"description": 3}) == (
        "Covered: Description. Every stage covered."
    )


def test_stage_names_are_escaped_in_the_diagram():
    fig = cycle_figure([("x", "<b>So what?</b>")], {})
    assert "&lt;b&gt;So what?&lt;/b&gt;" in [a.text for a in fig.layout.annotations]


def test_rings_sit_in_their_agencies_lanes():
    reflected = pd.DataFrame(
        {
            "event_id": [7, 9, 11],
            "event_date": pd.to_datetime(["2016-01-02", "2017-03-04", "2018-05-06"]),
            "agency": ["Police", "School", "Not shown"],
            "n": [1, 3, 2],
        }
    )
    trace = reflected_trace(reflected, ["School", "Police"])
    assert list(trace.customdata) == [7, 9]
    assert list(trace.y) == [1, 0]
    assert trace.marker.symbol == "circle-open"
    assert list(trace.text) == ["Reflected on (1)", "Reflected on (3)"]


def test_coverage_table_has_a_row_per_point_and_a_column_per_stage():
    stages = [
        Stage("driscoll", k, i, n, "?")
        for i, (k, n) in enumerate(
            [("what", "What?"), ("so_what", "So what?"), ("now_what", "Now what?")], start=1
        )
    ]
    table = coverage_table(
        {
            "stages": stages,
            "rows": [
                {"group": "Case", "label": "The case as a whole", "counts": {"what": 2}},
                {"group": "Agency", "label": "<Police>", "counts": {}},
            ],
        }
    )
    head, body = table.children[1], table.children[2]
    assert [th.children for th in head.children.children] == [
        "Point or agency",
        "What?",
        "So what?",
        "Now what?",
    ]
    first, second = body.children
    assert [td.children for td in first.children[1:]] == ["✓ 2", "not yet", "not yet"]
    assert second.children[0].children[1] == "<Police>"  # a text child, never HTML
