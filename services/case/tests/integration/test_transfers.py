"""Sending a case along a path, in the case service on SQLite and PostgreSQL: what the package
carries of the people (a reporter's identity only with consent, never on a path that forbids
it), and a refused transfer writes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from case.adapters.tables import cases, transfers
from case.service_layer import actions, consuming, seeding
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import FailedPrecondition, InvalidArgument
from casebridge_platform.messaging.envelope import Event, make, timestamp
from casebridge_platform.runtime import Runtime

from .test_events import published

CENTER, OTHER, COMPANY = "center-a", "center-b", "company-a"
DIVISION = "370000-371300-371321"
SUPERVISOR = Principal(CENTER, "c-supervisor", ("supervisor",))
REPORTER = {"name": "举报人乙", "phone": "13300000009", "unit": "", "relation": "",
            "address": "", "email": ""}


async def seeded(runtime: Runtime) -> None:
    async with runtime.uow() as uow:
        await seeding.seed(await uow.all_tenants(), {"tenants": [
            {"id": i, "kind": k, "division": DIVISION, "coordinating_department": "办公室"}
            for i, k in ((CENTER, "consumer_center"), (OTHER, "consumer_center"),
                         (COMPANY, "company"))]})
        await uow.commit()


async def report(runtime: Runtime) -> str:
    """A real-name report, its reporter sealed as intake seals it."""
    case_id = str(uuid.uuid4())
    sealed = runtime.settings.sealer().seal(REPORTER, bound_to=case_id)
    submission = intake_pb2.Submission(
        case_id=case_id, case_number=f"CC-2026-{uuid.uuid4().int % 10**6:06d}",
        tenant_id=CENTER, kind=intake_pb2.KIND_REPORT, channel="phone",
        content="某超市销售过期食品", received_by="c-clerk", sealed_identity=sealed,
        received_at=timestamp(datetime.now(UTC)))
    async with runtime.uow() as uow:
        await uow.set_tenant(CENTER)
        await consuming.on_event(uow, Event(make("intake.received", CENTER,
                                                 intake_pb2.ComplaintReceived(
                                                     tenant_kind="consumer_center",
                                                     submission=submission))))
        await uow.commit()
    return case_id


async def send(runtime: Runtime, case_id: str, **transfer: object) -> None:
    async with runtime.uow() as uow:
        await uow.set_tenant(CENTER)
        await actions.act(uow, principal=SUPERVISOR, sealer=runtime.settings.sealer(),
                          request=case_pb2.ActRequest(case_id=case_id,
                                                      transfer=case_pb2.Transfer(**transfer)))
        await uow.commit()


async def offers(runtime: Runtime) -> list[dict]:
    return [json.loads(e.payload(case_pb2.TransferMessage).body_json)
            for e in await published(runtime, "transfer.message")]


async def state(runtime: Runtime, case_id: str) -> tuple[str, int]:
    async with runtime.uow() as uow:
        await uow.all_tenants()
        status = (await uow.conn.execute(sa.select(cases.c.status).where(
            cases.c.case_id == case_id))).scalar_one()
        count = (await uow.conn.execute(sa.select(sa.func.count()).select_from(transfers)
                                        .where(transfers.c.case_id == case_id))).scalar_one()
    return status, count


async def test_a_reporter_goes_along_only_with_consent(runtime: Runtime) -> None:
    await seeded(runtime)
    withheld, consented = await report(runtime), await report(runtime)
    await send(runtime, withheld, path="jurisdiction_transfer", to_agency=OTHER,
               reason_code="competent_department")
    await send(runtime, consented, path="jurisdiction_transfer", to_agency=OTHER,
               reason_code="competent_department", reporter_consent=True)
    first, second = (o["package"] for o in await offers(runtime))
    assert first["parties"] == {"complainant": {}, "anonymous": True, "respondent": {
        "department": "", "person": "", "unit": ""}}
    assert "13300000009" not in json.dumps(first, ensure_ascii=False)
    assert first["sealed"] == [{"what": "reporter identity", "sealed": True}]
    assert second["parties"]["complainant"]["phone"] == "13300000009"
    assert not second["parties"]["anonymous"]


async def test_a_path_that_never_carries_a_reporter_refuses_and_writes_nothing(
        runtime: Runtime) -> None:
    await seeded(runtime)
    case_id = await report(runtime)
    with pytest.raises(InvalidArgument) as refused:
        await send(runtime, case_id, path="odr_settlement", to_agency=COMPANY,
                   reason_code="odr_chosen", consent=True, reporter_consent=True)
    assert "reporter_consent" in next(iter(refused.value.fields))
    with pytest.raises(FailedPrecondition, match="consent"):
        await send(runtime, case_id, path="odr_settlement", to_agency=COMPANY,
                   reason_code="odr_chosen")
    with pytest.raises(InvalidArgument) as off_path:
        await send(runtime, case_id, path="people_mediation", to_agency=COMPANY,
                   reason_code="negotiation_failed")
    assert "odr_settlement" in off_path.value.fields["transfer.path"]
    assert await state(runtime, case_id) == ("received", 0)
    assert await offers(runtime) == []


HOSPITAL, MEDIATION = "hospital-a", "mediation-a"


async def dispute(runtime: Runtime, tenant: str, kind: str) -> str:
    case_id = str(uuid.uuid4())
    submission = intake_pb2.Submission(
        case_id=case_id, case_number=f"X-2026-{uuid.uuid4().int % 10**6:06d}",
        tenant_id=tenant, kind=intake_pb2.KIND_COMPLAINT, channel="visit",
        content="手术后感染，要求赔偿", received_by="clerk",
        received_at=timestamp(datetime.now(UTC)))
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        await consuming.on_event(uow, Event(make("intake.received", tenant,
                                                 intake_pb2.ComplaintReceived(
                                                     tenant_kind=kind,
                                                     submission=submission))))
        await uow.commit()
    return case_id


async def act_as(runtime: Runtime, tenant: str, request: case_pb2.ActRequest) -> None:
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant)
        await actions.act(uow, principal=Principal(tenant, "boss", ("supervisor",)),
                          request=request)
        await uow.commit()


def court_accepted(case_id: str) -> case_pb2.ActRequest:
    return case_pb2.ActRequest(case_id=case_id, record_milestone=case_pb2.RecordMilestone(
        milestone="court_accepted", note="县人民法院已立案"))


async def test_a_dispute_a_court_accepted_goes_to_no_mediator(runtime: Runtime) -> None:
    """《医疗纠纷预防和处理条例》第三十一条第四款：当事人已经向人民法院提起诉讼并且已被受理……
    的，医疗纠纷人民调解委员会不予受理; 第四十条第二款 the same for the health bureau. The
    hospital may not send it to the 医调委, and a 医调委 that receives the application itself
    refuses to accept it once the court's acceptance is on record."""
    async with runtime.uow() as uow:
        await seeding.seed(await uow.all_tenants(), {"tenants": [
            {"id": i, "kind": k, "division": DIVISION, "coordinating_department": "办公室"}
            for i, k in ((HOSPITAL, "hospital"), (MEDIATION, "mediation_committee"))]})
        await uow.commit()
    origin = await dispute(runtime, HOSPITAL, "hospital")
    await act_as(runtime, HOSPITAL, court_accepted(origin))
    with pytest.raises(FailedPrecondition, match="第三十一条"):
        await act_as(runtime, HOSPITAL, case_pb2.ActRequest(
            case_id=origin, transfer=case_pb2.Transfer(
                path="people_mediation", to_agency=MEDIATION,
                reason_code="negotiation_failed", consent=True)))
    assert await state(runtime, origin) == ("received", 0)
    direct = await dispute(runtime, MEDIATION, "mediation_committee")
    await act_as(runtime, MEDIATION, court_accepted(direct))
    with pytest.raises(FailedPrecondition, match="不予受理"):
        await act_as(runtime, MEDIATION, case_pb2.ActRequest(case_id=direct,
                                                             accept=case_pb2.Accept()))
    assert (await state(runtime, direct))[0] == "received"
    other = await dispute(runtime, MEDIATION, "mediation_committee")
    await act_as(runtime, MEDIATION, case_pb2.ActRequest(case_id=other,
                                                         accept=case_pb2.Accept()))
    assert (await state(runtime, other))[0] in ("accepted", "assigned")


