"""Deadline notices on SQLite and PostgreSQL: one delivery per audience and event, never two,
and the regulator's report to its supervisors and leaders."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.config import Settings
from casebridge_platform.devstack import free_port
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.consumer import Batch
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from google.protobuf import message as pb_message
from notification.adapters.tables import deliveries
from notification.bootstrap import MIGRATIONS, ON, batch_handler, configure, subscriptions
from notification.service_layer import admin
from notification.service_layer.handlers import Outbound

HOSPITAL = "demo-hospital"
REGULATOR = "demo-health-bureau"
DUE = datetime(2026, 11, 25, 16, tzinfo=UTC)
LADDER = ["role:complaint_office", "department:医务处", "user:hosp-leader"]


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    r = Runtime("notification", settings.model_copy(
        update={"notification_addr": f"127.0.0.1:{free_port()}"}), MIGRATIONS)
    await r.start()
    yield r
    await r.stop()


def fired(case_id: str, **fields: object) -> escalation_pb2.TimerFired:
    values: dict[str, object] = {
        "case_id": case_id, "case_number": "HOSP-2026-000042", "clock": "answer",
        "kind": "breach", "due_at": timestamp(DUE), "fired_at": timestamp(DUE),
        "rule": "简单投诉3个工作日内答复", "department": "医务处", "severity": "一般"}
    return escalation_pb2.TimerFired(**{**values, **fields})


def event(event_type: str, payload: pb_message.Message, tenant_id: str = HOSPITAL) -> Event:
    return Event(envelope.make(event_type, tenant_id, payload))


async def handle(runtime: Runtime, *events: Event) -> None:
    """Apply events as the consumer would, straight to the handler: no inbox in front of it."""
    for e in events:
        async with runtime.uow() as uow:
            await uow.set_tenant(e.tenant_id)
            await ON[e.type](uow, e)
            await uow.commit()


async def stored(runtime: Runtime, tenant_id: str = HOSPITAL) -> list[sa.Row]:
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant_id)
        return list((await uow.conn.execute(sa.select(deliveries).where(
            deliveries.c.tenant_id == tenant_id).order_by(deliveries.c.recipient))).all())


async def announced(runtime: Runtime) -> list[notification_pb2.Delivery]:
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.data))).scalars().all()
    return [Event.decode(d).payload(notification_pb2.DeliveryRecorded).delivery for d in rows]


async def test_each_audience_is_told_once_however_often_the_event_comes(
        runtime: Runtime) -> None:
    case_id = str(uuid.uuid4())
    breached = event("escalation.breached", fired(case_id, rung=3, rung_title="分管院长",
                                                   audiences=LADDER))
    await handle(runtime, breached, breached)
    rows = await stored(runtime)
    assert sorted(r.recipient for r in rows) == sorted(LADDER)
    assert {r.template for r in rows} == {"deadline_missed"}
    assert all("已升级至：分管院长" in r.body and "HOSP-2026-000042" in r.body
               and "2026-11-25 24:00" in r.body and "总值班" not in r.body for r in rows)
    assert len(await announced(runtime)) == 3
    with_principal = await _list(runtime, case_id)
    assert len(with_principal.deliveries) == 3


async def _list(runtime: Runtime, case_id: str) -> notification_pb2.ListDeliveriesResponse:
    async with runtime.uow() as uow:
        await uow.set_tenant(HOSPITAL)
        return await admin.list_deliveries(
            uow, principal=Principal(HOSPITAL, "hosp-supervisor", ("supervisor",)),
            request=notification_pb2.ListDeliveriesRequest(case_id=case_id))


async def test_a_warning_a_breach_and_each_later_rung_are_deliveries_of_their_own(
        runtime: Runtime) -> None:
    case_id = str(uuid.uuid4())
    to = ["role:complaint_office"]
    await handle(runtime,
                 event("escalation.warning", fired(case_id, kind="warning", audiences=to)),
                 event("escalation.breached", fired(case_id, rung=2, audiences=to)),
                 event("escalation.escalated", fired(case_id, rung=3, rung_title="分管院长",
                                                     audiences=to)),
                 event("escalation.escalated", fired(case_id, rung=4,
                                                     rung_title="医疗纠纷处理领导小组",
                                                     audiences=to)))
    rows = await stored(runtime)
    assert Counter(r.template for r in rows) == {
        "deadline_warning": 1, "deadline_missed": 1, "deadline_escalated": 2}
    escalated = [r.body for r in rows if r.template == "deadline_escalated"]
    assert any("上报至 分管院长" in b for b in escalated)
    assert any("上报至 医疗纠纷处理领导小组" in b for b in escalated)


async def test_off_hours_the_on_duty_officer_is_told_and_the_text_says_so(
        runtime: Runtime) -> None:
    await handle(runtime, event("escalation.escalated", fired(
        str(uuid.uuid4()), rung=3, rung_title="分管院长", off_hours=True,
        audiences=["on_duty", "user:hosp-leader"])))
    rows = await stored(runtime)
    assert [r.recipient for r in rows] == ["on_duty", "user:hosp-leader"]
    assert all("非工作时间，已同时通知总值班" in r.body for r in rows)


async def test_an_event_from_before_the_ladder_still_reaches_the_complaint_office(
        runtime: Runtime) -> None:
    await handle(runtime, event("escalation.breached", fired(str(uuid.uuid4()))))
    [row] = await stored(runtime)
    assert row.recipient == "role:complaint_office" and row.template == "deadline_missed"


async def test_the_regulator_s_supervisors_and_leaders_get_the_report(
        runtime: Runtime) -> None:
    report = event("escalation.regulator_report", escalation_pb2.RegulatorReport(
        institution=HOSPITAL, period="2026-11", breaches=6, threshold=5,
        case_numbers=["HOSP-2026-000001", "HOSP-2026-000002"]), tenant_id=REGULATOR)
    await handle(runtime, report, report)
    rows = await stored(runtime, REGULATOR)
    assert [r.recipient for r in rows] == ["role:leader", "role:supervisor"]
    assert all(r.template == "regulator_report" and r.case_id == "" for r in rows)
    assert "机构 demo-hospital 在 2026-11 已有 6 件投诉超过办理时限（通报阈值 5 件）" \
        in rows[0].body
    assert await announced(runtime) == []  # no case timeline to put it on


async def test_the_running_service_consumes_the_ladder_s_events(runtime: Runtime) -> None:
    await runtime.run_parts(configure(runtime))
    case_id = str(uuid.uuid4())
    for e in (event("escalation.warning", fired(case_id, kind="warning",
                                                audiences=["role:complaint_office"])),
              event("escalation.escalated", fired(case_id, rung=3, audiences=LADDER)),
              event("escalation.regulator_report", escalation_pb2.RegulatorReport(
                  institution=HOSPITAL, period="2026-11", breaches=5, threshold=5),
                  tenant_id=REGULATOR)):
        await runtime.js.publish(
            envelope.subject(runtime.settings.subject_prefix, e.type, e.tenant_id),
            e.envelope.SerializeToString(), headers={"Nats-Msg-Id": e.id})
    for _ in range(100):
        if len(await stored(runtime)) == 4 and len(await stored(runtime, REGULATOR)) == 2:
            return
        await asyncio.sleep(0.1)
    pytest.fail("the consumer did not deliver the ladder's events")


async def test_a_batch_of_acceptances_writes_its_notices_together(runtime: Runtime) -> None:
    """Acceptances as one consumer batch: each complainant gets the 受理回执 and each handler
    the assignment, once; the batch's statements do not grow with its size."""
    handle_batch = batch_handler(subscriptions(Outbound()), Outbound())

    async def accept(cases: int) -> tuple[int, list[str]]:
        events = []
        for n in range(cases):
            case_id, number = str(uuid.uuid4()), f"HOSP-2026-{n:06d}"
            events += [event("case.transitioned", case_pb2.CaseTransitioned(
                case_id=case_id, case_number=number, action="accept", from_status="received",
                to_status="assigned")), event("case.assigned", case_pb2.CaseAssigned(
                    case_id=case_id, case_number=number, department="医务处",
                    handler_id=f"hosp-h{n % 2}"))]
        sent: list[str] = []
        async with runtime.uow() as uow:
            await uow.set_tenant(HOSPITAL)
            sa.event.listen(uow.conn.sync_connection, "before_cursor_execute",
                            lambda _c, _k, statement, *_: sent.append(statement))
            await handle_batch(uow, Batch(HOSPITAL, events, "test", {}))
            await uow.commit()
        async with runtime.uow() as uow:      # the same batch again: nothing new
            await uow.set_tenant(HOSPITAL)
            await handle_batch(uow, Batch(HOSPITAL, events, "test", {}))
            await uow.commit()
        return len(sent), [e.id for e in events]   # what the deliveries name as their source

    few, _ = await accept(3)
    many, ids = await accept(12)
    assert many == few                       # contacts, wording, endpoints, two handlers' …
    rows = [r for r in await stored(runtime) if r.source_event_id in ids]
    assert Counter((r.template, r.channel) for r in rows) == {
        ("acknowledgement", "in_app"): 12, ("assignment", "in_app"): 12}
    assert len({(r.source_event_id, r.recipient) for r in rows}) == 24   # none twice
    cases = {r.case_id for r in rows}
    assert len([d for d in await announced(runtime) if d.case_id in cases]) == 24
