"""The store on a temporary DuckDB file: migrations, transactions, concurrent writers."""

from __future__ import annotations

import threading

import pytest

from data import cases
from data.actor import SYSTEM
from data.migrations import apply_migrations, migration_files
from data.store import Store


def test_migrations_apply_from_empty_and_are_recorded(store):
    names = [name for (name,) in store.query("SELECT name FROM schema_migrations ORDER BY name")]
    assert names == [name for name, _ in migration_files()]
    tables = {t for (t,) in store.query("SELECT table_name FROM information_schema.tables")}
    assert {"cases", "agencies", "uploads", "events", "rejected_rows", "users"} <= tables


def test_reopening_applies_nothing_twice(tmp_path):
    first = Store(tmp_path / "db.duckdb")
    cases.add_case(first, "C-1")
    first.close()
    second = Store(tmp_path / "db.duckdb")
    assert apply_migrations(second.cursor()) == []
    assert [c.case_ref for c in cases.list_cases(second, SYSTEM)] == ["C-1"]
    second.close()


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError), store.transaction() as cur:
        cur.execute("INSERT INTO cases (case_ref) VALUES ('C-1')")
        raise RuntimeError("boom")
    assert cases.list_cases(store, SYSTEM) == []


def test_two_threads_writing_at_once_lose_nothing(store):
    errors = []

    def add_many(prefix: str) -> None:
        try:
            for n in range(40):
                cases.add_case(store, f"{prefix}-{n}")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=add_many, args=(p,)) for p in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(cases.list_cases(store, SYSTEM)) == 80


def test_case_ref_must_be_plain_and_unique(store):
    cases.add_case(store, "RPM-2026-01")
    with pytest.raises(cases.InvalidInput, match="already exists"):
        cases.add_case(store, "RPM-2026-01")
    with pytest.raises(cases.InvalidInput, match="not valid"):
        cases.add_case(store, "Jane Smith")
    assert len(cases.list_cases(store, SYSTEM)) == 1
