"""Dates typed into the app's forms are read day first, whatever the browser's locale."""

from __future__ import annotations

from datetime import date

import pytest

from data.dates import typed_date, uk_day


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
