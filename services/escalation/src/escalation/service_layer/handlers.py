"""The escalation service's handlers: arm and stop the tenant's deadline clocks on case events."""

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
from google.protobuf.timestamp_pb2 import Timestamp

from escalation.adapters.tables import clocks, policies, timers
from escalation.domain.clocks import Policy, due_at


def to_proto(row: sa.Row | dict) -> escalation_pb2.Clock:
    r = row if isinstance(row, dict) else row._mapping
    return escalation_pb2.Clock(
        case_id=r["case_id"], name=r["name"], started_at=timestamp(r["started_at"]),
        due_at=timestamp(r["due_at"]), state=r["state"], rule=r["rule"])


async def on_opened(uow: UnitOfWork, event: Event) -> None:
    """case.opened → the clocks of decisions due from receipt (e.g. 12315's accept-or-refuse)."""
    opened = event.payload(case_pb2.CaseOpened)
    await _arm(uow, event, "opened", opened.case_id, opened.case_number, opened.received_at,
               opened.anonymous)


async def on_assigned(uow: UnitOfWork, event: Event) -> None:
    """case.assigned → the handling clocks, counted from the moment of receipt."""
    assigned = event.payload(case_pb2.CaseAssigned)
    await _arm(uow, event, "assigned", assigned.case_id, assigned.case_number,
               assigned.received_at, assigned.anonymous)


async def _arm(uow: UnitOfWork, event: Event, starts_on: str, case_id: str, case_number: str,
               received_at: Timestamp, anonymous: bool) -> None:
    """A running clock per policy that starts on this event; never restarted by a repeat."""
    rows = (await uow.conn.execute(sa.select(policies).where(
        policies.c.tenant_id == event.tenant_id).order_by(policies.c.clock))).all()
    if not rows:
        raise Transient(f"no deadline policy for tenant {event.tenant_id!r}")
    started = received_at.ToDatetime(tzinfo=UTC)
    for row in rows:
        if row.starts_on != starts_on:
            continue
        policy = Policy(row.clock, row.days, row.rule)
        values = {"case_id": case_id, "name": policy.clock, "tenant_id": event.tenant_id,
                  "started_at": started, "due_at": due_at(started, policy), "state": "running",
                  "rule": policy.rule}
        armed = await uow.conn.execute(insert_ignore(clocks, uow.dialect).values(**values))
        if armed.rowcount != 1:
            continue  # armed already: a clock is not restarted by a later assignment
        uow.insert_later(timers, {
            "case_id": case_id, "clock": policy.clock, "kind": "breach",
            "tenant_id": event.tenant_id, "case_number": case_number,
            "due_at": values["due_at"], "rule": policy.rule})
        uow.emit("escalation.clock_armed", event.tenant_id, escalation_pb2.ClockArmed(
            clock=to_proto(values), case_number=case_number, anonymous=anonymous),
            correlation_id=case_id, causation_id=event.id)


ENDS = frozenset({"closed", "refused", "referred", "archived"})


async def on_transitioned(uow: UnitOfWork, event: Event) -> None:
    """case.transitioned → a decision taken stops its clock; a finished case stops them all.

    A stopped clock's unfired timers are removed, so nothing fires for a case that is done.
    """
    moved = event.payload(case_pb2.CaseTransitioned)
    if moved.to_status in ENDS:
        names = None
    elif moved.from_status == "received" and moved.to_status != "received":
        names = [r.clock for r in (await uow.conn.execute(sa.select(policies.c.clock).where(
            policies.c.tenant_id == event.tenant_id, policies.c.starts_on == "opened"))).all()]
    else:
        return
    where = [clocks.c.tenant_id == event.tenant_id, clocks.c.case_id == moved.case_id,
             clocks.c.state == "running"]
    if names is not None:
        where.append(clocks.c.name.in_(names))
    stopped = (await uow.conn.execute(clocks.update().where(*where).values(state="stopped")
                                      .returning(*clocks.c))).all()
    for row in stopped:
        await uow.conn.execute(timers.delete().where(
            timers.c.case_id == row.case_id, timers.c.clock == row.name,
            timers.c.fired_at.is_(None)))
        uow.emit("escalation.clock_stopped", event.tenant_id, escalation_pb2.ClockArmed(
            clock=to_proto(row), case_number=moved.case_number, anonymous=moved.anonymous),
            correlation_id=moved.case_id, causation_id=event.id)


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
            tenant_id=t["id"], clock=d["clock"], days=d["days"], rule=d["rule"],
            starts_on=d.get("starts_on", "assigned")))
