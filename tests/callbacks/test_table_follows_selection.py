"""The chronology follows the selected event: on the page shown only the rows whose marking
changes are resent; another page is drawn whole (callbacks called as functions)."""

from __future__ import annotations

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from app.timeline import ids, table, tabs
from components.timeline_panels import TABLE_BODY
from data.users import get_user
from tests.support.callbacks import as_user, find, page, text_of
from tests.support.rpm_case import CASE

SELECTED = f"{ids.SELECTED_POINT}.data"


@pytest.fixture
def opened(rpm_app):
    app, store = rpm_app
    user = get_user(store, "pokafor")
    with as_user(app, user):
        layout = page("case_timeline").layout(case_ref=CASE)
    case_data = find(layout, ids.CASE).data
    # not in the first layout: the tab is built when first scrolled into view
    assert find(layout, "tl-table") is None and find(layout, "tl-panel-chronology") is not None
    with as_user(app, user, triggered=f"{tabs.TAB_TO_BUILD}.data"):
        built = tabs.open_tab(
            "chronology", case_data["agencies"], [], "", {}, ids.CASE_POINT, [], None, case_data
        )
    panels = dict(zip(tabs.LAZY, built, strict=True))
    assert all(panels[key] is no_update for key in tabs.LAZY if key != "chronology")
    chronology = panels["chronology"]
    assert find(chronology, "tl-page").data == 0 and find(chronology, table.MARKED).data is None
    first_page = [
        int(c.id["index"])
        for c in _components(find(chronology, "tl-table"))
        if isinstance(getattr(c, "id", None), dict)
    ]
    return app, user, case_data, first_page


def _components(node):
    """Every component under `node`, depth first."""
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _components(child)


def select(app, user, case_data, event_id, page_shown, marked):
    with as_user(app, user, triggered=SELECTED):
        return table.show_table(
            case_data["agencies"],
            [],
            "",
            "date",
            None,
            None,
            {"kind": "event", "id": event_id},
            [],
            0,
            None,
            [],
            page_shown,
            marked,
            case_data,
        )


def test_the_tab_draws_the_first_page_unmarked(opened):
    _, _, _, first_page = opened
    assert len(first_page) == table.TABLE_PAGE


def test_a_selection_on_the_page_shown_resends_only_the_rows_that_change(opened):
    app, user, case_data, first_page = opened
    a, b = first_page[3], first_page[7]
    patch, page_number, label, marked = select(app, user, case_data, b, 0, a)
    assert marked == b and page_number is no_update and label is no_update
    operations = patch.to_plotly_json()["operations"]
    rows = {op["location"][-1]: op["params"]["value"] for op in operations}
    assert sorted(rows) == [3, 7]  # the row unmarked and the row marked, nothing else
    assert all(
        op["location"][:4] == ["props", "children", TABLE_BODY, "props"] for op in operations
    )
    assert "Selected" in text_of(rows[7]) and "Selected" not in text_of(rows[3])
    assert rows[7].className and "rpm-selected-row" in rows[7].className
    assert not rows[3].className
    # Choosing the event already marked sends nothing.
    with pytest.raises(PreventUpdate):
        select(app, user, case_data, b, 0, b)


def test_a_selection_on_another_page_draws_that_page(opened):
    app, user, case_data, first_page = opened
    with as_user(app, user, triggered=SELECTED):
        everything, _ = table.table_events(app.server.config["RPM_STORE"], user, case_data, None)
    later = int(everything["event_id"].iloc[table.TABLE_PAGE * 2 + 1])
    drawn, page_number, label, marked = select(app, user, case_data, later, 0, first_page[0])
    assert page_number == 2 and label.startswith("Page 3 of") and marked == later
    assert f"Show event {later} on the timeline" in text_of(drawn)
    assert text_of(drawn).count("rpm-selected-row") == 1
