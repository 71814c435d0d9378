"""RoutingService over gRPC: translates protobuf to the service layer and back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import grpc
from casebridge.routing.v1 import routing_pb2, routing_pb2_grpc
from casebridge_platform.auth import ROLES, principal
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.messaging.envelope import timestamp
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.domain import decision, rules
from routing.service_layer import admin, handlers, queries
from routing.service_layer.reroute import record_conflict

STAFF = ROLES  # any staff role, and the system principal of other services


def scores(found: rules.Classification | None) -> list[routing_pb2.CategoryScore]:
    return [routing_pb2.CategoryScore(category=s.category, department=s.department,
                                      matched_keywords=s.matched, hits=s.hits)
            for s in (found.scores if found else ())]


class RoutingServicer(routing_pb2_grpc.RoutingServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    async def Classify(self, request: routing_pb2.ClassifyRequest,
                       context: grpc.aio.ServicerContext) -> routing_pb2.ClassifyResponse:
        """The best category with every scoring category, so staff can see why."""
        async with self._uow() as uow:
            table = await queries.category_list(uow, principal().tenant_id)
        found = rules.classify(request.content, table)
        if found is None:
            return routing_pb2.ClassifyResponse()
        return routing_pb2.ClassifyResponse(category=found.category,
                                            matched_keywords=found.matched, scores=scores(found))

    async def Route(self, request: routing_pb2.RouteRequest,
                    context: grpc.aio.ServicerContext) -> routing_pb2.RoutingDecided:
        """What routing would decide now, without reserving a handler."""
        complaint = decision.Complaint(
            content=request.content, category=request.category,
            respondent_department=request.respondent_department,
            other_departments=tuple(request.other_departments),
            circumstances=tuple(request.circumstances),
            amount_fen=request.claimed_amount.amount_fen, received_at=datetime.now(UTC))
        async with self._uow() as uow:
            decided = await handlers.decide(uow, tenant_id=principal().tenant_id,
                                            complaint=complaint, parties=rules.Parties())
        return decided.announced

    async def ListCandidates(self, request: routing_pb2.ListCandidatesRequest,
                             context: grpc.aio.ServicerContext
                             ) -> routing_pb2.ListCandidatesResponse:
        """The department's handlers by load; whoever recusal excludes is never shown."""
        principal().require(*STAFF)
        if not request.department:
            raise InvalidArgument("department is required", {"department": "must not be empty"})
        parties = rules.Parties(request.case_id, request.complainant_name,
                                request.respondent_person, request.respondent_unit)
        async with self._uow() as uow:
            found = await queries.eligible(uow, principal().tenant_id, request.department,
                                           parties)
        return routing_pb2.ListCandidatesResponse(candidates=[routing_pb2.Candidate(
            user_id=c.user_id, name=c.name, department=c.department, open_cases=c.open_cases)
            for c in found])

    async def ListCategories(self, request: routing_pb2.ListCategoriesRequest,
                             context: grpc.aio.ServicerContext
                             ) -> routing_pb2.ListCategoriesResponse:
        principal().require(*STAFF)
        async with self._uow() as uow:
            found = await queries.category_list(uow, principal().tenant_id)
        return routing_pb2.ListCategoriesResponse(categories=[routing_pb2.CategoryRule(
            name=c.name, department=c.department, keywords=c.keywords) for c in found])

    async def PutCategory(self, request: routing_pb2.CategoryRule,
                          context: grpc.aio.ServicerContext) -> routing_pb2.CategoryRule:
        principal().require("admin")
        async with self._uow() as uow:
            stored = await admin.put_category(uow, tenant_id=principal().tenant_id, rule=request)
            await uow.commit()
        return stored

    async def DeleteCategory(self, request: routing_pb2.DeleteCategoryRequest,
                             context: grpc.aio.ServicerContext
                             ) -> routing_pb2.DeleteCategoryResponse:
        principal().require("admin")
        async with self._uow() as uow:
            await admin.delete_category(uow, tenant_id=principal().tenant_id, name=request.name)
            await uow.commit()
        return routing_pb2.DeleteCategoryResponse()

    async def GetRoutingTable(self, request: routing_pb2.GetRoutingTableRequest,
                              context: grpc.aio.ServicerContext) -> routing_pb2.RoutingTable:
        principal().require(*STAFF)
        async with self._uow() as uow:
            return admin.as_table(await queries.route_list(uow, principal().tenant_id))

    async def PutRoutingTable(self, request: routing_pb2.RoutingTable,
                              context: grpc.aio.ServicerContext) -> routing_pb2.RoutingTable:
        principal().require("admin")
        async with self._uow() as uow:
            stored = await admin.put_table(uow, tenant_id=principal().tenant_id, table=request)
            await uow.commit()
        return stored

    async def DeclareConflict(self, request: routing_pb2.DeclareConflictRequest,
                              context: grpc.aio.ServicerContext
                              ) -> routing_pb2.ConflictDeclared:
        """A handler declares for themself; a supervisor or admin may declare for another."""
        caller = principal()
        user_id = request.user_id or caller.user_id
        if user_id == caller.user_id:
            caller.require("handler", "supervisor", "admin")
        else:
            caller.require("supervisor", "admin")
        if not (request.party.strip() or request.case_id):
            raise InvalidArgument("name a party or a case", {
                "party": "party or case_id is required"})
        async with self._uow() as uow:
            at = await record_conflict(uow, caller.tenant_id, user_id=user_id,
                                       party=request.party.strip(), case_id=request.case_id,
                                       reason=request.reason)
            await uow.commit()
        return routing_pb2.ConflictDeclared(
            user_id=user_id, party=request.party.strip(), case_id=request.case_id,
            reason=request.reason, declared_at=timestamp(at))
