"""The idle limit, on a clock the test moves: the sign-in guard (app.auth) in process, with
hand-made requests through Flask's test client carrying the session cookie by hand, as the
HTTP tier's hand-made requests do, without waiting for real seconds to pass."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from app import auth
from tests.support.rpm_case import CASE

IDLE_SECONDS = 4


@pytest.fixture
def clock(rpm_app, monkeypatch):
    """(app, clock): the app with a 4-second idle limit; `clock.now` is the guard's time."""
    app, _ = rpm_app
    clock = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: clock.now))
    monkeypatch.setitem(app.server.config, "RPM_IDLE_SECONDS", IDLE_SECONDS)
    return app, clock


class HandMade:
    """Requests with no cookie jar: each carries the cookie it is given, and `cookie` follows
    the session cookie the replies set, as a page (or a copied cookie) would."""

    def __init__(self, app):
        self.client = app.server.test_client(use_cookies=False)
        self.cookie = ""

    def request(self, method: str, path: str, *, data=None, headers=None):
        headers = {"Origin": "http://localhost", "Cookie": self.cookie, **(headers or {})}
        reply = self.client.open(path, method=method, data=data, headers=headers)
        new = re.search(r"(rpm_session=[^;]+)", reply.headers.get("Set-Cookie", ""))
        if new:
            self.cookie = new.group(1)
        return reply

    def sign_in(self, username: str, password: str):
        self.cookie = ""
        form = self.request("GET", "/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        fields = {"csrf_token": token, "username": username, "password": password, "next": "/"}
        return self.request("POST", "/login", data=fields)

    def poke(self, changed: str, *, activity: bool):
        """A callback request as the page sends it; only its effect on the session matters."""
        body = {"output": "x.children", "inputs": [], "changedPropIds": [changed]}
        headers = {"Content-Type": "application/json"}
        if activity:
            headers[auth.ACTIVITY_HEADER] = "1"
        return self.request(
            "POST", "/_dash-update-component", data=json.dumps(body), headers=headers
        )

    def session(self, *, cookie: bool = True) -> dict:
        """What `/_rpm/session` tells the page, with the session cookie or without any."""
        headers = None if cookie else {"Cookie": ""}
        return self.request("GET", "/_rpm/session", headers=headers).get_json()


def test_polling_and_hand_made_requests_never_extend_a_session(clock):
    """A poll every second, or a click without the page's activity mark, lets the session end;
    a click the page marks keeps it."""
    app, clock = clock
    page = HandMade(app)
    assert page.sign_in("pokafor", "chair-password-1").status_code == 302
    for _ in range(6):  # marked as activity, but an Interval fired it: not a person
        clock.now += 1
        page.poke("refl-poll.n_intervals", activity=True)
        page.poke("some-button.n_clicks", activity=False)
        page.request("POST", "/_rpm/activity")  # the page's report, without its mark
    assert page.request("GET", "/_dash-layout").status_code == 401
    assert page.session(cookie=False) == {"signed_in": False, "message": "You are signed out."}

    assert page.sign_in("pokafor", "chair-password-1").status_code == 302
    for i in range(6):  # a marked click, or the page's report of input that needed none
        clock.now += 1
        if i % 2:
            page.poke("some-button.n_clicks", activity=True)
        else:
            reply = page.request("POST", "/_rpm/activity", headers={auth.ACTIVITY_HEADER: "1"})
            assert reply.status_code == 200 and reply.get_json()["signed_in"]
    state = page.session()
    assert state["signed_in"] and state["seconds_left"] > 1
    clock.now += 5
    assert page.session() == {
        "signed_in": False,
        "message": "You were signed out after 4 seconds without activity.",
    }


def test_after_the_idle_limit_a_page_asks_to_sign_in_again_and_callbacks_are_refused(clock):
    app, clock = clock
    page = HandMade(app)
    assert page.sign_in("pokafor", "chair-password-1").status_code == 302
    assert page.request("GET", "/_dash-layout").status_code == 200
    signed_in = page.cookie
    clock.now += IDLE_SECONDS + 1
    expired = page.request("GET", f"/cases/{CASE}")
    assert expired.status_code == 302 and "notice=timeout" in expired.headers["Location"]
    page.cookie = signed_in  # the cookie as it was before the session ended, sent again
    again = page.poke("some-button.n_clicks", activity=True)
    assert again.status_code == 401


def _form_tokens(layout: dict) -> set[str]:
    """The CSRF tokens of the forms in a layout answer (the header's sign-out forms)."""
    found, stack = set(), [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("name") == "csrf_token":
                found.add(props["value"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def test_two_first_answers_built_at_once_after_sign_in_carry_the_sessions_own_token(clock):
    # A page and the layout it preloads (app/server.py) are both answered before either's
    # cookie is back: both must carry the token the session already holds, or signing out
    # from the page would be refused as a stale form.
    app, _ = clock
    page = HandMade(app)
    assert page.sign_in("pokafor", "chair-password-1").status_code == 302
    signed_in = page.cookie
    tokens = []
    for _ in range(2):
        page.cookie = signed_in
        reply = page.request("GET", "/_dash-layout")
        assert "Set-Cookie" not in reply.headers  # nothing new to keep in the session
        tokens.append(_form_tokens(reply.get_json()))
    assert len(tokens[0]) == 1 and tokens[0] == tokens[1]
    (token,) = tokens[0]
    page.cookie = signed_in
    out = page.request("POST", "/logout", data={"csrf_token": token})
    assert out.status_code == 302 and "/login" in out.headers["Location"]
