"""E-mail over SMTP (aiosmtplib): one message per delivery, its Message-ID the delivery id."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from notification.adapters.channels import Message, Permanent, Retryable


class SmtpChannel:
    """Sends through one SMTP relay (submission port, optionally authenticated and TLS)."""

    name = "email"

    def __init__(self, host: str, port: int, *, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, use_tls: bool = False,
                 timeout: float = 10) -> None:
        if starttls and use_tls:
            raise ValueError("starttls and use_tls exclude each other")
        self.host, self.port, self.sender = host, port, sender
        self._username, self._password = username, password
        self._starttls, self._use_tls, self._timeout = starttls, use_tls, timeout

    async def send(self, message: Message) -> str:
        """Hand the message to the relay; its Message-ID once the relay accepted it."""
        try:
            mail = compose(message, sender=self.sender)
        except (ValueError, TypeError) as e:   # e.g. a line break in an address
            raise Permanent(f"cannot compose the e-mail: {e}") from e
        try:
            await aiosmtplib.send(
                mail, hostname=self.host, port=self.port, username=self._username,
                password=self._password, start_tls=self._starttls, use_tls=self._use_tls,
                timeout=self._timeout)
        except (aiosmtplib.SMTPException, OSError) as e:
            raise classify(e) from e
        return str(mail["Message-ID"])


def message_id(delivery_id: str) -> str:
    return f"<{delivery_id}@casebridge>"


def compose(message: Message, *, sender: str, now: datetime | None = None) -> EmailMessage:
    """The MIME message: UTF-8 headers and text, and an HTML alternative when there is one."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(now or datetime.now(UTC))
    mail["Message-ID"] = message_id(message.delivery_id)
    mail.set_content(message.body, charset="utf-8")
    if message.html:
        mail.add_alternative(message.html, subtype="html", charset="utf-8")
    return mail


def classify(error: Exception) -> Retryable | Permanent:
    """SMTP 5xx will not pass (Permanent); 4xx, timeouts and lost connections may (Retryable)."""
    code = _reply_code(error)
    if code is not None and 500 <= code < 600:
        return Permanent(f"smtp {code}: {error}")
    if code is None and isinstance(error, aiosmtplib.SMTPNotSupported):
        return Permanent(f"smtp: {error}")   # e.g. STARTTLS required but not offered
    return Retryable(f"smtp {code or 'error'}: {error}")


def _reply_code(error: Exception) -> int | None:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):   # one per refused recipient
        return max((r.code for r in error.recipients), default=None)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return error.code
    return None
