"""The timeline page's rooms without a browser: the visible span, the table following it."""

from __future__ import annotations

from datetime import date

import pandas as pd

from app.timeline.state import span_axis_range, span_dates, span_of
from app.timeline.table import in_span


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
