"""Unit of work (state and events in one transaction) and the relay that publishes the outbox."""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import weakref
from collections.abc import Awaitable, Callable, Hashable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from casebridge.common.v1 import common_pb2
from google.protobuf import message as pb_message
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casebridge_platform import auth, db
from casebridge_platform.db import ALL_TENANTS, TENANT_SETTING
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.tables import inbox, outbox

log = logging.getLogger(__name__)


_KEPT: weakref.WeakKeyDictionary[AsyncEngine, dict[Hashable, Any]] = \
    weakref.WeakKeyDictionary()

# PostgreSQL: the tenant a connection's session is scoped to, as its last committed
# transaction left it (kept in the connection's info; gone with the connection)
_SCOPE = "casebridge.scope"
_SET_SCOPE = sa.text(f"SELECT set_config('{TENANT_SETTING}', :tenant, :local)")


@functools.cache
def _insert_into(table: sa.Table) -> sa.Insert:
    """Built once a table (no construction or cache-key work per use)."""
    return table.insert()


class UnitOfWork:
    """One transaction: the service's writes plus the events they cause, committed together."""

    def __init__(self, engine: AsyncEngine, prefix: str,
                 on_commit: Callable[[list[dict[str, Any]]], None],
                 on_wake: Callable[[dict[str, datetime | None]], None] | None = None, *,
                 snapshot: bool = False) -> None:
        self._engine = engine
        self._turn = db.turn(engine)   # SQLite: one transaction at a time, in order
        self._snapshot = snapshot
        self._prefix = prefix
        self._on_commit = on_commit
        self._on_wake = on_wake
        self._wake: dict[str, datetime | None] = {}
        self._pending: list[dict[str, Any]] = []
        self._later: dict[sa.Table, list[dict[str, Any]]] = {}
        self._before: dict[Hashable, Callable[[], Awaitable[None]]] = {}
        self._tenant: str | None = None    # the scope in effect now (None: not known)
        self._session: str | None = None   # the session's scope once this commits
        self._begun: str | None = None     # … and once this rolls back
        self.conn: AsyncConnection
        # what this transaction read once for several events (configuration, a contact):
        # kept till it ends, so a batch's events do not read the same rows again
        self.memo: dict[Hashable, Any] = {}

    async def __aenter__(self) -> UnitOfWork:
        """Begin; within a request, the caller's tenant is the only one the rows show."""
        await self._turn.__aenter__()
        try:
            return await self._begin()
        except BaseException:
            await self._turn.__aexit__(None, None, None)
            raise

    async def _begin(self) -> UnitOfWork:
        self.conn = await self._engine.connect()
        if self._snapshot and self.dialect == "postgresql":
            # every statement sees the same moment (a case and its timeline agree); for
            # reads: a write under REPEATABLE READ may fail to serialise
            await self.conn.execution_options(isolation_level="REPEATABLE READ")
        await self.conn.begin()
        if self.dialect == "postgresql":
            # unknown while this transaction is open: a rollback undoes what it sets
            self._begun = self._tenant = self._session = self.conn.info.pop(_SCOPE, None)
        caller = auth.current_principal.get()
        if caller is not None:
            await self.set_tenant(caller.tenant_id)
        return self

    async def set_tenant(self, tenant_id: str) -> None:
        """Scope row-level security (PostgreSQL) to one tenant, or ALL_TENANTS for this
        transaction only.

        One tenant's scope is set for the connection's session: the next transaction on the
        connection that wants the same tenant (the usual case: a consumer's batches, a
        caller's requests) sends nothing. ALL_TENANTS ends with the transaction, so a
        transaction that sets no scope never sees more than one tenant."""
        if self.dialect != "postgresql" or tenant_id == self._tenant:
            return
        local = tenant_id == ALL_TENANTS
        await self.conn.execute(_SET_SCOPE, {"tenant": tenant_id, "local": local})
        self._tenant = tenant_id
        if not local:
            self._session = tenant_id

    async def all_tenants(self) -> UnitOfWork:
        """For system work across tenants: seeding, housekeeping."""
        await self.set_tenant(ALL_TENANTS)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self.conn.in_transaction():
                await self.conn.rollback()
                # a rollback restores the scope the session had; a connection the server cut
                # has none (and its info, asked for, would reconnect outside a greenlet)
                if self._begun is not None and not self.conn.invalidated:
                    self.conn.info[_SCOPE] = self._begun
            await self.conn.close()
        finally:
            await self._turn.__aexit__(None, None, None)

    @property
    def cache(self) -> dict[Hashable, Any]:
        """Kept across transactions for as long as the process's engine: what a caller reads
        again only when a version it reads in the transaction has changed."""
        return _KEPT.setdefault(self._engine, {})

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def emit(self, event_type: str, tenant_id: str, payload: pb_message.Message, *,
             correlation_id: str = "", causation_id: str = "") -> common_pb2.EventEnvelope:
        """Queue an event; it is written to the outbox at commit, in the same transaction."""
        env = envelope.make(event_type, tenant_id, payload,
                            correlation_id=correlation_id, causation_id=causation_id)
        self._pending.append({
            "event_id": env.event_id,
            "subject": envelope.subject(self._prefix, event_type, tenant_id),
            "data": env.SerializeToString(),
            "headers": {"Nats-Msg-Id": env.event_id, **env.trace_context},
            "created_at": datetime.now(UTC),
        })
        return env

    def wake(self, topic: str, due: datetime | None = None) -> None:
        """After commit, tell this process's chore waiting on `topic` (timers, deliveries …)
        that work falls due at `due` (None: now), in case it sleeps longer than that."""
        if topic in self._wake:
            earlier = self._wake[topic]
            due = None if due is None or earlier is None else min(due, earlier)
        self._wake[topic] = due

    def insert_later(self, table: sa.Table, row: dict[str, Any]) -> None:
        """Insert at commit, with the other rows for that table in one executemany: for rows
        nothing in the transaction reads back (timeline entries, decision records). Each row
        carries its tenant_id."""
        self._later.setdefault(table, []).append(row)

    def before_commit(self, key: Hashable, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` once at commit, before the later rows and the events are written (it may
        add both): work gathered over a batch's events and written in one statement."""
        self._before.setdefault(key, hook)

    async def write_later(self) -> None:
        """Insert what insert_later holds now (to read it back in this transaction); the
        transaction's tenant scope is as before."""
        scope = self._tenant
        for table, rows in self._later.items():
            for tenant, group in itertools.groupby(
                    sorted(rows, key=lambda r: r["tenant_id"]), key=lambda r: r["tenant_id"]):
                await self.set_tenant(tenant)  # row-level security checks each row's tenant
                await self.conn.execute(_insert_into(table), list(group))
        self._later = {}
        if scope is not None:
            await self.set_tenant(scope)

    async def commit(self) -> None:
        """Commit state and events together, then hand the events to the relay."""
        while self._before:
            hooks, self._before = self._before, {}
            for hook in hooks.values():
                await hook()
        await self.write_later()
        events, self._pending = self._pending, []
        if events:
            await self.conn.execute(_insert_into(outbox), events)
        await self.conn.commit()
        if self._session is not None:
            self.conn.info[_SCOPE] = self._session
        if events:
            self._on_commit(events)
        woken, self._wake = self._wake, {}
        if woken and self._on_wake is not None:
            self._on_wake(woken)


class OutboxRelay:
    """Publishes outbox rows with Nats-Msg-Id = event id, many in flight.

    Fast path: rows are handed over right after their commit, published at once and marked
    published in one UPDATE per flush interval. Recovery path: rows still unmarked after
    `stale_s` (the process died, or NATS was down) are published again from the table; a
    duplicate is dropped by JetStream (same Nats-Msg-Id) or by the consumers' inboxes.
    """

    def __init__(self, engine: AsyncEngine, js: JetStreamContext, *, batch: int = 256,
                 poll_s: float = 5.0, flush_s: float = 0.2, stale_s: float = 5.0,
                 retention: timedelta = timedelta(hours=24),
                 inbox_retention: timedelta = timedelta(days=7)) -> None:
        self._engine = engine
        self._js = js
        self._batch = batch
        self._poll_s = poll_s
        self._flush_s = flush_s
        self._stale = timedelta(seconds=stale_s)
        self._retention = retention
        self._inbox_retention = inbox_retention
        self._wake = asyncio.Event()
        self._committed: list[dict[str, Any]] = []
        self._published: list[str] = []
        self._flushed_at = 0.0
        self._purged_at = 0.0

    def committed(self, rows: list[dict[str, Any]]) -> None:
        """Rows just committed: publish them now rather than at the next scan."""
        self._committed.extend(rows)
        self._wake.set()

    async def run(self) -> None:
        """Publish until cancelled; back off while NATS or the database is unavailable."""
        failures = 0
        stale = timedelta(0)  # at start, whatever a previous run left behind
        scanned_at = -self._poll_s
        while True:
            try:
                await self._publish_committed()
                await self._flush(force=False)
                if asyncio.get_running_loop().time() - scanned_at >= self._poll_s:
                    while await self.publish_pending(older_than=stale):
                        pass
                    scanned_at, stale = asyncio.get_running_loop().time(), self._stale
                await self.purge()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                log.warning("outbox relay failed (attempt %d); retrying", failures, exc_info=True)
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                continue
            try:  # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel that
                # arrives as the wake-up does, and the relay would never stop
                async with asyncio.timeout(self._flush_s if self._published else self._poll_s):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()

    async def drain(self) -> None:
        """At shutdown, with run() cancelled: publish what is in hand and mark it."""
        try:
            await self._publish_committed()
            await self._flush(force=True)
        except Exception:  # noqa: BLE001 (the recovery scan of the next start covers it)
            log.warning("outbox relay could not drain; the next start republishes")

    async def _publish_committed(self) -> None:
        rows, self._committed = self._committed, []
        if not rows:
            return
        try:
            await asyncio.gather(*(self._js.publish(r["subject"], r["data"], headers=r["headers"])
                                   for r in rows))
        except Exception:
            log.warning("publishing %d events failed; the recovery scan will retry", len(rows))
            raise
        self._published += [r["event_id"] for r in rows]

    async def _flush(self, *, force: bool) -> None:
        """Mark what was published, at most once per flush interval unless forced."""
        now = asyncio.get_running_loop().time()
        if not self._published or (not force and now - self._flushed_at < self._flush_s):
            return
        ids, self._published = self._published, []
        self._flushed_at = now
        async with db.turn(self._engine), self._engine.begin() as conn:
            for i in range(0, len(ids), 1000):
                await conn.execute(outbox.update().where(db.one_of(
                    outbox.c.event_id, ids[i:i + 1000], conn.dialect.name)).values(
                        published_at=datetime.now(UTC)))

    async def publish_pending(self, older_than: timedelta = timedelta(0)) -> int:
        """Publish one batch of unmarked rows from the table; return how many."""
        cutoff = datetime.now(UTC) - older_than
        query = (sa.select(outbox.c.seq, outbox.c.subject, outbox.c.data, outbox.c.headers)
                 .where(outbox.c.published_at.is_(None), outbox.c.created_at <= cutoff)
                 .order_by(outbox.c.seq).limit(self._batch))
        async with db.turn(self._engine), self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await conn.execute(query)).all()
            if not rows:
                return 0
            await asyncio.gather(*(self._js.publish(r.subject, r.data, headers=r.headers)
                                   for r in rows))
            await conn.execute(outbox.update().where(db.one_of(
                outbox.c.seq, [r.seq for r in rows], conn.dialect.name)).values(
                    published_at=datetime.now(UTC)))
        return len(rows)

    async def purge(self, every_s: float = 60.0, chunk: int = 5000, chunks: int = 10) -> int:
        """At most once a minute, delete the outbox rows published longer ago than the
        retention and the inbox rows older than the inbox's, a chunk per transaction (the
        process's other work goes on between them) and at most `chunks` of each a minute (the
        relay publishes nothing meanwhile: a backlog of years goes over many minutes, not in
        one stall); how many were deleted.

        An inbox row only has to outlive every redelivery of its event: JetStream's (minutes,
        with the consumers' backoff) and the relay's republishing of what it had not marked
        published (for as long as NATS was away), hence days, not forever."""
        now = asyncio.get_running_loop().time()
        if now - self._purged_at < every_s:
            return 0
        self._purged_at = now
        at = datetime.now(UTC)
        old_events = sa.select(outbox.c.seq).where(
            outbox.c.published_at < at - self._retention).limit(chunk)
        old_receipts = sa.select(inbox.c.consumer, inbox.c.event_id).where(
            inbox.c.processed_at < at - self._inbox_retention).limit(chunk)
        deleted = 0
        for delete in (outbox.delete().where(outbox.c.seq.in_(old_events.scalar_subquery())),
                       inbox.delete().where(sa.tuple_(inbox.c.consumer, inbox.c.event_id)
                                            .in_(old_receipts))):
            for _ in range(chunks):
                async with db.turn(self._engine), self._engine.begin() as conn:
                    count = (await conn.execute(delete)).rowcount
                deleted += count
                if count < chunk:
                    break
        return deleted

    async def requeue(self, since: datetime) -> int:
        """Publish again what was published since `since` (JetStream's fsync is lazy)."""
        async with db.turn(self._engine), self._engine.begin() as conn:
            result = await conn.execute(outbox.update().where(outbox.c.published_at >= since)
                                        .values(published_at=None))
        self._wake.set()
        return result.rowcount
