"""Slow and stuck peers over real sockets: a webhook endpoint that trickles its answer and an
SMTP relay that accepts and never answers (or trickles its greeting) fail the attempt within
a bounded time as Retryable, so the delivery is retried with backoff and dies after its
attempts as documented, instead of holding its sender."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from casebridge_platform.config import Settings
from notification.adapters.channels import Message, Retryable
from notification.adapters.channels.email import SmtpChannel
from notification.adapters.channels.webhook import WebhookChannel
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.integration.conftest import started

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


# one database: the relay's hang is the same on both, and the test waits out an SMTP timeout
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_the_platform_answers_while_the_smtp_relay_hangs(
        settings: Settings, spans: InMemorySpanExporter, tmp_path: Path) -> None:
    """The complainant's 受理回执 goes to a relay that accepts and never answers: the API keeps
    answering at once, the in-app notices are delivered, and the e-mail's attempt ends as a
    timeout, to be retried with backoff (and dead after its attempts, as documented)."""
    async with peer(silent) as port, started(settings, tmp_path, smtp_host="127.0.0.1",
                                             smtp_port=port) as platform:
        clerk, admin = platform.auth(), platform.auth("demo-hospital", "admin", "hosp-admin")
        answer = await platform.http.post("/v1/complaints", headers=clerk, json={
            "kind": "complaint", "channel": "phone", "content": "护士输液时态度恶劣",
            "complainant": {"name": "张三", "phone": "13800000000",
                            "email": "zhangsan@example.org"}})
        assert answer.status_code == 201, answer.text
        case_id = answer.json()["case_id"]
        await platform.wait_for_case(case_id, lambda c: "accept" in c["allowed_actions"], clerk)
        accepted = await platform.http.post(f"/v1/cases/{case_id}/actions", headers=clerk,
                                            json={"action": "accept"})
        assert accepted.status_code == 200, accepted.text        # the 受理回执 is due
        slowest, email = 0.0, None
        deadline = asyncio.get_running_loop().time() + 30
        while asyncio.get_running_loop().time() < deadline:
            began = asyncio.get_running_loop().time()
            listed = await platform.http.get(f"/v1/deliveries?case_id={case_id}",
                                             headers=admin)
            slowest = max(slowest, asyncio.get_running_loop().time() - began)
            email = next((d for d in listed.json() if d["channel"] == "email"), None)
            if email and email["last_error"]:
                break
            await asyncio.sleep(0.2)
        assert email is not None and email["status"] == "retrying", email
        # (full jitter may make the retry come at once: it too ends as a timeout)
        assert email["attempts"] >= 1 and "smtp" in email["last_error"].lower(), email
        assert slowest < 1.0                      # the API never waited for the relay
        assert any(d["channel"] == "in_app" and d["status"] == "delivered"
                   for d in listed.json()), listed.json()
