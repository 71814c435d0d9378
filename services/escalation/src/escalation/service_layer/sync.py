"""A case's clocks kept equal to the replay of its history under the tenant's current policy.

Every case event the service hears is recorded as a fact; the case's clocks are then replayed
from all its facts and the stored clocks and timers brought in line, saying what changed. A
policy change, a loaded calendar year or a rebuild request replays the same way, so a clock
never depends on the order things happened to arrive in.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
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
from casebridge_platform.db import insert_ignore, insert_new, one_of
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
ENDED = ("closed", "refused", "referred", "archived")


@dataclass(frozen=True)
class NewFact:
    """A case event as a fact to record: `event_id` keeps it once however often it comes."""

    event_id: str
    case_id: str
    type: str
    at: datetime
    data: dict[str, Any]


Around = Callable[[str], AbstractContextManager[object]]


async def record(uow: UnitOfWork, t: Tenant, facts: list[NewFact], *,
                 around: Around | None = None) -> None:
    """Record a tenant's new facts (each once) and replay each case they touch, once.

    A statement per table for the whole batch: the cases' rows are locked together, the facts
    inserted together, and the cases' facts, clocks and timers read and written together.
    `around(case_id)` wraps the work for one case (its consumer span)."""
    ids = list(dict.fromkeys(f.case_id for f in facts))
    rows = await lock(uow, t.tenant_id, ids)
    read = dict(rows)
    now = datetime.now(UTC)
    added = await insert_new(uow.conn, case_facts, [
        {"event_id": f.event_id, "tenant_id": t.tenant_id, "case_id": f.case_id,
         "type": f.type, "at": f.at, "recorded_at": now, "data": f.data} for f in facts],
        returning="event_id")
    fresh = [f for f in facts if f.event_id in added]
    for f in fresh:
        row = rows[f.case_id]
        if f.data.get("case_number"):
            row = {**row, "case_number": f.data["case_number"]}
        if f.type == "transitioned" and f.data.get("to") in ENDED:
            row = {**row, "open": False}
        elif f.type == "transitioned" and f.data.get("action") == "reopen":
            row = {**row, "open": True}
        rows[f.case_id] = row
    causes = {f.case_id: f.event_id for f in fresh}
    await sync(uow, t, {case_id: rows[case_id] for case_id in causes}, causes=causes,
               around=around, read=read)


async def lock(uow: UnitOfWork, tenant_id: str, case_ids: list[str]) -> dict[str, dict]:
    """The cases' rows (made if new), locked: one replica at a time replays a case."""
    await uow.conn.execute(insert_ignore(tracked, uow.dialect), [
        {"case_id": case_id, "tenant_id": tenant_id, "case_number": "", "open": True,
         "department": "", "handler_id": "", "first_contact": "", "severity": "一般"}
        for case_id in case_ids])
    query = sa.select(tracked).where(one_of(tracked.c.case_id, case_ids, uow.dialect),
                                     tracked.c.tenant_id == tenant_id).order_by(tracked.c.case_id)
    if uow.dialect == "postgresql":
        query = query.with_for_update()
    return {r.case_id: dict(r._mapping) for r in (await uow.conn.execute(query)).all()}


def _iso(pauses: list) -> list[list[str]]:
    return [[a.isoformat(), b.isoformat()] for a, b in pauses]


def values_of(c: ClockState) -> dict[str, Any]:
    return {"started_at": c.started_at, "due_at": c.due_at, "state": c.state,
            "rule": c.rule.rule, "paused_at": c.paused_at, "pauses": _iso(c.pauses),
            "title": c.rule.title, "amount": c.rule.amount, "unit": c.rule.unit,
            "extended_by": c.extended_by, "warning_at": c.warning_at,
            "stopped_at": c.stopped_at, "round": c.round}


