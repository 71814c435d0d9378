"""Federation on a real database and a real HTTP peer: what is owed to another deployment is
posted signed until acknowledged, retried on a 5xx or no answer, never after a refusal; what
arrives signed is verified, refused when forged, replayed or stale, and applied once."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from case.adapters.tables import federation_outbox, transfer_messages
from case.domain.transfer import Agency
from case.service_layer import directory, federation, seeding
from case.service_layer.directory import FEDERATION
from casebridge_platform import federation as fed
from casebridge_platform.errors import (
    Conflict,
    InvalidArgument,
    PermissionDenied,
    Unauthenticated,
)
from casebridge_platform.runtime import Runtime
from casebridge_platform.testing import http_peer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

HERE, THERE = "hospital-a", "county-mediation"


async def seeded(runtime: Runtime) -> None:
    async with runtime.uow() as uow:
        await seeding.seed(await uow.all_tenants(), {"tenants": [
            {"id": HERE, "kind": "hospital", "division": "370000-371300-371321",
             "coordinating_department": "医务处"}]})
        await uow.commit()


def registry(key: Ed25519PrivateKey, url: str = "http://127.0.0.1:9") -> fed.Registry:
    return fed.Registry.from_dict({"agencies": {THERE: {
        "public_key": fed.public_key_b64(key), "url": url, "kind": "mediation_committee",
        "division": "370000-371300-371321"}}})


async def owe(runtime: Runtime, msg_type: str = "answer") -> str:
    message_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    async with runtime.uow() as uow:
        await uow.all_tenants()
        await uow.conn.execute(federation_outbox.insert().values(
            message_id=message_id, tenant_id=HERE, to_agency=THERE, attempts=0, next_at=now,
            created_at=now, last_error="", message={
                "message_id": message_id, "transfer_id": str(uuid.uuid4()), "type": msg_type,
                "from_agency": HERE, "to_agency": THERE, "path": "court",
                "body": {"decision": "accepted"}, "sent_at": now.isoformat()}))
        await uow.commit()
    return message_id


async def row(runtime: Runtime, message_id: str) -> sa.Row:
    async with runtime.uow() as uow:
        await uow.all_tenants()
        return (await uow.conn.execute(sa.select(federation_outbox).where(
            federation_outbox.c.message_id == message_id))).one()


async def test_the_running_sender_posts_at_once_what_this_process_queues_and_retries_when_due(
        runtime: Runtime) -> None:
    """No polling: a message queued here rings the sender's bell, and after a refusal by a
    5xx the sender sleeps until the retry falls due (not the sweep, an hour here)."""
    answers = [503, 200]
    acknowledged = asyncio.Event()

    async def peer(request: Request) -> Response:
        status = answers.pop(0)
        if status == 200:
            acknowledged.set()
        return JSONResponse({"duplicate": False}, status_code=status)

    path = f"/v1/federation/agencies/{THERE}/messages"
    async with http_peer(peer, path) as port:
        sender = federation.Sender(runtime.uow, fed.Keyring({HERE: fed.new_key()}),
                                   registry(fed.new_key(), f"http://127.0.0.1:{port}"))
        running = asyncio.create_task(sender.run(runtime.bell(FEDERATION), sweep_s=3600))
        try:
            await asyncio.sleep(0.2)   # the sender has looked, found nothing, and sleeps
            assert await sender.next_due() is None
            async with runtime.uow() as uow:
                await uow.all_tenants()
                await directory.send(uow, Agency(THERE, "", "", remote=True), directory.message(
                    str(uuid.uuid4()), "answer", HERE, THERE, "court", {"decision": "accepted"}))
                await uow.commit()
            async with asyncio.timeout(10):   # the backoff after the 503 is at most 4 s
                await acknowledged.wait()
                while await sender.next_due() is not None:  # noqa: ASYNC110 (a row, not an event)
                    await asyncio.sleep(0.02)   # the acknowledgement is being recorded
        finally:
            running.cancel()
            await sender.close()
    async with runtime.uow() as uow:
        await uow.all_tenants()
        sent = (await uow.conn.execute(sa.select(federation_outbox))).one()
    assert sent.delivered_at is not None and sent.attempts == 2


async def test_a_message_is_posted_signed_and_retried_until_acknowledged(
        runtime: Runtime) -> None:
    mine, theirs = fed.new_key(), fed.new_key()
    answers = [503, 200]
    seen: list[fed.Verified] = []
    trusted = fed.Registry.from_dict({"agencies": {HERE: {
        "public_key": fed.public_key_b64(mine), "url": "http://x", "kind": "hospital"}}})

    async def peer(request: Request) -> Response:
        seen.append(fed.verify((await request.json())["jws"], audience=THERE,
                               registry=trusted))
        return JSONResponse({"duplicate": False}, status_code=answers.pop(0))

    path = f"/v1/federation/agencies/{THERE}/messages"
    async with http_peer(peer, path) as port:
        sender = federation.Sender(runtime.uow, fed.Keyring({HERE: mine}),
                                   registry(theirs, f"http://127.0.0.1:{port}"))
        message_id = await owe(runtime)
        assert await sender.deliver_due() == 1
        first = await row(runtime, message_id)
        assert first.delivered_at is None and first.attempts == 1
        assert first.last_error.startswith("503")
        async with runtime.uow() as uow:   # the backoff has passed
            await uow.all_tenants()
            await uow.conn.execute(federation_outbox.update().values(
                next_at=datetime.now(UTC) - timedelta(seconds=1)))
            await uow.commit()
        assert await sender.deliver_due() == 1
        await sender.close()
    done = await row(runtime, message_id)
    assert done.delivered_at is not None and done.attempts == 2
    assert [v.message["message_id"] for v in seen] == [message_id, message_id]
    assert seen[0].jti != seen[1].jti, "each attempt is signed afresh"


async def test_a_refusal_is_not_retried_and_an_unreachable_peer_is(runtime: Runtime) -> None:
    async def refusing(request: Request) -> Response:
        return JSONResponse({"title": "forged"}, status_code=401)

    async with http_peer(refusing, f"/v1/federation/agencies/{THERE}/messages") as port:
        sender = federation.Sender(runtime.uow, fed.Keyring({HERE: fed.new_key()}),
                                   registry(fed.new_key(), f"http://127.0.0.1:{port}"))
        refused = await owe(runtime)
        await sender.deliver_due()
        await sender.close()
    dead = await row(runtime, refused)
    assert dead.delivered_at is None and dead.attempts == federation.MAX_ATTEMPTS
    assert dead.last_error.startswith("401")

    sender = federation.Sender(runtime.uow, fed.Keyring({HERE: fed.new_key()}),
                               registry(fed.new_key(), "http://127.0.0.1:9"))  # nobody there
    unreachable = await owe(runtime)
    assert await sender.deliver_due() == 1   # only the new one: the refused one stays dead
    await sender.close()
    later = await row(runtime, unreachable)
    assert later.delivered_at is None and later.attempts == 1 and later.next_at is not None
    assert "ConnectError" in later.last_error


async def receive(runtime: Runtime, token: str, trusted: fed.Registry,
                  audience: str = HERE) -> object:
    async with runtime.uow() as uow:
        answer = await federation.receive_signed(uow, token=token, audience=audience,
                                                 registry=trusted)
        await uow.commit()
        return answer


async def test_signed_messages_are_verified_and_applied_once(runtime: Runtime) -> None:
    await seeded(runtime)
    theirs = fed.new_key()
    trusted = registry(theirs)
    message = {"message_id": str(uuid.uuid4()), "transfer_id": str(uuid.uuid4()),
               "type": "unknown", "from_agency": THERE, "to_agency": HERE, "path": "court",
               "body": {}, "sent_at": datetime.now(UTC).isoformat()}

    def signed(**changes: object) -> str:
        return fed.sign({**message, **changes}, issuer=THERE, audience=HERE, key=theirs)

    with pytest.raises(Unauthenticated, match="signature"):
        await receive(runtime, fed.sign(message, issuer=THERE, audience=HERE,
                                        key=fed.new_key()), trusted)
    with pytest.raises(PermissionDenied):
        await receive(runtime, signed(from_agency="someone-else"), trusted)
    with pytest.raises(Conflict, match="stale|re-sign"):
        await receive(runtime, fed.sign(message, issuer=THERE, audience=HERE, key=theirs,
                                        now=datetime.now(UTC) - timedelta(minutes=20)),
                      trusted)
    with pytest.raises(InvalidArgument, match="message type"):
        await receive(runtime, signed(), trusted)      # a type nobody knows changes nothing
    async with runtime.uow() as uow:
        await uow.all_tenants()
        assert (await uow.conn.execute(sa.select(sa.func.count()).select_from(
            transfer_messages))).scalar_one() == 0


async def test_a_trickling_peer_is_given_up_on_and_retried(runtime: Runtime) -> None:
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            for byte in b"HTTP/1.1 200 OK\r\nX-Pad: " + b"X" * 300:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.2)             # each read gets a byte: none times out

    server = await asyncio.start_server(trickle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sender = federation.Sender(runtime.uow, fed.Keyring({HERE: fed.new_key()}),
                               registry(fed.new_key(), f"http://127.0.0.1:{port}"),
                               timeout=0.5)
    try:
        message_id = await owe(runtime)
        began = asyncio.get_running_loop().time()
        async with asyncio.timeout(10):              # before the deadline: a minute, then 200
            assert await sender.deliver_due() == 1
        assert asyncio.get_running_loop().time() - began < 3
    finally:
        await sender.close()
        server.close()
    later = await row(runtime, message_id)
    assert later.delivered_at is None and later.attempts == 1 and later.next_at is not None
    assert later.last_error == "no answer within 1.5 s"
