"""Seed loading: tenants' routing policy, categories, routes and handlers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from casebridge_platform.db import dialect_insert, insert_ignore
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.tables import categories, handlers, routes, tenants
from routing.domain import hours, severity


def policy_columns(t: dict[str, Any]) -> dict[str, Any]:
    """The tenant's policy from its seed, validated so a typo fails at start, not at 3 a.m."""
    hours.office_hours_from_json(t.get("office_hours"))
    severity.rules_from_json(t.get("severity_rules"))
    return {"kind": t["kind"], "coordinating_department": t["coordinating_department"],
            "on_duty_department": t.get("on_duty_department", ""),
            "office_hours": t.get("office_hours"), "severity_rules": t.get("severity_rules"),
            "departments": list(dict.fromkeys(t["departments"])) if "departments" in t else None,
            "off_hours_routing": bool(t.get("off_hours_routing", False))}


async def seed_routes(uow: UnitOfWork, tenant_id: str, rows: list[dict[str, str]]) -> None:
    """The seed's routing table, only while the tenant has none (an admin's table is kept)."""
    have = (await uow.conn.execute(sa.select(sa.func.count()).select_from(routes).where(
        routes.c.tenant_id == tenant_id))).scalar()
    if have or not rows:
        return
    await uow.conn.execute(routes.insert(), [
        {"tenant_id": tenant_id, "position": i, "category": r.get("category", ""),
         "respondent_department": r.get("respondent_department", ""),
         "severity": r.get("severity", ""), "department": r["department"]}
        for i, r in enumerate(rows)])


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Load tenants, categories, routes and handlers from a seed file.

    Per tenant, besides id/kind/coordinating_department/categories/staff: optional
    `departments`, `routes` (rows of category/respondent_department/severity/department),
    `on_duty_department`, `office_hours` ([["08:00","12:00"], …], Asia/Shanghai),
    `severity_rules` (absent: the defaults in domain.severity) and `off_hours_routing`
    (default false: without it complaints are never held by the on-duty department, which
    keeps tests that run on the real clock deterministic). The policy columns follow the
    seed on every start; categories and handlers already present are kept, and routes are
    loaded only while the tenant's table is empty.
    """
    for t in data["tenants"]:
        columns = policy_columns(t)
        await uow.conn.execute(dialect_insert(tenants, uow.dialect).values(
            tenant_id=t["id"], **columns).on_conflict_do_update(
            index_elements=[tenants.c.tenant_id],
            set_={**columns, "config_version": tenants.c.config_version + 1}))
        for c in t["categories"]:
            await uow.conn.execute(insert_ignore(categories, uow.dialect).values(
                tenant_id=t["id"], name=c["name"], department=c["department"],
                keywords=c["keywords"]))
        await seed_routes(uow, t["id"], t.get("routes", []))
        for s in t["staff"]:
            if "handler" in s["roles"] and s["department"]:
                await uow.conn.execute(insert_ignore(handlers, uow.dialect).values(
                    tenant_id=t["id"], user_id=s["id"], name=s["name"],
                    department=s["department"], open_cases=0))