async def test_a_12315_complaint_past_the_three_year_bar_is_not_accepted_without_a_reason(
        runtime: Runtime) -> None:
    """《市场监督管理投诉举报处理暂行办法》第十五条第（四）项：投诉人知道或者应当知道自己的权益受到
    被投诉人侵害之日起超过三年的，不予受理 — unless staff record why it still applies."""
    case_id = str(uuid.uuid4())
    submission = intake_pb2.Submission(
        case_id=case_id, case_number=f"CC-2026-{uuid.uuid4().int % 10**6:06d}",
        tenant_id=CENTER, kind=intake_pb2.KIND_COMPLAINT, channel="phone",
        content="三年多前买的热水器漏电", received_by="c-clerk", incident_time="2020-05-01",
        received_at=timestamp(datetime.now(UTC)))
    async with runtime.uow() as uow:
        await uow.set_tenant(CENTER)
        await consuming.on_event(uow, Event(make("intake.received", CENTER,
                                                 intake_pb2.ComplaintReceived(
                                                     tenant_kind="consumer_center",
                                                     submission=submission))))
        await uow.commit()
    with pytest.raises(FailedPrecondition, match="第十五条第（四）项"):
        await act_as(runtime, CENTER, case_pb2.ActRequest(case_id=case_id,
                                                          accept=case_pb2.Accept()))
    assert (await state(runtime, case_id))[0] == "received"
    await act_as(runtime, CENTER, case_pb2.ActRequest(
        case_id=case_id, accept=case_pb2.Accept(),
        reason="产品质量法第四十五条：损害赔偿请求权在造成损害的缺陷产品交付最初消费者满十年丧失"))
    assert (await state(runtime, case_id))[0] in ("accepted", "assigned")


