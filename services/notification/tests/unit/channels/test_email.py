"""E-mail against a real SMTP server (aiosmtpd): what arrives, and how refusals are told apart."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from casebridge_platform.devstack import free_port
from notification.adapters.channels import Message, Permanent, Retryable
from notification.adapters.channels.email import SmtpChannel

SENDER = "投诉受理中心 <noreply@hospital.example>"
MESSAGE = Message(delivery_id="dlv-0001", to="complainant@example.org",
                  subject="受理回执：案件 CC-2026-000001", event_type="acknowledgement",
                  body="您的投诉（案件编号 CC-2026-000001）已受理。",
                  html="<p>您的投诉（案件编号 <b>CC-2026-000001</b>）已受理。</p>")


class Inbox:
    """Accepts everything and keeps the envelopes."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


class Refusing:
    """Answers `reply` at one stage of the transaction (MAIL, RCPT or DATA)."""

    def __init__(self, stage: str, reply: str) -> None:
        self.stage, self.reply = stage, reply

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.stage == "MAIL":
            return self.reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.stage == "RCPT":
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.reply if self.stage == "DATA" else "250 OK"


@contextmanager
def smtp_server(handler: Any) -> Iterator[int]:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


async def test_the_mail_arrives_with_its_headers_and_chinese_intact() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        reference = await SmtpChannel("127.0.0.1", port, sender=SENDER).send(MESSAGE)

    assert reference == "<dlv-0001@casebridge>"
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "noreply@hospital.example"
    assert envelope.rcpt_tos == ["complainant@example.org"]
    mail = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert mail["Subject"] == "受理回执：案件 CC-2026-000001"
    assert mail["From"] == SENDER and mail["To"] == "complainant@example.org"
    assert mail["Message-ID"] == "<dlv-0001@casebridge>"
    assert parsedate_to_datetime(mail["Date"]).tzinfo is not None
    assert mail.get_body(("plain",)).get_content().strip() == MESSAGE.body
    assert "<b>CC-2026-000001</b>" in mail.get_body(("html",)).get_content()


async def test_a_plain_message_has_no_html_part() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        await SmtpChannel("127.0.0.1", port, sender=SENDER).send(
            Message(delivery_id="dlv-0002", to="a@example.org", subject="s", body="正文"))
    mail = email.message_from_bytes(inbox.envelopes[0].original_content,
                                    policy=email.policy.default)
    assert not mail.is_multipart() and mail.get_content().strip() == "正文"


@pytest.mark.parametrize(("stage", "reply", "outcome"), [
    ("RCPT", "550 5.1.1 no such user", Permanent),
    ("RCPT", "553 5.1.3 mailbox name not allowed", Permanent),
    ("RCPT", "450 4.2.1 mailbox busy", Retryable),
    ("RCPT", "451 4.3.0 local error", Retryable),
    ("RCPT", "452 4.3.1 insufficient storage", Retryable),
    ("MAIL", "421 4.3.2 shutting down", Retryable),
    ("DATA", "451 4.7.1 greylisted, try again later", Retryable),
    ("DATA", "554 5.7.1 rejected as spam", Permanent),
])
async def test_4xx_replies_are_retryable_and_5xx_permanent(
        stage: str, reply: str, outcome: type[Exception]) -> None:
    with smtp_server(Refusing(stage, reply)) as port, pytest.raises(outcome) as raised:
        await SmtpChannel("127.0.0.1", port, sender=SENDER).send(MESSAGE)
    assert reply[:3] in str(raised.value)


async def test_a_closed_port_is_retryable() -> None:
    with pytest.raises(Retryable):
        await SmtpChannel("127.0.0.1", free_port(), sender=SENDER, timeout=2).send(MESSAGE)


async def test_a_server_that_never_greets_times_out_retryably(silent_port: int) -> None:
    with pytest.raises(Retryable):
        await SmtpChannel("127.0.0.1", silent_port, sender=SENDER, timeout=0.2).send(MESSAGE)


async def test_a_line_break_in_the_address_is_refused_before_sending() -> None:
    smuggled = Message(delivery_id="dlv-0003", to="a@example.org\r\nBcc: all@example.org",
                       subject="s", body="b")
    with pytest.raises(Permanent):
        await SmtpChannel("127.0.0.1", free_port(), sender=SENDER).send(smuggled)


def test_tls_modes_exclude_each_other() -> None:
    with pytest.raises(ValueError, match="exclude"):
        SmtpChannel("smtp.example.org", 465, sender=SENDER, starttls=True, use_tls=True)
