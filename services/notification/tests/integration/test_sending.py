"""The delivery engine against real peers: an SMTP server (aiosmtpd) and an HTTP receiver
(uvicorn), on SQLite and PostgreSQL: e-mail and signed webhooks leave once, failures retry with
backoff and die after the last attempt, an admin revives a dead one, and a sender that dies
mid-delivery is covered by the lease."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.notification.v1 import notification_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.config import Settings
from casebridge_platform.devstack import free_port
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from casebridge_platform.testing import Mailbox, http_peer
from notification.adapters.channels.webhook import verify
from notification.adapters.tables import contacts, deliveries
from notification.bootstrap import MIGRATIONS, outside_channels, subscriptions
from notification.service_layer import admin, handlers
from notification.service_layer.sender import Sender
from starlette.requests import Request
from starlette.responses import Response

TENANT = "demo-hospital"
SECRET = "s3cret-shared-with-the-receiver"  # noqa: S105 (a test receiver's)


class Receiver:
    """A webhook receiver as docs/webhooks.md tells one to write: verify, then dedupe."""

    def __init__(self) -> None:
        self.failing = False
        self.requests: list[dict] = []
        self.accepted: dict[str, bytes] = {}

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        h = request.headers
        self.requests.append(dict(h))
        if self.failing:
            return Response(status_code=503)
        if not verify(SECRET.encode(), h["x-casebridge-timestamp"], body,
                      h["x-casebridge-signature"], now=time.time()):
            return Response(status_code=401)
        self.accepted.setdefault(h["x-casebridge-delivery"], body)
        return Response(status_code=204)


@pytest.fixture
async def peers() -> AsyncIterator[tuple[Mailbox, Controller, Receiver, int]]:
    mailbox, receiver = Mailbox(), Receiver()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    async with http_peer(receiver.handle) as port:
        yield mailbox, smtp, receiver, port
    smtp.stop()


@pytest.fixture
async def runtime(settings: Settings, peers) -> AsyncIterator[Runtime]:
    _, smtp, _, _ = peers
    r = Runtime("notification", settings.model_copy(update={
        "notification_addr": f"127.0.0.1:{free_port()}", "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port}), MIGRATIONS)
    await r.start()
    yield r
    await r.stop()


def sender_of(runtime: Runtime, **kw: object) -> Sender:
    s = runtime.settings
    return Sender(runtime.uow, outside_channels(s), s.sealer(), **kw)  # type: ignore[arg-type]  # Sender's options


async def handle(runtime: Runtime, *events: Event) -> None:
    out = handlers.Outbound(email=True, sealer=runtime.settings.sealer())
    on = subscriptions(out)
    for e in events:
        async with runtime.uow() as uow:
            await uow.set_tenant(e.tenant_id)
            await on[e.type](uow, e)
            await uow.commit()


async def as_admin(runtime: Runtime, fn, **kw):
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        answer = await fn(uow, principal=Principal(TENANT, "hosp-admin", ("admin",)), **kw)
        await uow.commit()
    return answer


async def complaint_accepted(runtime: Runtime, port: int, *, anonymous: bool = False) -> str:
    await as_admin(runtime, admin.put_endpoint, sealer=runtime.settings.sealer(),
                   allow_private=True,
                   request=notification_pb2.Endpoint(
                       endpoint_id="crm", url=f"http://127.0.0.1:{port}/hook", secret=SECRET,
                       active=True))
    case_id = str(uuid.uuid4())
    submission = intake_pb2.Submission(case_id=case_id, case_number="HOSP-2026-000777",
                                       kind=intake_pb2.KIND_COMPLAINT, anonymous=anonymous)
    if not anonymous:
        submission.complainant.CopyFrom(common_pb2.Party(
            name="李四", phone="13800000004", email="lisi@example.cn"))
    received = envelope.make("intake.received", TENANT,
                             intake_pb2.ComplaintReceived(submission=submission))
    accepted = envelope.make("case.transitioned", TENANT, case_pb2.CaseTransitioned(
        case_id=case_id, case_number="HOSP-2026-000777", action="accept",
        from_status="received", to_status="assigned", anonymous=anonymous))
    await handle(runtime, Event(received), Event(accepted), Event(accepted))
    return case_id


async def rows_of(runtime: Runtime, case_id: str) -> dict[str, sa.Row]:
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        rows = (await uow.conn.execute(sa.select(deliveries).where(
            deliveries.c.case_id == case_id))).all()
    return {r.channel: r for r in rows}


async def announced(runtime: Runtime) -> list[notification_pb2.Delivery]:
    async with runtime.engine.connect() as conn:
        data = (await conn.execute(sa.select(outbox.c.data))).scalars().all()
    return [Event.decode(d).payload(notification_pb2.DeliveryRecorded).delivery for d in data]


async def test_the_acknowledgement_leaves_by_email_and_signed_webhook_once(
        runtime: Runtime, peers) -> None:
    mailbox, _, receiver, port = peers
    case_id = await complaint_accepted(runtime, port)
    queued = await rows_of(runtime, case_id)
    assert set(queued) == {"in_app", "email", "webhook"}
    assert queued["email"].status == queued["webhook"].status == "pending"
    sender = sender_of(runtime)
    assert await sender.send_due() == 2
    assert await sender.send_due() == 0
    [mail] = mailbox.messages
    assert mail["To"] == "lisi@example.cn"
    assert mail["Message-ID"] == f"<{queued['email'].delivery_id}@casebridge>"
    assert str(make_header(decode_header(mail["Subject"]))) == \
        "受理回执（案件编号 HOSP-2026-000777）"
    assert "HOSP-2026-000777" in mail.get_payload(decode=True).decode()
    assert list(receiver.accepted) == [queued["webhook"].delivery_id]
    done = await rows_of(runtime, case_id)
    assert all(r.status == "delivered" for r in done.values())
    told = [d.channel for d in await announced(runtime) if d.case_id == case_id]
    assert sorted(told) == ["email", "in_app", "webhook"], "each delivery announced once"
    async with runtime.uow() as uow:  # the address is sealed at rest
        await uow.set_tenant(TENANT)
        [sealed] = (await uow.conn.execute(sa.select(contacts.c.sealed))).scalars().all()
    assert "lisi" not in sealed and "13800000004" not in sealed


async def test_an_anonymous_complainant_is_never_pushed_anything(
        runtime: Runtime, peers) -> None:
    mailbox, _, _, port = peers
    case_id = await complaint_accepted(runtime, port, anonymous=True)
    assert set(await rows_of(runtime, case_id)) == {"portal", "webhook"}
    await sender_of(runtime).send_due()
    assert mailbox.messages == []


async def test_failures_retry_with_backoff_die_at_the_last_attempt_and_an_admin_revives(
        runtime: Runtime, peers) -> None:
    _, _, receiver, port = peers
    receiver.failing = True
    case_id = await complaint_accepted(runtime, port)
    sender = sender_of(runtime, max_attempts=3)
    now = datetime.now(UTC)
    await sender.send_due(now)
    hook = (await rows_of(runtime, case_id))["webhook"]
    assert hook.status == "retrying" and "503" in hook.last_error
    assert hook.next_attempt_at > now     # after the attempt (full jitter: maybe by very little)
    for _ in range(2):
        await sender.send_due(datetime.now(UTC) + timedelta(hours=3))
    hook = (await rows_of(runtime, case_id))["webhook"]
    assert (hook.status, hook.attempts) == ("dead", 3)
    dead = await as_admin(runtime, admin.list_deliveries,
                          request=notification_pb2.ListDeliveriesRequest(status="dead"))
    assert [d.delivery_id for d in dead.deliveries] == [hook.delivery_id]
    receiver.failing = False
    await as_admin(runtime, admin.retry,
                   request=notification_pb2.RetryDeliveryRequest(delivery_id=hook.delivery_id))
    await sender.send_due()
    assert (await rows_of(runtime, case_id))["webhook"].status == "delivered"
    assert list(receiver.accepted) == [hook.delivery_id]


async def test_a_sender_that_dies_mid_delivery_is_covered_by_the_lease(
        runtime: Runtime, peers) -> None:
    mailbox, _, receiver, port = peers
    case_id = await complaint_accepted(runtime, port)
    dying = sender_of(runtime, lease_s=30)
    async with runtime.uow() as uow:   # claimed, then the process is gone
        claimed = await dying._claim(await uow.all_tenants(), datetime.now(UTC))
        await uow.commit()
    assert len(claimed) == 2
    survivor = sender_of(runtime, lease_s=30)
    assert await survivor.send_due() == 0, "leased: nobody else takes it meanwhile"
    assert await survivor.send_due(datetime.now(UTC) + timedelta(seconds=31)) == 2
    rows = await rows_of(runtime, case_id)
    assert rows["email"].status == rows["webhook"].status == "delivered"
    assert rows["webhook"].attempts == 2
    assert len(mailbox.messages) == 1 and len(receiver.accepted) == 1
    told = [d.channel for d in await announced(runtime) if d.case_id == case_id]
    assert sorted(told) == ["email", "in_app", "webhook"], "each delivery announced once"


async def test_the_answer_brings_the_result_and_the_survey_each_once_per_channel(
        runtime: Runtime, peers) -> None:
    mailbox, _, _, port = peers
    case_id = await complaint_accepted(runtime, port)
    answered = Event(envelope.make("case.transitioned", TENANT, case_pb2.CaseTransitioned(
        case_id=case_id, case_number="HOSP-2026-000777", action="answer",
        from_status="proposal_approved", to_status="answered", notice="已退还多收的380元")))
    await handle(runtime, answered, answered)
    async with runtime.uow() as uow:
        await uow.set_tenant(TENANT)
        rows = (await uow.conn.execute(sa.select(deliveries.c.template, deliveries.c.channel)
                                       .where(deliveries.c.case_id == case_id))).all()
    assert Counter(rows)[("result_notice", "email")] == 1
    assert Counter(rows)[("follow_up_survey", "in_app")] == 1
    await sender_of(runtime).send_due()
    bodies = [m.get_payload(decode=True).decode() for m in mailbox.messages]
    assert any("已退还多收的380元" in b for b in bodies)
    assert any("/demo-hospital/cases/HOSP-2026-000777/survey" in b for b in bodies)


async def test_a_complainant_who_asked_for_english_is_written_to_in_english(
        runtime: Runtime, peers) -> None:
    mailbox = peers[0]
    case_id = str(uuid.uuid4())
    submission = intake_pb2.Submission(case_id=case_id, case_number="HOSP-2026-000888",
                                       kind=intake_pb2.KIND_COMPLAINT, locale="en")
    submission.complainant.CopyFrom(common_pb2.Party(name="Li Si", email="lisi@example.com"))
    await handle(runtime,
                 Event(envelope.make("intake.received", TENANT,
                                     intake_pb2.ComplaintReceived(submission=submission))),
                 Event(envelope.make("case.transitioned", TENANT, case_pb2.CaseTransitioned(
                     case_id=case_id, case_number="HOSP-2026-000888", action="accept",
                     from_status="received", to_status="assigned"))))
    await sender_of(runtime).send_due()
    [mail] = mailbox.messages
    assert "accepted" in mail["Subject"].lower() or "receipt" in mail["Subject"].lower()
    assert "受理" not in mail.get_payload(decode=True).decode()


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://10.1.2.3/hook",
                                 "http://localhost/hook", "http://169.254.169.254/latest",
                                 "ftp://example.cn/hook"])
async def test_a_webhook_may_not_point_inside_the_network(runtime: Runtime, url: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await as_admin(runtime, admin.put_endpoint, sealer=runtime.settings.sealer(),
                       request=notification_pb2.Endpoint(endpoint_id="x", url=url,
                                                         secret=SECRET, active=True))
    assert "url" in refused.value.fields
    public = await as_admin(runtime, admin.put_endpoint, sealer=runtime.settings.sealer(),
                            request=notification_pb2.Endpoint(
                                endpoint_id="public", url="https://8.8.8.8/hook",
                                secret=SECRET, active=True))
    assert public.url == "https://8.8.8.8/hook"


async def test_the_duty_to_inform_sends_the_rights_notice_with_the_autopsy_rules_after_a_death(
        runtime: Runtime, peers) -> None:
    """《医疗纠纷预防和处理条例》第二十三条：发生医疗纠纷，医疗机构应当告知患者或者其近亲属下列
    事项：（一）解决医疗纠纷的合法途径；（二）有关病历资料、现场实物封存和启封的规定；（三）有关
    病历资料查阅、复制的规定。患者死亡的，还应当告知其近亲属有关尸检的规定。"""
    mailbox, _, _, port = peers
    case_id = await complaint_accepted(runtime, port)
    informed = Event(envelope.make("case.transitioned", TENANT, case_pb2.CaseTransitioned(
        case_id=case_id, case_number="HOSP-2026-000777", action="record_milestone",
        milestone="rights_informed", from_status="assigned", to_status="assigned",
        notice="death")))
    await handle(runtime, informed)
    await sender_of(runtime).send_due()
    bodies = [m.get_payload(decode=True).decode() for m in mailbox.messages]
    (notice,) = [b for b in bodies if "第二十三条" in b]
    assert "人民调解" in notice and "医患双方在场" in notice and "48小时内进行尸检" in notice
