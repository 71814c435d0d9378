"""Routing on SQLite and PostgreSQL: decisions, recusal, load, hand-over, the routing table."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.common.v1 import common_pb2
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform import auth
from casebridge_platform.config import Settings
from casebridge_platform.devstack import ROOT, free_port
from casebridge_platform.errors import InvalidArgument, PermissionDenied
from casebridge_platform.messaging import envelope
from casebridge_platform.messaging.consumer import Batch
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.tables import outbox
from casebridge_platform.runtime import Runtime
from google.protobuf import message as pb_message
from routing.adapters.tables import handlers as handler_table
from routing.bootstrap import MIGRATIONS, configure
from routing.entrypoints.grpc_api import RoutingServicer
from routing.service_layer import handover, seeding
from routing.service_layer.events import on_events, wants

HOSPITAL = "demo-hospital"
ADMIN = auth.Principal(HOSPITAL, "hosp-admin", ("admin",))
CLERK = auth.Principal(HOSPITAL, "hosp-clerk", ("intake_clerk",))


def seed_data(off_hours: bool = False) -> dict[str, Any]:
    data = json.loads((ROOT / "deploy/seed/demo-tenants.json").read_text("utf-8"))
    for t in data["tenants"]:
        t["off_hours_routing"] = off_hours
    return data


@pytest.fixture
async def replicas(settings: Settings) -> AsyncIterator[list[Runtime]]:
    """Two routing runtimes on one database, seeded with the demo tenants (off hours on)."""
    s = settings.model_copy(update={"routing_addr": f"127.0.0.1:{free_port()}"})
    started = []
    for _ in range(2):
        runtime = Runtime("routing", s, MIGRATIONS)
        await runtime.start()
        started.append(runtime)
    async with started[0].uow() as uow:
        await seeding.seed(await uow.all_tenants(), seed_data(off_hours=True))
        await uow.commit()
    yield started
    for runtime in started:
        await runtime.stop()


@pytest.fixture
def runtime(replicas: list[Runtime]) -> Runtime:
    return replicas[0]


@contextmanager
def acting_as(who: auth.Principal) -> Iterator[None]:
    token = auth.current_principal.set(who)
    try:
        yield
    finally:
        auth.current_principal.reset(token)


async def deliver(runtime: Runtime, event_type: str, payload: pb_message.Message,
                  tenant_id: str = HOSPITAL) -> None:
    """Apply one event as the consumer would: acked and nothing else when routing has nothing
    to do with it, else in the tenant's scope, in one transaction."""
    event = Event(envelope.make(event_type, tenant_id, payload))
    if not wants(event):
        return
    async with runtime.uow() as uow:
        await uow.set_tenant(tenant_id)
        await on_events(uow, Batch.of(event))
        await uow.commit()


async def receive(runtime: Runtime, content: str, *, received_at: datetime | None = None,
                  **fields: Any) -> str:
    case_id = str(uuid.uuid4())
    submission = intake_pb2.Submission(case_id=case_id, tenant_id=HOSPITAL, content=content,
                                       received_at=timestamp(received_at or now_in_hours()),
                                       **fields)
    await deliver(runtime, "intake.received", intake_pb2.ComplaintReceived(
        submission=submission, tenant_kind="hospital"))
    return case_id


def now_in_hours() -> datetime:
    """A Tuesday morning, within the hospital's reception hours."""
    return datetime(2026, 3, 10, 1, 30, tzinfo=UTC)


async def events(runtime: Runtime, event_type: str = "routing.decided") -> list[Event]:
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.data).order_by(outbox.c.seq))).scalars()
        found = [Event.decode(data) for data in rows]
    return [e for e in found if e.type == event_type]


async def decided(runtime: Runtime, case_id: str) -> list[routing_pb2.RoutingDecided]:
    out = [e.payload(routing_pb2.RoutingDecided) for e in await events(runtime)]
    return [d for d in out if d.case_id == case_id]


async def loads(runtime: Runtime) -> dict[str, int]:
    async with runtime.uow() as uow:
        await uow.set_tenant(HOSPITAL)
        rows = (await uow.conn.execute(sa.select(handler_table.c.user_id,
                                                 handler_table.c.open_cases))).all()
    return {r.user_id: r.open_cases for r in rows if r.open_cases}


