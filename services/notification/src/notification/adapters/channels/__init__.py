"""Channels: how a rendered message leaves the service (e-mail, webhook, SMS). Each adapter
sends one message or says why not: Retryable (try again later) or Permanent (give up now).

The delivery engine calls `send` at least once per delivery and at most until it succeeds;
`message.delivery_id` is stable across attempts so receivers can drop a repeat (it is the
e-mail's Message-ID, the webhook's X-Casebridge-Delivery header, the SMS OutId).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from notification.adapters.channels.retry import backoff

__all__ = ["Channel", "Message", "Permanent", "Retryable", "WebhookFactory", "backoff"]


@dataclass(frozen=True)
class Message:
    delivery_id: str
    to: str                       # an e-mail address, a webhook URL, a phone number
    subject: str
    body: str                     # plain text, already rendered
    event_type: str = ""          # e.g. "acknowledgement" (the template's name)
    tenant_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)   # structured fields (webhook JSON)
    html: str | None = None


class Retryable(Exception):
    """A failure that may pass: a timeout, a 5xx, a 429, a refused connection."""


class Permanent(Exception):
    """A failure that will not pass by retrying: a 4xx, a rejected address, a bad template."""


class Channel(Protocol):
    name: str

    async def send(self, message: Message) -> str:
        """Send it; the provider's reference for it (message id, HTTP status, BizId)."""
        ...


WebhookFactory = Callable[[bytes], Channel]   # a webhook channel for one endpoint's secret
