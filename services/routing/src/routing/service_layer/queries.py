"""Reads and load bookkeeping that the event handlers, administration and advice share."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from casebridge_platform.calendar import WorkCalendar
from casebridge_platform.db import one_of
from casebridge_platform.errors import NotFound
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.tables import categories, conflicts, decisions, handlers, routes, tenants
from routing.domain import hours, rules, severity
from routing.domain.decision import Policy
from routing.service_layer import years


async def tenant_row(uow: UnitOfWork, tenant_id: str) -> Any:
    row = (await uow.conn.execute(
        sa.select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
    if row is None:
        raise NotFound(f"routing knows no tenant {tenant_id!r}")
    return row


async def category_list(uow: UnitOfWork, tenant_id: str) -> list[rules.Category]:
    rows = (await uow.conn.execute(sa.select(categories).where(
        categories.c.tenant_id == tenant_id).order_by(categories.c.name))).all()
    return [rules.Category(r.name, r.department, tuple(r.keywords)) for r in rows]


async def route_list(uow: UnitOfWork, tenant_id: str) -> list[rules.Route]:
    rows = (await uow.conn.execute(sa.select(routes).where(
        routes.c.tenant_id == tenant_id).order_by(routes.c.position))).all()
    return [rules.Route(r.category, r.respondent_department, r.severity, r.department)
            for r in rows]


async def policy(uow: UnitOfWork, tenant_id: str) -> Policy:
    """Everything routing needs to know about a tenant to decide; NotFound if unknown. Read in
    one statement while the tenant's configuration version is the one read before (the policy
    is kept per database for the life of the process)."""
    t = await tenant_row(uow, tenant_id)
    key = ("policy", tenant_id)
    kept = uow.cache.get(key)
    if kept is not None and kept[0] == t.config_version:
        found: Policy = kept[1]
        return found
    found = Policy(
        coordinating=t.coordinating_department,
        categories=await category_list(uow, tenant_id),
        routes=await route_list(uow, tenant_id),
        severity_rules=severity.rules_from_json(t.severity_rules),
        on_duty_department=t.on_duty_department,
        office_hours=hours.office_hours_from_json(t.office_hours),
        off_hours_routing=t.off_hours_routing,
        # read only where the hand-over needs it; elsewhere the official calendar is unused
        calendar=await years.calendar(uow, tenant_id) if t.off_hours_routing else WorkCalendar())
    uow.cache[key] = (t.config_version, found)
    return found


async def departments(uow: UnitOfWork, tenant_id: str) -> set[str]:
    """The tenant's departments from its seed; empty when not known (then nothing is checked)."""
    return set((await tenant_row(uow, tenant_id)).departments or ())


async def candidates(uow: UnitOfWork, tenant_id: str, department: str) -> list[rules.Candidate]:
    return await _handlers(uow, tenant_id, handlers.c.department == department)


async def named(uow: UnitOfWork, tenant_id: str, user_ids: list[str]) -> list[rules.Candidate]:
    return await _handlers(uow, tenant_id, one_of(handlers.c.user_id, user_ids, uow.dialect),
                           order_by=handlers.c.user_id)


async def candidates_in(uow: UnitOfWork, tenant_id: str,
                        departments: set[str]) -> list[rules.Candidate]:
    return await _handlers(uow, tenant_id,
                           one_of(handlers.c.department, sorted(departments), uow.dialect))


async def _handlers(uow: UnitOfWork, tenant_id: str, where: sa.ColumnElement[bool], *,
                    order_by: sa.ColumnElement[Any] | None = None) -> list[rules.Candidate]:
    """The tenant's handlers that `where` selects."""
    query = sa.select(handlers).where(handlers.c.tenant_id == tenant_id, where)
    rows = (await uow.conn.execute(query if order_by is None else query.order_by(order_by)
                                   )).all()
    return [rules.Candidate(r.user_id, r.name, r.open_cases, r.department) for r in rows]


async def conflict_list(uow: UnitOfWork, tenant_id: str,
                        user_ids: list[str]) -> list[rules.Conflict]:
    rows = (await uow.conn.execute(sa.select(conflicts).where(
        conflicts.c.tenant_id == tenant_id,
        one_of(conflicts.c.user_id, user_ids, uow.dialect)))).all()
    return [rules.Conflict(r.user_id, r.party, r.case_id) for r in rows]


async def eligible(uow: UnitOfWork, tenant_id: str, department: str,
                   parties: rules.Parties) -> list[rules.Candidate]:
    """The department's handlers recusal leaves, least loaded first."""
    found = await candidates(uow, tenant_id, department)
    declared = await conflict_list(uow, tenant_id, [c.user_id for c in found])
    return rules.eligible(found, declared, parties)


async def adjust_load(uow: UnitOfWork, tenant_id: str, user_id: str, delta: int) -> None:
    """Count a case on (+1) or off (-1) a handler's load; the load never drops below zero."""
    if not user_id:
        return
    await uow.conn.execute(handlers.update().where(
        handlers.c.tenant_id == tenant_id, handlers.c.user_id == user_id)
        .values(open_cases=sa.func.max(handlers.c.open_cases + delta, 0)
                if uow.dialect == "sqlite"
                else sa.func.greatest(handlers.c.open_cases + delta, 0)))


async def adjust_loads(uow: UnitOfWork, tenant_id: str, deltas: dict[str, int]) -> None:
    """adjust_load for several handlers, in one statement."""
    rows = [{"k_tenant": tenant_id, "k_user": user_id, "delta": delta}
            for user_id, delta in deltas.items() if user_id and delta]
    if not rows:
        return
    least = sa.func.max if uow.dialect == "sqlite" else sa.func.greatest
    await uow.conn.execute(handlers.update().where(
        handlers.c.tenant_id == sa.bindparam("k_tenant"),
        handlers.c.user_id == sa.bindparam("k_user"))
        .values(open_cases=least(handlers.c.open_cases + sa.bindparam("delta"), 0)), rows)


async def decision_row(uow: UnitOfWork, case_id: str) -> Any:
    return (await uow.conn.execute(
        sa.select(decisions).where(decisions.c.case_id == case_id))).first()
