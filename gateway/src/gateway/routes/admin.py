"""Routing rules a tenant edits: categories with their keyword rules, the routing table;
the classifier's explanation; conflicts of interest."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from casebridge.routing.v1 import routing_pb2
from fastapi import APIRouter, Path

from gateway import schemas as s
from gateway.deps import Staff

router = APIRouter(prefix="/v1", tags=["routing rules"])
Name = Annotated[str, Path(min_length=1, max_length=64)]


def _category(c: routing_pb2.CategoryRule) -> s.CategoryRead:
    return s.CategoryRead(name=c.name, department=c.department, keywords=list(c.keywords))


@router.get("/categories", operation_id="list_categories", response_model=list[s.CategoryRead],
            summary="The tenant's categories and their keyword rules")
async def list_categories(call: Staff) -> list[s.CategoryRead]:
    answer = await call.svc.routing.ListCategories(routing_pb2.ListCategoriesRequest(),
                                                   **call.options)
    return [_category(c) for c in answer.categories]


@router.put("/categories/{name}", operation_id="put_category", response_model=s.CategoryRead,
            summary="Create or replace a category (admin)")
async def put_category(name: Name, body: s.CategoryRule, call: Staff) -> s.CategoryRead:
    answer = await call.svc.routing.PutCategory(routing_pb2.CategoryRule(
        name=name.strip(), department=body.department, keywords=body.keywords), **call.options)
    return _category(answer)


@router.delete("/categories/{name}", operation_id="delete_category",
               status_code=204, summary="Remove a category (admin)")
async def delete_category(name: Name, call: Staff) -> None:
    await call.svc.routing.DeleteCategory(routing_pb2.DeleteCategoryRequest(name=name),
                                          **call.options)


def _table(t: routing_pb2.RoutingTable) -> s.RoutingTable:
    return s.RoutingTable(routes=[s.RouteRow(
        category=r.category or None, respondent_department=r.respondent_department or None,
        severity=r.severity or None, department=r.department) for r in t.routes])


@router.get("/routing-table", operation_id="get_routing_table", response_model=s.RoutingTable,
            summary="category × respondent department × severity → responsible department")
async def get_routing_table(call: Staff) -> s.RoutingTable:
    return _table(await call.svc.routing.GetRoutingTable(
        routing_pb2.GetRoutingTableRequest(), **call.options))


@router.put("/routing-table", operation_id="put_routing_table", response_model=s.RoutingTable,
            summary="Replace the routing table (admin); the most specific row wins")
async def put_routing_table(body: s.RoutingTable, call: Staff) -> s.RoutingTable:
    table = routing_pb2.RoutingTable(routes=[routing_pb2.Route(
        category=r.category or "", respondent_department=r.respondent_department or "",
        severity=r.severity or "", department=r.department) for r in body.routes])
    return _table(await call.svc.routing.PutRoutingTable(table, **call.options))


@router.post("/classify", operation_id="classify", response_model=s.Classification,
             summary="How a text would be classified, and why")
async def classify(body: s.ClassifyBody, call: Staff) -> s.Classification:
    answer = await call.svc.routing.Classify(routing_pb2.ClassifyRequest(content=body.content),
                                             **call.options)
    return s.Classification(
        category=answer.category or None, matched_keywords=list(answer.matched_keywords),
        scores=[s.CategoryScore(category=c.category, department=c.department,
                                matched_keywords=list(c.matched_keywords), hits=c.hits)
                for c in answer.scores])


@router.post("/conflicts", operation_id="declare_conflict",
             status_code=201, response_model=s.ConflictRead,
             summary="Declare a conflict of interest (回避) with a party or a case")
async def declare_conflict(body: s.ConflictBody, call: Staff) -> s.ConflictRead:
    answer = await call.svc.routing.DeclareConflict(routing_pb2.DeclareConflictRequest(
        user_id=body.user_id or "", party=body.party or "",
        case_id=str(body.case_id) if body.case_id else "", reason=body.reason), **call.options)
    return s.ConflictRead(user_id=answer.user_id, party=answer.party or None,
                          case_id=answer.case_id or None, reason=answer.reason,
                          declared_at=answer.declared_at.ToDatetime(tzinfo=UTC))