@pytest.mark.parametrize(("case_rules", "limit_yuan"), [
    ({}, 30_000), ({"self_settlement_limit_fen": 9_000_000}, 30_000),
    ({"self_settlement_limit_fen": 1_000_000}, 10_000)])
async def test_a_public_hospital_may_not_settle_30000_yuan_by_itself_whatever_its_seed_says(
        runtime: Runtime, case_rules: dict, limit_yuan: int) -> None:
    """Seed 000 医疗纠纷处理流程图：对患方索赔三万元以上的医疗纠纷，公立医疗机构不得自行与患方
    协商解决 — a legal threshold of the hospital kind (case/paths/hospital.json, `legal: true`):
    it holds for a hospital with no rule of its own, one that tries to raise it is held to it,
    and one that lowers it (10,000 元) is held to its own."""
    async with runtime.uow() as uow:
        await seeding.seed(await uow.all_tenants(), {"tenants": [
            {"id": HOSPITAL, "kind": "hospital", "division": DIVISION,
             "coordinating_department": "医务处", "case_rules": case_rules}]})
        await uow.commit()
    case_id = await dispute(runtime, HOSPITAL, "hospital")
    async with runtime.uow() as uow:
        await uow.set_tenant(HOSPITAL)
        await uow.conn.execute(cases.update().where(cases.c.case_id == case_id)
                               .values(status="investigating"))
        await uow.commit()

    def propose(yuan: int) -> case_pb2.ActRequest:
        return case_pb2.ActRequest(case_id=case_id, propose=case_pb2.Propose(
            text="赔偿", compensation=common_pb2.Money(currency="CNY", amount_fen=yuan * 100)))

    with pytest.raises(FailedPrecondition, match=f"{limit_yuan:,} 元 or more"):
        await act_as(runtime, HOSPITAL, propose(limit_yuan))
    await act_as(runtime, HOSPITAL, propose(limit_yuan - 1))
    assert (await state(runtime, case_id))[0] == "proposal_made"
