"""The visible span survives what the chair does to the chart: switching the axis between date
and the child's age redraws the same span, and "Latest year" on the age axis shows a year of
the child's age (callbacks called as functions)."""

from __future__ import annotations

from datetime import date

import pytest

from app.timeline import figure, ids
from data.users import get_user
from tests.support.callbacks import as_user, find, page
from tests.support.rpm_case import CASE

SPAN = {"from": "2016-01-01", "to": "2016-12-31"}


@pytest.fixture
def opened(rpm_app):
    app, store = rpm_app
    user = get_user(store, "pokafor")
    with as_user(app, user):
        layout = page("case_timeline").layout(case_ref=CASE)
    return app, user, find(layout, ids.CASE).data


def redrawn_on(app, user, case_data, axis: str, span):
    """The figure the chart gets when the axis control changes to `axis`."""
    with as_user(app, user, triggered="tl-axis.value"):
        return figure.update_figure(
            case_data["agencies"],
            [],
            "",
            case_data["agencies"],
            "agency",
            [],
            axis,
            0,
            0,
            0,
            case_data,
            None,
            span,
            None,  # no known-at-the-time lens
            [],  # nothing of the lenses drawn
            None,
        )


def age(day: str, born: date) -> float:
    return (date.fromisoformat(day) - born).days / 365.25


def test_switching_the_axis_keeps_the_visible_span(opened):
    app, user, case_data = opened
    born = date.fromisoformat(case_data["dob"])
    on_age = redrawn_on(app, user, case_data, "age", SPAN)["layout"]["xaxis"]
    assert on_age["type"] == "linear"
    assert list(on_age["range"]) == pytest.approx(
        [age("2016-01-01", born), age("2016-12-31", born)]
    )
    on_dates = redrawn_on(app, user, case_data, "date", SPAN)["layout"]["xaxis"]
    assert on_dates["type"] == "date"
    assert list(on_dates["range"]) == ["2016-01-01", "2017-01-01"]
    # with everything shown, the axis is Plotly's own (no range fixed)
    assert "range" not in redrawn_on(app, user, case_data, "age", {})["layout"]["xaxis"]


def test_latest_year_on_the_age_axis_is_a_year_of_age_and_a_span_the_address_keeps(opened):
    app, user, case_data = opened
    with as_user(app, user, triggered="tl-preset-year.n_clicks"):
        patch, span = figure.zoom_preset(None, 1, None, "zoom", None, None, "age", case_data)
    xaxis = {
        tuple(op["location"]): op["params"]["value"] for op in patch.to_plotly_json()["operations"]
    }
    lo, hi = xaxis[("layout", "xaxis", "range")]
    assert xaxis[("layout", "xaxis", "autorange")] is False
    # numbers of years (the age axis), about a year and a fortnight apart: several ticks
    assert isinstance(lo, float) and 1.0 < hi - lo < 1.1
    born = date.fromisoformat(case_data["dob"])
    assert lo == pytest.approx(age(span["from"], born), abs=0.01)
    assert set(span) == {"from", "to"}
