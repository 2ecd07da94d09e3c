"""Security over real HTTP against the real server: who may open which page and call which
callback (hand-made requests, not only the layout), security headers, lockout, sign out
everywhere, deactivation and secure cookies. (The idle limit is checked in process, on a clock
the test moves: tests/callbacks/test_idle_clock.py.)"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import urllib.parse
import urllib.request

import pytest

from app.plotly_bundle import BUNDLE
from tests.support.dash_http import DashSession, add_user_over_http, change_account_over_http
from tests.support.server import ADMIN_PASSWORD, served

PASSWORD = "a long pass phrase"
AUDIT_FILTERS = [
    ("audit-actor", "value", None),
    ("audit-action", "value", "any"),
    ("audit-case", "value", None),
    ("audit-subject", "value", None),
    ("audit-from", "value", None),
    ("audit-to", "value", None),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory, served_demo_template):
    tmp = tmp_path_factory.mktemp("http-security")
    shutil.copyfile(served_demo_template, tmp / "rpm.duckdb")
    with served(tmp) as url:
        admin = DashSession(url)
        assert admin.sign_in("admin", ADMIN_PASSWORD).status == 302
        for name, role, agency in [
            ("pc", "agency", "Police"),
            ("probation", "agency", "Probation"),
            ("chair", "chair", ""),
            ("crc", "crc", ""),
            ("locky", "agency", "Police"),
            ("twice", "agency", "Police"),
            ("leaver", "agency", "Police"),
        ]:
            reply = add_user_over_http(admin, name, role, agency)
            assert f"Added {name}" in reply.body, reply.body[:300]
        yield url, admin, tmp


def signed_in(url, name, password=PASSWORD) -> DashSession:
    session = DashSession(url)
    assert session.sign_in(name, password).status == 302
    return session


def test_security_headers_on_pages_callbacks_and_sign_in(server):
    url, admin, _ = server
    replies = {
        "login": DashSession(url).get("login"),
        "page": admin.get("cases/DEMO-J"),
        "callback": admin.open_page("/cases/DEMO-J"),
        "asset": admin.get("assets/app.css"),
    }
    for name, reply in replies.items():
        assert reply.status == 200, name
        headers = reply.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, name
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], name
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    for name in ("login", "page", "callback"):
        assert replies[name].headers["Cache-Control"] == "no-store", name
    assert "no-store" not in replies["asset"].headers.get("Cache-Control", "")
    cookie = replies["login"].headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_case_page_names_its_chart_scripts_by_fingerprint_and_the_browser_may_keep_them(
    server,
):
    _, admin, _ = server
    page = admin.get("cases/DEMO-J").body
    named = re.search(r'<meta name="rpm-chart-scripts" content="([^"]+)"', page)
    assert named, "the case page names no chart scripts"
    paths = named.group(1).split()
    assert [p.split("/")[-1].split(".")[0] for p in paths] == ["plotly", "async-graph"]
    for path in paths:
        reply = admin.get(f"_dash-component-suites/{path}")
        assert reply.status == 200, path
        assert "max-age=31536000" in reply.headers["Cache-Control"], path
        assert "private" in reply.headers["Cache-Control"], path  # not kept by proxies
        # kept when the session cookie changes (each click moves the idle clock): with
        # `Vary: Cookie` the browser fetched and compiled plotly.js again on every case open
        assert "cookie" not in reply.headers.get("Vary", "").lower(), path
        assert len(reply.body) > 10_000, path  # the script itself, not an error page
    # plotly.js is the app's own bundle (app/plotly_bundle.py), by either name; by the plain
    # one, which Dash's graph component asks for, or an older version's, it is checked with the
    # server each time
    bundle = BUNDLE.read_text(encoding="utf-8")
    kept = admin.get(f"_dash-component-suites/{paths[0]}")
    assert kept.body == bundle
    assert kept.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    for other in ("plotly.min.js", "plotly.v4_1_0m1700000000.min.js"):
        reply = admin.get(f"_dash-component-suites/plotly/package_data/{other}")
        assert reply.body == bundle and "max-age=31536000" not in reply.headers["Cache-Control"]


def test_the_pages_assets_by_their_versioned_names_are_kept_and_the_first_answers_asked_at_once(
    server,
):
    _, admin, _ = server
    page = admin.get("cases/DEMO-J").body
    versioned = re.findall(r'(?:src|href)="/(assets/[^"?]+\?m=[^"]+)"', page)
    assert {"assets/timeline.js", "assets/app.css", "assets/regenerator-runtime.js"} <= {
        v.split("?")[0] for v in versioned
    }
    assert "polyfill" not in page  # Dash's @babel/polyfill (app/server.py)
    assert "assets/vendor/" not in page  # the plotly.js bundle: only when asked for
    for path in versioned:
        reply = admin.get(path)
        assert reply.status == 200, path
        assert reply.headers["Cache-Control"] == "private, max-age=31536000, immutable", path
    # the same file by its plain name (the sign-in page's) or by a time it no longer has (an
    # older page's) is checked with the server each time
    assert "immutable" not in admin.get("assets/app.css").headers["Cache-Control"]
    assert "immutable" not in admin.get("assets/app.css?m=1700000000.5").headers["Cache-Control"]
    # the renderer's first two requests, started by the page before its scripts have run
    for path in ("_dash-layout", "_dash-dependencies"):
        assert f'<link rel="preload" href="/{path}" as="fetch" crossorigin>' in page


def test_admin_pages_and_callbacks_refuse_everyone_else(server):
    url, admin, _ = server
    for name in ("pc", "chair", "crc"):
        session = signed_in(url, name)
        for path in ("/admin/users", "/admin/audit"):
            page = session.open_page(path)
            assert page.status == 200
            assert "You cannot open this page" in page.body
            assert "accounts-table" not in page.body and "audit-table" not in page.body
        # Hand-made callback requests are refused by the server, whatever they carry.
        assert add_user_over_http(session, f"made-by-{name}", "admin", "").status == 403
        search = session.callback(
            [("audit-results", "children"), ("audit-error", "children")],
            [("audit-search", "n_clicks", 1)],
            AUDIT_FILTERS,
        )
        assert search.status == 403
        download = session.callback(
            [("audit-download", "data"), ("audit-error", "children")],
            [("audit-download-button", "n_clicks", 1)],
            AUDIT_FILTERS,
        )
        assert download.status == 403
    accounts = admin.open_page("/admin/users").body
    assert "made-by-" not in accounts
    refused = admin.callback(
        [("audit-results", "children"), ("audit-error", "children")],
        [("audit-search", "n_clicks", 1)],
        [("audit-actor", "value", "pc"), *AUDIT_FILTERS[1:]],
    )
    assert refused.status == 200
    assert "Access refused" in refused.text and "/admin/users: not an administrator" in refused.text


def test_case_pages_only_for_those_who_may_open_the_case(server):
    url, admin, _ = server
    officer = signed_in(url, "pc")  # Police takes part in the demo case
    assert "Child J (fictional demo)" in officer.open_page("/cases/DEMO-J").body
    for name in ("probation", "chair", "crc"):
        session = signed_in(url, name)
        page = session.open_page("/cases/DEMO-J")
        assert page.status == 200
        assert "Case not found" in page.body and "Child J" not in page.body
        home = session.open_page("/").text
        assert "DEMO-J" not in home
        assert "rpm-timeline" not in home and "`" not in home  # no command line for them
    assert (
        "Your agency takes part in no case yet" in signed_in(url, "probation").open_page("/").text
    )
    assert "do not open case timelines" in signed_in(url, "crc").open_page("/").text
    refused = admin.callback(
        [("audit-results", "children"), ("audit-error", "children")],
        [("audit-search", "n_clicks", 1)],
        [("audit-actor", "value", "probation"), ("audit-action", "value", "access_refused"),
         ("audit-case", "value", "DEMO-J"), *AUDIT_FILTERS[3:]],
    )  # fmt: skip
    assert "case page: not found or not allowed" in refused.text


def test_audit_download_is_formula_safe_and_itself_audited(server):
    url, admin, _ = server
    DashSession(url).sign_in('=HYPERLINK("http://evil")', "wrong password")
    reply = admin.callback(
        [("audit-download", "data"), ("audit-error", "children")],
        [("audit-download-button", "n_clicks", 1)],
        AUDIT_FILTERS,
    )
    assert reply.status == 200
    download = reply.json()["response"]["audit-download"]["data"]
    rows = list(csv.reader(io.StringIO(download["content"])))
    cells = [c for row in rows for c in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    search = admin.callback(
        [("audit-results", "children"), ("audit-error", "children")],
        [("audit-search", "n_clicks", 1)],
        [
            ("audit-actor", "value", "admin"),
            ("audit-action", "value", "export"),
            *AUDIT_FILTERS[2:],
        ],
    )
    assert "audit CSV" in search.body


def test_lockout_after_five_failed_sign_ins(server):
    url, admin, _ = server
    for _ in range(5):
        assert DashSession(url).sign_in("locky", "not the password").status == 401
    locked = DashSession(url).sign_in("locky", PASSWORD)
    assert locked.status == 429
    assert "Too many failed sign-ins" in locked.body
    # An administrator's password reset lifts it.
    reply = change_account_over_http(
        admin, "reset-password-button", "locky", "a brand new pass phrase"
    )
    assert "New password set for locky" in reply.body
    assert DashSession(url).sign_in("locky", "a brand new pass phrase").status == 302


def test_sign_out_everywhere_ends_every_session(server):
    url, _, _ = server
    laptop, phone = signed_in(url, "twice"), signed_in(url, "twice")
    assert phone.open_page("/").status == 200
    # Without the form token nothing happens.
    assert laptop.post_form("logout-everywhere", {}).status == 302
    assert phone.open_page("/").status == 200
    done = laptop.post_form("logout-everywhere", {"csrf_token": laptop.csrf_token()})
    assert done.status == 302 and "notice=everywhere" in done.headers["Location"]
    assert phone.open_page("/").status == 401
    assert laptop.open_page("/").status == 401
    assert "/login" in phone.get("cases/DEMO-J").headers["Location"]
    assert signed_in(url, "twice").open_page("/").status == 200


def test_deactivated_account_is_signed_out_at_once(server):
    url, admin, _ = server
    leaver = signed_in(url, "leaver")
    assert leaver.open_page("/").status == 200
    reply = change_account_over_http(admin, "deactivate-button", "leaver")
    assert "leaver is deactivated" in reply.body
    assert leaver.open_page("/").status == 401
    assert DashSession(url).sign_in("leaver", PASSWORD).status == 401


def _cookie(reply) -> str:
    return re.search(r"(rpm_session=[^;]+)", reply.headers["Set-Cookie"]).group(1)


def test_secure_cookies(tmp_path):
    """A server configured for HTTPS: its cookies are Secure and it asks for HTTPS from then on."""
    with served(tmp_path, env={"RPM_SECURE_COOKIES": "1"}) as url:
        # A browser sends a Secure cookie only over HTTPS; this test plays the browser by hand.
        form = urllib.request.urlopen(url + "login")
        set_cookie = form.headers["Set-Cookie"]
        assert "Secure" in set_cookie and "HttpOnly" in set_cookie
        assert form.headers["Strict-Transport-Security"].startswith("max-age=")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.read().decode()).group(1)
        session = DashSession(url)
        signed = session.request(
            "login",
            urllib.parse.urlencode(
                {"csrf_token": token, "username": "admin", "password": ADMIN_PASSWORD}
            ).encode(),
            {"Cookie": re.search(r"(rpm_session=[^;]+)", set_cookie).group(1)},
        )
        assert signed.status == 302
        signed_cookie = signed.headers["Set-Cookie"]
        assert "Secure" in signed_cookie and "HttpOnly" in signed_cookie
        cookie = {"Cookie": _cookie(signed)}
        assert session.request("_dash-layout", headers=cookie).status == 200


def test_state_changing_requests_from_another_origin_are_refused(server):
    from data.backup import read_server_info

    url, admin, tmp = server
    here = url.rstrip("/")
    body = json.dumps(
        {"output": "audit-results.children", "inputs": [], "changedPropIds": []}
    ).encode()
    json_type = {"Content-Type": "application/json"}
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "", "Referer": "http://evil.example/page"},
        {"Origin": ""},  # neither header: not from one of our pages
        {"Origin": f"http://evil.example/{here}"},
    ):
        refused = admin.request("_dash-update-component", body, {**json_type, **headers})
        assert refused.status == 403, headers
        assert "did not come from this server" in refused.body
    # The same request from this server's pages goes through (Referer alone is enough).
    ok = admin.request("_dash-update-component", body, {**json_type, "Origin": "", "Referer": url})
    assert ok.status != 403
    # Forms: sign-in and sign-out posted from another site do nothing.
    other = DashSession(url)
    fields = {"csrf_token": admin.csrf_token(), "username": "admin", "password": ADMIN_PASSWORD}
    evil = {"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
    assert other.request("login", urllib.parse.urlencode(fields).encode(), evil).status == 403
    assert admin.request("logout", urllib.parse.urlencode(fields).encode(), evil).status == 403
    assert admin.open_page("/").status == 200  # still signed in
    # The backup API, even with its token.
    token = read_server_info(tmp / "rpm.duckdb")["token"]
    backup = admin.request(
        "_rpm/backup", b"", {"Authorization": f"Bearer {token}", "Origin": "http://evil.example"}
    )
    assert backup.status == 403
