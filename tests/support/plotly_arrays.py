"""Reading a plotly trace's arrays in tests, whether plotly kept them as lists or typed arrays."""

from __future__ import annotations

import base64

import numpy as np


def decode(value):
    """A trace array as numbers, whether plotly kept it as a list or a typed array."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value) if value is not None else []
