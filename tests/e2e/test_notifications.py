"""End to end with real processes and real peers: a complaint accepted through the gateway
reaches the complainant's mailbox (a real SMTP server) and the tenant's webhook receiver, once
each, even when the notification service is killed in the middle of a delivery and started
again."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from casebridge_platform.devstack import Stack, free_port
from casebridge_platform.testing import Mailbox, http_peer
from notification.adapters.channels.webhook import verify
from starlette.requests import Request
from starlette.responses import Response

from tests.e2e.conftest import eventually, running, token
from tests.support import routed

SECRET = "e2e-webhook-secret-0123"  # noqa: S105 (the test receiver's)
COMPLAINT = {"kind": "complaint", "channel": "web", "content": "收费处多收了检查费用，要求退费",
             "complainant": {"name": "王五", "phone": "13700000000",
                             "email": "wangwu@example.cn"}}


class Receiver:
    """Verifies, dedupes by delivery id, and holds the first request until told to let go."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.accepted: dict[str, bytes] = {}
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def handle(self, request: Request) -> Response:
        body, h = await request.body(), request.headers
        if not verify(SECRET.encode(), h["x-casebridge-timestamp"], body,
                      h["x-casebridge-signature"], now=time.time()):
            return Response(status_code=401)
        delivery = h["x-casebridge-delivery"]
        self.requests[delivery] += 1
        if self.requests[delivery] == 1:
            self.holding.set()
            await self.release.wait()   # the sender is killed while this waits
            return Response(status_code=204)
        self.accepted.setdefault(delivery, body)
        return Response(status_code=204)


@pytest.fixture
async def peers() -> AsyncIterator[tuple[Mailbox, Controller, Receiver, int]]:
    mailbox, receiver = Mailbox(), Receiver()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    async with http_peer(receiver.handle) as port:
        yield mailbox, smtp, receiver, port
        receiver.release.set()
    smtp.stop()


@pytest.fixture
async def stack(database: str, nats_url: str, tmp_path: Path,
                peers) -> AsyncIterator[Stack]:
    _, smtp, _, _ = peers
    async with running(database, nats_url, tmp_path, {
            "CASEBRIDGE_SMTP_HOST": "127.0.0.1", "CASEBRIDGE_SMTP_PORT": str(smtp.port),
            "CASEBRIDGE_DELIVERY_LEASE_S": "2", "CASEBRIDGE_DELIVERY_POLL_S": "0.1",
            "CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE": "true"}) as platform:
        yield platform


# one database (each process path is the same on both): the other e2e cover SQLite
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_the_acknowledgement_reaches_mailbox_and_webhook_once_across_a_kill(
        stack: Stack, peers) -> None:
    mailbox, _, receiver, port = peers
    admin = {"Authorization": f"Bearer {token(stack, role='admin')}"}
    clerk = {"Authorization": f"Bearer {token(stack)}"}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as http:
        hook = await http.put("/v1/webhooks/crm", headers=admin, json={
            "url": f"http://127.0.0.1:{port}/hook", "secret": SECRET,
            "templates": ["acknowledgement"]})
        assert hook.status_code == 200, hook.text
        assert "secret" not in hook.json()
        submitted = await http.post("/v1/complaints", headers=clerk, json=COMPLAINT)
        assert submitted.status_code == 201, submitted.text
        case_id = submitted.json()["case_id"]

        async def is_routed() -> bool:
            return routed((await http.get(f"/v1/cases/{case_id}", headers=clerk)).json())

        await eventually(is_routed, what="the case routed")
        accepted = await http.post(f"/v1/cases/{case_id}/actions", headers=clerk,
                                   json={"action": "accept"})
        assert accepted.status_code == 200, accepted.text

        async def channel(name: str) -> dict:
            log = (await http.get("/v1/deliveries", headers=admin,
                                  params={"case_id": case_id})).json()
            return next((d for d in log if d["channel"] == name), {})

        async def mailed() -> bool:
            return (await channel("email")).get("status") == "delivered"

        await asyncio.wait_for(receiver.holding.wait(), 60)   # the webhook is mid-delivery
        await eventually(mailed, what="the e-mail recorded as sent")
        await asyncio.to_thread(stack.kill, "notification", signal.SIGKILL)
        receiver.release.set()
        await asyncio.to_thread(stack.start_service, "notification")

        async def hooked() -> bool:
            return (await channel("webhook")).get("status") == "delivered"

        await eventually(hooked, what="the webhook delivered after the restart")
        webhook = await channel("webhook")

    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(ids) == len(set(ids)) == 1, "one e-mail"
    assert mailbox.messages[0]["To"] == "wangwu@example.cn"
    assert list(receiver.accepted) == [webhook["delivery_id"]], "one webhook, by its id"
    assert receiver.requests[webhook["delivery_id"]] == 2, "sent again after the kill"
    assert webhook["attempts"] == 2


# one database (each process path is the same on both): the other e2e cover PostgreSQL
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_staff_see_their_notices_live_over_server_sent_events(stack: Stack) -> None:
    supervisor = {"Authorization": f"Bearer {token(stack, role='supervisor')}"}
    clerk = {"Authorization": f"Bearer {token(stack)}"}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as http:
        async with http.stream("GET", "/v1/notifications/stream", headers=supervisor) as live:
            assert live.headers["content-type"].startswith("text/event-stream")
            lines = live.aiter_lines()
            assert await anext(lines) == ": connected"
            submitted = await http.post("/v1/complaints", headers=clerk, json={
                **COMPLAINT, "content": "门诊服务态度恶劣，已联系记者准备曝光",
                "circumstances": ["media"], "claimed_amount": "50000"})
            assert submitted.status_code == 201, submitted.text
            number = submitted.json()["case_number"]
            notice = None
            async with asyncio.timeout(60):
                async for line in lines:
                    if line.startswith("data: ") and number in line:
                        notice = json.loads(line.removeprefix("data: "))
                        break
        inbox = (await http.get("/v1/notifications", headers=supervisor)).json()
    assert notice is not None and notice["template"] == "major_alert"
    assert notice["recipient"] == "role:complaint_office" and notice["channel"] == "in_app"
    assert any(n["delivery_id"] == notice["delivery_id"] for n in inbox)
