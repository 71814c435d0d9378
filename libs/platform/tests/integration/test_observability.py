"""Readiness and metrics of a real service process's runtime, both computed when asked: its
own nats-server (the wheel's, killed and started again), PostgreSQL refusing and then accepting
this database again, and /metrics scraped over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import grpc
import nats
import pytest
import sqlalchemy as sa
from casebridge.common.v1 import common_pb2
from casebridge_platform import auth, db, metrics, testing
from casebridge_platform.config import Settings
from casebridge_platform.devstack import free_port
from casebridge_platform.grpcserver import Server, client_metadata
from casebridge_platform.messaging.consumer import ConsumerSpec
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.runtime import Runtime, ServiceParts
from grpc_health.v1 import health_pb2, health_pb2_grpc

from .test_runtime import migrations_dir  # noqa: F401 (the fixture: outbox and inbox only)

pytestmark = pytest.mark.xdist_group("observability")
SERVING = health_pb2.HealthCheckResponse.SERVING


@pytest.fixture
async def pg_database(postgres_admin_url: str) -> AsyncIterator[str]:
    url = await testing.create_database(postgres_admin_url)
    yield url
    await testing.drop_database(postgres_admin_url, url)


async def allow_connections(admin_url: str, url: str, allowed: bool) -> None:
    """Let this database be connected to, or refuse it and cut the connections it has."""
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = $1", name)
    finally:
        await conn.close()


async def ready(address: str) -> bool:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)  # type: ignore[no-untyped-call]
        answer = await stub.Check(health_pb2.HealthCheckRequest(service=metrics.READY_SERVICE),
                                  timeout=2)
        return bool(answer.status == SERVING)


async def eventually(what: str, check: Callable[[], Awaitable[bool]],
                     timeout_s: float = 15.0) -> None:
    """Poll until `check` holds (what it waits on has no event to await)."""
    try:
        async with asyncio.timeout(timeout_s):
            while not await check():  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    except TimeoutError:
        pytest.fail(f"{what}: not within {timeout_s}s")


def sample(name: str, labels: dict[str, str] | None = None) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


@contextlib.asynccontextmanager
async def running(settings: Settings, migrations: Path, parts: ServiceParts
                  ) -> AsyncIterator[Runtime]:
    runtime = Runtime("intake", settings, migrations)
    await runtime.start()
    await runtime.run_parts(parts)
    try:
        yield runtime
    finally:
        await runtime.stop()


def settings_for(database: str, nats_url: str, tmp_path: Path) -> Settings:
    return Settings(database=database, var_dir=tmp_path / "var", nats_url=nats_url,
                    stream=testing.unique("CBT"), subject_prefix=testing.unique("cbt"),
                    principal_key=secrets.token_urlsafe(32), consumer_ack_wait_s=2.0,
                    consumer_max_deliver=2, intake_addr=f"127.0.0.1:{free_port()}",
                    shutdown_grace_s=0.5)


async def test_readiness_fails_while_nats_or_postgresql_is_unreachable(
        own_nats: testing.NatsProcess, pg_database: str, postgres_admin_url: str, tmp_path: Path,
        migrations_dir: Path) -> None:  # noqa: F811
    settings = settings_for(pg_database, own_nats.url, tmp_path)
    async with running(settings, migrations_dir, ServiceParts()) as runtime:
        address = settings.intake_addr
        assert runtime.server is not None
        assert await ready(address) and sample("casebridge_ready") == 1

        own_nats.kill()
        await eventually("NATS seen gone", lambda: _not(ready(address)))
        assert sample("casebridge_ready") == 0
        own_nats.start()
        await eventually("NATS back", lambda: ready(address))

        await allow_connections(postgres_admin_url, pg_database, False)
        try:
            await eventually("the database seen gone", lambda: _not(ready(address)))
            assert sample("casebridge_ready") == 0
        finally:
            await allow_connections(postgres_admin_url, pg_database, True)
        await eventually("database back", lambda: ready(address))
        assert sample("casebridge_ready") == 1

        await runtime.server.not_serving()               # the graceful stop begins
        assert not await ready(address)


async def _not(check: Awaitable[bool]) -> bool:
    return not await check


async def test_metrics_follow_the_outbox_the_consumer_and_its_dead_letters(
        own_nats: testing.NatsProcess, tmp_path: Path, migrations_dir: Path) -> None:  # noqa: F811
    settings = settings_for("sqlite", own_nats.url, tmp_path)
    handled: list[str] = []

    async def handler(uow: UnitOfWork, event: Event) -> None:
        handled.append(event.id)

    durable = testing.unique("obs")
    parts = ServiceParts(consumers=[ConsumerSpec(durable, ("obs.seen",), handler)])
    port = free_port()
    metrics.serve(port)
    async with running(settings, migrations_dir, parts) as runtime:
        observer = runtime.observer
        assert observer is not None
        committed = sample("casebridge_events_published_total", {"type": "obs.seen"})
        await eventually("the consumer made", lambda: _exists(runtime, durable))

        own_nats.kill()                           # the event waits in the outbox
        async with runtime.uow() as uow:
            uow.emit("obs.seen", "t1", common_pb2.Money(amount_fen=1))
            await uow.commit()
        await asyncio.sleep(1.1)
        await observer.sample()
        assert sample("casebridge_outbox_backlog") == 1
        assert sample("casebridge_outbox_oldest_age_seconds") >= 1.0
        assert sample("casebridge_events_published_total", {"type": "obs.seen"}) == committed + 1

        own_nats.start()                          # published, consumed, acknowledged
        await eventually("consumed", lambda: _true(bool(handled)), 30)
        await eventually("outbox empty", lambda: _outbox_empty(observer))
        assert sample("casebridge_consumer_pending", {"consumer": durable}) == 0

        poison = f"{settings.subject_prefix}.obs.seen.t1"
        await runtime.js.publish(poison, b"not an envelope", headers={"Nats-Msg-Id": "p1"})
        dead = f'casebridge_dead_letters{{consumer="{durable}"}} 1.0'
        await eventually("dead-lettered, seen by a scrape alone",    # the scrape samples
                         lambda: _contains(asyncio.to_thread(_scrape, port), dead))
        scraped = await asyncio.to_thread(_scrape, port)
        assert "casebridge_outbox_backlog 0.0" in scraped
        assert "casebridge_db_pool_size 8.0" in scraped
    scraped = await asyncio.to_thread(_scrape, port)                # stopped: not sampled
    assert "casebridge_db_pool_size" in scraped


async def _true(value: bool) -> bool:
    return value


async def _outbox_empty(observer: metrics.Observer) -> bool:
    await observer.sample()
    return sample("casebridge_outbox_backlog") == 0


async def _exists(runtime: Runtime, durable: str) -> bool:
    try:
        await runtime.js.consumer_info(runtime.settings.stream, durable)
    except Exception:  # noqa: BLE001 (not yet)
        return False
    return True


async def _contains(text: Awaitable[str], part: str) -> bool:
    return part in await text


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:  # noqa: S310
        return str(r.read().decode())


async def test_a_replica_busy_on_every_connection_stays_ready(nats_url: str,
                                                               tmp_path: Path) -> None:
    """Readiness does not queue for a connection behind a full pool (it would time out and
    take the busiest replica out of service); it says ready again once the pool is free."""
    engine = db.create_engine(db.locate("sqlite", "busy", tmp_path), pool_size=2)
    nc = await nats.connect(nats_url)
    observer = metrics.Observer(engine=engine, nc=nc, js=nc.jetstream(), stream="NONE",
                                prefix="cbt", durables=[], timeout_s=2.0, fresh_s=0.0)
    try:
        async with engine.connect(), engine.connect():     # both checked out, idle
            started = asyncio.get_running_loop().time()
            assert await observer.ready()
            await observer.sample()
            assert asyncio.get_running_loop().time() - started < 1.0
            assert sample("casebridge_db_pool_in_use") == 2
        await observer.sample()
        assert await observer.ready()
        assert sample("casebridge_db_pool_in_use") == 0
    finally:
        await nc.close()
        await engine.dispose()


async def test_timer_lag_is_now_minus_the_due_time_of_the_oldest_unfired(tmp_path: Path) -> None:
    engine = db.create_engine(db.locate("sqlite", "lag", tmp_path))
    table = sa.Table("timers", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("due_at", db.UTCDateTime, nullable=False),
                     sa.Column("fired_at", db.UTCDateTime))
    now = datetime.now(UTC)
    sampler = metrics.lag_sampler(table.c.due_at, table.c.fired_at.is_(None))
    try:
        async with engine.connect() as conn:
            await conn.run_sync(table.metadata.create_all)
            await sampler(SimpleNamespace(conn=conn))      # a unit of work's connection
            assert sample("casebridge_timer_lag_seconds") == 0
            await conn.execute(table.insert(), [
                {"due_at": now - timedelta(seconds=300), "fired_at": now},   # fired: not late
                {"due_at": now - timedelta(seconds=30), "fired_at": None},   # 30 s late
                {"due_at": now + timedelta(seconds=60), "fired_at": None}])  # not due yet
            await sampler(SimpleNamespace(conn=conn))
            assert 30 <= sample("casebridge_timer_lag_seconds") < 40
    finally:
        await engine.dispose()


async def test_grpc_calls_are_counted_by_method_and_code_and_timed() -> None:
    """A casebridge method on a real grpc.aio server behind the platform's interceptor."""
    key = secrets.token_bytes(32)

    async def ok(request: bytes, context: object) -> bytes:
        return request

    method = "/casebridge.probe.v1.Probe/Echo"
    server = Server(key)
    server.server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "casebridge.probe.v1.Probe", {"Echo": grpc.unary_unary_rpc_method_handler(ok)})])
    port = await server.start("127.0.0.1:0")

    def count(code: str) -> float:
        return sample("casebridge_grpc_requests_total", {"method": method, "code": code})

    before = {code: count(code) for code in ("OK", "UNAUTHENTICATED")}
    timed = sample("casebridge_grpc_request_duration_seconds_count", {"method": method})
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            echo = channel.unary_unary(method)
            principal = auth.Principal(tenant_id="t1", user_id="u1")
            assert await echo(b"hi", metadata=client_metadata(principal, key)) == b"hi"
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await echo(b"hi")                               # no principal
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await server.stop(0)
    assert count("OK") == before["OK"] + 1
    assert count("UNAUTHENTICATED") == before["UNAUTHENTICATED"] + 1
    assert sample("casebridge_grpc_request_duration_seconds_count",
                  {"method": method}) == timed + 2


async def test_postgresql_gone_away_is_unavailable_a_bad_statement_is_not(
        pg_database: str, postgres_admin_url: str, tmp_path: Path) -> None:
    """What the interceptor answers UNAVAILABLE (and consumers wait out) on PostgreSQL."""
    engine = db.create_engine(db.locate(pg_database, "probe", tmp_path))
    try:
        async with engine.connect() as conn:
            await db.ensure_schema(conn, db.locate(pg_database, "probe", tmp_path))
            await conn.execute(sa.text("CREATE TABLE once (id int PRIMARY KEY)"))
            await conn.execute(sa.text("INSERT INTO once VALUES (1)"))
            with pytest.raises(sa.exc.DBAPIError) as duplicate:
                await conn.execute(sa.text("INSERT INTO once VALUES (1)"))
            assert not db.unavailable(duplicate.value)
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
            await allow_connections(postgres_admin_url, pg_database, False)  # cut it
            with pytest.raises(sa.exc.DBAPIError) as cut:
                await conn.execute(sa.text("SELECT 1"))
            assert db.unavailable(cut.value)
    finally:
        await allow_connections(postgres_admin_url, pg_database, True)
        await engine.dispose()
    assert db.unavailable(ConnectionRefusedError(111, "Connect call failed"))
