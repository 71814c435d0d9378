"""A tenant's own wording of its notices, and staff channels with quiet hours, over a real
database (and a real SMTP server for the staff e-mail)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.runtime import Runtime
from notification.adapters.tables import deliveries
from notification.service_layer import preferences, wording
from notification.service_layer.preferences import quiet_until

from .test_sending import TENANT, handle, peers, runtime, sender_of  # noqa: F401

HANDLER = Principal(TENANT, "hosp-h4a", ("handler",))
ADMIN = Principal(TENANT, "hosp-admin", ("admin",))


async def call(r: Runtime, fn, who: Principal, **kw):
    async with r.uow() as uow:
        await uow.set_tenant(TENANT)
        answer = await fn(uow, principal=who, **kw)
        await uow.commit()
    return answer


def assigned(severity: str = "一般") -> Event:
    return Event(envelope.make("case.assigned", TENANT, case_pb2.CaseAssigned(
        case_id=str(uuid.uuid4()), case_number="HOSP-2026-000123", category="医疗收费",
        department="医务处", handler_id="hosp-h4a", severity=severity)))


async def pushed(r: Runtime, case_id: str) -> list[sa.Row]:
    async with r.uow() as uow:
        await uow.set_tenant(TENANT)
        return list((await uow.conn.execute(sa.select(deliveries).where(
            deliveries.c.case_id == case_id, deliveries.c.channel == "email"))).all())


async def test_a_tenant_words_a_notice_its_own_way_and_a_broken_wording_is_refused(
        runtime: Runtime) -> None:  # noqa: F811
    with pytest.raises(InvalidArgument, match="case_numbr"):
        await call(runtime, wording.put_template, ADMIN, request=notification_pb2.Template(
            name="assignment", locale="zh-CN", body="案件 {{ case_numbr }} 请处理"))
    saved = await call(runtime, wording.put_template, ADMIN, request=notification_pb2.Template(
        name="assignment", locale="zh-CN", body="【本院】案件 {{ case_number }} 交您办理。"))
    assert saved.overridden and "case_number" in saved.variables
    event = assigned()
    await handle(runtime, event)
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        [row] = (await uow.conn.execute(sa.select(deliveries))).all()
    assert row.body == "【本院】案件 HOSP-2026-000123 交您办理。"
    assert row.subject.startswith("新案件待办")   # the default subject kept
    back = await call(runtime, wording.delete_template, ADMIN,
                      request=notification_pb2.DeleteTemplateRequest(name="assignment",
                                                                     locale="zh-CN"))
    assert not back.overridden and "本院" not in back.body
    listed = await call(runtime, wording.list_templates, ADMIN)
    assert {(t.name, t.locale) for t in listed.templates} >= {
        ("acknowledgement", "zh-CN"), ("acknowledgement", "en"), ("regulator_report", "en")}


async def test_staff_get_email_as_they_prefer_held_through_quiet_hours_unless_urgent(
        runtime: Runtime, peers) -> None:  # noqa: F811
    mailbox = peers[0]
    with pytest.raises(InvalidArgument) as bad:
        await call(runtime, preferences.put, HANDLER, request=notification_pb2.Preferences(
            channels=["email", "fax"], quiet_from="22:00"))
    assert set(bad.value.fields) == {"channels", "email", "quiet_to"}
    now = datetime.now(UTC).astimezone(preferences.SHANGHAI)
    quiet = ((now - timedelta(hours=1)).strftime("%H:%M"), (now + timedelta(hours=1))
             .strftime("%H:%M"))
    await call(runtime, preferences.put, HANDLER, request=notification_pb2.Preferences(
        channels=["email"], email="h4a@hospital.example.cn", quiet_from=quiet[0],
        quiet_to=quiet[1]))
    calm, urgent = assigned(), assigned("危机")
    await handle(runtime, calm, urgent)
    [held] = await pushed(runtime, calm.payload(case_pb2.CaseAssigned).case_id)
    [sent] = await pushed(runtime, urgent.payload(case_pb2.CaseAssigned).case_id)
    assert held.next_attempt_at > datetime.now(UTC) + timedelta(minutes=30)
    assert sent.next_attempt_at <= datetime.now(UTC)
    assert await sender_of(runtime).send_due() == 1
    [mail] = mailbox.messages
    assert mail["To"] == "h4a@hospital.example.cn"


def test_quiet_hours_may_span_midnight() -> None:
    at = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)   # 23:30 in Shanghai
    assert quiet_until(at, "22:00", "07:30") == datetime(2026, 11, 23, 7, 30,
                                                         tzinfo=preferences.SHANGHAI)
    assert quiet_until(at, "08:00", "18:00") is None
    assert quiet_until(at, "", "") is None
