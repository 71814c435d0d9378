"""RoutingService over gRPC: translates protobuf to the service layer and back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from casebridge.routing.v1 import routing_pb2, routing_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.service_layer import admin, advice


class RoutingServicer(routing_pb2_grpc.RoutingServiceServicer):
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    async def _read(self, fn: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        async with self._uow() as uow:
            return await fn(uow, principal=principal(), **kwargs)

    async def _write(self, fn: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        async with self._uow() as uow:
            answer = await fn(uow, principal=principal(), **kwargs)
            await uow.commit()
            return answer

    async def Classify(self, request: routing_pb2.ClassifyRequest,
                       context: grpc.aio.ServicerContext) -> routing_pb2.ClassifyResponse:
        return await self._read(advice.classify, content=request.content)

    async def Route(self, request: routing_pb2.RouteRequest,
                    context: grpc.aio.ServicerContext) -> routing_pb2.RoutingDecided:
        return await self._read(advice.route, request=request)

    async def ListCandidates(self, request: routing_pb2.ListCandidatesRequest,
                             context: grpc.aio.ServicerContext
                             ) -> routing_pb2.ListCandidatesResponse:
        return await self._read(advice.candidates, request=request)

    async def ListHandlers(self, request: routing_pb2.ListHandlersRequest,
                           context: grpc.aio.ServicerContext
                           ) -> routing_pb2.ListCandidatesResponse:
        return await self._read(advice.named_handlers, request=request)

    async def ListCategories(self, request: routing_pb2.ListCategoriesRequest,
                             context: grpc.aio.ServicerContext
                             ) -> routing_pb2.ListCategoriesResponse:
        return await self._read(admin.list_categories)

    async def PutCategory(self, request: routing_pb2.CategoryRule,
                          context: grpc.aio.ServicerContext) -> routing_pb2.CategoryRule:
        return await self._write(admin.put_category, rule=request)

    async def DeleteCategory(self, request: routing_pb2.DeleteCategoryRequest,
                             context: grpc.aio.ServicerContext
                             ) -> routing_pb2.DeleteCategoryResponse:
        await self._write(admin.delete_category, name=request.name)
        return routing_pb2.DeleteCategoryResponse()

    async def GetRoutingTable(self, request: routing_pb2.GetRoutingTableRequest,
                              context: grpc.aio.ServicerContext) -> routing_pb2.RoutingTable:
        return await self._read(admin.get_table)

    async def PutRoutingTable(self, request: routing_pb2.RoutingTable,
                              context: grpc.aio.ServicerContext) -> routing_pb2.RoutingTable:
        return await self._write(admin.put_table, table=request)

    async def DeclareConflict(self, request: routing_pb2.DeclareConflictRequest,
                              context: grpc.aio.ServicerContext
                              ) -> routing_pb2.ConflictDeclared:
        return await self._write(admin.declare_conflict, request=request)
