"""The escalation service's handlers: arm and stop the tenant's deadline clocks on case events."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.case.v1 import case_pb2
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.db import dialect_insert, insert_ignore
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.envelope import Event, timestamp
from casebridge_platform.messaging.outbox import UnitOfWork
from google.protobuf.timestamp_pb2 import Timestamp

from escalation.adapters.tables import clocks, policies, timers
from escalation.domain.calendar import Explanation, office_hours_from_json
from escalation.domain.clocks import Policy, due_at, explain, warning_at


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
        policy = to_policy(row)
        values = {"case_id": case_id, "name": policy.clock, "tenant_id": event.tenant_id,
                  "started_at": started, "due_at": due_at(started, policy), "state": "running",
                  "rule": policy.rule}
        armed = await uow.conn.execute(insert_ignore(clocks, uow.dialect).values(**values))
        if armed.rowcount != 1:
            continue  # armed already: a clock is not restarted by a later assignment
        for kind, at in (("breach", values["due_at"]), ("warning", warning_at(started, policy))):
            if at is not None:
                uow.insert_later(timers, {
                    "case_id": case_id, "clock": policy.clock, "kind": kind,
                    "tenant_id": event.tenant_id, "case_number": case_number, "due_at": at,
                    "rule": policy.rule})
        uow.emit("escalation.clock_armed", event.tenant_id, escalation_pb2.ClockArmed(
            clock=to_proto(values), case_number=case_number, anonymous=anonymous),
            correlation_id=case_id, causation_id=event.id)


def to_policy(row: sa.Row) -> Policy:
    return Policy(row.clock, row.days, row.rule, row.unit,
                  office_hours_from_json(row.office_hours))


ENDS = frozenset({"closed", "refused", "referred", "archived"})


async def on_transitioned(uow: UnitOfWork, event: Event) -> None:
    """case.transitioned → a decision taken stops its clock; a finished case stops them all;
    a hold (waiting for material, appraisal, testing) pauses them and its end resumes them,
    the due moment moved by exactly the working time the hold took."""
    moved = event.payload(case_pb2.CaseTransitioned)
    at = moved.at.ToDatetime(tzinfo=UTC) if moved.HasField("at") else event.occurred_at
    if moved.to_status in ENDS:
        await _stop(uow, event, moved, None)
    elif moved.from_status == "received" and moved.to_status != "received":
        names = [r.clock for r in (await uow.conn.execute(sa.select(policies.c.clock).where(
            policies.c.tenant_id == event.tenant_id, policies.c.starts_on == "opened"))).all()]
        await _stop(uow, event, moved, names)
    elif moved.to_status == "on_hold" and moved.from_status != "on_hold":
        await _pause(uow, event, moved, at)
    elif moved.from_status == "on_hold" and moved.to_status != "on_hold":
        await _resume(uow, event, moved, at)


def _announce(uow: UnitOfWork, event: Event, moved: case_pb2.CaseTransitioned, kind: str,
              row: sa.Row | dict) -> None:
    uow.emit(f"escalation.clock_{kind}", event.tenant_id, escalation_pb2.ClockArmed(
        clock=to_proto(row), case_number=moved.case_number, anonymous=moved.anonymous),
        correlation_id=moved.case_id, causation_id=event.id)


async def _unarm(uow: UnitOfWork, row: sa.Row) -> None:
    """Nothing fires for a clock that is not running."""
    await uow.conn.execute(timers.delete().where(
        timers.c.case_id == row.case_id, timers.c.clock == row.name,
        timers.c.fired_at.is_(None)))


async def _stop(uow: UnitOfWork, event: Event, moved: case_pb2.CaseTransitioned,
                names: list[str] | None) -> None:
    where = [clocks.c.state.in_(["running", "paused"])]
    if names is not None:
        where.append(clocks.c.name.in_(names))
    await _halt(uow, event, moved, where, "stopped", paused_at=None)


async def _pause(uow: UnitOfWork, event: Event, moved: case_pb2.CaseTransitioned,
                 at: datetime) -> None:
    await _halt(uow, event, moved, [clocks.c.state == "running"], "paused", paused_at=at)


async def _halt(uow: UnitOfWork, event: Event, moved: case_pb2.CaseTransitioned,
                where: list[sa.ColumnElement[bool]], state: str, **values: object) -> None:
    """The case's clocks matching `where` stop running: their timers go, and it is said."""
    halted = (await uow.conn.execute(clocks.update().where(
        clocks.c.tenant_id == event.tenant_id, clocks.c.case_id == moved.case_id, *where)
        .values(state=state, **values).returning(*clocks.c))).all()
    for row in halted:
        await _unarm(uow, row)
        _announce(uow, event, moved, state, row)


