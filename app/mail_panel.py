"""The messages part of a case page: send buttons, where messages go (mail server or outbox),
and every message of the case with what happened to it, failed ones with a retry button.
Shared by the set-up page (invitations) and the record page (the signed record)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from app.context import client_ip, get_store, require_user
from app.mail import MailSettings, retry, send, where_messages_go
from components.tables import data_table
from data.errors import StoreError
from data.messages import KIND_WORDS, STATUS_WORDS, list_messages

SEND_LABELS = {
    "invitation": "Send the invitations to every invitee",
    "record_to_attendees": "Send the signed record to the attendees",
    "to_business_unit": "Send the record and learning to the business unit",
}


def mail_settings() -> MailSettings:
    return MailSettings.from_env(get_store().path)


def messages_table(messages) -> html.Div:
    if not messages:
        return html.P("Nothing sent yet.", id="mail-table")
    rows = [
        html.Tr(
            [
                html.Td(f"{m.created_at:%d %b %Y %H:%M}"),
                html.Td(
                    KIND_WORDS[m.kind] + (f" (v{m.record_version})" if m.record_version else "")
                ),
                html.Td(m.recipients),
                html.Td(m.attachments or ""),
                html.Td(
                    [
                        STATUS_WORDS[m.status]
                        + (f" on {m.sent_at:%d %b %Y %H:%M}" if m.sent_at else ""),
                        html.Div(m.error, className="rpm-overdue") if m.error else None,
                        html.Div(f"File {m.outbox_file}", className="rpm-muted")
                        if m.status == "outbox"
                        else None,
                    ]
                ),
                html.Td(str(m.attempts), className="text-end"),
                html.Td(
                    dbc.Button(
                        "Try again",
                        id={"type": "mail-retry", "index": m.message_id},
                        color="secondary",
                        size="sm",
                    )
                    if m.retryable
                    else ""
                ),
            ]
        )
        for m in messages
    ]
    head = ("When", "What", "To", "Attached", "What happened", "Attempts", "")
    return data_table(
        [h or html.Th(html.Span("Retry", className="visually-hidden"), scope="col") for h in head],
        rows,
        caption="What was sent for this case, to whom and when",
        id="mail-table",
        className="rpm-table",
    )


def mail_section(
    case_ref: str, kinds: list[str], *, can_send: bool, heading: str, after: str | None = None
) -> html.Section:
    """`after` is the `mail` query value the page was reloaded with after sending."""
    store, user = get_store(), require_user()
    messages = [m for m in list_messages(store, user, case_ref) if m.kind in kinds]
    buttons = [
        dbc.Button(
            SEND_LABELS[kind],
            id={"type": "mail-send", "kind": kind},
            color="primary",
            className="me-2 mb-2",
        )
        for kind in kinds
    ]
    return html.Section(
        [
            html.H2(heading),
            html.P(where_messages_go(mail_settings()), id="mail-where"),
            dbc.Alert(AFTER[after][0], color=AFTER[after][1], id="mail-after")
            if after in AFTER
            else None,
            html.Div(buttons) if can_send else None,
            dcc.Loading(html.Div(id="mail-result", role="status"), type="circle"),
            messages_table(messages),
            dcc.Store(id="mail-case", data=case_ref),
            dcc.Location(id="mail-location", refresh=True),
        ],
        className="mb-5",
        id="mail-section",
    )


AFTER = {
    "done": ("The messages are handed over: what happened to each is listed below.", "success"),
    "failed": (
        "Some messages were not accepted: the reasons are listed below, with a retry button.",
        "danger",
    ),
    "outbox": (
        (
            "The messages are written to the outbox folder, not emailed: someone has to send"
            " them from there. The stage they complete is recorded as in the outbox, below and"
            " in the case's workflow."
        ),
        "warning",
    ),
}


def _words(messages, missing) -> str:
    counts = {}
    for m in messages:
        counts[m.status] = counts.get(m.status, 0) + 1
    parts = [f"{n} {STATUS_WORDS[s].split(':')[0].lower()}" for s, n in counts.items()]
    text = "Done: " + ", ".join(parts) + "."
    if missing:
        text += f" Not sent (no email address): {', '.join(missing)}."
    return text


@callback(
    Output("mail-result", "children"),
    Output("mail-location", "href"),
    Input({"type": "mail-send", "kind": ALL}, "n_clicks"),
    Input({"type": "mail-retry", "index": ALL}, "n_clicks"),
    State("mail-case", "data"),
    State("mail-location", "pathname"),
    prevent_initial_call=True,
)
def send_or_retry(send_clicks, retry_clicks, case_ref, pathname):
    trigger = ctx.triggered_id
    if not trigger or not any((send_clicks or []) + (retry_clicks or [])):
        raise PreventUpdate
    store, user = get_store(), require_user()
    try:
        if trigger["type"] == "mail-send":
            messages, missing = send(
                store, user, case_ref, trigger["kind"], mail_settings(), ip=client_ip()
            )
        else:
            messages = [
                retry(store, user, case_ref, int(trigger["index"]), mail_settings(), ip=client_ip())
            ]
            missing = []
    except StoreError as exc:
        return dbc.Alert(f"Not sent: {exc}", color="danger", id="mail-error"), no_update
    statuses = {m.status for m in messages}
    state = "failed" if "failed" in statuses else "outbox" if statuses == {"outbox"} else "done"
    n = sum(c or 0 for c in (send_clicks or []) + (retry_clicks or []))
    # The page reloads so that the stages the messages completed show; the table then says
    # what happened to each message.
    return _words(messages, missing), f"{pathname}?mail={state}&n={n}"
