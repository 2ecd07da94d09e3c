"""Date forms an extract may use, and the SQL that turns a text column into (date, precision).

Each form is a regular expression the whole trimmed value must match, the strptime format that
reads it, and the precision it carries. A value that matches a form's pattern but not its format
(31/02/2016) is a date that does not exist; a value that matches no pattern is not a date.
Month- and year-precision dates are stored as the first day of the month or year.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DateForm:
    pattern: str  # regexp_full_match pattern over the trimmed value
    fmt: str  # DuckDB strptime format
    precision: str  # day | month | year


DATE_FORMS: tuple[DateForm, ...] = (
    DateForm(r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d", "day"),
    DateForm(r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y", "day"),
    DateForm(r"\d{4}-\d{1,2}", "%Y-%m", "month"),
    DateForm(r"\d{4}", "%Y", "year"),
)


def date_sql(value_sql: str, forms: tuple[DateForm, ...] = DATE_FORMS) -> tuple[str, str, list]:
    """SQL expressions for the parsed date and its precision, with their parameters in order.

    `value_sql` is a trusted SQL expression for the trimmed text value (a column of ours).
    Returns (date_expr, precision_expr, params) where params are bound in the order the two
    expressions appear, date_expr first.
    """
    date_cases, date_params = [], []
    prec_cases, prec_params = [], []
    for form in forms:
        date_cases.append(
            f"WHEN regexp_full_match({value_sql}, ?) THEN try_strptime({value_sql}, ?)"
        )
        date_params += [form.pattern, form.fmt]
        prec_cases.append(f"WHEN regexp_full_match({value_sql}, ?) THEN ?")
        prec_params += [form.pattern, form.precision]
    date_expr = f"CAST(CASE {' '.join(date_cases)} END AS DATE)"
    prec_expr = f"CASE {' '.join(prec_cases)} END"
    return date_expr, prec_expr, date_params + prec_params
