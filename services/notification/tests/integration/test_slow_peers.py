"""Slow and stuck peers over real sockets: a webhook endpoint that trickles its answer and an
SMTP relay that accepts and never answers (or trickles its greeting) fail the attempt within
a bounded time as Retryable, so the delivery is retried with backoff and dies after its
attempts as documented, instead of holding its sender."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from notification.adapters.channels import Message, Retryable
from notification.adapters.channels.email import SmtpChannel
from notification.adapters.channels.webhook import WebhookChannel

Peer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
TIMEOUT = 0.5          # per step; a whole attempt gets three times that


@contextlib.asynccontextmanager
async def peer(handle: Peer) -> AsyncIterator[int]:
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(1):
                await server.wait_closed()


async def trickle(writer: asyncio.StreamWriter, head: bytes) -> None:
    """One byte every 0.2 s, for a minute: each read gets something, none times out."""
    with contextlib.suppress(ConnectionError):
        for byte in head + b"X" * 300:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)


async def trickling_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    await trickle(writer, b"HTTP/1.1 200 OK\r\nX-Pad: ")


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(60)                       # accepts, and never says a word


async def trickling_smtp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await trickle(writer, b"220-")


def message(to: str) -> Message:
    return Message(delivery_id="0b7f3a3e-0000-4000-8000-000000000001", to=to,
                   subject="受理回执", body="您的投诉已受理", event_type="acknowledgement")


async def attempt(send: Awaitable[str]) -> float:
    """How long the attempt took to fail as Retryable."""
    began = asyncio.get_running_loop().time()
    with pytest.raises(Retryable):
        async with asyncio.timeout(10):          # before the fix: a minute, then 200 OK
            await send
    return asyncio.get_running_loop().time() - began


async def test_a_trickling_webhook_endpoint_fails_the_attempt_in_bounded_time() -> None:
    async with peer(trickling_http) as port:
        channel = WebhookChannel(secret=b"s" * 32, timeout=TIMEOUT)
        try:
            took = await attempt(channel.send(message(f"http://127.0.0.1:{port}/hook")))
        finally:
            await channel.aclose()
    assert took < 3 * TIMEOUT + 1


@pytest.mark.parametrize("relay", [silent, trickling_smtp])
async def test_an_smtp_relay_that_never_answers_fails_the_attempt(relay: Peer) -> None:
    async with peer(relay) as port:
        channel = SmtpChannel("127.0.0.1", port, sender="casebridge@example.org",
                               timeout=TIMEOUT)
        took = await attempt(channel.send(message("patient@example.org")))
    assert took < 3 * TIMEOUT + 1
