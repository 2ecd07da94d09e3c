"""How long the case-to-committee documents take: learning log (DOCX/HTML/PDF, with and without
the timeline image drawn in Chromium), CRC summary, and sign-off. Prints figures; asserts nothing.

The figure the issue names: a signed-off version's learning log, whose image is drawn once per
version and kept, beside the baseline measured in the same run: the same document with the
image drawn by the browser for the request, as every learning log was before (aim: under 2 s).

    .venv/bin/python bench/bench_documents.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import document_files
from data.actor import SYSTEM
from data.record import save_draft, sign_off
from data.store import Store
from tests.support.rpm_case import CASE, RECORD, make_case


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
        draft = lambda: document_files.learning_log_file(store, SYSTEM, CASE, draft=True)  # noqa: E731
        timed("draft learning log DOCX, image drawn (first time)", draft, repeat=1)
        timed("draft learning log DOCX, image kept (unchanged)", draft)
        start = time.perf_counter()
        sign_off(store, SYSTEM, CASE, on_behalf=True)
        print(
            f"{'sign-off (snapshot of the record)':<48} {1000 * (time.perf_counter() - start):8.0f} ms"
        )
        timed(
            "learning log DOCX, no image",
            lambda: document_files.learning_log_file(store, SYSTEM, CASE, with_image=False),
        )
        timed(
            "learning log HTML, no image",
            lambda: document_files.learning_log_file(store, SYSTEM, CASE, "html", with_image=False),
        )
        timed("CRC summary DOCX", lambda: document_files.crc_summary_docx(store, SYSTEM, CASE))
        timed(
            "learning log PDF, no image",
            lambda: document_files.learning_log_file(store, SYSTEM, CASE, "pdf", with_image=False),
        )
        case = document_files.get_case(store, CASE)
        log = document_files.learning_log(store, SYSTEM, CASE, 1)
        timed(
            "BASELINE: image drawn for the request (as before)",
            lambda: document_files.render_png(document_files.document_figure(
                document_files.journey_events(store, case.case_id, log.journey.as_of), log
            ))[0] or b"",
            repeat=2,
        )  # fmt: skip
        document_files.draw_in_background(store, SYSTEM, CASE, 1).join()  # as sign-off does
        for fmt in ("docx", "pdf", "html"):
            timed(
                f"signed learning log {fmt.upper()}, image kept from sign-off",
                lambda fmt=fmt: document_files.learning_log_file(store, SYSTEM, CASE, fmt),
            )
        store.close()


if __name__ == "__main__":
    main()
