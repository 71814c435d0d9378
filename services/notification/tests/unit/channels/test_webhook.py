"""Webhooks against a real HTTP receiver (uvicorn): the signature, status codes, the breaker."""

from __future__ import annotations

import hmac
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from casebridge_platform.devstack import free_port
from notification.adapters.channels import Message, Permanent, Retryable
from notification.adapters.channels.webhook import (
    CircuitBreaker,
    WebhookChannel,
    encode,
    sign,
    verify,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SECRET = b"whsec-test-0123456789"
GUIDE = Path(__file__).parents[5] / "docs" / "webhooks.md"
DATA = {"case_number": "CC-2026-000001", "department": "医务处", "due_at": "2026-11-25"}


@dataclass
class Received:
    path: str
    headers: httpx.Headers
    body: bytes


@dataclass
class Receiver:
    """Answers /hook/{status} with that status and keeps every request."""

    requests: list[Received] = field(default_factory=list)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            self.requests.append(Received(request.url.path, httpx.Headers(request.headers),
                                          await request.body()))
            return Response(status_code=request.path_params["status"])

        return Starlette(routes=[Route("/hook/{status:int}", hook, methods=["POST"])])


Hook = tuple[Receiver, str]   # the receiver and its base URL


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
async def running(serve: Callable[[Starlette], Any]) -> AsyncIterator[Hook]:
    r = Receiver()
    async with serve(r.app()) as url:
        yield r, url


@pytest.fixture
def receiver(running: Hook) -> Hook:
    """The module's receiver, its requests forgotten."""
    running[0].requests.clear()
    return running


def message(to: str, delivery_id: str = "dlv-0001") -> Message:
    return Message(delivery_id=delivery_id, to=to, subject="案件即将到期",
                   body="案件 CC-2026-000001 将于 2026年11月25日 到期。",
                   event_type="deadline_warning", tenant_id="demo-hospital", data=DATA)


async def test_the_receiver_gets_signed_json_it_can_verify(receiver: Hook) -> None:
    r, url = receiver
    channel = WebhookChannel(secret=SECRET)
    try:
        assert await channel.send(message(f"{url}/hook/200")) == "200"
    finally:
        await channel.aclose()

    [got] = r.requests
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-casebridge-delivery"] == "dlv-0001"
    timestamp = got.headers["x-casebridge-timestamp"]
    assert abs(int(timestamp) - time.time()) < 5
    assert verify(SECRET, timestamp, got.body, got.headers["x-casebridge-signature"],
                  now=time.time())
    assert "医务处".encode() in got.body   # UTF-8 as is, not \\u escapes
    payload = json.loads(got.body)
    assert payload == {"id": "dlv-0001", "type": "deadline_warning", "tenant": "demo-hospital",
                       "subject": "案件即将到期", "body": message("").body, "data": DATA,
                       "sent_at": payload["sent_at"]}
    assert payload["sent_at"].endswith("+00:00")


async def test_a_tampered_body_a_wrong_secret_or_a_stale_request_fails_verification(
        receiver: Hook) -> None:
    r, url = receiver
    async with httpx.AsyncClient() as client:
        await WebhookChannel(secret=SECRET, client=client).send(message(f"{url}/hook/204"))
    [got] = r.requests
    ts, signature = got.headers["x-casebridge-timestamp"], got.headers["x-casebridge-signature"]
    now = int(ts)

    assert verify(SECRET, ts, got.body, signature, now=now + 300)
    assert not verify(SECRET, ts, got.body.replace(b"CC-2026", b"CC-2027"), signature, now=now)
    assert not verify(b"another secret", ts, got.body, signature, now=now)
    assert not verify(SECRET, ts, got.body, signature, now=now + 301)    # a replay, too late
    assert not verify(SECRET, ts, got.body, signature, now=now - 301)    # from the future
    assert not verify(SECRET, str(now + 1), got.body, signature, now=now)   # timestamp moved
    assert not verify(SECRET, "soon", got.body, signature, now=now)
    assert not verify(SECRET, ts, got.body, "", now=now)
    assert not verify(SECRET, ts, got.body, "v1=你好", now=now)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    # echo -n '1700000000.{}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789'
    expected = hmac.new(SECRET, b"1700000000.{}", "sha256").hexdigest()
    assert sign(SECRET, 1700000000, b"{}") == f"v1={expected}"


async def test_the_receivers_guide_verifies_a_real_delivery(receiver: Hook) -> None:
    r, url = receiver
    async with httpx.AsyncClient() as client:
        await WebhookChannel(secret=SECRET, client=client).send(message(f"{url}/hook/200"))
    [got] = r.requests
    guide = GUIDE.read_text(encoding="utf-8")

    recipe: dict[str, Any] = {}
    exec(re.search(r"```python\n(.*?)```", guide, re.S)[1], recipe)  # noqa: S102 (our docs)
    assert recipe["verified"](SECRET, got.headers, got.body)
    assert not recipe["verified"](SECRET, got.headers, got.body + b" ")



@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl to try it with")
def test_the_guides_openssl_one_liner_gives_the_signature(tmp_path: Path) -> None:
    body = encode(message("https://example.org/hook"), sent_at=1764057600)
    (tmp_path / "body.json").write_bytes(body)
    one_liner = re.search(r"```sh\n(.*?)\n```", GUIDE.read_text(encoding="utf-8"), re.S)[1]
    out = subprocess.run(["sh", "-c", one_liner], cwd=tmp_path, capture_output=True, text=True,
                         check=True, env={"PATH": os.environ["PATH"], "SECRET": SECRET.decode(),
                                          "TIMESTAMP": "1764057600"})
    assert out.stdout.strip() == sign(SECRET, 1764057600, body)


@pytest.mark.parametrize(("status", "outcome"), [
    (500, Retryable), (502, Retryable), (503, Retryable), (408, Retryable), (425, Retryable),
    (429, Retryable), (400, Permanent), (401, Permanent), (404, Permanent), (410, Permanent),
    (422, Permanent), (301, Permanent),
])
async def test_statuses_map_to_retryable_or_permanent(
        receiver: Hook, status: int, outcome: type[Exception]) -> None:
    r, url = receiver
    async with httpx.AsyncClient() as client:
        with pytest.raises(outcome, match=str(status)):
            await WebhookChannel(secret=SECRET, client=client).send(message(f"{url}/hook/{status}"))
    assert len(r.requests) == 1


@pytest.mark.parametrize("status", [200, 201, 202, 204])
async def test_any_2xx_is_delivered(receiver: Hook, status: int) -> None:
    _, url = receiver
    async with httpx.AsyncClient() as client:
        channel = WebhookChannel(secret=SECRET, client=client)
        assert await channel.send(message(f"{url}/hook/{status}")) == str(status)


async def test_a_refused_connection_or_a_silent_peer_is_retryable(silent_port: int) -> None:
    channel = WebhookChannel(secret=SECRET, timeout=0.2)
    try:
        with pytest.raises(Retryable, match="ConnectError"):
            await channel.send(message(f"http://127.0.0.1:{free_port()}/hook"))
        with pytest.raises(Retryable, match="Timeout"):
            await channel.send(message(f"http://127.0.0.1:{silent_port}/hook"))
    finally:
        await channel.aclose()


@pytest.mark.parametrize("to", ["ftp://example.org/x", "mailto:a@example.org", "", "http://"])
async def test_anything_but_an_http_url_is_permanent(to: str) -> None:
    channel = WebhookChannel(secret=SECRET)
    with pytest.raises(Permanent):
        await channel.send(message(to))
    await channel.aclose()


async def test_data_that_is_not_json_is_permanent(receiver: Hook) -> None:
    r, url = receiver
    odd = Message(delivery_id="d", to=f"{url}/hook/200", subject="s", body="b",
                  data={"x": object()})
    channel = WebhookChannel(secret=SECRET)
    with pytest.raises(Permanent, match="JSON"):
        await channel.send(odd)
    await channel.aclose()
    assert r.requests == []


async def test_the_breaker_opens_after_five_failures_and_recovers_after_the_cool_down(
        receiver: Hook) -> None:
    r, url = receiver
    clock = FakeClock()
    async with httpx.AsyncClient() as client:
        channel = WebhookChannel(secret=SECRET, client=client, clock=clock)
        failing, healthy = message(f"{url}/hook/503"), message(f"{url}/hook/200")
        for _ in range(5):
            with pytest.raises(Retryable, match="503"):
                await channel.send(failing)
        assert len(r.requests) == 5

        for m in (failing, healthy):   # the whole origin is short-circuited
            with pytest.raises(Retryable, match=f"circuit open for {url}"):
                await channel.send(m)
        clock.now += 59.9
        with pytest.raises(Retryable, match="circuit open"):
            await channel.send(healthy)
        assert len(r.requests) == 5

        clock.now += 0.1                # half-open: one trial, which fails and re-opens it
        with pytest.raises(Retryable, match="503"):
            await channel.send(failing)
        with pytest.raises(Retryable, match="circuit open"):
            await channel.send(healthy)
        assert len(r.requests) == 6

        clock.now += 60                 # the next trial succeeds and closes it
        assert await channel.send(healthy) == "200"
        assert await channel.send(healthy) == "200"
        assert len(r.requests) == 8
        assert not channel.breaker.is_open(url)


def test_the_breaker_counts_consecutive_failures_per_endpoint() -> None:
    breaker = CircuitBreaker(threshold=3, clock=FakeClock())
    for _ in range(2):
        breaker.failed("https://a.example")
    breaker.succeeded("https://a.example")   # a success in between starts the count again
    for _ in range(2):
        breaker.failed("https://a.example")
    assert breaker.allow("https://a.example")
    breaker.failed("https://a.example")
    assert not breaker.allow("https://a.example")
    assert breaker.allow("https://b.example")


async def test_a_breaker_shared_by_channels_is_keyed_by_origin_not_path(
        receiver: Hook) -> None:
    r, url = receiver
    breaker = CircuitBreaker(threshold=1, clock=FakeClock())
    async with httpx.AsyncClient() as client:
        with pytest.raises(Retryable):
            await WebhookChannel(secret=SECRET, client=client, breaker=breaker).send(
                message(f"{url}/hook/500"))
        with pytest.raises(Retryable, match="circuit open"):
            await WebhookChannel(secret=b"other", client=client, breaker=breaker).send(
                message(f"{url}/hook/200?tenant=x"))
    assert len(r.requests) == 1
