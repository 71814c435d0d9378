"""What staff ask of the escalation service beyond reading clocks: the tenant's policy, loaded
calendar years, a rebuild of a case's clocks, an extension, the late-handling ledger."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from casebridge.escalation.v1 import escalation_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.calendar import TZ, package_years
from casebridge_platform.errors import FailedPrecondition, InvalidArgument, NotFound
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork
from google.protobuf.json_format import MessageToDict

from escalation.adapters import protos
from escalation.adapters.tables import (
    calendar_years,
    case_facts,
    clocks,
    ledger,
    tenant_settings,
    tracked,
)
from escalation.domain import policy
from escalation.service_layer import sync, years

STAFF = ("handler", "supervisor", "leader", "admin", "intake_clerk")
OVERSIGHT = ("supervisor", "leader", "admin")


async def _settings(uow: UnitOfWork, tenant_id: str) -> sa.Row:
    row = (await uow.conn.execute(sa.select(tenant_settings).where(
        tenant_settings.c.tenant_id == tenant_id))).first()
    if row is None:
        raise NotFound("this tenant has no deadline policy")
    return row


async def get_policy(uow: UnitOfWork, *, principal: Principal) -> escalation_pb2.Policy:
    principal.require(*STAFF)
    row = await _settings(uow, principal.tenant_id)
    t = await sync.tenant(uow, principal.tenant_id)
    return protos.policy_proto(t.pack, row.kind, regulator=t.regulator)


def _overrides(request: escalation_pb2.PutPolicyRequest, old: dict) -> dict:
    out = dict(old)
    if request.clocks:
        mine = {c["name"]: c for c in old.get("clocks", [])}
        for c in request.clocks:
            mine[c.name] = {k: v for k, v in MessageToDict(
                c, preserving_proto_field_name=True).items()}
        out["clocks"] = list(mine.values())
    if request.warn_fraction:
        out["warn_fraction"] = request.warn_fraction
    if request.ladder:
        out["ladder"] = [{"rung": r.rung, "title": r.title, "at": r.at, "tell": list(r.tell),
                          **({"after": {"amount": r.after_amount, "unit": r.after_unit}}
                             if r.after_amount else {})} for r in request.ladder]
    return out


async def put_policy(uow: UnitOfWork, *, principal: Principal,
                     request: escalation_pb2.PutPolicyRequest) -> escalation_pb2.Policy:
    """Tighten the tenant's deadlines; every running clock is replayed under the new policy,
    so elapsed and paused time are kept and only the allowed amount changes."""
    principal.require("admin")
    row = await _settings(uow, principal.tenant_id)
    overrides = _overrides(request, row.overrides or {})
    try:
        policy.tenant_policy(policy.pack(row.kind), overrides)
    except policy.PolicyError as e:
        raise InvalidArgument("the policy change is refused: " + str(e),
                              dict(e.violations)) from e
    await uow.conn.execute(tenant_settings.update().where(
        tenant_settings.c.tenant_id == principal.tenant_id).values(
        overrides=overrides, updated_at=datetime.now(UTC)))
    moved = await sync.resync_tenant(uow, principal.tenant_id)
    t = await sync.tenant(uow, principal.tenant_id)
    return protos.policy_proto(t.pack, row.kind, regulator=t.regulator, recomputed=moved)


def _named(days: list[escalation_pb2.NamedDay], year: int, at: str) -> dict[str, str]:
    out, errors = {}, {}
    for i, d in enumerate(days):
        try:
            day = date.fromisoformat(d.date)
        except ValueError:
            errors[f"{at}[{i}].date"] = f"not an ISO date: {d.date!r}"
            continue
        if day.year != year:
            errors[f"{at}[{i}].date"] = f"{d.date} is not in {year}"
        elif not d.name.strip():
            errors[f"{at}[{i}].name"] = "say which holiday it belongs to, e.g. 春节"
        out[day.isoformat()] = d.name.strip()
    if errors:
        raise InvalidArgument(f"the {year} schedule is refused", errors)
    return out


async def load_year(uow: UnitOfWork, *, principal: Principal,
                    request: escalation_pb2.LoadYearRequest) -> escalation_pb2.LoadYearResponse:
    """An official year's schedule as published (国务院办公厅 节假日安排); it replaces the
    package's for that year, every open case's clocks are replayed over it, and routing is
    told (escalation.year_loaded) so its office hours follow."""
    principal.require("admin")
    year = request.year
    if not 2000 <= year <= 2100:
        raise InvalidArgument("year out of range", {"year": "a year between 2000 and 2100"})
    holidays = _named(list(request.holidays), year, "holidays")
    workdays = _named(list(request.workdays), year, "workdays")
    errors = {"holidays": "an official schedule lists its holidays"} if not holidays else {}
    errors.update({f"workdays.{d}": "listed both as a holiday and as a working day"
                   for d in set(holidays) & set(workdays)})
    errors.update({f"workdays.{d}": "a weekday; a make-up working day (调休) is a Saturday or "
                   "Sunday" for d in workdays if date.fromisoformat(d).weekday() < 5})
    if errors:
        raise InvalidArgument(f"the {year} schedule is refused", errors)
    source, loaded_at = request.source.strip(), datetime.now(UTC)
    values = {"holidays": holidays, "workdays": workdays, "source": source,
              "loaded_by": principal.user_id, "loaded_at": loaded_at}
    await uow.conn.execute(calendar_years.delete().where(
        calendar_years.c.tenant_id == principal.tenant_id, calendar_years.c.year == year))
    await uow.conn.execute(calendar_years.insert().values(
        tenant_id=principal.tenant_id, year=year, **values))
    years.announce(uow, principal.tenant_id, year=year, holidays=holidays, workdays=workdays,
                   source=source, loaded_at=loaded_at)
    await uow.conn.execute(tenant_settings.update().where(  # a new version of the tenant
        tenant_settings.c.tenant_id == principal.tenant_id).values(updated_at=loaded_at))
    moved = await sync.resync_tenant(uow, principal.tenant_id)
    return escalation_pb2.LoadYearResponse(year=year, holidays=len(holidays),
                                           workdays=len(workdays), clocks_recomputed=moved)


async def list_years(uow: UnitOfWork, *, principal: Principal) -> escalation_pb2.ListYearsResponse:
    principal.require(*STAFF)
    rows = (await uow.conn.execute(sa.select(calendar_years).where(
        calendar_years.c.tenant_id == principal.tenant_id).order_by(calendar_years.c.year)))
    return escalation_pb2.ListYearsResponse(years=[escalation_pb2.LoadedYear(
        year=r.year, holidays=len(r.holidays), workdays=len(r.workdays), source=r.source,
        loaded_by=r.loaded_by, loaded_at=timestamp(r.loaded_at)) for r in rows.all()],
        official=package_years())


async def rebuild(uow: UnitOfWork, *, principal: Principal,
                  case_id: str) -> escalation_pb2.RebuildResponse:
    """The case's clocks replayed from its recorded events alone; says whether the stored
    clocks differed (they do not, unless something went wrong)."""
    principal.require(*OVERSIGHT)
    t = await sync.tenant(uow, principal.tenant_id)
    row = await _tracked(uow, principal.tenant_id, case_id)
    changed = await sync.sync(uow, t, {case_id: row}, causes={case_id: f"rebuild:{case_id}"})
    rows = (await uow.conn.execute(sa.select(clocks).where(clocks.c.case_id == case_id)
                                   .order_by(clocks.c.due_at))).all()
    return escalation_pb2.RebuildResponse(
        clocks=[protos.clock_proto(r, row["department"]) for r in rows], changed=changed > 0)


async def _tracked(uow: UnitOfWork, tenant_id: str, case_id: str) -> dict[str, Any]:
    if not (await uow.conn.execute(sa.select(tracked.c.case_id).where(
            tracked.c.case_id == case_id, tracked.c.tenant_id == tenant_id))).first():
        raise NotFound("no such case has deadlines here")
    return (await sync.lock(uow, tenant_id, [case_id]))[case_id]


async def extend(uow: UnitOfWork, *, principal: Principal,
                 request: escalation_pb2.ExtendRequest) -> escalation_pb2.Clock:
    """A clock extended once by its rule's extension, with a leader's approval and a reason
    (e.g. 核查 +15 working days, 《市场监督管理行政处罚程序规定》第十八条)."""
    principal.require("leader", "admin")
    if not request.reason.strip():
        raise InvalidArgument("an extension needs its reason", {"reason": "required"})
    t = await sync.tenant(uow, principal.tenant_id)
    row = await _tracked(uow, principal.tenant_id, request.case_id)
    rule = t.pack.clock(request.clock)
    clock = (await uow.conn.execute(sa.select(clocks).where(
        clocks.c.case_id == request.case_id, clocks.c.name == request.clock))).first()
    if clock is None or rule is None:
        raise NotFound(f"the case has no clock {request.clock!r}")
    if not rule.extension:
        raise FailedPrecondition(f"{rule.title} cannot be extended ({rule.cite})")
    if clock.extended_by:
        raise FailedPrecondition(f"{rule.title} was extended already; it may be only once")
    if clock.state == "stopped":
        raise FailedPrecondition(f"{rule.title} has stopped; there is nothing to extend")
    await uow.conn.execute(case_facts.insert().values(
        event_id=str(uuid.uuid5(uuid.NAMESPACE_URL,
                                f"extend:{request.case_id}:{request.clock}:{clock.round}")),
        tenant_id=principal.tenant_id, case_id=request.case_id, type="extended",
        at=datetime.now(UTC), recorded_at=datetime.now(UTC),
        data={"clock": request.clock, "reason": request.reason.strip(),
              "actor": principal.user_id}))
    await sync.sync(uow, t, {request.case_id: row},
                    causes={request.case_id: f"extend:{request.case_id}"})
    after = (await uow.conn.execute(sa.select(clocks).where(
        clocks.c.case_id == request.case_id, clocks.c.name == request.clock))).one()
    return protos.clock_proto(after, row["department"])


def _day(value: str, at: str, default: date) -> datetime:
    try:
        d = date.fromisoformat(value) if value else default
    except ValueError as e:
        raise InvalidArgument(f"not an ISO date: {value!r}", {at: "YYYY-MM-DD"}) from e
    return datetime.combine(d, time(0), TZ).astimezone(UTC)


async def get_ledger(uow: UnitOfWork, *, principal: Principal,
                     request: escalation_pb2.GetLedgerRequest
                     ) -> escalation_pb2.GetLedgerResponse:
    """Missed deadlines per department in a period (default: this month), with the charges."""
    principal.require(*OVERSIGHT)
    today = datetime.now(TZ).date()
    start = _day(request.from_date, "from_date", today.replace(day=1))
    end = _day(request.to_date, "to_date", today) + timedelta(days=1)
    where = [ledger.c.tenant_id == principal.tenant_id, ledger.c.breached_at >= start,
             ledger.c.breached_at < end]
    if request.department:
        where.append(ledger.c.department == request.department)
    rows = (await uow.conn.execute(sa.select(ledger).where(*where)
                                   .order_by(ledger.c.breached_at))).all()
    totals: dict[str, list[int]] = {}
    for r in rows:
        count, fen = totals.setdefault(r.department, [0, 0])
        totals[r.department] = [count + 1, fen + r.amount_fen]
    t = await sync.tenant(uow, principal.tenant_id, required=False)
    return escalation_pb2.GetLedgerResponse(
        entries=[escalation_pb2.LedgerEntry(
            case_id=r.case_id, case_number=r.case_number, clock=r.clock,
            department=r.department, severity=r.severity, amount_fen=r.amount_fen,
            due_at=timestamp(r.due_at), breached_at=timestamp(r.breached_at), rule=r.rule)
            for r in rows],
        totals=[escalation_pb2.DepartmentTotal(department=d, breaches=c, amount_fen=f)
                for d, (c, f) in sorted(totals.items())],
        cite=t.pack.ledger_cite)

