"""`python -m app.render_png --browser PATH --width W --height H --scale S`: read a Plotly
figure as JSON on standard input, write it as PNG on standard output.

Run as a child process by `app.document_files.render_png`, so that a browser that never answers is
killed with its whole process group after a timeout instead of holding a server thread.
"""

from __future__ import annotations

import argparse
import logging
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--browser", required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--scale", type=float, required=True)
    args = parser.parse_args()
    # Chromium's pipe sometimes ends with a partial message as kaleido closes it; choreographer
    # logs that with a traceback although the image is complete.
    logging.getLogger("choreographer").setLevel(logging.CRITICAL)

    import kaleido
    import plotly.io as pio

    _keep_browser_in_this_process_group()

    fig = pio.from_json(sys.stdin.read())
    png = kaleido.calc_fig_sync(
        fig,
        opts={"format": "png", "width": args.width, "height": args.height, "scale": args.scale},
        # plotly.js comes from plotly.py's package data; MathJax (a CDN by default) is off.
        kopts={"mathjax": False, "path": args.browser},
    )
    sys.stdout.buffer.write(png)
    return 0


def _keep_browser_in_this_process_group() -> None:
    """choreographer starts Chromium in a session of its own; keep it in ours instead, so that
    the parent's kill of this process group after a timeout ends the browser too."""
    from choreographer.browsers import chromium

    original = chromium.Chromium.get_popen_args

    def same_group(self):
        args = dict(original(self))
        args.pop("start_new_session", None)
        return args

    chromium.Chromium.get_popen_args = same_group


if __name__ == "__main__":
    sys.exit(main())
