"""A synthetic case for tests of the timeline's drawing: events spread over eight years across
three agencies, mostly dated to the day, in shipped categories drawn at random."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.category_list import SHIPPED_CATEGORIES


def big_case(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return (
        pd.DataFrame(
            {
                "event_id": np.arange(1, n + 1),
                "event_date": pd.to_datetime("2010-01-01")
                + pd.to_timedelta(rng.integers(0, 8 * 365, n), unit="D"),
                "date_precision": rng.choice(["day", "month", "year"], n, p=[0.85, 0.1, 0.05]),
                "agency": rng.choice(["Police", "Health", "School"], n),
                "event_type": "Visit",
                "category": rng.choice([c.name for c in SHIPPED_CATEGORIES], n),
            }
        )
        .sort_values("event_date", kind="stable")
        .reset_index(drop=True)
    )
