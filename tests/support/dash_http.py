"""A signed-in HTTP client for the real server: sign in through the form, open pages and call
Dash callbacks with hand-made requests, as a browser (or an attacker) would.

Used by the HTTP security tests, the crash test and `bench/load.py`.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    body: str
    headers: dict

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body with JSON escapes undone (Dash writes "/" as \\u002f), for assertions."""
        try:
            return json.dumps(self.json(), ensure_ascii=False)
        except ValueError:
            return self.body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def output_key(outputs: list[tuple[str, str]]) -> str:
    """Dash's name for a callback's outputs: `id.prop`, or `..a.p...b.q..` for several."""
    if len(outputs) == 1:
        return f"{outputs[0][0]}.{outputs[0][1]}"
    return ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."


def _prop(item):
    """One input as the renderer sends it; a list of them is one pattern-matching (ALL) input."""
    if isinstance(item, list):
        return [_prop(one) for one in item]
    i, p, v = item
    return {"id": i, "property": p, "value": v}


class DashSession:
    """One browser-like session (its own cookies) against `base_url` (ending with /)."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> Reply:
        """GET, or POST `data`: from this server's own origin, as its pages do, unless
        `headers` says otherwise."""
        headers = dict(headers or {})
        if data is not None:
            headers.setdefault("Origin", self.base.rstrip("/"))
        req = urllib.request.Request(self.base + path.lstrip("/"), data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return Reply(
                    resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
                )
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode("utf-8", "replace"), dict(err.headers))

    def get(self, path: str) -> Reply:
        return self.request(path)

    def sign_in(self, username: str, password: str) -> Reply:
        """Post the sign-in form (with its CSRF token). 302 means signed in."""
        form = self.get("login").body
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {"csrf_token": token, "username": username, "password": password, "next": "/"}
        ).encode()
        return self.request("login", data, {"Content-Type": "application/x-www-form-urlencoded"})

    def csrf_token(self) -> str:
        """The session's form token, as the signed-in page shell carries it (for sign-out forms)."""
        layout = self.get("_dash-layout").body
        return re.search(
            r'"value":\s*"([^"]+)",\s*"type":\s*"hidden",\s*"name":\s*"csrf_token"', layout
        ).group(1)

    def post_form(self, path: str, fields: dict) -> Reply:
        data = urllib.parse.urlencode(fields).encode()
        return self.request(path, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def callback(
        self,
        outputs: list[tuple[str, str]],
        inputs: list[tuple[str, str, object] | list[tuple]],
        state: list[tuple[str, str, object]] = (),
        changed: list[str] | None = None,
    ) -> Reply:
        """POST a hand-made callback request, as the Dash renderer would send it."""
        body = {
            "output": self.resolve_output(output_key(outputs)),
            "outputs": [{"id": i, "property": p} for i, p in outputs]
            if len(outputs) > 1
            else {"id": outputs[0][0], "property": outputs[0][1]},
            "inputs": [_prop(item) for item in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": changed
            if changed is not None
            else [f"{inputs[0][0]}.{inputs[0][1]}"],
        }
        return self.request(
            "_dash-update-component",
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
        )

    def resolve_output(self, key: str) -> str:
        """The server's name for these outputs (`allow_duplicate` outputs carry a hash suffix)."""
        if not hasattr(self, "_outputs"):
            reply = self.get("_dash-dependencies")
            self._outputs = [d["output"] for d in reply.json()] if reply.status == 200 else []
        for name in self._outputs:
            if re.sub(r"@[0-9a-f]+", "", name) == key:
                return name
        return key

    def open_page(self, path: str) -> Reply:
        """What the pages router sends for `path` (the page's layout), as a callback reply."""
        self.get(path)  # the router callback is registered on the server's first request
        return self.callback(
            [("_pages_content", "children"), ("_pages_store", "data")],
            [("_pages_location", "pathname", path), ("_pages_location", "search", "")],
            changed=["_pages_location.pathname"],
        )


USERS_OUTPUTS = [
    ("accounts-status", "children"),
    ("accounts-table-wrap", "children"),
    ("change-username", "options"),
    ("new-password", "value"),
    ("change-password", "value"),
]


USERS_BUTTONS = (
    "add-user-button",
    "change-role-button",
    "reset-password-button",
    "deactivate-button",
    "reactivate-button",
    "user-logout-everywhere-button",
)


def add_user_over_http(session: DashSession, name: str, role="agency", agency="Police"):
    """The accounts page's callback, as the browser sends it when "Add account" is pressed."""
    return session.callback(
        USERS_OUTPUTS,
        [(b, "n_clicks", 1 if b == "add-user-button" else None) for b in USERS_BUTTONS],
        [
            ("new-username", "value", name),
            ("new-role", "value", role),
            ("new-agency", "value", agency),
            ("new-password", "value", "a long pass phrase"),
            ("change-username", "value", None),
            ("change-role", "value", None),
            ("change-agency", "value", None),
            ("change-password", "value", None),
        ],
        changed=["add-user-button.n_clicks"],
    )


def change_account_over_http(
    session: DashSession, button: str, name: str, password: str | None = None
):
    """The accounts page's callback for a change to an existing account (`button`: for example
    "reset-password-button" or "deactivate-button"), as the browser sends it."""
    return session.callback(
        USERS_OUTPUTS,
        [(b, "n_clicks", 1 if b == button else None) for b in USERS_BUTTONS],
        [
            ("new-username", "value", None),
            ("new-role", "value", None),
            ("new-agency", "value", None),
            ("new-password", "value", None),
            ("change-username", "value", name),
            ("change-role", "value", None),
            ("change-agency", "value", None),
            ("change-password", "value", password),
        ],
        changed=[f"{button}.n_clicks"],
    )


def signed_in_opener(url: str, username: str, password: str):
    """A urllib opener holding the session cookie of `username`, signed in through the form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(url + "login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "username": username, "password": password, "next": "/"}
    login = urllib.request.Request(
        url + "login", urllib.parse.urlencode(form).encode(), {"Origin": url.rstrip("/")}
    )
    opener.open(login)
    assert any(c.name == "rpm_session" for c in jar)
    return opener
