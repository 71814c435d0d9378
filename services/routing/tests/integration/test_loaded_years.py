"""Routing keeps the calendar years loaded in escalation (escalation.year_loaded) and hands
off-hours complaints over on them, on SQLite and PostgreSQL with a real NATS server."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.config import Settings
from casebridge_platform.devstack import ROOT, free_port
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.envelope import Event, PoisonMessage, timestamp
from casebridge_platform.runtime import Runtime
from routing.adapters.tables import calendar_years
from routing.bootstrap import MIGRATIONS, configure

from .test_routing import HOSPITAL, decided, deliver, receive, replicas, runtime  # noqa: F401

LOADED_AT = datetime(2026, 12, 1, 2, tzinfo=UTC)


def shanghai(*args: int) -> datetime:
    """A Shanghai wall-clock moment, in UTC."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)  # type: ignore[misc]


def year_2027(loaded_at: datetime = LOADED_AT, *, source: str = "国办发明电",
              holidays: tuple[str, ...] = ("2027-01-01", "2027-01-04"),
              workdays: tuple[str, ...] = ("2027-01-09",)) -> escalation_pb2.YearLoaded:
    """元旦 2027 as an admin might load it: Fri 1 and Mon 4 off, Sat 9 worked (调休)."""
    return escalation_pb2.YearLoaded(
        year=2027, source=source, loaded_at=timestamp(loaded_at),
        holidays=[escalation_pb2.NamedDay(date=d, name="元旦") for d in holidays],
        workdays=[escalation_pb2.NamedDay(date=d, name="元旦") for d in workdays])


async def handover_of(runtime: Runtime, received_at: datetime) -> datetime | None:  # noqa: F811
    [d] = await decided(runtime, await receive(runtime, "多收费用", received_at=received_at))
    return d.handover_at.ToDatetime(tzinfo=UTC) if d.on_duty else None


async def stored(runtime: Runtime, tenant: str = HOSPITAL) -> list[sa.Row]:  # noqa: F811
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        return list((await uow.conn.execute(sa.select(calendar_years).where(
            calendar_years.c.tenant_id == tenant))).all())


async def test_a_loaded_year_moves_the_hand_over_and_a_repeat_changes_nothing(
        runtime: Runtime) -> None:  # noqa: F811
    saturday, friday_evening = shanghai(2027, 1, 2, 10), shanghai(2027, 1, 8, 19)
    working_saturday = shanghai(2027, 1, 9, 10)
    assert await handover_of(runtime, saturday) == shanghai(2027, 1, 4, 8)   # guessed: Monday
    assert await handover_of(runtime, working_saturday) == shanghai(2027, 1, 11, 8)

    await deliver(runtime, "escalation.year_loaded", year_2027())
    assert await handover_of(runtime, saturday) == shanghai(2027, 1, 5, 8)  # Monday is a holiday
    assert await handover_of(runtime, friday_evening) == shanghai(2027, 1, 9, 8)  # 调休 Saturday
    assert await handover_of(runtime, working_saturday) is None              # office hours

    await deliver(runtime, "escalation.year_loaded", year_2027())  # announced again at a start
    await deliver(runtime, "escalation.year_loaded", year_2027(   # an older load, late
        LOADED_AT - timedelta(days=1), source="draft", holidays=("2027-01-01",), workdays=()))
    [row] = await stored(runtime)
    assert (row.year, row.source, row.loaded_at) == (2027, "国办发明电", LOADED_AT)
    assert row.holidays == {"2027-01-01": "元旦", "2027-01-04": "元旦"}
    assert row.workdays == {"2027-01-09": "元旦"}
    assert await stored(runtime, "demo-company") == []  # the tenant's own year

    await deliver(runtime, "escalation.year_loaded", year_2027(  # a later load replaces it
        LOADED_AT + timedelta(days=1), source="更正", workdays=()))
    assert await handover_of(runtime, working_saturday) == shanghai(2027, 1, 11, 8)


async def test_a_schedule_that_does_not_read_is_poison(runtime: Runtime) -> None:  # noqa: F811
    with pytest.raises(PoisonMessage):
        await deliver(runtime, "escalation.year_loaded", year_2027(holidays=("2028-01-01",)))
    assert await stored(runtime) == []


async def test_the_running_service_consumes_the_announcement(settings: Settings) -> None:
    """Over NATS: escalation's announcement reaches routing's consumer, and the next
    complaint received off hours is handed over on the loaded year."""
    s = settings.model_copy(update={"routing_addr": f"127.0.0.1:{free_port()}",
                                    "seed_file": ROOT / "deploy/seed/demo-tenants.json"})
    r = Runtime("routing", s, MIGRATIONS)
    await r.start()
    try:
        received: asyncio.Queue[Event] = asyncio.Queue()

        async def on_message(msg) -> None:  # type: ignore[no-untyped-def]
            received.put_nowait(Event.decode(msg.data))

        sub = await r.nc.subscribe(f"{s.subject_prefix}.routing.decided.*", cb=on_message)
        await r.run_parts(configure(r))

        async def publish(event_type: str, payload) -> None:  # type: ignore[no-untyped-def]
            env = envelope.make(event_type, HOSPITAL, payload)
            await r.js.publish(envelope.subject(s.subject_prefix, event_type, HOSPITAL),
                               env.SerializeToString(), headers={"Nats-Msg-Id": env.event_id})

        await publish("escalation.year_loaded", year_2027())
        for _ in range(100):  # bounded wait for the consumer's commit
            if await stored(r):
                break
            await asyncio.sleep(0.1)
        await publish("intake.received", intake_pb2.ComplaintReceived(
            submission=intake_pb2.Submission(
                case_id=str(uuid.uuid4()), tenant_id=HOSPITAL, content="挂号排队太久",
                received_at=timestamp(shanghai(2027, 1, 8, 19)))))
        d = (await asyncio.wait_for(received.get(), timeout=10)).payload(
            routing_pb2.RoutingDecided)
        await sub.unsubscribe()
        assert (d.department, d.on_duty) == ("总值班", True)
        assert d.handover_at.ToDatetime(tzinfo=UTC) == shanghai(2027, 1, 9, 8)
    finally:
        await r.stop()
