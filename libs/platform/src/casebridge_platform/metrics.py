"""Prometheus metrics of every process, defined here and nowhere else, and what samples them.

Counters move where the thing happens (a request, a delivery, a committed event). Gauges about
queues are read from where the truth is kept — JetStream's consumer info (lag, redeliveries),
the stream's dead-letter subjects, the outbox table, the engine's pool, a service's own
samplers (escalation's timer lag) — when Prometheus scrapes, so an idle platform that nobody
watches does no work for them, and the consumer's and the relay's hot paths carry no metric
code. Readiness is answered the same way, when asked: `casebridge.ready` on the gRPC health
service is SERVING only while the database answers and NATS is connected.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from nats.aio.client import Client
from nats.js import JetStreamContext
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from casebridge_platform.messaging.tables import outbox

log = logging.getLogger(__name__)


class _BeforeScrape(Collector):
    """Runs the registered samplers at each scrape. Registered before the metrics below, so
    the registry collects it first and every gauge is fresh in the same scrape."""

    def __init__(self) -> None:
        self.hooks: list[Callable[[], None]] = []

    def collect(self) -> list[Any]:
        for hook in list(self.hooks):
            hook()
        return []


_BEFORE_SCRAPE = _BeforeScrape()
REGISTRY.register(_BEFORE_SCRAPE)

READY_SERVICE = "casebridge.ready"   # the gRPC health service name readiness probes ask for
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("casebridge_http_requests", "Gateway requests by route template",
                        ["route", "method", "status"])
HTTP_LATENCY = Histogram("casebridge_http_request_duration_seconds",
                         "Gateway request latency by route template", ["route", "method"],
                         buckets=LATENCY_BUCKETS)
GRPC_REQUESTS = Counter("casebridge_grpc_requests", "gRPC calls served, by method and code",
                        ["method", "code"])
GRPC_LATENCY = Histogram("casebridge_grpc_request_duration_seconds", "gRPC call latency",
                         ["method"], buckets=LATENCY_BUCKETS)
EVENTS = Counter("casebridge_events_published", "Events committed to the outbox, by type "
                 "(<area>.<event>)", ["type"])
DELIVERIES = Counter("casebridge_deliveries", "Notification send attempts by channel and "
                     "outcome (delivered, retrying, dead)", ["channel", "outcome"])
CONSUMER_PENDING = Gauge("casebridge_consumer_pending", "Messages not yet delivered to the "
                         "durable consumer: its lag", ["consumer"])
CONSUMER_ACK_PENDING = Gauge("casebridge_consumer_ack_pending", "Messages delivered and not "
                             "yet acknowledged", ["consumer"])
CONSUMER_REDELIVERED = Gauge("casebridge_consumer_redelivered", "Messages delivered more than "
                             "once and not yet acknowledged", ["consumer"])
CONSUMER_ACK_FLOOR = Gauge("casebridge_consumer_ack_floor", "The consumer sequence below which "
                           "everything is acknowledged (its rate is the ack rate)", ["consumer"])
DEAD_LETTERS = Gauge("casebridge_dead_letters", "Messages on the consumer's dead-letter subject "
                     "(cb.dlq.<consumer>) still in the stream", ["consumer"])
OUTBOX_BACKLOG = Gauge("casebridge_outbox_backlog", "Outbox events not yet published")
OUTBOX_AGE = Gauge("casebridge_outbox_oldest_age_seconds", "Age of the oldest unpublished "
                   "outbox event (0 when none)")
TIMER_LAG = Gauge("casebridge_timer_lag_seconds", "now − due time of the oldest unfired timer "
                  "(0 when none is overdue)")
POOL_SIZE = Gauge("casebridge_db_pool_size", "Connections the engine's pool may hold")
POOL_IN_USE = Gauge("casebridge_db_pool_in_use", "Connections checked out of the pool")
READY = Gauge("casebridge_ready", "1 while the database answers and NATS is connected")


def serve(port: int) -> None:
    """Expose /metrics on its own port (a thread), apart from the API; 0 switches it off."""
    if port:
        start_http_server(port)
        log.info("metrics on port %d", port)


def event_type(subject: str) -> str:
    """cb.<area>.<event>.<tenant> → <area>.<event> (the tenant stays out of the labels)."""
    parts = subject.split(".")
    return ".".join(parts[1:3]) if len(parts) >= 4 else "unknown"


def count_committed(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        EVENTS.labels(event_type(row["subject"])).inc()


@contextmanager
def timed_rpc(method: str, code: Callable[[], str]) -> Iterator[None]:
    """Count and time one gRPC call; `code` names its status once it has ended."""
    started = time.perf_counter()
    try:
        yield
    finally:
        GRPC_LATENCY.labels(method).observe(time.perf_counter() - started)
        GRPC_REQUESTS.labels(method, code()).inc()


def lag_sampler(due: sa.ColumnElement[Any], pending: sa.ColumnElement[bool]
                ) -> Callable[[Any], Awaitable[None]]:
    """A sampler setting TIMER_LAG from a timers table (escalation's, routing's …)."""

    async def sample(uow: Any) -> None:
        oldest = (await uow.conn.execute(sa.select(sa.func.min(due)).where(pending))).scalar()
        TIMER_LAG.set(_seconds_since(oldest))

    return sample


def _seconds_since(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:   # SQLite gives naive UTC through an aggregate
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - moment).total_seconds())


Sampler = Callable[[Any], Awaitable[object]]   # given a unit of work across all tenants


class Observer:
    """Readiness and the sampled gauges of one process, both computed when asked."""

    def __init__(self, *, engine: AsyncEngine, nc: Client, js: JetStreamContext, stream: str,
                 prefix: str, durables: list[str], uow: Callable[[], Any] | None = None,
                 samplers: list[Sampler] | None = None, timeout_s: float = 2.0,
                 fresh_s: float = 1.0) -> None:
        self._engine = engine
        self._nc = nc
        self._js = js
        self._stream = stream
        self._prefix = prefix
        self._durables = durables
        self._uow = uow
        self._samplers = samplers or []
        self._timeout_s = timeout_s
        self._fresh_s = fresh_s
        self._known: tuple[float, bool] = (-fresh_s, False)
        self._hook: Callable[[], None] | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Sample at every scrape of /metrics (served from a thread of its own)."""

        def hook() -> None:
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:   # a read from the loop itself cannot wait for it
                return
            try:
                asyncio.run_coroutine_threadsafe(self.sample(), loop).result(
                    self._timeout_s * 3)
            except Exception:  # noqa: BLE001 (the scrape shows the last values)
                log.debug("sampling at scrape failed", exc_info=True)

        self._hook = hook
        _BEFORE_SCRAPE.hooks.append(hook)

    def detach(self) -> None:
        if self._hook in _BEFORE_SCRAPE.hooks:
            _BEFORE_SCRAPE.hooks.remove(self._hook)
        self._hook = None

    async def ready(self) -> bool:
        """Whether the database answers and NATS is connected; probes asking more often than
        `fresh_s` get the last answer."""
        now = asyncio.get_running_loop().time()
        at, known = self._known
        if now - at < self._fresh_s:
            return known
        ready = self._nc.is_connected and await self._database_answers()
        self._known = (asyncio.get_running_loop().time(), ready)
        READY.set(1 if ready else 0)
        return ready

    async def sample(self) -> None:
        """Set every sampled gauge; one that cannot be read keeps its last value."""
        self._sample_pool()
        if not self._pool_exhausted():   # never queue behind the real work
            await self._guard("outbox", self._sample_outbox())
            for sampler in self._samplers:
                await self._guard("a service's sampler", self._run(sampler))
        if self._nc.is_connected:
            await self._guard("consumers", self._sample_consumers())
        await self.ready()

    async def _run(self, sampler: Sampler) -> None:
        if self._uow is None:
            return
        async with self._uow() as uow:
            await sampler(await uow.all_tenants())

    async def _guard(self, what: str, sampling: Awaitable[None]) -> None:
        try:
            await asyncio.wait_for(sampling, self._timeout_s)
        except Exception:  # noqa: BLE001 (a gauge left as it was until the next scrape)
            log.debug("sampling %s failed", what, exc_info=True)

    async def _database_answers(self) -> bool:
        if self._pool_exhausted():
            return True   # every connection is at work: the database answers them
        try:
            async with asyncio.timeout(self._timeout_s):
                async with self._engine.connect() as conn:
                    await conn.execute(sa.text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 (whatever the reason, it is not ready)
            log.warning("readiness: the database does not answer", exc_info=True)
            return False

    def _pool_use(self) -> tuple[int, int]:
        """(checked out, most the pool may hold)."""
        pool: Any = self._engine.pool
        if not hasattr(pool, "checkedout"):
            return 0, 0
        return int(pool.checkedout()), int(pool.size() + max(getattr(pool, "_max_overflow", 0), 0))

    def _pool_exhausted(self) -> bool:
        """Under full load a check would queue for a connection and time out, and take a busy
        replica out of service just when it is needed."""
        in_use, size = self._pool_use()
        return size > 0 and in_use >= size

    def _sample_pool(self) -> None:
        in_use, size = self._pool_use()
        POOL_IN_USE.set(in_use)
        POOL_SIZE.set(size)

    async def _sample_outbox(self) -> None:
        async with self._engine.connect() as conn:
            count, oldest = (await conn.execute(
                sa.select(sa.func.count(), sa.func.min(outbox.c.created_at))
                .where(outbox.c.published_at.is_(None)))).one()
        OUTBOX_BACKLOG.set(count)
        OUTBOX_AGE.set(_seconds_since(oldest))

    async def _sample_consumers(self) -> None:
        for durable in self._durables:
            info = await self._js.consumer_info(self._stream, durable)
            CONSUMER_PENDING.labels(durable).set(info.num_pending or 0)
            CONSUMER_ACK_PENDING.labels(durable).set(info.num_ack_pending or 0)
            CONSUMER_REDELIVERED.labels(durable).set(info.num_redelivered or 0)
            floor = info.ack_floor.consumer_seq if info.ack_floor else 0
            CONSUMER_ACK_FLOOR.labels(durable).set(floor or 0)
        if self._durables:
            dlq = f"{self._prefix}.dlq."
            stream = await self._js.stream_info(self._stream, subjects_filter=f"{dlq}>")
            counts = stream.state.subjects or {}
            for durable in self._durables:
                DEAD_LETTERS.labels(durable).set(counts.get(dlq + durable, 0))
