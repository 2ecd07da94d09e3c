"""Read models over events: the merged chronology of a case."""

from __future__ import annotations

import pandas as pd

from data.access import require_case
from data.store import Store
from data.users import User

CHRONOLOGY_COLUMNS = (
    "date",
    "date_precision",
    "time",
    "agency",
    "event_type",
    "summary",
    "source_ref",
)


def case_events(store: Store, user: User, case_ref: str) -> pd.DataFrame:
    """Every event of the case, sorted by date, with the agency name.

    Columns: event_id, event_date (datetime64), date_precision, event_time, agency,
    event_type, summary, source_ref.
    """
    case = require_case(store, user, case_ref)
    df = store.query_df(
        """
        SELECT e.event_id, e.event_date, e.date_precision, e.event_time, a.name AS agency,
               e.event_type, e.summary, e.source_ref
        FROM events e JOIN agencies a ON a.agency_id = e.agency_id
        WHERE e.case_id = ? AND e.retired_at IS NULL  -- retired: its upload was replaced
        ORDER BY e.event_date, e.event_time NULLS FIRST, a.name, e.event_id
        """,
        [case.case_id],
    )
    df["event_date"] = pd.to_datetime(df["event_date"])
    return df


def format_date(day, precision: str) -> str:
    """A date as the chronology writes it: YYYY-MM-DD, YYYY-MM or YYYY by precision."""
    if precision == "year":
        return f"{day:%Y}"
    if precision == "month":
        return f"{day:%Y-%m}"
    return f"{day:%Y-%m-%d}"


def chronology_rows(store: Store, user: User, case_ref: str) -> list[list[str]]:
    """The merged chronology as rows of text, in CHRONOLOGY_COLUMNS order, sorted by date."""
    df = case_events(store, user, case_ref)
    return [
        [
            format_date(row.event_date, row.date_precision),
            row.date_precision,
            "" if pd.isna(row.event_time) else f"{row.event_time:%H:%M}",
            row.agency,
            row.event_type,
            row.summary,
            row.source_ref or "",
        ]
        for row in df.itertuples(index=False)
    ]
