"""Access that ends, over real HTTP: an agency taken off a case loses the case on every page,
callback and download from its very next request, and the grant and removal are audited."""

from __future__ import annotations

import pytest

from data.setup import open_case
from data.store import Store
from data.users import add_user, get_user
from tests.support.dash_http import DashSession
from tests.support.rpm_case import new_setup
from tests.support.server import ADMIN_PASSWORD, served

PASSWORD = "housing-password-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("case-access")
    store = Store(tmp / "rpm.duckdb")
    add_user(store, "admin", "admin", ADMIN_PASSWORD)
    add_user(store, "chair1", "chair", "chair-password-1")
    add_user(store, "facil1", "agency", "facil-password-1", agency="Police")
    add_user(store, "housing1", "agency", PASSWORD, agency="Housing")
    open_case(store, get_user(store, "chair1"), new_setup())
    store.close()
    with served(tmp) as url:
        yield url


def reflect(session: DashSession, text: str):
    """The reflection panel's save callback, as the page sends it."""
    return session.callback(
        [("refl-message", "children"), ("refl-text", "value"), ("refl-editing", "data"),
         ("refl-saved", "data"), ("refl-hint-seen", "data")],
        [("refl-save", "n_clicks", 1)],
        [("selected-point", "data", {"kind": "case", "id": None}),
         ("refl-stage", "value", "analysis"), ("refl-question", "value", None),
         ("refl-agency", "value", "Housing"), ("refl-text", "value", text),
         ("refl-editing", "data", None), ("refl-saved", "data", 0),
         ("refl-case", "data", "RPM-001"), ("tl-lens-state", "data", None)],
    )  # fmt: skip


def test_removed_agency_loses_every_page_callback_and_download_at_once(server):
    url = server
    housing = DashSession(url)
    assert housing.sign_in("housing1", PASSWORD).status == 302
    for path in ("/cases/RPM-001", "/cases/RPM-001/setup", "/cases/RPM-001/upload"):
        page = housing.open_page(path).text
        assert "Case not found" not in page and "RPM-001" in page, path
    assert housing.get("cases/RPM-001/documents/invitation").status == 200
    assert "Reflection saved" in reflect(housing, "before removal").text

    chair = DashSession(url)
    assert chair.sign_in("chair1", "chair-password-1").status == 302
    listing = chair.open_page("/cases/RPM-001/setup").text
    assert "Who can open this case" in listing and "Remove access for Housing" in listing
    removed = chair.callback(
        [("access-message", "children"), ("workflow-location", "href")],
        [[({"type": "access-remove", "index": "agency:Housing"}, "n_clicks", 1)]],
        [("workflow-location", "pathname", "/cases/RPM-001/setup")],
        changed=['{"index":"agency:Housing","type":"access-remove"}.n_clicks'],
    )
    assert "done=removed" in removed.text, removed.text[:500]
    assert "Remove access for Housing" not in chair.open_page("/cases/RPM-001/setup").text

    # The same signed-in session, its very next requests.
    for path in ("/cases/RPM-001", "/cases/RPM-001/setup", "/cases/RPM-001/upload"):
        page = housing.open_page(path).text
        assert "Case not found" in page and "A.B." not in page, path
    assert "RPM-001" not in housing.open_page("/").text
    assert housing.get("cases/RPM-001/documents/invitation").status == 404
    refused = reflect(housing, "after removal")
    assert "Reflection saved" not in refused.text
    assert refused.status in (403, 404) or "unknown case 'RPM-001'" in refused.text
    assert "after removal" not in chair.open_page("/cases/RPM-001").text

    admin = DashSession(url)
    assert admin.sign_in("admin", ADMIN_PASSWORD).status == 302
    trail = admin.callback(
        [("audit-results", "children"), ("audit-error", "children")],
        [("audit-search", "n_clicks", 1)],
        [("audit-actor", "value", None), ("audit-action", "value", "any"),
         ("audit-case", "value", "RPM-001"), ("audit-subject", "value", None),
         ("audit-from", "value", None), ("audit-to", "value", None)],
    ).text  # fmt: skip
    assert "agency Housing: invitee Jo Green" in trail
    assert "agency Housing: removed from who can open the case" in trail
