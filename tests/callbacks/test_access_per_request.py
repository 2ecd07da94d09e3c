"""The access check a request remembers (`data.request_memo`, kept in flask.g) stays in that
request: another user's request, or the same user's next one, asks again."""

from __future__ import annotations

from data.access import remove_agency_access
from data.users import add_user, get_user
from tests.support.callbacks import as_user, find, page
from tests.support.rpm_case import CASE


def opens(app, user) -> bool:
    with as_user(app, user, path=f"/cases/{CASE}"):
        shown = page("case_timeline").layout(case_ref=CASE)
    return find(shown, "tl-not-found") is None


def test_a_removed_agency_loses_the_case_page_at_its_next_request(rpm_app):
    app, store = rpm_app
    officer = add_user(store, "police1", "agency", "a long pass phrase two", agency="Police")
    chair = get_user(store, "pokafor")
    assert opens(app, officer)
    with as_user(app, chair):
        remove_agency_access(store, chair, CASE, "Police")
    assert not opens(app, officer)
    assert opens(app, chair)


def test_one_users_request_lends_nothing_to_anothers(rpm_app):
    app, store = rpm_app
    admin = add_user(store, "admin1", "admin", "a long pass phrase four")
    crc = add_user(store, "crc1", "crc", "a long pass phrase three")
    assert opens(app, admin)
    assert not opens(app, crc)
    assert opens(app, admin)


def test_nothing_remembered_outlives_its_request(rpm_app):
    app, store = rpm_app
    officer = add_user(store, "police1", "agency", "a long pass phrase two", agency="Police")
    assert opens(app, officer)
    # Taken away behind the store's back (no write transaction to empty a memo): the next
    # request must still see it.
    store.cursor().execute(
        "DELETE FROM case_agencies WHERE agency_id = (SELECT agency_id FROM agencies"
        " WHERE name = 'Police') AND case_id = (SELECT case_id FROM cases WHERE case_ref = ?)",
        [CASE],
    )
    assert not opens(app, officer)
