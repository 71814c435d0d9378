"""Administration: categories, the routing table and declared conflicts."""

from __future__ import annotations

from typing import Any

from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import ROLES, Principal
from casebridge_platform.db import dialect_insert
from casebridge_platform.errors import InvalidArgument, NotFound
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters import protos
from routing.adapters.tables import categories, routes
from routing.domain import rules
from routing.service_layer import queries, versions
from routing.service_layer.reroute import record_conflict

# any staff role, and the system principal of other services; not the portal's complainant
STAFF = tuple(role for role in ROLES if role != "complainant")


async def announce_categories(uow: UnitOfWork, tenant_id: str) -> None:
    """routing.categories_changed with every current name, so intake keeps its list."""
    names = [c.name for c in await queries.category_list(uow, tenant_id)]
    uow.emit("routing.categories_changed", tenant_id,
             routing_pb2.CategoriesChanged(categories=names))


async def list_categories(uow: UnitOfWork, *,
                          principal: Principal) -> routing_pb2.ListCategoriesResponse:
    principal.require(*STAFF)
    return protos.category_list(await queries.category_list(uow, principal.tenant_id))


async def put_category(uow: UnitOfWork, *, principal: Principal,
                       rule: routing_pb2.CategoryRule) -> routing_pb2.CategoryRule:
    """Create or replace a category; keywords are trimmed and deduplicated in order."""
    principal.require("admin")
    tenant_id = principal.tenant_id
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
    await versions.touch(uow, tenant_id)
    await announce_categories(uow, tenant_id)
    return routing_pb2.CategoryRule(name=rule.name.strip(), **values)


async def delete_category(uow: UnitOfWork, *, principal: Principal, name: str) -> None:
    principal.require("admin")
    tenant_id = principal.tenant_id
    gone = await uow.conn.execute(categories.delete().where(
        categories.c.tenant_id == tenant_id, categories.c.name == name))
    if not gone.rowcount:
        raise NotFound(f"no category {name!r}")
    await versions.touch(uow, tenant_id)
    await announce_categories(uow, tenant_id)


async def get_table(uow: UnitOfWork, *, principal: Principal) -> routing_pb2.RoutingTable:
    principal.require(*STAFF)
    return protos.routing_table(await queries.route_list(uow, principal.tenant_id))


async def put_table(uow: UnitOfWork, *, principal: Principal,
                    table: routing_pb2.RoutingTable) -> routing_pb2.RoutingTable:
    """Replace the whole routing table, or change nothing if any row is wrong."""
    principal.require("admin")
    tenant_id = principal.tenant_id
    rows = protos.routes_of(table)
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
    await versions.touch(uow, tenant_id)
    return protos.routing_table(rows)


async def declare_conflict(uow: UnitOfWork, *, principal: Principal,
                           request: routing_pb2.DeclareConflictRequest
                           ) -> routing_pb2.ConflictDeclared:
    """A handler declares for themself; a supervisor or admin may declare for another."""
    user_id = request.user_id or principal.user_id
    if user_id == principal.user_id:
        principal.require("handler", "supervisor", "admin")
    else:
        principal.require("supervisor", "admin")
    party = request.party.strip()
    if not (party or request.case_id):
        raise InvalidArgument("name a party or a case", {
            "party": "party or case_id is required"})
    at = await record_conflict(uow, principal.tenant_id, user_id=user_id, party=party,
                               case_id=request.case_id, reason=request.reason)
    return protos.conflict_declared(user_id=user_id, party=party, case_id=request.case_id,
                                    reason=request.reason, at=at)
