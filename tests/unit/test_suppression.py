"""Small counts hidden as "c": primary (1 to 5) and secondary (not recoverable from totals)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from data.suppression import (
    SUPPRESSED,
    suppress_count,
    suppress_table,
    suppress_together,
)


def table(rows, index=None, columns=None):
    index = index or [f"r{i}" for i in range(len(rows))]
    columns = columns or [f"k{j}" for j in range(len(rows[0]))]
    return pd.DataFrame(rows, index=index, columns=columns)


def grid(frame: pd.DataFrame) -> list[list]:
    return frame.to_numpy().tolist()


def test_single_counts():
    assert [suppress_count(v) for v in (0, 1, 5, 6, 120, None)] == [0, "c", "c", 6, 120, 0]


def test_hand_checked_two_by_two():
    # 3 is hidden (primary). Row r0 would give it away (13 - 10), so 10 is hidden; then column
    # k0 (11 - 8) so 8; then row r1 (20 - 8) so 12. Totals stay: no cell can be worked out.
    out = suppress_table(table([[3, 10], [8, 12]]))
    assert grid(out) == [
        ["c", "c", 13],
        ["c", "c", 20],
        [11, 22, 33],
    ]
    assert list(out.columns) == ["k0", "k1", "Total"]
    assert list(out.index) == ["r0", "r1", "Total"]


def test_zeros_are_shown_and_never_chosen_to_protect_a_cell():
    out = suppress_table(table([[2, 0, 9]]))
    # 2 hidden; 9 hidden so that 11 - 9 does not reveal it; the column totals equal the cells
    # (one row), so they are hidden too. The zero is shown.
    assert grid(out) == [["c", 0, "c", 11], ["c", 0, "c", 11]]


def test_totals_from_one_to_five_are_hidden():
    out = suppress_table(table([[1, 2], [0, 0]]))
    assert out.loc["Total", "Total"] == SUPPRESSED
    assert out.loc["r1", "Total"] == 0


def test_nothing_small_nothing_hidden():
    out = suppress_table(table([[6, 10], [0, 7]]))
    assert grid(out) == [[6, 10, 16], [0, 7, 7], [6, 17, 23]]


def relations(values: np.ndarray):
    rows, cols = values.shape[0] - 1, values.shape[1] - 1
    for i in range(rows + 1):
        yield [(i, j) for j in range(cols + 1)]
    for j in range(cols + 1):
        yield [(i, j) for i in range(rows + 1)]


def test_no_hidden_cell_can_be_recovered_from_its_row_or_column():
    rng = random.Random(1)
    for _ in range(200):
        r, c = rng.randint(1, 6), rng.randint(1, 6)
        raw = np.array(
            [
                [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 40]) for _ in range(c)]
                for _ in range(r)
            ]
        )
        out = suppress_table(table(raw.tolist())).to_numpy()
        hidden = out == SUPPRESSED
        full = np.zeros((r + 1, c + 1), dtype=int)
        full[:r, :c] = raw
        full[:r, c] = raw.sum(axis=1)
        full[r, :c] = raw.sum(axis=0)
        full[r, c] = raw.sum()
        # Every count from 1 to 5 is hidden; zeros are shown; shown values are true.
        assert (hidden[(full >= 1) & (full <= 5)]).all()
        assert not hidden[full == 0].any()
        assert (out[~hidden].astype(int) == full[~hidden]).all()
        # No relation (a row or column with its total) has exactly one hidden member.
        for members in relations(full):
            assert sum(hidden[m] for m in members) != 1, (raw, out)


def test_tables_sharing_row_totals_hide_the_same_totals():
    # The same learning points per theme, counted by agency and by quarter.
    by_agency = table([[1, 3], [10, 12], [20, 30]], index=["A", "B", "C"], columns=["x", "y"])
    by_quarter = table([[2, 2], [11, 11], [25, 25]], index=["A", "B", "C"], columns=["q1", "q2"])
    a, q = suppress_together([by_agency, by_quarter])
    # 4 is hidden, and then 22 so that the grand total does not give 4 away: in both tables.
    assert list(a["Total"]) == list(q["Total"]) == ["c", "c", 50, 76]

    rng = random.Random(2)
    for _ in range(100):
        rows = rng.randint(1, 5)
        first = np.array(
            [[rng.choice([0, 1, 2, 4, 6, 9, 20]) for _ in range(3)] for _ in range(rows)]
        )
        second = np.zeros((rows, 2), dtype=int)
        for i, total in enumerate(first.sum(axis=1)):
            part = rng.randint(0, int(total))
            second[i] = [part, total - part]
        x, y = suppress_together([table(first.tolist()), table(second.tolist())])
        assert list(x["Total"]) == list(y["Total"])
