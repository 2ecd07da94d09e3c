"""The page a browser opens comes with the first layout (app.first_page): built as Dash's router
builds it, for the page the layout request's Referer names, and only when that is certain."""

from __future__ import annotations

import dash
import pytest
from dash.dash import _ID_CONTENT, _ID_LOCATION, _ID_STORE

from app.first_page import page_container
from data.users import add_user, get_user
from tests.support.callbacks import as_user, find, page, text_of
from tests.support.rpm_case import CASE

HERE = "http://localhost"  # the test request's own origin


def container(app, user, referer: str | None):
    headers = {"Referer": referer} if referer is not None else {}
    with as_user(app, user, path="/_dash-layout", headers=headers):
        return page_container()


@pytest.fixture
def chair(rpm_app):
    _, store = rpm_app
    return get_user(store, "pokafor")


def test_the_case_page_comes_with_the_layout_with_its_view_from_the_address(rpm_app, chair):
    app, _ = rpm_app
    shown = container(app, chair, f"{HERE}/cases/{CASE}?axis=age&lanes=category")
    location = find(shown, _ID_LOCATION)
    # the location as the window has it: Dash's router sees no change and does not run
    assert (location.pathname, location.search) == (f"/cases/{CASE}", "?axis=age&lanes=category")
    assert location.refresh == "callback-nav"
    assert find(shown, _ID_STORE).data == {"title": "Case timeline - RPM Timeline"}
    content = find(shown, _ID_CONTENT).children
    assert (
        find(content, "tl-axis").value == "age" and find(content, "tl-lane-by").value == "category"
    )
    # what the router would have sent for the same address
    with as_user(app, chair, path="/_dash-update-component"):
        routed = page("case_timeline").layout(case_ref=CASE, axis="age", lanes="category")
    assert text_of(content) == text_of(routed)


@pytest.mark.parametrize(
    "referer",
    [
        None,  # no Referer
        "http://elsewhere.example/cases/RPM-1",  # another origin
        "https://localhost/cases/RPM-1",  # another scheme
        f"{HERE}/",  # the root: also what a browser trimming Referers sends from any page
        HERE,
        f"{HERE}/_dash-layout",
        # the anonymised view: names are replaced in callback answers, never in the layout
        f"{HERE}/cases/{CASE}?view=anonymised",
        f"{HERE}/cases/{CASE}?agency=Police&view=",
        "not a url at all",
    ],
)
def test_a_referer_that_cannot_name_the_page_leaves_it_to_dashs_router(rpm_app, chair, referer):
    app, _ = rpm_app
    assert container(app, chair, referer) is dash.page_container


def test_only_the_layout_request_looks_at_its_referer(rpm_app, chair):
    app, _ = rpm_app
    with as_user(app, chair, path="/cases/RPM-1", headers={"Referer": f"{HERE}/cases/{CASE}"}):
        assert page_container() is dash.page_container


def test_an_unknown_address_gets_the_not_found_page_and_a_refused_case_no_case_data(rpm_app, chair):
    app, store = rpm_app
    shown = container(app, chair, f"{HERE}/no/such/page")
    assert find(shown, _ID_STORE).data["title"] == "Page not found - RPM Timeline"
    assert "Page not found" in text_of(find(shown, _ID_CONTENT))
    add_user(store, "probation9", "agency", "a long pass phrase nine", agency="Probation")
    outsider = get_user(store, "probation9")  # an agency with no part in the case
    refused = find(container(app, outsider, f"{HERE}/cases/{CASE}"), _ID_CONTENT)
    assert find(refused, "tl-case") is None and find(refused, "timeline-graph") is None
    assert CASE in text_of(refused)  # says which case it cannot show, and nothing of it


def test_a_page_that_fails_to_build_is_left_to_the_router_which_reports_it(
    rpm_app, chair, monkeypatch
):
    app, _ = rpm_app
    timeline = page("case_timeline")

    def broken(**_):
        raise RuntimeError("the page could not be built")

    monkeypatch.setitem(dash.page_registry[timeline.__name__], "layout", broken)
    assert container(app, chair, f"{HERE}/cases/{CASE}") is dash.page_container
