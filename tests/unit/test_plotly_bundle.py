"""The app's own plotly.js bundle (app/plotly_bundle.py): built from the plotly.js version that
plotly.py builds figures for, and able to draw every kind of trace the app's figures use."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs_version

from app.plotly_bundle import BUNDLE, TRACE_TYPES, bundle_version, fingerprinted_path
from components.reflection import cycle_figure
from components.timeline import timeline_figure_spec


def test_the_bundle_is_plotly_pys_version_of_plotly_js():
    # when plotly.py moves on, rebuild the bundle with its plotly.js (assets/vendor/README.md)
    assert bundle_version() == get_plotlyjs_version()
    assert BUNDLE.stat().st_size < 2_000_000  # the three trace types, not the full 4.8 MB


def test_the_bundles_name_changes_with_its_file(tmp_path):
    name = fingerprinted_path()
    assert name.startswith("plotly/package_data/plotly.v") and name.endswith(".min.js")
    assert get_plotlyjs_version().replace(".", "_") in name
    copy = tmp_path / BUNDLE.name
    shutil.copyfile(BUNDLE, copy)
    os.utime(copy, (1_700_000_000, 1_700_000_000))
    older = fingerprinted_path(copy)
    os.utime(copy, (1_800_000_000, 1_800_000_000))
    assert fingerprinted_path(copy) != older


EVENTS = pd.DataFrame(
    {
        "event_id": [1, 2, 3],
        "event_date": pd.to_datetime(["2014-06-01", "2015-01-01", "2016-02-02"]),
        "date_precision": ["month", "day", "day"],
        "agency": ["Health", "Police", "Police"],
        "event_type": ["Visit", "Incident", "Incident"],
        "summary": ["a", "b", "c"],
        "category": ["Health contact", "Police and youth justice", "Other"],
    }
)


@pytest.mark.parametrize(
    ("drawing", "markers"),
    [
        ({}, "scatter"),
        ({"webgl": True}, "scattergl"),
        ({"summarise_above": 1}, "scatter"),
        ({"axis": "age", "date_of_birth": date(2014, 3, 1), "presentation": True}, "scatter"),
    ],
    ids=["svg", "webgl", "summarised", "age-presenting"],
)
def test_every_trace_of_the_timeline_is_one_the_bundle_draws(drawing, markers):
    spec = timeline_figure_spec(EVENTS, **drawing)
    kinds = {trace.get("type", "scatter") for trace in spec["data"]}
    assert {markers, "bar"} <= kinds  # the events' marks and the summary's bars
    assert kinds <= set(TRACE_TYPES), kinds - set(TRACE_TYPES)


def test_the_reflective_cycle_is_drawn_with_the_bundles_traces():
    figure = cycle_figure([("description", "Description"), ("analysis", "Analysis")], {})
    assert {trace.type for trace in figure.data} <= set(TRACE_TYPES)
