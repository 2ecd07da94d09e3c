"""Layout pieces as the browser receives them: nested dicts, built and serialised once.

A Dash component costs its construction and its serialisation on every request that sends it.
A piece that depends only on a few hashable values (a legend of the managed categories, a
reflection as saved) can be turned into its JSON form once and kept by the caller (an LRU
cache keyed by those values), then sent as it is: Dash sends dicts unchanged. What is sent is
shared between requests, so nobody may change it.
"""

from __future__ import annotations

import json

import plotly.io


def as_sent(component) -> dict:
    """`component` (and everything in it) as Dash sends it to the browser."""
    return json.loads(plotly.io.to_json(component, validate=False))
