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
