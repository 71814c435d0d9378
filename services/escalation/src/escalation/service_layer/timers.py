"""The timer engine: fire what is due, each timer exactly once, whatever the replicas; each firing
climbs the tenant's ladder, and a missed deadline goes into the late-handling ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.calendar import TZ
from casebridge_platform.db import insert_ignore, one_of
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.adapters.tables import clocks, ledger, regulator_reports, timers, tracked
from escalation.service_layer import sync

EVENT = {"breach": "escalation.breached", "warning": "escalation.warning"}
DEFAULT_TELL = {"warning": ("handler",), "breach": ("handler", "role:supervisor")}


async def next_due(uow: UnitOfWork) -> datetime | None:
    """When the earliest timer not fired yet falls due."""
    return (await uow.conn.execute(sa.select(sa.func.min(timers.c.due_at)).where(
        timers.c.fired_at.is_(None)))).scalar()


async def fire_due(uow: UnitOfWork, *, limit: int = 500, now: datetime | None = None) -> int:
    """Claim up to `limit` due timers and announce each, in one transaction.

    The claim is the UPDATE that sets fired_at: a second replica skips rows the first has
    locked (PostgreSQL) or waits for its commit and finds them fired (SQLite's one writer),
    and the events go out through the outbox of this same transaction: fired means announced.
    """
    now = now or datetime.now(UTC)
    key = sa.tuple_(timers.c.case_id, timers.c.clock, timers.c.kind)
    due = (sa.select(timers.c.case_id, timers.c.clock, timers.c.kind)
           .where(timers.c.fired_at.is_(None), timers.c.due_at <= now)
           .order_by(timers.c.due_at).limit(limit))
    if uow.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    fired = (await uow.conn.execute(
        timers.update().where(key.in_(due)).values(fired_at=now)
        .returning(timers.c.case_id, timers.c.clock, timers.c.kind, timers.c.tenant_id,
                   timers.c.case_number, timers.c.due_at, timers.c.rule, timers.c.round))).all()
    if not fired:
        return 0
    ids = {t.case_id for t in fired}
    cases = {r.case_id: r for r in (await uow.conn.execute(sa.select(tracked).where(
        one_of(tracked.c.case_id, ids, uow.dialect)))).all()}
    deadlines = {(r.case_id, r.name): r.due_at for r in (await uow.conn.execute(
        sa.select(clocks.c.case_id, clocks.c.name, clocks.c.due_at).where(
            one_of(clocks.c.case_id, ids, uow.dialect)))).all()}
    tenants: dict[str, sync.Tenant] = {}
    for t in fired:
        if t.tenant_id not in tenants:
            tenants[t.tenant_id] = await sync.tenant(uow, t.tenant_id, required=False)
        await _announce(uow, tenants[t.tenant_id], t, cases.get(t.case_id), now,
                        deadlines.get((t.case_id, t.clock), t.due_at))
    return len(fired)


def off_hours(t: sync.Tenant, at: datetime) -> bool:
    return not t.calendar.in_office_hours(at, t.office_hours)


def audiences(tell: tuple[str, ...], case: sa.Row | None, on_duty: str = "") -> list[str]:
    """Who a rung tells, as recipients: the case's own people by id, the rest by name, the
    on-duty officer as the tenant's 总值班 department."""
    own = {"handler": f"user:{case.handler_id}" if case and case.handler_id else "",
           "first_contact": f"user:{case.first_contact}" if case and case.first_contact else "",
           "department": f"department:{case.department}" if case and case.department else "",
           "on_duty": f"department:{on_duty}" if on_duty else "on_duty"}
    out = [own[t] if t in own else t for t in tell]
    return list(dict.fromkeys(a for a in out if a))


async def _announce(uow: UnitOfWork, t: sync.Tenant, timer: sa.Row, case: sa.Row | None,
                    now: datetime, deadline: datetime) -> None:
    """The firing told, with the clock's deadline (a later rung fires after it)."""
    rung = t.pack.rung_for(timer.kind)
    tell = rung.tell if rung else DEFAULT_TELL.get(timer.kind, ("role:supervisor",))
    late = off_hours(t, now)
    if late and "on_duty" not in tell:
        tell = (*tell, "on_duty")
    told = audiences(tell, case, t.on_duty)
    uow.emit(EVENT.get(timer.kind, "escalation.escalated"), timer.tenant_id,
             escalation_pb2.TimerFired(
                 case_id=timer.case_id, case_number=timer.case_number, clock=timer.clock,
                 kind=timer.kind, due_at=timestamp(deadline), fired_at=timestamp(now),
                 rule=timer.rule, rung=rung.rung if rung else 0,
                 rung_title=rung.title if rung else "", audiences=told, off_hours=late,
                 department=case.department if case else "",
                 severity=case.severity if case else ""), correlation_id=timer.case_id)
    if timer.kind == "breach" and case is not None:
        await _charge(uow, t, timer, case, now)


async def _charge(uow: UnitOfWork, t: sync.Tenant, timer: sa.Row, case: sa.Row,
                  now: datetime) -> None:
    """The missed deadline goes into the department's ledger; every `threshold` in a month
    the overseeing regulator is told."""
    added = await uow.conn.execute(insert_ignore(ledger, uow.dialect).values(
        case_id=timer.case_id, clock=timer.clock, round=timer.round, tenant_id=timer.tenant_id,
        case_number=timer.case_number, department=case.department or "(unassigned)",
        severity=case.severity, amount_fen=t.pack.ledger_fen.get(case.severity, 0),
        due_at=timer.due_at, breached_at=now, rule=timer.rule))
    threshold = t.pack.regulator_threshold
    if added.rowcount != 1 or not t.regulator or threshold < 1:
        return
    local = now.astimezone(TZ)
    month = datetime(local.year, local.month, 1, tzinfo=TZ).astimezone(UTC)
    numbers = (await uow.conn.execute(sa.select(ledger.c.case_number).where(
        ledger.c.tenant_id == timer.tenant_id, ledger.c.breached_at >= month,
        ledger.c.breached_at < now + timedelta(seconds=1))
        .order_by(ledger.c.breached_at))).scalars().all()
    if len(numbers) % threshold:
        return
    period = f"{local:%Y-%m}"
    reported = await uow.conn.execute(insert_ignore(regulator_reports, uow.dialect).values(
        tenant_id=timer.tenant_id, period=period, breaches=len(numbers),
        regulator=t.regulator, reported_at=now))
    if reported.rowcount == 1:
        uow.emit("escalation.regulator_report", t.regulator, escalation_pb2.RegulatorReport(
            institution=timer.tenant_id, period=period, breaches=len(numbers),
            case_numbers=list(dict.fromkeys(numbers)), threshold=threshold))
