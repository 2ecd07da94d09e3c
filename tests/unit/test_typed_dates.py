"""Dates typed into the app's forms are read day first, whatever the browser's locale."""

from __future__ import annotations

from datetime import date, time

import pytest

from data.dates import typed_date, typed_time, uk_day


@pytest.mark.parametrize(
    ("text", "precision", "expected"),
    [
        ("05/04/2019", "day", date(2019, 4, 5)),  # 5 April, never May 4
        ("5/4/2019", "day", date(2019, 4, 5)),
        ("05-04-2019", "day", date(2019, 4, 5)),
        ("05.04.2019", "day", date(2019, 4, 5)),
        ("2019-04-05", "day", date(2019, 4, 5)),  # ISO still accepted
        ("04/2019", "month", date(2019, 4, 1)),
        ("2019", "year", date(2019, 1, 1)),
    ],
)
def test_typed_dates_are_day_first(text, precision, expected):
    assert typed_date(text, precision) == expected


@pytest.mark.parametrize("text", ["13/25/2020", "31/02/2019", "04/05/19", "next week", ""])
def test_impossible_or_unreadable_dates_say_why(text):
    with pytest.raises(ValueError, match="date"):
        typed_date(text)


def test_dates_are_shown_day_first():
    assert uk_day(date(2019, 4, 5)) == "05/04/2019"
    assert uk_day(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9:05", time(9, 5)),
        ("21.30", time(21, 30)),
        ("07:45:00", time(7, 45)),
    ],
)
def test_typed_times_are_on_the_24_hour_clock(text, expected):
    assert typed_time(text) == expected


@pytest.mark.parametrize("text", ["9:30 PM", "24:00", "12:60", "noon", ""])
def test_other_times_say_what_is_wanted(text):
    with pytest.raises(ValueError, match="24-hour clock"):
        typed_time(text)
