"""Databases built once per test run and copied for each test (building one ingests the
demo extracts and hashes passwords: seconds on a busy machine; a copy takes milliseconds)."""

from __future__ import annotations

import fcntl
import os
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


def shared_template(tmp_path_factory, key: str, name: str, fill: Callable[[Store], object]) -> Path:
    """`build_template` once per run, however many workers (`pytest -n 2`) ask for it: the first
    to ask builds it, under a lock; the others wait for it and use the same file. `key` names
    the template among the run's others."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's own folder, above each worker's
    folder = root / f"template-{key}"
    with open(root / f"template-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not (folder / name).exists():
            building = root / f"template-{key}.building"
            shutil.rmtree(building, ignore_errors=True)  # left by a build that failed
            building.mkdir()
            build_template(building, name, fill)
            building.rename(folder)  # whole or not at all
    return folder / name


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
