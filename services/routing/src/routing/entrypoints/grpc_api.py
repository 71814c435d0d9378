"""RoutingService over gRPC."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from casebridge.routing.v1 import routing_pb2, routing_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.domain import rules
from routing.service_layer import handlers


class RoutingServicer(routing_pb2_grpc.RoutingServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    async def Classify(self, request: routing_pb2.ClassifyRequest,
                       context: grpc.aio.ServicerContext) -> routing_pb2.ClassifyResponse:
        async with self._uow() as uow:
            _, table = await handlers.tenant_table(uow, principal().tenant_id)
        found = rules.classify(request.content, table)
        if found is None:
            return routing_pb2.ClassifyResponse()
        return routing_pb2.ClassifyResponse(category=found.category,
                                            matched_keywords=found.matched)

    async def Route(self, request: routing_pb2.RouteRequest,
                    context: grpc.aio.ServicerContext) -> routing_pb2.RoutingDecided:
        """What routing would decide now, without reserving a handler."""
        async with self._uow() as uow:
            return await handlers.decide(
                uow, tenant_id=principal().tenant_id, category=request.category,
                content=request.content, respondent_department=request.respondent_department,
                respondent_person="", reserve=False)