async def _resume(uow: UnitOfWork, event: Event, moved: case_pb2.CaseTransitioned,
                  at: datetime) -> None:
    rows = (await uow.conn.execute(
        sa.select(clocks, policies.c.clock, policies.c.days, policies.c.unit,
                  policies.c.office_hours)
        .join(policies, sa.and_(policies.c.tenant_id == clocks.c.tenant_id,
                                policies.c.clock == clocks.c.name))
        .where(clocks.c.tenant_id == event.tenant_id, clocks.c.case_id == moved.case_id,
               clocks.c.state == "paused"))).all()
    for row in rows:
        pauses = [*row.pauses, [row.paused_at.isoformat(), max(at, row.paused_at).isoformat()]]
        due = due_at(row.started_at, to_policy(row), pauses=intervals(pauses))
        values = {"state": "running", "paused_at": None, "pauses": pauses, "due_at": due}
        await uow.conn.execute(clocks.update().where(
            clocks.c.case_id == row.case_id, clocks.c.name == row.name).values(**values))
        await uow.conn.execute(dialect_insert(timers, uow.dialect).values(
            case_id=row.case_id, clock=row.name, kind="breach", tenant_id=event.tenant_id,
            case_number=moved.case_number, due_at=due, rule=row.rule).on_conflict_do_update(
            index_elements=[timers.c.case_id, timers.c.clock, timers.c.kind],
            set_={"due_at": due, "fired_at": None}))
        warn = warning_at(row.started_at, to_policy(row), pauses=intervals(pauses))
        if warn is not None:  # a warning given before the hold is not given again
            await uow.conn.execute(insert_ignore(timers, uow.dialect).values(
                case_id=row.case_id, clock=row.name, kind="warning", tenant_id=event.tenant_id,
                case_number=moved.case_number, due_at=warn, rule=row.rule))
        _announce(uow, event, moved, "armed", {**row._mapping, **values})


def intervals(pauses: list[list[str]]) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in pauses]


async def get_clocks(uow: UnitOfWork, *, principal: Principal,
                     case_id: str) -> escalation_pb2.GetClocksResponse:
    rows = (await uow.conn.execute(sa.select(clocks).where(
        clocks.c.tenant_id == principal.tenant_id, clocks.c.case_id == case_id)
        .order_by(clocks.c.name))).all()
    return escalation_pb2.GetClocksResponse(clocks=[to_proto(r) for r in rows])


async def explain_clocks(uow: UnitOfWork, *, principal: Principal,
                         case_id: str) -> escalation_pb2.ExplainResponse:
    """Each clock's due moment recomputed from its start and the tenant's policy, explained."""
    rows = (await uow.conn.execute(
        sa.select(clocks, policies.c.clock, policies.c.days, policies.c.unit,
                  policies.c.office_hours, policies.c.rule.label("policy_rule"))
        .join(policies, sa.and_(policies.c.tenant_id == clocks.c.tenant_id,
                                policies.c.clock == clocks.c.name))
        .where(clocks.c.tenant_id == principal.tenant_id, clocks.c.case_id == case_id)
        .order_by(clocks.c.name))).all()
    return escalation_pb2.ExplainResponse(clocks=[
        _explanation_proto(r, explain(r.started_at, to_policy(r), pauses=intervals(r.pauses)))
        for r in rows])


def _explanation_proto(row: sa.Row, why: Explanation) -> escalation_pb2.ClockExplanation:
    def named(days: tuple) -> list[escalation_pb2.NamedDay]:
        return [escalation_pb2.NamedDay(date=d.isoformat(), name=n) for d, n in days]

    return escalation_pb2.ClockExplanation(
        name=row.name, rule=row.rule, unit=why.unit, amount=why.amount, state=row.state,
        started_at=timestamp(row.started_at), counted_from=timestamp(why.counted_from),
        due_at=timestamp(why.due_at), stored_due_at=timestamp(row.due_at),
        convention=why.convention, counted=[d.isoformat() for d in why.counted],
        weekends_skipped=[d.isoformat() for d in why.weekends_skipped],
        holidays_skipped=named(why.holidays_skipped),
        makeup_days_counted=named(why.makeup_days_counted),
        paused=[escalation_pb2.PausedInterval(begins=timestamp(a), ends=timestamp(b),
                                              working_seconds=int(t.total_seconds()))
                for a, b, t in why.paused],
        warnings=list(why.warnings))


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Load each tenant's deadline policy from a seed file (existing policies are kept).

    `deadline.unit` says what `days` counts; without one, calendar days (the old meaning).
    """
    for t in data["tenants"]:
        d = t["deadline"]
        await uow.conn.execute(insert_ignore(policies, uow.dialect).values(
            tenant_id=t["id"], clock=d["clock"], days=d["days"], rule=d["rule"],
            starts_on=d.get("starts_on", "assigned"), unit=d.get("unit", "calendar_days"),
            office_hours=t.get("office_hours")))
