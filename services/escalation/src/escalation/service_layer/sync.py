"""A case's clocks kept equal to the replay of its history under the tenant's current policy.

Every case event the service hears is recorded as a fact; the case's clocks are then replayed
from all its facts and the stored clocks and timers brought in line, saying what changed. A
policy change, a loaded calendar year or a rebuild request replays the same way, so a clock
never depends on the order things happened to arrive in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.calendar import (
    OfficeHours,
    WorkCalendar,
    YearSchedule,
    office_hours_from_json,
)
from casebridge_platform.db import insert_ignore
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.adapters import protos
from escalation.adapters.tables import (
    calendar_years,
    case_facts,
    clocks,
    tenant_settings,
    timers,
    tracked,
)
from escalation.domain import policy
from escalation.domain.clocks import ClockState, Fact, replay, timers_of


@dataclass(frozen=True)
class Tenant:
    """What the service knows of a tenant: its policy, calendar, office hours and regulator."""

    tenant_id: str
    pack: policy.Pack
    calendar: WorkCalendar
    office_hours: OfficeHours
    regulator: str = ""
    on_duty: str = ""                    # the on-duty officer's (总值班) department


def schedule_of(row: sa.Row) -> YearSchedule:
    return YearSchedule.from_json(row.holidays, row.workdays)


_TENANTS: dict[str, tuple[datetime, Tenant]] = {}   # per process, keyed by its version


async def tenant(uow: UnitOfWork, tenant_id: str, *, required: bool = True) -> Tenant:
    """The tenant as configured now. Built once per version of its settings (a policy change
    or a loaded year stamps `updated_at`), so every replica replays under the current policy."""
    row = (await uow.conn.execute(sa.select(tenant_settings).where(
        tenant_settings.c.tenant_id == tenant_id))).first()
    if row is None:
        if required:
            raise Transient(f"no deadline policy for tenant {tenant_id!r} yet")
        return Tenant(tenant_id, policy.Pack(kind="", title="none", clocks=()), WorkCalendar(),
                      office_hours_from_json(None))
    cached = _TENANTS.get(tenant_id)
    if cached is not None and cached[0] == row.updated_at:
        return cached[1]
    years = (await uow.conn.execute(sa.select(calendar_years).where(
        calendar_years.c.tenant_id == tenant_id))).all()
    built = Tenant(tenant_id, policy.tenant_policy(policy.pack(row.kind), row.overrides),
                   WorkCalendar({y.year: schedule_of(y) for y in years}),
                   office_hours_from_json(row.office_hours), row.regulator, row.on_duty)
    _TENANTS[tenant_id] = (row.updated_at, built)
    return built


# What the ladder and the ledger need of the case, as the replay knows it (not as the last
# event to arrive says it).
TRACKED = {"department": "department", "handler": "handler_id", "first_contact": "first_contact",
           "severity": "severity"}


async def record(uow: UnitOfWork, *, event_id: str, tenant_id: str, case_id: str, type: str,
                 at: datetime, data: dict[str, Any], cause: str = "") -> None:
    """Record one fact of a case (once, however often the event is delivered) and replay."""
    t = await tenant(uow, tenant_id)
    row = await lock(uow, tenant_id, case_id)
    added = await uow.conn.execute(insert_ignore(case_facts, uow.dialect).values(
        event_id=event_id, tenant_id=tenant_id, case_id=case_id, type=type, at=at,
        recorded_at=datetime.now(UTC), data=data))
    if added.rowcount != 1:
        return
    values = {"case_number": data["case_number"]} if data.get("case_number") else {}
    if type == "transitioned" and data.get("to") in ("closed", "refused", "referred", "archived"):
        values["open"] = False
    elif type == "transitioned" and data.get("action") == "reopen":
        values["open"] = True
    if values:
        row = (await uow.conn.execute(tracked.update().where(tracked.c.case_id == case_id)
                                      .values(**values).returning(*tracked.c))).one()
    await sync(uow, t, case_id, cause=cause or event_id, case_row=row)


async def lock(uow: UnitOfWork, tenant_id: str, case_id: str) -> sa.Row:
    """The case's row, locked: one replica at a time replays a case."""
    await uow.conn.execute(insert_ignore(tracked, uow.dialect).values(
        case_id=case_id, tenant_id=tenant_id, case_number="", open=True, department="",
        handler_id="", first_contact="", severity="一般"))
    query = sa.select(tracked).where(tracked.c.case_id == case_id,
                                     tracked.c.tenant_id == tenant_id)
    if uow.dialect == "postgresql":
        query = query.with_for_update()
    return (await uow.conn.execute(query)).one()


async def facts_of(uow: UnitOfWork, case_id: str) -> list[Fact]:
    rows = (await uow.conn.execute(sa.select(case_facts).where(case_facts.c.case_id == case_id)
                                   .order_by(case_facts.c.recorded_at, case_facts.c.event_id)))
    return [Fact(r.type, r.at, r.data, seq=i) for i, r in enumerate(rows.all())]


def _iso(pauses: list) -> list[list[str]]:
    return [[a.isoformat(), b.isoformat()] for a, b in pauses]