async def test_a_crisis_about_medical_quality_goes_by_the_table_with_its_reasons(
        runtime: Runtime) -> None:
    case_id = await receive(runtime, "医生误诊误诊，家属在大厅摆灵堂，记者也来了")
    [d] = await decided(runtime, case_id)
    assert (d.category, d.category_source, d.severity) == ("医疗质量", "classified", "危机")
    assert d.department == "院办", d.reason
    assert d.handler_id == "hosp-h12a" and d.trigger == "intake"
    assert "极端行为/聚众 (keyword 摆灵堂)" in d.severity_reasons
    assert "routing table 医疗质量/*/危机 → 院办" in d.reason
    assert not d.on_duty and not d.coordinated
    assert await loads(runtime) == {"hosp-h12a": 1}


async def test_a_complaint_spanning_departments_goes_to_the_coordinating_office(
        runtime: Runtime) -> None:
    case_id = await receive(runtime, "收费不清", respondent=common_pb2.Respondent(
        department="财务处", other_departments=["门诊部"]))
    [d] = await decided(runtime, case_id)
    assert d.coordinated and d.department == "投诉管理办公室" and d.handler_id == "hosp-h1a"
    assert list(d.departments_involved) == ["财务处", "门诊部"]


async def test_a_declared_conflict_excludes_the_handler_from_candidates_and_from_routing(
        runtime: Runtime) -> None:
    servicer = RoutingServicer(runtime.uow)
    with acting_as(auth.Principal(HOSPITAL, "hosp-h10a", ("handler",))):
        with pytest.raises(PermissionDenied):
            await servicer.DeclareConflict(routing_pb2.DeclareConflictRequest(
                user_id="hosp-h10b", party="张三"), None)
        with pytest.raises(InvalidArgument):
            await servicer.DeclareConflict(routing_pb2.DeclareConflictRequest(), None)
        declared = await servicer.DeclareConflict(
            routing_pb2.DeclareConflictRequest(party="张三", reason="亲属"), None)
        assert declared.user_id == "hosp-h10a" and declared.party == "张三"
        listed = await servicer.ListCandidates(routing_pb2.ListCandidatesRequest(
            department="财务处", complainant_name="张三"), None)
        assert [c.user_id for c in listed.candidates] == ["hosp-h10b"]
        everyone = await servicer.ListCandidates(routing_pb2.ListCandidatesRequest(
            department="财务处"), None)
        assert [c.user_id for c in everyone.candidates] == ["hosp-h10a", "hosp-h10b"]
    case_id = await receive(runtime, "多收费用", complainant=common_pb2.Party(name="张三"))
    assert [d.handler_id for d in await decided(runtime, case_id)] == ["hosp-h10b"]


async def test_handlers_are_named_for_their_ids_within_the_tenant(runtime: Runtime) -> None:
    """A page shows who handles a case by name: the tenant's handlers among the ids asked
    about; another tenant's, an unknown id or an empty one are simply not named."""
    servicer = RoutingServicer(runtime.uow)
    with acting_as(CLERK):
        named = await servicer.ListHandlers(routing_pb2.ListHandlersRequest(
            user_ids=["hosp-h10b", "hosp-h10a", "nobody", "", "hosp-h10a", "c12315-h1a"]),
            None)
        assert [(c.user_id, c.name, c.department) for c in named.candidates] == [
            ("hosp-h10a", "财务处经办人1", "财务处"), ("hosp-h10b", "财务处经办人2", "财务处")]
        assert not (await servicer.ListHandlers(routing_pb2.ListHandlersRequest(), None)
                    ).candidates
        with pytest.raises(InvalidArgument):
            await servicer.ListHandlers(routing_pb2.ListHandlersRequest(
                user_ids=[f"u{i}" for i in range(201)]), None)
    with acting_as(auth.Principal(HOSPITAL, "access:x", ("complainant",))):   # the portal's
        with pytest.raises(PermissionDenied):
            await servicer.ListHandlers(routing_pb2.ListHandlersRequest(
                user_ids=["hosp-h10a"]), None)
        with pytest.raises(PermissionDenied):
            await servicer.ListCandidates(routing_pb2.ListCandidatesRequest(
                department="财务处"), None)


