"""Routing's commands and event handlers."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from casebridge.intake.v1 import intake_pb2
from casebridge.routing.v1 import routing_pb2
from casebridge_platform.db import insert_ignore
from casebridge_platform.errors import NotFound
from casebridge_platform.messaging.consumer import Transient
from casebridge_platform.messaging.envelope import Event
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.tables import categories, decisions, handlers, tenants
from routing.domain import rules


async def tenant_table(uow: UnitOfWork, tenant_id: str) -> tuple[str, list[rules.Category]]:
    """The tenant's coordinating office and categories, in one query."""
    rows = (await uow.conn.execute(
        sa.select(tenants.c.coordinating_department, categories.c.name,
                  categories.c.department, categories.c.keywords)
        .select_from(tenants.outerjoin(categories, categories.c.tenant_id == tenants.c.tenant_id))
        .where(tenants.c.tenant_id == tenant_id).order_by(categories.c.name))).all()
    if not rows:
        raise NotFound(f"routing knows no tenant {tenant_id!r}")
    return rows[0].coordinating_department, [
        rules.Category(r.name, r.department, tuple(r.keywords)) for r in rows if r.name]


async def decide(uow: UnitOfWork, *, tenant_id: str, category: str, content: str,
                 respondent_department: str, respondent_person: str,
                 reserve: bool) -> routing_pb2.RoutingDecided:
    """Category (given, or classified from the text), department and handler for a complaint."""
    coordinating, table = await tenant_table(uow, tenant_id)
    decision = routing_pb2.RoutingDecided(category=category, category_source="given")
    if not category:
        found = rules.classify(content, table)
        decision.category_source = "classified"
        if found:
            decision.category = found.category
            decision.matched_keywords.extend(found.matched)
    decision.department = rules.department_for(decision.category or None, table, coordinating,
                                               respondent_department)
    decision.reason = (
        f"category {decision.category} → {decision.department}" if decision.category
        else f"no category matched; respondent department {decision.department}"
        if decision.department != coordinating
        else f"no category matched → coordinating office {coordinating}")
    candidates = [rules.Candidate(r.user_id, r.name, r.open_cases) for r in (
        await uow.conn.execute(sa.select(handlers).where(
            handlers.c.tenant_id == tenant_id, handlers.c.department == decision.department))
    ).all()]
    chosen = rules.pick_handler(candidates, recused={respondent_person} - {""})
    if chosen:
        decision.handler_id = chosen.user_id
        if reserve:
            await uow.conn.execute(handlers.update().where(
                handlers.c.tenant_id == tenant_id, handlers.c.user_id == chosen.user_id)
                .values(open_cases=handlers.c.open_cases + 1))
    return decision


async def on_received(uow: UnitOfWork, event: Event) -> None:
    """intake.received → routing.decided."""
    submission = event.payload(intake_pb2.ComplaintReceived).submission
    try:
        decision = await decide(
            uow, tenant_id=event.tenant_id, category=submission.category,
            content=submission.content, respondent_department=submission.respondent.department,
            respondent_person=submission.respondent.person, reserve=True)
    except NotFound as exc:
        raise Transient(str(exc)) from exc
    decision.case_id = submission.case_id
    uow.insert_later(decisions, {
        "case_id": submission.case_id, "tenant_id": event.tenant_id,
        "category": decision.category, "department": decision.department,
        "handler_id": decision.handler_id, "decided_at": datetime.now(UTC)})
    uow.emit("routing.decided", event.tenant_id, decision,
             correlation_id=submission.case_id, causation_id=event.id)


async def seed(uow: UnitOfWork, data: dict) -> None:
    """Load tenants, categories and handlers from a seed file (existing rows are kept)."""
    for t in data["tenants"]:
        await uow.conn.execute(insert_ignore(tenants, uow.dialect).values(
            tenant_id=t["id"], kind=t["kind"],
            coordinating_department=t["coordinating_department"]))
        for c in t["categories"]:
            await uow.conn.execute(insert_ignore(categories, uow.dialect).values(
                tenant_id=t["id"], name=c["name"], department=c["department"],
                keywords=c["keywords"]))
        for s in t["staff"]:
            if "handler" in s["roles"] and s["department"]:
                await uow.conn.execute(insert_ignore(handlers, uow.dialect).values(
                    tenant_id=t["id"], user_id=s["id"], name=s["name"],
                    department=s["department"], open_cases=0))
