"""The timer engine on SQLite and PostgreSQL: due timers fire once, even with two replicas."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.config import Settings
from casebridge_platform.devstack import ROOT, free_port
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from escalation.adapters.tables import timers
from escalation.bootstrap import MIGRATIONS, configure
from escalation.service_layer.timers import fire_due


@pytest.fixture
async def replicas(settings: Settings) -> AsyncIterator[list[Runtime]]:
    """Two escalation runtimes on one database, as two replicas would be."""
    s = settings.model_copy(update={"escalation_addr": f"127.0.0.1:{free_port()}",
                                    "seed_file": ROOT / "deploy/seed/demo-tenants.json"})
    started = []
    for _ in range(2):
        runtime = Runtime("escalation", s, MIGRATIONS)
        await runtime.start()
        started.append(runtime)
    yield started
    for runtime in started:
        await runtime.stop()


async def arm(runtime: Runtime, count: int, due_at: datetime) -> None:
    async with runtime.uow() as uow:
        await uow.all_tenants()
        await uow.conn.execute(timers.insert(), [
            {"case_id": str(uuid.uuid4()), "clock": "answer", "kind": "breach",
             "tenant_id": "demo-hospital" if i % 2 else "demo-company",
             "case_number": f"HOSP-2026-{i:06d}", "due_at": due_at, "rule": "test rule"}
            for i in range(count)])
        uow.wake("timers", due_at)   # as arming does: this process's chore waits for it
        await uow.commit()


async def fire_all(runtime: Runtime) -> int:
    total = 0
    while True:
        async with runtime.uow() as uow:
            fired = await fire_due(await uow.all_tenants(), limit=100)
            await uow.commit()
        if not fired:
            return total
        total += fired


async def announced(runtime: Runtime) -> list[Event]:
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.data))).scalars().all()
    return [Event.decode(data) for data in rows]


async def test_what_fell_due_while_down_fires_on_start_and_the_future_waits(
        replicas: list[Runtime]) -> None:
    runtime = replicas[0]
    now = datetime.now(UTC)
    await arm(runtime, 300, now - timedelta(hours=1))
    await arm(runtime, 50, now + timedelta(days=3))
    assert await fire_all(runtime) == 300
    events = await announced(runtime)
    assert len(events) == 300 and {e.type for e in events} == {"escalation.breached"}
    fired = events[0].payload(escalation_pb2.TimerFired)
    assert fired.kind == "breach" and fired.rule == "test rule"
    assert fired.fired_at.ToDatetime(tzinfo=UTC) >= fired.due_at.ToDatetime(tzinfo=UTC)
    assert await fire_all(runtime) == 0  # fired is fired


async def test_two_replicas_never_fire_one_timer_twice(replicas: list[Runtime]) -> None:
    await arm(replicas[0], 2000, datetime.now(UTC) - timedelta(seconds=1))
    counts = await asyncio.gather(*(fire_all(r) for r in replicas for _ in range(2)))
    assert sum(counts) == 2000
    case_ids = [e.payload(escalation_pb2.TimerFired).case_id
                for e in await announced(replicas[0])]
    assert len(case_ids) == len(set(case_ids)) == 2000


async def test_the_running_service_fires_and_publishes_a_timer_that_comes_due(
        replicas: list[Runtime]) -> None:
    runtime = replicas[0]
    subject = f"{runtime.settings.subject_prefix}.escalation.breached.*"
    received: asyncio.Queue[Event] = asyncio.Queue()

    async def on_message(msg) -> None:
        received.put_nowait(Event.decode(msg.data))

    sub = await runtime.nc.subscribe(subject, cb=on_message)
    await runtime.run_parts(configure(runtime))
    await arm(runtime, 1, datetime.now(UTC) + timedelta(milliseconds=300))
    event = await asyncio.wait_for(received.get(), timeout=10)
    await sub.unsubscribe()
    fired = event.payload(escalation_pb2.TimerFired)
    assert fired.case_number == "HOSP-2026-000000" and event.tenant_id == "demo-company"