async def test_a_conflict_on_reroute_picks_another_handler_and_moves_the_load(
        runtime: Runtime) -> None:
    case_id = await receive(runtime, "多收费用")
    assert (await decided(runtime, case_id))[0].handler_id == "hosp-h10a"
    await deliver(runtime, "case.reroute_requested", case_pb2.RerouteRequested(
        case_id=case_id, trigger="conflict", exclude_handler_id="hosp-h10a",
        previous_handler_id="hosp-h10a", reason="同学关系"))
    again = (await decided(runtime, case_id))[1]
    assert (again.trigger, again.department, again.handler_id, again.previous_handler_id) == (
        "conflict", "财务处", "hosp-h10b", "hosp-h10a")
    assert again.severity == "一般"
    assert await loads(runtime) == {"hosp-h10b": 1}
    with acting_as(CLERK):
        listed = await RoutingServicer(runtime.uow).ListCandidates(
            routing_pb2.ListCandidatesRequest(department="财务处", case_id=case_id), None)
    assert [c.user_id for c in listed.candidates] == ["hosp-h10b"]
    await deliver(runtime, "case.reroute_requested", case_pb2.RerouteRequested(
        case_id=case_id, trigger="lead", department="护理部"))
    lead = (await decided(runtime, case_id))[2]
    assert (lead.department, lead.handler_id) == ("护理部", "hosp-h8a")
    assert await loads(runtime) == {"hosp-h8a": 1}


async def test_the_load_drops_once_when_the_case_leaves_the_workload(runtime: Runtime) -> None:
    case_id = await receive(runtime, "护士态度差，输液打针出错")
    assert await loads(runtime) == {"hosp-h8a": 1}
    for status in ("in_progress", "closed", "referred"):
        await deliver(runtime, "case.transitioned", case_pb2.CaseTransitioned(
            case_id=case_id, to_status=status))
        assert await loads(runtime) == ({"hosp-h8a": 1} if status == "in_progress" else {})
    other = await receive(runtime, "输液打针出错")
    assert [d.handler_id for d in await decided(runtime, other)] == ["hosp-h8a"]
    for _ in range(2):  # reopened once, counted once
        await deliver(runtime, "case.transitioned", case_pb2.CaseTransitioned(
            case_id=case_id, action="reopen", from_status="closed", to_status="investigating"))
    assert await loads(runtime) == {"hosp-h8a": 2}


