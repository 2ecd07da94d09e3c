"""Calling page layouts and callbacks as plain functions, inside a request, as a given user.

Dash's `callback` decorator hands back the function itself, so a test calls it with the values
the browser would send. `as_user` opens a Flask request context on the app with the user
already signed in (what `app.context.current_user` reads), and sets what `dash.ctx` reports as
triggered. `text_of` is everything a component tree would send to the browser, as one text.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import flask
import plotly.utils
from dash._callback_context import context_value
from dash._utils import AttributeDict

from app.config import Config
from app.server import create_app

PAGES = Path(__file__).resolve().parents[2] / "app" / "pages"


def page(name: str):
    """The page module `app/pages/<name>.py` as Dash loaded it when the app was made (pages
    register themselves, so they are loaded by Dash, not imported by tests)."""
    path = str(PAGES / f"{name}.py")
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == path:
            return module
    raise LookupError(f"no page {name}: make the app first")


def make_app(store, db_path: Path):
    config = Config(
        db_path=db_path, host="127.0.0.1", port=0, admin_password=None, secure_cookies=False
    )
    return create_app(store, config)


@contextmanager
def as_user(
    app, user, *, triggered: str | None = None, path: str = "/", headers: dict | None = None
):
    """Inside this block, callbacks and layouts run as `user` (None: nobody signed in), in a
    request for `path` with these `headers`."""
    with app.server.test_request_context(path, headers=headers or {}):
        flask.g.rpm_user = user
        inputs = [{"prop_id": triggered, "value": 1}] if triggered else []
        token = context_value.set(AttributeDict(triggered_inputs=inputs))
        try:
            yield
        finally:
            context_value.reset(token)


def text_of(component) -> str:
    """The component tree as the browser would receive it (JSON), for `in` checks."""
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder)


def find(component, component_id: str):
    """The component with this id in the tree, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    if children is None:
        return None
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            found = find(child, component_id)
            if found is not None:
                return found
    return None
