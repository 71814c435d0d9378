"""Administration: categories, the routing table and declared conflicts."""

from __future__ import annotations

from typing import Any

from casebridge.routing.v1 import routing_pb2
from casebridge_platform.db import dialect_insert
from casebridge_platform.errors import InvalidArgument, NotFound
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters.tables import categories, routes
from routing.domain import rules
from routing.service_layer import queries


async def announce_categories(uow: UnitOfWork, tenant_id: str) -> None:
    """routing.categories_changed with every current name, so intake keeps its list."""
    names = [c.name for c in await queries.category_list(uow, tenant_id)]
    uow.emit("routing.categories_changed", tenant_id,
             routing_pb2.CategoriesChanged(categories=names))


async def put_category(uow: UnitOfWork, *, tenant_id: str,
                       rule: routing_pb2.CategoryRule) -> routing_pb2.CategoryRule:
    """Create or replace a category; keywords are trimmed and deduplicated in order."""
    keywords = list(rule.keywords)
    errors = rules.category_errors(rule.name, rule.department, keywords,
                                   await queries.departments(uow, tenant_id))
    if errors:
        raise InvalidArgument("the category is not valid", errors)
    values: dict[str, Any] = {"department": rule.department,
                              "keywords": list(dict.fromkeys(k.strip() for k in keywords))}
    await uow.conn.execute(dialect_insert(categories, uow.dialect).values(
        tenant_id=tenant_id, name=rule.name.strip(), **values).on_conflict_do_update(
        index_elements=[categories.c.tenant_id, categories.c.name], set_=values))
    await announce_categories(uow, tenant_id)
    return routing_pb2.CategoryRule(name=rule.name.strip(), **values)


async def delete_category(uow: UnitOfWork, *, tenant_id: str, name: str) -> None:
    gone = await uow.conn.execute(categories.delete().where(
        categories.c.tenant_id == tenant_id, categories.c.name == name))
    if not gone.rowcount:
        raise NotFound(f"no category {name!r}")
    await announce_categories(uow, tenant_id)


def as_rows(table: routing_pb2.RoutingTable) -> list[rules.Route]:
    return [rules.Route(r.category.strip(), r.respondent_department.strip(), r.severity.strip(),
                        r.department.strip()) for r in table.routes]


def as_table(rows: list[rules.Route]) -> routing_pb2.RoutingTable:
    return routing_pb2.RoutingTable(routes=[routing_pb2.Route(
        category=r.category, respondent_department=r.respondent_department,
        severity=r.severity, department=r.department) for r in rows])


async def put_table(uow: UnitOfWork, *, tenant_id: str,
                    table: routing_pb2.RoutingTable) -> routing_pb2.RoutingTable:
    """Replace the whole routing table, or change nothing if any row is wrong."""
    rows = as_rows(table)
    known = {c.name for c in await queries.category_list(uow, tenant_id)}
    errors = rules.route_errors(rows, await queries.departments(uow, tenant_id), known)
    if errors:
        raise InvalidArgument("the routing table is not valid", errors)
    await uow.conn.execute(routes.delete().where(routes.c.tenant_id == tenant_id))
    if rows:
        await uow.conn.execute(routes.insert(), [
            {"tenant_id": tenant_id, "position": i, "category": r.category,
             "respondent_department": r.respondent_department, "severity": r.severity,
             "department": r.department} for i, r in enumerate(rows)])
    return as_table(rows)