async def test_off_hours_the_on_duty_officer_holds_it_and_one_replica_hands_it_over(
        replicas: list[Runtime]) -> None:
    runtime = replicas[0]
    saturday = datetime(2025, 3, 15, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, due long ago
    due = await receive(runtime, "多收费用", received_at=saturday)
    later = await receive(runtime, "多收费用", received_at=datetime(2030, 1, 5, 2, tzinfo=UTC))
    [held] = await decided(runtime, due)
    assert held.on_duty and held.department == "总值班" and held.handler_id == "hosp-h6a"
    assert held.handover_at.ToDatetime(tzinfo=UTC) == datetime(2025, 3, 17, 0, 0, tzinfo=UTC)
    assert await loads(runtime) == {"hosp-h10a": 1, "hosp-h10b": 1}  # owners reserved

    async def run_chore(r: Runtime) -> int:
        async with r.uow() as uow:
            fired = await handover.handover_due(await uow.all_tenants())
            await uow.commit()
        return fired

    assert sum(await asyncio.gather(*(run_chore(r) for r in replicas for _ in range(3)))) == 1
    handed = (await decided(runtime, due))[1]
    assert (handed.trigger, handed.on_duty, handed.department, handed.handler_id) == (
        "handover", False, "财务处", "hosp-h10a")
    assert handed.previous_handler_id == "hosp-h6a" and "总值班" in handed.reason
    assert len(await decided(runtime, later)) == 1  # 2030-01-07 08:00 is still to come


async def test_a_bad_routing_table_is_refused_whole_and_a_good_one_replaces_it(
        replicas: list[Runtime]) -> None:
    runtime, other = replicas        # two processes on one database, each keeping its policy
    first = await receive(other, "多收费用")
    assert (await decided(runtime, first))[0].department == "财务处"
    servicer = RoutingServicer(runtime.uow)
    with acting_as(ADMIN):
        before = await servicer.GetRoutingTable(routing_pb2.GetRoutingTableRequest(), None)
        assert len(before.routes) == 4
        bad = routing_pb2.RoutingTable(routes=[
            routing_pb2.Route(category="医保", department="医保办"),
            routing_pb2.Route(severity="严重", department="医保办"),
            routing_pb2.Route(category="无此类", department="食堂")])
        with pytest.raises(InvalidArgument) as refused:
            await servicer.PutRoutingTable(bad, None)
        assert set(refused.value.fields) == {
            "routes[1].severity", "routes[2].category", "routes[2].department"}
        assert await servicer.GetRoutingTable(routing_pb2.GetRoutingTableRequest(), None) == before
        good = routing_pb2.RoutingTable(routes=[
            routing_pb2.Route(category="医疗收费", department="院办")])
        await servicer.PutRoutingTable(good, None)
        assert await servicer.GetRoutingTable(routing_pb2.GetRoutingTableRequest(), None) == good
    with acting_as(CLERK), pytest.raises(PermissionDenied):
        await servicer.PutRoutingTable(good, None)
    for replica in replicas:         # the one that kept the old policy sees the change too
        case_id = await receive(replica, "多收费用")
        assert (await decided(runtime, case_id))[0].department == "院办"


async def test_category_edits_are_validated_and_announced(runtime: Runtime) -> None:
    servicer = RoutingServicer(runtime.uow)
    with acting_as(ADMIN):
        with pytest.raises(InvalidArgument) as refused:
            await servicer.PutCategory(routing_pb2.CategoryRule(
                name="停车", department="停车场", keywords=["停车"]), None)
        assert set(refused.value.fields) == {"department"}
        stored = await servicer.PutCategory(routing_pb2.CategoryRule(
            name="停车", department="总务处", keywords=["停车", " 车位", "停车"]), None)
        assert list(stored.keywords) == ["停车", "车位"]
        await servicer.DeleteCategory(routing_pb2.DeleteCategoryRequest(name="医保"), None)
    with acting_as(CLERK):
        names = [c.name for c in (await servicer.ListCategories(
            routing_pb2.ListCategoriesRequest(), None)).categories]
    assert "停车" in names and "医保" not in names
    changed = [e.payload(routing_pb2.CategoriesChanged).categories
               for e in await events(runtime, "routing.categories_changed")]
    assert len(changed) == 2 and "停车" in changed[0] and "医保" not in changed[1]
    case_id = await receive(runtime, "找不到停车位")
    assert (await decided(runtime, case_id))[0].department == "总务处"


async def test_the_running_service_consumes_intake_and_publishes_its_decision(
        settings: Settings) -> None:
    s = settings.model_copy(update={"routing_addr": f"127.0.0.1:{free_port()}",
                                    "seed_file": ROOT / "deploy/seed/demo-tenants.json"})
    runtime = Runtime("routing", s, MIGRATIONS)
    await runtime.start()
    try:
        received: asyncio.Queue[Event] = asyncio.Queue()

        async def on_message(msg) -> None:
            received.put_nowait(Event.decode(msg.data))

        sub = await runtime.nc.subscribe(f"{s.subject_prefix}.routing.decided.*", cb=on_message)
        await runtime.run_parts(configure(runtime))
        submission = intake_pb2.Submission(case_id=str(uuid.uuid4()), tenant_id=HOSPITAL,
                                           content="挂号排队太久", received_at=timestamp(
                                               datetime(2026, 3, 14, 2, tzinfo=UTC)))
        env = envelope.make("intake.received", HOSPITAL, intake_pb2.ComplaintReceived(
            submission=submission))
        await runtime.js.publish(envelope.subject(s.subject_prefix, env.type, HOSPITAL),
                                 env.SerializeToString(), headers={"Nats-Msg-Id": env.event_id})
        event = await asyncio.wait_for(received.get(), timeout=10)
        await sub.unsubscribe()
        d = event.payload(routing_pb2.RoutingDecided)
        # The demo hospital routes off-hours complaints to 总值班: a Saturday one waits there.
        assert (d.case_id, d.department, d.on_duty) == (submission.case_id, "总值班", True)
        assert d.handover_at.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 16, 0, tzinfo=UTC)
    finally:
        await runtime.stop()
