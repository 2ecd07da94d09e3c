"""Databases built once per test session and copied for each test (building one ingests the
demo extracts and hashes passwords: seconds on a busy machine; a copy takes milliseconds)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from data.store import Store


def build_template(folder: Path, name: str, fill: Callable[[Store], object]) -> Path:
    """A database file in `folder` filled once by `fill(store)`, closed, for copying."""
    path = folder / name
    store = Store(path)
    fill(store)
    store.close()
    return path


@contextmanager
def copy_of(template: Path, folder: Path) -> Iterator[Store]:
    """A store open on this test's own copy of the template, closed afterwards."""
    path = folder / template.name
    shutil.copyfile(template, path)
    store = Store(path)
    try:
        yield store
    finally:
        store.close()
