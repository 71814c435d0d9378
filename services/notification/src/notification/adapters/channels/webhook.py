"""Webhooks: a signed JSON POST to the tenant's endpoint, behind a circuit breaker per origin.

The signature is HMAC-SHA256 over f"{timestamp}." + body, sent as `v1=<hex>`; receivers check
it with `verify` (docs/webhooks.md) and drop repeats by X-Casebridge-Delivery.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx

from notification.adapters.channels import Message, Permanent, Retryable
from notification.adapters.channels.retry import backoff

__all__ = ["CircuitBreaker", "WebhookChannel", "backoff", "sign", "verify"]

RETRY_STATUSES = frozenset({408, 425, 429})   # and every 5xx
USER_AGENT = "casebridge-webhook/1"


def sign(secret: bytes, timestamp: int | str, body: bytes) -> str:
    """The X-Casebridge-Signature value for this body at this timestamp."""
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(secret: bytes, timestamp: int | str, body: bytes, signature: str, *, now: float,
           tolerance_s: float = 300) -> bool:
    """Whether a received webhook is ours and fresh: constant-time, stale ones refused."""
    if not signature:
        return False
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - sent) > tolerance_s:   # a replay of an old, validly signed request
        return False
    return hmac.compare_digest(sign(secret, sent, body).encode(), signature.encode())


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None


class CircuitBreaker:
    """Stops calling an endpoint that keeps failing, then lets one trial through.

    After `threshold` consecutive failures the circuit opens for `cooldown_s`; the first call
    after that is the trial (and re-arms the cool-down, so concurrent calls still wait); its
    success closes the circuit, its failure opens it again.
    """

    def __init__(self, *, threshold: int = 5, cooldown_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if threshold < 1 or cooldown_s < 0:
            raise ValueError("a breaker needs threshold >= 1 and cooldown_s >= 0")
        self.threshold, self.cooldown_s = threshold, cooldown_s
        self._clock = clock
        self._circuits: dict[str, _Circuit] = {}

    def allow(self, key: str) -> bool:
        circuit = self._circuits.get(key)
        if circuit is None or circuit.opened_at is None:
            return True
        now = self._clock()
        if now - circuit.opened_at < self.cooldown_s:
            return False
        circuit.opened_at = now   # half-open: this caller is the one trial
        return True

    def succeeded(self, key: str) -> None:
        self._circuits.pop(key, None)

    def failed(self, key: str) -> None:
        circuit = self._circuits.setdefault(key, _Circuit())
        circuit.failures += 1
        if circuit.opened_at is not None or circuit.failures >= self.threshold:
            circuit.opened_at = self._clock()

    def is_open(self, key: str) -> bool:
        circuit = self._circuits.get(key)
        return circuit is not None and circuit.opened_at is not None


class WebhookChannel:
    """POSTs the message as signed JSON to `message.to`, an http(s) URL."""

    name = "webhook"

    def __init__(self, *, secret: bytes, timeout: float = 10,
                 client: httpx.AsyncClient | None = None, breaker: CircuitBreaker | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._secret = secret
        self._owns_client = client is None
        self._client = httpx.AsyncClient() if client is None else client
        self._timeout = httpx.Timeout(timeout)
        # httpx's timeout bounds each read: an endpoint that trickles its answer a byte at a
        # time would hold the delivery (and its sender) for as long as it liked
        self._deadline = 3 * timeout
        self.breaker = breaker or CircuitBreaker(clock=clock)

    async def aclose(self) -> None:
        """Close the HTTP client if this channel made it."""
        if self._owns_client:
            await self._client.aclose()

    async def send(self, message: Message) -> str:
        """Deliver once; the receiver's HTTP status (2xx) as the reference."""
        origin = _origin(message.to)
        timestamp = int(time.time())
        body = encode(message, sent_at=timestamp)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "X-Casebridge-Delivery": message.delivery_id,
                   "X-Casebridge-Timestamp": str(timestamp),
                   "X-Casebridge-Signature": sign(self._secret, timestamp, body)}
        if not self.breaker.allow(origin):
            raise Retryable(f"circuit open for {origin}")
        try:
            status = await self._post(message.to, origin, body, headers)
        except Retryable:
            self.breaker.failed(origin)
            raise
        self.breaker.succeeded(origin)   # it answered, even if with a 4xx
        if not 200 <= status < 300:
            raise Permanent(f"{origin} answered {status}")
        return str(status)

    async def _post(self, url: str, origin: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            # streamed: the status is all we need, so a large reply body is never downloaded
            async with asyncio.timeout(self._deadline), self._client.stream(
                    "POST", url, content=body, headers=headers, timeout=self._timeout,
                    follow_redirects=False) as response:
                status = response.status_code
        except httpx.TransportError as e:   # timeouts, refused and dropped connections
            raise Retryable(f"{origin}: {type(e).__name__} {e}".rstrip()) from e
        except TimeoutError as e:
            raise Retryable(f"{origin}: no answer within {self._deadline:g} s") from e
        if status in RETRY_STATUSES or 500 <= status < 600:
            raise Retryable(f"{origin} answered {status}")
        return status


def encode(message: Message, *, sent_at: int) -> bytes:
    """The JSON body: compact UTF-8, Chinese as is."""
    payload = {"id": message.delivery_id, "type": message.event_type,
               "tenant": message.tenant_id, "subject": message.subject, "body": message.body,
               "data": message.data,
               "sent_at": datetime.fromtimestamp(sent_at, UTC).isoformat()}
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"),
                          default=_json_default)
    except (TypeError, ValueError) as e:
        raise Permanent(f"message data is not JSON: {e}") from e
    return text.encode("utf-8")


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _origin(url: str) -> str:
    """scheme://host[:port], the circuit breaker's key; anything but http(s) is refused."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as e:
        raise Permanent(f"not a webhook URL: {e}") from e
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise Permanent("a webhook URL must be http(s)://host/…")
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
