"""Per-kind fields, possible duplicates and routing's category list, over gRPC and NATS,
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
import sqlalchemy as sa
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2, intake_pb2_grpc
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.config import Settings
from casebridge_platform.devstack import ROOT, free_port
from casebridge_platform.grpcserver import client_metadata
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from intake.adapters.tables import submissions
from intake.bootstrap import MIGRATIONS, configure

HOSPITAL = Principal("demo-hospital", "hosp-clerk", ("intake_clerk",))
CENTRE = Principal("demo-12315", "cc-clerk", ("intake_clerk",))
Stub = intake_pb2_grpc.IntakeServiceStub


@pytest.fixture
async def intake(settings: Settings) -> AsyncIterator[tuple[Runtime, Stub]]:
    s = settings.model_copy(update={"intake_addr": f"127.0.0.1:{free_port()}",
                                    "seed_file": ROOT / "deploy/seed/demo-tenants.json"})
    runtime = Runtime("intake", s, MIGRATIONS)
    await runtime.start()
    await runtime.run_parts(configure(runtime))
    async with grpc.aio.insecure_channel(s.intake_addr) as channel:
        yield runtime, Stub(channel)
    await runtime.stop()


async def count(runtime: Runtime, table: sa.Table) -> int:
    async with runtime.uow() as uow:
        await uow.all_tenants()
        return (await uow.conn.execute(sa.select(sa.func.count()).select_from(table))).scalar()


async def received_events(runtime: Runtime) -> list[intake_pb2.ComplaintReceived]:
    async with runtime.uow() as uow:
        await uow.all_tenants()
        data = (await uow.conn.execute(sa.select(outbox.c.data).order_by(outbox.c.seq))).scalars()
        return [intake_pb2.ComplaintReceived.FromString(
            common_pb2.EventEnvelope.FromString(d).payload) for d in data]


def field_errors(error: grpc.aio.AioRpcError) -> dict[str, str]:
    found: dict[str, str] = {}
    for detail in rpc_status.from_call(error).details:  # type: ignore[arg-type]  # aio: stubs take grpc.Call
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            found.update({v.field: v.description for v in bad.field_violations})
    return found


def complaint(content: str, name: str = "王五", phone: str = "13700000000",
              department: str = "") -> intake_pb2.SubmitComplaintRequest:
    return intake_pb2.SubmitComplaintRequest(
        kind=intake_pb2.KIND_COMPLAINT, channel="visit", content=content,
        complainant=common_pb2.Party(name=name, phone=phone),
        respondent=common_pb2.Respondent(department=department))


async def test_a_hospital_complaint_keeps_its_patient_details(intake) -> None:
    runtime, stub = intake
    md = client_metadata(HOSPITAL, runtime.settings.signing_key())
    request = complaint("术后感染，医生未及时处理", department="普外科")
    request.complainant.relation = "子女"
    request.facts = "3月2日手术，3月4日发热，值班医生未查看"
    request.incident_time = "2026-03-04T22:00"
    request.claimed_amount.CopyFrom(common_pb2.Money(amount_fen=2_000_000, currency="CNY"))
    request.circumstances.append("injury")
    request.details.update({"patient_name": "王大山", "patient_sex": "男", "patient_age": "71",
                            "inpatient_number": "ZY2026-0310"})
    answer = await stub.SubmitComplaint(request, metadata=md)
    stored = await stub.GetSubmission(intake_pb2.GetSubmissionRequest(
        case_id=answer.submission.case_id), metadata=md)
    for submission in (answer.submission, stored, (await received_events(runtime))[0].submission):
        assert dict(submission.details) == dict(request.details)
        assert submission.complainant.relation == "子女"
        assert submission.facts == request.facts and submission.incident_time == "2026-03-04T22:00"
        assert submission.claimed_amount.amount_fen == 2_000_000
        assert list(submission.circumstances) == ["injury", "compensation"]
    wrong = intake_pb2.SubmitComplaintRequest()
    wrong.CopyFrom(request)
    wrong.details.update({"patient_age": "二十", "bed": "12"})
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.SubmitComplaint(wrong, metadata=md)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    errors = field_errors(refused.value)
    assert set(errors) == {"details.patient_age", "details.bed"}
    assert errors["details.patient_age"] == "must be a whole number 0–150"


async def test_12315_refuses_an_anonymous_complaint_but_takes_an_anonymous_report(intake) -> None:
    runtime, stub = intake
    md = client_metadata(CENTRE, runtime.settings.signing_key())
    anonymous = intake_pb2.SubmitComplaintRequest(
        kind=intake_pb2.KIND_COMPLAINT, channel="web", content="超市卖过期牛奶",
        respondent=common_pb2.Respondent(unit="某某超市"), demands="退款", facts="生产日期已过")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.SubmitComplaint(anonymous, metadata=md)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_errors(refused.value)) == {"complainant"}
    assert "does not take anonymous complaints" in field_errors(refused.value)["complainant"]
    assert await count(runtime, submissions) == 0 and await count(runtime, outbox) == 0

    report = intake_pb2.SubmitComplaintRequest()
    report.CopyFrom(anonymous)
    report.kind = intake_pb2.KIND_REPORT
    answer = await stub.SubmitComplaint(report, metadata=md)
    assert answer.submission.anonymous and len(answer.access_code) == 12
    assert not answer.submission.HasField("complainant")
    assert await count(runtime, submissions) == 1


async def test_a_repeated_complaint_is_flagged_and_an_unrelated_one_is_not(intake) -> None:
    runtime, stub = intake
    md = client_metadata(HOSPITAL, runtime.settings.signing_key())
    first = await stub.SubmitComplaint(complaint(
        "财务处收费时多收了我三百元检查费，要求退还", department="财务处"), metadata=md)
    unrelated = await stub.SubmitComplaint(complaint(
        "停车场收费员态度恶劣", name="赵六", phone="13911112222", department="保卫处"),
        metadata=md)
    again = await stub.SubmitComplaint(complaint(
        "我在财务处交检查费被多收了三百元，要求退还", phone="137 0000 0000", department="财务处"),
        metadata=md)
    assert list(unrelated.submission.possible_duplicates) == []
    [flag] = again.submission.possible_duplicates
    assert (flag.case_id, flag.case_number) == (first.submission.case_id,
                                                first.submission.case_number)
    assert 0.5 <= flag.score <= 1.0
    assert list(flag.reasons[:3]) == ["same phone", "same name", "same respondent 财务处"]
    assert flag.reasons[3].startswith("content ")
    stored = await stub.GetSubmission(intake_pb2.GetSubmissionRequest(
        case_id=again.submission.case_id), metadata=md)
    assert list(stored.possible_duplicates) == [flag]
    events = {e.submission.case_id: e for e in await received_events(runtime)}
    assert list(events[again.submission.case_id].submission.possible_duplicates) == [flag]


async def test_two_duplicates_submitted_together_see_each_other(intake) -> None:
    runtime, stub = intake
    md = client_metadata(HOSPITAL, runtime.settings.signing_key())
    same = complaint("护士输液时态度恶劣，打针三次都没有成功", department="护理部")
    answers = await asyncio.gather(*(stub.SubmitComplaint(same, metadata=md) for _ in range(2)))
    flagged = [a for a in answers if a.submission.possible_duplicates]
    assert len(flagged) == 1  # the later one, in the same batch or the next
    other = next(a for a in answers if a is not flagged[0])
    assert flagged[0].submission.possible_duplicates[0].case_id == other.submission.case_id
    assert flagged[0].submission.possible_duplicates[0].score == 1.0


async def test_routing_s_category_list_replaces_what_intake_accepts(intake) -> None:
    runtime, stub = intake
    md = client_metadata(HOSPITAL, runtime.settings.signing_key())
    given = complaint("挂号系统故障")
    given.category = "信息系统"
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await stub.SubmitComplaint(given, metadata=md)
    assert "category" in field_errors(unknown.value)
    changed = envelope.make("routing.categories_changed", "demo-hospital",
                            routing_pb2.CategoriesChanged(categories=["信息系统", "医疗收费"]))
    await runtime.js.publish(
        envelope.subject(runtime.settings.subject_prefix, changed.type, changed.tenant_id),
        changed.SerializeToString(), headers={"Nats-Msg-Id": changed.event_id})
    for _ in range(100):  # the consumer applies it asynchronously
        try:
            await stub.SubmitComplaint(given, metadata=md)
            break
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
            await asyncio.sleep(0.1)
    else:
        pytest.fail("the new category list was never applied")
    dropped = complaint("护士态度差")
    dropped.category = "护理质量"  # in the seed, gone from routing's list
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await stub.SubmitComplaint(dropped, metadata=md)
    assert "信息系统, 医疗收费" in field_errors(gone.value)["category"]


async def test_the_form_is_the_tenant_kinds_and_only_for_those_who_register(intake) -> None:
    runtime, stub = intake
    key = runtime.settings.signing_key()
    form = await stub.GetForm(intake_pb2.GetFormRequest(),
                              metadata=client_metadata(HOSPITAL, key))
    assert (form.tenant_kind, form.label, form.anonymous_complaints) == ("hospital", "医院", True)
    assert list(form.required) == ["complainant.name", "complainant.phone", "content"]
    fields = {f.name: f for f in form.details}
    assert list(fields) == ["patient_name", "patient_sex", "patient_age", "outpatient_number",
                            "inpatient_number", "death_time"]
    assert fields["death_time"].type == "datetime"   # 条例701 第二十六条: 48 h from the death
    assert (fields["patient_sex"].type, list(fields["patient_sex"].choices)) == \
        ("choice", ["男", "女"])
    age = fields["patient_age"]
    assert (age.label, age.type, age.has_min, age.min, age.has_max, age.max) == \
        ("患者年龄", "int", True, 0, True, 150)
    centre = await stub.GetForm(intake_pb2.GetFormRequest(),
                                metadata=client_metadata(CENTRE, key))
    assert centre.tenant_kind == "consumer_center" and not centre.anonymous_complaints
    assert "respondent.unit|details.business_name" in centre.required
    assert "business_address" in {f.name for f in centre.details}
    leader = Principal("demo-hospital", "hosp-leader", ("leader",))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.GetForm(intake_pb2.GetFormRequest(), metadata=client_metadata(leader, key))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