def values_of(c: ClockState) -> dict[str, Any]:
    return {"started_at": c.started_at, "due_at": c.due_at, "state": c.state,
            "rule": c.rule.rule, "paused_at": c.paused_at, "pauses": _iso(c.pauses),
            "title": c.rule.title, "amount": c.rule.amount, "unit": c.rule.unit,
            "extended_by": c.extended_by, "warning_at": c.warning_at,
            "stopped_at": c.stopped_at, "round": c.round}


async def sync(uow: UnitOfWork, t: Tenant, case_id: str, *, cause: str = "",
               case_row: sa.Row | None = None) -> int:
    """Replay the case (its row locked by the caller) and store the result; the number of
    clocks that changed."""
    if case_row is None:
        case_row = (await uow.conn.execute(sa.select(tracked).where(
            tracked.c.case_id == case_id))).one()
    states, case = replay(t.pack, await facts_of(uow, case_id), calendar=t.calendar,
                          office_hours=t.office_hours)
    known = {col: case[key] for key, col in TRACKED.items() if case.get(key)}
    if any(getattr(case_row, col) != value for col, value in known.items()):
        case_row = (await uow.conn.execute(tracked.update().where(
            tracked.c.case_id == case_id).values(**known).returning(*tracked.c))).one()
    stored = {r.name: r for r in (await uow.conn.execute(
        sa.select(clocks).where(clocks.c.case_id == case_id))).all()}
    changed = 0
    for name, c in states.items():
        values = values_of(c)
        old = stored.pop(name, None)
        if old is not None and all(getattr(old, k) == v for k, v in values.items()):
            continue
        changed += 1
        if old is None:
            await uow.conn.execute(clocks.insert().values(
                case_id=case_id, name=name, tenant_id=t.tenant_id, **values))
        else:
            await uow.conn.execute(clocks.update().where(
                clocks.c.case_id == case_id, clocks.c.name == name).values(**values))
        announce(uow, t.tenant_id, case_row, case, {"case_id": case_id, "name": name, **values},
                 cause)
    for name, old in stored.items():  # a clock the policy no longer keeps
        changed += 1
        await uow.conn.execute(clocks.delete().where(clocks.c.case_id == case_id,
                                                     clocks.c.name == name))
        announce(uow, t.tenant_id, case_row, case, {**old._mapping, "state": "stopped"}, cause)
    await _arm(uow, t, case_row, states)
    return changed


def announce(uow: UnitOfWork, tenant_id: str, case_row: sa.Row, case: dict[str, Any],
             values: dict[str, Any], cause: str) -> None:
    kind = {"running": "armed"}.get(values["state"], values["state"])
    uow.emit(f"escalation.clock_{kind}", tenant_id, escalation_pb2.ClockArmed(
        clock=protos.clock_proto(values, case_row.department), case_number=case_row.case_number,
        anonymous=bool(case.get("anonymous"))), correlation_id=values["case_id"],
        causation_id=cause)


async def _arm(uow: UnitOfWork, t: Tenant, case_row: sa.Row,
               states: dict[str, ClockState]) -> None:
    """The case's timers made to match its running clocks. A timer that fired stays fired for
    its round: a deadline missed is not un-missed by a later hold; a restarted clock arms anew."""
    want = {(c.name, kind): (at, c) for c in states.values()
            for kind, at in timers_of(c, t.pack, calendar=t.calendar,
                                      office_hours=t.office_hours).items()}
    have = {(r.clock, r.kind): r for r in (await uow.conn.execute(sa.select(timers).where(
        timers.c.case_id == case_row.case_id))).all()}
    for key, row in have.items():
        if key not in want and row.fired_at is None:
            await uow.conn.execute(timers.delete().where(
                timers.c.case_id == row.case_id, timers.c.clock == row.clock,
                timers.c.kind == row.kind))
    for (name, kind), (at, c) in want.items():
        timer = have.get((name, kind))
        values = {"due_at": at, "round": c.round, "rule": c.rule.rule,
                  "case_number": case_row.case_number}
        if timer is None:
            await uow.conn.execute(timers.insert().values(
                case_id=case_row.case_id, clock=name, kind=kind, tenant_id=t.tenant_id,
                fired_at=None, **values))
        elif timer.fired_at is None and (timer.due_at, timer.round, timer.case_number) != (
                at, c.round, case_row.case_number):
            await uow.conn.execute(timers.update().where(
                timers.c.case_id == timer.case_id, timers.c.clock == name,
                timers.c.kind == kind).values(**values))
        elif timer.fired_at is not None and timer.round < c.round:
            await uow.conn.execute(timers.update().where(
                timers.c.case_id == timer.case_id, timers.c.clock == name,
                timers.c.kind == kind).values(fired_at=None, **values))


async def resync_tenant(uow: UnitOfWork, tenant_id: str, *, cause: str = "") -> int:
    """Replay every open case of the tenant (after a policy or calendar change)."""
    t = await tenant(uow, tenant_id)
    ids = (await uow.conn.execute(sa.select(tracked.c.case_id).where(
        tracked.c.tenant_id == tenant_id, tracked.c.open.is_(True)))).scalars().all()
    changed = 0
    for case_id in ids:
        changed += await sync(uow, t, case_id, cause=cause,
                              case_row=await lock(uow, tenant_id, case_id))
    return changed
