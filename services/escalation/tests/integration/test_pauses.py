"""A hold pauses a case's clocks and its end resumes them, the due moment moved by exactly the
working time of the hold; a case closed while on hold stops them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.devstack import ROOT
from casebridge_platform.messaging.envelope import Event, make, timestamp
from casebridge_platform.runtime import Runtime
from escalation.adapters.tables import clocks, timers
from escalation.domain.calendar import WorkCalendar
from escalation.service_layer import handlers

from .test_timers import replicas  # noqa: F401  (the fixture)

TENANT = "demo-hospital"


async def deliver(runtime: Runtime, handler, event_type: str, payload) -> None:  # type: ignore[no-untyped-def]
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        await handler(uow, Event(make(event_type, TENANT, payload)))
        await uow.commit()


async def move(runtime: Runtime, case_id: str, from_: str, to: str, at: datetime) -> None:
    await deliver(runtime, handlers.on_transitioned, "case.transitioned",
                  case_pb2.CaseTransitioned(case_id=case_id, case_number="HOSP-2026-000001",
                                            from_status=from_, to_status=to, at=timestamp(at)))


async def state(runtime: Runtime, case_id: str) -> tuple[sa.Row, list[sa.Row]]:
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        clock = (await uow.conn.execute(clocks.select().where(
            clocks.c.case_id == case_id))).one()
        pending = (await uow.conn.execute(timers.select().where(
            timers.c.case_id == case_id, timers.c.fired_at.is_(None))
            .order_by(timers.c.kind))).all()
    return clock, pending


async def test_a_hold_moves_the_deadline_by_its_working_time(
        replicas: list[Runtime]) -> None:  # noqa: F811
    runtime = replicas[0]
    async with runtime.uow() as uow:
        await handlers.seed(await uow.all_tenants(),
                            json.loads((ROOT / "deploy/seed/demo-tenants.json").read_text()))
        await uow.commit()
    received = datetime(2026, 11, 2, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai
    await deliver(runtime, handlers.on_assigned, "case.assigned", case_pb2.CaseAssigned(
        case_id="c-hold", case_number="HOSP-2026-000001", received_at=timestamp(received)))
    armed, [timer, warning] = await state(runtime, "c-hold")
    three_days, _ = WorkCalendar().add_working_days(received, 3)
    assert armed.due_at == three_days == timer.due_at  # Friday 00:00 Shanghai
    two_days, _ = WorkCalendar().add_working_days(received, 2)
    assert (warning.kind, warning.due_at) == ("warning", two_days)  # two thirds of the time

    # on hold from Tuesday 00:00 to Thursday 00:00 Shanghai: two working days
    await move(runtime, "c-hold", "investigating", "on_hold",
               datetime(2026, 11, 2, 16, tzinfo=UTC))
    paused, none = await state(runtime, "c-hold")
    assert paused.state == "paused" and none == []
    await move(runtime, "c-hold", "on_hold", "investigating",
               datetime(2026, 11, 4, 16, tzinfo=UTC))
    resumed, [timer, warning] = await state(runtime, "c-hold")
    five_days, _ = WorkCalendar().add_working_days(received, 5)
    assert resumed.state == "running" and resumed.due_at == five_days == timer.due_at
    four_days, _ = WorkCalendar().add_working_days(received, 4)
    assert warning.due_at == four_days, "the warning moves with the hold too"
    assert len(resumed.pauses) == 1

    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        [why] = (await handlers.explain_clocks(uow, principal=Principal(TENANT, "u"),
                                               case_id="c-hold")).clocks
    assert why.due_at.ToDatetime(tzinfo=UTC) == five_days and len(why.paused) == 1

    await move(runtime, "c-hold", "investigating", "on_hold",
               datetime(2026, 11, 5, 2, tzinfo=UTC))
    await move(runtime, "c-hold", "on_hold", "closed", datetime(2026, 11, 6, 2, tzinfo=UTC))
    stopped, none = await state(runtime, "c-hold")
    assert stopped.state == "stopped" and none == []
