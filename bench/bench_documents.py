"""How long the case-to-committee documents take: learning log (DOCX/HTML, with and without the
timeline image drawn in Chromium), CRC summary, and sign-off. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_documents.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import documents
from data.access import SYSTEM
from data.record import save_draft, sign_off
from data.store import Store
from tests.rpm_case import CASE, RECORD, make_case


def timed(label: str, fn, repeat: int = 3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(f"{label:<48} best {min(times) * 1000:8.0f} ms   ({len(result):,} bytes)")
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        make_case(store)
        events = store.query_one("SELECT count(*) FROM events")[0]
        print(f"demo case: {events} events; 2 learning points, 1 action")
        save_draft(store, SYSTEM, CASE, **RECORD)
        start = time.perf_counter()
        sign_off(store, SYSTEM, CASE, on_behalf=True)
        print(
            f"{'sign-off (snapshot of the record)':<48} {1000 * (time.perf_counter() - start):8.0f} ms"
        )
        timed(
            "learning log DOCX, no image",
            lambda: documents.learning_log_file(store, SYSTEM, CASE, with_image=False),
        )
        timed(
            "learning log HTML, no image",
            lambda: documents.learning_log_file(store, SYSTEM, CASE, "html", with_image=False),
        )
        timed("CRC summary DOCX", lambda: documents.crc_summary_docx(store, SYSTEM, CASE))
        timed(
            "learning log DOCX with the timeline image",
            lambda: documents.learning_log_file(store, SYSTEM, CASE),
            repeat=2,
        )
        store.close()


if __name__ == "__main__":
    main()
