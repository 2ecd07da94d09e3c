"""Date forms an extract may use, and the SQL that turns a text column into (date, precision).

Each form is a regular expression the whole normalised value must match, the strptime formats
that read it, the precision it carries and whether it holds a time of day too. A value that
matches a form's pattern but none of its formats (31/02/2016, 13/2016) is a date that does not
exist; a value that matches no pattern is not a date. Month- and year-precision dates are
stored as the first day of the month or year.

Values are normalised before matching: trimmed, runs of spaces made one, a `T` between date
and time made a space, and "Sept" read as "Sep". Day first is the default (03/05/2016 is
3 May 2016); `date_forms("mdy")` reads numeric dates month first, `date_forms("ymd")` reads
two-digit numeric dates as year/month/day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

DATE_ORDERS = ("dmy", "mdy", "ymd")
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


@dataclass(frozen=True)
class DateForm:
    pattern: str  # regexp_full_match pattern over the normalised value
    formats: tuple[str, ...]  # DuckDB strptime formats, first that reads the value wins
    precision: str  # day | month | year
    has_time: bool = False
    example: str = ""


_TIME = r" \d{1,2}[:.]\d{2}([:.]\d{2})?"
_TIME_FORMATS = (" %H:%M", " %H:%M:%S", " %H.%M", " %H.%M.%S")


def _with_time(pattern: str, formats: tuple[str, ...], example: str) -> DateForm:
    return DateForm(
        pattern + _TIME,
        tuple(f + t for f in formats for t in _TIME_FORMATS),
        "day",
        has_time=True,
        example=example,
    )


def date_forms(order: str = "dmy") -> tuple[DateForm, ...]:
    """The date forms read for this order of day, month and year in numeric dates."""
    if order not in DATE_ORDERS:
        raise ValueError(f"date order {order!r}: use one of {', '.join(DATE_ORDERS)}")
    forms: list[DateForm] = []
    day_month = ("%m", "%d") if order == "mdy" else ("%d", "%m")
    for sep in ("/", "-", "."):
        s = "\\" + sep if sep == "." else sep
        a, b = day_month
        long_year = (f"{a}{sep}{b}{sep}%Y",)
        short_year = (f"%y{sep}%m{sep}%d",) if order == "ymd" else (f"{a}{sep}{b}{sep}%y",)
        forms.append(
            DateForm(rf"\d{{1,2}}{s}\d{{1,2}}{s}\d{{4}}", long_year, "day", example="03/05/2016")
        )
        forms.append(_with_time(rf"\d{{1,2}}{s}\d{{1,2}}{s}\d{{4}}", long_year, "15/06/2015 14:32"))
        forms.append(
            DateForm(rf"\d{{1,2}}{s}\d{{1,2}}{s}\d{{2}}", short_year, "day", example="3/5/16")
        )
        forms.append(_with_time(rf"\d{{1,2}}{s}\d{{1,2}}{s}\d{{2}}", short_year, "3/5/16 14:32"))
    # ISO: unambiguous whatever the order.
    for sep in ("-", "/", "."):
        s = "\\" + sep if sep == "." else sep
        iso = (f"%Y{sep}%m{sep}%d",)
        forms.append(
            DateForm(rf"\d{{4}}{s}\d{{1,2}}{s}\d{{1,2}}", iso, "day", example="2016-05-03")
        )
        forms.append(_with_time(rf"\d{{4}}{s}\d{{1,2}}{s}\d{{1,2}}", iso, "2016-05-03 14:32"))
    # Month names: 12-Mar-2016, 12 March 2016, 5 Jan 2015, 12 Mar 16.
    for sep in ("-", " "):
        named = (f"%d{sep}%b{sep}%Y", f"%d{sep}%B{sep}%Y")
        forms.append(
            DateForm(
                rf"\d{{1,2}}{sep}[A-Za-z]{{3,9}}{sep}\d{{4}}", named, "day", example="12 March 2016"
            )
        )
        forms.append(
            _with_time(rf"\d{{1,2}}{sep}[A-Za-z]{{3,9}}{sep}\d{{4}}", named, "12-Mar-2016 09:00")
        )
        forms.append(
            DateForm(
                rf"\d{{1,2}}{sep}[A-Za-z]{{3,9}}{sep}\d{{2}}",
                (f"%d{sep}%b{sep}%y", f"%d{sep}%B{sep}%y"),
                "day",
                example="12-Mar-16",
            )
        )
    # Month precision: Sept 2015, September 2015, 09/2015, 2015-09.
    forms.append(DateForm(r"[A-Za-z]{3,9} \d{4}", ("%b %Y", "%B %Y"), "month", example="Sept 2015"))
    forms.append(DateForm(r"[A-Za-z]{3,9}-\d{4}", ("%b-%Y", "%B-%Y"), "month", example="Sep-2015"))
    forms.append(DateForm(r"\d{1,2}/\d{4}", ("%m/%Y",), "month", example="09/2015"))
    forms.append(DateForm(r"\d{4}-\d{1,2}", ("%Y-%m",), "month", example="2015-09"))
    # Year precision.
    forms.append(DateForm(r"\d{4}", ("%Y",), "year", example="2016"))
    return tuple(forms)


DATE_FORMS = date_forms("dmy")


def normalise_sql(value_sql: str) -> str:
    """SQL normalising a text value before it is matched against the forms.

    Most values need only trimming; the regular expressions run only on the others.
    """
    v = f"trim({value_sql})"
    return (
        f"CASE WHEN contains({v}, '  ') OR contains({v}, 'T') OR contains({v}, chr(9))"
        f" OR contains(lower({v}), 'sept') THEN "
        "regexp_replace(regexp_replace(regexp_replace("
        + v
        + r""", '\s+', ' ', 'g'), '^(\d{4}-\d{1,2}-\d{1,2})T', '\1 '), '(?i)\bsept\b', 'Sep')"""
        + f" ELSE {v} END"
    )


def date_sql(value_sql: str, forms: tuple[DateForm, ...] = DATE_FORMS) -> tuple[dict, list]:
    """SQL expressions over a normalised text value, with their parameters in order.

    `value_sql` is a trusted SQL expression (a column of ours). Returns (exprs, params), where
    exprs has `form` (1-based index of the matching form, NULL when none), and, given a column
    `form` holding that index, `ts` (TIMESTAMP or NULL when the date does not exist),
    `precision` and `has_time`. Params are bound in the order form, ts, precision, has_time.
    """
    form_cases, form_params = [], []
    ts_cases, ts_params = [], []
    for i, form in enumerate(forms, start=1):
        form_cases.append(f"WHEN regexp_full_match({value_sql}, ?) THEN {i}")
        form_params.append(form.pattern)
        ts_cases.append(f"WHEN {i} THEN try_strptime({value_sql}, ?)")
        ts_params.append(list(form.formats))
    exprs = {
        "form": f"CASE {' '.join(form_cases)} END",
        "ts": f"CASE form {' '.join(ts_cases)} END",
        "precision": "list_extract(?::VARCHAR[], form)",
        "has_time": "list_extract(?::BOOLEAN[], form)",
    }
    params = [
        *form_params,
        *ts_params,
        [f.precision for f in forms],
        [f.has_time for f in forms],
    ]
    return exprs, params


TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H.%M", "%H.%M.%S", "%I:%M %p", "%I:%M%p", "%I.%M %p")


def time_sql(value_sql: str) -> tuple[str, list]:
    """SQL for a TIME read from a separate time column (NULL when not a time of day)."""
    return f"CAST(try_strptime({value_sql}, ?) AS TIME)", [list(TIME_FORMATS)]


# --- dates typed into the app's forms ---------------------------------------------------------

_TYPED_DAY = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})")
_TYPED_MONTH = re.compile(r"(\d{1,2})[/.\- ](\d{4})")


def typed_date(value, precision: str = "day") -> date:
    """A date typed into a form, read day first whatever the browser's locale: 14/05/2019
    (also 14-05-2019, 14.05.2019), or ISO 2019-05-14; for month precision also 05/2019, for
    year precision 2019. ValueError with the reason when it is not such a date."""
    if isinstance(value, date):
        return value
    text = " ".join(str(value or "").split())
    if not text:
        raise ValueError("no date given: write it day first, dd/mm/yyyy")
    try:
        if match := _TYPED_DAY.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if precision == "month" and (match := _TYPED_MONTH.fullmatch(text)):
            return date(int(match.group(2)), int(match.group(1)), 1)
        if precision == "year" and re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1)
        if precision == "month" and re.fullmatch(r"\d{4}-\d{2}", text):
            return date.fromisoformat(text + "-01")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date that exists") from None
    raise ValueError(f"{text!r} is not a date: write it day first, dd/mm/yyyy")


_TYPED_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)(?::00)?")


def typed_time(text: str) -> time:
    """A time typed into a form on the 24-hour clock: 09:30, 9:30 or 21.30. ValueError with
    the reason when it is not such a time."""
    if match := _TYPED_TIME.fullmatch(" ".join(str(text).split())):
        return time(int(match.group(1)), int(match.group(2)))
    raise ValueError(f"{text!r} is not a time on the 24-hour clock (hh:mm)")


def uk_day(day: date | None) -> str:
    """A date as the forms show it: dd/mm/yyyy."""
    return f"{day:%d/%m/%Y}" if day else ""
