"""The escalation service's handlers: arm the tenant's deadline clock when a case is assigned."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import insert_ignore
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.adapters.tables import clocks, policies, timers
from escalation.domain.clocks import Policy, due_at


def to_proto(row: sa.Row | dict) -> escalation_pb2.Clock:
    r = row if isinstance(row, dict) else row._mapping
    return escalation_pb2.Clock(
        case_id=r["case_id"], name=r["name"], started_at=timestamp(r["started_at"]),
        due_at=timestamp(r["due_at"]), state=r["state"], rule=r["rule"])


async def on_assigned(uow: UnitOfWork, event: Event) -> None:
    """case.assigned → a running clock from the moment of receipt, per the tenant's policy."""
    assigned = event.payload(case_pb2.CaseAssigned)
    rows = (await uow.conn.execute(sa.select(policies).where(
        policies.c.tenant_id == event.tenant_id).order_by(policies.c.clock))).all()
    if not rows:
        raise Transient(f"no deadline policy for tenant {event.tenant_id!r}")
    started = assigned.received_at.ToDatetime(tzinfo=UTC)
    for row in rows:
        policy = Policy(row.clock, row.days, row.rule)
        values = {"case_id": assigned.case_id, "name": policy.clock, "tenant_id": event.tenant_id,
                  "started_at": started, "due_at": due_at(started, policy), "state": "running",
                  "rule": policy.rule}
        armed = await uow.conn.execute(insert_ignore(clocks, uow.dialect).values(**values))
        if armed.rowcount != 1:
            continue  # armed already: a clock is not restarted by a later assignment
        uow.insert_later(timers, {
            "case_id": assigned.case_id, "clock": policy.clock, "kind": "breach",
            "tenant_id": event.tenant_id, "case_number": assigned.case_number,
            "due_at": values["due_at"], "rule": policy.rule})
        uow.emit("escalation.clock_armed", event.tenant_id, escalation_pb2.ClockArmed(
            clock=to_proto(values), case_number=assigned.case_number, anonymous=assigned.anonymous),
            correlation_id=assigned.case_id, causation_id=event.id)


async def get_clocks(uow: UnitOfWork, *, principal: Principal,
                     case_id: str) -> escalation_pb2.GetClocksResponse:
    rows = (await uow.conn.execute(sa.select(clocks).where(
        clocks.c.tenant_id == principal.tenant_id, clocks.c.case_id == case_id)
        .order_by(clocks.c.name))).all()
    return escalation_pb2.GetClocksResponse(clocks=[to_proto(r) for r in rows])


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Load each tenant's deadline policy from a seed file (existing policies are kept)."""
    for t in data["tenants"]:
        d = t["deadline"]
        await uow.conn.execute(insert_ignore(policies, uow.dialect).values(
            tenant_id=t["id"], clock=d["clock"], days=d["days"], rule=d["rule"]))
