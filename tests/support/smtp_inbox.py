"""A real SMTP server for tests, on 127.0.0.1 (aiosmtpd), keeping what it accepted."""

from __future__ import annotations

import email
from contextlib import contextmanager
from email import policy

from aiosmtpd.controller import Controller

from tests.support.server import free_port


class Inbox:
    """An SMTP handler keeping what it accepted; refuses addresses listed in `refuse`."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted"


@contextmanager
def smtp_server():
    """(inbox, port) of a running server, stopped afterwards."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
