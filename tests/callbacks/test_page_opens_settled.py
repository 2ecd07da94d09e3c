"""The case page arrives with its first layout already as it should be shown: no callback runs
in the browser when it opens, nor when a tab's panel is first built. Each would be a round trip
or a re-render of the whole page before the chair can click (Dash runs a callback when its
outputs appear, unless it is marked prevent_initial_call): what it would compute belongs in
the layout."""

from __future__ import annotations

import json

import pytest
from dash import _callback, no_update

from app.timeline import ids, tabs
from app.timeline.contribution_forms import ADDING_WORDS
from data.users import get_user
from tests.support.callbacks import as_user, find
from tests.support.rpm_case import CASE

DASH_OWN = {"_pages_dummy"}  # Dash's own router, in every page of a multi-page app


def component_keys(component, found: set[str]) -> set[str]:
    """The ids in the tree, a pattern-matching id by its type."""
    cid = getattr(component, "id", None)
    if isinstance(cid, dict):
        found.add(f"type:{cid.get('type')}")
    elif cid is not None:
        found.add(cid)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            component_keys(child, found)
    return found


def output_keys(callback: dict) -> set[str]:
    keys = set()
    for output in callback["output"].removeprefix("..").removesuffix("..").split("..."):
        cid = output.split("@")[0].rsplit(".", 1)[0]
        keys.add(f"type:{json.loads(cid)['type']}" if cid.startswith("{") else cid)
    return keys


def run_when_shown(app, before: set[str], shown: set[str]) -> list[str]:
    """The callbacks Dash runs when the components `shown` join those `before`: each whose
    outputs are all there, one of them new."""
    registered = app._callback_list + _callback.GLOBAL_CALLBACK_LIST
    return [
        cb["output"]
        for cb in registered
        if not cb.get("prevent_initial_call")
        and output_keys(cb) <= before | shown
        and output_keys(cb) & (shown - before)
        and not output_keys(cb) <= DASH_OWN
    ]


def opened(app, user):
    with as_user(
        app, user, path="/_dash-layout", headers={"Referer": f"http://localhost/cases/{CASE}"}
    ):
        return app.layout()


@pytest.fixture(params=["pokafor", "swhitfield"])  # the chair, an agency's member
def page_and_user(rpm_app, request):
    app, store = rpm_app
    user = get_user(store, request.param)
    return app, user, opened(app, user)


def test_no_callback_runs_when_the_case_page_opens(page_and_user):
    app, _, layout = page_and_user
    shown = component_keys(layout, set())
    assert ids.GRAPH in shown  # the case page came with the layout
    ran = run_when_shown(app, set(), shown)
    assert ran == [], "\n".join(ran)


def built_tab(app, user, layout, tab: str, dragged=None):
    case_data = find(layout, ids.CASE).data
    with as_user(app, user, triggered=f"{tabs.TAB_TO_BUILD}.data"):
        panels = tabs.open_tab(
            tab,
            find(layout, ids.AGENCIES).value,
            find(layout, ids.TYPES).value,
            find(layout, ids.SEARCH).value,
            None,
            dict(ids.CASE_POINT),
            [],
            dragged,
            case_data,
        )
    (content,) = (panel for panel in panels if panel is not no_update)
    return content


@pytest.mark.parametrize("tab", tabs.LAZY)
def test_no_callback_runs_when_a_tab_is_first_built(page_and_user, tab):
    app, user, layout = page_and_user
    before = component_keys(layout, set())
    content = built_tab(app, user, layout, tab)
    ran = run_when_shown(app, before, component_keys(content, set()))
    assert ran == [], "\n".join(ran)


def test_each_form_opens_saying_what_adding_says(page_and_user):
    app, user, layout = page_and_user
    trees = [layout, *(built_tab(app, user, layout, tab) for tab in tabs.LAZY)]
    checked = 0
    for (ident, prop), words in ADDING_WORDS.items():
        for tree in trees:
            component = find(tree, ident)
            if component is not None:
                assert getattr(component, prop) == words, (ident, prop)
                checked += 1
    assert checked >= 7  # the reflection, learning point and action forms' words


def test_a_drag_across_the_chart_opens_the_episode_form_with_its_dates(page_and_user):
    app, user, layout = page_and_user
    content = built_tab(app, user, layout, "episodes", dragged=["01/03/2016", "30/06/2016"])
    assert find(content, ids.EP_FORM).open is True
    assert (find(content, ids.EP_START).value, find(content, ids.EP_END).value) == (
        "01/03/2016",
        "30/06/2016",
    )
    unopened = built_tab(app, user, layout, "episodes")
    assert find(unopened, ids.EP_FORM).open is False
    assert find(unopened, ids.EP_START).value == ""
