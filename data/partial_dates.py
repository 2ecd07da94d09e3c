"""A date known to its precision (a day, a month or a year), and how every screen, table and
document writes it. Month- and year-precision dates are stored as the first day of the month
or year; they are never written as that day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class PartialDate:
    day: date
    precision: str = "day"

    def iso(self) -> str:
        """As the chronology and exports write it: 2016-05-03, 2016-05 or 2016."""
        if self.precision == "year":
            return f"{self.day:%Y}"
        if self.precision == "month":
            return f"{self.day:%Y-%m}"
        return f"{self.day:%Y-%m-%d}"

    def words(self, *, weekday: bool = False) -> str:
        """In words: 3 May 2016 (Tuesday 3 May 2016 with `weekday`), May 2016 or 2016."""
        if self.precision == "year":
            return f"{self.day:%Y}"
        if self.precision == "month":
            return f"{self.day:%B %Y}"
        return (f"{self.day:%A} " if weekday else "") + f"{self.day.day} {self.day:%B %Y}"
