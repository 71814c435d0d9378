"""A service process: database, NATS, relay, consumers and gRPC, started and stopped in order."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import signal
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import sqlalchemy as sa
import uvloop
from nats import errors as nats_errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncEngine

from casebridge_platform import bus, db, heap, logs, metrics, migrations, telemetry
from casebridge_platform.config import Settings
from casebridge_platform.grpcserver import Server
from casebridge_platform.messaging.consumer import Consumer, ConsumerSpec
from casebridge_platform.messaging.outbox import OutboxRelay, UnitOfWork

log = logging.getLogger(__name__)
# its own generator: the random module's shared one is for whoever seeds it (tests, hypothesis)
_JITTER = random.Random()  # noqa: S311

Seeder = Callable[[UnitOfWork, dict[str, Any]], Awaitable[None]]
Chore = Callable[[UnitOfWork], Awaitable[object]]
StopHook = Callable[[], Awaitable[None]]


NextDue = Callable[[UnitOfWork], Awaitable["datetime | None"]]


@dataclass(frozen=True)
class Periodic:
    """A chore run in its own transaction across all tenants, every `every_s` seconds.

    With `next_due` (the moment the chore next has work, None when nothing waits) it runs
    when that moment comes, or sooner when a transaction of this process added work due
    sooner (`wake_on`), and `every_s` is only the sweep for work another replica added: an
    idle platform does not poll."""

    name: str
    every_s: float
    chore: Chore
    next_due: NextDue | None = None
    wake_on: str = ""   # the topic (UnitOfWork.wake) that says work was added


@dataclass
class ServiceParts:
    """What a service contributes: its gRPC servicers, its consumers, its seed loader, its
    chores and workers, and what to close when it stops."""

    grpc: list[tuple[Callable[[Any, grpc.aio.Server], None], Any, str]] = field(
        default_factory=list)
    consumers: list[ConsumerSpec] = field(default_factory=list)
    seed: Seeder | None = None
    # chores run once at start, after the seed, each in its own transaction across all tenants
    # (e.g. announcing again what other services keep a copy of)
    at_start: list[tuple[str, Chore]] = field(default_factory=list)
    periodic: list[Periodic] = field(default_factory=list)
    # long-running loops that manage their own transactions (e.g. sending deliveries)
    workers: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]] = field(
        default_factory=list)
    # gauges of the service's own set when /metrics is scraped, each in its own transaction
    # across all tenants (escalation's timer lag)
    samplers: list[Chore] = field(default_factory=list)
    # run at graceful stop once nothing serves, consumes or works any more, in order, before
    # the engine is disposed: close what the parts opened (HTTP clients, connections)
    on_stop: list[StopHook] = field(default_factory=list)


class Runtime:
    """The composition root of one service process; nothing is built before start()."""

    def __init__(self, name: str, settings: Settings, migrations_dir: Path) -> None:
        self.name = name
        self.settings = settings
        self._migrations_dir = migrations_dir
        self.database = db.locate(settings.database, name, settings.var_dir)
        self.engine: AsyncEngine
        self.nc: Client
        self.js: JetStreamContext
        self.relay: OutboxRelay
        self.server: Server | None = None
        self.observer: metrics.Observer | None = None
        self.consumers: list[Consumer] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._consuming: list[asyncio.Task[None]] = []
        self._on_stop: list[StopHook] = []
        self.failed = asyncio.Event()
        self._bells: dict[str, Bell] = {}

    def uow(self, *, snapshot: bool = False) -> UnitOfWork:
        """A transaction; `snapshot`: reads that must agree with each other (PostgreSQL's
        REPEATABLE READ; SQLite's transactions are snapshots already)."""
        return UnitOfWork(self.engine, self.settings.subject_prefix, self._committed,
                          self._woken, snapshot=snapshot)

    def _committed(self, events: list[dict[str, Any]]) -> None:
        metrics.count_committed(events)
        self.relay.committed(events)

    def _woken(self, topics: dict[str, datetime | None]) -> None:
        for topic, due in topics.items():
            if (bell := self._bells.get(topic)) is not None:
                bell.ring(due)

    def bell(self, topic: str) -> Bell:
        """What a chore of this process waits on between runs; rung by UnitOfWork.wake."""
        return self._bells.setdefault(topic, Bell())

    async def start(self) -> None:
        """Migrate the database, connect to NATS, make sure the stream exists, start the relay."""
        self.engine = db.create_engine(self.database)
        if self.settings.otlp_endpoint:
            telemetry.instrument_engine(self.engine)
        await migrations.upgrade(self.engine, self.database, self._migrations_dir)
        if self.database.is_postgres and await db.bypasses_row_security(self.engine):
            log.warning("connected to PostgreSQL as a superuser or BYPASSRLS role: tenant "
                        "row-level security is not enforced; use an ordinary role")
        self.nc = await bus.connect(self.settings.nats_url, f"casebridge-{self.name}")
        self.js = self.nc.jetstream()
        await bus.ensure_stream(self.js, self.settings.stream, self.settings.subject_prefix,
                                self.settings.stream_replicas)
        self.relay = OutboxRelay(self.engine, self.js)
        self._spawn(self.relay.run(), "relay")
        if not self.database.is_postgres:
            self._spawn(self._keep_statistics(60.0), "sqlite statistics")
        elif not await self._autovacuum_on():
            self._spawn(self._keep_statistics(10.0), "postgresql statistics")
        if self.settings.stats_dir:
            self._spawn(self._write_stats(self.settings.stats_dir), "stats")

    async def _autovacuum_on(self) -> bool:
        async with self.engine.connect() as conn:
            return (await conn.execute(sa.text("SELECT current_setting('autovacuum')"))
                    ).scalar() == "on"

    async def _keep_statistics(self, every_s: float) -> None:
        """The planner's statistics where nothing else keeps them (db.refresh_statistics):
        SQLite's, and PostgreSQL's when its autovacuum is off."""
        while True:   # at a time of its own: the services' rounds do not fall together
            await asyncio.sleep(every_s * _JITTER.uniform(0.5, 1.5))
            try:
                async with db.turn(self.engine), self.engine.connect() as conn:
                    await db.refresh_statistics(conn)
                    await conn.commit()
            except Exception:  # noqa: BLE001 (statistics are an optimisation; next round)
                log.warning("could not refresh the planner's statistics", exc_info=True)

    async def _write_stats(self, directory: Path) -> None:
        await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
        path, written = directory / f"{self.name}.json", -1
        def write(count: int) -> None:
            part = path.with_suffix(".part")
            part.write_text(json.dumps({"statements": count}))
            part.replace(path)

        changed = db.statements.changed()
        while True:   # off the event loop (a rename may wait on the disk), at most once a
            # second, and only after a statement: at rest it does not wake each second
            await changed.wait()
            changed.clear()
            if db.statements.total != written:
                written = db.statements.total
                await asyncio.to_thread(write, written)
            await asyncio.sleep(1.0)

    async def run_parts(self, parts: ServiceParts) -> int:
        """Seed, run the start chores, then serve gRPC and consume; return the gRPC port."""
        self._on_stop.extend(parts.on_stop)
        if parts.seed and self.settings.seed_file:
            text = await asyncio.to_thread(Path(self.settings.seed_file).read_text, "utf-8")
            data = json.loads(text)
            async with self.uow() as uow:
                await parts.seed(await uow.all_tenants(), data)
                await uow.commit()
        for _, chore in parts.at_start:
            async with self.uow() as uow:
                await chore(await uow.all_tenants())
                await uow.commit()
        for spec in parts.consumers:
            consumer = Consumer(
                js=self.js, stream=self.settings.stream, prefix=self.settings.subject_prefix,
                spec=spec, uow=self.uow, batch=self.settings.consumer_batch,
                max_deliver=self.settings.consumer_max_deliver,
                ack_wait_s=self.settings.consumer_ack_wait_s)
            self.consumers.append(consumer)
            self._consuming.append(self._spawn(consumer.run(), spec.durable))
        for periodic in parts.periodic:
            self._spawn(self._run_periodically(periodic), periodic.name)
        for name, worker in parts.workers:
            self._spawn(worker(), name)
        self.server = Server(self.settings.signing_key())
        for register, servicer, full_name in parts.grpc:
            self.server.add(register, servicer, full_name)
        port = await self.server.start(self.settings.address(self.name))
        self.observer = metrics.Observer(
            engine=self.engine, nc=self.nc, js=self.js, stream=self.settings.stream,
            prefix=self.settings.subject_prefix, durables=[c.durable for c in parts.consumers],
            uow=self.uow, samplers=parts.samplers)
        self.server.answer_readiness(self.observer.ready)
        self.observer.attach(asyncio.get_running_loop())
        return port

    async def _run_periodically(self, periodic: Periodic) -> None:
        bell = self.bell(periodic.wake_on) if periodic.wake_on else None
        while True:
            try:
                async with self.uow() as uow:
                    await periodic.chore(await uow.all_tenants())
                    due = await periodic.next_due(uow) if periodic.next_due else None
                    await uow.commit()
            except Exception:  # noqa: BLE001 (retried at the next interval)
                log.warning("%s: %s failed", self.name, periodic.name, exc_info=True)
                due = None
            await wait_until(due, periodic.every_s, bell)

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=f"{self.name}:{name}")
        task.add_done_callback(self._report_crash)
        self._tasks.append(task)
        return task

    def _report_crash(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.critical("background task %s died", task.get_name(), exc_info=task.exception())
            self.failed.set()

    async def stop(self) -> None:
        """Health NOT_SERVING → stop consuming, drain NATS → stop gRPC with grace → stop
        chores and workers → the parts' stop hooks → drain the relay and NATS → dispose."""
        grace = self.settings.shutdown_grace_s
        if self.observer:
            self.observer.detach()
        if self.server:
            await self.server.not_serving()
        for consumer in self.consumers:
            consumer.stop()
        if self._consuming:
            await asyncio.wait(self._consuming, timeout=grace)
        if self.server:
            await self.server.stop(grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._run_stop_hooks(grace)
        await self.relay.drain()
        try:
            await asyncio.wait_for(self.nc.drain(), grace)
        except (TimeoutError, nats_errors.Error):
            await self.nc.close()
        await self.engine.dispose()

    async def _run_stop_hooks(self, grace: float) -> None:
        """Each hook once, within the grace; one that fails or hangs is logged and the others
        still run, so the process goes on to dispose its engine and exit."""
        hooks, self._on_stop = self._on_stop, []
        for hook in hooks:
            try:
                await asyncio.wait_for(hook(), grace)
            except Exception:  # noqa: BLE001 (stopping goes on whatever a hook does)
                log.error("%s: stop hook %s failed", self.name, _name_of(hook), exc_info=True)


class Bell:
    """Wakes a chore that sleeps until its next work falls due when work due sooner is added
    (a rung bell during its run makes it run again at once)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._planned: datetime | None = None

    def ring(self, due: datetime | None = None) -> None:
        if due is None or self._planned is None or due < self._planned:
            self._event.set()

    async def wait(self, timeout_s: float, min_gap_s: float = 0.02) -> None:
        """Sleep `timeout_s`, or until rung — then at least `min_gap_s`, so a busy process
        does not spin."""
        self._planned = datetime.now(UTC) + timedelta(seconds=timeout_s)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self._event.wait()
        self._event.clear()
        self._planned = None
        await asyncio.sleep(min(min_gap_s, timeout_s))


async def wait_until(due: datetime | None, sweep_s: float, bell: Bell | None = None) -> None:
    """Sleep till `due` (the next work's moment; None: nothing waits), at most `sweep_s` (the
    sweep for work another replica added), or till `bell` rings (this process added some)."""
    wait_s = sweep_s if due is None else \
        min(sweep_s, max(0.0, (due - datetime.now(UTC)).total_seconds()))
    if bell is None:
        await asyncio.sleep(wait_s)
    else:
        await bell.wait(wait_s)


def _name_of(hook: StopHook) -> str:
    return str(getattr(hook, "__qualname__", "") or repr(hook))


def main(name: str, migrations_dir: Path, configure: Callable[[Runtime], ServiceParts]) -> None:
    """Entry point of a service process: run until SIGTERM or SIGINT, then stop in order."""
    settings = Settings()
    logs.setup(name, settings.log_level, settings.log_format)
    telemetry.setup_tracing(f"casebridge-{name}", settings.otlp_endpoint)
    metrics.serve(settings.metrics_port)

    async def serve() -> None:
        runtime = Runtime(name, settings, migrations_dir)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await runtime.start()
        port = await runtime.run_parts(configure(runtime))
        log.info("%s serving gRPC on port %d (%d objects kept out of the collector's passes)",
                 name, port, heap.freeze_started())
        failed = asyncio.create_task(runtime.failed.wait())
        await asyncio.wait([asyncio.create_task(stop.wait()), failed],
                           return_when=asyncio.FIRST_COMPLETED)
        log.info("%s stopping", name)
        await runtime.stop()
        telemetry.shutdown()
        if failed.done():
            raise SystemExit(f"{name}: a background task died")

    uvloop.run(serve())
