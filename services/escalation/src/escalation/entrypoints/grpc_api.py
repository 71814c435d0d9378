"""EscalationService over gRPC."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from casebridge.escalation.v1 import escalation_pb2, escalation_pb2_grpc
from casebridge_platform.auth import principal
from casebridge_platform.messaging.outbox import UnitOfWork

from escalation.service_layer import admin, handlers


class EscalationServicer(escalation_pb2_grpc.EscalationServiceServicer):
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

    async def GetClocks(self, request: escalation_pb2.GetClocksRequest,
                        context: grpc.aio.ServicerContext) -> escalation_pb2.GetClocksResponse:
        return await self._read(handlers.get_clocks, case_id=request.case_id)

    async def Explain(self, request: escalation_pb2.ExplainRequest,
                      context: grpc.aio.ServicerContext) -> escalation_pb2.ExplainResponse:
        return await self._read(handlers.explain_clocks, case_id=request.case_id)

    async def GetPolicy(self, request: escalation_pb2.GetPolicyRequest,
                        context: grpc.aio.ServicerContext) -> escalation_pb2.Policy:
        return await self._read(admin.get_policy)

    async def PutPolicy(self, request: escalation_pb2.PutPolicyRequest,
                        context: grpc.aio.ServicerContext) -> escalation_pb2.Policy:
        return await self._write(admin.put_policy, request=request)

    async def LoadYear(self, request: escalation_pb2.LoadYearRequest,
                       context: grpc.aio.ServicerContext) -> escalation_pb2.LoadYearResponse:
        return await self._write(admin.load_year, request=request)

    async def ListYears(self, request: escalation_pb2.ListYearsRequest,
                        context: grpc.aio.ServicerContext) -> escalation_pb2.ListYearsResponse:
        return await self._read(admin.list_years)

    async def Rebuild(self, request: escalation_pb2.RebuildRequest,
                      context: grpc.aio.ServicerContext) -> escalation_pb2.RebuildResponse:
        return await self._write(admin.rebuild, case_id=request.case_id)

    async def Extend(self, request: escalation_pb2.ExtendRequest,
                     context: grpc.aio.ServicerContext) -> escalation_pb2.Clock:
        return await self._write(admin.extend, request=request)

    async def GetLedger(self, request: escalation_pb2.GetLedgerRequest,
                        context: grpc.aio.ServicerContext) -> escalation_pb2.GetLedgerResponse:
        return await self._read(admin.get_ledger, request=request)
