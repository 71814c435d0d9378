"""Live pages: server-sent events from the tenant's events on NATS, case ids only.

The gateway connects to NATS on first use (one connection, closed with the app). Each open
page gets its own JetStream ordered consumer (ephemeral, cleaned up by the server) on the
subjects of the signed-in person's tenant; each SSE event's id is the stream sequence, so a
browser that reconnects with `Last-Event-ID` resumes where it left off. An event says which
case changed and nothing else: the page fetches what it shows through the services, which
decide what this person may see.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import AsyncIterator

from casebridge_platform.messaging.envelope import Event, PoisonMessage
from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import Error as JetStreamError

from gateway.connection import live_of
from gateway.web.session import Session

log = logging.getLogger(__name__)
KEEPALIVE_S = 15.0
WAIT_S = 1.0                        # how often a quiet stream looks for a gone browser
RETRY_MS = 3000
SEQUENCE = re.compile(r"^[0-9]{1,19}$")


def changed_case(event: Event) -> str:
    """The case an event is about (its payload's case_id), or ""."""
    try:
        described = descriptor_pool.Default().FindMessageTypeByName(event.envelope.payload_type)
        payload: Message = message_factory.GetMessageClass(described).FromString(
            event.envelope.payload)
    except (KeyError, DecodeError):             # unknown or undecodable: no case
        return ""
    found = getattr(payload, "case_id", "") or getattr(getattr(payload, "delivery", None),
                                                        "case_id", "")
    try:
        return str(uuid.UUID(str(found)))
    except ValueError:
        return ""


async def stream(request: Request, session: Session, area: str, name: str) -> Response:
    """text/event-stream of `{prefix}.{area}.*.{tenant}` (`name` is the SSE event name)."""
    settings = request.app.state.settings
    subject = f"{settings.subject_prefix}.{area}.*.{session.tenant_id}"
    resume = request.headers.get("last-event-id", "")
    try:
        nc = await live_of(request.app).connection()
        js = nc.jetstream()
        if SEQUENCE.match(resume):
            config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                                    opt_start_seq=int(resume) + 1)
            sub = await js.subscribe(subject, stream=settings.stream, ordered_consumer=True,
                                     config=config)
        else:
            sub = await js.subscribe(subject, stream=settings.stream, ordered_consumer=True,
                                     deliver_policy=DeliverPolicy.NEW)
    except (OSError, NatsError, JetStreamError) as exc:
        log.warning("live updates unavailable: %s", exc)
        return Response(status_code=503, headers={"Retry-After": "5"})

    async def events() -> AsyncIterator[str]:
        quiet = 0.0
        try:
            yield f"retry: {RETRY_MS}\n: connected\n\n"
            while not await request.is_disconnected():
                try:
                    msg = await sub.next_msg(timeout=WAIT_S)
                except NatsTimeout:
                    quiet += WAIT_S
                    if quiet >= KEEPALIVE_S:
                        quiet = 0.0
                        yield ": keep-alive\n\n"
                    continue
                quiet = 0.0
                try:
                    event = Event.decode(msg.data)
                except PoisonMessage:
                    continue
                case_id = changed_case(event) if event.tenant_id == session.tenant_id else ""
                if case_id:
                    yield (f"id: {msg.metadata.sequence.stream}\nevent: {name}\n"
                           f"data: {json.dumps({'case_id': case_id})}\n\n")
        finally:
            try:
                await sub.unsubscribe()
            except (NatsError, JetStreamError):
                pass

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
