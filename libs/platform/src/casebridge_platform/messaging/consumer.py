"""Durable pull consumers: idempotent through the inbox, ack after commit, dead letters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import nats.errors
import nats.js.errors
import sqlalchemy.exc
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import trace

from casebridge_platform import db, telemetry
from casebridge_platform.messaging.envelope import Event, PoisonMessage
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.messaging.tables import inbox

log = logging.getLogger(__name__)
# NATS away for now: the connection reconnecting or closed, no responder, or a clustered
# consumer's leader moving (a NATS node went away)
UNREACHABLE = (nats.errors.ConnectionClosedError, nats.errors.ConnectionReconnectingError,
               nats.js.errors.ServiceUnavailableError, nats.errors.NoRespondersError,
               nats.errors.TimeoutError)

Handler = Callable[[UnitOfWork, Event], Awaitable[None]]
# The database or the network is down: retried for as long as it takes, never dead-lettered.
OUTAGE = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, OSError,
          TimeoutError, ConnectionError)
DEAD_REASON = "Casebridge-Dead-Reason"


class Transient(Exception):
    """Not now, maybe later: e.g. an event that arrived before the one it follows."""


@dataclass(frozen=True)
class Batch:
    """Fresh events of one tenant, in the order they were delivered, for a handler that reads
    and writes for all of them at once (a statement per table per batch, not per event).

    `span(event)` is the event's consumer span: open it around the work done for that event
    (what it emits then follows the event's trace)."""

    tenant_id: str
    events: list[Event]
    durable: str = ""
    msgs: Mapping[str, Msg] = field(default_factory=dict)

    @classmethod
    def of(cls, *events: Event) -> Batch:
        """A batch made by hand (tests, tools): the events of one tenant."""
        return cls(events[0].tenant_id, list(events))

    def span(self, event: Event) -> AbstractContextManager[trace.Span]:
        return _consume_span(event, self.msgs.get(event.id), self.durable)


BatchHandler = Callable[[UnitOfWork, Batch], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable consumer: its name, the event types it takes, and what it does with each —
    one by one (`handler`), or a tenant's fresh events at once (`batch_handler`)."""

    durable: str
    event_types: tuple[str, ...]
    handler: Handler | None = None
    batch_handler: BatchHandler | None = None
    # whether an event of these types has anything to do here (None: all do); one that has
    # not is acked without a transaction or an inbox row, since applying it again does
    # nothing again (e.g. routing and a case accepted: the handler's load is unchanged)
    wants: Callable[[Event], bool] | None = None


def _consume_span(event: Event, msg: Msg | None,
                  durable: str) -> AbstractContextManager[trace.Span]:
    return telemetry.tracer().start_as_current_span(
        f"consume {event.type}",
        context=telemetry.extract((msg and msg.headers) or event.envelope.trace_context),
        kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.system": "nats",
                    "messaging.destination.name": msg.subject if msg else "",
                    "messaging.message.id": event.id,
                    "messaging.consumer.group.name": durable})


def dispatcher(handlers: Mapping[str, Handler]) -> Handler:
    """One handler per event type; a type nobody handles is poison."""

    async def dispatch(uow: UnitOfWork, event: Event) -> None:
        handler = handlers.get(event.type)
        if handler is None:
            raise PoisonMessage(f"no handler for event type {event.type!r}")
        await handler(uow, event)

    return dispatch


def _by_tenant(events: list[tuple[Msg, Event]]) -> list[tuple[str, list[tuple[Msg, Event]]]]:
    groups: dict[str, list[tuple[Msg, Event]]] = {}
    for one in events:
        groups.setdefault(one[1].tenant_id, []).append(one)
    return list(groups.items())


def backoff_s(delivered: int, base_s: float = 0.5) -> float:
    return min(base_s * 2.0 ** (delivered - 1), 30.0)


class Consumer:
    """Fetches batches; applies each batch in one transaction, one by one if that fails."""

    TOP_UP_S = 0.02
    IDLE_WAIT_S = 5.0   # a long poll: an idle consumer asks the server every 5 s, not every 1
    BACKOFF_BASE_S = 0.5

    def __init__(self, *, js: JetStreamContext, stream: str, prefix: str, spec: ConsumerSpec,
                 uow: Callable[[], UnitOfWork], batch: int = 256, max_deliver: int = 8,
                 ack_wait_s: float = 30.0) -> None:
        self._js = js
        self._stream = stream
        self._prefix = prefix
        self._spec = spec
        self._uow = uow
        self._batch = batch
        self._max_deliver = max_deliver
        self._ack_wait_s = ack_wait_s
        self.dead_letter_subject = f"{prefix}.dlq.{spec.durable}"
        self._stopping = False
        self._idle: asyncio.Future[list[Msg]] | None = None

    def stop(self) -> None:
        """Finish the batch in hand, then return from run(); a wait for work ends at once (a
        message pulled meanwhile is not acked, so it comes back after ack_wait)."""
        self._stopping = True
        if self._idle is not None:
            self._idle.cancel()

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self._spec.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            filter_subjects=[f"{self._prefix}.{t}.*" for t in self._spec.event_types],
            max_deliver=-1,  # the consumer decides when to give up: see _settle_failure
            ack_wait=self._ack_wait_s,
            max_ack_pending=max(self._batch * 4, 1024),
        )

    async def run(self) -> None:
        """Consume until cancelled; an unacked message is redelivered after ack_wait."""
        sub = await self._subscribe()
        try:
            while not self._stopping:
                try:
                    msgs = await self._fetch(sub)
                except (nats.errors.TimeoutError, TimeoutError):
                    continue
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if self._stopping and task is not None and not task.cancelling():
                        break   # stop() ended the wait for work
                    raise
                except UNREACHABLE:
                    await asyncio.sleep(0.5)
                    continue
                try:
                    await self.process(msgs)
                except Exception:  # e.g. NATS gone mid-ack: unacked messages come back
                    log.exception("%s: processing a batch failed", self._spec.durable)
                    await asyncio.sleep(1.0)
        finally:
            # A pull subscription left open makes the connection's drain wait for nothing.
            await sub.unsubscribe()

    async def _subscribe(self) -> JetStreamContext.PullSubscription:
        """Create or update the durable consumer and bind to it, waiting out NATS being away
        or a clustered stream's leader moving (a crash here would restart the process)."""
        delay = 0.5
        while True:
            try:
                await self._js.add_consumer(self._stream, self.config())
                return await self._js.pull_subscribe_bind(self._spec.durable, self._stream)
            except UNREACHABLE as exc:
                log.warning("%s: cannot set up the consumer yet (%r); retrying",
                            self._spec.durable, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _fetch(self, sub: JetStreamContext.PullSubscription) -> list[Msg]:
        """Wait up to IDLE_WAIT_S for work, then take what else is ready, up to a batch.

        One fetch of a whole batch would wait its full timeout for the batch to fill;
        under a trickle that adds the timeout to every hop of the pipeline.
        """
        self._idle = asyncio.ensure_future(sub.fetch(1, timeout=self.IDLE_WAIT_S))
        try:
            msgs = await self._idle
        finally:
            self._idle = None
        if self._batch > 1:
            try:
                msgs += await sub.fetch(self._batch - 1, timeout=self.TOP_UP_S)
            except (nats.errors.TimeoutError, TimeoutError):
                pass
        return msgs

    async def process(self, msgs: list[Msg]) -> None:
        events: list[tuple[Msg, Event]] = []
        for msg in msgs:
            try:
                events.append((msg, Event.decode(msg.data)))
            except PoisonMessage as exc:
                await self._dead_letter(msg, str(exc))
        if self._spec.wants is not None:
            events, unwanted = self._sort_out(events)
            for msg, _ in unwanted:
                await msg.ack()
        if not events:
            return
        try:
            async with self._uow() as uow:
                await self._apply(uow, events)
                await uow.commit()
        except Exception as exc:
            if len(events) == 1:
                await self._settle_failure(*events[0], exc)
                return
            for one in events:  # isolate the failing one; the rest go through
                await self.process_one(*one)
            return
        for msg, _ in events:   # each ack only queues a publish: no task per message
            await msg.ack()

    def _sort_out(self, events: list[tuple[Msg, Event]]
                  ) -> tuple[list[tuple[Msg, Event]], list[tuple[Msg, Event]]]:
        """The events to apply, and those with nothing to do here. One the test cannot read
        is applied, so that the handler finds it poison."""
        assert self._spec.wants is not None
        wanted: list[tuple[Msg, Event]] = []
        unwanted: list[tuple[Msg, Event]] = []
        for one in events:
            try:
                keep = self._spec.wants(one[1])
            except Exception:  # noqa: BLE001 (the handler says what is wrong with it)
                keep = True
            (wanted if keep else unwanted).append(one)
        return wanted, unwanted

    async def process_one(self, msg: Msg, event: Event) -> None:
        try:
            async with self._uow() as uow:
                await self._apply(uow, [(msg, event)])
                await uow.commit()
        except Exception as exc:
            await self._settle_failure(msg, event, exc)
            return
        await msg.ack()

    async def _apply(self, uow: UnitOfWork, events: list[tuple[Msg, Event]]) -> None:
        """Record the events in the inbox and run the handler on those not seen before."""
        now = datetime.now(UTC)
        fresh = await db.insert_new(uow.conn, inbox, [
            {"consumer": self._spec.durable, "event_id": event.id, "processed_at": now}
            for _, event in events], returning="event_id")
        todo: list[tuple[Msg, Event]] = []
        for msg, event in events:
            if event.id in fresh:  # else seen before: its effect is already committed
                fresh.discard(event.id)
                todo.append((msg, event))
        if self._spec.batch_handler is not None:
            for tenant_id, group in _by_tenant(todo):
                await uow.set_tenant(tenant_id)
                await self._spec.batch_handler(uow, Batch(
                    tenant_id, [event for _, event in group], self._spec.durable,
                    {event.id: msg for msg, event in group}))
            return
        assert self._spec.handler is not None
        for msg, event in todo:
            with _consume_span(event, msg, self._spec.durable):
                await uow.set_tenant(event.tenant_id)
                await self._spec.handler(uow, event)

    async def _settle_failure(self, msg: Msg, event: Event, exc: Exception) -> None:
        """Dead-letter poison and exhausted messages; nak the rest with a growing delay.

        An outage of the database or network is waited out however long it lasts, so that
        nothing is dead-lettered for want of infrastructure; other failures get
        max_deliver attempts.
        """
        delivered = msg.metadata.num_delivered
        if isinstance(exc, PoisonMessage):
            await self._dead_letter(msg, str(exc))
        elif delivered >= self._max_deliver and not (isinstance(exc, OUTAGE)
                                                     or db.unavailable(exc)):
            await self._dead_letter(msg, f"gave up after {delivered} deliveries: {exc!r}")
        else:
            level = logging.INFO if isinstance(exc, Transient) else logging.WARNING
            log.log(level, "event %s (%s) failed, retrying: %r", event.id, event.type, exc)
            await msg.nak(delay=backoff_s(delivered, self.BACKOFF_BASE_S))

    async def _dead_letter(self, msg: Msg, reason: str) -> None:
        """Publish the message with its reason to the dead-letter subject, then terminate it."""
        log.error("dead-lettering a message from %s: %s", msg.subject, reason)
        seq = msg.metadata.sequence.stream
        await self._js.publish(self.dead_letter_subject, msg.data, headers={
            "Nats-Msg-Id": f"dlq-{self._spec.durable}-{seq}",
            DEAD_REASON: reason[:1000],
            "Casebridge-Original-Subject": msg.subject,
            "Casebridge-Original-Sequence": str(seq),
        })
        await msg.term()