@dataclass
class Writes:
    """What a batch's replays change, written with one statement per table and kind."""

    tracked: list[dict[str, Any]] = field(default_factory=list)
    new_clocks: list[dict[str, Any]] = field(default_factory=list)
    changed_clocks: list[dict[str, Any]] = field(default_factory=list)
    gone_clocks: list[dict[str, Any]] = field(default_factory=list)
    new_timers: list[dict[str, Any]] = field(default_factory=list)
    changed_timers: list[dict[str, Any]] = field(default_factory=list)
    gone_timers: list[dict[str, Any]] = field(default_factory=list)

    async def flush(self, uow: UnitOfWork) -> None:
        run = uow.conn.execute
        if self.tracked:
            await run(tracked.update().where(tracked.c.case_id == sa.bindparam("k_case")),
                      self.tracked)
        if self.gone_clocks:
            await run(clocks.delete().where(clocks.c.case_id == sa.bindparam("k_case"),
                                            clocks.c.name == sa.bindparam("k_name")),
                      self.gone_clocks)
        if self.changed_clocks:
            await run(clocks.update().where(clocks.c.case_id == sa.bindparam("k_case"),
                                            clocks.c.name == sa.bindparam("k_name")),
                      self.changed_clocks)
        if self.new_clocks:
            await run(clocks.insert(), self.new_clocks)
        key = (timers.c.case_id == sa.bindparam("k_case"),
               timers.c.clock == sa.bindparam("k_clock"), timers.c.kind == sa.bindparam("k_kind"))
        if self.gone_timers:
            await run(timers.delete().where(*key), self.gone_timers)
        if self.changed_timers:
            await run(timers.update().where(*key), self.changed_timers)
        if self.new_timers:
            await run(timers.insert(), self.new_timers)
        if armed := self.new_timers + self.changed_timers:
            uow.wake("timers", min(t["due_at"] for t in armed))


async def sync(uow: UnitOfWork, t: Tenant, cases: dict[str, dict[str, Any]], *,
               causes: dict[str, str] | None = None, around: Around | None = None,
               read: dict[str, dict[str, Any]] | None = None) -> int:
    """Replay the cases (their rows locked by the caller, given as they are to be; `read`:
    the rows as stored, when that differs) and store the results; the number of clocks that
    changed."""
    if not cases:
        return 0
    ids = list(cases)
    facts: dict[str, list[Fact]] = {case_id: [] for case_id in ids}
    for r in (await uow.conn.execute(
            sa.select(case_facts).where(one_of(case_facts.c.case_id, ids, uow.dialect))
            .order_by(case_facts.c.case_id, case_facts.c.recorded_at, case_facts.c.event_id)
    )).all():
        facts[r.case_id].append(Fact(r.type, r.at, r.data, seq=len(facts[r.case_id])))
    stored: dict[str, dict[str, sa.Row]] = {case_id: {} for case_id in ids}
    for r in (await uow.conn.execute(sa.select(clocks).where(
            one_of(clocks.c.case_id, ids, uow.dialect)))).all():
        stored[r.case_id][r.name] = r
    armed: dict[str, dict[tuple[str, str], sa.Row]] = {case_id: {} for case_id in ids}
    for r in (await uow.conn.execute(sa.select(timers).where(
            one_of(timers.c.case_id, ids, uow.dialect)))).all():
        armed[r.case_id][(r.clock, r.kind)] = r
    writes = Writes()
    changed = 0
    for case_id in ids:
        with around(case_id) if around else nullcontext():
            changed += _sync_one(uow, t, cases[case_id], (read or cases)[case_id],
                                 facts[case_id], stored[case_id], armed[case_id],
                                 (causes or {}).get(case_id, ""), writes)
    await writes.flush(uow)
    return changed


