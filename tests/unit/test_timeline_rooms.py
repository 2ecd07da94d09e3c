"""The timeline page's rooms without a browser: the visible span, the table following it, the
category filter."""

from __future__ import annotations

from datetime import date

import pandas as pd

from app.timeline.categories import kind_options
from app.timeline.state import event_filter, span_axis_range, span_dates, span_of
from app.timeline.table import in_span
from components.category_style import category_data
from data.category_list import SHIPPED_CATEGORIES


def test_span_round_trips_and_rejects_nonsense():
    span = span_of(date(2019, 1, 1), date(2019, 12, 31))
    assert span_dates(span) == (date(2019, 1, 1), date(2019, 12, 31))
    assert span_dates(None) is None
    assert span_dates({"from": "2020-01-01", "to": "2019-01-01"}) is None  # backwards
    assert span_dates({"from": "not a day", "to": "2019-01-01"}) is None


def test_the_same_span_on_the_date_and_the_age_axis():
    span = span_of(date(2015, 3, 1), date(2016, 2, 28))
    assert span_axis_range(span, "date", None) == ["2015-03-01", "2016-02-29"]
    born = date(2014, 3, 1)
    lo, hi = span_axis_range(span, "age", born)
    assert round(lo, 2) == 1.0 and round(hi, 2) == 2.0
    assert span_axis_range(None, "age", born) is None


def test_the_table_shows_what_the_chart_shows_and_says_so():
    events = pd.DataFrame(
        {
            "event_id": [1, 2, 3],
            "event_date": pd.to_datetime(["2018-05-01", "2019-06-01", "2020-07-01"]),
        }
    )
    shown, words = in_span(events, None)
    assert list(shown["event_id"]) == [1, 2, 3] and "whole timeline" in words
    shown, words = in_span(events, span_of(date(2019, 1, 1), date(2019, 12, 31)))
    assert list(shown["event_id"]) == [2]
    assert words == "shown on the chart, 01 Jan 2019 to 31 Dec 2019"


def test_the_kinds_checklist_holds_categories_and_the_agencies_own_types():
    flt = event_filter(
        ["Police"], ["category:Domestic abuse", "Home visit"], "", ["Police", "Health"]
    )
    assert flt.categories == ("Domestic abuse",) and flt.types == ("Home visit",)
    assert event_filter([], [], "", []).categories is None
    case_data = {"categories": category_data(SHIPPED_CATEGORIES)}
    options = kind_options(case_data, [("Home visit", 3)], {"Domestic abuse": 2})
    assert options[0] == {
        "label": "Category: Birth and family (0)",
        "value": "category:Birth and family",
    }
    assert {"label": "Category: Domestic abuse (2)", "value": "category:Domestic abuse"} in options
    assert options[-1] == {"label": "Home visit (3)", "value": "Home visit"}
