"""Steps of the flowchart that several browser tests take the same way: the mail settings of a
server sending to the test's SMTP server, an agency's RPM request, a briefing delivered, and a
document fetched with a signed-in session."""

from __future__ import annotations

from tests.support.dash_http import signed_in_opener

BUSINESS_UNIT = "business.unit@partnership.example"


def smtp_env(port: int) -> dict[str, str]:
    """The environment of a server that sends through the test's SMTP server on 127.0.0.1."""
    return {
        "RPM_SMTP_HOST": "127.0.0.1",
        "RPM_SMTP_PORT": str(port),
        "RPM_MAIL_FROM": "rpm@partnership.example",
        "RPM_BUSINESS_UNIT_EMAIL": BUSINESS_UNIT,
    }


def fill_rpm_request(page, label: str) -> None:
    """An agency user's request form (on the requests page), filled in; not yet sent."""
    page.fill("#req-label", label)
    page.fill("#req-reason", "Three referrals in a year with no strategy discussion.")
    page.fill("#req-agencies", "Police, school, children's social care")
    page.fill("#req-learning", "Why the referrals were not joined up.")
    page.check("#req-urgency input[value=urgent]")


def deliver_briefing(page, audience: str, attended: int, agency: str) -> None:
    """On the explorer's briefings tab, a briefing subject chosen: record it delivered."""
    page.wait_for_selector("#briefing-download-pdf")
    page.fill("#briefing-audience", audience)
    page.fill("#briefing-attended", str(attended))
    page.click(f"#briefing-agencies label:has-text('{agency}')")
    page.click("#briefing-save")
    page.wait_for_selector("#briefing-message .alert-success")


def fetch(url: str, username: str, password: str, href: str) -> bytes:
    """A document link's bytes, fetched signed in as this user."""
    with signed_in_opener(url, username, password).open(url.rstrip("/") + href, timeout=120) as r:
        return r.read()
