"""Sending without a mail server, as the set-up page does it: the invitations go to the outbox
folder, and the page says so (the messages table and the stage they complete), never 'sent'."""

from __future__ import annotations

from app import mail_panel
from data.users import get_user
from tests.support.callbacks import as_user, find, page, text_of
from tests.support.rpm_case import CASE


def test_invitations_written_to_the_outbox_are_said_so_on_the_set_up_page(
    rpm_app, tmp_path, monkeypatch
):
    app, store = rpm_app
    monkeypatch.delenv("RPM_SMTP_HOST", raising=False)
    monkeypatch.setenv("RPM_OUTBOX", str(tmp_path / "outbox"))
    chair = get_user(store, "pokafor")
    with as_user(app, chair, triggered='{"kind":"invitation","type":"mail-send"}.n_clicks'):
        words, href = mail_panel.send_or_retry([1], [], CASE, f"/cases/{CASE}/setup")
    assert (
        words == "Done: 2 in the outbox folder, not sent. Not sent (no email address): Priya Shah."
    )
    assert href.startswith(f"/cases/{CASE}/setup?mail=outbox")
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    with as_user(app, chair):
        shown = page("case_setup").layout(case_ref=CASE, mail="outbox")
    assert "written to the outbox folder, not emailed" in text_of(find(shown, "mail-after"))
    assert "No mail server is configured" in text_of(find(shown, "mail-where"))
    table = text_of(find(shown, "mail-table"))
    assert table.count("In the outbox folder, not sent") == 2 and "accepted" not in table
    workflow = text_of(find(shown, "workflow-table"))
    assert "Done: in the outbox folder, not emailed" in workflow
    assert "Invitation written to the outbox folder for Alex Brown and Jo Green" in workflow
