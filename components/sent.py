"""Layout pieces as the browser receives them: nested dicts, built and serialised once.

A Dash component costs its construction and its serialisation on every request that sends it.
A piece that depends only on a few hashable values (a legend of the managed categories, a
reflection as saved) can be turned into its JSON form once and kept by the caller (an LRU
cache keyed by those values), then sent as it is: Dash sends dicts unchanged. What is sent is
shared between requests, so nobody may change it.
"""

from __future__ import annotations

import json

from plotly.io.json import to_json_plotly


def as_sent(component):
    """`component` (or a list of them, and everything in them) as Dash sends it to the
    browser (Dash's own encoder)."""
    return json.loads(to_json_plotly(component))
