"""Submitting over a real gRPC channel to intake on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import grpc
import pytest
import sqlalchemy as sa
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2, intake_pb2_grpc
from casebridge_platform.auth import Principal
from casebridge_platform.config import Settings
from casebridge_platform.devstack import ROOT, free_port
from casebridge_platform.grpcserver import client_metadata
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from intake.adapters.tables import idempotency, submissions
from intake.bootstrap import MIGRATIONS, configure
from intake.service_layer.handlers import purge_idempotency_keys

CLERK = Principal("demo-hospital", "hosp-clerk", ("intake_clerk",))


@pytest.fixture
async def intake(
        settings: Settings) -> AsyncIterator[tuple[Runtime, intake_pb2_grpc.IntakeServiceStub]]:
    s = settings.model_copy(update={"intake_addr": f"127.0.0.1:{free_port()}",
                                    "seed_file": ROOT / "deploy/seed/demo-tenants.json"})
    runtime = Runtime("intake", s, MIGRATIONS)
    await runtime.start()
    await runtime.run_parts(configure(runtime))
    async with grpc.aio.insecure_channel(s.intake_addr) as channel:
        yield runtime, intake_pb2_grpc.IntakeServiceStub(channel)
    await runtime.stop()


def request(key: str = "", content: str = "多收了检查费") -> intake_pb2.SubmitComplaintRequest:
    return intake_pb2.SubmitComplaintRequest(
        idempotency_key=key, kind=intake_pb2.KIND_COMPLAINT, channel="visit", content=content,
        complainant=common_pb2.Party(name="王五", phone="13700000000"))


async def count(runtime: Runtime, table: sa.Table) -> int:
    async with runtime.uow() as uow:  # every tenant's rows: row-level security is on
        await uow.all_tenants()
        return (await uow.conn.execute(sa.select(sa.func.count()).select_from(table))).scalar()


async def test_concurrent_submissions_get_distinct_consecutive_numbers(intake) -> None:
    runtime, stub = intake
    key = runtime.settings.signing_key()
    answers = await asyncio.gather(*(
        stub.SubmitComplaint(request(content=f"第{i}件"), metadata=client_metadata(CLERK, key))
        for i in range(20)))
    numbers = sorted(int(a.submission.case_number.rsplit("-", 1)[1]) for a in answers)
    assert numbers == list(range(1, 21))
    assert all(a.submission.received_by == "hosp-clerk" for a in answers)
    assert await count(runtime, submissions) == 20
    assert await count(runtime, outbox) == 20  # one intake.received each, same transaction


async def test_a_key_raced_by_concurrent_retries_makes_one_submission(intake) -> None:
    runtime, stub = intake
    key = runtime.settings.signing_key()
    answers = await asyncio.gather(*(
        stub.SubmitComplaint(request("retry-storm"), metadata=client_metadata(CLERK, key))
        for _ in range(10)))
    assert len({a.submission.case_id for a in answers}) == 1
    assert sum(not a.replayed for a in answers) == 1
    assert await count(runtime, submissions) == 1
    assert await count(runtime, outbox) == 1


async def test_calls_without_a_valid_principal_or_role_are_refused(intake) -> None:
    runtime, stub = intake
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.SubmitComplaint(request())
    assert missing.value.code() == grpc.StatusCode.UNAUTHENTICATED
    forged = client_metadata(CLERK, b"f" * 32)
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await stub.SubmitComplaint(request(), metadata=forged)
    assert bad.value.code() == grpc.StatusCode.UNAUTHENTICATED
    reader = Principal("demo-hospital", "x", ("auditor",))
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await stub.SubmitComplaint(request(), metadata=client_metadata(
            reader, runtime.settings.signing_key()))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    stranger = Principal("nobody", "x", ("intake_clerk",))
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await stub.SubmitComplaint(request(), metadata=client_metadata(
            stranger, runtime.settings.signing_key()))
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    assert await count(runtime, submissions) == 0


async def test_an_anonymous_complainant_can_look_the_case_up_by_code_only(intake) -> None:
    runtime, stub = intake
    md = client_metadata(CLERK, runtime.settings.signing_key())
    anonymous = intake_pb2.SubmitComplaintRequest(kind=intake_pb2.KIND_REPORT, channel="web",
                                                  content="某科室收受红包")
    answer = await stub.SubmitComplaint(anonymous, metadata=md)
    number = answer.submission.case_number
    found = await stub.LookupByAccessCode(intake_pb2.LookupByAccessCodeRequest(
        case_number=number, access_code=answer.access_code), metadata=md)
    assert found.case_id == answer.submission.case_id and found.anonymous
    with pytest.raises(grpc.aio.AioRpcError) as wrong:
        await stub.LookupByAccessCode(intake_pb2.LookupByAccessCodeRequest(
            case_number=number, access_code="WRONGCODE234"), metadata=md)
    assert wrong.value.code() == grpc.StatusCode.NOT_FOUND


async def test_idempotency_keys_are_forgotten_after_their_retention(intake) -> None:
    runtime, stub = intake
    md = client_metadata(CLERK, runtime.settings.signing_key())
    first = await stub.SubmitComplaint(request("old-key"), metadata=md)
    await stub.SubmitComplaint(request("new-key"), metadata=md)
    async with runtime.uow() as uow:
        await uow.all_tenants()
        await uow.conn.execute(idempotency.update().where(idempotency.c.key == "old-key")
                               .values(created_at=datetime.now(UTC) - timedelta(hours=25)))
        await uow.commit()
    async with runtime.uow() as uow:
        await uow.all_tenants()  # as the housekeeping chore runs: across tenants
        assert await purge_idempotency_keys(uow, older_than=timedelta(hours=24)) == 1
        await uow.commit()
    again = await stub.SubmitComplaint(request("old-key"), metadata=md)
    assert again.submission.case_id != first.submission.case_id and not again.replayed
    replayed = await stub.SubmitComplaint(request("new-key"), metadata=md)
    assert replayed.replayed


async def test_in_a_group_commit_one_bad_submission_fails_alone(intake) -> None:
    runtime, stub = intake
    md = client_metadata(CLERK, runtime.settings.signing_key())

    async def submit(i: int) -> intake_pb2.SubmitComplaintResponse | grpc.StatusCode:
        bad = request(content=f"第{i}件")
        if i % 3 == 0:
            bad.channel = "carrier pigeon"
        try:
            return await stub.SubmitComplaint(bad, metadata=md)
        except grpc.aio.AioRpcError as error:
            return error.code()

    outcomes = await asyncio.gather(*(submit(i) for i in range(12)))
    refused = [o for o in outcomes if isinstance(o, grpc.StatusCode)]
    stored = [o for o in outcomes if not isinstance(o, grpc.StatusCode)]
    assert refused == [grpc.StatusCode.INVALID_ARGUMENT] * 4
    assert sorted(int(a.submission.case_number[-6:]) for a in stored) == list(range(1, 9))
    assert await count(runtime, submissions) == 8
    assert await count(runtime, outbox) == 8


async def test_the_public_form_submits_through_the_web_channel_only(intake) -> None:
    runtime, stub = intake
    public = client_metadata(Principal("demo-hospital", "web", ("public",)),
                             runtime.settings.signing_key())
    form = await stub.GetForm(intake_pb2.GetFormRequest(), metadata=public)
    assert "complainant.phone" in form.required
    for refused in (request(),                                   # channel "visit"
                    intake_pb2.SubmitComplaintRequest(channel="web", referred_by="卫健委",
                                                      content="x", kind=intake_pb2.KIND_REPORT)):
        with pytest.raises(grpc.aio.AioRpcError) as denied:
            await stub.SubmitComplaint(refused, metadata=public)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    late = request()
    late.channel = "web"
    late.received_at.FromDatetime(datetime.now(UTC) - timedelta(days=1))
    with pytest.raises(grpc.aio.AioRpcError) as backdated:
        await stub.SubmitComplaint(late, metadata=public)
    assert backdated.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await count(runtime, submissions) == 0
    web = request()
    web.channel = "web"
    answer = await stub.SubmitComplaint(web, metadata=public)
    assert answer.submission.channel == "web" and answer.access_code
    with pytest.raises(grpc.aio.AioRpcError) as unread:          # never reads one back
        await stub.GetSubmission(intake_pb2.GetSubmissionRequest(
            case_id=answer.submission.case_id), metadata=public)
    assert unread.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_one_batch_answers_a_repeated_key_once_and_sees_its_own_look_alikes(
        intake) -> None:
    """Submissions stored together (one statement per table) behave as one by one would: the
    same key twice is one submission and a replay, the key with another body a conflict, a
    bad one refused alone, and a later one flagged as repeating an earlier one of the batch.
    The cost is counted: the batch's statements do not grow with its size."""
    runtime, _ = intake
    from casebridge_platform.errors import Conflict, InvalidArgument
    from intake.service_layer.handlers import Submitted, submit_many

    bad = request(content="坏的")
    bad.channel = "carrier pigeon"
    items = [Submitted(CLERK, r) for r in (
        request("k1", "医生开药不解释，态度很差"), request("k1", "医生开药不解释，态度很差"),
        request("k1", "换了内容"), bad, request("", "医生开药不解释，态度很差！"),
        *(request("", f"另一件事{i}") for i in range(10)))]
    sent: list[str] = []
    async with runtime.uow() as uow:
        await uow.set_tenant(CLERK.tenant_id)
        # this transaction's statements only (the runtime's chores run meanwhile)
        sa.event.listen(uow.conn.sync_connection, "before_cursor_execute",
                        lambda _c, _k, statement, *_: sent.append(statement))
        outcomes = await submit_many(uow, items)
        statements = len(sent)
        await uow.commit()
    first, again, conflict, refused, alike = outcomes[:5]
    assert not first.replayed and again.replayed
    assert again.submission.case_id == first.submission.case_id
    assert isinstance(conflict, Conflict) and isinstance(refused, InvalidArgument)
    assert [d.case_id for d in alike.submission.possible_duplicates] == [
        first.submission.case_id]
    assert await count(runtime, submissions) == 12
    assert await count(runtime, idempotency) == 1
    # tenant, keys, numbers, look-alikes (planned for their keys on PostgreSQL: one more),
    # submissions, keys: six or seven, whatever the batch's size
    assert statements == (7 if runtime.database.is_postgres else 6)
