"""The case service's event handlers on SQLite and PostgreSQL: an off-hours complaint held by
the on-duty officer and handed over, a month-old complaint becoming 重大, and a timeline that
cannot be edited."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from case.adapters.tables import cases, timeline
from case.service_layer import consuming, handlers
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.messaging.envelope import Event, make, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from google.protobuf.message import Message

Handler = Callable[[UnitOfWork, Event], Awaitable[None]]

TENANT = "demo-hospital"


async def deliver(runtime: Runtime, handler: Handler, event_type: str, payload: Message) -> None:
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        await handler(uow, Event(make(event_type, TENANT, payload)))
        await uow.commit()


async def open_case(runtime: Runtime, received_at: datetime, **submission: Any) -> str:
    case_id = str(uuid.uuid4())
    await deliver(runtime, consuming.on_event, "intake.received", intake_pb2.ComplaintReceived(
        tenant_kind="hospital", submission=intake_pb2.Submission(
            case_id=case_id, case_number=f"HOSP-2026-{uuid.uuid4().int % 10**6:06d}",
            tenant_id=TENANT, kind=intake_pb2.KIND_COMPLAINT, channel="phone",
            content="夜间急诊收费多收", received_by="hosp-clerk",
            received_at=timestamp(received_at),
            complainant=common_pb2.Party(name="某患者", phone="13800000000"),
            **submission)))
    return case_id


async def read(runtime: Runtime, case_id: str) -> sa.Row:
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        return (await uow.conn.execute(sa.select(cases).where(cases.c.case_id == case_id))).one()


async def published(runtime: Runtime, event_type: str) -> list[Event]:
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.data))).scalars().all()
    return [e for e in map(Event.decode, rows) if e.type == event_type]


async def test_the_opened_case_is_announced_with_its_circumstances_and_first_contact_owner(
        runtime: Runtime) -> None:
    case_id = await open_case(runtime, datetime.now(UTC), circumstances=["death", "media"],
                              category="医疗纠纷")
    [opened] = [e.payload(case_pb2.CaseOpened) for e in await published(runtime, "case.opened")]
    assert (opened.case_id, list(opened.circumstances), opened.received_by, opened.category) \
        == (case_id, ["death", "media"], "hosp-clerk", "医疗纠纷")


async def test_an_off_hours_complaint_is_held_on_duty_then_handed_over(
        runtime: Runtime) -> None:
    case_id = await open_case(runtime, datetime.now(UTC))
    handover_at = datetime.now(UTC) + timedelta(hours=10)
    await deliver(runtime, consuming.on_event, "routing.decided", routing_pb2.RoutingDecided(
        case_id=case_id, category="医疗收费", department="总值班", handler_id="hosp-h6a",
        on_duty=True, handover_at=timestamp(handover_at), trigger="intake", severity="一般",
        reason="received off hours"))
    held = await read(runtime, case_id)
    assert (held.department, held.handler_id, held.on_duty) == ("总值班", "hosp-h6a", True)
    await deliver(runtime, consuming.on_event, "routing.decided", routing_pb2.RoutingDecided(
        case_id=case_id, category="医疗收费", department="财务处", handler_id="hosp-h10a",
        trigger="handover", previous_handler_id="hosp-h6a", severity="一般",
        reason="handed over from 总值班 at the start of the working day"))
    handed = await read(runtime, case_id)
    assert (handed.department, handed.handler_id, handed.on_duty) == \
        ("财务处", "hosp-h10a", False)
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        types = (await uow.conn.execute(sa.select(timeline.c.type, timeline.c.summary).where(
            timeline.c.case_id == case_id).order_by(timeline.c.seq))).all()
    assert [t.type for t in types] == ["received", "routed", "handed_over"]
    assert "held by the on-duty officer" in types[1].summary
    assert handed.status == "received", "handover moves the case, the decision stays open"


async def test_a_complaint_open_for_a_month_becomes_major_once(runtime: Runtime) -> None:
    old = await open_case(runtime, datetime.now(UTC) - timedelta(days=32))
    fresh = await open_case(runtime, datetime.now(UTC) - timedelta(days=3))
    for _ in range(2):  # a second run (or replica) finds nothing left to raise
        async with runtime.uow() as uow:
            await handlers.raise_month_old(await uow.all_tenants())
            await uow.commit()
    assert (await read(runtime, old)).severity == "重大"
    assert (await read(runtime, fresh)).severity == "一般"
    alerts = [e.payload(case_pb2.CaseAlert) for e in await published(runtime, "case.alert")]
    assert [(a.case_id, a.severity) for a in alerts] == [(old, "重大")]
    assert set(alerts[0].audiences) == {"complaint_office", "leadership"}


async def test_a_month_old_complaint_waiting_lawfully_is_not_raised(runtime: Runtime) -> None:
    """Seed 000 "一个月内未得以解决的投诉升级为重大投诉" is for complaints left unsolved, not for
    those waiting as the law lets them: on hold (appraisal, testing), with another institution,
    or within a deadline still running (e.g. 信访 60 days, 《信访工作条例》第三十四条)."""
    month_ago = datetime.now(UTC) - timedelta(days=35)
    waiting = {
        "on_hold": {"status": "on_hold"},
        "transferred": {"status": "transferred"},
        "running": {"status": "investigating", "due_at": datetime.now(UTC) + timedelta(days=20)},
        "overdue": {"status": "investigating", "due_at": datetime.now(UTC) - timedelta(days=1)},
    }
    ids = {}
    for name, row in waiting.items():
        ids[name] = await open_case(runtime, month_ago)
        async with runtime.uow() as uow:
            await uow.set_tenant(TENANT)
            await uow.conn.execute(cases.update().where(cases.c.case_id == ids[name])
                                   .values(**row))
            await uow.commit()
    async with runtime.uow() as uow:
        await handlers.raise_month_old(await uow.all_tenants())
        await uow.commit()
    severities = {name: (await read(runtime, case_id)).severity for name, case_id in ids.items()}
    assert severities == {"on_hold": "一般", "transferred": "一般", "running": "一般",
                          "overdue": "重大"}


async def test_the_timeline_cannot_be_edited_or_deleted(runtime: Runtime) -> None:
    case_id = await open_case(runtime, datetime.now(UTC))
    for statement in (timeline.update().values(summary="改写"), timeline.delete()):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            async with runtime.uow() as uow:
                await uow.set_tenant(TENANT)
                await uow.conn.execute(statement.where(timeline.c.case_id == case_id))
                await uow.commit()
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        kept = (await uow.conn.execute(sa.select(timeline.c.summary).where(
            timeline.c.case_id == case_id))).scalars().all()
    assert len(kept) == 1 and "改写" not in kept[0]


async def test_a_reassignment_with_nobody_else_free_keeps_the_handler_and_a_recusal_does_not(
        runtime: Runtime) -> None:
    case_id = await open_case(runtime, datetime.now(UTC))

    async def route(trigger: str, handler_id: str) -> sa.Row:
        await deliver(runtime, consuming.on_event, "routing.decided", routing_pb2.RoutingDecided(
            case_id=case_id, category="医疗收费", department="财务处", handler_id=handler_id,
            trigger=trigger, severity="一般", reason=trigger))
        return await read(runtime, case_id)

    await route("intake", "hosp-h10a")
    async with runtime.uow() as uow:  # accepted: assigned to hosp-h10a
        await uow.set_tenant(TENANT)
        await uow.conn.execute(cases.update().where(cases.c.case_id == case_id)
                               .values(status="assigned"))
        await uow.commit()
    kept = await route("reassign", "")
    assert (kept.status, kept.handler_id) == ("assigned", "hosp-h10a")
    recused = await route("conflict", "")
    assert (recused.status, recused.handler_id) == ("accepted", "")
    again = await route("reassign", "hosp-h10b")
    assert (again.status, again.handler_id) == ("assigned", "hosp-h10b")
    assigned = [e.payload(case_pb2.CaseAssigned).handler_id
                for e in await published(runtime, "case.assigned")]
    assert assigned == ["hosp-h10b"]


async def test_a_missed_deadline_shows_on_the_timeline(runtime: Runtime) -> None:
    case_id = await open_case(runtime, datetime.now(UTC) - timedelta(days=5))
    due = datetime(2026, 11, 25, 16, tzinfo=UTC)
    await deliver(runtime, consuming.on_event, "escalation.breached", escalation_pb2.TimerFired(
        case_id=case_id, case_number="HOSP-2026-000009", clock="answer", kind="breach",
        due_at=timestamp(due), fired_at=timestamp(due + timedelta(seconds=1)),
        rule="3个工作日内答复"))
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        entry = (await uow.conn.execute(sa.select(timeline).where(
            timeline.c.case_id == case_id, timeline.c.type == "deadline_breach"))).one()
    assert entry.summary == "answer deadline missed: due 2026-11-25 24:00 (3个工作日内答复)"


async def test_a_time_of_death_registered_at_intake_is_announced_for_the_autopsy_clock(
        runtime: Runtime) -> None:
    """《医疗纠纷预防和处理条例》第二十六条 counts the 48 hours from the death: the hospital form's
    detail death_time (Beijing time) goes out with case.opened."""
    await open_case(runtime, datetime.now(UTC), details={"death_time": "2026-10-01T03:00"},
                    circumstances=["death"])
    [opened] = [e.payload(case_pb2.CaseOpened) for e in await published(runtime, "case.opened")]
    assert opened.died_at.ToDatetime(tzinfo=UTC) == datetime(2026, 9, 30, 19, tzinfo=UTC)
