"""The escalation service's handlers: case events become facts its clocks are replayed from."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.outbox import UnitOfWork
from google.protobuf.timestamp_pb2 import Timestamp

from escalation.adapters import protos
from escalation.adapters.tables import clocks, tracked
from escalation.domain.clocks import Policy, explain
from escalation.service_layer import sync


def _at(ts: Timestamp, event: Event) -> datetime:
    return ts.ToDatetime(tzinfo=UTC) if ts.seconds or ts.nanos else event.occurred_at


async def on_opened(uow: UnitOfWork, event: Event) -> None:
    """case.opened → clocks counted from receipt (e.g. 12315's accept-or-refuse)."""
    o = event.payload(case_pb2.CaseOpened)
    received = _at(o.received_at, event)
    await sync.record(uow, event_id=event.id, tenant_id=event.tenant_id, case_id=o.case_id,
                      type="opened", at=received, data={
                          "case_number": o.case_number, "kind": o.kind,
                          "anonymous": o.anonymous, "received_at": received.isoformat(),
                          "circumstances": list(o.circumstances),
                          "first_contact": o.received_by, "category": o.category,
                          "path": o.inbound_path, "channel": o.channel,
                          "died_at": o.died_at.ToDatetime(tzinfo=UTC).isoformat()
                          if o.HasField("died_at") else ""})


async def on_routed(uow: UnitOfWork, event: Event) -> None:
    """routing.decided → severity and the departments involved are known."""
    r = event.payload(routing_pb2.RoutingDecided)
    await sync.record(uow, event_id=event.id, tenant_id=event.tenant_id, case_id=r.case_id,
                      type="routed", at=event.occurred_at, data={
                          "severity": r.severity, "coordinated": r.coordinated,
                          "category": r.category, "department": r.department,
                          "handler": r.handler_id})


async def on_assigned(uow: UnitOfWork, event: Event) -> None:
    """case.assigned → the handling clocks (counted from receipt unless the rule says not)."""
    a = event.payload(case_pb2.CaseAssigned)
    await sync.record(uow, event_id=event.id, tenant_id=event.tenant_id, case_id=a.case_id,
                      type="assigned", at=event.occurred_at, data={
                          "case_number": a.case_number, "department": a.department,
                          "handler": a.handler_id, "severity": a.severity,
                          "category": a.category, "kind": a.kind, "anonymous": a.anonymous,
                          "received_at": _at(a.received_at, event).isoformat()})


async def on_transitioned(uow: UnitOfWork, event: Event) -> None:
    """case.transitioned → decisions, milestones and ends stop clocks, holds pause them,
    reopening restarts what its rule says (see the tenant's policy pack)."""
    m = event.payload(case_pb2.CaseTransitioned)
    await sync.record(uow, event_id=event.id, tenant_id=event.tenant_id, case_id=m.case_id,
                      type="transitioned", at=_at(m.at, event), data={
                          "case_number": m.case_number, "action": m.action,
                          "from": m.from_status, "to": m.to_status, "milestone": m.milestone,
                          "hold_kind": m.hold_kind, "severity": m.severity,
                          "department": m.department, "handler": m.handler_id,
                          "transfer": m.transfer_path, "disposition": m.disposition,
                          "outcome": m.outcome,
                          "milestone_at": _at(m.milestone_at, event).isoformat()
                          if m.HasField("milestone_at") else ""})


async def get_clocks(uow: UnitOfWork, *, principal: Principal,
                     case_id: str) -> escalation_pb2.GetClocksResponse:
    rows = (await uow.conn.execute(
        sa.select(clocks, tracked.c.department)
        .join(tracked, tracked.c.case_id == clocks.c.case_id, isouter=True)
        .where(clocks.c.tenant_id == principal.tenant_id, clocks.c.case_id == case_id)
        .order_by(clocks.c.due_at))).all()
    return escalation_pb2.GetClocksResponse(
        clocks=[protos.clock_proto(r, r.department or "") for r in rows])


async def explain_clocks(uow: UnitOfWork, *, principal: Principal,
                         case_id: str) -> escalation_pb2.ExplainResponse:
    """How each clock's due moment follows from its start, its pauses, the tenant's policy and
    calendar (loaded years included)."""
    t = await sync.tenant(uow, principal.tenant_id, required=False)
    rows = (await uow.conn.execute(sa.select(clocks).where(
        clocks.c.tenant_id == principal.tenant_id, clocks.c.case_id == case_id)
        .order_by(clocks.c.due_at))).all()
    out = []
    for r in rows:
        policy = Policy(r.name, r.amount + r.extended_by, r.rule, r.unit or "working_days",
                        tuple(t.office_hours))
        out.append(protos.explanation_proto(r, explain(r.started_at, policy, calendar=t.calendar,
                                                 pauses=intervals(r.pauses))))
    return escalation_pb2.ExplainResponse(clocks=out)


def intervals(pauses: list[list[str]]) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in pauses]
