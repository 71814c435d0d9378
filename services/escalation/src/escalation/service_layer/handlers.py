"""The escalation service's handlers: case events become facts its clocks are replayed from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.messaging.consumer import Batch
from casebridge_platform.messaging.envelope import Event, PoisonMessage
from casebridge_platform.messaging.outbox import UnitOfWork
from google.protobuf.timestamp_pb2 import Timestamp

from escalation.adapters import protos
from escalation.adapters.tables import clocks, tracked
from escalation.domain.clocks import Policy, explain
from escalation.service_layer import sync


def _at(ts: Timestamp, event: Event) -> datetime:
    return ts.ToDatetime(tzinfo=UTC) if ts.seconds or ts.nanos else event.occurred_at


def opened(event: Event) -> sync.NewFact:
    """case.opened → clocks counted from receipt (e.g. 12315's accept-or-refuse)."""
    o = event.payload(case_pb2.CaseOpened)
    received = _at(o.received_at, event)
    return sync.NewFact(event.id, o.case_id, "opened", received, {
        "case_number": o.case_number, "kind": o.kind, "anonymous": o.anonymous,
        "received_at": received.isoformat(), "circumstances": list(o.circumstances),
        "first_contact": o.received_by, "category": o.category, "path": o.inbound_path,
        "channel": o.channel,
        "died_at": o.died_at.ToDatetime(tzinfo=UTC).isoformat() if o.HasField("died_at") else ""})


def routed(event: Event) -> sync.NewFact:
    """routing.decided → severity and the departments involved are known."""
    r = event.payload(routing_pb2.RoutingDecided)
    return sync.NewFact(event.id, r.case_id, "routed", event.occurred_at, {
        "severity": r.severity, "coordinated": r.coordinated, "category": r.category,
        "department": r.department, "handler": r.handler_id})


def assigned(event: Event) -> sync.NewFact:
    """case.assigned → the handling clocks (counted from receipt unless the rule says not)."""
    a = event.payload(case_pb2.CaseAssigned)
    return sync.NewFact(event.id, a.case_id, "assigned", event.occurred_at, {
        "case_number": a.case_number, "department": a.department, "handler": a.handler_id,
        "severity": a.severity, "category": a.category, "kind": a.kind,
        "anonymous": a.anonymous, "received_at": _at(a.received_at, event).isoformat()})


def transitioned(event: Event) -> sync.NewFact:
    """case.transitioned → decisions, milestones and ends stop clocks, holds pause them,
    reopening restarts what its rule says (see the tenant's policy pack)."""
    m = event.payload(case_pb2.CaseTransitioned)
    return sync.NewFact(event.id, m.case_id, "transitioned", _at(m.at, event), {
        "case_number": m.case_number, "action": m.action, "from": m.from_status,
        "to": m.to_status, "milestone": m.milestone, "hold_kind": m.hold_kind,
        "severity": m.severity, "department": m.department, "handler": m.handler_id,
        "transfer": m.transfer_path, "disposition": m.disposition, "outcome": m.outcome,
        "milestone_at": _at(m.milestone_at, event).isoformat()
        if m.HasField("milestone_at") else ""})


FACTS: dict[str, Callable[[Event], sync.NewFact]] = {
    "case.opened": opened, "routing.decided": routed, "case.assigned": assigned,
    "case.transitioned": transitioned}


async def on_events(uow: UnitOfWork, batch: Batch) -> None:
    """A tenant's case events become facts, and each case they touch is replayed once: its
    work is traced under the last of its events in the batch."""
    facts, last = [], {}
    for event in batch.events:
        with batch.span(event):
            make = FACTS.get(event.type)
            if make is None:
                raise PoisonMessage(f"no handler for event type {event.type!r}")
            fact = make(event)
        facts.append(fact)
        last[fact.case_id] = event
    t = await sync.tenant(uow, batch.tenant_id)
    await sync.record(uow, t, facts, around=lambda case_id: batch.span(last[case_id]))


async def on_event(uow: UnitOfWork, event: Event) -> None:
    """One event on its own (tests, tools)."""
    await on_events(uow, Batch.of(event))


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
