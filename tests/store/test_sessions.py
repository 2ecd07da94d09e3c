"""The account behind a request and whether its session is live, asked in one query."""

from __future__ import annotations

from data.sessions import end_session, start_session
from data.users import add_user, session_account


def test_the_account_comes_with_whether_its_session_is_live(store):
    pat = add_user(store, "pat", "agency", "a long pass phrase", agency="Police")
    other = add_user(store, "sam", "agency", "another long pass phrase", agency="School")
    token = start_session(store, pat.user_id)
    assert session_account(store, pat.user_id, token) == (pat, True)
    assert session_account(store, pat.user_id, None) == (pat, False)
    assert session_account(store, pat.user_id, "not-a-session") == (pat, False)
    assert session_account(store, other.user_id, token) == (other, False)  # not its session
    assert session_account(store, 10_000, token) == (None, False)
    end_session(store, token, "signed_out")
    assert session_account(store, pat.user_id, token) == (pat, False)
