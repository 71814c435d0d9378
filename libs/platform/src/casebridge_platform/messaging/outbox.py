"""Unit of work (state and events in one transaction) and the relay that publishes the outbox."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from casebridge.common.v1 import common_pb2
from google.protobuf import message as pb_message
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casebridge_platform import auth
from casebridge_platform.db import ALL_TENANTS, TENANT_SETTING
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.tables import outbox

log = logging.getLogger(__name__)


class UnitOfWork:
    """One transaction: the service's writes plus the events they cause, committed together."""

    def __init__(self, engine: AsyncEngine, prefix: str, on_commit: Callable[[], None]) -> None:
        self._engine = engine
        self._prefix = prefix
        self._on_commit = on_commit
        self._pending: list[dict] = []
        self._tenant: str | None = None
        self.conn: AsyncConnection

    async def __aenter__(self) -> UnitOfWork:
        """Begin; within a request, the caller's tenant is the only one the rows show."""
        self.conn = await self._engine.connect()
        await self.conn.begin()
        caller = auth.current_principal.get()
        if caller is not None:
            await self.set_tenant(caller.tenant_id)
        return self

    async def set_tenant(self, tenant_id: str) -> None:
        """Scope row-level security (PostgreSQL) to one tenant, or ALL_TENANTS, till commit."""
        if self.dialect != "postgresql" or tenant_id == self._tenant:
            return
        await self.conn.execute(sa.select(sa.func.set_config(TENANT_SETTING, tenant_id, True)))
        self._tenant = tenant_id

    async def all_tenants(self) -> UnitOfWork:
        """For system work across tenants: seeding, housekeeping."""
        await self.set_tenant(ALL_TENANTS)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.conn.in_transaction():
            await self.conn.rollback()
        await self.conn.close()

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

    async def commit(self) -> None:
        if self._pending:
            await self.conn.execute(outbox.insert(), self._pending)
            self._pending = []
        await self.conn.commit()
        self._on_commit()


class OutboxRelay:
    """Publishes committed outbox rows in order, with Nats-Msg-Id = event id, many in flight."""

    def __init__(self, engine: AsyncEngine, js: JetStreamContext, *, batch: int = 256,
                 poll_s: float = 0.5, retention: timedelta = timedelta(hours=24)) -> None:
        self._engine = engine
        self._js = js
        self._batch = batch
        self._poll_s = poll_s
        self._retention = retention
        self._wake = asyncio.Event()
        self._purged_at = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Publish until cancelled; back off while NATS or the database is unavailable."""
        failures = 0
        while True:
            try:
                while await self.publish_pending():
                    pass
                await self.purge()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                log.warning("outbox relay failed (attempt %d); retrying", failures, exc_info=True)
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), self._poll_s)
            except TimeoutError:
                pass
            self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; return how many were published."""
        query = (sa.select(outbox.c.seq, outbox.c.subject, outbox.c.data, outbox.c.headers)
                 .where(outbox.c.published_at.is_(None)).order_by(outbox.c.seq)
                 .limit(self._batch))
        async with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await conn.execute(query)).all()
            if not rows:
                return 0
            await asyncio.gather(*(self._js.publish(r.subject, r.data, headers=r.headers)
                                   for r in rows))
            await conn.execute(outbox.update().where(outbox.c.seq.in_([r.seq for r in rows]))
                               .values(published_at=datetime.now(UTC)))
        return len(rows)

    async def purge(self, every_s: float = 60.0) -> None:
        """Delete rows published longer ago than the retention, at most once a minute."""
        now = asyncio.get_running_loop().time()
        if now - self._purged_at < every_s:
            return
        self._purged_at = now
        cutoff = datetime.now(UTC) - self._retention
        async with self._engine.begin() as conn:
            await conn.execute(outbox.delete().where(outbox.c.published_at < cutoff))

    async def requeue(self, since: datetime) -> int:
        """Publish again what was published since `since` (JetStream's fsync is lazy)."""
        async with self._engine.begin() as conn:
            result = await conn.execute(outbox.update().where(outbox.c.published_at >= since)
                                        .values(published_at=None))
        self.wake()
        return result.rowcount
