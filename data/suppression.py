"""Statistical disclosure control for the CRC: small counts shown as "c".

Following the way official children's statistics are published: a count from 1 to 5 is
replaced by "c" (primary suppression). Where a table shows totals, a single hidden cell could be
worked out by subtraction, so more cells are hidden until every row and column with a hidden
cell has at least two (secondary suppression): the smallest non-zero cell is chosen each time.
Zeros are shown (a zero reveals nobody). Totals are cells too: a total from 1 to 5 is hidden.

Tables that share their row totals (the same learning points counted by agency, by quarter...)
are suppressed together so that a total hidden in one is hidden in all.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SUPPRESSED = "c"
SMALLEST_SHOWN = 6
TOTAL = "Total"


def is_small(values: np.ndarray) -> np.ndarray:
    """True where a count must be hidden on its own (1 to 5)."""
    return (values >= 1) & (values < SMALLEST_SHOWN)


def _with_margins(counts: pd.DataFrame) -> np.ndarray:
    m = counts.to_numpy(dtype=np.int64)
    full = np.zeros((m.shape[0] + 1, m.shape[1] + 1), dtype=np.int64)
    full[:-1, :-1] = m
    full[:-1, -1] = m.sum(axis=1)
    full[-1, :-1] = m.sum(axis=0)
    full[-1, -1] = m.sum()
    return full


def _equations(rows: int, cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every additive relation of a table with margins: (parts, total)."""
    eqs = []
    for i in range(rows + 1):
        eqs.append(([(i, j) for j in range(cols)], (i, cols)))
    for j in range(cols + 1):
        eqs.append(([(i, j) for i in range(rows)], (rows, j)))
    return eqs


def _secondary(full: np.ndarray, mask: np.ndarray) -> bool:
    """Hide more cells until no relation has exactly one hidden member. True if it changed."""
    rows, cols = full.shape[0] - 1, full.shape[1] - 1
    changed_any = False
    changed = True
    while changed:
        changed = False
        for parts, total in _equations(rows, cols):
            members = [*parts, total]
            hidden = sum(mask[p] for p in members)
            if hidden != 1:
                continue
            candidates = [p for p in parts if not mask[p] and full[p] > 0]
            if not candidates and not mask[total] and full[total] > 0:
                candidates = [total]
            if not candidates:
                continue
            pick = min(candidates, key=lambda p: full[p])
            mask[pick] = True
            changed = changed_any = True
    return changed_any


def _to_frame(full: np.ndarray, mask: np.ndarray, counts: pd.DataFrame) -> pd.DataFrame:
    index = [*counts.index, TOTAL]
    columns = [*counts.columns, TOTAL]
    values = np.where(mask, SUPPRESSED, full.astype(object))
    out = pd.DataFrame(values, index=index, columns=columns, dtype=object)
    out.index.name = counts.index.name
    return out


def suppress_together(
    tables: Sequence[pd.DataFrame], hide: Sequence[np.ndarray | None] | None = None
) -> list[pd.DataFrame]:
    """Suppress tables of counts that share their rows (and so their row totals).

    Each table is rows x columns of non-negative counts with the same index. Returns each with
    a Total column and a Total row added and hidden cells as "c" (object dtype). `hide` gives,
    per table, cells to hide as well (e.g. events that come from 1 to 5 cases).
    """
    fulls = [_with_margins(t) for t in tables]
    masks = [is_small(f) for f in fulls]
    for mask, extra in zip(masks, hide or [None] * len(tables), strict=True):
        if extra is not None:
            mask[:-1, :-1] |= extra
    changed = True
    while changed:
        changed = False
        for full, mask in zip(fulls, masks, strict=True):
            _secondary(full, mask)
        # A row total (or the grand total) hidden in one table is hidden in all.
        shared = np.logical_or.reduce([m[:, -1] for m in masks])
        for mask in masks:
            if (shared & ~mask[:, -1]).any():
                mask[:, -1] |= shared
                changed = True
    return [_to_frame(f, m, t) for f, m, t in zip(fulls, masks, tables, strict=True)]


def suppress_table(counts: pd.DataFrame, hide: np.ndarray | None = None) -> pd.DataFrame:
    """One table of counts with its totals, small counts (and the `hide` cells) hidden, primary
    and secondary."""
    return suppress_together([counts], [hide])[0]


def suppress_count(value: int | None) -> int | str:
    """A single count shown alone (no totals to subtract from)."""
    value = int(value or 0)
    return SUPPRESSED if 1 <= value < SMALLEST_SHOWN else value
