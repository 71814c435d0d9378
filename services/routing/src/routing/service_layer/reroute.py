"""case.reroute_requested: decide again because staff reclassified, a handler declared a
conflict, the coordinating office named a lead department, or a supervisor reassigned.

Off-hours routing does not apply (staff act now), and a pending hand-over becomes moot.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from casebridge.case.v1 import case_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.envelope import Event, PoisonMessage
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.tables import conflicts, decisions
from routing.domain import decision, rules
from routing.service_layer import queries
from routing.service_layer.handlers import cancel_handover, pick

TRIGGERS = ("reclassified", "conflict", "lead", "reassign")


async def record_conflict(uow: UnitOfWork, tenant_id: str, *, user_id: str, party: str = "",
                          case_id: str = "", reason: str = "") -> datetime:
    """Store a declared conflict of interest (利害关系); it applies to every later choice."""
    now = datetime.now(UTC)
    await uow.conn.execute(conflicts.insert().values(
        conflict_id=str(uuid.uuid4()), tenant_id=tenant_id, user_id=user_id, party=party,
        case_id=case_id, reason=reason, declared_at=now))
    return now


async def target(uow: UnitOfWork, tenant_id: str, req: case_pb2.RerouteRequested,
                 row: Any) -> tuple[str, str, str]:
    """(category, department, reason) the request asks for."""
    if req.trigger == "reclassified":
        policy = await queries.policy(uow, tenant_id)
        department, why = decision.responsible(policy, req.category, req.respondent_department,
                                               req.severity or row.severity)
        return req.category, department, f"reclassified by staff: {why}"
    if req.trigger == "lead":
        if not req.department:
            raise PoisonMessage("a lead reroute must name the lead department")
        return row.category, req.department, f"lead department {req.department} named"
    if req.trigger == "conflict":
        return row.category, row.department, (
            f"handler {req.exclude_handler_id} declared a conflict of interest")
    return row.category, row.department, "reassigned within the department"


def excluded(req: case_pb2.RerouteRequested, row: Any) -> str:
    """Who must not get the case again: the conflicted handler, or on reassign the current one."""
    if req.trigger == "conflict":
        return req.exclude_handler_id
    if req.trigger == "reassign":
        return req.exclude_handler_id or row.handler_id
    return req.exclude_handler_id


async def on_reroute(uow: UnitOfWork, event: Event) -> None:
    """case.reroute_requested → routing.decided with the request's trigger; the load moves."""
    req = event.payload(case_pb2.RerouteRequested)
    if req.trigger not in TRIGGERS:
        raise PoisonMessage(f"unknown reroute trigger {req.trigger!r}")
    row = await queries.decision_row(uow, req.case_id)
    if row is None:
        raise Transient(f"no routing decision yet for case {req.case_id}")
    if req.trigger == "conflict" and req.exclude_handler_id:
        await record_conflict(uow, event.tenant_id, user_id=req.exclude_handler_id,
                              case_id=req.case_id, reason=req.reason or "declared on reroute")
    category, department, reason = await target(uow, event.tenant_id, req, row)
    parties = rules.Parties(req.case_id, req.complainant_name, req.respondent_person,
                            req.respondent_unit, excluded(req, row))
    handler = await pick(uow, event.tenant_id, department, parties)
    await move_load(uow, event.tenant_id, row, handler)
    source = "staff" if req.trigger == "reclassified" else row.category_source
    severity = req.severity or row.severity
    await uow.conn.execute(decisions.update().where(decisions.c.case_id == req.case_id).values(
        category=category, category_source=source, department=department, handler_id=handler,
        severity=severity, decided_at=datetime.now(UTC)))
    await cancel_handover(uow, req.case_id)
    uow.emit("routing.decided", event.tenant_id, routing_pb2.RoutingDecided(
        case_id=req.case_id, category=category, category_source=source, department=department,
        handler_id=handler, reason=f"{reason}{'; ' + req.reason if req.reason else ''}",
        severity=severity, trigger=req.trigger,
        previous_handler_id=req.previous_handler_id or row.handler_id),
        correlation_id=req.case_id, causation_id=event.id)


async def move_load(uow: UnitOfWork, tenant_id: str, row: Any, handler: str) -> None:
    """The case stops counting for the previous handler and counts for the new one."""
    if not row.open or row.handler_id == handler:
        return
    await queries.adjust_load(uow, tenant_id, row.handler_id, -1)
    await queries.adjust_load(uow, tenant_id, handler, +1)