def _sync_one(uow: UnitOfWork, t: Tenant, row: dict[str, Any], stored_row: dict[str, Any],
              facts: list[Fact], stored: dict[str, sa.Row],
              armed: dict[tuple[str, str], sa.Row], cause: str, writes: Writes) -> int:
    case_id = row["case_id"]
    states, case = replay(t.pack, facts, calendar=t.calendar, office_hours=t.office_hours)
    known = {col: case[key] for key, col in TRACKED.items() if case.get(key)}
    row = {**row, **known}
    if row != stored_row:   # unchanged (most events of a case known already): not written
        writes.tracked.append({"k_case": case_id, **{k: v for k, v in row.items()
                                                     if k != "case_id"}})
    changed = 0
    for name, c in states.items():
        values = values_of(c)
        old = stored.pop(name, None)
        if old is not None and all(getattr(old, k) == v for k, v in values.items()):
            continue
        changed += 1
        if old is None:
            writes.new_clocks.append({"case_id": case_id, "name": name,
                                      "tenant_id": t.tenant_id, **values})
        else:
            writes.changed_clocks.append({"k_case": case_id, "k_name": name, **values})
        announce(uow, t.tenant_id, row, case, {"case_id": case_id, "name": name, **values},
                 cause)
    for name, old in stored.items():  # a clock the policy no longer keeps
        changed += 1
        writes.gone_clocks.append({"k_case": case_id, "k_name": name})
        announce(uow, t.tenant_id, row, case, {**old._mapping, "state": "stopped"}, cause)
    _arm(t, row, states, armed, writes)
    return changed


def announce(uow: UnitOfWork, tenant_id: str, case_row: dict[str, Any], case: dict[str, Any],
             values: dict[str, Any], cause: str) -> None:
    kind = {"running": "armed"}.get(values["state"], values["state"])
    uow.emit(f"escalation.clock_{kind}", tenant_id, escalation_pb2.ClockArmed(
        clock=protos.clock_proto(values, case_row["department"]),
        case_number=case_row["case_number"], anonymous=bool(case.get("anonymous"))),
        correlation_id=values["case_id"], causation_id=cause)


def _arm(t: Tenant, row: dict[str, Any], states: dict[str, ClockState],
         have: dict[tuple[str, str], sa.Row], writes: Writes) -> None:
    """The case's timers made to match its running clocks. A timer that fired stays fired for
    its round: a deadline missed is not un-missed by a later hold; a restarted clock arms anew."""
    case_id = row["case_id"]
    want = {(c.name, kind): (at, c) for c in states.values()
            for kind, at in timers_of(c, t.pack, calendar=t.calendar,
                                      office_hours=t.office_hours).items()}
    for (name, kind), old in have.items():
        if (name, kind) not in want and old.fired_at is None:
            writes.gone_timers.append({"k_case": case_id, "k_clock": name, "k_kind": kind})
    for (name, kind), (at, c) in want.items():
        timer = have.get((name, kind))
        values = {"due_at": at, "round": c.round, "rule": c.rule.rule,
                  "case_number": row["case_number"], "fired_at": None}
        if timer is None:
            writes.new_timers.append({"case_id": case_id, "clock": name, "kind": kind,
                                      "tenant_id": t.tenant_id, **values})
        elif (timer.fired_at is None and (timer.due_at, timer.round, timer.case_number) != (
                at, c.round, row["case_number"])) or (
                timer.fired_at is not None and timer.round < c.round):
            writes.changed_timers.append({"k_case": case_id, "k_clock": name, "k_kind": kind,
                                          **values})


async def resync_tenant(uow: UnitOfWork, tenant_id: str, *, cause: str = "",
                        chunk: int = 500) -> int:
    """Replay every open case of the tenant (after a policy or calendar change)."""
    t = await tenant(uow, tenant_id)
    ids = (await uow.conn.execute(sa.select(tracked.c.case_id).where(
        tracked.c.tenant_id == tenant_id, tracked.c.open.is_(True)))).scalars().all()
    changed = 0
    for i in range(0, len(ids), chunk):
        part = list(ids[i:i + chunk])
        changed += await sync(uow, t, await lock(uow, tenant_id, part),
                              causes=dict.fromkeys(part, cause))
    return changed
