"""How long the case-to-committee documents take: learning log (DOCX/HTML/PDF, with and without
the timeline image drawn in Chromium), CRC summary, and sign-off. Prints figures; asserts nothing.

The figure the issue names: a signed-off version's learning log (aim: under 2 s), whose image
is drawn once per version (in the background at sign-off) and kept, printed as DOCX and PDF
beside the baseline measured in the same run: the draft's learning log with its image drawn
by the browser for the request (its cached image cleared first), as every learning log was
before. The machine's load average is printed with the figures.

    .venv/bin/python bench/bench_documents.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
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

AIM_S = 2.0


def timed(label: str, fn, repeat: int = 3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(f"{label:<48} best {min(times) * 1000:8.0f} ms   ({len(result):,} bytes)")
    return result


def best(fn, repeat: int, before=None) -> tuple[float, int]:
    """Best of `repeat` runs in seconds, and the result's size; `before` runs untimed first."""
    times, size = [], 0
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - start)
    return min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (best kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        make_case(store)
        events = store.query_one("SELECT count(*) FROM events")[0]
        print(f"demo case: {events} events; 2 learning points, 1 action")
        save_draft(store, SYSTEM, CASE, **RECORD)
        case = document_files.get_case(store, CASE)

        def forget_draft_image():  # the draft's image is drawn again, as before it was kept
            with store.transaction() as cur:
                cur.execute("DELETE FROM draft_images WHERE case_id = ?", [case.case_id])

        draft = {
            fmt: best(
                lambda fmt=fmt: document_files.learning_log_file(
                    store, SYSTEM, CASE, fmt, draft=True
                ),
                args.repeat,
                forget_draft_image,
            )
            for fmt in ("docx", "pdf")
        }
        timed(
            "draft learning log DOCX, image kept (unchanged)",
            lambda: document_files.learning_log_file(store, SYSTEM, CASE, draft=True),
        )
        start = time.perf_counter()
        sign_off(store, SYSTEM, CASE, on_behalf=True)
        print(
            f"{'sign-off (snapshot of the record)':<48} {1000 * (time.perf_counter() - start):8.0f} ms"
        )
        start = time.perf_counter()
        document_files.draw_in_background(store, SYSTEM, CASE, 1).join()  # as sign-off does
        print(
            f"{'its image drawn in the background':<48} {1000 * (time.perf_counter() - start):8.0f} ms"
        )
        signed = {
            fmt: best(
                lambda fmt=fmt: document_files.learning_log_file(store, SYSTEM, CASE, fmt),
                args.repeat,
            )
            for fmt in ("docx", "pdf", "html")
        }
        timed(
            "learning log DOCX, no image",
            lambda: document_files.learning_log_file(store, SYSTEM, CASE, with_image=False),
        )
        timed(
            "learning log PDF, no image",
            lambda: document_files.learning_log_file(store, SYSTEM, CASE, "pdf", with_image=False),
        )
        timed("CRC summary DOCX", lambda: document_files.crc_summary_docx(store, SYSTEM, CASE))
        store.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nA signed-off version's learning log (best of {args.repeat}; load average {load}):")
    print(
        f"{'format':<8}{'draft, image drawn (baseline)':>32}{'signed, image kept':>22}{'aim':>14}"
    )
    for fmt in ("docx", "pdf", "html"):
        base = f"{draft[fmt][0] * 1000:,.0f} ms" if fmt in draft else "-"
        took = signed[fmt][0]
        verdict = "met" if took < AIM_S else "MISSED"
        print(
            f"{fmt.upper():<8}{base:>32}{f'{took * 1000:,.0f} ms':>22}"
            f"{f'< {AIM_S:.0f} s {verdict}':>14}"
        )


if __name__ == "__main__":
    main()
