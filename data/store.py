"""The single DuckDB connection of the process, its per-thread cursors and its transactions.

DuckDB allows one read-write process per database file. The server is that process: it
opens one connection, hands each thread its own cursor (a cursor is a connection to the same
database that is safe to use from one thread), and serialises writes behind a lock so that
two writers never conflict on the same rows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np

from data import request_memo
from data.category_assign import ensure_shipped
from data.errors import DatabaseHeld
from data.migrations import apply_migrations


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, saying DatabaseHeld when another process holds the file (DuckDB lets
    one process write a file, and others read it only while none writes)."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "Could not set lock" in str(exc):
            raise DatabaseHeld(f"another process holds the database {path}") from exc
        raise


class ReadQueries:
    """Reading through one connection, a cursor per thread (`Store`, `data.pooled.PooledStore`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._local = threading.local()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor, created on first use."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def holds_journeys(self) -> bool:
        """Whether the aligned view's sources are tables here (data.crc.JOURNEY_AGGREGATES)."""
        return False

    def query_df(self, sql: str, params: list | tuple = ()):
        """Run a read query and return a pandas DataFrame."""
        return self.cursor().execute(sql, list(params)).df()

    def query_numpy(self, sql: str, params: list | tuple = ()) -> dict:
        """Run a read query and return its columns as plain numpy arrays, by name (for columns
        without NULLs: DuckDB hands back masked arrays, whose every operation is slow)."""
        found = self.cursor().execute(sql, list(params)).fetchnumpy()
        return {name: np.ma.getdata(values) for name, values in found.items()}

    def query(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        return self.cursor().execute(sql, list(params)).fetchall()

    def query_one(self, sql: str, params: list | tuple = ()) -> tuple | None:
        return self.cursor().execute(sql, list(params)).fetchone()

    def close(self) -> None:
        self._con.close()


class Store(ReadQueries):
    """Owns the database file for the life of the process."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(connect(self.path))
        apply_migrations(self._con)
        self._write_lock = threading.RLock()
        with self.transaction() as cur:
            ensure_shipped(cur)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction: committed when the block ends, rolled back if it raises. What
        this request remembered of its reads is forgotten either way (`data.request_memo`)."""
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                request_memo.forget()
            cur.execute("COMMIT")
