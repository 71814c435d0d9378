"""Outbox, relay and consumer against a real NATS server and real SQLite / PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import nats
import pytest
import sqlalchemy as sa
from casebridge.common.v1 import common_pb2
from casebridge_platform import bus, db, testing
from casebridge_platform.config import Settings
from casebridge_platform.messaging.consumer import DEAD_REASON, Consumer, ConsumerSpec, Transient
from casebridge_platform.messaging.envelope import Event, PoisonMessage
from casebridge_platform.messaging.outbox import OutboxRelay, UnitOfWork
from casebridge_platform.messaging.tables import inbox, outbox
from casebridge_platform.messaging.tables import metadata as platform_metadata
from nats.js import JetStreamContext

test_metadata = sa.MetaData()
effects = sa.Table("effects", test_metadata,
                   sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                   sa.Column("event_id", sa.String(36), nullable=False),
                   sa.Column("value", sa.String(50), nullable=False))


@dataclass
class Harness:
    settings: Settings
    engine: sa.ext.asyncio.AsyncEngine
    js: JetStreamContext
    relay: OutboxRelay

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.settings.subject_prefix, self.relay.committed)

    def consumer(self, handler, *, durable: str = "effects", batch: int = 16) -> Consumer:
        return Consumer(js=self.js, stream=self.settings.stream,
                        prefix=self.settings.subject_prefix,
                        spec=ConsumerSpec(durable, ("test.happened",), handler), uow=self.uow,
                        batch=batch, max_deliver=self.settings.consumer_max_deliver,
                        ack_wait_s=self.settings.consumer_ack_wait_s)

    async def emit(self, value: str) -> str:
        async with self.uow() as uow:
            env = uow.emit("test.happened", "tenant-a", common_pb2.Party(name=value))
            await uow.commit()
        await self.relay.publish_pending()
        return env.event_id

    async def effects(self) -> list[tuple[str, str]]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(sa.select(effects.c.event_id, effects.c.value)
                                       .order_by(effects.c.id))).all()
        return [(r.event_id, r.value) for r in rows]


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[Harness]:
    database = db.locate(settings.database, "messaging", settings.var_dir)
    engine = db.create_engine(database)
    async with engine.begin() as conn:
        await db.ensure_schema(conn, database)
        await conn.run_sync(platform_metadata.create_all)
        await conn.run_sync(test_metadata.create_all)
    nc = await nats.connect(settings.nats_url)
    js = nc.jetstream()
    await bus.ensure_stream(js, settings.stream, settings.subject_prefix)
    yield Harness(settings, engine, js, OutboxRelay(engine, js))
    await nc.close()
    await engine.dispose()


async def record(uow: UnitOfWork, event: Event) -> None:
    name = event.payload(common_pb2.Party).name
    if name == "poison":
        raise PoisonMessage("the test says this one is poison")
    await uow.conn.execute(effects.insert().values(event_id=event.id, value=name))


async def fetch(h: Harness, durable: str, n: int = 16, timeout: float = 3.0) -> list:
    sub = await h.js.pull_subscribe_bind(durable, h.settings.stream)
    try:
        return await sub.fetch(n, timeout=timeout)
    except (TimeoutError, nats.errors.TimeoutError):
        return []


async def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_outbox_rows_are_published_once_with_the_event_id(harness: Harness) -> None:
    event_id = await harness.emit("one")
    info = await harness.js.stream_info(harness.settings.stream)
    assert info.state.messages == 1
    msg = await harness.js.get_last_msg(harness.settings.stream,
                                        f"{harness.settings.subject_prefix}.test.happened.tenant-a")
    assert msg.headers and msg.headers["Nats-Msg-Id"] == event_id
    assert Event.decode(msg.data).id == event_id
    # Publishing again (e.g. after JetStream lost its lazy fsync) is deduplicated by the id.
    from datetime import UTC, datetime, timedelta

    assert await harness.relay.requeue(datetime.now(UTC) - timedelta(minutes=1)) == 1
    assert await harness.relay.publish_pending() == 1
    assert (await harness.js.stream_info(harness.settings.stream)).state.messages == 1


async def test_a_rolled_back_unit_of_work_publishes_nothing(harness: Harness) -> None:
    async with harness.uow() as uow:
        uow.emit("test.happened", "tenant-a", common_pb2.Party(name="never"))
        await uow.conn.execute(effects.insert().values(event_id="x", value="never"))
        # no commit: leaving the block rolls back state and events together
    async with harness.engine.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(outbox))).scalar() == 0
    assert await harness.relay.publish_pending() == 0
    assert await harness.effects() == []


async def test_crash_after_commit_before_ack_does_not_apply_twice(harness: Harness) -> None:
    event_id = await harness.emit("once")
    first = harness.consumer(record)
    await harness.js.add_consumer(harness.settings.stream, first.config())
    msgs = await fetch(harness, "effects")
    assert len(msgs) == 1

    class Crash(BaseException):
        pass

    async def crash() -> None:
        raise Crash

    msgs[0].ack = crash  # the process dies between its commit and its ack
    with pytest.raises(Crash):
        await first.process(msgs)
    assert await harness.effects() == [(event_id, "once")]

    # A new process on the same durable gets the message again after ack_wait…
    second = harness.consumer(record)
    redelivered = await fetch(harness, "effects", timeout=harness.settings.consumer_ack_wait_s + 3)
    assert [Event.decode(m.data).id for m in redelivered] == [event_id]
    assert redelivered[0].metadata.num_delivered == 2
    await second.process(redelivered)
    # …and the inbox keeps the effect single; the ack now sticks.
    assert await harness.effects() == [(event_id, "once")]
    assert await fetch(harness, "effects", timeout=harness.settings.consumer_ack_wait_s + 1) == []


async def test_poison_goes_to_the_dead_letter_subject_and_consuming_goes_on(
        harness: Harness) -> None:
    prefix = harness.settings.subject_prefix
    await harness.js.publish(f"{prefix}.test.happened.tenant-a", b"\xff not an envelope")
    await harness.emit("poison")
    good = await harness.emit("good")
    consumer = harness.consumer(record)
    task = asyncio.create_task(consumer.run())
    try:
        await wait_for(lambda: _has(harness, good))
        dead = await harness.js.pull_subscribe(consumer.dead_letter_subject, "dlq-reader",
                                               stream=harness.settings.stream)
        letters = await dead.fetch(2, timeout=5)
        reasons = sorted(m.headers[DEAD_REASON] for m in letters)
        assert reasons == ["message is not an EventEnvelope", "the test says this one is poison"]
        assert all(m.headers["Casebridge-Original-Subject"] == f"{prefix}.test.happened.tenant-a"
                   for m in letters)
        later = await harness.emit("later")  # the consumer is still consuming
        await wait_for(lambda: _has(harness, later))
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 5)
    assert [v for _, v in await harness.effects()] == ["good", "later"]


async def test_transient_failures_are_retried_until_they_succeed(harness: Harness) -> None:
    attempts: list[str] = []

    async def flaky(uow: UnitOfWork, event: Event) -> None:
        attempts.append(event.id)
        if len(attempts) < 3:
            raise Transient("not yet")
        await record(uow, event)

    event_id = await harness.emit("eventually")
    consumer = harness.consumer(flaky)
    task = asyncio.create_task(consumer.run())
    try:
        await wait_for(lambda: _has(harness, event_id), timeout=15)
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 5)
    assert attempts == [event_id] * 3
    assert await harness.effects() == [(event_id, "eventually")]


async def test_a_bad_message_in_a_batch_does_not_hold_back_the_others(harness: Harness) -> None:
    ids = [await harness.emit(v) for v in ("a", "poison", "b")]
    consumer = harness.consumer(record)
    await harness.js.add_consumer(harness.settings.stream, consumer.config())
    msgs = await fetch(harness, "effects")
    assert len(msgs) == 3
    await consumer.process(msgs)
    assert await harness.effects() == [(ids[0], "a"), (ids[2], "b")]


async def test_events_a_consumer_does_not_want_are_acked_without_a_transaction(
        harness: Harness) -> None:
    """A consumer may say which events have nothing to do there: they are acked, not handled,
    with no inbox row, and a batch of nothing else costs no statement; an event the test
    cannot read is handled (the handler says what is wrong with it)."""
    def wants(event: Event) -> bool:
        name = event.payload(common_pb2.Party).name
        if name == "odd":
            raise ValueError("the test cannot read this one")
        return not name.startswith("skip")

    sent: list[str] = []
    consumer = Consumer(js=harness.js, stream=harness.settings.stream,
                        prefix=harness.settings.subject_prefix,
                        spec=ConsumerSpec("choosy", ("test.happened",), record, wants=wants),
                        uow=harness.uow, batch=16, ack_wait_s=1.0)
    await harness.js.add_consumer(harness.settings.stream, consumer.config())
    sa.event.listen(harness.engine.sync_engine, "before_cursor_execute",
                    lambda *args: sent.append(args[2]))
    ids = [await harness.emit(v) for v in ("skip-1", "skip-2")]
    sent.clear()
    await consumer.process(await fetch(harness, "choosy"))
    assert sent == [] and await harness.effects() == []      # nothing to do: not a statement
    ids += [await harness.emit(v) for v in ("a", "skip-3", "odd", "b")]
    await consumer.process(await fetch(harness, "choosy"))
    assert await harness.effects() == [(ids[2], "a"), (ids[4], "odd"), (ids[5], "b")]
    async with harness.engine.connect() as conn:
        assert set((await conn.execute(sa.select(inbox.c.event_id).where(
            inbox.c.consumer == "choosy"))).scalars()) == {ids[2], ids[4], ids[5]}
    assert await fetch(harness, "choosy", timeout=2.5) == []  # acked: none comes back


async def _has(h: Harness, event_id: str) -> bool:
    return any(e == event_id for e, _ in await h.effects())


async def test_a_database_outage_longer_than_max_deliver_is_waited_out(harness: Harness) -> None:
    limit = harness.settings.consumer_max_deliver
    attempts: list[int] = []

    async def outage(uow: UnitOfWork, event: Event) -> None:
        attempts.append(1)
        if len(attempts) <= limit + 1:
            raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("db down"))
        await record(uow, event)

    event_id = await harness.emit("after the outage")
    consumer = harness.consumer(outage)
    consumer.BACKOFF_BASE_S = 0.05
    task = asyncio.create_task(consumer.run())
    try:
        await wait_for(lambda: _has(harness, event_id), timeout=20)
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 5)
    assert len(attempts) == limit + 2
    assert await harness.effects() == [(event_id, "after the outage")]


async def test_a_failure_that_never_heals_is_dead_lettered_after_max_deliver(
        harness: Harness) -> None:
    async def broken(uow: UnitOfWork, event: Event) -> None:
        raise ValueError("a bug, not an outage")

    await harness.emit("doomed")
    consumer = harness.consumer(broken)
    consumer.BACKOFF_BASE_S = 0.05
    task = asyncio.create_task(consumer.run())
    dead = await harness.js.pull_subscribe(consumer.dead_letter_subject, "dlq-reader",
                                           stream=harness.settings.stream)
    try:
        letters = await dead.fetch(1, timeout=20)
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 5)
    limit = harness.settings.consumer_max_deliver
    assert letters[0].headers[DEAD_REASON] == \
        f"gave up after {limit} deliveries: ValueError('a bug, not an outage')"
    assert await harness.effects() == []


async def test_the_relay_publishes_at_commit_and_recovers_what_a_dead_process_left(
        harness: Harness) -> None:
    async with harness.uow() as uow:  # committed while no relay runs: a process that died
        left = uow.emit("test.happened", "tenant-a", common_pb2.Party(name="left behind"))
        await uow.commit()
    relay = OutboxRelay(harness.engine, harness.js, flush_s=0.05)
    task = asyncio.create_task(relay.run())
    try:
        async with UnitOfWork(harness.engine, harness.settings.subject_prefix,
                              relay.committed) as uow:
            fresh = uow.emit("test.happened", "tenant-a", common_pb2.Party(name="fresh"))
            await uow.commit()

        async def all_marked() -> bool:
            async with harness.engine.connect() as conn:
                pending = await conn.execute(sa.select(sa.func.count()).select_from(outbox)
                                             .where(outbox.c.published_at.is_(None)))
                return pending.scalar() == 0

        await wait_for(all_marked)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    info = await harness.js.stream_info(harness.settings.stream)
    assert info.state.messages == 2
    consumer = harness.consumer(record)
    await harness.js.add_consumer(harness.settings.stream, consumer.config())
    ids = sorted(Event.decode(m.data).id for m in await fetch(harness, "effects"))
    assert ids == sorted([left.event_id, fresh.event_id])


async def test_old_outbox_and_inbox_rows_are_purged_a_chunk_at_a_time(
        harness: Harness) -> None:
    """Published events older than a day and receipts older than a week go; unpublished
    events and newer rows stay, and a redelivery within the week is still recognised."""
    now = datetime.now(UTC)
    ages = {"new": timedelta(hours=1), "day": timedelta(hours=30), "week": timedelta(days=8)}
    async with harness.engine.begin() as conn:
        await conn.execute(outbox.insert(), [
            {"event_id": f"{name}-{n}", "subject": "cb.test", "data": b"", "headers": {},
             "created_at": now - age, "published_at": None if name == "week" and n == 0
             else now - age}
            for name, age in ages.items() for n in range(3)])
        await conn.execute(inbox.insert(), [
            {"consumer": "effects", "event_id": f"{name}-{n}", "processed_at": now - age}
            for name, age in ages.items() for n in range(3)])
    relay = OutboxRelay(harness.engine, harness.js)
    # outbox: 3 of the day before and 3 of the week before, less 1 never sent; inbox: 3.
    # Two chunks of two at most a round: a backlog goes over several rounds
    assert await relay.purge(chunk=2, chunks=2) == 4 + 3
    assert await relay.purge(chunk=2, chunks=2) == 0     # not again within the minute
    assert await relay.purge(every_s=0, chunk=2, chunks=2) == 1 + 0

    async with harness.engine.connect() as conn:
        events = set((await conn.execute(sa.select(outbox.c.event_id))).scalars())
        receipts = set((await conn.execute(sa.select(inbox.c.event_id))).scalars())
    assert events == {"new-0", "new-1", "new-2", "week-0"}
    assert receipts == {f"{name}-{n}" for name in ("new", "day") for n in range(3)}

    seen: list[str] = []

    async def count(uow: UnitOfWork, event: Event) -> None:
        seen.append(event.id)

    async with harness.uow() as uow:   # a receipt of the day before: the effect is not redone
        await harness.consumer(count)._apply(uow, [(None, Event(common_pb2.EventEnvelope(
            event_id="day-0", type="test.happened", tenant_id="tenant-a")))])  # type: ignore[list-item]
        await uow.commit()
    assert seen == []


async def test_a_consumer_started_while_nats_is_away_waits_for_it_then_consumes(
        settings: Settings, own_nats: testing.NatsProcess) -> None:
    """Setting up the durable consumer is retried, not a crash of the process."""
    if settings.database != "sqlite":
        pytest.skip("the consumer's setup does not depend on the database")
    database = db.locate(settings.database, "messaging", settings.var_dir)
    engine = db.create_engine(database)
    async with engine.begin() as conn:
        await conn.run_sync(platform_metadata.create_all)
        await conn.run_sync(test_metadata.create_all)
    nc = await bus.connect(own_nats.url, "test-consumer")
    js = nc.jetstream()
    await bus.ensure_stream(js, settings.stream, settings.subject_prefix)
    h = Harness(settings, engine, js, OutboxRelay(engine, js))
    running = None
    try:
        own_nats.kill()
        running = asyncio.create_task(h.consumer(record, durable="late").run())
        await asyncio.sleep(1.5)
        assert not running.done()            # still trying, not crashed
        own_nats.start()
        await wait_for(lambda: _connected(nc), timeout=20)
        event_id = await h.emit("after the outage")
        await wait_for(lambda: _has(h, event_id), timeout=20)
    finally:
        if running is not None:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
        await nc.close()
        await engine.dispose()


async def _connected(nc: nats.aio.client.Client) -> bool:
    return nc.is_connected


async def _has(h: Harness, event_id: str) -> bool:
    return any(e == event_id for e, _ in await h.effects())
