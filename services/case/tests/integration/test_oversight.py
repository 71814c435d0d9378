"""A regulator sees the institutions of its jurisdiction in figures, and nothing of another
county's or of the people involved; others see nothing at all."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from case.adapters.tables import cases
from case.service_layer import consuming, oversight, seeding
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import PermissionDenied
from casebridge_platform.messaging.envelope import Event, make, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from google.protobuf.message import Message

Handler = Callable[[UnitOfWork, Event], Awaitable[None]]

COUNTY, OTHER = "370000-371300-371321", "370000-371300-371302"
TENANTS = [("bureau", "health_bureau", COUNTY), ("city-bureau", "health_bureau", "370000-371300"),
           ("hospital-a", "hospital", COUNTY), ("hospital-b", "hospital", OTHER),
           ("company-a", "company", COUNTY)]


async def seeded(runtime: Runtime) -> None:
    async with runtime.uow() as uow:
        await seeding.seed(await uow.all_tenants(), {"tenants": [
            {"id": i, "kind": k, "division": d, "coordinating_department": "办公室"}
            for i, k, d in TENANTS]})
        await uow.commit()


async def deliver(runtime: Runtime, tenant: str, handler: Handler, event_type: str,
                  payload: Message) -> None:
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        await handler(uow, Event(make(event_type, tenant, payload)))
        await uow.commit()


async def case_in(runtime: Runtime, tenant: str, **row: object) -> str:
    case_id = str(uuid.uuid4())
    submission = intake_pb2.Submission(
        case_id=case_id, case_number=f"{tenant}-{case_id[:6]}", tenant_id=tenant,
        kind=intake_pb2.KIND_COMPLAINT, channel="phone", content="收费争议",
        received_by="clerk", received_at=timestamp(datetime.now(UTC)),
        complainant=common_pb2.Party(name="赵患者", phone="13800000001"))
    await deliver(runtime, tenant, consuming.on_event, "intake.received",
                  intake_pb2.ComplaintReceived(tenant_kind="hospital", submission=submission))
    if row:
        async with runtime.uow() as uow:
            await uow.all_tenants()
            await uow.conn.execute(cases.update().where(cases.c.case_id == case_id).values(**row))
            await uow.commit()
    return case_id


async def look(runtime: Runtime, tenant: str, *roles: str) -> case_pb2.OverseeResponse:
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        return await oversight.oversee(uow, principal=Principal(tenant, "someone", roles),
                                       request=case_pb2.OverseeRequest())


async def test_a_county_bureau_sees_its_hospitals_in_figures_and_not_another_county(
        runtime: Runtime) -> None:
    await seeded(runtime)
    now = datetime.now(UTC)
    await case_in(runtime, "hospital-a", severity="重大", due_at=now - timedelta(days=1),
                  category="医疗收费", department="财务处")
    late = await case_in(runtime, "hospital-a", status="closed", closed_at=now)
    await deliver(runtime, "hospital-a", consuming.on_event, "escalation.breached",
                  escalation_pb2.TimerFired(case_id=late, clock="answer_simple", kind="breach",
                                            due_at=timestamp(now), fired_at=timestamp(now)))
    await case_in(runtime, "hospital-a", status="closed", closed_at=now)
    await case_in(runtime, "hospital-b", severity="危机")
    await case_in(runtime, "company-a")

    seen = await look(runtime, "bureau", "supervisor")
    assert seen.division == COUNTY
    [a] = seen.institutions
    assert (a.tenant_id, a.received, a.open, a.closed, a.closed_on_time) == \
        ("hospital-a", 3, 1, 2, 1)
    assert a.on_time_rate == 0.5
    [overdue] = a.overdue
    assert (overdue.category, overdue.severity, overdue.department) == \
        ("医疗收费", "重大", "财务处")
    assert [m.case_number for m in a.major] == [overdue.case_number]
    assert "赵患者" not in str(seen) and "13800000001" not in str(seen)
    city = await look(runtime, "city-bureau", "leader")
    assert sorted(i.tenant_id for i in city.institutions) == ["hospital-a", "hospital-b"]


@pytest.mark.parametrize(("tenant", "role"), [("hospital-a", "supervisor"),
                                              ("bureau", "handler")])
async def test_nobody_else_oversees(runtime: Runtime, tenant: str, role: str) -> None:
    await seeded(runtime)
    with pytest.raises(PermissionDenied):
        await look(runtime, tenant, role)


@pytest.mark.parametrize(("circumstances", "reported"), [
    ([], False), (["lawyer", "media"], False), (["death"], True), (["disruption"], True)])
async def test_only_a_major_medical_dispute_is_reported_to_the_health_bureau(
        runtime: Runtime, circumstances: list[str], reported: bool) -> None:
    """《医疗纠纷预防和处理条例》第二十八条：发生重大医疗纠纷的，医疗机构应当按照规定向所在地
    县级以上地方人民政府卫生主管部门报告。 A 重大 case raised by a keyword (律师, 媒体) or by its
    age is not a major dispute; a patient's death or disruption of medical order is."""
    await seeded(runtime)
    case_id = await case_in(runtime, "hospital-a")
    await deliver(runtime, "hospital-a", consuming.on_event, "case.alert", case_pb2.CaseAlert(
        case_id=case_id, case_number="A-1", severity="重大", reasons=["律师介入"],
        audiences=["complaint_office", "leadership"], circumstances=circumstances))
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.data))).scalars().all()
    sent = [e for e in map(Event.decode, rows) if e.type == "case.reported"]
    assert [e.tenant_id for e in sent] == (["bureau"] if reported else [])
